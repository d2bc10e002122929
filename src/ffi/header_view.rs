//! kf_header_view_t: one message header as a name/value view, with no headers object. The consume
//! side fills arrays of them (kf_message_view(), kf_message_batch_views()); the produce side reads
//! arrays of them (kf_produce_message_t's `headers` / `header_count`).
use std::os::raw::c_char;

/// One header by reference: `name` is a NUL-terminated UTF-8 string; `value` points at
/// `value_len` bytes, or is NULL (with `value_len` 0) for a null value, distinct from an empty
/// one (non-NULL, 0). Nothing is copied into the view: it borrows the memory it points at. Filled
/// by kafkaffi, its pointers are borrowed from the message (or batch) they came from and live
/// until that is destroyed.
///
/// An array element type: it has no `size` field and its layout is fixed for ABI major 0, so
/// arrays of it are indexed with its `sizeof`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_header_view_t {
    pub name: *const c_char,
    pub value: *const u8,
    pub value_len: usize,
}
