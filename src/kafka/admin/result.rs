//! Admin results as owned Rust data: one item per topic, resource, group, user, ACL filter or
//! partition, each with its own value or its own error. Built from librdkafka's result event,
//! which is destroyed right after, so a result lives as long as the application keeps it.
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};

use rdkafka_sys as rd;

use super::inputs::AclSpec;
use super::sys;
use super::Op;
use crate::error::KafkaError;
use crate::kafka::topic_partition::TopicPartitionList;

/// A broker (Python's Node).
#[derive(Clone, Debug)]
pub struct Node {
    pub id: i32,
    pub host: CString,
    pub port: i32,
    pub rack: Option<CString>,
}

/// One partition of a topic description (Python's TopicPartitionInfo).
pub struct PartitionInfo {
    pub id: i32,
    pub leader: Option<Node>,
    pub replicas: Vec<Node>,
    pub isr: Vec<Node>,
}

/// Python's TopicDescription.
pub struct TopicDescription {
    pub name: CString,
    pub topic_id: Option<CString>,
    pub is_internal: bool,
    pub partitions: Vec<PartitionInfo>,
    pub authorized_operations: Option<Vec<i32>>,
}

/// Python's DescribeClusterResult.
pub struct ClusterDescription {
    pub cluster_id: Option<CString>,
    pub controller: Option<Node>,
    pub nodes: Vec<Node>,
    pub authorized_operations: Option<Vec<i32>>,
}

/// Python's ConsumerGroupListing.
pub struct GroupListing {
    pub group_id: CString,
    pub is_simple: bool,
    pub state: i32,
    pub group_type: i32,
}

/// Python's MemberDescription.
pub struct Member {
    pub client_id: CString,
    pub group_instance_id: Option<CString>,
    pub consumer_id: CString,
    pub host: CString,
    pub assignment: TopicPartitionList,
    pub target_assignment: Option<TopicPartitionList>,
}

/// Python's ConsumerGroupDescription.
pub struct GroupDescription {
    pub group_id: CString,
    pub is_simple: bool,
    pub partition_assignor: Option<CString>,
    pub state: i32,
    pub group_type: i32,
    pub coordinator: Option<Node>,
    pub members: Vec<Member>,
    pub authorized_operations: Option<Vec<i32>>,
}

/// Python's ConfigEntry (as described by the broker).
pub struct ConfigEntry {
    pub name: CString,
    pub value: Option<CString>,
    pub source: i32,
    pub is_read_only: bool,
    pub is_default: bool,
    pub is_sensitive: bool,
    pub is_synonym: bool,
    pub synonyms: Vec<ConfigEntry>,
}

/// What an item carries besides its name and error.
pub enum Value {
    None,
    /// list_offsets, delete_records, elect_leaders: one partition.
    Partition {
        partition: i32,
        offset: i64,
        timestamp: i64,
        leader_epoch: i32,
    },
    /// describe_configs, alter_configs, incremental_alter_configs: one resource.
    Config {
        restype: i32,
        entries: Vec<ConfigEntry>,
    },
    Topic(TopicDescription),
    Cluster(ClusterDescription),
    GroupListing(GroupListing),
    Group(GroupDescription),
    /// Group offsets: the group's partitions, each with its offset and error.
    Offsets(TopicPartitionList),
    /// create_acls: the binding; describe_acls / delete_acls: the matching bindings.
    Acls(Vec<AclSpec>),
    /// describe_user_scram_credentials: (mechanism, iterations) pairs.
    Scram(Vec<(i32, i32)>),
}

pub struct Item {
    pub name: Option<CString>,
    pub error: Option<KafkaError>,
    pub value: Value,
}

/// The result of one admin call.
pub struct AdminResult {
    pub op: Op,
    /// The error of a request as a whole (timeout, no broker...); the items it concerned carry it
    /// too.
    pub error: Option<KafkaError>,
    pub items: Vec<Item>,
}

/// What an item is expected for, from the call's inputs: used to list an input with the
/// request's error when the whole request failed, to name positional results (ACLs), and to
/// keep the items in the order of the inputs.
#[derive(Clone)]
pub struct Expected {
    pub name: Option<CString>,
    pub partition: i32,
    pub kind: ExpectedKind,
}

#[derive(Clone)]
pub enum ExpectedKind {
    Plain,
    Partition,
    Config(i32),
    Acl(AclSpec),
}

impl Expected {
    pub fn named(name: &CStr) -> Expected {
        Expected {
            name: Some(name.to_owned()),
            partition: -1,
            kind: ExpectedKind::Plain,
        }
    }

    fn blank_value(&self) -> Value {
        match &self.kind {
            ExpectedKind::Plain => Value::None,
            ExpectedKind::Partition => Value::Partition {
                partition: self.partition,
                offset: -1,
                timestamp: -1,
                leader_epoch: -1,
            },
            ExpectedKind::Config(restype) => Value::Config {
                restype: *restype,
                entries: Vec::new(),
            },
            ExpectedKind::Acl(a) => Value::Acls(vec![a.clone()]),
        }
    }

    fn matches(&self, item: &Item) -> bool {
        item.name == self.name && self.partition == item_partition(item)
    }
}

fn item_partition(item: &Item) -> i32 {
    match item.value {
        Value::Partition { partition, .. } => partition,
        _ => -1,
    }
}

/// The items of one librdkafka request, with its request-level error.
pub struct SubResult {
    pub error: Option<KafkaError>,
    pub items: Vec<Item>,
}

impl AdminResult {
    /// Assembles the sub-results of a call (one per librdkafka request), in request order.
    pub fn assemble(op: Op, subs: Vec<(SubResult, Vec<Expected>)>) -> AdminResult {
        let mut error = None;
        let mut items = Vec::new();
        for (sub, expected) in subs {
            if error.is_none() {
                error = sub.error.clone();
            }
            items.extend(order(sub, &expected));
        }
        AdminResult { op, error, items }
    }
}

/// Lists every expected input (with the request error when it has no result of its own), in
/// input order, followed by any result that matched no input.
pub(super) fn order(sub: SubResult, expected: &[Expected]) -> Vec<Item> {
    let mut rest: Vec<Option<Item>> = sub.items.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(expected.len().max(rest.len()));
    for exp in expected {
        let found = rest
            .iter_mut()
            .find(|i| i.as_ref().is_some_and(|i| exp.matches(i)))
            .and_then(|i| i.take());
        match found {
            Some(item) => out.push(item),
            None => {
                if let Some(e) = &sub.error {
                    out.push(Item {
                        name: exp.name.clone(),
                        error: Some(e.clone()),
                        value: exp.blank_value(),
                    });
                }
            }
        }
    }
    out.extend(rest.into_iter().flatten());
    out
}

// ---- reading librdkafka's result objects ----

unsafe fn owned(p: *const c_char) -> CString {
    if p.is_null() {
        CString::default()
    } else {
        CStr::from_ptr(p).to_owned()
    }
}

unsafe fn owned_opt(p: *const c_char) -> Option<CString> {
    (!p.is_null()).then(|| CStr::from_ptr(p).to_owned())
}

unsafe fn array<'a, T>(p: *mut *const T, n: usize) -> &'a [*const T] {
    if p.is_null() || n == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p, n)
    }
}

/// A copy of a librdkafka error object the result owns (not destroyed here).
pub(crate) unsafe fn borrowed_error(e: *const rd::rd_kafka_error_t) -> Option<KafkaError> {
    if e.is_null() {
        return None;
    }
    let code = sys::rd_kafka_error_code(e);
    if code == 0 {
        return None;
    }
    let mut k = KafkaError::from_code_msg(
        code,
        owned(rd::rd_kafka_error_string(e))
            .into_string()
            .unwrap_or_default(),
    );
    k.retriable = rd::rd_kafka_error_is_retriable(e) != 0;
    k.fatal = rd::rd_kafka_error_is_fatal(e) != 0;
    k.txn_requires_abort = rd::rd_kafka_error_txn_requires_abort(e) != 0;
    Some(k)
}

/// An error from a code and an optional message (librdkafka's description when none).
unsafe fn code_error(code: c_int, msg: *const c_char) -> Option<KafkaError> {
    if code == 0 {
        return None;
    }
    Some(match owned_opt(msg) {
        Some(m) if !m.as_bytes().is_empty() => {
            KafkaError::from_code_msg(code, m.to_string_lossy().into_owned())
        }
        _ => KafkaError::from_code(code),
    })
}

unsafe fn node(n: *const rd::rd_kafka_Node_t) -> Option<Node> {
    if n.is_null() {
        return None;
    }
    Some(Node {
        id: rd::rd_kafka_Node_id(n),
        host: owned(rd::rd_kafka_Node_host(n)),
        port: rd::rd_kafka_Node_port(n) as i32,
        rack: owned_opt(rd::rd_kafka_Node_rack(n)),
    })
}

unsafe fn nodes(p: *mut *const rd::rd_kafka_Node_t, n: usize) -> Vec<Node> {
    array(p, n).iter().filter_map(|&x| node(x)).collect()
}

unsafe fn operations(p: *const c_int, n: usize) -> Option<Vec<i32>> {
    if p.is_null() {
        None
    } else if n == 0 {
        Some(Vec::new())
    } else {
        Some(std::slice::from_raw_parts(p, n).to_vec())
    }
}

unsafe fn config_entry(e: *const rd::rd_kafka_ConfigEntry_t, depth: u32) -> ConfigEntry {
    let mut n = 0;
    let syn = rd::rd_kafka_ConfigEntry_synonyms(e, &mut n);
    ConfigEntry {
        name: owned(rd::rd_kafka_ConfigEntry_name(e)),
        value: owned_opt(rd::rd_kafka_ConfigEntry_value(e)),
        source: sys::rd_kafka_ConfigEntry_source(e),
        is_read_only: rd::rd_kafka_ConfigEntry_is_read_only(e) != 0,
        is_default: rd::rd_kafka_ConfigEntry_is_default(e) != 0,
        is_sensitive: rd::rd_kafka_ConfigEntry_is_sensitive(e) != 0,
        is_synonym: rd::rd_kafka_ConfigEntry_is_synonym(e) != 0,
        // Synonyms have no synonyms of their own; the depth bound only guards the recursion.
        synonyms: if depth > 0 {
            Vec::new()
        } else {
            array(syn, n)
                .iter()
                .map(|&s| config_entry(s, depth + 1))
                .collect()
        },
    }
}

unsafe fn config_resources(p: *mut *const rd::rd_kafka_ConfigResource_t, n: usize) -> Vec<Item> {
    array(p, n)
        .iter()
        .map(|&r| {
            let mut cnt = 0;
            let entries = rd::rd_kafka_ConfigResource_configs(r, &mut cnt);
            Item {
                name: Some(owned(rd::rd_kafka_ConfigResource_name(r))),
                error: code_error(
                    sys::rd_kafka_ConfigResource_error(r),
                    rd::rd_kafka_ConfigResource_error_string(r),
                ),
                value: Value::Config {
                    restype: sys::rd_kafka_ConfigResource_type(r),
                    entries: array(entries, cnt)
                        .iter()
                        .map(|&e| config_entry(e, 0))
                        .collect(),
                },
            }
        })
        .collect()
}

unsafe fn topic_results(p: *mut *const rd::rd_kafka_topic_result_t, n: usize) -> Vec<Item> {
    array(p, n)
        .iter()
        .map(|&t| Item {
            name: Some(owned(rd::rd_kafka_topic_result_name(t))),
            error: code_error(
                sys::rd_kafka_topic_result_error(t),
                rd::rd_kafka_topic_result_error_string(t),
            ),
            value: Value::None,
        })
        .collect()
}

unsafe fn group_results(
    p: *mut *const rd::rd_kafka_group_result_t,
    n: usize,
    with_partitions: bool,
) -> Vec<Item> {
    array(p, n)
        .iter()
        .map(|&g| {
            let parts = rd::rd_kafka_group_result_partitions(g);
            Item {
                name: Some(owned(rd::rd_kafka_group_result_name(g))),
                error: borrowed_error(rd::rd_kafka_group_result_error(g)),
                value: match parts.as_ref() {
                    Some(l) if with_partitions => Value::Offsets(TopicPartitionList::copy_of(l)),
                    _ if with_partitions => Value::Offsets(TopicPartitionList::new(0)),
                    _ => Value::None,
                },
            }
        })
        .collect()
}

/// Items of a partition list: one per partition, with its offset and error.
unsafe fn partition_items(l: *const rd::rd_kafka_topic_partition_list_t) -> Vec<Item> {
    let Some(l) = l.as_ref() else {
        return Vec::new();
    };
    (0..l.cnt.max(0) as usize)
        .map(|i| {
            let p = l.elems.add(i);
            Item {
                name: Some(owned((*p).topic)),
                error: code_error(sys::partition_err(p), std::ptr::null()),
                value: Value::Partition {
                    partition: (*p).partition,
                    offset: (*p).offset,
                    timestamp: -1,
                    leader_epoch: rd::rd_kafka_topic_partition_get_leader_epoch(p),
                },
            }
        })
        .collect()
}

unsafe fn acl(a: *const rd::rd_kafka_AclBinding_t) -> AclSpec {
    AclSpec {
        restype: sys::rd_kafka_AclBinding_restype(a),
        name: owned_opt(rd::rd_kafka_AclBinding_name(a)),
        pattern_type: sys::rd_kafka_AclBinding_resource_pattern_type(a),
        principal: owned_opt(rd::rd_kafka_AclBinding_principal(a)),
        host: owned_opt(rd::rd_kafka_AclBinding_host(a)),
        operation: sys::rd_kafka_AclBinding_operation(a),
        permission_type: sys::rd_kafka_AclBinding_permission_type(a),
        filter: false,
    }
}

unsafe fn topic_description(d: *const rd::rd_kafka_TopicDescription_t) -> Item {
    let mut n = 0;
    let parts = rd::rd_kafka_TopicDescription_partitions(d, &mut n);
    let partitions = array(parts, n)
        .iter()
        .map(|&p| {
            let (mut nr, mut ni) = (0, 0);
            let replicas = rd::rd_kafka_TopicPartitionInfo_replicas(p, &mut nr);
            let isr = rd::rd_kafka_TopicPartitionInfo_isr(p, &mut ni);
            PartitionInfo {
                id: rd::rd_kafka_TopicPartitionInfo_partition(p),
                leader: node(rd::rd_kafka_TopicPartitionInfo_leader(p)),
                replicas: nodes(replicas, nr),
                isr: nodes(isr, ni),
            }
        })
        .collect();
    let mut nops = 0;
    let ops = sys::rd_kafka_TopicDescription_authorized_operations(d, &mut nops);
    let id = rd::rd_kafka_TopicDescription_topic_id(d);
    let name = owned(rd::rd_kafka_TopicDescription_name(d));
    Item {
        name: Some(name.clone()),
        error: borrowed_error(rd::rd_kafka_TopicDescription_error(d)),
        value: Value::Topic(TopicDescription {
            name,
            topic_id: if id.is_null() {
                None
            } else {
                owned_opt(rd::rd_kafka_Uuid_base64str(id))
            },
            is_internal: rd::rd_kafka_TopicDescription_is_internal(d) != 0,
            partitions,
            authorized_operations: operations(ops, nops),
        }),
    }
}

unsafe fn group_description(g: *const rd::rd_kafka_ConsumerGroupDescription_t) -> Item {
    let members = (0..rd::rd_kafka_ConsumerGroupDescription_member_count(g))
        .map(|i| {
            let m = rd::rd_kafka_ConsumerGroupDescription_member(g, i);
            let assignment = rd::rd_kafka_MemberDescription_assignment(m);
            let target = rd::rd_kafka_MemberDescription_target_assignment(m);
            let list = |a: *const rd::rd_kafka_MemberAssignment_t| {
                a.as_ref()
                    .and_then(|a| rd::rd_kafka_MemberAssignment_partitions(a).as_ref())
                    .map(TopicPartitionList::copy_of)
            };
            Member {
                client_id: owned(rd::rd_kafka_MemberDescription_client_id(m)),
                group_instance_id: owned_opt(rd::rd_kafka_MemberDescription_group_instance_id(m)),
                consumer_id: owned(rd::rd_kafka_MemberDescription_consumer_id(m)),
                host: owned(rd::rd_kafka_MemberDescription_host(m)),
                assignment: list(assignment).unwrap_or_else(|| TopicPartitionList::new(0)),
                target_assignment: list(target),
            }
        })
        .collect();
    let mut nops = 0;
    let ops = sys::rd_kafka_ConsumerGroupDescription_authorized_operations(g, &mut nops);
    let group_id = owned(rd::rd_kafka_ConsumerGroupDescription_group_id(g));
    Item {
        name: Some(group_id.clone()),
        error: borrowed_error(rd::rd_kafka_ConsumerGroupDescription_error(g)),
        value: Value::Group(GroupDescription {
            group_id,
            is_simple: rd::rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(g) != 0,
            partition_assignor: owned_opt(
                rd::rd_kafka_ConsumerGroupDescription_partition_assignor(g),
            ),
            state: sys::rd_kafka_ConsumerGroupDescription_state(g),
            group_type: sys::rd_kafka_ConsumerGroupDescription_type(g),
            coordinator: node(rd::rd_kafka_ConsumerGroupDescription_coordinator(g)),
            members,
            authorized_operations: operations(ops, nops),
        }),
    }
}

/// The items of a librdkafka result object, or none when the event carries no result object.
fn or_empty<R>(r: *const R, items: impl FnOnce(*const R) -> Vec<Item>) -> Vec<Item> {
    if r.is_null() {
        Vec::new()
    } else {
        items(r)
    }
}

/// Converts one librdkafka result event of `op` (not destroyed here).
///
/// # Safety
/// `ev` is a live admin result event of `op`.
pub unsafe fn convert(op: Op, ev: *mut rd::rd_kafka_event_t, expected: &[Expected]) -> SubResult {
    let code = sys::rd_kafka_event_error(ev);
    let error = code_error(code, rd::rd_kafka_event_error_string(ev));
    let mut n = 0;
    let items = match op {
        Op::CreateTopics => or_empty(rd::rd_kafka_event_CreateTopics_result(ev), |r| {
            topic_results(rd::rd_kafka_CreateTopics_result_topics(r, &mut n), n)
        }),
        Op::DeleteTopics => or_empty(rd::rd_kafka_event_DeleteTopics_result(ev), |r| {
            topic_results(rd::rd_kafka_DeleteTopics_result_topics(r, &mut n), n)
        }),
        Op::CreatePartitions => or_empty(rd::rd_kafka_event_CreatePartitions_result(ev), |r| {
            topic_results(rd::rd_kafka_CreatePartitions_result_topics(r, &mut n), n)
        }),
        Op::DescribeConfigs => or_empty(rd::rd_kafka_event_DescribeConfigs_result(ev), |r| {
            config_resources(rd::rd_kafka_DescribeConfigs_result_resources(r, &mut n), n)
        }),
        Op::AlterConfigs => or_empty(rd::rd_kafka_event_AlterConfigs_result(ev), |r| {
            config_resources(rd::rd_kafka_AlterConfigs_result_resources(r, &mut n), n)
        }),
        Op::IncrementalAlterConfigs => {
            or_empty(rd::rd_kafka_event_IncrementalAlterConfigs_result(ev), |r| {
                config_resources(
                    rd::rd_kafka_IncrementalAlterConfigs_result_resources(r, &mut n),
                    n,
                )
            })
        }
        Op::DescribeTopics => or_empty(rd::rd_kafka_event_DescribeTopics_result(ev), |r| {
            let t = rd::rd_kafka_DescribeTopics_result_topics(r, &mut n);
            array(t, n).iter().map(|&d| topic_description(d)).collect()
        }),
        Op::DescribeCluster => {
            let r = rd::rd_kafka_event_DescribeCluster_result(ev);
            if r.is_null() || error.is_some() {
                Vec::new()
            } else {
                let ns = rd::rd_kafka_DescribeCluster_result_nodes(r, &mut n);
                let mut nops = 0;
                let ops = sys::rd_kafka_DescribeCluster_result_authorized_operations(r, &mut nops);
                let id = owned_opt(rd::rd_kafka_DescribeCluster_result_cluster_id(r));
                vec![Item {
                    name: id.clone(),
                    error: None,
                    value: Value::Cluster(ClusterDescription {
                        cluster_id: id,
                        controller: node(rd::rd_kafka_DescribeCluster_result_controller(r)),
                        nodes: nodes(ns, n),
                        authorized_operations: operations(ops, nops),
                    }),
                }]
            }
        }
        Op::ListConsumerGroups => or_empty(rd::rd_kafka_event_ListConsumerGroups_result(ev), |r| {
            let valid = rd::rd_kafka_ListConsumerGroups_result_valid(r, &mut n);
            let mut items: Vec<Item> = array(valid, n)
                .iter()
                .map(|&g| {
                    let group_id = owned(rd::rd_kafka_ConsumerGroupListing_group_id(g));
                    Item {
                        name: Some(group_id.clone()),
                        error: None,
                        value: Value::GroupListing(GroupListing {
                            group_id,
                            is_simple: rd::rd_kafka_ConsumerGroupListing_is_simple_consumer_group(
                                g,
                            ) != 0,
                            state: sys::rd_kafka_ConsumerGroupListing_state(g),
                            group_type: sys::rd_kafka_ConsumerGroupListing_type(g),
                        }),
                    }
                })
                .collect();
            let mut ne = 0;
            let errs = rd::rd_kafka_ListConsumerGroups_result_errors(r, &mut ne);
            items.extend(array(errs, ne).iter().map(|&e| Item {
                name: None,
                error: borrowed_error(e),
                value: Value::None,
            }));
            items
        }),
        Op::DescribeConsumerGroups => {
            or_empty(rd::rd_kafka_event_DescribeConsumerGroups_result(ev), |r| {
                let g = rd::rd_kafka_DescribeConsumerGroups_result_groups(r, &mut n);
                array(g, n).iter().map(|&d| group_description(d)).collect()
            })
        }
        Op::DeleteConsumerGroups => or_empty(rd::rd_kafka_event_DeleteGroups_result(ev), |r| {
            group_results(rd::rd_kafka_DeleteGroups_result_groups(r, &mut n), n, false)
        }),
        Op::ListConsumerGroupOffsets => or_empty(
            rd::rd_kafka_event_ListConsumerGroupOffsets_result(ev),
            |r| {
                group_results(
                    rd::rd_kafka_ListConsumerGroupOffsets_result_groups(r, &mut n),
                    n,
                    true,
                )
            },
        ),
        Op::AlterConsumerGroupOffsets => or_empty(
            rd::rd_kafka_event_AlterConsumerGroupOffsets_result(ev),
            |r| {
                group_results(
                    rd::rd_kafka_AlterConsumerGroupOffsets_result_groups(r, &mut n),
                    n,
                    true,
                )
            },
        ),
        Op::DeleteConsumerGroupOffsets => or_empty(
            rd::rd_kafka_event_DeleteConsumerGroupOffsets_result(ev),
            |r| {
                group_results(
                    rd::rd_kafka_DeleteConsumerGroupOffsets_result_groups(r, &mut n),
                    n,
                    true,
                )
            },
        ),
        Op::CreateAcls => {
            or_empty(rd::rd_kafka_event_CreateAcls_result(ev), |r| {
                // One result per binding, in request order: named after the binding.
                let res = rd::rd_kafka_CreateAcls_result_acls(r, &mut n);
                array(res, n)
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| {
                        acl_item(
                            expected.get(i),
                            borrowed_error(rd::rd_kafka_acl_result_error(a)),
                            None,
                        )
                    })
                    .collect()
            })
        }
        Op::DescribeAcls => {
            let r = rd::rd_kafka_event_DescribeAcls_result(ev);
            if r.is_null() || error.is_some() {
                Vec::new()
            } else {
                let acls = rd::rd_kafka_DescribeAcls_result_acls(r, &mut n);
                let found = array(acls, n).iter().map(|&a| acl(a)).collect();
                vec![acl_item(expected.first(), None, Some(found))]
            }
        }
        Op::DeleteAcls => or_empty(rd::rd_kafka_event_DeleteAcls_result(ev), |r| {
            let res = rd::rd_kafka_DeleteAcls_result_responses(r, &mut n);
            array(res, n)
                .iter()
                .enumerate()
                .map(|(i, &resp)| {
                    let mut m = 0;
                    let matching =
                        rd::rd_kafka_DeleteAcls_result_response_matching_acls(resp, &mut m);
                    let found = array(matching, m).iter().map(|&a| acl(a)).collect();
                    acl_item(
                        expected.get(i),
                        borrowed_error(rd::rd_kafka_DeleteAcls_result_response_error(resp)),
                        Some(found),
                    )
                })
                .collect()
        }),
        Op::DescribeUserScramCredentials => or_empty(
            rd::rd_kafka_event_DescribeUserScramCredentials_result(ev),
            |r| {
                let d = rd::rd_kafka_DescribeUserScramCredentials_result_descriptions(r, &mut n);
                array(d, n)
                    .iter()
                    .map(|&d| {
                        let infos = (0..rd::rd_kafka_UserScramCredentialsDescription_scramcredentialinfo_count(d))
                            .map(|i| {
                                let info =
                                    rd::rd_kafka_UserScramCredentialsDescription_scramcredentialinfo(d, i);
                                (
                                    sys::rd_kafka_ScramCredentialInfo_mechanism(info),
                                    rd::rd_kafka_ScramCredentialInfo_iterations(info),
                                )
                            })
                            .collect();
                        Item {
                            name: Some(owned(rd::rd_kafka_UserScramCredentialsDescription_user(d))),
                            error: borrowed_error(rd::rd_kafka_UserScramCredentialsDescription_error(d)),
                            value: Value::Scram(infos),
                        }
                    })
                    .collect()
            },
        ),
        Op::AlterUserScramCredentials => or_empty(
            rd::rd_kafka_event_AlterUserScramCredentials_result(ev),
            |r| {
                let res = rd::rd_kafka_AlterUserScramCredentials_result_responses(r, &mut n);
                array(res, n)
                    .iter()
                    .map(|&resp| Item {
                        name: Some(owned(
                            rd::rd_kafka_AlterUserScramCredentials_result_response_user(resp),
                        )),
                        error: borrowed_error(
                            rd::rd_kafka_AlterUserScramCredentials_result_response_error(resp),
                        ),
                        value: Value::None,
                    })
                    .collect()
            },
        ),
        Op::ListOffsets => or_empty(rd::rd_kafka_event_ListOffsets_result(ev), |r| {
            let infos = rd::rd_kafka_ListOffsets_result_infos(r, &mut n);
            array(infos, n)
                .iter()
                .map(|&info| {
                    let p = rd::rd_kafka_ListOffsetsResultInfo_topic_partition(info);
                    Item {
                        name: Some(owned((*p).topic)),
                        error: code_error(sys::partition_err(p), std::ptr::null()),
                        value: Value::Partition {
                            partition: (*p).partition,
                            offset: (*p).offset,
                            timestamp: rd::rd_kafka_ListOffsetsResultInfo_timestamp(info),
                            leader_epoch: rd::rd_kafka_topic_partition_get_leader_epoch(p),
                        },
                    }
                })
                .collect()
        }),
        Op::DeleteRecords => or_empty(rd::rd_kafka_event_DeleteRecords_result(ev), |r| {
            if code != 0 {
                // A request that failed as a whole (no broker within the timeout) carries no
                // offsets list, and rd_kafka_DeleteRecords_result_offsets() asserts on that,
                // aborting the process.
                return Vec::new();
            }
            partition_items(rd::rd_kafka_DeleteRecords_result_offsets(r))
        }),
        Op::ElectLeaders => or_empty(rd::rd_kafka_event_ElectLeaders_result(ev), |r| {
            if code != 0 {
                // A request that failed as a whole (e.g. no controller within the timeout) gets
                // a result with no ElectLeadersResult inside: librdkafka's
                // rd_kafka_ElectLeaders_result_partitions() would dereference NULL.
                return Vec::new();
            }
            let res = rd::rd_kafka_ElectLeaders_result_partitions(r, &mut n);
            array(res, n)
                .iter()
                .map(|&pr| {
                    let p = rd::rd_kafka_topic_partition_result_partition(pr);
                    Item {
                        name: Some(owned((*p).topic)),
                        error: borrowed_error(rd::rd_kafka_topic_partition_result_error(pr)),
                        value: Value::Partition {
                            partition: (*p).partition,
                            offset: -1,
                            timestamp: -1,
                            leader_epoch: -1,
                        },
                    }
                })
                .collect()
        }),
    };
    SubResult { error, items }
}

/// An ACL item named after the input binding or filter it answers.
fn acl_item(
    exp: Option<&Expected>,
    error: Option<KafkaError>,
    found: Option<Vec<AclSpec>>,
) -> Item {
    let input = exp.and_then(|e| match &e.kind {
        ExpectedKind::Acl(a) => Some(a.clone()),
        _ => None,
    });
    Item {
        name: exp.and_then(|e| e.name.clone()),
        error,
        value: Value::Acls(match found {
            Some(f) => f,
            None => input.into_iter().collect(),
        }),
    }
}
