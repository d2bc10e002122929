//! Messages and their headers: librdkafka's own `rd_kafka_message_t` and `rd_kafka_headers_t`,
//! seen in place (no copy) through `#[repr(transparent)]` views, so a message handed over by
//! poll or a delivery report is read with no allocation.
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};

use rdkafka_sys as rd;

use super::serving::is_delivery_report;
use crate::error::{check, KResult, KafkaError};

/// A message: consumed (owned by whoever polled it, freed with [`Message::destroy`]) or a
/// delivery report (borrowed for the callback).
#[repr(transparent)]
pub struct Message(rd::rd_kafka_message_t);

// A message is immutable once librdkafka hands it over; its accessors only read it.
unsafe impl Send for Message {}
unsafe impl Sync for Message {}

impl Message {
    /// The message at `p`, borrowed.
    ///
    /// # Safety
    /// `p` is NULL or a live librdkafka message that outlives `'a`.
    #[inline]
    pub unsafe fn from_ptr<'a>(p: *const rd::rd_kafka_message_t) -> Option<&'a Message> {
        (p as *const Message).as_ref()
    }

    #[inline]
    pub fn as_ptr(&self) -> *const rd::rd_kafka_message_t {
        &self.0
    }

    /// Frees a message returned by poll or consume.
    ///
    /// # Safety
    /// `m` is NULL or a message the caller owns, not used afterwards.
    pub unsafe fn destroy(m: *mut Message) {
        if !m.is_null() {
            rd::rd_kafka_message_destroy(m as *mut rd::rd_kafka_message_t)
        }
    }

    /// The topic name (NUL-terminated, as long as the message lives); None for some error events.
    pub fn topic_ptr(&self) -> *const c_char {
        if self.0.rkt.is_null() {
            std::ptr::null()
        } else {
            unsafe { rd::rd_kafka_topic_name(self.0.rkt) }
        }
    }

    #[inline]
    pub fn partition(&self) -> i32 {
        self.0.partition
    }

    #[inline]
    pub fn offset(&self) -> i64 {
        self.0.offset
    }

    /// The key as (pointer, length): a NULL pointer for a null key.
    #[inline]
    pub fn key_raw(&self) -> (*const u8, usize) {
        (self.0.key as *const u8, self.0.key_len)
    }

    /// The value as (pointer, length): a NULL pointer for a null value (a tombstone).
    #[inline]
    pub fn value_raw(&self) -> (*const u8, usize) {
        (self.0.payload as *const u8, self.0.len)
    }

    pub fn key(&self) -> Option<&[u8]> {
        bytes(self.key_raw())
    }

    pub fn value(&self) -> Option<&[u8]> {
        bytes(self.value_raw())
    }

    /// The value's length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// (timestamp in ms, its type: 0 not available, 1 create time, 2 log-append time).
    pub fn timestamp(&self) -> (i64, i32) {
        let mut t = rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        let ts = unsafe { rd::rd_kafka_message_timestamp(&self.0, &mut t) };
        (ts, t as i32)
    }

    /// Microseconds from produce to acknowledgement, for a delivery report inside its callback;
    /// -1 otherwise (librdkafka's latency field is producer-only: in a consumed message it
    /// overlaps unrelated data).
    pub fn latency(&self) -> i64 {
        if is_delivery_report(&self.0) {
            unsafe { rd::rd_kafka_message_latency(&self.0) }
        } else {
            -1
        }
    }

    /// For a delivery report inside its callback, librdkafka's persistence status (0 not
    /// persisted, 1 possibly persisted, 2 persisted); 2 for a consumed message (read from the
    /// log; librdkafka's field is producer-only).
    pub fn status(&self) -> i32 {
        if is_delivery_report(&self.0) {
            unsafe { rd::rd_kafka_message_status(&self.0) as i32 }
        } else {
            rd::rd_kafka_msg_status_t::RD_KAFKA_MSG_STATUS_PERSISTED as i32
        }
    }

    pub fn leader_epoch(&self) -> i32 {
        unsafe { rd::rd_kafka_message_leader_epoch(&self.0) }
    }

    /// The message's headers, read-only, living as long as the message; None without headers.
    pub fn headers(&self) -> Option<&Headers> {
        let mut h: *mut rd::rd_kafka_headers_t = std::ptr::null_mut();
        let err = unsafe { rd::rd_kafka_message_headers(&self.0, &mut h) };
        if err as i32 != 0 {
            return None;
        }
        unsafe { Headers::from_ptr(h) }
    }

    #[inline]
    pub fn error_code(&self) -> i32 {
        self.0.err as i32
    }

    /// The message's error with librdkafka's text, None for a normal message.
    pub fn error(&self) -> Option<KafkaError> {
        let code = self.error_code();
        if code == 0 {
            return None;
        }
        let text = unsafe { CStr::from_ptr(rd::rd_kafka_message_errstr(&self.0)) }
            .to_string_lossy()
            .into_owned();
        Some(KafkaError::from_code_msg(code, text))
    }
}

/// Every field of a message, read at once (a binding's one call per message). The pointers
/// borrow from the message and live as long as it.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    /// NULL for some error events.
    pub topic: *const c_char,
    pub partition: i32,
    pub offset: i64,
    /// A NULL pointer for a null key.
    pub key: (*const u8, usize),
    /// A NULL pointer for a null value; an error event's text for an error event.
    pub value: (*const u8, usize),
    /// -1 when not available.
    pub timestamp: i64,
    /// 0 not available, 1 create time, 2 log-append time.
    pub timestamp_type: i32,
    pub error_code: i32,
    /// -1 when unknown.
    pub leader_epoch: i32,
    /// Microseconds from produce to acknowledgement for a delivery report inside its callback;
    /// -1 otherwise.
    pub latency_us: i64,
    /// librdkafka's persistence status: 0 not persisted, 1 possibly persisted, 2 persisted.
    pub status: i32,
    pub headers: Option<&'a Headers>,
}

impl Message {
    /// Every field at once. `may_be_report`: false when the message is known to be a consumed
    /// one (its latency is then -1 without looking up the current delivery report).
    #[inline]
    pub fn fields(&self, may_be_report: bool) -> Fields<'_> {
        let m = &self.0;
        let mut t = rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        // SAFETY: `m` is a live librdkafka message; these functions only read it.
        unsafe {
            Fields {
                topic: self.topic_ptr(),
                partition: m.partition,
                offset: m.offset,
                key: (m.key as *const u8, m.key_len),
                value: (m.payload as *const u8, m.len),
                timestamp: rd::rd_kafka_message_timestamp(m, &mut t),
                timestamp_type: t as i32,
                error_code: m.err as i32,
                leader_epoch: rd::rd_kafka_message_leader_epoch(m),
                latency_us: if may_be_report && is_delivery_report(m) {
                    rd::rd_kafka_message_latency(m)
                } else {
                    -1
                },
                status: rd::rd_kafka_message_status(m) as i32,
                headers: self.headers(),
            }
        }
    }
}

/// One header as raw parts: name (NUL-terminated), value pointer (NULL for a null value) and
/// value length; borrowed from its list.
pub type RawHeader = (*const c_char, *const u8, usize);

impl Headers {
    /// Calls `f` with each header in order, as raw parts, with no allocation; returns how many
    /// there are.
    #[inline]
    pub fn for_each_raw(&self, mut f: impl FnMut(RawHeader)) -> usize {
        let n = self.count();
        for i in 0..n {
            let (mut name, mut v, mut len) = (std::ptr::null(), std::ptr::null(), 0usize);
            // i < count: librdkafka's int narrowing cannot wrap.
            let err =
                unsafe { rd::rd_kafka_header_get_all(&self.0, i, &mut name, &mut v, &mut len) };
            if err as i32 == 0 {
                f((name, v as *const u8, len));
            }
        }
        n
    }
}

fn bytes<'a>((p, n): (*const u8, usize)) -> Option<&'a [u8]> {
    if p.is_null() {
        None
    } else {
        Some(unsafe { std::slice::from_raw_parts(p, n) })
    }
}

/// One header, borrowed from its list: name, and value (None for a null value).
pub struct Header<'a> {
    pub name: &'a CStr,
    pub value: Option<&'a [u8]>,
}

/// An ordered list of headers; names may repeat and values may be null.
#[repr(transparent)]
pub struct Headers(rd::rd_kafka_headers_t);

impl Headers {
    /// # Safety
    /// `p` is NULL or a live headers list that outlives `'a`.
    #[inline]
    pub unsafe fn from_ptr<'a>(p: *const rd::rd_kafka_headers_t) -> Option<&'a Headers> {
        (p as *const Headers).as_ref()
    }

    #[inline]
    pub fn as_ptr(&self) -> *const rd::rd_kafka_headers_t {
        &self.0
    }

    /// A new, empty list the caller owns (freed with [`Headers::destroy`]). `capacity` is a hint,
    /// clamped so that no value can exhaust memory.
    pub fn new_raw(capacity: usize) -> *mut Headers {
        unsafe { rd::rd_kafka_headers_new(capacity.clamp(1, 1024)) as *mut Headers }
    }

    /// # Safety
    /// `h` is NULL or a list from new_raw the caller owns, not used afterwards.
    pub unsafe fn destroy(h: *mut Headers) {
        if !h.is_null() {
            rd::rd_kafka_headers_destroy(h as *mut rd::rd_kafka_headers_t)
        }
    }

    /// Appends a header (copied); `value` None is a null value.
    pub fn add(&mut self, name: &str, value: Option<&[u8]>) -> KResult<()> {
        let (vp, vl) = value.map_or((std::ptr::null(), 0), |v| {
            (v.as_ptr() as *const c_void, v.len() as isize)
        });
        check(unsafe {
            rd::rd_kafka_header_add(
                &mut self.0,
                name.as_ptr() as *const c_char,
                name.len() as isize,
                vp,
                vl,
            )
        })
    }

    pub fn count(&self) -> usize {
        unsafe { rd::rd_kafka_header_cnt(&self.0) }
    }

    /// The header at `index`, or _NOENT.
    pub fn get(&self, index: usize) -> KResult<Header<'_>> {
        let (mut n, mut v, mut s) = (std::ptr::null(), std::ptr::null(), 0usize);
        // librdkafka narrows the index to int: check the range here, or an index above INT_MAX
        // would wrap to a negative one and read outside the list.
        let err = if index < self.count() {
            unsafe { rd::rd_kafka_header_get_all(&self.0, index, &mut n, &mut v, &mut s) }
        } else {
            rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__NOENT
        };
        if err as i32 != 0 {
            return Err(KafkaError::from_code_msg(
                err as i32,
                format!("no header at index {index}"),
            ));
        }
        Ok(Header {
            name: unsafe { CStr::from_ptr(n) },
            value: bytes((v as *const u8, s)),
        })
    }

    /// The value of the last header named `name` (None for a null value), or _NOENT.
    pub fn get_last(&self, name: &str) -> KResult<Option<&[u8]>> {
        let cname = CString::new(name).map_err(|_| {
            KafkaError::invalid_arg(format!("header name \"{name}\" contains a NUL byte"))
        })?;
        let (mut v, mut s) = (std::ptr::null(), 0usize);
        let err = unsafe { rd::rd_kafka_header_get_last(&self.0, cname.as_ptr(), &mut v, &mut s) };
        if err as i32 != 0 {
            return Err(KafkaError::from_code_msg(
                err as i32,
                format!("no header named \"{name}\""),
            ));
        }
        Ok(bytes((v as *const u8, s)))
    }

    /// A copy the caller owns (freed by whoever it is handed to, e.g. produce).
    pub fn copy_raw(&self) -> *mut rd::rd_kafka_headers_t {
        unsafe { rd::rd_kafka_headers_copy(&self.0) }
    }
}
