//! The admin client: every operation of Python's AdminClient over librdkafka's admin API, with a
//! result per item. Each call starts one librdkafka request (one per group for the group-offset
//! operations, which librdkafka limits to one group per request), then either waits for the
//! result events while serving the client's callbacks (blocking calls) or leaves them on the
//! admin client's result queue, where kf_admin_poll() turns them into a result handed to the
//! application's callback.
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rdkafka_sys as rd;

pub mod inputs;
pub mod result;
/// cbindgen:ignore
mod sys;

use super::client::{Client, ClientKind, SendPtr};
use super::config::Config;
use super::metadata;
use super::producer::deadline;
use crate::error::{errstr_text, KResult, KafkaError};
use crate::ffi::kf_admin_result_t;
use inputs::{check_range, AclSpec, ConfigResource, NewPartitions, NewTopic, ScramAlteration};
use result::{convert, AdminResult, Expected, ExpectedKind, SubResult};

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

/// Python's admin keyword arguments (request_timeout, operation_timeout, validate_only, ...).
/// Unset options keep librdkafka's defaults; an option the operation does not take is refused
/// when the operation starts.
#[derive(Clone, Default, Debug)]
pub struct AdminOptions {
    pub request_timeout_ms: Option<i32>,
    pub operation_timeout_ms: Option<i32>,
    pub validate_only: Option<bool>,
    pub include_authorized_operations: Option<bool>,
    pub require_stable_offsets: Option<bool>,
    pub isolation_level: Option<i32>,
    pub match_states: Option<Vec<i32>>,
    pub match_types: Option<Vec<i32>>,
    pub broker_id: Option<i32>,
}

/// librdkafka admin options, destroyed on drop.
struct RdOptions(*mut rd::rd_kafka_AdminOptions_t);

impl Drop for RdOptions {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

impl AdminOptions {
    fn to_rd(&self, rk: *mut rd::rd_kafka_t, op: Op, func: &str) -> KResult<RdOptions> {
        let o = RdOptions(unsafe { sys::rd_kafka_AdminOptions_new(rk, op as c_int) });
        if o.0.is_null() {
            return Err(KafkaError::state(format!("{func}: no admin options")));
        }
        let refuse = |what: &str, detail: String| {
            KafkaError::invalid_arg(format!(
                "{func}: option {what} does not apply to {}: {detail}",
                op.python_name()
            ))
        };
        let mut errstr = [0 as c_char; 512];
        let plain = |what: &str, code: c_int, errstr: &[c_char]| {
            if code != 0 {
                Err(refuse(what, errstr_text(errstr)))
            } else {
                Ok(())
            }
        };
        unsafe {
            if let Some(t) = self.request_timeout_ms {
                let c = sys::rd_kafka_AdminOptions_set_request_timeout(
                    o.0,
                    t,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("request_timeout", c, &errstr)?;
            }
            if let Some(t) = self.operation_timeout_ms {
                let c = sys::rd_kafka_AdminOptions_set_operation_timeout(
                    o.0,
                    t,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("operation_timeout", c, &errstr)?;
            }
            if let Some(v) = self.validate_only {
                let c = sys::rd_kafka_AdminOptions_set_validate_only(
                    o.0,
                    v as c_int,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("validate_only", c, &errstr)?;
            }
            if let Some(b) = self.broker_id {
                let c = sys::rd_kafka_AdminOptions_set_broker(
                    o.0,
                    b,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("broker", c, &errstr)?;
            }
            let rich = |what: &str, e: *mut rd::rd_kafka_error_t| match KafkaError::from_rd_error(e)
            {
                None => Ok(()),
                Some(e) => Err(refuse(what, e.message.to_string_lossy().into_owned())),
            };
            if let Some(v) = self.include_authorized_operations {
                rich(
                    "include_authorized_operations",
                    rd::rd_kafka_AdminOptions_set_include_authorized_operations(o.0, v as c_int),
                )?;
            }
            if let Some(v) = self.require_stable_offsets {
                rich(
                    "require_stable_offsets",
                    rd::rd_kafka_AdminOptions_set_require_stable_offsets(o.0, v as c_int),
                )?;
            }
            if let Some(v) = self.isolation_level {
                rich(
                    "isolation_level",
                    sys::rd_kafka_AdminOptions_set_isolation_level(o.0, v),
                )?;
            }
            if let Some(s) = &self.match_states {
                rich(
                    "match_consumer_group_states",
                    sys::rd_kafka_AdminOptions_set_match_consumer_group_states(
                        o.0,
                        s.as_ptr(),
                        s.len(),
                    ),
                )?;
            }
            if let Some(t) = &self.match_types {
                rich(
                    "match_consumer_group_types",
                    sys::rd_kafka_AdminOptions_set_match_consumer_group_types(
                        o.0,
                        t.as_ptr(),
                        t.len(),
                    ),
                )?;
            }
        }
        Ok(o)
    }
}

/// A group with the partitions an offsets operation concerns (Python's
/// ConsumerGroupTopicPartitions); `partitions` None means all (list_consumer_group_offsets).
pub struct GroupPartitions<'a> {
    pub group_id: &'a CStr,
    pub partitions: Option<&'a rd::rd_kafka_topic_partition_list_t>,
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
    ListOffsets(&'a rd::rd_kafka_topic_partition_list_t),
    DeleteRecords(&'a rd::rd_kafka_topic_partition_list_t),
    ElectLeaders(i32, Option<&'a rd::rd_kafka_topic_partition_list_t>),
}

fn partitions_expected(l: &rd::rd_kafka_topic_partition_list_t) -> Vec<Expected> {
    (0..l.cnt.max(0) as usize)
        .map(|i| unsafe {
            let p = &*l.elems.add(i);
            Expected {
                name: Some(CStr::from_ptr(p.topic).to_owned()),
                partition: p.partition,
                kind: ExpectedKind::Partition,
            }
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
    fn expected(&self) -> Vec<Vec<Expected>> {
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
    fn prepare(&self) -> KResult<Prepared> {
        Ok(match self {
            Request::CreateAcls(a) | Request::DeleteAcls(a) => {
                Prepared::Acls(a.iter().map(|a| a.to_rd()).collect::<KResult<Vec<_>>>()?)
            }
            Request::DescribeAcls(a) => Prepared::Acls(vec![a.to_rd()?]),
            Request::ElectLeaders(t, _) => {
                check_range("elect_leaders", "election_type", *t, 0, 1)?;
                Prepared::None
            }
            _ => Prepared::None,
        })
    }

    /// Starts librdkafka request `i` with its result on `q`.
    unsafe fn start(
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
            Request::ListConsumerGroups => rd::rd_kafka_ListConsumerGroups(rk, o, q),
            Request::DescribeConsumerGroups(g) => {
                let mut names: Vec<*const c_char> = g.iter().map(|n| n.as_ptr()).collect();
                rd::rd_kafka_DescribeConsumerGroups(rk, names.as_mut_ptr(), names.len(), o, q);
            }
            Request::DeleteConsumerGroups(g) => {
                let mut v: Vec<_> = g
                    .iter()
                    .map(|n| rd::rd_kafka_DeleteGroup_new(n.as_ptr()))
                    .collect();
                rd::rd_kafka_DeleteGroups(rk, v.as_mut_ptr(), v.len(), o, q);
                rd::rd_kafka_DeleteGroup_destroy_array(v.as_mut_ptr(), v.len());
            }
            Request::ListConsumerGroupOffsets(g) => {
                let g = &g[i];
                let parts = g.partitions.map_or(std::ptr::null(), |l| l as *const _);
                let mut v = [rd::rd_kafka_ListConsumerGroupOffsets_new(
                    g.group_id.as_ptr(),
                    parts,
                )];
                rd::rd_kafka_ListConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_ListConsumerGroupOffsets_destroy(v[0]);
            }
            Request::AlterConsumerGroupOffsets(g) => {
                let g = &g[i];
                let empty = crate::kafka::topic_partition::TopicPartitionList::new(0);
                let parts = g
                    .partitions
                    .map_or(empty.ptr as *const _, |l| l as *const _);
                let mut v = [rd::rd_kafka_AlterConsumerGroupOffsets_new(
                    g.group_id.as_ptr(),
                    parts,
                )];
                rd::rd_kafka_AlterConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_AlterConsumerGroupOffsets_destroy(v[0]);
            }
            Request::DeleteConsumerGroupOffsets(g) => {
                let g = &g[i];
                let empty = crate::kafka::topic_partition::TopicPartitionList::new(0);
                let parts = g
                    .partitions
                    .map_or(empty.ptr as *const _, |l| l as *const _);
                let mut v = [rd::rd_kafka_DeleteConsumerGroupOffsets_new(
                    g.group_id.as_ptr(),
                    parts,
                )];
                rd::rd_kafka_DeleteConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_DeleteConsumerGroupOffsets_destroy(v[0]);
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
                let copy = crate::kafka::topic_partition::TopicPartitionList::copy_of(l);
                rd::rd_kafka_ListOffsets(rk, copy.ptr, o, q);
            }
            Request::DeleteRecords(l) => {
                let mut v = [rd::rd_kafka_DeleteRecords_new(*l)];
                rd::rd_kafka_DeleteRecords(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_DeleteRecords_destroy(v[0]);
            }
            Request::ElectLeaders(t, l) => {
                let copy = l.map(crate::kafka::topic_partition::TopicPartitionList::copy_of);
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

enum Prepared {
    None,
    Acls(Vec<inputs::RdAcl>),
}

/// The application's callback for an asynchronous operation's result (borrowed for the call).
pub type AdminResultFn = unsafe extern "C" fn(*mut c_void, *const kf_admin_result_t);

#[derive(Clone, Copy)]
pub struct ResultCallback {
    pub func: AdminResultFn,
    pub opaque: *mut c_void,
}

/// An asynchronous call whose results are still arriving.
struct Pending {
    op: Op,
    cb: ResultCallback,
    expected: Vec<Vec<Expected>>,
    subs: Vec<Option<SubResult>>,
}

// The callback's opaque is only handed back on the application's thread inside kf_admin_poll.
unsafe impl Send for Pending {}

/// Requests of one call are numbered in the low bits of librdkafka's event opaque.
const SUB_BITS: u32 = 16;
const MAX_SUBS: usize = (1 << SUB_BITS) - 1;

pub struct Admin {
    pub client: Client,
    /// Where asynchronous results arrive; served by poll.
    results: *mut rd::rd_kafka_queue_t,
    /// A reference to the main queue, yielded when a result arrives so a blocked poll wakes.
    main: *mut rd::rd_kafka_queue_t,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    socket_timeout_ms: i32,
}

unsafe impl Send for Admin {}
unsafe impl Sync for Admin {}

/// librdkafka calls this on one of its threads, with the result queue locked, when a result
/// arrives on the empty queue: it runs no application code, it only wakes a blocked poll.
unsafe extern "C" fn on_result(_rk: *mut rd::rd_kafka_t, opaque: *mut c_void) {
    let _ = catch_unwind(|| rd::rd_kafka_queue_yield(opaque as *mut rd::rd_kafka_queue_t));
}

/// The extra time a blocking call waits past the request timeout before giving up on
/// librdkafka's own timeout result.
const WAIT_MARGIN: Duration = Duration::from_secs(10);

impl Admin {
    pub fn new(config: &Config) -> KResult<Admin> {
        // librdkafka runs admin requests on any client type; a producer-type handle with no
        // messages is what the Python client uses too.
        let client = Client::new(ClientKind::Producer, config)?;
        let socket_timeout_ms = config
            .get("socket.timeout.ms")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60_000);
        unsafe {
            let results = rd::rd_kafka_queue_new(client.rk);
            let main = rd::rd_kafka_queue_get_main(client.rk);
            rd::rd_kafka_queue_cb_event_enable(results, Some(on_result), main as *mut c_void);
            Ok(Admin {
                client,
                results,
                main,
                pending: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(1),
                socket_timeout_ms,
            })
        }
    }

    fn func(op: Op) -> String {
        format!("kf_admin_{}", op.python_name())
    }

    /// Runs an operation and waits for its result, serving callbacks meanwhile.
    pub fn run(&self, req: &Request, opts: Option<&AdminOptions>) -> KResult<AdminResult> {
        let op = req.op();
        let func = Self::func(op);
        let expected = req.expected();
        if expected.len() > MAX_SUBS {
            return Err(KafkaError::invalid_arg(format!("{func}: too many groups")));
        }
        let default = AdminOptions::default();
        let opts = opts.unwrap_or(&default);
        let rk = self.client.rk;
        let o = opts.to_rd(rk, op, &func)?;
        let prepared = req.prepare()?;
        let q = unsafe { rd::rd_kafka_queue_new(rk) };
        for i in 0..expected.len() {
            unsafe {
                rd::rd_kafka_AdminOptions_set_opaque(o.0, i as *mut c_void);
                req.start(i, &prepared, rk, o.0, q);
            }
        }
        drop(o);
        let n = expected.len();
        let timeout = Duration::from_millis(
            opts.request_timeout_ms
                .unwrap_or(self.socket_timeout_ms)
                .max(0) as u64,
        );
        let until = Instant::now() + timeout + WAIT_MARGIN;
        let qp = SendPtr(q);
        let client = &self.client;
        let waited = client.serve_while(&func, move || {
            let mut events = Vec::with_capacity(n);
            let outcome = loop {
                if events.len() == n {
                    break Ok(());
                }
                if let Err(e) = client.check_woken() {
                    break Err(e);
                }
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break Err(KafkaError::from_code_msg(
                        rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32,
                        "admin request: no result from librdkafka in time",
                    ));
                }
                let ev = unsafe {
                    rd::rd_kafka_queue_poll(
                        qp.get(),
                        left.min(Duration::from_millis(100)).as_millis() as c_int,
                    )
                };
                if !ev.is_null() {
                    events.push(SendPtr(ev));
                }
            };
            (events, outcome)
        });
        unsafe { rd::rd_kafka_queue_destroy(q) };
        let (events, outcome) = waited?;
        let mut subs: Vec<Option<SubResult>> = (0..n).map(|_| None).collect();
        for ev in events {
            unsafe {
                let i = rd::rd_kafka_event_opaque(ev.get()) as usize;
                if let Some(slot) = subs.get_mut(i) {
                    *slot = Some(convert(op, ev.get(), &expected[i]));
                }
                rd::rd_kafka_event_destroy(ev.get());
            }
        }
        outcome?;
        Ok(AdminResult::assemble(
            op,
            subs.into_iter()
                .map(|s| {
                    s.unwrap_or(SubResult {
                        error: None,
                        items: Vec::new(),
                    })
                })
                .zip(expected)
                .collect(),
        ))
    }

    /// Starts an operation; its result goes to `cb` from a later poll.
    pub fn run_async(
        &self,
        req: &Request,
        opts: Option<&AdminOptions>,
        cb: ResultCallback,
    ) -> KResult<()> {
        let op = req.op();
        let func = Self::func(op) + "_async";
        let expected = req.expected();
        if expected.len() > MAX_SUBS {
            return Err(KafkaError::invalid_arg(format!("{func}: too many groups")));
        }
        let default = AdminOptions::default();
        let opts = opts.unwrap_or(&default);
        let rk = self.client.rk;
        let o = opts.to_rd(rk, op, &func)?;
        let prepared = req.prepare()?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let n = expected.len();
        self.pending.lock().insert(
            id,
            Pending {
                op,
                cb,
                expected,
                subs: (0..n).map(|_| None).collect(),
            },
        );
        for i in 0..n {
            unsafe {
                let tag = ((id << SUB_BITS) as usize | i) as *mut c_void;
                rd::rd_kafka_AdminOptions_set_opaque(o.0, tag);
                req.start(i, &prepared, rk, o.0, self.results);
            }
        }
        Ok(())
    }

    /// Serves asynchronous results and the client's callbacks, waiting up to `timeout_ms` for
    /// the first (-1: no limit). Returns how many were served.
    pub fn poll(&self, timeout_ms: i32) -> KResult<i32> {
        let _g = self.client.begin_serving("kf_admin_poll")?;
        self.client.check_woken()?;
        let until = deadline(timeout_ms);
        loop {
            let mut served = self.serve_results();
            served += unsafe { rd::rd_kafka_poll(self.client.rk, 0) };
            if served > 0 {
                return Ok(served);
            }
            let wait = match until {
                None => -1,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(0);
                    }
                    left.as_millis().max(1) as c_int
                }
            };
            // Returns when a callback was served, a result arrived (on_result yields the main
            // queue), kf_admin_wake() was called, or the time is up.
            let n = unsafe { rd::rd_kafka_poll(self.client.rk, wait) };
            self.client.check_woken()?;
            if n > 0 {
                return Ok(n + self.serve_results());
            }
        }
    }

    /// Hands every complete asynchronous result on the result queue to its callback.
    fn serve_results(&self) -> i32 {
        let mut served = 0;
        loop {
            let ev = unsafe { rd::rd_kafka_queue_poll(self.results, 0) };
            if ev.is_null() {
                return served;
            }
            let tag = unsafe { rd::rd_kafka_event_opaque(ev) } as usize as u64;
            let (id, i) = (tag >> SUB_BITS, (tag & MAX_SUBS as u64) as usize);
            let done = {
                let mut pending = self.pending.lock();
                match pending.get_mut(&id) {
                    Some(p) if i < p.subs.len() => {
                        p.subs[i] = Some(unsafe { convert(p.op, ev, &p.expected[i]) });
                        if p.subs.iter().all(Option::is_some) {
                            pending.remove(&id)
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            };
            unsafe { rd::rd_kafka_event_destroy(ev) };
            if let Some(p) = done {
                let res = AdminResult::assemble(
                    p.op,
                    p.subs.into_iter().flatten().zip(p.expected).collect(),
                );
                let _ = catch_unwind(AssertUnwindSafe(|| unsafe {
                    (p.cb.func)(
                        p.cb.opaque,
                        &res as *const AdminResult as *const kf_admin_result_t,
                    )
                }));
                served += 1;
            }
        }
    }

    /// Asynchronous calls whose result has not been handed to their callback yet.
    pub fn pending(&self) -> usize {
        self.pending.lock().len()
    }

    pub fn list_topics(
        &self,
        topic: Option<&CStr>,
        timeout_ms: i32,
    ) -> KResult<*const metadata::Metadata> {
        metadata::fetch(&self.client, topic, timeout_ms)
    }
}

impl Drop for Admin {
    fn drop(&mut self) {
        if self.client.forked() {
            return; // in a child after fork(): leaked, see Client's Drop
        }
        unsafe {
            rd::rd_kafka_queue_cb_event_enable(self.results, None, std::ptr::null_mut());
            rd::rd_kafka_queue_destroy(self.results);
            rd::rd_kafka_queue_destroy(self.main);
        }
        // Pending calls are dropped without their callbacks; then `client` is destroyed.
    }
}
