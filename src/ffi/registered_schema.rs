//! kf_registered_schema_t: a schema as registered under a subject (Python's RegisteredSchema):
//! id, version, subject and the schema.
//!
//! Thread safety: a plain value, read-only: any thread.
use std::ffi::CString;
use std::os::raw::c_char;

use super::schema::{kf_schema_t, SchemaValue};
use super::types::Handle;
use super::{free_handle, opt, value};
use crate::error::to_cstring_lossy;
use crate::schema_registry::RegisteredSchema;

/// A schema as registered under a subject: id, schema, subject, version.
pub struct kf_registered_schema_t {
    _opaque: [u8; 0],
}

/// A kf_registered_schema_t.
pub(crate) struct RegisteredValue {
    id: i32,
    version: i32,
    subject: CString,
    schema: SchemaValue,
}

impl RegisteredValue {
    pub(super) fn new(r: RegisteredSchema) -> Self {
        RegisteredValue {
            id: r.id,
            version: r.version,
            subject: to_cstring_lossy(r.subject),
            schema: SchemaValue::new(r.schema),
        }
    }
}

unsafe impl Handle for kf_registered_schema_t {
    type Target = RegisteredValue;
}

/// Frees a registered schema. NULL is a no-op.
///
/// Thread safety: once per registered schema.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_registered_schema_destroy(registered: *mut kf_registered_schema_t) {
    value((), || unsafe { free_handle(registered) })
}

/// The schema id (with Apicurio's ccompat API, a content id). -1 when `registered` is NULL.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_registered_schema_id(registered: *const kf_registered_schema_t) -> i32 {
    value(-1, || opt(registered).map_or(-1, |r| r.id))
}

/// The version under the subject. -1 when `registered` is NULL.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_registered_schema_version(registered: *const kf_registered_schema_t) -> i32 {
    value(-1, || opt(registered).map_or(-1, |r| r.version))
}

/// The subject.
///
/// Returns: borrowed, valid until the registered schema is destroyed; NULL when `registered`
/// is NULL. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_registered_schema_subject(
    registered: *const kf_registered_schema_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        opt(registered).map_or(std::ptr::null(), |r| r.subject.as_ptr())
    })
}

/// The schema (read it with kf_schema_str, kf_schema_type, kf_schema_reference_...).
///
/// Returns: borrowed, valid until the registered schema is destroyed; never pass it to
/// kf_schema_destroy or kf_schema_add_reference. NULL when `registered` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_registered_schema_schema(
    registered: *const kf_registered_schema_t,
) -> *const kf_schema_t {
    value(std::ptr::null(), || {
        opt(registered).map_or(std::ptr::null(), |r| {
            &r.schema as *const SchemaValue as *const kf_schema_t
        })
    })
}
