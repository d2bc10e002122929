//! kf_message_view_t: every field of a message in one call (kf_message_view()), and
//! kf_message_batch_t: many consumed messages with their views and header views in contiguous
//! arrays (kf_consumer_consume_batch() makes one). The fields come from the domain's
//! `Message::fields`; this file only lays them out for C.
//!
//! Thread safety: a view and a batch are immutable once filled; any thread may read them while
//! their message or batch lives.
use std::cell::Cell;
use std::os::raw::c_char;
use std::sync::Mutex;

use super::header_view::kf_header_view_t;
use super::sized::write_sized;
use super::types::*;
use super::{call, handle, opt, value};
use crate::kafka::message::{Fields, Message};

/// Every field of a message, filled by kf_message_view() or read from a batch
/// (kf_message_batch_views()). Pointers are borrowed from the message (or batch) and live until
/// kf_message_destroy() (or kf_message_batch_destroy()); for a message handed to a callback,
/// until the callback returns.
///
/// Starts with `size`: set it to `sizeof(kf_message_view_t)` before calling kf_message_view().
/// The library refuses a size below the first published one (KF_ERR__INVALID_ARG), never writes
/// past `size`, and sets `size` to the number of bytes it filled, so fields can be appended in
/// later versions. Batches lay their views out with the size the caller asks
/// kf_message_batch_views() for.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_message_view_t {
    /// The struct's size in bytes (see above).
    pub size: usize,
    /// The message itself, for kf_consumer_commit(), kf_consumer_store_offsets() or
    /// kf_consumer_store_message(). Borrowed: never destroy it on its own when it came from a
    /// batch.
    pub message: *const kf_message_t,
    /// The topic name (NUL-terminated); NULL for some error events.
    pub topic: *const c_char,
    /// The key; NULL for a null key (then `key_len` is 0), non-NULL with length 0 for an empty
    /// one.
    pub key: *const u8,
    pub key_len: usize,
    /// The value; NULL for a null value (a tombstone). For an error event (`error_code` not 0)
    /// the error's text (not NUL-terminated).
    pub value: *const u8,
    pub value_len: usize,
    /// The offset (for a delivery report, the offset it was written at, or KF_OFFSET_INVALID).
    pub offset: i64,
    /// Milliseconds since the epoch; -1 when not available.
    pub timestamp: i64,
    /// Microseconds from produce to acknowledgement for a delivery report inside its callback;
    /// -1 for a consumed message.
    pub latency_us: i64,
    /// The header views: `header_count` elements, NULL when `header_count` is 0.
    pub headers: *const kf_header_view_t,
    /// The number of elements at `headers`.
    pub header_count: usize,
    /// The number of headers the message has: more than `header_count` only when the array
    /// given to kf_message_view() was too small (then call it again with a larger one).
    pub header_total: usize,
    pub partition: i32,
    /// KF_TIMESTAMP_NOT_AVAILABLE, KF_TIMESTAMP_CREATE_TIME or KF_TIMESTAMP_LOG_APPEND_TIME.
    pub timestamp_type: i32,
    /// 0 for a normal message, else the error of an error event or delivery report (as
    /// kf_message_error_code()).
    pub error_code: i32,
    /// The partition leader epoch, or -1 when unknown.
    pub leader_epoch: i32,
    /// The persistence status: KF_MESSAGE_STATUS_NOT_PERSISTED, _POSSIBLY_PERSISTED or
    /// _PERSISTED (always _PERSISTED for a consumed message).
    pub status: i32,
}

/// The first published size of kf_message_view_t.
const VIEW_SIZE_V1: usize = std::mem::size_of::<kf_message_view_t>();

/// The message was never sent to the broker, or the broker failed it: a retry may not
/// duplicate it.
pub const KF_MESSAGE_STATUS_NOT_PERSISTED: i32 = 0;
/// The message was sent but no acknowledgement came back (a timeout): it may be in the log.
pub const KF_MESSAGE_STATUS_POSSIBLY_PERSISTED: i32 = 1;
/// The broker acknowledged the message (and every consumed message).
pub const KF_MESSAGE_STATUS_PERSISTED: i32 = 2;

const _: () = {
    use rdkafka_sys::rd_kafka_msg_status_t as S;
    assert!(KF_MESSAGE_STATUS_NOT_PERSISTED == S::RD_KAFKA_MSG_STATUS_NOT_PERSISTED as i32);
    assert!(
        KF_MESSAGE_STATUS_POSSIBLY_PERSISTED == S::RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED as i32
    );
    assert!(KF_MESSAGE_STATUS_PERSISTED == S::RD_KAFKA_MSG_STATUS_PERSISTED as i32);
};

/// The view of `m` from its fields; the caller sets the three header fields.
#[inline]
fn view_of(m: &Message, f: &Fields) -> kf_message_view_t {
    kf_message_view_t {
        size: VIEW_SIZE_V1,
        message: m as *const Message as *const kf_message_t,
        topic: f.topic,
        key: f.key.0,
        key_len: f.key.1,
        value: f.value.0,
        value_len: f.value.1,
        offset: f.offset,
        timestamp: f.timestamp,
        latency_us: f.latency_us,
        headers: std::ptr::null(),
        header_count: 0,
        header_total: 0,
        partition: f.partition,
        timestamp_type: f.timestamp_type,
        error_code: f.error_code,
        leader_epoch: f.leader_epoch,
        status: f.status,
    }
}

/// Fills `*view_out` with every field of `msg` in one call, and the first `headers_cap` headers
/// into the caller's array `headers` (which `view_out->headers` then points to).
/// `view_out->size` must be set to sizeof(kf_message_view_t) (see kf_message_view_t).
/// `headers` may be NULL when `headers_cap` is 0; `view_out->header_total` tells how many
/// headers the message has, so a caller whose array was too small can call again.
///
/// Returns: the view's pointers are borrowed from `msg`: valid until kf_message_destroy(msg)
/// (for a message handed to a callback, until the callback returns).
/// Errors: KF_ERR__INVALID_ARG for a NULL `msg` or `view_out`, `view_out->size` below the
/// first published size, or NULL `headers` with a non-zero `headers_cap`; `*view_out` is then
/// not written.
/// Blocks: no. Thread safety: any thread, as long as the message is not destroyed meanwhile.
/// Nullable: `headers`.
#[no_mangle]
pub extern "C" fn kf_message_view(
    msg: *const kf_message_t,
    view_out: *mut kf_message_view_t,
    headers: *mut kf_header_view_t,
    headers_cap: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_message_view";
    call(F, || unsafe {
        let m: &Message = handle(msg, F, "msg")?;
        if headers.is_null() && headers_cap != 0 {
            return Err(crate::error::KafkaError::invalid_arg(format!(
                "{F}: headers is NULL but headers_cap is {headers_cap}"
            )));
        }
        let f = m.fields(true);
        let mut v = view_of(m, &f);
        if let Some(h) = f.headers {
            let mut n = 0;
            v.header_total = h.for_each_raw(|(name, value, value_len)| {
                if n < headers_cap {
                    headers.add(n).write(kf_header_view_t {
                        name,
                        value,
                        value_len,
                    });
                    n += 1;
                }
            });
            if n > 0 {
                v.headers = headers;
                v.header_count = n;
            }
        }
        write_sized(view_out, v, VIEW_SIZE_V1, F, "view_out")
    })
}

/// The arrays of a batch. Kept for the next batch of the same thread when a batch is destroyed
/// (see SPARE), so that a consume loop does not allocate (and free) them for every batch.
pub(crate) struct Buffers {
    pub(crate) messages: Vec<*mut Message>,
    views: Vec<kf_message_view_t>,
    /// Every message's header views, message after message; each view points into it.
    headers: Vec<kf_header_view_t>,
}

thread_local! {
    /// The buffers of the last batch this thread destroyed, emptied, for its next batch.
    static SPARE: Cell<Option<Buffers>> = const { Cell::new(None) };
}

/// Buffers above this size (bytes, all three arrays) are freed rather than kept.
const SPARE_MAX_BYTES: usize = 4 << 20;

impl Buffers {
    /// Empty buffers: this thread's spare ones, or new ones.
    pub(crate) fn take() -> Buffers {
        SPARE
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_else(|| Buffers {
                messages: Vec::new(),
                views: Vec::new(),
                headers: Vec::new(),
            })
    }

    /// Empties the buffers (the messages must already be destroyed) and keeps them as this
    /// thread's spare ones, unless they are large.
    pub(crate) fn give_back(mut self) {
        let bytes = self.messages.capacity() * std::mem::size_of::<*mut Message>()
            + self.views.capacity() * std::mem::size_of::<kf_message_view_t>()
            + self.headers.capacity() * std::mem::size_of::<kf_header_view_t>();
        if bytes > SPARE_MAX_BYTES {
            return;
        }
        self.messages.clear();
        self.views.clear();
        self.headers.clear();
        let _ = SPARE.try_with(|s| s.set(Some(self)));
    }
}

/// Consumed messages with every field read: what kf_consumer_consume_batch() hands over.
pub struct MessageBatch {
    b: Buffers,
    /// The views laid out for a caller whose kf_message_view_t has another size: (size, array).
    other_layouts: Mutex<Vec<(usize, Box<[u64]>)>>,
}

// Immutable once built but for `other_layouts` (behind its lock); the messages are librdkafka's
// and may be read from any thread.
unsafe impl Send for MessageBatch {}
unsafe impl Sync for MessageBatch {}

/// Up to this many message slots are reserved before consuming; larger batches grow.
pub(crate) const BATCH_PREALLOC: usize = 16384;

impl MessageBatch {
    /// Reads every field of `b.messages` (consumed messages the batch now owns).
    pub(crate) fn new(mut b: Buffers) -> MessageBatch {
        let n = b.messages.len();
        let (views, headers) = (&mut b.views, &mut b.headers);
        views.clear();
        views.reserve(n);
        if headers.capacity() == 0 {
            headers.reserve(n); // grown as needed; kept with the buffers for the next batch
        }
        // Each view is written in place (no push per message); the length is set once all are.
        let slots = views.as_mut_ptr();
        for (i, &p) in b.messages.iter().enumerate() {
            let m = unsafe { &*p };
            let f = m.fields(false);
            let mut v = view_of(m, &f);
            if let Some(h) = f.headers {
                let before = headers.len();
                v.header_total = h.for_each_raw(|(name, value, value_len)| {
                    headers.push(kf_header_view_t {
                        name,
                        value,
                        value_len,
                    })
                });
                v.header_count = headers.len() - before;
            }
            unsafe { slots.add(i).write(v) };
        }
        unsafe { views.set_len(n) };
        // The header array no longer moves: point each view at its run.
        let mut at = 0;
        for v in views.iter_mut().filter(|v| v.header_count > 0) {
            v.headers = unsafe { headers.as_ptr().add(at) };
            at += v.header_count;
        }
        MessageBatch {
            b,
            other_layouts: Mutex::new(Vec::new()),
        }
    }

    /// The views laid out with elements of `size` bytes (a caller's sizeof(kf_message_view_t));
    /// None for a size below the first published one or not a multiple of the alignment.
    fn views_as(&self, size: usize) -> Option<*const kf_message_view_t> {
        const NATIVE: usize = std::mem::size_of::<kf_message_view_t>();
        if size == NATIVE {
            return Some(self.b.views.as_ptr());
        }
        if size < VIEW_SIZE_V1 || size % std::mem::align_of::<kf_message_view_t>() != 0 {
            return None;
        }
        let mut layouts = self.other_layouts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, a)) = layouts.iter().find(|(s, _)| *s == size) {
            return Some(a.as_ptr() as *const kf_message_view_t);
        }
        // A caller with a larger (newer) struct: each element gets what this library fills,
        // zeros after it, and `size` saying how much was filled.
        let n = size.min(NATIVE);
        let mut a = vec![0u64; self.b.views.len() * size / 8].into_boxed_slice();
        let base = a.as_mut_ptr() as *mut u8;
        for (i, v) in self.b.views.iter().enumerate() {
            let mut v = *v;
            v.size = n;
            unsafe {
                std::ptr::copy_nonoverlapping(
                    &v as *const kf_message_view_t as *const u8,
                    base.add(i * size),
                    n,
                )
            };
        }
        let p = a.as_ptr() as *const kf_message_view_t;
        layouts.push((size, a));
        Some(p)
    }
}

impl Drop for MessageBatch {
    fn drop(&mut self) {
        for &m in &self.b.messages {
            unsafe { Message::destroy(m) };
        }
        self.b.messages.clear();
        let b = std::mem::replace(
            &mut self.b,
            Buffers {
                messages: Vec::new(),
                views: Vec::new(),
                headers: Vec::new(),
            },
        );
        b.give_back();
    }
}

/// A batch of consumed messages (kf_consumer_consume_batch()): the messages, their views and
/// all their header views in contiguous arrays, freed with one kf_message_batch_destroy().
pub struct kf_message_batch_t {
    _opaque: [u8; 0],
}

unsafe impl super::types::Handle for kf_message_batch_t {
    type Target = MessageBatch;
}

/// The views of every message of `batch`, in the order consumed: an array of `*count_out`
/// elements of `view_size` bytes each. Pass `sizeof(kf_message_view_t)`: the array is then
/// indexed as `views[i]`, whatever the size of the library's own struct. Each element's `size`
/// is the number of bytes filled; its `headers` point into one array holding the header views
/// of the whole batch, and its `message` is the message itself (for commit or store).
///
/// Returns: borrowed, valid until kf_message_batch_destroy(batch); NULL with `*count_out` 0
/// when `batch` is NULL or `view_size` is below the first published size of kf_message_view_t
/// or not a multiple of its alignment; NULL when `count_out` is NULL.
/// Blocks: no. Thread safety: any thread, as long as the batch is not destroyed meanwhile.
#[no_mangle]
pub extern "C" fn kf_message_batch_views(
    batch: *const kf_message_batch_t,
    view_size: usize,
    count_out: *mut usize,
) -> *const kf_message_view_t {
    value(std::ptr::null(), || {
        if count_out.is_null() {
            return std::ptr::null();
        }
        let res = opt(batch).and_then(|b| Some((b.views_as(view_size)?, b.b.views.len())));
        let (p, n) = res.unwrap_or((std::ptr::null(), 0));
        unsafe { *count_out = n };
        p
    })
}

/// The number of messages in `batch`; 0 when `batch` is NULL.
///
/// Blocks: no. Thread safety: any thread, as long as the batch is not destroyed meanwhile.
#[no_mangle]
pub extern "C" fn kf_message_batch_count(batch: *const kf_message_batch_t) -> usize {
    value(0, || opt(batch).map_or(0, |b| b.b.views.len()))
}

/// Frees a batch, its messages and their views. NULL is a no-op. Every pointer read from the
/// batch (views, header views, messages, keys, values) becomes invalid.
///
/// Blocks: no. Thread safety: any thread, once per batch, not while another thread reads it.
#[no_mangle]
pub extern "C" fn kf_message_batch_destroy(batch: *mut kf_message_batch_t) {
    value((), || unsafe { super::free_handle(batch) })
}
