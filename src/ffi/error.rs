//! kf_error_t: the error every fallible call returns.
use std::os::raw::c_char;

use super::sized::write_sized;
use super::types::kf_error_t;
use super::{call, error_out, free_handle, handle, opt, value};
use crate::error::{code_description, code_name};

/// The error's code: a librdkafka `rd_kafka_resp_err_t` number (see the KF_ERR_ constants), or
/// one of kafkaffi's own codes (100000 and above).
///
/// `err` NULL: returns 0 (KF_ERR_NO_ERROR).
/// Thread safety: any thread; the error is immutable.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_code(err: *const kf_error_t) -> i32 {
    value(0, || opt(err).map_or(0, |e| e.code))
}

/// The code's symbolic name, e.g. "_PARTITION_EOF", "UNKNOWN_TOPIC_OR_PART".
///
/// Returns: a static string, never NULL, never freed. `err` NULL: "NO_ERROR".
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_name(err: *const kf_error_t) -> *const c_char {
    value(c"NO_ERROR".as_ptr(), || {
        code_name(opt(err).map_or(0, |e| e.code)).as_ptr()
    })
}

/// A human-readable message, naming the argument or key for invalid-argument errors.
///
/// Returns: borrowed, valid until kf_error_destroy(err); never NULL. `err` NULL: "Success".
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_message(err: *const kf_error_t) -> *const c_char {
    value(c"Success".as_ptr(), || match opt(err) {
        Some(e) => e.message.as_ptr(),
        None => c"Success".as_ptr(),
    })
}

/// True when the failed operation may succeed if retried (librdkafka's classification).
///
/// `err` NULL: false. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_is_retriable(err: *const kf_error_t) -> bool {
    value(false, || opt(err).is_some_and(|e| e.retriable))
}

/// True when the client can no longer be used and must be destroyed (a fatal error of the
/// idempotent or transactional producer, for instance).
///
/// `err` NULL: false. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_is_fatal(err: *const kf_error_t) -> bool {
    value(false, || opt(err).is_some_and(|e| e.fatal))
}

/// True when the current transaction must be aborted (kf_producer_abort_transaction) before
/// the producer can go on.
///
/// `err` NULL: false. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_txn_requires_abort(err: *const kf_error_t) -> bool {
    value(false, || opt(err).is_some_and(|e| e.txn_requires_abort))
}

/// Everything an error carries, read in one call by kf_error_info().
///
/// Starts with `size`: set it to `sizeof(kf_error_info_t)` before the call. The library refuses
/// a size below the first published one (KF_ERR__INVALID_ARG), never writes past `size`, and
/// sets `size` to the number of bytes it filled, so fields can be appended in later versions.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_error_info_t {
    /// The struct's size in bytes (see above).
    pub size: usize,
    /// As kf_error_code().
    pub code: i32,
    /// As kf_error_is_retriable().
    pub retriable: bool,
    /// As kf_error_is_fatal().
    pub fatal: bool,
    /// As kf_error_txn_requires_abort().
    pub txn_requires_abort: bool,
    /// As kf_error_name(): a static string, never freed.
    pub name: *const c_char,
    /// As kf_error_message(): borrowed from the error, valid until kf_error_destroy(err) (for an
    /// error handed to a callback, until the callback returns).
    pub message: *const c_char,
}

/// Fills `*info_out` with the error's code, name, message and its three flags in one call.
/// `info_out->size` must be set to sizeof(kf_error_info_t) (see kf_error_info_t).
///
/// Returns: the message in `*info_out` is borrowed from `err` (valid until
/// kf_error_destroy(err)); the name is static.
/// Errors: KF_ERR__INVALID_ARG for a NULL `err` or `info_out`, or `info_out->size` below the
/// first published size (`*info_out` is then not written).
/// Blocks: no. Thread safety: any thread; the error is immutable.
#[no_mangle]
pub extern "C" fn kf_error_info(
    err: *const kf_error_t,
    info_out: *mut kf_error_info_t,
) -> *mut kf_error_t {
    const F: &str = "kf_error_info";
    call(F, || {
        let e = handle(err, F, "err")?;
        let info = kf_error_info_t {
            size: 0,
            code: e.code,
            retriable: e.retriable,
            fatal: e.fatal,
            txn_requires_abort: e.txn_requires_abort,
            name: code_name(e.code).as_ptr(),
            message: e.message.as_ptr(),
        };
        unsafe { write_sized(info_out, info, ERROR_INFO_SIZE_V1, F, "info_out") }
    })
}

/// The first published size of kf_error_info_t.
const ERROR_INFO_SIZE_V1: usize = std::mem::size_of::<kf_error_info_t>();

/// An owned copy of an error, e.g. to keep one handed to a callback (which is borrowed).
///
/// Returns: caller owns; free with kf_error_destroy(). `err` NULL: NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_copy(err: *const kf_error_t) -> *mut kf_error_t {
    value(std::ptr::null_mut(), || match opt(err) {
        Some(e) => error_out(e.clone()),
        None => std::ptr::null_mut(),
    })
}

/// Frees an error returned by any kafkaffi call. NULL is a no-op.
///
/// Never pass an error that was handed to a callback (those are borrowed).
/// Thread safety: any thread, once per error.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_destroy(err: *mut kf_error_t) {
    value((), || unsafe { free_handle(err) })
}

/// The symbolic name of an error code, e.g. kf_error_code_name(KF_ERR__PARTITION_EOF) is
/// "_PARTITION_EOF". Unknown codes get librdkafka's "ERR_<n>?" form.
///
/// Returns: a static string, never NULL, never freed.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_code_name(code: i32) -> *const c_char {
    value(c"?".as_ptr(), || code_name(code).as_ptr())
}

/// A human-readable description of an error code.
///
/// Returns: a static string, never NULL, never freed.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_error_code_description(code: i32) -> *const c_char {
    value(c"?".as_ptr(), || code_description(code).as_ptr())
}

/// Frees a string that kafkaffi returned as "caller owns" (kf_config_get, kf_consumer_memberid).
/// NULL is a no-op.
///
/// Thread safety: any thread, once per string.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_string_free(s: *mut c_char) {
    value((), || {
        if !s.is_null() {
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
    })
}

/// First of kafkaffi's own error codes; librdkafka's never reach this range.
pub const KF_ERR_KAFKAFFI_BEGIN: i32 = 100_000;
/// kafkaffi: an internal error (a Rust panic) was caught at the ABI boundary; the call failed
/// but the library is still usable. Please report it. (The serialization failures are
/// librdkafka's codes: KF_ERR__KEY_SERIALIZATION, KF_ERR__VALUE_SERIALIZATION,
/// KF_ERR__KEY_DESERIALIZATION, KF_ERR__VALUE_DESERIALIZATION.)
pub const KF_ERR__PANIC: i32 = 100_000;
/// kafkaffi: a Schema Registry request failed: an HTTP error answer (see
/// kf_schema_registry_error_http_status and kf_schema_registry_error_code), a connection
/// failure or timeout (HTTP status 0), or an unexpected response.
pub const KF_ERR_SCHEMA_REGISTRY: i32 = 100_010;
/// kafkaffi: the client (producer, consumer, admin, or one built on them) was created in another
/// process and is used in a child process after fork(). librdkafka's threads do not survive
/// fork(), so the client cannot work in the child: every call on it fails with this code, and
/// its _destroy frees nothing of librdkafka (the child leaks it; the parent's copy is unaffected).
/// Create new clients in the child instead.
pub const KF_ERR__FORKED: i32 = 100_020;

// The numbers are defined by the domain (crate::error). cbindgen writes a constant's expression
// as it is, so a constant defined as a path would reach C as an undefined name: the C constants
// keep their literals, and these checks fail the build when one drifts from its definition.
const _: () = {
    use super::error_codes as rd;
    use crate::error as domain;
    assert!(KF_ERR_KAFKAFFI_BEGIN == domain::ERR_OWN_BEGIN);
    assert!(KF_ERR__PANIC == domain::ERR_PANIC);
    assert!(KF_ERR_SCHEMA_REGISTRY == domain::ERR_SCHEMA_REGISTRY);
    assert!(KF_ERR__FORKED == domain::ERR_FORKED);
    // librdkafka's codes the domain names itself (from rdkafka-sys), against the generated table.
    assert!(rd::KF_ERR__INVALID_ARG == domain::ERR_INVALID_ARG);
    assert!(rd::KF_ERR__STATE == domain::ERR_STATE);
    assert!(rd::KF_ERR__INTR == domain::ERR_INTR);
    assert!(rd::KF_ERR__FATAL == domain::ERR_FATAL);
    assert!(rd::KF_ERR__KEY_SERIALIZATION == domain::ERR_KEY_SERIALIZATION);
    assert!(rd::KF_ERR__VALUE_SERIALIZATION == domain::ERR_VALUE_SERIALIZATION);
    assert!(rd::KF_ERR__KEY_DESERIALIZATION == domain::ERR_KEY_DESERIALIZATION);
    assert!(rd::KF_ERR__VALUE_DESERIALIZATION == domain::ERR_VALUE_DESERIALIZATION);
};
