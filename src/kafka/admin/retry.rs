//! Retries of group-coordinator operations.
//!
//! A group coordinator that has just started (or just taken over a group) answers
//! COORDINATOR_LOAD_IN_PROGRESS while it loads its groups from __consumer_offsets, and
//! COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR while coordination moves between brokers.
//! librdkafka retries these for the consumer's own requests but hands them to the application
//! in an admin result. The Java AdminClient retries them within the operation's timeout; so
//! does kafkaffi: for each group (or, for list_consumer_groups, the whole listing) that got one,
//! the request is started again after a pause (retry.backoff.ms, doubling up to
//! retry.backoff.max.ms) until the call's request timeout is spent, and then the last answer is
//! the result. Blocking calls retry on the thread that waits; asynchronous calls on the admin
//! client's worker thread (worker.rs), so that no retry waits for the application's next poll.
use std::collections::HashSet;
use std::ffi::CString;
use std::os::raw::c_char;
use std::time::{Duration, Instant};

use rdkafka_sys as rd;
use rdkafka_sys::rd_kafka_resp_err_t as E;

use super::options::{AdminOptions, RdOptions};
use super::result::{order, Expected, Item, SubResult, Value};
use super::Op;
use crate::error::KResult;
use crate::kafka::topic_partition::TopicPartitionList;

/// The errors a group coordinator answers while it is loading or moving.
pub(super) fn coordinator_retriable(code: i32) -> bool {
    code == E::RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS as i32
        || code == E::RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE as i32
        || code == E::RD_KAFKA_RESP_ERR_NOT_COORDINATOR as i32
}

fn item_retriable(item: &Item) -> bool {
    if item
        .error
        .as_ref()
        .is_some_and(|e| coordinator_retriable(e.code))
    {
        return true;
    }
    // alter_consumer_group_offsets: the coordinator's refusal comes per partition.
    match &item.value {
        Value::Offsets(l) => (0..l.len())
            .filter_map(|i| l.get(i))
            .any(|p| coordinator_retriable(p.error_code())),
        _ => false,
    }
}

/// A librdkafka request of a group-coordinator operation, owning its inputs.
pub(super) enum GroupCall {
    /// list_consumer_groups: every broker is asked; retried as a whole.
    ListGroups,
    /// describe_consumer_groups / delete_consumer_groups: one coordinator request per group
    /// inside librdkafka; a retry asks again for the groups that need it only.
    Describe(Vec<CString>),
    Delete(Vec<CString>),
    /// The group-offset operations: one group per request.
    ListOffsets(CString, Option<TopicPartitionList>),
    AlterOffsets(CString, TopicPartitionList),
    DeleteOffsets(CString, TopicPartitionList),
}

impl GroupCall {
    /// Starts the request with its result on `q`.
    ///
    /// # Safety
    /// `rk` is a live client, `o` options made for it and `q` a queue of it.
    pub(super) unsafe fn start(
        &self,
        rk: *mut rd::rd_kafka_t,
        o: *const rd::rd_kafka_AdminOptions_t,
        q: *mut rd::rd_kafka_queue_t,
    ) {
        match self {
            GroupCall::ListGroups => rd::rd_kafka_ListConsumerGroups(rk, o, q),
            GroupCall::Describe(g) => {
                let mut names: Vec<*const c_char> = g.iter().map(|n| n.as_ptr()).collect();
                rd::rd_kafka_DescribeConsumerGroups(rk, names.as_mut_ptr(), names.len(), o, q);
            }
            GroupCall::Delete(g) => {
                let mut v: Vec<_> = g
                    .iter()
                    .map(|n| rd::rd_kafka_DeleteGroup_new(n.as_ptr()))
                    .collect();
                rd::rd_kafka_DeleteGroups(rk, v.as_mut_ptr(), v.len(), o, q);
                rd::rd_kafka_DeleteGroup_destroy_array(v.as_mut_ptr(), v.len());
            }
            GroupCall::ListOffsets(id, parts) => {
                let parts = parts
                    .as_ref()
                    .map_or(std::ptr::null(), |l| l.ptr as *const _);
                let mut v = [rd::rd_kafka_ListConsumerGroupOffsets_new(
                    id.as_ptr(),
                    parts,
                )];
                rd::rd_kafka_ListConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_ListConsumerGroupOffsets_destroy(v[0]);
            }
            GroupCall::AlterOffsets(id, parts) => {
                let mut v = [rd::rd_kafka_AlterConsumerGroupOffsets_new(
                    id.as_ptr(),
                    parts.ptr,
                )];
                rd::rd_kafka_AlterConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_AlterConsumerGroupOffsets_destroy(v[0]);
            }
            GroupCall::DeleteOffsets(id, parts) => {
                let mut v = [rd::rd_kafka_DeleteConsumerGroupOffsets_new(
                    id.as_ptr(),
                    parts.ptr,
                )];
                rd::rd_kafka_DeleteConsumerGroupOffsets(rk, v.as_mut_ptr(), 1, o, q);
                rd::rd_kafka_DeleteConsumerGroupOffsets_destroy(v[0]);
            }
        }
    }

    /// What to ask again after `sub` (this call's answer so far), or None when no part of it
    /// got a coordinator error.
    fn redo(&self, sub: &SubResult) -> Option<GroupCall> {
        let whole = sub
            .error
            .as_ref()
            .is_some_and(|e| coordinator_retriable(e.code));
        let names = |v: &[CString]| {
            // A group needs asking again when its item has a coordinator error, or when it has
            // no item and the request as a whole failed with one.
            let again: Vec<CString> = v
                .iter()
                .filter(
                    |n| match sub.items.iter().find(|i| i.name.as_ref() == Some(*n)) {
                        Some(item) => item_retriable(item),
                        None => whole,
                    },
                )
                .cloned()
                .collect();
            (!again.is_empty()).then_some(again)
        };
        let any = whole || sub.items.iter().any(item_retriable);
        match self {
            GroupCall::Describe(v) => names(v).map(GroupCall::Describe),
            GroupCall::Delete(v) => names(v).map(GroupCall::Delete),
            _ => any.then(|| self.same()),
        }
    }

    /// `sub` with the answer `next` to this call (a retry) in place of what it had for it.
    fn merge(&self, sub: SubResult, next: SubResult) -> SubResult {
        let names = match self {
            GroupCall::Describe(v) | GroupCall::Delete(v) => v,
            _ => return next,
        };
        // The groups asked again are listed from the new answer (with its request error when
        // it has no item for one); the others keep theirs.
        let asked: HashSet<&CString> = names.iter().collect();
        let expected: Vec<Expected> = names.iter().map(|n| Expected::named(n)).collect();
        let mut items: Vec<Item> = sub
            .items
            .into_iter()
            .filter(|i| !matches!(&i.name, Some(n) if asked.contains(n)))
            .collect();
        items.extend(order(next, &expected));
        SubResult {
            error: sub.error,
            items,
        }
    }

    /// The same call with its own copy of the inputs (one to start, one to remember).
    fn same(&self) -> GroupCall {
        match self {
            GroupCall::ListGroups => GroupCall::ListGroups,
            GroupCall::Describe(v) => GroupCall::Describe(v.clone()),
            GroupCall::Delete(v) => GroupCall::Delete(v.clone()),
            GroupCall::ListOffsets(id, p) => {
                GroupCall::ListOffsets(id.clone(), p.as_ref().map(copy))
            }
            GroupCall::AlterOffsets(id, p) => GroupCall::AlterOffsets(id.clone(), copy(p)),
            GroupCall::DeleteOffsets(id, p) => GroupCall::DeleteOffsets(id.clone(), copy(p)),
        }
    }
}

fn copy(l: &TopicPartitionList) -> TopicPartitionList {
    TopicPartitionList::copied(l)
}

/// The pause before a retry: retry.backoff.ms, doubling up to retry.backoff.max.ms.
#[derive(Clone, Copy)]
pub(super) struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

/// A retry's request gets at least this much of the call's time; with less left, the last
/// answer is the result.
const MIN_ATTEMPT: Duration = Duration::from_millis(20);

/// One librdkafka request of a call: what it is expected to answer and its answer so far.
pub(super) struct Sub {
    pub expected: Vec<Expected>,
    /// The request as a whole, for group-coordinator operations (the others never retry).
    call: Option<GroupCall>,
    /// The retry in flight, whose answer is merged into `answer`.
    retrying: Option<GroupCall>,
    answer: Option<SubResult>,
    pause: Duration,
    max_pause: Duration,
}

/// A retry to start: when, and what.
pub(super) struct Retry {
    pub at: Instant,
    pub call: GroupCall,
}

impl Sub {
    pub fn new(expected: Vec<Expected>, call: Option<GroupCall>, backoff: Backoff) -> Sub {
        Sub {
            expected,
            call,
            retrying: None,
            answer: None,
            pause: backoff.first,
            max_pause: backoff.max,
        }
    }

    /// The request's own call, to start it the first time.
    pub fn call(&self) -> Option<&GroupCall> {
        self.call.as_ref()
    }

    /// Takes an answer. Returns the retry to start when part of it got a coordinator error and
    /// the call has time left before `deadline`.
    pub fn take(&mut self, got: SubResult, deadline: Instant) -> Option<Retry> {
        let answer = match (self.retrying.take(), self.answer.take()) {
            (Some(retry), Some(before)) => retry.merge(before, got),
            _ => got,
        };
        let redo = self.call.as_ref().and_then(|c| c.redo(&answer));
        self.answer = Some(answer);
        let call = redo?;
        let at = Instant::now() + self.pause;
        if at + MIN_ATTEMPT > deadline {
            return None;
        }
        self.pause = (self.pause * 2).min(self.max_pause);
        self.retrying = Some(call.same());
        Some(Retry { at, call })
    }

    /// The retry could not start: the last answer stands.
    pub fn give_up(&mut self) {
        self.retrying = None;
    }

    pub fn done(&self) -> bool {
        self.answer.is_some() && self.retrying.is_none()
    }

    /// The final answer (an empty one when none came), with what it was expected to answer.
    pub fn finish(self) -> (SubResult, Vec<Expected>) {
        let answer = self.answer.unwrap_or(SubResult {
            error: None,
            items: Vec::new(),
        });
        (answer, self.expected)
    }
}

/// The options of a retry started at `at`: the call's, with the time left until `deadline` as
/// the request timeout.
pub(super) fn retry_options(
    rk: *mut rd::rd_kafka_t,
    opts: &AdminOptions,
    op: Op,
    at: Instant,
    deadline: Instant,
) -> KResult<RdOptions> {
    let left = deadline.saturating_duration_since(at).as_millis().max(1);
    let mut o = opts.clone();
    o.request_timeout_ms = Some(left.min(i32::MAX as u128) as i32);
    o.to_rd(rk, op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::KafkaError;

    const LOADING: i32 = E::RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS as i32;
    const NOT_FOUND: i32 = E::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND as i32;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    fn item(name: &str, code: i32) -> Item {
        Item {
            name: Some(c(name)),
            error: (code != 0).then(|| KafkaError::from_code(code)),
            value: Value::None,
        }
    }

    fn sub(error: i32, items: Vec<Item>) -> SubResult {
        SubResult {
            error: (error != 0).then(|| KafkaError::from_code(error)),
            items,
        }
    }

    fn codes(s: &SubResult) -> Vec<(String, i32)> {
        s.items
            .iter()
            .map(|i| {
                let name = i.name.as_ref().map_or("", |n| n.to_str().unwrap());
                (name.to_string(), i.error.as_ref().map_or(0, |e| e.code))
            })
            .collect()
    }

    fn names(call: &GroupCall) -> Vec<CString> {
        match call {
            GroupCall::Describe(v) | GroupCall::Delete(v) => v.clone(),
            _ => panic!("not a per-group call"),
        }
    }

    #[test]
    fn per_group_calls_ask_again_only_for_the_groups_that_need_it() {
        let call = GroupCall::Delete(vec![c("a"), c("b"), c("c")]);
        let first = sub(
            0,
            vec![item("a", 0), item("b", LOADING), item("c", NOT_FOUND)],
        );
        let redo = call.redo(&first).expect("b is retried");
        assert_eq!(names(&redo), vec![c("b")]);
        // The retry's answer replaces b's; a and c keep theirs (a deleted group must not be
        // deleted again).
        let merged = redo.merge(first, sub(0, vec![item("b", 0)]));
        let mut got = codes(&merged);
        got.sort();
        assert_eq!(
            got,
            vec![("a".into(), 0), ("b".into(), 0), ("c".into(), NOT_FOUND)]
        );
        assert!(call.redo(&merged).is_none());
    }

    #[test]
    fn a_request_error_asks_again_for_the_groups_it_left_without_an_answer() {
        let call = GroupCall::Describe(vec![c("a"), c("b")]);
        let first = sub(LOADING, vec![item("a", 0)]);
        assert_eq!(names(&call.redo(&first).unwrap()), vec![c("b")]);
        // A retry that fails as a whole lists its group with the request's error.
        let redo = GroupCall::Describe(vec![c("b")]);
        let merged = redo.merge(first, sub(LOADING, vec![]));
        assert_eq!(codes(&merged), vec![("a".into(), 0), ("b".into(), LOADING)]);
    }

    #[test]
    fn other_errors_are_not_retried() {
        let list = GroupCall::ListGroups;
        assert!(list.redo(&sub(0, vec![item("x", NOT_FOUND)])).is_none());
        assert!(list
            .redo(&sub(E::RD_KAFKA_RESP_ERR__TIMED_OUT as i32, vec![]))
            .is_none());
        assert!(list.redo(&sub(0, vec![item("", LOADING)])).is_some());
    }

    #[test]
    fn a_partition_error_of_the_coordinator_retries_the_group() {
        let mut parts = TopicPartitionList::new(2);
        let i = parts.add(&c("t"), 0);
        parts.add(&c("t"), 1);
        unsafe { (*(*parts.ptr).elems.add(i)).err = E::RD_KAFKA_RESP_ERR_NOT_COORDINATOR };
        let call = GroupCall::AlterOffsets(c("g"), copy(&parts));
        let answer = sub(
            0,
            vec![Item {
                name: Some(c("g")),
                error: None,
                value: Value::Offsets(parts),
            }],
        );
        assert!(matches!(
            call.redo(&answer),
            Some(GroupCall::AlterOffsets(..))
        ));
    }

    #[test]
    fn no_retry_starts_past_the_deadline_and_the_last_answer_stands() {
        let backoff = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        let mut s = Sub::new(vec![], Some(GroupCall::ListGroups), backoff);
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(s.take(sub(LOADING, vec![]), soon).is_none());
        assert!(s.done());
        let (answer, _) = s.finish();
        assert_eq!(answer.error.map(|e| e.code), Some(LOADING));

        let mut s = Sub::new(vec![], Some(GroupCall::ListGroups), backoff);
        let later = Instant::now() + Duration::from_secs(60);
        let first = s.take(sub(LOADING, vec![]), later).expect("a retry");
        let second = s.take(sub(LOADING, vec![]), later).expect("another");
        assert!(!s.done());
        // The pause doubles.
        assert!(second.at.duration_since(first.at) >= Duration::from_millis(100));
        assert!(s.take(sub(0, vec![]), later).is_none());
        assert!(s.done());
    }
}
