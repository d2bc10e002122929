//! kf_producer_t: Python's Producer.
//!
//! Thread safety: a producer may be used from many threads at once, except that
//! kf_producer_destroy() must not race with any other call on it.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

use super::types::*;
use super::{
    arg, arg_bytes, arg_cstr, borrowed, call, construct, error_out, handle, opt, out_arg, value,
};
use crate::error::{KResult, KafkaError};
use crate::kafka::callbacks::{DeliveryHandler, DeliverySlot, ValueRelease};
use crate::kafka::message::Message;
use crate::kafka::producer::{OutMessage, ProduceRun, Producer};

pub(crate) fn producer<'a>(p: *const kf_producer_t, func: &str) -> KResult<&'a Producer> {
    let p: &Producer = handle(p, func, "producer")?;
    p.usable(func)?;
    Ok(p)
}

/// The topic argument of a produce call: the last topic produced to is recognised without a
/// second check; any other is checked (NULL, UTF-8).
unsafe fn topic_arg<'a>(p: &Producer, topic: *const c_char, func: &str) -> KResult<&'a CStr> {
    if !topic.is_null() {
        if let Some(t) = p.last_topic(topic) {
            return Ok(t);
        }
    }
    arg_cstr(topic, func, "topic")
}

/// A message's C delivery callback and zero-copy release as the domain's allocation-free
/// slot: each C function pointer rides, with its opaque, in its handler's two context words.
/// None when the message has neither.
pub(crate) fn delivery_slot(
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
    release: Option<(ReleaseFn, *mut c_void)>,
) -> Option<DeliverySlot> {
    if on_delivery.is_none() && release.is_none() {
        return None;
    }
    Some(DeliverySlot {
        handler: on_delivery.map(|f| DeliveryHandler {
            call: call_c_delivery,
            ctx: [f as usize, opaque as usize],
        }),
        release: release.map(|(f, free_opaque)| ValueRelease {
            call: call_c_release,
            ctx: [f as usize, free_opaque as usize],
        }),
    })
}

type DeliveryFn = unsafe extern "C" fn(*mut c_void, *const kf_message_t, *const kf_error_t);
/// The C function that gives a zero-copy value back: (free_opaque, value).
pub(crate) type ReleaseFn = unsafe extern "C" fn(*mut c_void, *mut u8);

/// Calls a per-message C delivery callback: ctx = [function, opaque] (see delivery_slot).
unsafe fn call_c_delivery(ctx: [usize; 2], report: &Message, err: Option<&KafkaError>) {
    let f = std::mem::transmute::<usize, DeliveryFn>(ctx[0]);
    f(
        ctx[1] as *mut c_void,
        borrowed(report),
        err.map_or(std::ptr::null(), borrowed),
    )
}

/// Calls a C release function: ctx = [function, free_opaque] (see delivery_slot).
unsafe fn call_c_release(ctx: [usize; 2], value: *mut u8) {
    let f = std::mem::transmute::<usize, ReleaseFn>(ctx[0]);
    f(ctx[1] as *mut c_void, value)
}

/// One message of kf_producer_produce_batch(). Fields as for kf_producer_produce(); `err` is
/// written by the call: 0 when the message was enqueued, its error code otherwise.
#[repr(C)]
pub struct kf_produce_message_t {
    pub topic: *const c_char,
    pub partition: i32,
    pub key: *const u8,
    pub key_len: usize,
    pub value: *const u8,
    pub value_len: usize,
    pub headers: *const kf_headers_t,
    pub timestamp_ms: i64,
    pub on_delivery: kf_delivery_cb,
    pub opaque: *mut c_void,
    pub err: i32,
}

/// A new producer (librdkafka starts its threads and connects lazily). `config` is copied.
///
/// Returns: caller owns; free with kf_producer_destroy(). NULL on failure, with `*err_out` set
/// when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL config, or a config librdkafka refuses).
/// fork(): in a child process forked after this call, every call on the producer fails with
/// KF_ERR__FORKED and kf_producer_destroy() frees nothing of librdkafka (the child leaks it; the
/// parent's producer is unaffected). Create a new producer in the child.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_new(
    config: *const kf_config_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_producer_t {
    construct("kf_producer_new", err_out, || {
        let c = handle(config, "kf_producer_new", "config")?;
        Ok(Box::new(Producer::new(c)?))
    })
}

/// Destroys the producer without waiting: messages not yet delivered are dropped without a
/// delivery report (call kf_producer_flush() first to deliver them). Runs no callback.
/// NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this producer's callbacks (then nothing
/// is destroyed).
/// Thread safety: no other call on this producer may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_destroy(producer: *mut kf_producer_t) -> *mut kf_error_t {
    super::destroy_client(producer, "kf_producer_destroy", "producer", |x| &x.client)
}

unsafe fn out_message<'a>(
    p: &Producer,
    func: &str,
    topic: *const c_char,
    partition: i32,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
    release: Option<(ReleaseFn, *mut c_void)>,
) -> KResult<OutMessage<'a>> {
    Ok(OutMessage {
        topic: topic_arg(p, topic, func)?,
        partition,
        key: arg_bytes(key, key_len, func, "key")?,
        value: arg_bytes(value, value_len, func, "value")?,
        headers: opt(headers),
        timestamp_ms,
        delivery: delivery_slot(on_delivery, opaque, release),
    })
}

/// Enqueues one message for delivery. Key, value and headers are copied; the caller keeps
/// owning them. `partition` is a partition number or KF_PARTITION_UA (the partitioner picks).
/// `key`/`value` NULL means null (NULL requires length 0); non-NULL with length 0 is empty.
/// `headers` may be NULL. `timestamp_ms` 0 means now. `on_delivery` (may be NULL) is this
/// message's delivery callback, called with `opaque` instead of the config's on_delivery.
///
/// The delivery report is served by a later kf_producer_poll() or kf_producer_flush().
/// Errors: KF_ERR__QUEUE_FULL when queue.buffering.max.messages/kbytes is reached (poll, then
/// retry: Python's BufferError); KF_ERR_MSG_SIZE_TOO_LARGE; KF_ERR__UNKNOWN_PARTITION;
/// KF_ERR__UNKNOWN_TOPIC (when known not to exist); after a fatal error (idempotent or
/// transactional producer), that error's own code with kf_error_is_fatal() true; KF_ERR__STATE
/// for a transactional producer outside a transaction (see kf_producer_begin_transaction());
/// KF_ERR__INVALID_ARG for NULL producer or topic, a non-UTF-8 topic, or a NULL buffer with a
/// length.
/// Thread safety: any thread, concurrently with other produce and poll calls.
/// Blocks: no.
/// Nullable: `headers`, `on_delivery`.
#[no_mangle]
pub extern "C" fn kf_producer_produce(
    producer: *mut kf_producer_t,
    topic: *const c_char,
    partition: i32,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_produce";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let m = out_message(
            p,
            F,
            topic,
            partition,
            key,
            key_len,
            value,
            value_len,
            headers,
            timestamp_ms,
            on_delivery,
            opaque,
            None,
        )?;
        p.produce(&m)
    })
}

/// As kf_producer_produce(), but the value is not copied: librdkafka reads it in place until
/// the message's delivery report has been served, then `free_value(free_opaque, value)` gives it
/// back (after `on_delivery` or the config's on_delivery ran). `free_value` is required. The key
/// and headers are still copied.
///
/// On error nothing was taken: the value is still the caller's and `free_value` is not called.
/// If the producer is destroyed with the message undelivered, `free_value` runs during
/// kf_producer_destroy() (no delivery callback does).
/// Errors: as kf_producer_produce(); KF_ERR__INVALID_ARG when `free_value` is NULL.
/// Thread safety: any thread; `free_value` runs on the thread serving the delivery report.
/// Blocks: no.
/// Nullable: `headers`, `on_delivery`.
/// Direction: `value` in.
/// Transferred: `value` (on success, lent to the library until `free_value` gives it back).
#[no_mangle]
pub extern "C" fn kf_producer_produce_zerocopy(
    producer: *mut kf_producer_t,
    topic: *const c_char,
    partition: i32,
    key: *const u8,
    key_len: usize,
    value: *mut u8,
    value_len: usize,
    free_value: kf_release_fn,
    free_opaque: *mut c_void,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_produce_zerocopy";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let release = free_value
            .ok_or_else(|| KafkaError::invalid_arg(format!("{F}: free_value is NULL")))?;
        let m = out_message(
            p,
            F,
            topic,
            partition,
            key,
            key_len,
            value,
            value_len,
            headers,
            timestamp_ms,
            on_delivery,
            opaque,
            Some((release, free_opaque)),
        )?;
        p.produce(&m)
    })
}

/// Enqueues `count` messages, each with its own topic, partition, key, value, headers,
/// timestamp and delivery callback (headers are kept, unlike Python's produce_batch). Each
/// message's `err` field gets 0 or its own error code; one failure does not stop the others,
/// except KF_ERR__QUEUE_FULL: the messages after it in a run of consecutive messages to one
/// topic and partition without headers or timestamp (which go to librdkafka's batch call
/// together) get KF_ERR__QUEUE_FULL too. `*enqueued_out` (may be NULL) gets the number
/// enqueued.
///
/// Errors (for the call as a whole): KF_ERR__INVALID_ARG for a NULL producer, or NULL messages
/// with a non-zero count.
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `enqueued_out`.
#[no_mangle]
pub extern "C" fn kf_producer_produce_batch(
    producer: *mut kf_producer_t,
    messages: *mut kf_produce_message_t,
    count: usize,
    enqueued_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_produce_batch";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        if count == 0 {
            if !enqueued_out.is_null() {
                *enqueued_out = 0;
            }
            return Ok(());
        }
        arg(messages, F, "messages")?;
        let msgs = std::slice::from_raw_parts_mut(messages, count);
        let ok = produce_batch(p, msgs);
        if !enqueued_out.is_null() {
            *enqueued_out = ok;
        }
        Ok(())
    })
}

/// The longest run handed to one rd_kafka_produce_batch() call.
const MAX_RUN: usize = 65536;

/// kf_producer_produce_batch(): runs of consecutive messages to one topic and partition without
/// headers or timestamp go to rd_kafka_produce_batch() (one topic handle, one argument check
/// per run); the others, one at a time, to produce(). Returns how many were enqueued.
unsafe fn produce_batch(p: &Producer, msgs: &mut [kf_produce_message_t]) -> usize {
    const F: &str = "kf_producer_produce_batch";
    let mut ok = 0;
    let mut run = ProduceRun::default();
    let mut i = 0;
    while i < msgs.len() {
        let first = &msgs[i];
        let mut end = i;
        let mut topic = None;
        if batchable(first) {
            if let Ok(t) = topic_arg(p, first.topic, F) {
                topic = Some(t);
                end = i + 1;
                while end < msgs.len()
                    && end - i < MAX_RUN
                    && batchable(&msgs[end])
                    && msgs[end].partition == first.partition
                    && (msgs[end].topic == first.topic || same_topic(msgs[end].topic, t))
                {
                    end += 1;
                }
            }
        }
        if let Some(t) = topic {
            run.clear();
            for m in &msgs[i..end] {
                // batchable(): a NULL buffer has length 0, so these cannot fail.
                let key = arg_bytes(m.key, m.key_len, F, "key").unwrap_or(None);
                let value = arg_bytes(m.value, m.value_len, F, "value").unwrap_or(None);
                run.push(p, key, value, delivery_slot(m.on_delivery, m.opaque, None));
            }
            if let Some(good) = run.send(p, t, first.partition) {
                ok += good;
                for (m, code) in msgs[i..end].iter_mut().zip(run.error_codes()) {
                    m.err = code;
                }
                i = end;
                continue;
            }
            // No topic handle: nothing was tried; go one by one.
        }
        let m = &mut msgs[i];
        let res = out_message(
            p,
            F,
            m.topic,
            m.partition,
            m.key,
            m.key_len,
            m.value,
            m.value_len,
            m.headers,
            m.timestamp_ms,
            m.on_delivery,
            m.opaque,
            None,
        )
        .and_then(|om| p.produce(&om));
        m.err = match res {
            Ok(()) => {
                ok += 1;
                0
            }
            Err(e) => e.code,
        };
        i += 1;
    }
    ok
}

/// A message rd_kafka_produce_batch() can take: no headers, no timestamp, and key and value
/// arguments that are valid (a NULL buffer has length 0; the others go to produce(), which
/// reports them).
fn batchable(m: &kf_produce_message_t) -> bool {
    m.headers.is_null()
        && m.timestamp_ms == 0
        && !m.topic.is_null()
        && (!m.key.is_null() || m.key_len == 0)
        && (!m.value.is_null() || m.value_len == 0)
}

/// True when the NUL-terminated string at `p` (not NULL) is `t`.
unsafe fn same_topic(p: *const c_char, t: &std::ffi::CStr) -> bool {
    if p == t.as_ptr() {
        return true;
    }
    for (i, &b) in t.to_bytes_with_nul().iter().enumerate() {
        if *p.add(i) as u8 != b {
            return false;
        }
    }
    true
}

/// Serves delivery reports and the other callbacks, waiting up to `timeout_ms` for the first
/// (0: don't wait; -1: wait indefinitely). `*served_out` (may be NULL) gets the number served.
///
/// Blocks: up to `timeout_ms`; kf_producer_wake() ends the wait with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (NULL producer); KF_ERR__STATE when called from inside one of
/// this producer's callbacks; KF_ERR__INTR when woken.
/// Thread safety: any thread; callbacks run on the calling thread.
/// Nullable: `served_out`.
#[no_mangle]
pub extern "C" fn kf_producer_poll(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
    served_out: *mut c_int,
) -> *mut kf_error_t {
    call("kf_producer_poll", || {
        let n = self::producer(producer, "kf_producer_poll")?.poll(timeout_ms)?;
        if !served_out.is_null() {
            unsafe { *served_out = n };
        }
        Ok(())
    })
}

/// Waits until every enqueued message is delivered (or failed) or `timeout_ms` passes (-1: no
/// limit), serving callbacks meanwhile; linger.ms is ignored while flushing.
/// `*remaining_out` (may be NULL) gets the number still outstanding (0 when all done).
///
/// Blocks: up to `timeout_ms`; kf_producer_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG, KF_ERR__STATE (inside a callback), KF_ERR__INTR. A timeout is not
/// an error: check `*remaining_out`.
/// Thread safety: any thread; callbacks run on the calling thread.
/// Nullable: `remaining_out`.
#[no_mangle]
pub extern "C" fn kf_producer_flush(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
    remaining_out: *mut usize,
) -> *mut kf_error_t {
    call("kf_producer_flush", || {
        let n = self::producer(producer, "kf_producer_flush")?.flush(timeout_ms)?;
        if !remaining_out.is_null() {
            unsafe { *remaining_out = n };
        }
        Ok(())
    })
}

/// Purges messages: those still in the local queue (`in_queue`) and/or those sent but not yet
/// acknowledged (`in_flight`). Their delivery reports carry KF_ERR__PURGE_QUEUE or
/// KF_ERR__PURGE_INFLIGHT and are served by the next poll or flush. With `blocking` false the
/// call does not wait for the broker threads.
///
/// Errors: KF_ERR__INVALID_ARG (NULL producer). Thread safety: any thread.
/// Blocks: with `blocking` true, until librdkafka's threads have purged (briefly, no network wait);
/// otherwise no.
#[no_mangle]
pub extern "C" fn kf_producer_purge(
    producer: *mut kf_producer_t,
    in_queue: bool,
    in_flight: bool,
    blocking: bool,
) -> *mut kf_error_t {
    call("kf_producer_purge", || {
        self::producer(producer, "kf_producer_purge")?.purge(in_queue, in_flight, blocking)
    })
}

/// Messages not yet delivered plus delivery reports and callbacks not yet served (Python's
/// len(producer)); 0 when `producer` is NULL, and in a child process forked after the producer
/// was created.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_len(producer: *const kf_producer_t) -> usize {
    value(0, || opt(producer).map_or(0, Producer::len))
}

/// Cluster metadata for `topic`, or for all topics when `topic` is NULL.
///
/// `metadata_out`: on success, caller owns; free with kf_metadata_destroy().
/// Blocks: up to `timeout_ms`. Errors: KF_ERR__INVALID_ARG; KF_ERR__TIMED_OUT; KF_ERR__TRANSPORT.
/// Thread safety: any thread.
/// Nullable: `topic`.
#[no_mangle]
pub extern "C" fn kf_producer_list_topics(
    producer: *mut kf_producer_t,
    topic: *const c_char,
    timeout_ms: c_int,
    metadata_out: *mut *mut kf_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_list_topics";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let t = if topic.is_null() {
            None
        } else {
            Some(arg_cstr(topic, F, "topic")?)
        };
        let out = out_arg(metadata_out, F, "metadata_out")?;
        *out = p.list_topics(t, timeout_ms)? as *mut kf_metadata_t;
        Ok(())
    })
}

/// Replaces the SASL PLAIN/SCRAM username and password; used from the next (re)authentication.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_set_sasl_credentials(
    producer: *mut kf_producer_t,
    username: *const c_char,
    password: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_set_sasl_credentials";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        p.set_sasl_credentials(
            arg_cstr(username, F, "username")?,
            arg_cstr(password, F, "password")?,
        )
    })
}

/// A file descriptor that becomes readable when kf_producer_poll() has work to serve, for event
/// loops (epoll, libuv, asyncio). Drain it (read until EAGAIN), then call kf_producer_poll(0).
/// The descriptor belongs to the producer: do not close it; it lives until kf_producer_destroy().
///
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when no pipe can be created.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_event_fd(
    producer: *mut kf_producer_t,
    fd_out: *mut c_int,
) -> *mut kf_error_t {
    call("kf_producer_event_fd", || unsafe {
        let p = self::producer(producer, "kf_producer_event_fd")?;
        let out = out_arg(fd_out, "kf_producer_event_fd", "fd_out")?;
        *out = p.client.event_fd()?;
        Ok(())
    })
}

/// Makes a kf_producer_poll() or kf_producer_flush() blocked on another thread return at once
/// with KF_ERR__INTR (for Ctrl-C or task cancellation). With no call blocked, the next one
/// returns KF_ERR__INTR at once.
///
/// Errors: KF_ERR__INVALID_ARG (NULL producer). Thread safety: any thread, and signal handlers
/// should not call it (it takes locks); set a flag and call it from a thread instead.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_wake(producer: *mut kf_producer_t) -> *mut kf_error_t {
    call("kf_producer_wake", || {
        self::producer(producer, "kf_producer_wake")?.client.wake();
        Ok(())
    })
}

/// The error that made this producer fatal (idempotent or transactional producer), or NULL when
/// none or when `producer` is NULL; KF_ERR__FORKED in a child process forked after the producer
/// was created. Returns: caller owns; free with kf_error_destroy(). The error is flagged fatal.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_producer_fatal_error(producer: *const kf_producer_t) -> *mut kf_error_t {
    value(std::ptr::null_mut(), || {
        opt(producer)
            .and_then(Producer::fatal_error)
            .map_or(std::ptr::null_mut(), error_out)
    })
}
