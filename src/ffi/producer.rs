//! kf_producer_t: Python's Producer.
//!
//! Thread safety: a producer may be used from many threads at once, except that
//! kf_producer_destroy() must not race with any other call on it.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

use super::types::*;
use super::{
    arg_bytes, arg_cstr, borrowed, call, construct, error_out, handle, opt, out_arg, value,
};
use crate::error::{KResult, KafkaError};
use crate::kafka::callbacks::{DeliveryHandler, DeliverySlot, ValueRelease};
use crate::kafka::delivery::OutHeaders;
use crate::kafka::message::Message;
use crate::kafka::producer::{OutMessage, Producer};

pub(crate) fn producer<'a>(p: *const kf_producer_t, func: &str) -> KResult<&'a Producer> {
    let p: &Producer = handle(p, func, "producer")?;
    p.usable(func)?;
    Ok(p)
}

/// The topic argument of a produce call: the last topic produced to is recognised without a
/// second check; any other is checked (NULL, UTF-8).
pub(crate) unsafe fn topic_arg<'a>(
    p: &Producer,
    topic: *const c_char,
    func: &str,
) -> KResult<&'a CStr> {
    if !topic.is_null() {
        if let Some(t) = p.last_topic(topic) {
            return Ok(t);
        }
    }
    arg_cstr(topic, func, "topic")
}

/// A message's C delivery callback, opaque and zero-copy release as the domain's
/// allocation-free slot: each C function pointer rides, with its opaque, in its handler's two
/// context words. None when the message needs none. For a producer in pull mode the opaque is
/// kept for the pulled report, and a delivery callback is refused (none would run).
pub(crate) fn delivery_slot(
    p: &Producer,
    func: &str,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
    release: Option<(ReleaseFn, *mut c_void)>,
) -> KResult<Option<DeliverySlot>> {
    let pull = p.client.pulls_reports();
    if pull && on_delivery.is_some() {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: on_delivery is set, but this producer pulls its delivery reports \
             (KF_DELIVERY_REPORT_MODE_PULL): no delivery callback runs"
        )));
    }
    let keep_opaque = pull && !opaque.is_null();
    if on_delivery.is_none() && release.is_none() && !keep_opaque {
        return Ok(None);
    }
    Ok(Some(DeliverySlot {
        handler: on_delivery.map(|f| DeliveryHandler {
            call: call_c_delivery,
            ctx: [f as usize, opaque as usize],
        }),
        release: release.map(|(f, free_opaque)| ValueRelease {
            call: call_c_release,
            ctx: [f as usize, free_opaque as usize],
        }),
        opaque: if pull { opaque as usize } else { 0 },
    }))
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

/// Destroys the producer without waiting: messages not yet delivered, and delivery reports not
/// yet served by a poll, are dropped without running a delivery callback (call
/// kf_producer_flush() first to deliver them). Runs no callback; on this thread it gives the
/// per-message opaques of those messages to the opaque release (kf_config_set_opaque_release_cb(),
/// once each) and zero-copy values to their free_value. NULL is a no-op.
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
        headers: opt(headers).map_or(OutHeaders::None, OutHeaders::List),
        timestamp_ms,
        delivery: delivery_slot(p, func, on_delivery, opaque, release)?,
    })
}

/// Enqueues one message for delivery. Key, value and headers are copied; the caller keeps
/// owning them. `partition` is a partition number or KF_PARTITION_UA (the partitioner picks).
/// `key`/`value` NULL means null (NULL requires length 0); non-NULL with length 0 is empty.
/// `headers` may be NULL. `timestamp_ms` 0 means now. `on_delivery` (may be NULL) is this
/// message's delivery callback, called with `opaque` instead of the config's on_delivery. With
/// an `on_delivery`, `opaque` comes back exactly once: to `on_delivery`, or, if the producer is
/// destroyed before the report is served, to the opaque release
/// (kf_config_set_opaque_release_cb()). With a NULL `on_delivery`, `opaque` is not kept.
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
/// With kafkaffi.callbacks.in.poll=true it serves nothing: it waits until every message is
/// delivered and its delivery report served by the thread that calls kf_producer_poll()
/// (linger.ms still applies); with nobody polling it returns at its timeout.
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

/// Starts a flush and returns at once: the non-blocking form of kf_producer_flush() for an
/// event loop. Keep polling as the event fd (kf_producer_event_fd()) becomes readable until
/// kf_producer_flush_done() returns true; when nothing is outstanding this call makes the
/// event fd readable itself. It serves nothing. Unlike kf_producer_flush(), linger.ms still
/// applies (librdkafka has no non-blocking way to send lingering batches early): set a short
/// linger.ms where a flush must be quick.
///
/// Blocks: no.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE inside a callback of this producer.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_producer_flush_begin(producer: *mut kf_producer_t) -> *mut kf_error_t {
    call("kf_producer_flush_begin", || {
        self::producer(producer, "kf_producer_flush_begin")?.flush_begin()
    })
}

/// Whether a flush is complete: every message is delivered (or failed) and its delivery report
/// served (kf_producer_len() is 0).
///
/// Returns: true when complete; false otherwise and for a NULL producer.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_producer_flush_done(producer: *const kf_producer_t) -> bool {
    value(false, || {
        opt(producer).is_some_and(|p: &Producer| p.usable("flush_done").is_ok() && p.flush_done())
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
/// loops (epoll, libuv, asyncio): the read end of a non-blocking pipe (librdkafka and kafkaffi
/// write to its other end). When it is readable, read it until EAGAIN, then call
/// kf_producer_poll() with timeout 0 until it serves nothing: one byte may stand for many
/// events. It may also become readable with nothing to serve (a wake-up). The descriptor
/// belongs to the producer and lives until kf_producer_destroy(): never close it. A runtime
/// that closes the descriptors it is given must be given a dup() of it. It becomes readable when the
/// client's queue goes from empty to not empty: events queued before the first call do not
/// make it readable, so call kf_producer_poll() with timeout 0 until it comes back empty once after
/// getting the descriptor. The same descriptor is
/// returned on every call.
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

/// Makes any blocking call of the producer return at once with KF_ERR__INTR (for Ctrl-C or
/// task cancellation): poll, flush, list_topics and init_transactions, commit_transaction and
/// abort_transaction (between two of librdkafka's resumable slices of at most 200 ms: call it
/// again to resume, or abort). send_offsets_to_transaction is not woken: its timeout bounds it
/// (librdkafka fails the transaction when it is given slices). With
/// no call blocked, the next one returns KF_ERR__INTR at once (the wake-up is never lost). A
/// woken list_topics goes on in librdkafka and its result is discarded when it arrives.
///
/// Async-signal-safe: it stores a flag and writes one byte to a pipe (no lock, no allocation),
/// so a SIGINT handler may call it; errno is preserved.
/// Errors: KF_ERR__INVALID_ARG (NULL producer). Blocks: no.
/// Thread safety: any thread, and signal handlers.
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
