//! kf_consumer_t: Python's Consumer.
//!
//! Thread safety: meant for one thread at a time (as in every Kafka client); calls from several
//! threads at once never corrupt memory, but the order of their effects is unspecified.
//! kf_consumer_wake() may be called from any thread at any time. kf_consumer_destroy() must
//! not race with any other call on the consumer.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

use std::sync::Arc;

use super::callback::Opaque;
use super::message_view::{kf_message_batch_t, Buffers, MessageBatch, BATCH_PREALLOC};
use super::types::*;
use super::{arg, arg_cstr, borrowed, call, construct, handle, in_fn, opt, out_arg, value};
use crate::error::{KResult, KafkaError};
use crate::kafka::callbacks::{RebalanceCallbacks, RebalanceFn};
use crate::kafka::consumer::Consumer;
use crate::kafka::message::Message;
use crate::kafka::topic_partition::{PartitionList, TopicPartitionList};

/// Rebalance callbacks for kf_consumer_subscribe(): any may be NULL. `opaque` is passed back as
/// each callback's first argument; `free_opaque` (may be NULL) frees it when the subscription is
/// replaced or the consumer destroyed.
#[repr(C)]
pub struct kf_rebalance_callbacks_t {
    pub on_assign: kf_rebalance_cb,
    pub on_revoke: kf_rebalance_cb,
    pub on_lost: kf_rebalance_cb,
    pub opaque: *mut c_void,
    pub free_opaque: kf_free_fn,
}

/// An open consumer argument: not NULL, not closed.
pub(super) fn consumer<'a>(c: *const kf_consumer_t, func: &str) -> KResult<&'a Consumer> {
    let c: &Consumer = handle(c, func, "consumer")?;
    c.usable(func)?;
    Ok(c)
}

fn list_arg<'a>(
    l: *const kf_topic_partition_list_t,
    func: &str,
    what: &str,
) -> KResult<&'a PartitionList> {
    handle(l, func, what)
}

fn give_list(out: *mut *mut kf_topic_partition_list_t, l: TopicPartitionList) {
    unsafe { *out = l.into_raw() as *mut kf_topic_partition_list_t };
}

/// A new consumer. group.id is required, as in the Python client (assign needs it too).
/// `config` is copied. Rebalance, commit and other callbacks are served by kf_consumer_poll(),
/// kf_consumer_consume() and kf_consumer_close().
///
/// Returns: caller owns; kf_consumer_close() then kf_consumer_destroy(). NULL on failure with
/// `*err_out` set when not NULL (KF_ERR__INVALID_ARG for a NULL or refused config, or one
/// without group.id).
/// fork(): in a child process forked after this call, every call on the consumer fails with
/// KF_ERR__FORKED and kf_consumer_destroy() frees nothing of librdkafka (the child leaks it; the
/// parent's consumer is unaffected). Create a new consumer in the child.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_new(
    config: *const kf_config_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_consumer_t {
    construct("kf_consumer_new", err_out, || {
        let c = handle(config, "kf_consumer_new", "config")?;
        Consumer::new(c)
    })
}

/// Leaves the group (committing offsets when enable.auto.commit is on) and serves the final
/// rebalance callbacks and the consumer's other callbacks (error, log, an OAUTHBEARER refresh)
/// on this thread while it waits. With kafkaffi.callbacks.in.poll=true it serves nothing: the
/// thread polling the consumer serves them, and this call only waits. Closing twice is
/// harmless; once the group is left every other call fails with KF_ERR__STATE.
///
/// A timeout or a wake-up ends the wait, not the close: the close goes on, finished by
/// kf_consumer_poll()/kf_consumer_consume() or by calling kf_consumer_close() again;
/// kf_consumer_close_done() says when the group is left.
///
/// Blocks: up to `timeout_ms` (-1: until the group is left, bounded by session.timeout.ms);
/// kf_consumer_wake() ends the wait with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE inside a callback of this consumer;
/// KF_ERR__TIMED_OUT; KF_ERR__INTR; the consumer's fatal error.
/// Thread safety: any thread, one at a time with the consumer's other calls, except with
/// kafkaffi.callbacks.in.poll=true, where another thread may poll the consumer meanwhile.
#[no_mangle]
pub extern "C" fn kf_consumer_close(
    consumer: *mut kf_consumer_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    call("kf_consumer_close", || {
        let c: &Consumer = handle(consumer, "kf_consumer_close", "consumer")?;
        c.close(timeout_ms)
    })
}

/// Starts leaving the group and returns at once: the non-blocking form of kf_consumer_close()
/// for an event loop. The final rebalance callbacks (and the other callbacks) run in the
/// following kf_consumer_poll() or kf_consumer_consume() calls, which hand out no more
/// messages; the event fd (kf_consumer_event_fd()) becomes readable when there is one to
/// serve. Keep polling until kf_consumer_close_done() returns true. Calling it again, or
/// after the close, does nothing.
///
/// Blocks: no.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE inside a callback of this consumer; the
/// consumer's fatal error (the consumer is then closed).
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_close_begin(consumer: *mut kf_consumer_t) -> *mut kf_error_t {
    call("kf_consumer_close_begin", || {
        let c: &Consumer = handle(consumer, "kf_consumer_close_begin", "consumer")?;
        c.close_begin()
    })
}

/// Whether the consumer has left its group after kf_consumer_close_begin() or
/// kf_consumer_close(). It serves nothing: poll serves the close.
///
/// Returns: true once the group is left; false while the close goes on, before any close, and
/// for a NULL consumer.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_close_done(consumer: *const kf_consumer_t) -> bool {
    value(false, || {
        opt(consumer).is_some_and(|c: &Consumer| c.close_done())
    })
}

/// Destroys the consumer without waiting and without running callbacks; a consumer not closed
/// leaves its group by session timeout. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this consumer's callbacks (nothing is
/// destroyed then).
/// Thread safety: no other call on this consumer may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_destroy(consumer: *mut kf_consumer_t) -> *mut kf_error_t {
    super::destroy_client(consumer, "kf_consumer_destroy", "consumer", |x| &x.client)
}

/// Subscribes to `topic_count` topics; a name starting with '^' is a regular expression.
/// Replaces any earlier subscription and its callbacks. `callbacks` may be NULL: the default
/// assignment is then applied (incremental for cooperative-sticky and group.protocol=consumer).
///
/// Errors: KF_ERR__INVALID_ARG for NULL or non-UTF-8 topics; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
/// Nullable: `callbacks`.
#[no_mangle]
pub extern "C" fn kf_consumer_subscribe(
    consumer: *mut kf_consumer_t,
    topics: *const *const c_char,
    topic_count: usize,
    callbacks: *const kf_rebalance_callbacks_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_subscribe";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        if topic_count > 0 {
            arg(topics, F, "topics")?;
        }
        let mut names: Vec<&CStr> = Vec::with_capacity(topic_count);
        for i in 0..topic_count {
            names.push(arg_cstr(*topics.add(i), F, "topic")?);
        }
        let cbs = callbacks.as_ref().map(rebalance_callbacks);
        c.subscribe(&names, cbs)
    })
}

/// The C rebalance callbacks as the domain's closures, sharing one opaque (freed once the last
/// of them is dropped).
fn rebalance_callbacks(c: &kf_rebalance_callbacks_t) -> RebalanceCallbacks {
    let opaque = Arc::new(Opaque::new(c.opaque, c.free_opaque));
    let wrap = |f: kf_rebalance_cb| -> Option<Arc<RebalanceFn>> {
        let f = f?;
        let opaque = opaque.clone();
        Some(Arc::new(
            move |consumer: &Consumer, parts: &PartitionList| unsafe {
                // The callback may call assign on the consumer: it is lent mutably, as C sees it.
                let consumer = borrowed::<kf_consumer_t>(consumer) as *mut kf_consumer_t;
                f(opaque.get(), consumer, borrowed(parts))
            },
        ))
    };
    RebalanceCallbacks {
        on_assign: wrap(c.on_assign),
        on_revoke: wrap(c.on_revoke),
        on_lost: wrap(c.on_lost),
    }
}

/// Leaves the current subscription. Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_unsubscribe(consumer: *mut kf_consumer_t) -> *mut kf_error_t {
    call("kf_consumer_unsubscribe", || {
        self::consumer(consumer, "kf_consumer_unsubscribe")?.unsubscribe()
    })
}

/// Replaces the assignment with `partitions` (offsets as start positions, or KF_OFFSET_STORED).
/// Allowed inside on_assign / on_revoke. Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_assign(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_assign";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        c.assign(Some(list_arg(partitions, F, "partitions")?))
    })
}

/// Removes the whole assignment. Allowed inside on_revoke / on_lost.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_unassign(consumer: *mut kf_consumer_t) -> *mut kf_error_t {
    call("kf_consumer_unassign", || {
        self::consumer(consumer, "kf_consumer_unassign")?.assign(None)
    })
}

/// Adds `partitions` to the assignment (cooperative rebalancing). Allowed inside on_assign.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed; librdkafka's error when the group
/// uses the eager protocol.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_incremental_assign(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_incremental_assign";
    call(F, || {
        self::consumer(consumer, F)?.incremental_assign(list_arg(partitions, F, "partitions")?)
    })
}

/// Removes `partitions` from the assignment (cooperative rebalancing). Allowed inside on_revoke.
/// Errors: as kf_consumer_incremental_assign().
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_incremental_unassign(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_incremental_unassign";
    call(F, || {
        self::consumer(consumer, F)?.incremental_unassign(list_arg(partitions, F, "partitions")?)
    })
}

/// The current assignment. `partitions_out`: caller owns; kf_topic_partition_list_destroy().
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_assignment(
    consumer: *mut kf_consumer_t,
    partitions_out: *mut *mut kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_assignment";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(partitions_out, F, "partitions_out")?;
        give_list(out, c.assignment()?);
        Ok(())
    })
}

/// Waits up to `timeout_ms` (-1: indefinitely) for one message, serving callbacks meanwhile.
/// `*message_out` gets the message (caller owns; kf_message_destroy()) or NULL on timeout.
/// A message may carry an error instead of data (kf_message_error_code(): e.g.
/// KF_ERR__PARTITION_EOF with enable.partition.eof, or a consumer error).
///
/// Blocks: up to `timeout_ms`; kf_consumer_wake() ends the wait with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE (closed, or inside a callback of this consumer);
/// KF_ERR__INTR.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
#[no_mangle]
pub extern "C" fn kf_consumer_poll(
    consumer: *mut kf_consumer_t,
    timeout_ms: c_int,
    message_out: *mut *mut kf_message_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_poll";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(message_out, F, "message_out")?;
        let m = c.poll(timeout_ms)?;
        unsafe { *out = m.map_or(std::ptr::null_mut(), |m| m as *mut kf_message_t) };
        Ok(())
    })
}

/// Fills `messages` with up to `max_messages` messages, waiting up to `timeout_ms` in all
/// (-1: until `max_messages` arrive). `*count_out` gets how many were written; the caller owns
/// each (kf_message_destroy()). Offsets are stored only for messages actually returned, so
/// auto-commit never commits past what the caller received (see librdkafka #4844).
///
/// Blocks: up to `timeout_ms`; kf_consumer_wake() ends it (KF_ERR__INTR when nothing was read
/// yet, otherwise the messages read so far are returned).
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
#[no_mangle]
pub extern "C" fn kf_consumer_consume(
    consumer: *mut kf_consumer_t,
    messages: *mut *mut kf_message_t,
    max_messages: usize,
    timeout_ms: c_int,
    count_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_consume";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(count_out, F, "count_out")?;
        if max_messages > 0 {
            out_arg(messages, F, "messages")?;
        }
        let slots = if max_messages == 0 {
            &mut []
        } else {
            std::slice::from_raw_parts_mut(messages as *mut *mut Message, max_messages)
        };
        *out = c.consume(slots, timeout_ms)?;
        Ok(())
    })
}

/// kf_consumer_consume_batch() flag: do not store the offsets of the messages read. The caller
/// stores each message's offset when it hands the message over to its application, with
/// kf_consumer_store_message(), so that auto-commit never commits past what the application
/// received (a binding serving single-message poll() from a prefetched batch).
pub const KF_CONSUME_DEFER_STORE: u32 = 1;

/// Every flag kf_consumer_consume_batch() knows.
const CONSUME_FLAGS: u32 = KF_CONSUME_DEFER_STORE;

/// Reads up to `max_messages` messages (as kf_consumer_consume(): waiting up to `timeout_ms` in
/// all, -1 until `max_messages` arrive) into one batch whose message views and header views are
/// read with kf_message_batch_views() (no further call per message). `*batch_out` gets the
/// batch, or NULL when no message arrived. Offsets are stored only for messages returned, so
/// auto-commit never commits past what the caller received (see librdkafka #4844); with
/// KF_CONSUME_DEFER_STORE in `flags` they are not stored at all (see that flag).
///
/// Returns: `*batch_out`: caller owns; kf_message_batch_destroy() frees it with its messages.
/// Blocks: up to `timeout_ms`; kf_consumer_wake() ends it (KF_ERR__INTR when nothing was read
/// yet, otherwise the messages read so far are returned).
/// Errors: KF_ERR__INVALID_ARG (NULL consumer or batch_out, an unknown flag); KF_ERR__STATE
/// (closed, or inside a callback of this consumer); KF_ERR__INTR. `*batch_out` is written only
/// on success.
/// Thread safety: one thread at a time per consumer, as every consumer call (kf_consumer_wake()
/// may be called from any thread meanwhile).
#[no_mangle]
pub extern "C" fn kf_consumer_consume_batch(
    consumer: *mut kf_consumer_t,
    max_messages: usize,
    timeout_ms: c_int,
    flags: u32,
    batch_out: *mut *mut kf_message_batch_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_consume_batch";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(batch_out, F, "batch_out")?;
        if flags & !CONSUME_FLAGS != 0 {
            return Err(KafkaError::invalid_arg(format!(
                "{F}: unknown flags {:#x}",
                flags & !CONSUME_FLAGS
            )));
        }
        let store = flags & KF_CONSUME_DEFER_STORE == 0;
        // This thread's buffers of its last batch, when it destroyed one.
        let mut b = Buffers::take();
        b.messages.reserve(max_messages.min(BATCH_PREALLOC));
        let n = match c.consume_into(&mut b.messages, max_messages, timeout_ms, store) {
            Ok(n) => n,
            Err(e) => {
                // (consume_into fails only before reading anything; destroy what it read anyway)
                for m in b.messages.drain(..) {
                    unsafe { Message::destroy(m) };
                }
                b.give_back();
                return Err(e);
            }
        };
        let batch = if n == 0 {
            b.give_back();
            std::ptr::null_mut()
        } else {
            super::new_handle(Box::new(MessageBatch::new(b)))
        };
        unsafe { *out = batch };
        Ok(())
    })
}

/// Stores the offset after `message` as kf_consumer_poll() does for the messages it hands over:
/// only when enable.auto.offset.store is true (the default) and the message carries no error;
/// for a partition no longer assigned nothing is stored and no error returned. Meant for
/// messages read with KF_CONSUME_DEFER_STORE, when each is handed to the application.
///
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Blocks: no. Thread safety: one thread at a time per consumer, as every consumer call.
#[no_mangle]
pub extern "C" fn kf_consumer_store_message(
    consumer: *mut kf_consumer_t,
    message: *const kf_message_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_store_message";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        c.store_handed_over(handle(message, F, "message")?);
        Ok(())
    })
}

/// Commits offsets: those of `offsets` when not NULL (offsets are the next to read, metadata and
/// leader epoch kept), else the offset after `message` when not NULL, else the current positions
/// of the assignment. Asynchronous commits report to on_commit and ignore `timeout_ms`; a
/// synchronous commit blocks and, when `committed_out` is not NULL, returns the committed list
/// with per-partition errors (caller owns). A synchronous commit that times out or is woken
/// goes on in the background; its result is discarded when it arrives.
///
/// Blocks: synchronous: up to `timeout_ms` (-1: no limit), serving the consumer's main-queue
/// callbacks meanwhile (not with kafkaffi.callbacks.in.poll=true); kf_consumer_wake() ends it
/// with KF_ERR__INTR. Asynchronous: no.
/// Errors: KF_ERR__NO_OFFSET when there is nothing to commit; the commit's error;
/// KF_ERR__TIMED_OUT; KF_ERR__INTR; KF_ERR__STATE; KF_ERR__INVALID_ARG.
/// Thread safety: one thread at a time per consumer: its polling thread, or inside its
/// rebalance callbacks.
/// Nullable: `message`, `offsets`, `committed_out`.
#[no_mangle]
pub extern "C" fn kf_consumer_commit(
    consumer: *mut kf_consumer_t,
    message: *const kf_message_t,
    offsets: *const kf_topic_partition_list_t,
    asynchronous: bool,
    timeout_ms: c_int,
    committed_out: *mut *mut kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_commit";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let from_message;
        let list: Option<&PartitionList> = if let Some(l) = opt(offsets) {
            Some(l)
        } else if let Some(m) = opt(message) {
            from_message = TopicPartitionList::after_message(m).map_err(in_fn(F))?;
            Some(&from_message)
        } else {
            None
        };
        let committed = c.commit(list, asynchronous, timeout_ms)?;
        if let (Some(l), false) = (committed, committed_out.is_null()) {
            give_list(committed_out, l);
        }
        Ok(())
    })
}

/// Runs a query that fills a copy of `partitions` and hands the copy to the caller.
fn list_query(
    func: &str,
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
    result_out: *mut *mut kf_topic_partition_list_t,
    query: impl FnOnce(&Consumer, &mut TopicPartitionList) -> KResult<()>,
) -> *mut kf_error_t {
    call(func, || {
        let c = self::consumer(consumer, func)?;
        let input = list_arg(partitions, func, "partitions")?;
        let out = out_arg(result_out, func, "result_out")?;
        let mut l = TopicPartitionList::copied(input);
        query(c, &mut l)?;
        give_list(out, l);
        Ok(())
    })
}

/// The committed offsets of `partitions` (with metadata and leader epoch) from the group
/// coordinator. `result_out`: a new list (caller owns) with per-partition errors.
///
/// Blocks: up to `timeout_ms`. Errors: KF_ERR__TIMED_OUT, KF_ERR__INVALID_ARG, KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
#[no_mangle]
pub extern "C" fn kf_consumer_committed(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
    timeout_ms: c_int,
    result_out: *mut *mut kf_topic_partition_list_t,
) -> *mut kf_error_t {
    list_query(
        "kf_consumer_committed",
        consumer,
        partitions,
        result_out,
        |c, l| c.committed(l, timeout_ms),
    )
}

/// The current positions (offset of the next message to read) of `partitions`;
/// KF_OFFSET_INVALID where nothing was consumed. Local, does not block.
/// `result_out`: a new list (caller owns). Errors: KF_ERR__INVALID_ARG, KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_position(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
    result_out: *mut *mut kf_topic_partition_list_t,
) -> *mut kf_error_t {
    list_query(
        "kf_consumer_position",
        consumer,
        partitions,
        result_out,
        |c, l| c.position(l),
    )
}

/// For each element, the earliest offset whose timestamp is at or after the element's offset
/// field (a timestamp in ms since the epoch); KF_OFFSET_END when there is none.
/// `result_out`: a new list (caller owns) with per-partition errors.
///
/// Blocks: up to `timeout_ms`. Errors: KF_ERR__TIMED_OUT, KF_ERR__INVALID_ARG, KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
#[no_mangle]
pub extern "C" fn kf_consumer_offsets_for_times(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
    timeout_ms: c_int,
    result_out: *mut *mut kf_topic_partition_list_t,
) -> *mut kf_error_t {
    list_query(
        "kf_consumer_offsets_for_times",
        consumer,
        partitions,
        result_out,
        |c, l| c.offsets_for_times(l, timeout_ms),
    )
}

/// Moves the fetch position of each assigned partition in `partitions` to its offset (with its
/// leader epoch when set, for log truncation detection). `timeout_ms` 0 does not wait.
///
/// Errors: the first partition's error, naming it (e.g. KF_ERR__UNKNOWN_PARTITION for a
/// partition that is not assigned); KF_ERR__INVALID_ARG; KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: up to `timeout_ms` (0: does not wait).
#[no_mangle]
pub extern "C" fn kf_consumer_seek(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_seek";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let mut l = TopicPartitionList::copied(list_arg(partitions, F, "partitions")?);
        c.seek(&l, timeout_ms)?;
        if timeout_ms == 0 {
            // Not waited for: librdkafka marks every seek it started _IN_PROGRESS.
            l.clear_in_progress();
        }
        l.first_error().map_err(in_fn(F))
    })
}

/// Pauses fetching for `partitions` (they stay assigned).
/// Errors: the first partition's error; KF_ERR__INVALID_ARG; KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_pause(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_pause";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let l = TopicPartitionList::copied(list_arg(partitions, F, "partitions")?);
        c.pause(&l)?;
        l.first_error().map_err(in_fn(F))
    })
}

/// Resumes fetching for `partitions`. Errors: as kf_consumer_pause().
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_resume(
    consumer: *mut kf_consumer_t,
    partitions: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_resume";
    call(F, || {
        let c = self::consumer(consumer, F)?;
        let l = TopicPartitionList::copied(list_arg(partitions, F, "partitions")?);
        c.resume(&l)?;
        l.first_error().map_err(in_fn(F))
    })
}

/// The low and high watermark offsets of a partition: from the broker (`cached` false; blocks up
/// to `timeout_ms`), or as last seen by the fetcher (`cached` true; -1001 when not known yet).
///
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__TIMED_OUT; KF_ERR_UNKNOWN_TOPIC_OR_PART; KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: up to `timeout_ms` when `cached` is false; no when it is true.
#[no_mangle]
pub extern "C" fn kf_consumer_get_watermark_offsets(
    consumer: *mut kf_consumer_t,
    topic: *const c_char,
    partition: i32,
    timeout_ms: c_int,
    cached: bool,
    low_out: *mut i64,
    high_out: *mut i64,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_get_watermark_offsets";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        let t = arg_cstr(topic, F, "topic")?;
        let lo = out_arg(low_out, F, "low_out")?;
        let hi = out_arg(high_out, F, "high_out")?;
        let (l, h) = c.watermark_offsets(t, partition, timeout_ms, cached)?;
        *lo = l;
        *hi = h;
        Ok(())
    })
}

/// Stores offsets for the next commit (with enable.auto.offset.store=false): the offset after
/// `message` when not NULL, else the offsets of `offsets` (next offsets to read).
///
/// Errors: KF_ERR__STATE for an unassigned partition or a closed consumer; KF_ERR__INVALID_ARG
/// when both are NULL; KF_ERR__INVALID_ARG when enable.auto.offset.store is true.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
/// Nullable: `message`, `offsets`.
#[no_mangle]
pub extern "C" fn kf_consumer_store_offsets(
    consumer: *mut kf_consumer_t,
    message: *const kf_message_t,
    offsets: *const kf_topic_partition_list_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_store_offsets";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        if !message.is_null() {
            return c.store_message_offset(&*(message as *const Message));
        }
        let l = TopicPartitionList::copied(list_arg(offsets, F, "message and offsets")?);
        c.store_offsets(&l)?;
        l.first_error().map_err(in_fn(F))
    })
}

/// The member id the group coordinator gave this consumer. `memberid_out` gets a string the
/// caller owns (kf_string_free()), or NULL when not (yet) a member.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_memberid(
    consumer: *mut kf_consumer_t,
    memberid_out: *mut *mut c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_memberid";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(memberid_out, F, "memberid_out")?;
        *out = c
            .memberid()
            .map_or(std::ptr::null_mut(), super::owned_string);
        Ok(())
    })
}

/// The consumer's group metadata, for kf_producer_send_offsets_to_transaction().
/// `metadata_out`: caller owns; kf_consumer_group_metadata_destroy().
/// Errors: KF_ERR__STATE without group.id or when closed; KF_ERR__INVALID_ARG.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata(
    consumer: *mut kf_consumer_t,
    metadata_out: *mut *mut kf_consumer_group_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_group_metadata";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        let out = out_arg(metadata_out, F, "metadata_out")?;
        *out = c.group_metadata()? as *mut kf_consumer_group_metadata_t;
        Ok(())
    })
}

/// Cluster metadata, as kf_producer_list_topics(). Errors: also KF_ERR__STATE when closed.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: up to `timeout_ms`, serving callbacks.
/// Nullable: `topic`.
#[no_mangle]
pub extern "C" fn kf_consumer_list_topics(
    consumer: *mut kf_consumer_t,
    topic: *const c_char,
    timeout_ms: c_int,
    metadata_out: *mut *mut kf_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_list_topics";
    call(F, || unsafe {
        let c = self::consumer(consumer, F)?;
        let t = if topic.is_null() {
            None
        } else {
            Some(arg_cstr(topic, F, "topic")?)
        };
        let out = out_arg(metadata_out, F, "metadata_out")?;
        *out = c.list_topics(t, timeout_ms)? as *mut kf_metadata_t;
        Ok(())
    })
}

/// A file descriptor that becomes readable when kf_consumer_poll() has a message or callback to
/// serve: the read end of a non-blocking pipe (librdkafka writes to its other end). Register
/// it with epoll, libuv or asyncio; when it is readable, read it until EAGAIN, then call
/// kf_consumer_poll() (or kf_consumer_consume()) with timeout 0 until it comes back empty: one
/// byte may stand for many events. It may also become readable with nothing to serve (a
/// wake-up). Owned by the consumer and valid until kf_consumer_destroy(): never close it. A
/// runtime that closes the descriptors it is given (Node's, Python's asyncio with some loops)
/// must be given a dup() of it. It becomes readable when the
/// client's queue goes from empty to not empty: events queued before the first call do not
/// make it readable, so call kf_consumer_poll() with timeout 0 until it comes back empty once after
/// getting the descriptor. The same descriptor is returned on every call.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE.
/// Thread safety: one thread at a time per consumer (kf_consumer_wake() from any thread).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_event_fd(
    consumer: *mut kf_consumer_t,
    fd_out: *mut c_int,
) -> *mut kf_error_t {
    call("kf_consumer_event_fd", || unsafe {
        let c = self::consumer(consumer, "kf_consumer_event_fd")?;
        let out = out_arg(fd_out, "kf_consumer_event_fd", "fd_out")?;
        *out = c.client.event_fd()?;
        Ok(())
    })
}

/// Makes any blocking call of the consumer return at once with KF_ERR__INTR: poll, consume,
/// commit, committed, offsets_for_times, watermark queries, list_topics and close. With none
/// blocked, the next one does (the wake-up is kept, so it is never lost). A query or commit
/// that is woken goes on in librdkafka and its result is discarded when it arrives; a woken
/// close goes on too (see kf_consumer_close()).
///
/// Async-signal-safe: it stores a flag and writes one byte to a pipe (no lock, no allocation),
/// so a SIGINT handler may call it; errno is preserved. A watcher thread of the consumer turns
/// the byte into the wake-up of whatever call waits.
/// Errors: KF_ERR__INVALID_ARG. Blocks: no.
/// Thread safety: any thread, and signal handlers.
#[no_mangle]
pub extern "C" fn kf_consumer_wake(consumer: *mut kf_consumer_t) -> *mut kf_error_t {
    call("kf_consumer_wake", || {
        let c: &Consumer = handle(consumer, "kf_consumer_wake", "consumer")?;
        c.wake()
    })
}
