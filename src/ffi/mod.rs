//! The C ABI. Every `extern "C"` function of kafkaffi lives here, one file per handle family.
//!
//! Each function body runs inside one of the guards below: a Rust panic becomes an error
//! (`_PANIC`) or the documented fallback value, and never unwinds into the caller.
//! Argument checks happen here, before anything reaches the domain layer in `crate::client`.
#![allow(non_camel_case_types)]
// C names: kf_..._t
// The C functions are safe to call from C by contract: each checks its pointers for NULL before
// dereferencing them, and documents what a valid pointer is. Marking them `unsafe fn` would
// change nothing for C callers. Their argument lists follow the Python client's signatures.
#![allow(clippy::not_unsafe_ptr_arg_deref, clippy::too_many_arguments)]
use std::ffi::CStr;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{KResult, KafkaError};
use crate::kafka::tag::Tag;
use types::Handle;

mod admin;
mod avro;
mod avro_legacy;
mod buffer;
mod callback;
mod client_info;
mod config;
mod constants;
mod consumer;
mod consumer_group_metadata;
mod delivery_report;
mod deserialized_message;
mod deserializer;
mod deserializing_consumer;
mod error;
mod error_codes;
mod header_view;
mod headers;
mod json_schema;
mod list;
mod message;
mod message_view;
mod metadata;
mod mock;
mod oauth_token;
mod partitioner;
mod produce;
mod producer;
mod protobuf;
mod registered_schema;
mod schema;
mod schema_registry;
mod serde_callback;
mod serde_hooks;
mod serialization_context;
mod serializer;
mod serializing_producer;
mod sized;
mod throttle_event;
mod topic_partition;
mod transactions;
mod types;
mod version;

// The C view is flat, as the header is: every kf_ item at kafkaffi::ffi::kf_..., whichever
// file defines it, so files can be split or renamed without touching a caller.
pub use admin::*;
pub use avro::*;
pub use avro_legacy::*;
pub use buffer::*;
pub use client_info::*;
pub use config::*;
pub use constants::*;
pub use consumer::*;
pub use consumer_group_metadata::*;
pub use delivery_report::*;
pub use deserialized_message::*;
pub use deserializer::*;
pub use deserializing_consumer::*;
pub use error::*;
pub use error_codes::*;
pub use header_view::*;
pub use headers::*;
pub use json_schema::*;
pub use list::*;
pub use message::*;
pub use message_view::*;
pub use metadata::*;
pub use mock::*;
pub use oauth_token::*;
pub use partitioner::*;
pub use produce::*;
pub use producer::*;
pub use protobuf::*;
pub use registered_schema::*;
pub use schema::*;
pub use schema_registry::*;
pub use serde_callback::*;
pub use serde_hooks::*;
pub use serialization_context::*;
pub use serializer::*;
pub use serializing_producer::*;
pub use throttle_event::*;
pub use topic_partition::*;
pub use transactions::*;
pub use types::*;
pub use version::*;

/// Guard for calls that return `kf_error_t *`: NULL on success, an owned error otherwise.
pub(crate) fn call(name: &str, f: impl FnOnce() -> KResult<()>) -> *mut kf_error_t {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => std::ptr::null_mut(),
        Ok(Err(e)) => error_out(e),
        Err(_) => error_out(KafkaError::panic(name)),
    }
}

/// Prefixes a domain error's message with the C function that met it
/// ("kf_headers_get: no header at index 3"): the domain names no C function.
pub(crate) fn in_fn(func: &str) -> impl FnOnce(KafkaError) -> KafkaError + '_ {
    move |mut e| {
        let text = format!("{func}: {}", e.message.to_string_lossy());
        e.message = crate::error::to_cstring_lossy(text);
        e
    }
}

/// A client's destroy: frees the handle, unless the calling thread is inside one of that
/// client's callbacks (freeing it there would pull the client from under the callback): then
/// KF_ERR__STATE and nothing is freed. NULL is a no-op. `noun` names the client in the message.
pub(crate) fn destroy_client<H: Handle>(
    p: *mut H,
    func: &str,
    noun: &str,
    client: impl FnOnce(&H::Target) -> &crate::kafka::client::Client,
) -> *mut kf_error_t {
    call(func, || {
        if p.is_null() {
            return Ok(());
        }
        // A client of another kind is refused (and not freed), not taken for NULL.
        let target = handle(p, func, noun)?;
        if client(target).in_callback() {
            return Err(KafkaError::state(format!(
                "{func}: called from inside one of this {noun}'s callbacks"
            )));
        }
        unsafe { free_handle(p) };
        Ok(())
    })
}

/// Hands an error to the caller (freed with kf_error_destroy).
pub(crate) fn error_out(e: KafkaError) -> *mut kf_error_t {
    new_handle(Box::new(e))
}

/// Hands a new handle to the caller.
pub(crate) fn new_handle<H: Handle>(b: Box<H::Target>) -> *mut H {
    Box::into_raw(b) as *mut H
}

/// Frees a handle made by new_handle(); NULL is a no-op.
///
/// # Safety
/// `p` is NULL or came from new_handle() and is not used afterwards.
pub(crate) unsafe fn free_handle<H: Handle>(p: *mut H) {
    if !p.is_null() {
        drop(Box::from_raw(p as *mut H::Target));
    }
}

/// A domain value lent to C for the duration of a callback, as its handle type.
#[inline]
pub(crate) fn borrowed<H: Handle>(value: &H::Target) -> *const H {
    value as *const H::Target as *const H
}

/// The value behind a handle, or None for NULL (and for a client handle of another kind).
#[inline]
pub(crate) fn opt<'a, H: Handle>(p: *const H) -> Option<&'a H::Target> {
    if let Some(tag) = H::TAG {
        if p.is_null() || unsafe { Tag::at(p as *const u8) } != tag {
            return None;
        }
    }
    unsafe { (p as *const H::Target).as_ref() }
}

/// The value behind a required handle. A client handle of another kind (a kf_producer_t *
/// passed as a kf_consumer_t *) is KF_ERR__INVALID_ARG naming both kinds.
#[inline]
pub(crate) fn handle<'a, H: Handle>(p: *const H, func: &str, what: &str) -> KResult<&'a H::Target> {
    if p.is_null() {
        return Err(KafkaError::invalid_arg(format!("{func}: {what} is NULL")));
    }
    if let Some(tag) = H::TAG {
        let found = unsafe { Tag::at(p as *const u8) };
        if found != tag {
            return Err(wrong_kind(H::C_NAME, found, func, what));
        }
    }
    Ok(unsafe { &*(p as *const H::Target) })
}

#[cold]
fn wrong_kind(expected: &str, found: Tag, func: &str, what: &str) -> KafkaError {
    let it = match types::client_name(found) {
        Some(name) => format!("it is a {name}"),
        None => "it is no client handle, or one already destroyed".to_string(),
    };
    KafkaError::invalid_arg(format!("{func}: {what} is not a {expected} ({it})"))
}

/// The value behind a required handle, mutably (for single-threaded objects such as configs).
pub(crate) fn handle_mut<'a, H: Handle>(
    p: *mut H,
    func: &str,
    what: &str,
) -> KResult<&'a mut H::Target> {
    unsafe { (p as *mut H::Target).as_mut() }
        .ok_or_else(|| KafkaError::invalid_arg(format!("{func}: {what} is NULL")))
}

/// Guard for constructors: the new handle, or NULL with `*err_out` set when `err_out` is not NULL.
pub(crate) fn construct<H: Handle>(
    name: &str,
    err_out: *mut *mut kf_error_t,
    f: impl FnOnce() -> KResult<Box<H::Target>>,
) -> *mut H {
    let res = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(KafkaError::panic(name)),
    };
    match res {
        Ok(b) => new_handle(b),
        Err(e) => {
            if !err_out.is_null() {
                unsafe { *err_out = error_out(e) };
            }
            std::ptr::null_mut()
        }
    }
}

/// Guard for accessors and destructors: `fallback` when the body panics.
pub(crate) fn value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// A required pointer argument (not a handle: see handle()).
pub(crate) unsafe fn arg<'a, T>(p: *const T, func: &str, what: &str) -> KResult<&'a T> {
    p.as_ref()
        .ok_or_else(|| KafkaError::invalid_arg(format!("{func}: {what} is NULL")))
}

/// A required `_out` pointer.
pub(crate) fn out_arg<T>(p: *mut T, func: &str, what: &str) -> KResult<*mut T> {
    if p.is_null() {
        Err(KafkaError::invalid_arg(format!("{func}: {what} is NULL")))
    } else {
        Ok(p)
    }
}

/// A required NUL-terminated UTF-8 string.
pub(crate) unsafe fn arg_cstr<'a>(p: *const c_char, func: &str, what: &str) -> KResult<&'a CStr> {
    if p.is_null() {
        return Err(KafkaError::invalid_arg(format!("{func}: {what} is NULL")));
    }
    let s = CStr::from_ptr(p);
    if std::str::from_utf8(s.to_bytes()).is_err() {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: {what} is not valid UTF-8"
        )));
    }
    Ok(s)
}

/// A required string as &str.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, func: &str, what: &str) -> KResult<&'a str> {
    Ok(arg_cstr(p, func, what)?.to_str().expect("checked UTF-8"))
}

/// Optional bytes: NULL is "null" (None), distinct from empty (non-NULL, 0).
pub(crate) unsafe fn arg_bytes<'a>(
    p: *const u8,
    len: usize,
    func: &str,
    what: &str,
) -> KResult<Option<&'a [u8]>> {
    if p.is_null() {
        if len != 0 {
            return Err(KafkaError::invalid_arg(format!(
                "{func}: {what} is NULL but its length is {len}"
            )));
        }
        return Ok(None);
    }
    Ok(Some(std::slice::from_raw_parts(p, len)))
}

/// Hands an owned C string to the caller, freed with kf_string_free().
pub(crate) fn owned_string(s: String) -> *mut c_char {
    crate::error::to_cstring_lossy(s).into_raw()
}

/// A caller's struct that starts with `size_t size` (docs/ABI.md, "Structs that grow"): a copy
/// of it, read no further than its `size`; fields past `size` (appended in a later version than
/// the caller's header) read as zero. KF_ERR__INVALID_ARG for NULL or a size below
/// `first_size`, the struct's first published size.
///
/// # Safety
/// `T` is `#[repr(C)]`, starts with a `usize`, and all-zero bytes are a valid `T`; `p` is NULL
/// or points to at least the `size` bytes its first field says.
pub(crate) unsafe fn arg_sized<T: Copy>(
    p: *const T,
    first_size: usize,
    func: &str,
    what: &str,
) -> KResult<T> {
    let size = *arg(p as *const usize, func, what)?;
    if size < first_size {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: {what}->size is {size}, below {first_size} (set it to sizeof the struct)"
        )));
    }
    let mut v = std::mem::MaybeUninit::<T>::zeroed();
    let n = size.min(std::mem::size_of::<T>());
    std::ptr::copy_nonoverlapping(p as *const u8, v.as_mut_ptr() as *mut u8, n);
    Ok(v.assume_init())
}
