//! kf_message_t: the C view of `crate::kafka::message::Message` (librdkafka's own message, seen
//! in place with no copy). Its headers are kf_headers_t (headers.rs).
//!
//! Thread safety of the accessors: any thread, as long as the message is not destroyed
//! concurrently. Borrowed pointers live until the message (or headers list) is destroyed; for a
//! message handed to a callback, until the callback returns.
use std::os::raw::{c_char, c_int};

use super::types::*;
use super::{opt, value};
use crate::kafka::message::{Headers, Message};

fn msg<'a>(m: *const kf_message_t) -> Option<&'a Message> {
    opt(m)
}

/// Frees a message returned by kf_consumer_poll() or kf_consumer_consume(). NULL is a no-op.
/// Never pass a message that was handed to a callback (those are borrowed).
/// Thread safety: once, with no other call on the message running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_destroy(msg: *mut kf_message_t) {
    value((), || unsafe { Message::destroy(msg as *mut Message) })
}

/// The message's topic name. Returns: borrowed, valid as long as the message (for a message
/// handed to a callback, until the callback returns); NULL when `msg` is NULL or the message
/// has no topic (some error events).
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_topic(msg: *const kf_message_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::msg(msg).map_or(std::ptr::null(), Message::topic_ptr)
    })
}

/// The message's partition; KF_PARTITION_UA (-1) when `msg` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_partition(msg: *const kf_message_t) -> i32 {
    value(-1, || self::msg(msg).map_or(-1, Message::partition))
}

/// The message's offset (for a delivery report, the offset it was written at, or
/// KF_OFFSET_INVALID). KF_OFFSET_INVALID when `msg` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_offset(msg: *const kf_message_t) -> i64 {
    value(-1001, || self::msg(msg).map_or(-1001, Message::offset))
}

/// Writes `n` to `len_out` when it is not NULL and returns `p`.
fn bytes_out(p: *const u8, n: usize, len_out: *mut usize) -> *const u8 {
    if !len_out.is_null() {
        unsafe { *len_out = n };
    }
    p
}

/// The key: a borrowed pointer and its length in `*len_out` (may be NULL). Returns NULL for a
/// null key (then `*len_out` is 0); an empty key is a non-NULL pointer with length 0.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
/// Nullable: `len_out`.
#[no_mangle]
pub extern "C" fn kf_message_key(msg: *const kf_message_t, len_out: *mut usize) -> *const u8 {
    value(std::ptr::null(), || {
        let (p, n) = self::msg(msg).map_or((std::ptr::null(), 0), Message::key_raw);
        bytes_out(p, n, len_out)
    })
}

/// The value (payload): a borrowed pointer and its length in `*len_out` (may be NULL). NULL for
/// a null value (a tombstone); an empty value is non-NULL with length 0. For a consumer error
/// event the value holds the error text.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
/// Nullable: `len_out`.
#[no_mangle]
pub extern "C" fn kf_message_value(msg: *const kf_message_t, len_out: *mut usize) -> *const u8 {
    value(std::ptr::null(), || {
        let (p, n) = self::msg(msg).map_or((std::ptr::null(), 0), Message::value_raw);
        bytes_out(p, n, len_out)
    })
}

/// The value's length in bytes (Python's len(msg)); 0 when `msg` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_len(msg: *const kf_message_t) -> usize {
    value(0, || self::msg(msg).map_or(0, Message::len))
}

/// The timestamp in milliseconds since the epoch, and its type in `*type_out` (may be NULL):
/// KF_TIMESTAMP_NOT_AVAILABLE, KF_TIMESTAMP_CREATE_TIME or KF_TIMESTAMP_LOG_APPEND_TIME.
/// Returns -1 when not available.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
/// Nullable: `type_out`.
#[no_mangle]
pub extern "C" fn kf_message_timestamp(msg: *const kf_message_t, type_out: *mut c_int) -> i64 {
    value(-1, || {
        let (ts, t) = self::msg(msg).map_or((-1, KF_TIMESTAMP_NOT_AVAILABLE), Message::timestamp);
        if !type_out.is_null() {
            unsafe { *type_out = t as c_int };
        }
        ts
    })
}

/// For a delivery report, inside its delivery callback: microseconds from produce to
/// acknowledgement. -1 otherwise (a consumed message, or `msg` NULL).
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_latency(msg: *const kf_message_t) -> i64 {
    value(-1, || self::msg(msg).map_or(-1, Message::latency))
}

/// The partition leader epoch of the message, or -1 when unknown.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_leader_epoch(msg: *const kf_message_t) -> i32 {
    value(-1, || self::msg(msg).map_or(-1, Message::leader_epoch))
}

/// The message's headers, or NULL when it has none. Returns: borrowed, read-only, valid as long
/// as the message.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_headers(msg: *const kf_message_t) -> *const kf_headers_t {
    value(std::ptr::null(), || {
        self::msg(msg)
            .and_then(Message::headers)
            .map_or(std::ptr::null(), |h| {
                h as *const Headers as *const kf_headers_t
            })
    })
}

/// The message's error code: 0 for a normal message, KF_ERR__PARTITION_EOF at the end of a
/// partition (enable.partition.eof), or a consumer or delivery error. 0 when `msg` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_error_code(msg: *const kf_message_t) -> i32 {
    value(0, || self::msg(msg).map_or(0, Message::error_code))
}

/// The message's error as an error object, or NULL when the message carries none or `msg` is
/// NULL.
///
/// Returns: caller owns; free with kf_error_destroy().
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_message_error(msg: *const kf_message_t) -> *mut kf_error_t {
    value(std::ptr::null_mut(), || {
        self::msg(msg)
            .and_then(Message::error)
            .map_or(std::ptr::null_mut(), super::error_out)
    })
}

/// The persistence status of a delivery report (librdkafka's rd_kafka_message_status):
/// KF_MESSAGE_STATUS_NOT_PERSISTED, KF_MESSAGE_STATUS_POSSIBLY_PERSISTED or KF_MESSAGE_STATUS_PERSISTED.
/// For a delivery report, read it inside its delivery callback (a pulled report carries it in
/// kf_delivery_report_t's `status`). A consumed message was read from the log:
/// KF_MESSAGE_STATUS_PERSISTED. -1 when `msg` is NULL.
///
/// Blocks: no.
/// Thread safety: any thread while the message lives.
#[no_mangle]
pub extern "C" fn kf_message_status(msg: *const kf_message_t) -> i32 {
    value(-1, || self::msg(msg).map_or(-1, Message::status))
}

/// The message has no timestamp.
pub const KF_TIMESTAMP_NOT_AVAILABLE: i32 = 0;
/// The timestamp was set by the producer (or its application).
pub const KF_TIMESTAMP_CREATE_TIME: i32 = 1;
/// The timestamp was set by the broker when it appended the message.
pub const KF_TIMESTAMP_LOG_APPEND_TIME: i32 = 2;
