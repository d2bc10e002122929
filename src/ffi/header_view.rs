//! kf_header_view_t: one message header as a name/value view. The consume side fills arrays of
//! them (kf_message_view(), kf_message_batch_views()); the produce side reads arrays of them.
use std::os::raw::c_char;

/// One header: a NUL-terminated UTF-8 name and a value of `value_len` bytes (`value` NULL for a
/// null value, distinct from an empty one: non-NULL with length 0).
///
/// An array element type: it has no `size` field and its layout never changes (a new ABI
/// major would be needed to change it), so arrays of it are indexed with its `sizeof`.
/// Filled by kafkaffi, its pointers are borrowed from the message (or batch) they came from
/// and live until that is destroyed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_header_view_t {
    pub name: *const c_char,
    pub value: *const u8,
    pub value_len: usize,
}
