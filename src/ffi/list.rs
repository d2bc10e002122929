//! kf_string_list_t and kf_int32_list_t: lists the library hands over (the registry's subjects
//! and versions), as handles with accessors like every other result, instead of raw arrays with
//! a free function of their own.
use std::ffi::CString;
use std::os::raw::c_char;

use super::types::Handle;
use super::{free_handle, new_handle, opt, value};

/// A list of strings the library hands over (kf_schema_registry_get_subjects()): read it with
/// kf_string_list_count() and kf_string_list_get(), free it with kf_string_list_destroy().
/// Immutable: any thread may read it, concurrently.
pub struct kf_string_list_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_string_list_t {
    type Target = Vec<CString>;
}

/// A list of 32-bit integers the library hands over (kf_schema_registry_get_versions(),
/// kf_schema_registry_delete_subject()): kf_int32_list_count() and kf_int32_list_values(),
/// freed with kf_int32_list_destroy(). Immutable: any thread may read it, concurrently.
pub struct kf_int32_list_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_int32_list_t {
    type Target = Vec<i32>;
}

/// A new string list handed to the caller.
pub(super) fn string_list(v: Vec<String>) -> *mut kf_string_list_t {
    let v: Vec<CString> = v.into_iter().map(crate::error::to_cstring_lossy).collect();
    new_handle(Box::new(v))
}

/// A new int32 list handed to the caller.
pub(super) fn int32_list(v: Vec<i32>) -> *mut kf_int32_list_t {
    new_handle(Box::new(v))
}

/// The number of strings in `list`.
///
/// Returns: the count; 0 for NULL.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_string_list_count(list: *const kf_string_list_t) -> usize {
    value(0, || opt(list).map_or(0, Vec::len))
}

/// The string at `index` (0 .. kf_string_list_count() - 1).
///
/// Returns: borrowed NUL-terminated UTF-8, valid until kf_string_list_destroy(list); NULL for a
/// NULL list or an index out of range.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_string_list_get(list: *const kf_string_list_t, index: usize) -> *const c_char {
    value(std::ptr::null(), || {
        opt(list)
            .and_then(|l| l.get(index))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Frees a string list and its strings. NULL is a no-op.
///
/// Blocks: no. Thread safety: once, with no other call on this list running.
#[no_mangle]
pub extern "C" fn kf_string_list_destroy(list: *mut kf_string_list_t) {
    value((), || unsafe { free_handle(list) })
}

/// The number of values in `list`.
///
/// Returns: the count; 0 for NULL.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_int32_list_count(list: *const kf_int32_list_t) -> usize {
    value(0, || opt(list).map_or(0, Vec::len))
}

/// All the values of `list` at once: an array of kf_int32_list_count(list) elements.
///
/// Returns: borrowed, valid until kf_int32_list_destroy(list); NULL for a NULL or empty list.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_int32_list_values(list: *const kf_int32_list_t) -> *const i32 {
    value(std::ptr::null(), || match opt(list) {
        Some(l) if !l.is_empty() => l.as_ptr(),
        _ => std::ptr::null(),
    })
}

/// Frees an int32 list. NULL is a no-op.
///
/// Blocks: no. Thread safety: once, with no other call on this list running.
#[no_mangle]
pub extern "C" fn kf_int32_list_destroy(list: *mut kf_int32_list_t) {
    value((), || unsafe { free_handle(list) })
}
