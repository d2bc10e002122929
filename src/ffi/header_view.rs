//! kf_header_view_t: one message header given or read by reference, with no headers object.
use std::os::raw::c_char;

/// One header by reference: `name` is a NUL-terminated UTF-8 string; `value` points at
/// `value_len` bytes, or is NULL (with `value_len` 0) for a null value, distinct from an empty
/// one (non-NULL, 0). Nothing is copied into the view: it borrows the memory it points at.
///
/// An array element: it has no `size` field, and its layout is fixed for ABI major 0 (pass an
/// array of them with its count, e.g. kf_produce_message_t's `headers` / `header_count`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_header_view_t {
    pub name: *const c_char,
    pub value: *const u8,
    pub value_len: usize,
}
