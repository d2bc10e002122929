//! Delivery reports by pull, and the header forms a produce call takes in place of a headers
//! list.
//!
//! A producer in pull mode runs no delivery callback. Its delivery reports are collected, as
//! librdkafka hands them over (inside any call that serves the producer's main queue: pulling
//! them, poll, flush), into a queue of plain records that the application takes in batches
//! (`Producer::delivery_reports`). A record carries the message's opaque, outcome, position,
//! persistence status and latency, and its topic's name, interned once per topic for the life
//! of the producer and shared (`Arc`) with every batch that points at it.
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::Arc;

use rdkafka_sys as rd;

use crate::error::{KResult, KafkaError};

/// One delivery report, as the application reads it (the C view is the same layout).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DeliveryReport {
    /// The size of this record, for readers compiled against an older layout.
    pub size: usize,
    pub opaque: *mut c_void,
    /// NUL-terminated; lives as long as the batch holding the report.
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

unsafe impl Send for DeliveryReport {}

/// Reports taken from a pull-mode producer: owned by the application until dropped. The topic
/// names the reports point at stay alive with it, even after the producer is gone.
pub struct DeliveryReportBatch {
    reports: Vec<DeliveryReport>,
    _topics: Arc<Vec<Arc<CStr>>>,
}

unsafe impl Send for DeliveryReportBatch {}
unsafe impl Sync for DeliveryReportBatch {}

impl DeliveryReportBatch {
    pub fn reports(&self) -> &[DeliveryReport] {
        &self.reports
    }
}

/// The reports of a pull-mode producer not yet taken, with the interned topic names.
#[derive(Default)]
pub(super) struct PullQueue {
    reports: Vec<DeliveryReport>,
    /// Copy-on-write: a new topic makes a new list (the names themselves never move), so a
    /// batch holds the version it was taken with.
    topics: Arc<Vec<Arc<CStr>>>,
    /// (rkt, index in topics) of the last topic seen.
    last: Option<(usize, usize)>,
}

impl PullQueue {
    pub(super) fn len(&self) -> usize {
        self.reports.len()
    }

    /// Records the report `m` (a delivery report inside dr_msg_cb) with `opaque`. Returns true
    /// when the queue was empty before.
    ///
    /// # Safety
    /// `m` is a live delivery report.
    pub(super) unsafe fn push(&mut self, m: *const rd::rd_kafka_message_t, opaque: usize) -> bool {
        let msg = &*m;
        let (topic, topic_len) = self.intern(msg.rkt);
        let mut tstype = rd::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        let ts = rd::rd_kafka_message_timestamp(m, &mut tstype);
        let was_empty = self.reports.is_empty();
        self.reports.push(DeliveryReport {
            size: std::mem::size_of::<DeliveryReport>(),
            opaque: opaque as *mut c_void,
            topic,
            topic_len,
            offset: msg.offset,
            timestamp_ms: ts,
            latency_us: rd::rd_kafka_message_latency(m),
            err: msg.err as i32,
            partition: msg.partition,
            timestamp_type: tstype as i32,
            status: rd::rd_kafka_message_status(m) as i32,
        });
        was_empty
    }

    /// The interned name of `rkt`: its address is the fast key, the name the check (a topic
    /// handle's address could be reused by another topic).
    unsafe fn intern(&mut self, rkt: *mut rd::rd_kafka_topic_t) -> (*const c_char, usize) {
        if rkt.is_null() {
            return (c"".as_ptr(), 0);
        }
        let raw = rd::rd_kafka_topic_name(rkt);
        if let Some((k, i)) = self.last {
            let t = &self.topics[i];
            // The same handle and the same name (compared up to its NUL, without strlen).
            if k == rkt as usize
                && t.to_bytes_with_nul()
                    .iter()
                    .enumerate()
                    .all(|(j, &b)| *raw.add(j) as u8 == b)
            {
                return (t.as_ptr(), t.to_bytes().len());
            }
        }
        let name = CStr::from_ptr(raw);
        let i = match self.topics.iter().position(|t| t.as_ref() == name) {
            Some(i) => i,
            None => {
                let mut v: Vec<Arc<CStr>> = (*self.topics).clone();
                v.push(Arc::from(name));
                self.topics = Arc::new(v);
                self.topics.len() - 1
            }
        };
        self.last = Some((rkt as usize, i));
        let t = &self.topics[i];
        (t.as_ptr(), t.to_bytes().len())
    }

    /// Empties the queue, giving the opaques of the reports that were never taken (0 = none).
    pub(super) fn drain_opaques(&mut self) -> Vec<usize> {
        self.reports.drain(..).map(|r| r.opaque as usize).collect()
    }

    /// Takes up to `max` reports (the oldest first); None when there are none.
    pub(super) fn take(&mut self, max: usize) -> Option<DeliveryReportBatch> {
        if self.reports.is_empty() || max == 0 {
            return None;
        }
        let reports = if max >= self.reports.len() {
            // The next batch is likely as large as this one: no growing from empty.
            let cap = self.reports.len();
            std::mem::replace(&mut self.reports, Vec::with_capacity(cap))
        } else {
            let rest = self.reports.split_off(max);
            std::mem::replace(&mut self.reports, rest)
        };
        Some(DeliveryReportBatch {
            reports,
            _topics: self.topics.clone(),
        })
    }
}

thread_local! {
    /// The client state whose reports this thread is pulling right now (its own wake-up is not
    /// needed: it takes the reports before returning).
    static PULLING: Cell<usize> = const { Cell::new(0) };
}

/// Marks this thread as pulling the reports of `state` until dropped.
pub(super) struct PullingGuard(usize);

impl PullingGuard {
    pub(super) fn enter(state: usize) -> PullingGuard {
        PullingGuard(PULLING.with(|p| p.replace(state)))
    }
}

impl Drop for PullingGuard {
    fn drop(&mut self) {
        PULLING.with(|p| p.set(self.0));
    }
}

/// Makes the event fd readable for reports queued outside a pull (inside poll or flush, or on
/// another thread): the main queue they came from may be empty now.
pub(super) fn notify(state: usize, fd: c_int) {
    if fd >= 0 && PULLING.with(|p| p.get()) != state {
        unsafe { libc::write(fd, c"1".as_ptr() as *const c_void, 1) };
    }
}

/// A header given by reference (the C ABI's header view has the same layout): a
/// NUL-terminated UTF-8 name, and a value (NULL with length 0: a null value).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HeaderRef {
    pub name: *const c_char,
    pub value: *const u8,
    pub value_len: usize,
}

/// The headers of one produce call, copied by produce.
#[derive(Clone, Copy)]
pub enum OutHeaders<'a> {
    None,
    /// A headers list (copied).
    List(&'a super::message::Headers),
    /// Headers by reference.
    Refs(&'a [HeaderRef]),
    /// Headers packed in one buffer: records of a 4-byte little-endian name length, the name,
    /// a 4-byte little-endian value length (0xFFFFFFFF: a null value) and the value.
    Packed(&'a [u8]),
}

/// The value length that marks a null header value in a packed headers block.
const PACKED_NULL_VALUE: u32 = u32::MAX;

impl OutHeaders<'_> {
    /// A new librdkafka headers list the caller owns (NULL for none), or the first bad header.
    pub(super) fn build(&self) -> KResult<*mut rd::rd_kafka_headers_t> {
        match *self {
            OutHeaders::None => Ok(std::ptr::null_mut()),
            OutHeaders::List(h) => Ok(h.copy_raw()),
            OutHeaders::Refs(refs) => {
                if refs.is_empty() {
                    return Ok(std::ptr::null_mut());
                }
                let hdrs = unsafe { rd::rd_kafka_headers_new(refs.len()) };
                for (i, r) in refs.iter().enumerate() {
                    let res = unsafe { header_ref(r, i) }
                        .and_then(|(name, value)| add(hdrs, name, value));
                    if let Err(e) = res {
                        unsafe { rd::rd_kafka_headers_destroy(hdrs) };
                        return Err(e);
                    }
                }
                Ok(hdrs)
            }
            OutHeaders::Packed(buf) => {
                if buf.is_empty() {
                    return Ok(std::ptr::null_mut());
                }
                let hdrs = unsafe { rd::rd_kafka_headers_new(4) };
                let mut rest = buf;
                let mut i = 0;
                while !rest.is_empty() {
                    let res = packed_header(&mut rest, i)
                        .and_then(|(name, value)| add(hdrs, name, value));
                    if let Err(e) = res {
                        unsafe { rd::rd_kafka_headers_destroy(hdrs) };
                        return Err(e);
                    }
                    i += 1;
                }
                Ok(hdrs)
            }
        }
    }
}

/// The name and value of a header given by reference.
unsafe fn header_ref<'a>(r: &HeaderRef, i: usize) -> KResult<(&'a [u8], Option<&'a [u8]>)> {
    if r.name.is_null() {
        return Err(KafkaError::invalid_arg(format!(
            "headers[{i}].name is NULL"
        )));
    }
    let name = CStr::from_ptr(r.name).to_bytes();
    let value = if r.value.is_null() {
        if r.value_len != 0 {
            return Err(KafkaError::invalid_arg(format!(
                "headers[{i}].value is NULL but its length is {}",
                r.value_len
            )));
        }
        None
    } else {
        Some(std::slice::from_raw_parts(r.value, r.value_len))
    };
    Ok((name, value))
}

/// Reads one header record of a packed headers block, advancing `rest`.
fn packed_header<'a>(rest: &mut &'a [u8], i: usize) -> KResult<(&'a [u8], Option<&'a [u8]>)> {
    let bad =
        |what: &str| KafkaError::invalid_arg(format!("header {i} of the packed headers: {what}"));
    let name_len = take_u32(rest).ok_or_else(|| bad("truncated name length"))? as usize;
    let name = take(rest, name_len).ok_or_else(|| bad("name runs past the headers"))?;
    let value_len = take_u32(rest).ok_or_else(|| bad("truncated value length"))?;
    let value = if value_len == PACKED_NULL_VALUE {
        None
    } else {
        Some(take(rest, value_len as usize).ok_or_else(|| bad("value runs past the headers"))?)
    };
    Ok((name, value))
}

fn take_u32(rest: &mut &[u8]) -> Option<u32> {
    let b = take(rest, 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if rest.len() < n {
        return None;
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Some(head)
}

/// Appends one header; the name must be UTF-8 without NUL.
fn add(hdrs: *mut rd::rd_kafka_headers_t, name: &[u8], value: Option<&[u8]>) -> KResult<()> {
    if std::str::from_utf8(name).is_err() || name.contains(&0) {
        return Err(KafkaError::invalid_arg(
            "a header name is not valid UTF-8 (or holds a NUL byte)",
        ));
    }
    let (vp, vl) = value.map_or((std::ptr::null(), 0), |v| {
        (v.as_ptr() as *const c_void, v.len() as isize)
    });
    crate::error::check(unsafe {
        rd::rd_kafka_header_add(
            hdrs,
            name.as_ptr() as *const c_char,
            name.len() as isize,
            vp,
            vl,
        )
    })
}
