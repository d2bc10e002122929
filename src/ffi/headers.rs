//! kf_headers_t: an ordered list of message headers (names may repeat, values may be null):
//! built by the application for produce (which copies it), or borrowed from a message
//! (read-only, living as long as the message). The C view of `crate::kafka::message::Headers`.
//!
//! Thread safety: one thread at a time per list that is being changed; a message's headers may
//! be read from any thread while the message lives.
use std::os::raw::c_char;

use super::types::*;
use super::{arg_bytes, arg_str, call, in_fn, opt, value};
use crate::kafka::message::Headers;

/// A new, empty headers list for kf_producer_produce() (which copies it). `initial_capacity`
/// is a hint (at most 1024 are reserved; the list grows as needed), so no value can exhaust
/// memory.
///
/// Returns: caller owns; free with kf_headers_destroy(). Thread safety: one thread at a time.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_headers_new(initial_capacity: usize) -> *mut kf_headers_t {
    value(std::ptr::null_mut(), || {
        Headers::new_raw(initial_capacity) as *mut kf_headers_t
    })
}

/// Frees a headers list created with kf_headers_new(). NULL is a no-op. Never pass the headers
/// of a message (they are borrowed).
/// Thread safety: once, with no other call on the headers running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_headers_destroy(headers: *mut kf_headers_t) {
    value((), || unsafe { Headers::destroy(headers as *mut Headers) })
}

/// Appends a header. Names may repeat; order is kept. `value` NULL (with `value_len` 0) adds a
/// null value, distinct from an empty one. The name and value are copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL headers or name, a non-UTF-8 name, or NULL value with a
/// non-zero length.
/// Thread safety: one thread at a time per headers list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_headers_add(
    headers: *mut kf_headers_t,
    name: *const c_char,
    value: *const u8,
    value_len: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_add";
    call(F, || unsafe {
        let h = super::handle_mut(headers, F, "headers")?;
        let n = arg_str(name, F, "name")?;
        let v = arg_bytes(value, value_len, F, "value")?;
        h.add(n, v)
    })
}

/// The number of headers; 0 when `headers` is NULL.
/// Thread safety: any thread, while no call changes the headers.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_headers_count(headers: *const kf_headers_t) -> usize {
    value(0, || opt(headers).map_or(0, Headers::count))
}

/// Writes `p` to `out` when `out` is not NULL.
fn write_out<T>(out: *mut T, p: T) {
    if !out.is_null() {
        unsafe { *out = p };
    }
}

/// The header at `index` (0-based, in order): its name, value (NULL for a null value) and value
/// length, each written when its `_out` pointer is not NULL. Borrowed, valid as long as the list.
///
/// Errors: KF_ERR__INVALID_ARG for NULL headers; KF_ERR__NOENT when `index` is out of range.
/// Thread safety: any thread, while no call changes the headers.
/// Blocks: no.
/// Nullable: `name_out`, `value_out`, `len_out`.
#[no_mangle]
pub extern "C" fn kf_headers_get(
    headers: *const kf_headers_t,
    index: usize,
    name_out: *mut *const c_char,
    value_out: *mut *const u8,
    len_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_get";
    call(F, || {
        let h = super::handle(headers, F, "headers")?
            .get(index)
            .map_err(in_fn(F))?;
        write_out(name_out, h.name.as_ptr());
        write_out(value_out, h.value.map_or(std::ptr::null(), <[u8]>::as_ptr));
        write_out(len_out, h.value.map_or(0, <[u8]>::len));
        Ok(())
    })
}

/// The last header named `name`: its value (NULL for a null value) and length, each written when
/// its `_out` pointer is not NULL. Borrowed.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL headers or name; KF_ERR__NOENT when there is no such
/// header.
/// Thread safety: any thread, while no call changes the headers.
/// Blocks: no.
/// Nullable: `value_out`, `len_out`.
#[no_mangle]
pub extern "C" fn kf_headers_get_last(
    headers: *const kf_headers_t,
    name: *const c_char,
    value_out: *mut *const u8,
    len_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_headers_get_last";
    call(F, || unsafe {
        let h = super::handle(headers, F, "headers")?;
        let n = arg_str(name, F, "name")?;
        let v = h.get_last(n).map_err(in_fn(F))?;
        write_out(value_out, v.map_or(std::ptr::null(), <[u8]>::as_ptr));
        write_out(len_out, v.map_or(0, <[u8]>::len));
        Ok(())
    })
}
