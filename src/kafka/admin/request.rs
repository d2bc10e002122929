//! What an admin call asks: the operation with its borrowed inputs, what each librdkafka request
//! of the call is expected to answer, and how each request starts.
use std::ffi::CStr;
use std::os::raw::c_char;

use rdkafka_sys as rd;

use super::inputs::{
    check_range, AclSpec, ConfigResource, NewPartitions, NewTopic, RdAcl, ScramAlteration,
};
use super::result::{Expected, ExpectedKind};
use super::retry::GroupCall;
use super::sys;
use crate::error::KResult;
use crate::kafka::topic_partition::{PartitionList, TopicPartitionList};

/// The operations, numbered as librdkafka's rd_kafka_admin_op_t.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(i32)]
pub enum Op {
    CreateTopics = 1,
    DeleteTopics = 2,
    CreatePartitions = 3,
    AlterConfigs = 4,
    DescribeConfigs = 5,
    DeleteRecords = 6,
    DeleteConsumerGroups = 7,
    DeleteConsumerGroupOffsets = 8,
    CreateAcls = 9,
    DescribeAcls = 10,
    DeleteAcls = 11,
    ListConsumerGroups = 12,
    DescribeConsumerGroups = 13,
    ListConsumerGroupOffsets = 14,
    AlterConsumerGroupOffsets = 15,
    IncrementalAlterConfigs = 16,
    DescribeUserScramCredentials = 17,
    AlterUserScramCredentials = 18,
    DescribeTopics = 19,
    DescribeCluster = 20,
    ListOffsets = 21,
    ElectLeaders = 22,
}

impl Op {
    pub fn python_name(self) -> &'static str {
        match self {
            Op::CreateTopics => "create_topics",
            Op::DeleteTopics => "delete_topics",
            Op::CreatePartitions => "create_partitions",
            Op::AlterConfigs => "alter_configs",
            Op::DescribeConfigs => "describe_configs",
            Op::DeleteRecords => "delete_records",
            Op::DeleteConsumerGroups => "delete_consumer_groups",
            Op::DeleteConsumerGroupOffsets => "delete_consumer_group_offsets",
            Op::CreateAcls => "create_acls",
            Op::DescribeAcls => "describe_acls",
            Op::DeleteAcls => "delete_acls",
            Op::ListConsumerGroups => "list_consumer_groups",
            Op::DescribeConsumerGroups => "describe_consumer_groups",
            Op::ListConsumerGroupOffsets => "list_consumer_group_offsets",
            Op::AlterConsumerGroupOffsets => "alter_consumer_group_offsets",
            Op::IncrementalAlterConfigs => "incremental_alter_configs",
            Op::DescribeUserScramCredentials => "describe_user_scram_credentials",
            Op::AlterUserScramCredentials => "alter_user_scram_credentials",
            Op::DescribeTopics => "describe_topics",
            Op::DescribeCluster => "describe_cluster",
            Op::ListOffsets => "list_offsets",
            Op::ElectLeaders => "elect_leaders",
        }
    }
}

/// A group with the partitions an offsets operation concerns (Python's
/// ConsumerGroupTopicPartitions); `partitions` None means all (list_consumer_group_offsets).
pub struct GroupPartitions<'a> {
    pub group_id: &'a CStr,
    pub partitions: Option<&'a PartitionList>,
}

/// An operation with its inputs (borrowed: librdkafka copies them when the request starts).
pub enum Request<'a> {
    CreateTopics(Vec<&'a NewTopic>),
    DeleteTopics(Vec<&'a CStr>),
    CreatePartitions(Vec<&'a NewPartitions>),
    DescribeConfigs(Vec<&'a ConfigResource>),
    AlterConfigs(Vec<&'a ConfigResource>),
    IncrementalAlterConfigs(Vec<&'a ConfigResource>),
    DescribeTopics(Vec<&'a CStr>),
    DescribeCluster,
    ListConsumerGroups,
    DescribeConsumerGroups(Vec<&'a CStr>),
    DeleteConsumerGroups(Vec<&'a CStr>),
    ListConsumerGroupOffsets(Vec<GroupPartitions<'a>>),
    AlterConsumerGroupOffsets(Vec<GroupPartitions<'a>>),
    DeleteConsumerGroupOffsets(Vec<GroupPartitions<'a>>),
    CreateAcls(Vec<&'a AclSpec>),
    DescribeAcls(&'a AclSpec),
    DeleteAcls(Vec<&'a AclSpec>),
    DescribeUserScramCredentials(Vec<&'a CStr>),
    AlterUserScramCredentials(Vec<&'a ScramAlteration>),
    ListOffsets(&'a PartitionList),
    DeleteRecords(&'a PartitionList),
    ElectLeaders(i32, Option<&'a PartitionList>),
}

fn partitions_expected(l: &PartitionList) -> Vec<Expected> {
    (0..l.len())
        .filter_map(|i| l.get(i))
        .map(|p| Expected {
            name: Some(p.topic().to_owned()),
            partition: p.partition(),
            kind: ExpectedKind::Partition,
        })
        .collect()
}

fn acl_expected(a: &AclSpec) -> Expected {
    Expected {
        name: a.name.clone(),
        partition: -1,
        kind: ExpectedKind::Acl(a.clone()),
    }
}

/// Owned arrays of raw pointers for the librdkafka calls (which take `T **`).
fn ptrs<T, U>(items: &[&T], f: impl Fn(&T) -> *mut U) -> Vec<*mut U> {
    items.iter().map(|&x| f(x)).collect()
}

impl Request<'_> {
    pub fn op(&self) -> Op {
        match self {
            Request::CreateTopics(_) => Op::CreateTopics,
            Request::DeleteTopics(_) => Op::DeleteTopics,
            Request::CreatePartitions(_) => Op::CreatePartitions,
            Request::DescribeConfigs(_) => Op::DescribeConfigs,
            Request::AlterConfigs(_) => Op::AlterConfigs,
            Request::IncrementalAlterConfigs(_) => Op::IncrementalAlterConfigs,
            Request::DescribeTopics(_) => Op::DescribeTopics,
            Request::DescribeCluster => Op::DescribeCluster,
            Request::ListConsumerGroups => Op::ListConsumerGroups,
            Request::DescribeConsumerGroups(_) => Op::DescribeConsumerGroups,
            Request::DeleteConsumerGroups(_) => Op::DeleteConsumerGroups,
            Request::ListConsumerGroupOffsets(_) => Op::ListConsumerGroupOffsets,
            Request::AlterConsumerGroupOffsets(_) => Op::AlterConsumerGroupOffsets,
            Request::DeleteConsumerGroupOffsets(_) => Op::DeleteConsumerGroupOffsets,
            Request::CreateAcls(_) => Op::CreateAcls,
            Request::DescribeAcls(_) => Op::DescribeAcls,
            Request::DeleteAcls(_) => Op::DeleteAcls,
            Request::DescribeUserScramCredentials(_) => Op::DescribeUserScramCredentials,
            Request::AlterUserScramCredentials(_) => Op::AlterUserScramCredentials,
            Request::ListOffsets(_) => Op::ListOffsets,
            Request::DeleteRecords(_) => Op::DeleteRecords,
            Request::ElectLeaders(..) => Op::ElectLeaders,
        }
    }

    /// What each librdkafka request is expected to answer: one list per request.
    pub(super) fn expected(&self) -> Vec<Vec<Expected>> {
        let names = |v: &[&CStr]| v.iter().map(|n| Expected::named(n)).collect::<Vec<_>>();
        let groups = |v: &[GroupPartitions]| {
            v.iter()
                .map(|g| vec![Expected::named(g.group_id)])
                .collect::<Vec<_>>()
        };
        let configs = |v: &[&ConfigResource]| {
            v.iter()
                .map(|r| Expected {
                    name: Some(r.name.clone()),
                    partition: -1,
                    kind: ExpectedKind::Config(r.restype),
                })
                .collect::<Vec<_>>()
        };
        match self {
            Request::CreateTopics(t) => vec![t.iter().map(|t| Expected::named(&t.name)).collect()],
            Request::CreatePartitions(t) => {
                vec![t.iter().map(|t| Expected::named(&t.topic)).collect()]
            }
            Request::DeleteTopics(v)
            | Request::DescribeTopics(v)
            | Request::DescribeConsumerGroups(v)
            | Request::DeleteConsumerGroups(v)
            | Request::DescribeUserScramCredentials(v) => vec![names(v)],
            Request::DescribeConfigs(r)
            | Request::AlterConfigs(r)
            | Request::IncrementalAlterConfigs(r) => vec![configs(r)],
            Request::DescribeCluster | Request::ListConsumerGroups => vec![Vec::new()],
            Request::ListConsumerGroupOffsets(g)
            | Request::AlterConsumerGroupOffsets(g)
            | Request::DeleteConsumerGroupOffsets(g) => groups(g),
            Request::CreateAcls(a) | Request::DeleteAcls(a) => {
                vec![a.iter().map(|a| acl_expected(a)).collect()]
            }
            Request::DescribeAcls(a) => vec![vec![acl_expected(a)]],
            Request::AlterUserScramCredentials(a) => {
                vec![a.iter().map(|a| Expected::named(&a.user)).collect()]
            }
            Request::ListOffsets(l) | Request::DeleteRecords(l) => vec![partitions_expected(l)],
            Request::ElectLeaders(_, l) => vec![l.map(partitions_expected).unwrap_or_default()],
        }
    }

    /// librdkafka objects this request needs beyond its inputs' own (built before anything
    /// starts, so a refused input starts nothing).
    pub(super) fn prepare(&self) -> KResult<Prepared> {
        Ok(match self {
            Request::CreateAcls(a) | Request::DeleteAcls(a) => {
                Prepared::Acls(a.iter().map(|a| a.to_rd()).collect::<KResult<Vec<_>>>()?)
            }
            Request::DescribeAcls(a) => Prepared::Acls(vec![a.to_rd()?]),
            Request::ElectLeaders(t, _) => {
                check_range("election_type", *t, 0, 1)?;
                Prepared::None
            }
            _ => Prepared::None,
        })
    }

    /// Starts librdkafka request `i` with its result on `q`.
    ///
    /// # Safety
    /// `rk` is a live client, `o` options made for it and `q` a queue of it.
    pub(super) unsafe fn start(
        &self,
        i: usize,
        prepared: &Prepared,
        rk: *mut rd::rd_kafka_t,
        o: *const rd::rd_kafka_AdminOptions_t,
        q: *mut rd::rd_kafka_queue_t,
    ) {
        match self {
            Request::CreateTopics(t) => {
                let mut v = ptrs(t, |t| t.ptr);
                rd::rd_kafka_CreateTopics(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::DeleteTopics(t) => {
                let mut v: Vec<_> = t
                    .iter()
                    .map(|n| rd::rd_kafka_DeleteTopic_new(n.as_ptr()))
                    .collect();
                rd::rd_kafka_DeleteTopics(rk, v.as_mut_ptr(), v.len(), o, q);
                rd::rd_kafka_DeleteTopic_destroy_array(v.as_mut_ptr(), v.len());
            }
            Request::CreatePartitions(t) => {
                let mut v = ptrs(t, |t| t.ptr);
                rd::rd_kafka_CreatePartitions(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::DescribeConfigs(r) => {
                let mut v = ptrs(r, |r| r.ptr);
                rd::rd_kafka_DescribeConfigs(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::AlterConfigs(r) => {
                let mut v = ptrs(r, |r| r.ptr);
                rd::rd_kafka_AlterConfigs(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::IncrementalAlterConfigs(r) => {
                let mut v = ptrs(r, |r| r.ptr);
                rd::rd_kafka_IncrementalAlterConfigs(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::DescribeTopics(t) => {
                let mut names: Vec<*const c_char> = t.iter().map(|n| n.as_ptr()).collect();
                let coll =
                    rd::rd_kafka_TopicCollection_of_topic_names(names.as_mut_ptr(), names.len());
                rd::rd_kafka_DescribeTopics(rk, coll, o, q);
                rd::rd_kafka_TopicCollection_destroy(coll);
            }
            Request::DescribeCluster => rd::rd_kafka_DescribeCluster(rk, o, q),
            Request::ListConsumerGroups
            | Request::DescribeConsumerGroups(_)
            | Request::DeleteConsumerGroups(_)
            | Request::ListConsumerGroupOffsets(_)
            | Request::AlterConsumerGroupOffsets(_)
            | Request::DeleteConsumerGroupOffsets(_) => {
                if let Some(call) = self.group_call(i) {
                    call.start(rk, o, q);
                }
            }
            Request::CreateAcls(_) => {
                let Prepared::Acls(a) = prepared else {
                    unreachable!()
                };
                let mut v: Vec<_> = a.iter().map(|a| a.0).collect();
                rd::rd_kafka_CreateAcls(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::DescribeAcls(_) => {
                let Prepared::Acls(a) = prepared else {
                    unreachable!()
                };
                rd::rd_kafka_DescribeAcls(rk, a[0].0, o, q);
            }
            Request::DeleteAcls(_) => {
                let Prepared::Acls(a) = prepared else {
                    unreachable!()
                };
                let mut v: Vec<_> = a.iter().map(|a| a.0).collect();
                rd::rd_kafka_DeleteAcls(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::DescribeUserScramCredentials(u) => {
                let mut names: Vec<*const c_char> = u.iter().map(|n| n.as_ptr()).collect();
                let p = if names.is_empty() {
                    std::ptr::null_mut()
                } else {
                    names.as_mut_ptr()
                };
                rd::rd_kafka_DescribeUserScramCredentials(rk, p, names.len(), o, q);
            }
            Request::AlterUserScramCredentials(a) => {
                let mut v = ptrs(a, |a| a.ptr);
                rd::rd_kafka_AlterUserScramCredentials(rk, v.as_mut_ptr(), v.len(), o, q);
            }
            Request::ListOffsets(l) => {
                // librdkafka takes a mutable list; give it a copy.
                let copy = TopicPartitionList::copied(l);
                rd::rd_kafka_ListOffsets(rk, copy.ptr, o, q);
            }
            Request::DeleteRecords(l) => {
                let mut v = [rd::rd_kafka_DeleteRecords_new(l.as_ptr())];
                rd::rd_kafka_DeleteRecords(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_DeleteRecords_destroy(v[0]);
            }
            Request::ElectLeaders(t, l) => {
                let copy = l.map(TopicPartitionList::copied);
                let el = sys::rd_kafka_ElectLeaders_new(
                    *t,
                    copy.as_ref().map_or(std::ptr::null_mut(), |c| c.ptr),
                );
                rd::rd_kafka_ElectLeaders(rk, el, o, q);
                rd::rd_kafka_ElectLeaders_destroy(el);
            }
        }
    }
}

/// librdkafka objects a request needs beyond its inputs' own.
pub(super) enum Prepared {
    None,
    Acls(Vec<RdAcl>),
}

impl Request<'_> {
    /// Request `i` of a group-coordinator operation as a call that owns its inputs, so that it
    /// can be started again after the caller's inputs are gone (a retry from poll's timer);
    /// None for the other operations.
    pub(super) fn group_call(&self, i: usize) -> Option<GroupCall> {
        let names = |v: &[&CStr]| v.iter().map(|&n| n.to_owned()).collect();
        let group = |g: &[GroupPartitions]| {
            let g = &g[i];
            (
                g.group_id.to_owned(),
                g.partitions.map(TopicPartitionList::copied),
            )
        };
        Some(match self {
            Request::ListConsumerGroups => GroupCall::ListGroups,
            Request::DescribeConsumerGroups(v) => GroupCall::Describe(names(v)),
            Request::DeleteConsumerGroups(v) => GroupCall::Delete(names(v)),
            Request::ListConsumerGroupOffsets(g) => {
                let (id, parts) = group(g);
                GroupCall::ListOffsets(id, parts)
            }
            Request::AlterConsumerGroupOffsets(g) => {
                let (id, parts) = group(g);
                GroupCall::AlterOffsets(id, parts.unwrap_or_else(|| TopicPartitionList::new(0)))
            }
            Request::DeleteConsumerGroupOffsets(g) => {
                let (id, parts) = group(g);
                GroupCall::DeleteOffsets(id, parts.unwrap_or_else(|| TopicPartitionList::new(0)))
            }
            _ => return None,
        })
    }
}
