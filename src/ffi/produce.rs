//! The produce hot paths: one message in one call (kf_producer_send), many described by an
//! array of kf_produce_message_t (kf_producer_produce_batch), and many packed in one buffer
//! described by offsets (kf_producer_produce_packed).
//!
//! Thread safety: as kf_producer_t: any thread, concurrently with other produce and poll calls.
use std::ffi::CStr;
use std::os::raw::{c_char, c_void};

use super::header_view::kf_header_view_t;
use super::producer::{delivery_slot, producer, topic_arg, ReleaseFn};
use super::types::*;
use super::{arg, arg_bytes, call};
use crate::error::{KResult, KafkaError};
use crate::kafka::callbacks::DeliverySlot;
use crate::kafka::delivery::{HeaderRef, OutHeaders};
use crate::kafka::producer::{OutMessage, ProduceRun, Producer};

/// One message to produce, for kf_producer_send() and (as an array) kf_producer_produce_batch().
///
/// `size`: set it to sizeof(kf_produce_message_t) as your header knows it. The library refuses a
/// smaller size than this first published layout (KF_ERR__INVALID_ARG) and never reads or writes
/// past `size`, so fields can be appended in later versions. In an array, every element's
/// `size` must be the same: it is the array's stride.
///
/// Fields:
/// - `topic`: NUL-terminated UTF-8, required.
/// - `partition`: a partition number or KF_PARTITION_UA (the partitioner picks).
/// - `key`/`key_len`, `value`/`value_len`: NULL (with length 0) is null; non-NULL with length 0
///   is empty. Copied, except the value when `free_value` is set.
/// - `headers`/`header_count`: `header_count` header views (NULL with 0: none); names and values
///   are copied, the array is not kept.
/// - `timestamp_ms`: 0 means now.
/// - `opaque`: the message's opaque: passed to `on_delivery`; for a producer in pull mode
///   (kf_config_set_delivery_report_mode()) handed back in the message's kf_delivery_report_t.
///   With neither, unused.
/// - `on_delivery`: this message's delivery callback (NULL: the config's on_delivery). Must be
///   NULL for a producer in pull mode (KF_ERR__INVALID_ARG), where no callback runs.
/// - `free_value`/`free_opaque`: when `free_value` is set, the value is not copied: librdkafka
///   reads it in place until the delivery report has been handled (the callback ran, or the
///   report was recorded for pulling), then `free_value(free_opaque, value)` gives it back. If
///   the producer is destroyed with the message undelivered, it runs during
///   kf_producer_destroy(). If the message is refused, nothing was taken and it is not called.
/// - `err`: written by kf_producer_produce_batch() (0 when the message was enqueued, its error
///   code otherwise); kf_producer_send() neither reads nor writes it.
#[repr(C)]
pub struct kf_produce_message_t {
    pub size: usize,
    pub topic: *const c_char,
    pub partition: i32,
    pub key: *const u8,
    pub key_len: usize,
    pub value: *const u8,
    pub value_len: usize,
    pub headers: *const kf_header_view_t,
    pub header_count: usize,
    pub timestamp_ms: i64,
    pub opaque: *mut c_void,
    pub on_delivery: kf_delivery_cb,
    pub free_value: kf_release_fn,
    pub free_opaque: *mut c_void,
    pub err: i32,
}

/// The smallest `size` of kf_produce_message_t accepted: its first published layout.
const PRODUCE_MESSAGE_MIN: usize = std::mem::size_of::<kf_produce_message_t>();

// kf_header_view_t is the domain's HeaderRef seen from C.
const _: () = assert!(std::mem::size_of::<kf_header_view_t>() == std::mem::size_of::<HeaderRef>());

/// The header views of a message as the domain's references.
unsafe fn header_refs<'a>(
    headers: *const kf_header_view_t,
    count: usize,
    func: &str,
) -> KResult<OutHeaders<'a>> {
    if count == 0 {
        return Ok(OutHeaders::None);
    }
    if headers.is_null() {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: headers is NULL but header_count is {count}"
        )));
    }
    Ok(OutHeaders::Refs(std::slice::from_raw_parts(
        headers as *const HeaderRef,
        count,
    )))
}

/// The domain message for `m`.
unsafe fn out_message<'a>(
    p: &Producer,
    m: &kf_produce_message_t,
    func: &str,
) -> KResult<OutMessage<'a>> {
    let release = m.free_value.map(|f| (f as ReleaseFn, m.free_opaque));
    Ok(OutMessage {
        topic: topic_arg(p, m.topic, func)?,
        partition: m.partition,
        key: arg_bytes(m.key, m.key_len, func, "key")?,
        value: arg_bytes(m.value, m.value_len, func, "value")?,
        headers: header_refs(m.headers, m.header_count, func)?,
        timestamp_ms: m.timestamp_ms,
        delivery: delivery_slot(p, func, m.on_delivery, m.opaque, release)?,
    })
}

/// The `size` check of a caller-filled struct.
fn check_size(size: usize, min: usize, func: &str, what: &str) -> KResult<()> {
    if size < min {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: {what}.size is {size}, smaller than any published size ({min}): set it \
             to sizeof({what})"
        )));
    }
    Ok(())
}

/// The stride of a caller's array of size-prefixed structs (`what`, passed as `arg`): the first
/// element's `size`, checked against `min`, and the same in every element (so the array can be
/// walked by the caller's sizeof, whatever header it was built with).
///
/// # Safety
/// `base` points to `count` >= 1 elements, each starting with a `usize` size field.
unsafe fn array_stride(
    base: *const u8,
    count: usize,
    min: usize,
    func: &str,
    what: &str,
    arg: &str,
) -> KResult<usize> {
    let stride = *(base as *const usize);
    check_size(stride, min, func, what)?;
    for i in 0..count {
        let size = *(base.add(i * stride) as *const usize);
        if size != stride {
            return Err(KafkaError::invalid_arg(format!(
                "{func}: {arg}[{i}].size is {size}, {arg}[0].size is {stride}: every element \
                 must have the same size"
            )));
        }
    }
    Ok(stride)
}

/// Enqueues one message for delivery, described by `msg` (see kf_produce_message_t: topic,
/// partition, key, value, header views, timestamp, opaque, delivery callback, zero-copy
/// release), in one call. `msg` itself is not kept.
///
/// The delivery report is served by a later kf_producer_poll() or kf_producer_flush(), or pulled
/// with kf_producer_delivery_reports() for a producer in pull mode.
/// Errors: KF_ERR__QUEUE_FULL when queue.buffering.max.messages/kbytes is reached (poll, then
/// retry: Python's BufferError); KF_ERR_MSG_SIZE_TOO_LARGE; KF_ERR__UNKNOWN_PARTITION;
/// KF_ERR__UNKNOWN_TOPIC (when known not to exist); after a fatal error (idempotent or
/// transactional producer), that error's own code with kf_error_is_fatal() true; KF_ERR__STATE
/// for a transactional producer outside a transaction; KF_ERR__INVALID_ARG for a NULL producer
/// or msg, `msg->size` too small, a NULL or non-UTF-8 topic or header name, a NULL buffer with a
/// length, or `on_delivery` set on a producer in pull mode. On error nothing was taken.
/// Blocks: no.
/// Thread safety: any thread, concurrently with other produce and poll calls.
#[no_mangle]
pub extern "C" fn kf_producer_send(
    producer: *mut kf_producer_t,
    msg: *const kf_produce_message_t,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_send";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let m = arg(msg, F, "msg")?;
        check_size(m.size, PRODUCE_MESSAGE_MIN, F, "kf_produce_message_t")?;
        p.produce(&out_message(p, m, F)?).map_err(|e| {
            // A bad header view, found while the headers are built: name the call.
            if e.code == super::KF_ERR__INVALID_ARG {
                super::in_fn(F)(e)
            } else {
                e
            }
        })
    })
}

/// Enqueues `count` messages, each a kf_produce_message_t with its own topic, partition, key,
/// value, header views, timestamp, opaque, delivery callback and zero-copy release. Each
/// message's `err` field gets 0 or its own error code; one failure does not stop the others,
/// except KF_ERR__QUEUE_FULL: the messages after it in a run of consecutive messages to one
/// topic and partition without headers, timestamp or zero-copy value (which go to librdkafka's
/// batch call together) get KF_ERR__QUEUE_FULL too. `*enqueued_out` (may be NULL) gets the
/// number enqueued. The array's stride is `messages[0].size`; every element must have that
/// size.
///
/// Errors (for the call as a whole, before any message is enqueued): KF_ERR__INVALID_ARG for a
/// NULL producer, NULL messages with a non-zero count, or a `size` that is too small or differs
/// between elements.
/// Blocks: no.
/// Thread safety: any thread, concurrently with other produce and poll calls.
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
        let base = messages as *mut u8;
        let stride = array_stride(
            base,
            count,
            PRODUCE_MESSAGE_MIN,
            F,
            "kf_produce_message_t",
            "messages",
        )?;
        let at = |i: usize| &mut *(base.add(i * stride) as *mut kf_produce_message_t);
        let ok = produce_batch(p, count, at);
        if !enqueued_out.is_null() {
            *enqueued_out = ok;
        }
        Ok(())
    })
}

/// The longest run handed to one rd_kafka_produce_batch() call.
const MAX_RUN: usize = 65536;

/// kf_producer_produce_batch(): runs of consecutive messages to one topic and partition
/// without headers, timestamp or zero-copy value go to rd_kafka_produce_batch() (one topic
/// handle, one argument check per run); the others, one at a time, to produce(). Returns how
/// many were enqueued.
unsafe fn produce_batch<'a>(
    p: &Producer,
    count: usize,
    at: impl Fn(usize) -> &'a mut kf_produce_message_t,
) -> usize {
    const F: &str = "kf_producer_produce_batch";
    let pull = p.client.pulls_reports();
    let mut ok = 0;
    let mut run = ProduceRun::default();
    let mut i = 0;
    while i < count {
        let first = at(i);
        let mut end = i;
        let mut topic = None;
        if batchable(first, pull) {
            if let Ok(t) = topic_arg(p, first.topic, F) {
                topic = Some(t);
                end = i + 1;
                while end < count
                    && end - i < MAX_RUN
                    && batchable(at(end), pull)
                    && at(end).partition == first.partition
                    && (at(end).topic == first.topic || same_topic(at(end).topic, t))
                {
                    end += 1;
                }
            }
        }
        if let Some(t) = topic {
            run.clear();
            for j in i..end {
                let m = at(j);
                // batchable(): a NULL buffer has length 0, and no callback in pull mode, so
                // these cannot fail.
                let key = arg_bytes(m.key, m.key_len, F, "key").unwrap_or(None);
                let value = arg_bytes(m.value, m.value_len, F, "value").unwrap_or(None);
                let slot = delivery_slot(p, F, m.on_delivery, m.opaque, None).unwrap_or(None);
                run.push(p, key, value, slot);
            }
            let partition = first.partition;
            if let Some(good) = run.send(p, t, partition) {
                ok += good;
                for (j, code) in (i..end).zip(run.error_codes()) {
                    at(j).err = code;
                }
                i = end;
                continue;
            }
            // No topic handle: nothing was tried; go one by one.
        }
        let m = at(i);
        let res = out_message(p, m, F).and_then(|om| p.produce(&om));
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

/// A message rd_kafka_produce_batch() can take: no headers, no timestamp, no zero-copy value,
/// and key, value and callback arguments that are valid (a NULL buffer has length 0; no
/// callback in pull mode; the others go to produce(), which reports them).
fn batchable(m: &kf_produce_message_t, pull: bool) -> bool {
    m.header_count == 0
        && m.timestamp_ms == 0
        && m.free_value.is_none()
        && !m.topic.is_null()
        && (!m.key.is_null() || m.key_len == 0)
        && (!m.value.is_null() || m.value_len == 0)
        && !(pull && m.on_delivery.is_some())
}

/// True when the NUL-terminated string at `p` (not NULL) is `t`.
unsafe fn same_topic(p: *const c_char, t: &CStr) -> bool {
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

/// kf_packed_message_t.flags: the key is null (its offset and length are ignored).
pub const KF_PACKED_NULL_KEY: u32 = 1;
/// kf_packed_message_t.flags: the value is null, a tombstone (its offset and length are ignored).
pub const KF_PACKED_NULL_VALUE: u32 = 2;
/// In a packed headers block, a value length of KF_PACKED_HEADER_NULL_VALUE marks a null value.
pub const KF_PACKED_HEADER_NULL_VALUE: u32 = 0xFFFF_FFFF;

/// One message of kf_producer_produce_packed(): its bytes are ranges of the call's one buffer
/// `buf`, given as offset and length (no pointers, so a language whose memory may not hold
/// foreign pointers, such as Go for cgo, or one filling a single Node or Ruby Buffer, can
/// describe them).
///
/// `size`: set it to sizeof(kf_packed_message_t) as your header knows it. The library refuses a
/// smaller size than this first published layout (KF_ERR__INVALID_ARG) and never reads or writes
/// past `size`. The array's stride is the first element's `size`; every element must have it.
///
/// Fields:
/// - `opaque`: the message's opaque, handed back (as `void *`, all 64 bits kept on 64-bit
///   platforms) in its kf_delivery_report_t when the producer pulls its delivery reports; unused
///   in callback mode (the config's on_delivery runs).
/// - `topic_offset`/`topic_len`: the topic's UTF-8 bytes in `buf`, no NUL terminator needed.
/// - `key_offset`/`key_len`, `value_offset`/`value_len`: the key and value bytes (copied). A
///   length of 0 is empty; null is flagged in `flags` (KF_PACKED_NULL_KEY, KF_PACKED_NULL_VALUE).
/// - `headers_offset`/`headers_len`: the message's headers block (length 0: no headers): one
///   record per header, each a 4-byte little-endian name length, the UTF-8 name (no NUL), a
///   4-byte little-endian value length (KF_PACKED_HEADER_NULL_VALUE for a null value) and the
///   value. The records must fill the block exactly.
/// - `timestamp_ms`: 0 means now. `partition`: a partition or KF_PARTITION_UA.
/// - `flags`: KF_PACKED_NULL_KEY | KF_PACKED_NULL_VALUE, or 0.
/// - `err`: written by the call: 0 when enqueued, else the message's error code
///   (KF_ERR__INVALID_ARG for a range outside `buf` or a bad topic or header).
#[repr(C)]
pub struct kf_packed_message_t {
    pub size: usize,
    pub opaque: u64,
    pub topic_offset: usize,
    pub topic_len: usize,
    pub key_offset: usize,
    pub key_len: usize,
    pub value_offset: usize,
    pub value_len: usize,
    pub headers_offset: usize,
    pub headers_len: usize,
    pub timestamp_ms: i64,
    pub partition: i32,
    pub flags: u32,
    pub err: i32,
}

/// The smallest `size` of kf_packed_message_t accepted: its first published layout.
const PACKED_MESSAGE_MIN: usize = std::mem::size_of::<kf_packed_message_t>();

/// The bytes `offset..offset+len` of `buf`, or an invalid-argument error naming the field.
/// A length of 0 reads nothing, whatever the offset.
fn range<'a>(buf: &'a [u8], offset: usize, len: usize, what: &str) -> KResult<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    offset
        .checked_add(len)
        .filter(|&end| end <= buf.len())
        .map(|end| &buf[offset..end])
        .ok_or_else(|| {
            KafkaError::invalid_arg(format!(
                "kf_producer_produce_packed: {what} range {offset}+{len} is outside the buffer \
                 ({} bytes)",
                buf.len()
            ))
        })
}

/// The topic, key and value of a packed message, checked against the buffer.
struct Unpacked<'a> {
    topic: &'a CStr,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
    headers: &'a [u8],
}

fn unpack<'a>(p: &Producer, buf: &'a [u8], m: &kf_packed_message_t) -> KResult<Unpacked<'a>> {
    let topic_bytes = range(buf, m.topic_offset, m.topic_len, "topic")?;
    let topic = p.cached_topic(topic_bytes).ok_or_else(|| {
        KafkaError::invalid_arg(
            "kf_producer_produce_packed: topic is not valid UTF-8, holds a NUL byte, or is one \
             topic too many (more than 1024 topics per producer)",
        )
    })?;
    let (key, value) = key_value(buf, m)?;
    let headers = range(buf, m.headers_offset, m.headers_len, "headers")?;
    Ok(Unpacked {
        topic,
        key,
        value,
        headers,
    })
}

/// The key and value of a packed message, checked against the buffer.
#[inline]
fn key_value<'a>(
    buf: &'a [u8],
    m: &kf_packed_message_t,
) -> KResult<(Option<&'a [u8]>, Option<&'a [u8]>)> {
    let key = if m.flags & KF_PACKED_NULL_KEY != 0 {
        None
    } else {
        Some(range(buf, m.key_offset, m.key_len, "key")?)
    };
    let value = if m.flags & KF_PACKED_NULL_VALUE != 0 {
        None
    } else {
        Some(range(buf, m.value_offset, m.value_len, "value")?)
    };
    Ok((key, value))
}

/// The delivery slot of a packed message: its opaque, in pull mode.
fn packed_slot(pull: bool, opaque: u64) -> Option<DeliverySlot> {
    (pull && opaque != 0).then_some(DeliverySlot {
        handler: None,
        release: None,
        opaque: opaque as usize,
    })
}

/// Enqueues `count` messages whose topic, key, value and headers are ranges of one buffer `buf`
/// (`buf_len` bytes), each described by a kf_packed_message_t (offsets and lengths, no
/// pointers; see there for the headers encoding and null keys and values). Everything is copied;
/// neither `buf` nor `msgs` is kept. Every range is checked against `buf_len` before it is read.
/// Each message's `err` gets 0 or its own error code; one failure does not stop the others,
/// except KF_ERR__QUEUE_FULL: the messages after it in a run of consecutive messages to one
/// topic and partition without headers or timestamp get it too. `*enqueued_out` (may be NULL)
/// gets the number enqueued.
///
/// Errors (for the call as a whole, before any message is enqueued): KF_ERR__INVALID_ARG for a
/// NULL producer, NULL `msgs` with a non-zero count, NULL `buf` with a non-zero `buf_len`, or a
/// `size` that is too small or differs between elements.
/// Blocks: no.
/// Thread safety: any thread, concurrently with other produce and poll calls.
/// Nullable: `enqueued_out`.
#[no_mangle]
pub extern "C" fn kf_producer_produce_packed(
    producer: *mut kf_producer_t,
    buf: *const u8,
    buf_len: usize,
    msgs: *mut kf_packed_message_t,
    count: usize,
    enqueued_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_produce_packed";
    call(F, || unsafe {
        let p = self::producer(producer, F)?;
        let buf = arg_bytes(buf, buf_len, F, "buf")?.unwrap_or(&[]);
        if count == 0 {
            if !enqueued_out.is_null() {
                *enqueued_out = 0;
            }
            return Ok(());
        }
        arg(msgs, F, "msgs")?;
        let base = msgs as *mut u8;
        let stride = array_stride(
            base,
            count,
            PACKED_MESSAGE_MIN,
            F,
            "kf_packed_message_t",
            "msgs",
        )?;
        let at = |i: usize| &mut *(base.add(i * stride) as *mut kf_packed_message_t);
        let ok = produce_packed(p, buf, count, at);
        if !enqueued_out.is_null() {
            *enqueued_out = ok;
        }
        Ok(())
    })
}

/// kf_producer_produce_packed(): runs of consecutive messages to one topic and partition
/// without headers or timestamp go to rd_kafka_produce_batch(); the others to produce().
unsafe fn produce_packed<'a>(
    p: &Producer,
    buf: &[u8],
    count: usize,
    at: impl Fn(usize) -> &'a mut kf_packed_message_t,
) -> usize {
    let pull = p.client.pulls_reports();
    let mut ok = 0;
    let mut run = ProduceRun::default();
    let mut i = 0;
    while i < count {
        let first = at(i);
        let u = match unpack(p, buf, first) {
            Ok(u) => u,
            Err(e) => {
                first.err = e.code;
                i += 1;
                continue;
            }
        };
        if first.headers_len == 0 && first.timestamp_ms == 0 {
            // A run: the following messages to the same topic (same bytes) and partition.
            run.clear();
            run.push(p, u.key, u.value, packed_slot(pull, first.opaque));
            let mut end = i + 1;
            let mut bad = None;
            while end < count && end - i < MAX_RUN {
                let m = at(end);
                if m.headers_len != 0 || m.timestamp_ms != 0 || m.partition != first.partition {
                    break;
                }
                // The same topic: the same range, or the same bytes (checked once here; the
                // run's topic is already known to be good).
                let same = (m.topic_offset == first.topic_offset && m.topic_len == first.topic_len)
                    || range(buf, m.topic_offset, m.topic_len, "topic")
                        .is_ok_and(|t| t == u.topic.to_bytes());
                if !same {
                    break;
                }
                match key_value(buf, m) {
                    Ok((k, v)) => run.push(p, k, v, packed_slot(pull, m.opaque)),
                    Err(e) => {
                        bad = Some(e.code);
                        break;
                    }
                }
                end += 1;
            }
            match run.send(p, u.topic, first.partition) {
                Some(good) => {
                    ok += good;
                    for (j, code) in (i..end).zip(run.error_codes()) {
                        at(j).err = code;
                    }
                }
                None => {
                    // No topic handle (nothing was tried): produce() reports why.
                    for j in i..end {
                        let m = at(j);
                        m.err = produce_one(p, buf, m, pull).map_or_else(|e| e.code, |()| 0);
                        ok += (m.err == 0) as usize;
                    }
                }
            }
            i = end;
            if let Some(code) = bad {
                at(i).err = code;
                i += 1;
            }
            continue;
        }
        first.err = produce_one(p, buf, first, pull).map_or_else(|e| e.code, |()| 0);
        ok += (first.err == 0) as usize;
        i += 1;
    }
    ok
}

/// One packed message through produce().
fn produce_one(p: &Producer, buf: &[u8], m: &kf_packed_message_t, pull: bool) -> KResult<()> {
    let u = unpack(p, buf, m)?;
    p.produce(&OutMessage {
        topic: u.topic,
        partition: m.partition,
        key: u.key,
        value: u.value,
        headers: OutHeaders::Packed(u.headers),
        timestamp_ms: m.timestamp_ms,
        delivery: packed_slot(pull, m.opaque),
    })
}
