//! Delivery reports by pull: kf_config_set_delivery_report_mode(), kf_producer_delivery_reports()
//! and kf_delivery_report_batch_t, the C view of `crate::kafka::delivery`.
use std::os::raw::{c_char, c_int, c_void};

use super::producer::producer;
use super::types::*;
use super::{call, handle_mut, new_handle, out_arg, value};
use crate::error::KafkaError;
use crate::kafka::delivery::{DeliveryReport, DeliveryReportBatch};

/// kf_config_set_delivery_report_mode(): delivery reports are handed to the delivery callbacks
/// (the config's on_delivery, or a message's own) inside poll and flush. The default.
pub const KF_DELIVERY_REPORT_MODE_CALLBACK: i32 = 0;
/// kf_config_set_delivery_report_mode(): no delivery callback runs; the application takes the
/// reports with kf_producer_delivery_reports().
pub const KF_DELIVERY_REPORT_MODE_PULL: i32 = 1;

/// One pulled delivery report (see kf_producer_delivery_reports()).
///
/// Returned by the library in an array: `size` is sizeof(kf_delivery_report_t) as the library
/// knows it, and is the array's stride. Fields are only ever appended: a reader compiled against
/// this header reads element i at `(const char *)reports + i * reports[0].size` (the same as
/// `reports[i]` while the sizes agree) and never reads past `size`.
///
/// Fields:
/// - `opaque`: the message's opaque (kf_produce_message_t's `opaque`, kf_packed_message_t's
///   `opaque`, or the `opaque` of kf_producer_produce()); NULL when none was given.
/// - `topic`: NUL-terminated, `topic_len` bytes; borrowed from the batch, valid until
///   kf_delivery_report_batch_destroy() (even after the producer is destroyed).
/// - `offset`: the message's offset, or KF_OFFSET_INVALID (-1001) when unknown (a failure, or
///   acks=0).
/// - `timestamp_ms`, `timestamp_type`: as kf_message_timestamp(): -1 and
///   KF_TIMESTAMP_NOT_AVAILABLE when there is none.
/// - `latency_us`: microseconds from produce to the report, -1 when unknown.
/// - `err`: 0 when delivered, else the error code (KF_ERR__MSG_TIMED_OUT, KF_ERR__PURGE_QUEUE,
///   a broker error...); kf_error_code_name() names it.
/// - `partition`: the partition it went to (or was meant for).
/// - `status`: KF_MESSAGE_STATUS_NOT_PERSISTED, KF_MESSAGE_STATUS_POSSIBLY_PERSISTED or
///   KF_MESSAGE_STATUS_PERSISTED (as kf_message_status()).
#[repr(C)]
pub struct kf_delivery_report_t {
    pub size: usize,
    pub opaque: *mut c_void,
    pub topic: *const c_char,
    pub topic_len: usize,
    pub offset: i64,
    pub timestamp_ms: i64,
    pub latency_us: i64,
    pub err: i32,
    pub partition: i32,
    pub timestamp_type: i32,
    pub status: i32,
}

// The C view of the domain's DeliveryReport: the same layout.
const _: () = {
    assert!(std::mem::size_of::<kf_delivery_report_t>() == std::mem::size_of::<DeliveryReport>());
    assert!(std::mem::align_of::<kf_delivery_report_t>() == std::mem::align_of::<DeliveryReport>());
};

/// A batch of pulled delivery reports, owned by the caller (from
/// kf_producer_delivery_reports()).
pub struct kf_delivery_report_batch_t {
    _opaque: [u8; 0],
}

unsafe impl super::types::Handle for kf_delivery_report_batch_t {
    type Target = DeliveryReportBatch;
}

/// Chooses how producers made from `config` hand over their delivery reports:
/// KF_DELIVERY_REPORT_MODE_CALLBACK (the default: delivery callbacks run inside poll and
/// flush) or KF_DELIVERY_REPORT_MODE_PULL (no delivery callback runs, not even the config's
/// on_delivery; the reports wait for kf_producer_delivery_reports(), which returns them in
/// batches, each with its message's opaque). In pull mode, kf_producer_poll() and
/// kf_producer_flush() still serve the other callbacks, and reports they meet are kept for the
/// next pull; zero-copy values are given back as soon as their report is recorded. Consumers
/// ignore the setting; kf_config_dup() copies it.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL config or an unknown mode.
/// Blocks: no.
/// Thread safety: one thread at a time per config.
#[no_mangle]
pub extern "C" fn kf_config_set_delivery_report_mode(
    config: *mut kf_config_t,
    mode: i32,
) -> *mut kf_error_t {
    const F: &str = "kf_config_set_delivery_report_mode";
    call(F, || {
        let c = handle_mut(config, F, "config")?;
        c.delivery_pull = match mode {
            KF_DELIVERY_REPORT_MODE_CALLBACK => false,
            KF_DELIVERY_REPORT_MODE_PULL => true,
            _ => {
                return Err(KafkaError::invalid_arg(format!(
                    "{F}: mode {mode} is not KF_DELIVERY_REPORT_MODE_CALLBACK (0) or \
                     KF_DELIVERY_REPORT_MODE_PULL (1)"
                )))
            }
        };
        Ok(())
    })
}

/// Takes up to `max` delivery reports of a producer in pull mode, oldest first, waiting up to
/// `timeout_ms` for the first (0: don't wait; -1: no limit). While it waits, it serves the
/// producer's other callbacks (error, stats, log, throttle...) on the calling thread, as
/// kf_producer_poll() does. No delivery callback runs.
///
/// `*batch_out` gets the batch, or NULL when no report came within the timeout (not an error).
/// Read it with kf_delivery_report_batch_reports(); kf_producer_event_fd() becomes readable when
/// reports are waiting.
/// Returns: `*batch_out`: caller owns; free with kf_delivery_report_batch_destroy().
/// Errors: KF_ERR__INVALID_ARG (NULL producer or batch_out); KF_ERR__STATE when the producer is
/// not in pull mode (kf_config_set_delivery_report_mode()) or when called from inside one of
/// its callbacks; KF_ERR__INTR when woken by kf_producer_wake() (no report is lost: they wait
/// for the next call).
/// Blocks: up to `timeout_ms`; kf_producer_wake() ends the wait with KF_ERR__INTR.
/// Thread safety: any thread; several threads may pull at once (each report goes to one of
/// them). Callbacks run on the calling thread.
#[no_mangle]
pub extern "C" fn kf_producer_delivery_reports(
    producer: *mut kf_producer_t,
    max: usize,
    timeout_ms: c_int,
    batch_out: *mut *mut kf_delivery_report_batch_t,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_delivery_reports";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let out = out_arg(batch_out, F, "batch_out")?;
        *out = match p
            .delivery_reports(max, timeout_ms)
            .map_err(super::in_fn(F))?
        {
            Some(b) => new_handle(Box::new(b)),
            None => std::ptr::null_mut(),
        };
        Ok(())
    })
}

/// The reports of `batch` as an array of `*count_out` elements (see kf_delivery_report_t for
/// the stride). NULL with `*count_out` 0 when `batch` is NULL. `count_out` may be NULL.
///
/// Returns: borrowed; valid until kf_delivery_report_batch_destroy(batch).
/// Blocks: no.
/// Thread safety: any thread; a batch is read-only.
/// Nullable: `batch`, `count_out`.
#[no_mangle]
pub extern "C" fn kf_delivery_report_batch_reports(
    batch: *const kf_delivery_report_batch_t,
    count_out: *mut usize,
) -> *const kf_delivery_report_t {
    value(std::ptr::null(), || {
        let reports = super::opt(batch).map_or(&[][..], DeliveryReportBatch::reports);
        if !count_out.is_null() {
            unsafe { *count_out = reports.len() };
        }
        if reports.is_empty() {
            std::ptr::null()
        } else {
            reports.as_ptr() as *const kf_delivery_report_t
        }
    })
}

/// Frees a batch of delivery reports and the topic names its reports point at. NULL is a no-op.
///
/// Blocks: no.
/// Thread safety: any thread; no other call on the batch may run concurrently or follow.
#[no_mangle]
pub extern "C" fn kf_delivery_report_batch_destroy(batch: *mut kf_delivery_report_batch_t) {
    value((), || unsafe { super::free_handle(batch) })
}
