//! kf_message_t and kf_headers_t. A message is librdkafka's own `rd_kafka_message_t`, seen
//! through the ABI with no copy; its headers likewise.
//!
//! Thread safety of the accessors: any thread, as long as the message is not destroyed
//! concurrently. Borrowed pointers live until the message (or headers list) is destroyed; for a
//! message handed to a callback, until the callback returns.
use std::os::raw::{c_char, c_int, c_void};

use rdkafka_sys as rd;

use super::types::*;
use super::{arg, arg_bytes, arg_str, call, value};
use crate::error::KafkaError;

fn msg<'a>(m: *const kf_message_t) -> Option<&'a rd::rd_kafka_message_t> {
    unsafe { (m as *const rd::rd_kafka_message_t).as_ref() }
}

/// Frees a message returned by kf_consumer_poll() or kf_consumer_consume(). NULL is a no-op.
/// Never pass a message that was handed to a callback (those are borrowed).
#[no_mangle]
pub extern "C" fn kf_message_destroy(msg: *mut kf_message_t) {
    value((), || {
        if !msg.is_null() {
            unsafe { rd::rd_kafka_message_destroy(msg as *mut rd::rd_kafka_message_t) }
        }
    })
}

/// The message's topic name. Returns: borrowed, valid as long as the message (for a message
/// handed to a callback, until the callback returns); NULL when `msg` is NULL or the message
/// has no topic (some error events).
#[no_mangle]
pub extern "C" fn kf_message_topic(msg: *const kf_message_t) -> *const c_char {
    value(std::ptr::null(), || match self::msg(msg) {
        Some(m) if !m.rkt.is_null() => unsafe { rd::rd_kafka_topic_name(m.rkt) },
        _ => std::ptr::null(),
    })
}

/// The message's partition; KF_PARTITION_UA (-1) when `msg` is NULL.
#[no_mangle]
pub extern "C" fn kf_message_partition(msg: *const kf_message_t) -> i32 {
    value(-1, || self::msg(msg).map_or(-1, |m| m.partition))
}

/// The message's offset (for a delivery report, the offset it was written at, or
/// KF_OFFSET_INVALID). KF_OFFSET_INVALID when `msg` is NULL.
#[no_mangle]
pub extern "C" fn kf_message_offset(msg: *const kf_message_t) -> i64 {
    value(-1001, || self::msg(msg).map_or(-1001, |m| m.offset))
}

/// The key: a borrowed pointer and its length in `*len_out` (may be NULL). Returns NULL for a
/// null key (then `*len_out` is 0); an empty key is a non-NULL pointer with length 0.
#[no_mangle]
pub extern "C" fn kf_message_key(msg: *const kf_message_t, len_out: *mut usize) -> *const u8 {
    value(std::ptr::null(), || {
        let (p, n) = self::msg(msg).map_or((std::ptr::null_mut(), 0), |m| (m.key, m.key_len));
        if !len_out.is_null() {
            unsafe { *len_out = n };
        }
        p as *const u8
    })
}

/// The value (payload): a borrowed pointer and its length in `*len_out` (may be NULL). NULL for
/// a null value (a tombstone); an empty value is non-NULL with length 0. For a consumer error
/// event the value holds the error text.
#[no_mangle]
pub extern "C" fn kf_message_value(msg: *const kf_message_t, len_out: *mut usize) -> *const u8 {
    value(std::ptr::null(), || {
        let (p, n) = self::msg(msg).map_or((std::ptr::null_mut(), 0), |m| (m.payload, m.len));
        if !len_out.is_null() {
            unsafe { *len_out = n };
        }
        p as *const u8
    })
}

/// The value's length in bytes (Python's len(msg)); 0 when `msg` is NULL.
#[no_mangle]
pub extern "C" fn kf_message_len(msg: *const kf_message_t) -> usize {
    value(0, || self::msg(msg).map_or(0, |m| m.len))
}

/// The timestamp in milliseconds since the epoch, and its type in `*type_out` (may be NULL):
/// KF_TIMESTAMP_NOT_AVAILABLE, KF_TIMESTAMP_CREATE_TIME or KF_TIMESTAMP_LOG_APPEND_TIME.
/// Returns -1 when not available.
#[no_mangle]
pub extern "C" fn kf_message_timestamp(msg: *const kf_message_t, type_out: *mut c_int) -> i64 {
    value(-1, || {
        let mut t = rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        let ts = match self::msg(msg) {
            Some(m) => unsafe { rd::rd_kafka_message_timestamp(m, &mut t) },
            None => -1,
        };
        if !type_out.is_null() {
            unsafe { *type_out = t as c_int };
        }
        ts
    })
}

/// For a delivery report, inside its delivery callback: microseconds from produce to
/// acknowledgement. -1 otherwise (a consumed message, or `msg` NULL).
#[no_mangle]
pub extern "C" fn kf_message_latency(msg: *const kf_message_t) -> i64 {
    value(-1, || match self::msg(msg) {
        Some(m) if crate::kafka::client::is_delivery_report(m) => unsafe {
            rd::rd_kafka_message_latency(m)
        },
        _ => -1,
    })
}

/// The partition leader epoch of the message, or -1 when unknown.
#[no_mangle]
pub extern "C" fn kf_message_leader_epoch(msg: *const kf_message_t) -> i32 {
    value(-1, || {
        self::msg(msg).map_or(-1, |m| unsafe { rd::rd_kafka_message_leader_epoch(m) })
    })
}

/// The message's headers, or NULL when it has none. Returns: borrowed, read-only, valid as long
/// as the message.
#[no_mangle]
pub extern "C" fn kf_message_headers(msg: *const kf_message_t) -> *const kf_headers_t {
    value(std::ptr::null(), || {
        let Some(m) = self::msg(msg) else {
            return std::ptr::null();
        };
        let mut h: *mut rd::rd_kafka_headers_t = std::ptr::null_mut();
        let err = unsafe { rd::rd_kafka_message_headers(m, &mut h) };
        if err as i32 != 0 {
            return std::ptr::null();
        }
        h as *const kf_headers_t
    })
}

/// The message's error code: 0 for a normal message, KF_ERR__PARTITION_EOF at the end of a
/// partition (enable.partition.eof), or a consumer or delivery error. 0 when `msg` is NULL.
#[no_mangle]
pub extern "C" fn kf_message_error_code(msg: *const kf_message_t) -> i32 {
    value(0, || self::msg(msg).map_or(0, |m| m.err as i32))
}

/// The message's error as an error object, or NULL when the message carries none or `msg` is
/// NULL.
///
/// Returns: caller owns; free with kf_error_destroy().
#[no_mangle]
pub extern "C" fn kf_message_error(msg: *const kf_message_t) -> *mut kf_error_t {
    value(std::ptr::null_mut(), || {
        let Some(m) = self::msg(msg) else {
            return std::ptr::null_mut();
        };
        let code = m.err as i32;
        if code == 0 {
            return std::ptr::null_mut();
        }
        let text = unsafe { std::ffi::CStr::from_ptr(rd::rd_kafka_message_errstr(m)) }
            .to_string_lossy()
            .into_owned();
        super::error_out(KafkaError::from_code_msg(code, text))
    })
}

// ---- headers ----

/// A new, empty headers list for kf_producer_produce() (which copies it). `initial_capacity`
/// is a hint (at most 1024 are reserved; the list grows as needed), so no value can exhaust
/// memory.
///
/// Returns: caller owns; free with kf_headers_destroy(). Thread safety: one thread at a time.
#[no_mangle]
pub extern "C" fn kf_headers_new(initial_capacity: usize) -> *mut kf_headers_t {
    value(std::ptr::null_mut(), || unsafe {
        rd::rd_kafka_headers_new(initial_capacity.clamp(1, 1024)) as *mut kf_headers_t
    })
}

/// Frees a headers list created with kf_headers_new(). NULL is a no-op. Never pass the headers
/// of a message (they are borrowed).
#[no_mangle]
pub extern "C" fn kf_headers_destroy(headers: *mut kf_headers_t) {
    value((), || {
        if !headers.is_null() {
            unsafe { rd::rd_kafka_headers_destroy(headers as *mut rd::rd_kafka_headers_t) }
        }
    })
}

/// Appends a header. Names may repeat; order is kept. `value` NULL (with `value_len` 0) adds a
/// null value, distinct from an empty one. The name and value are copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL headers or name, a non-UTF-8 name, or NULL value with a
/// non-zero length.
#[no_mangle]
pub extern "C" fn kf_headers_add(
    headers: *mut kf_headers_t,
    name: *const c_char,
    value: *const u8,
    value_len: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_add";
    call(F, || unsafe {
        arg(headers, F, "headers")?;
        let n = arg_str(name, F, "name")?;
        let v = arg_bytes(value, value_len, F, "value")?;
        let (vp, vl) = v.map_or((std::ptr::null(), 0), |v| {
            (v.as_ptr() as *const c_void, v.len() as isize)
        });
        crate::error::check(rd::rd_kafka_header_add(
            headers as *mut rd::rd_kafka_headers_t,
            n.as_ptr() as *const c_char,
            n.len() as isize,
            vp,
            vl,
        ))
    })
}

/// The number of headers; 0 when `headers` is NULL.
#[no_mangle]
pub extern "C" fn kf_headers_count(headers: *const kf_headers_t) -> usize {
    value(0, || {
        if headers.is_null() {
            0
        } else {
            unsafe { rd::rd_kafka_header_cnt(headers as *const rd::rd_kafka_headers_t) }
        }
    })
}

fn header_out(
    name: *const c_char,
    val: *const c_void,
    size: usize,
    name_out: *mut *const c_char,
    value_out: *mut *const u8,
    len_out: *mut usize,
) {
    unsafe {
        if !name_out.is_null() {
            *name_out = name;
        }
        if !value_out.is_null() {
            *value_out = val as *const u8;
        }
        if !len_out.is_null() {
            *len_out = size;
        }
    }
}

/// The header at `index` (0-based, in order): its name, value (NULL for a null value) and value
/// length, each written when its `_out` pointer is not NULL. Borrowed, valid as long as the list.
///
/// Errors: KF_ERR__INVALID_ARG for NULL headers; KF_ERR__NOENT when `index` is out of range.
#[no_mangle]
pub extern "C" fn kf_headers_get(
    headers: *const kf_headers_t,
    index: usize,
    name_out: *mut *const c_char,
    value_out: *mut *const u8,
    len_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_get";
    call(F, || unsafe {
        arg(headers, F, "headers")?;
        let hdrs = headers as *const rd::rd_kafka_headers_t;
        let (mut n, mut v, mut s) = (std::ptr::null(), std::ptr::null(), 0usize);
        // librdkafka narrows the index to int: check the range here, or an index above
        // INT_MAX would wrap to a negative one and read outside the list.
        let err = if index < rd::rd_kafka_header_cnt(hdrs) {
            rd::rd_kafka_header_get_all(hdrs, index, &mut n, &mut v, &mut s)
        } else {
            rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__NOENT
        };
        if err as i32 != 0 {
            return Err(KafkaError::from_code_msg(
                err as i32,
                format!("{F}: no header at index {index}"),
            ));
        }
        header_out(n, v, s, name_out, value_out, len_out);
        Ok(())
    })
}

/// The last header named `name`: its value (NULL for a null value) and length, each written when
/// its `_out` pointer is not NULL. Borrowed.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL headers or name; KF_ERR__NOENT when there is no such
/// header.
#[no_mangle]
pub extern "C" fn kf_headers_get_last(
    headers: *const kf_headers_t,
    name: *const c_char,
    value_out: *mut *const u8,
    len_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_get_last";
    call(F, || unsafe {
        arg(headers, F, "headers")?;
        let n = arg_str(name, F, "name")?;
        let cname = crate::kafka::config::cstring_arg("name", n)?;
        let (mut v, mut s) = (std::ptr::null(), 0usize);
        let err = rd::rd_kafka_header_get_last(
            headers as *const rd::rd_kafka_headers_t,
            cname.as_ptr(),
            &mut v,
            &mut s,
        );
        if err as i32 != 0 {
            return Err(KafkaError::from_code_msg(
                err as i32,
                format!("{F}: no header named \"{n}\""),
            ));
        }
        header_out(
            std::ptr::null(),
            v,
            s,
            std::ptr::null_mut(),
            value_out,
            len_out,
        );
        Ok(())
    })
}

/// The message has no timestamp.
pub const KF_TIMESTAMP_NOT_AVAILABLE: i32 = 0;
/// The timestamp was set by the producer (or its application).
pub const KF_TIMESTAMP_CREATE_TIME: i32 = 1;
/// The timestamp was set by the broker when it appended the message.
pub const KF_TIMESTAMP_LOG_APPEND_TIME: i32 = 2;
