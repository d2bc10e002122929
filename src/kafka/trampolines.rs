//! The functions librdkafka calls back (set on the client's conf in `Client::new`). Each runs
//! on the thread serving the queue (inside poll, consume, flush, close...), guarded so that no
//! panic unwinds into librdkafka's C frames, and hands the event to the application's closure.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::atomic::Ordering;

use rdkafka_sys as rd;

use super::client::ClientState;
use super::events::{OauthTokenRequest, ThrottleEvent};
use super::message::Message;
use super::serving::{guarded, guarded_here, thread_state, DeliveryReportGuard, ThreadState};
use super::topic_partition::PartitionList;
use crate::error::{errstr_text, KafkaError, ERR_FATAL};

/// Consumers: librdkafka calls this on one of its threads, with the main queue locked, when the
/// main queue gets an event while empty. It runs no application code: it flags the event and
/// wakes a consumer poll blocked on the consumer queue (another queue, so no lock is re-entered).
pub(super) unsafe extern "C" fn on_main_event(_rk: *mut rd::rd_kafka_t, opaque: *mut c_void) {
    // Never relayed: it may run on serve_while's helper thread with the main queue locked.
    guarded_here(|| {
        let Some(st) = state(opaque) else { return };
        st.main_pending.store(true, Ordering::Release);
        let q = st.consumer_queue.load(Ordering::Acquire);
        if !q.is_null() {
            rd::rd_kafka_queue_yield(q);
        }
    })
}

/// The client state behind librdkafka's opaque, or None while the client is being destroyed
/// (destroy runs no application callback).
pub(super) unsafe fn state<'a>(opaque: *mut c_void) -> Option<&'a ClientState> {
    (opaque as *const ClientState)
        .as_ref()
        .filter(|st| !st.destroying.load(Ordering::Acquire))
}

pub(super) unsafe extern "C" fn on_error(
    rk: *mut rd::rd_kafka_t,
    err: c_int,
    reason: *const c_char,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.error else {
            return;
        };
        let reason = if reason.is_null() {
            String::new()
        } else {
            CStr::from_ptr(reason).to_string_lossy().into_owned()
        };
        let e = if err == ERR_FATAL {
            // Report the original error that made the client fatal, flagged fatal, as the
            // Python client does.
            let mut buf = [0 as c_char; 512];
            let code = rd::rd_kafka_fatal_error(rk, buf.as_mut_ptr(), buf.len()) as i32;
            let mut e =
                KafkaError::from_code_msg(if code != 0 { code } else { err }, errstr_text(&buf));
            e.fatal = true;
            e
        } else {
            KafkaError::from_code_msg(err, reason)
        };
        cb(&e);
    })
}

pub(super) unsafe extern "C" fn on_throttle(
    _rk: *mut rd::rd_kafka_t,
    broker_name: *const c_char,
    broker_id: i32,
    throttle_time_ms: c_int,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.throttle else {
            return;
        };
        cb(&ThrottleEvent {
            broker_name,
            broker_id,
            throttle_time_ms,
        });
    })
}

pub(super) unsafe extern "C" fn on_stats(
    _rk: *mut rd::rd_kafka_t,
    json: *mut c_char,
    len: usize,
    opaque: *mut c_void,
) -> c_int {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.stats else {
            return;
        };
        // librdkafka's JSON is NUL-terminated right after its `len` bytes.
        let bytes = std::slice::from_raw_parts(json as *const u8, len + 1);
        if let Ok(text) = CStr::from_bytes_with_nul(bytes) {
            cb(text);
        }
    });
    0 // librdkafka frees the JSON
}

pub(super) unsafe extern "C" fn on_oauth_refresh(
    rk: *mut rd::rd_kafka_t,
    config: *const c_char,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.oauth else {
            return;
        };
        let mut req = OauthTokenRequest {
            rk,
            answered: false,
        };
        let config = (!config.is_null()).then(|| CStr::from_ptr(config));
        cb(config, &mut req);
        if !req.answered {
            let _ = req.fail("oauth_cb returned without setting a token or a failure");
        }
    })
}

pub(super) unsafe extern "C" fn on_log(
    rk: *const rd::rd_kafka_t,
    level: c_int,
    fac: *const c_char,
    buf: *const c_char,
) {
    guarded(|| {
        let Some(st) = state(rd::rd_kafka_opaque(rk)) else {
            return;
        };
        let Some(cb) = &st.callbacks.log else { return };
        cb(level, CStr::from_ptr(fac), CStr::from_ptr(buf));
    })
}

pub(super) unsafe extern "C" fn on_delivery(
    _rk: *mut rd::rd_kafka_t,
    msg: *const rd::rd_kafka_message_t,
    opaque: *mut c_void,
) {
    // The common case costs one thread-local access: not on serve_while's helper thread, so
    // the report is handled right here.
    let t = thread_state();
    if (*t).relay.get().is_null() {
        guarded_here(|| deliver(t, msg, opaque));
    } else {
        guarded(|| deliver(thread_state(), msg, opaque));
    }
}

/// The body of on_delivery, on the thread `t` (its thread_state()) that runs the callback.
unsafe fn deliver(t: *const ThreadState, msg: *const rd::rd_kafka_message_t, opaque: *mut c_void) {
    // Not state(): during destroy, reports still release zero-copy values.
    let Some(st) = (opaque as *const ClientState).as_ref() else {
        return;
    };
    let m = &*msg;
    if st.pull {
        // Pull mode: no callback; the report is queued for Producer::delivery_reports (also
        // while destroying: a purge's reports, dropped with the queue), and a zero-copy value is
        // given back once recorded.
        if let Some(r) = st.collect_report(msg) {
            (r.call)(r.ctx, m.payload as *mut u8);
        }
        return;
    }
    // No per-message slot unless the message has one (its own handler or a zero-copy value).
    let slot = if m._private.is_null() {
        None
    } else {
        st.take_delivery(m._private)
    };
    if st.destroying.load(Ordering::Acquire) {
        // Served by destroy after its purge, on the destroying thread: the handler will never
        // run, so its opaque is released instead.
        if let Some(s) = &slot {
            st.abandon(s);
        }
    } else {
        let own = slot.and_then(|s| s.handler);
        if own.is_some() || st.callbacks.delivery.is_some() {
            let code = m.err as i32;
            let err = (code != 0).then(|| KafkaError::from_code(code));
            let report = Message::from_ptr(msg).expect("librdkafka reports a message");
            let _report = DeliveryReportGuard::enter(t, msg);
            match (own, &st.callbacks.delivery) {
                (Some(h), _) => (h.call)(h.ctx, report, err.as_ref()),
                (None, Some(cb)) => cb(report, err.as_ref()),
                (None, None) => {}
            }
        }
    }
    // After the report: the callback may still read the value.
    if let Some(r) = slot.and_then(|s| s.release) {
        (r.call)(r.ctx, m.payload as *mut u8);
    }
}

pub(super) unsafe extern "C" fn on_commit(
    _rk: *mut rd::rd_kafka_t,
    err: rd::rd_kafka_resp_err_t,
    offsets: *mut rd::rd_kafka_topic_partition_list_t,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.commit else {
            return;
        };
        let code = err as i32;
        let e = (code != 0).then(|| KafkaError::from_code(code));
        cb(e.as_ref(), PartitionList::from_ptr(offsets));
    })
}

pub(super) unsafe extern "C" fn on_rebalance(
    rk: *mut rd::rd_kafka_t,
    err: rd::rd_kafka_resp_err_t,
    parts: *mut rd::rd_kafka_topic_partition_list_t,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        super::consumer::handle_rebalance(rk, st, err, parts);
    })
}
