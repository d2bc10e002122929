//! kf_schema_t: a schema (Avro, JSON Schema or Protobuf text) with its type and its references
//! to other registered schemas (Python's Schema and SchemaReference).
//!
//! Thread safety: a schema is a plain value: one thread at a time may change it; reading it from
//! several threads is safe.
use std::ffi::CString;
use std::os::raw::c_char;

use super::types::{kf_error_t, Handle};
use super::{arg_str, call, construct, free_handle, handle_mut, opt, value};
use crate::error::{to_cstring_lossy, KResult, KafkaError};
use crate::schema_registry::{Schema, SchemaReference, SchemaType};

/// A schema: its text, its type (KF_SCHEMA_TYPE_...) and its references.
pub struct kf_schema_t {
    _opaque: [u8; 0],
}

/// A kf_schema_t: the schema plus the C strings its accessors lend.
pub(crate) struct SchemaValue {
    pub(crate) schema: Schema,
    c_str: CString,
    c_refs: Vec<(CString, CString)>,
}

impl SchemaValue {
    pub(super) fn new(schema: Schema) -> Self {
        let c_str = to_cstring_lossy(schema.schema_str.clone());
        let c_refs = schema
            .references
            .iter()
            .map(|r| {
                (
                    to_cstring_lossy(r.name.clone()),
                    to_cstring_lossy(r.subject.clone()),
                )
            })
            .collect();
        SchemaValue {
            schema,
            c_str,
            c_refs,
        }
    }
}

unsafe impl Handle for kf_schema_t {
    type Target = SchemaValue;
}

/// Schema type Avro (the registry's "AVRO", its default).
pub const KF_SCHEMA_TYPE_AVRO: i32 = 0;
/// Schema type JSON Schema (the registry's "JSON").
pub const KF_SCHEMA_TYPE_JSON: i32 = 1;
/// Schema type Protobuf (the registry's "PROTOBUF").
pub const KF_SCHEMA_TYPE_PROTOBUF: i32 = 2;

pub(super) fn type_from_int(t: i32, func: &str) -> KResult<SchemaType> {
    match t {
        KF_SCHEMA_TYPE_AVRO => Ok(SchemaType::Avro),
        KF_SCHEMA_TYPE_JSON => Ok(SchemaType::Json),
        KF_SCHEMA_TYPE_PROTOBUF => Ok(SchemaType::Protobuf),
        _ => Err(KafkaError::invalid_arg(format!(
            "{func}: schema_type {t} is not a KF_SCHEMA_TYPE_ value"
        ))),
    }
}

pub(super) fn type_to_int(t: SchemaType) -> i32 {
    match t {
        SchemaType::Avro => KF_SCHEMA_TYPE_AVRO,
        SchemaType::Json => KF_SCHEMA_TYPE_JSON,
        SchemaType::Protobuf => KF_SCHEMA_TYPE_PROTOBUF,
    }
}

/// A new schema: its text (an Avro schema, a JSON Schema or a .proto file) and its type.
///
/// Returns: caller owns; free with kf_schema_destroy(). NULL on failure, with `*err_out` set
/// when `err_out` is not NULL.
/// Errors: KF_ERR__INVALID_ARG for a NULL or non-UTF-8 `schema_str` or an unknown type.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_new(
    schema_str: *const c_char,
    schema_type: i32,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_schema_t {
    construct::<kf_schema_t>("kf_schema_new", err_out, || {
        let s = unsafe { arg_str(schema_str, "kf_schema_new", "schema_str")? };
        let t = type_from_int(schema_type, "kf_schema_new")?;
        Ok(Box::new(SchemaValue::new(Schema::new(s, t))))
    })
}

/// Frees a schema the caller owns. NULL is a no-op. Never pass the schema lent by
/// kf_registered_schema_schema().
///
/// Thread safety: once per schema.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_destroy(schema: *mut kf_schema_t) {
    value((), || unsafe { free_handle(schema) })
}

/// Adds a reference to another registered schema: `name` as the schema imports it (an Avro
/// full name, a JSON Schema $ref URL, a .proto import path), and the subject and version that
/// hold it.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL schema, name or subject, or non-UTF-8 text.
/// Thread safety: one thread at a time per schema; strings borrowed from the schema before
/// this call stay valid (they are not moved), new reference accessors see the new reference.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_add_reference(
    schema: *mut kf_schema_t,
    name: *const c_char,
    subject: *const c_char,
    version: i32,
) -> *mut kf_error_t {
    call("kf_schema_add_reference", || {
        let f = "kf_schema_add_reference";
        let s = handle_mut(schema, f, "schema")?;
        let name = unsafe { arg_str(name, f, "name")? };
        let subject = unsafe { arg_str(subject, f, "subject")? };
        s.schema.references.push(SchemaReference {
            name: name.to_string(),
            subject: subject.to_string(),
            version,
        });
        s.c_refs.push((
            to_cstring_lossy(name.to_string()),
            to_cstring_lossy(subject.to_string()),
        ));
        Ok(())
    })
}

/// The schema's text.
///
/// Returns: borrowed, valid until the schema is destroyed; NULL when `schema` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_str(schema: *const kf_schema_t) -> *const c_char {
    value(std::ptr::null(), || {
        opt(schema).map_or(std::ptr::null(), |s| s.c_str.as_ptr())
    })
}

/// The schema's type: KF_SCHEMA_TYPE_AVRO, _JSON or _PROTOBUF; -1 when `schema` is NULL.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_type(schema: *const kf_schema_t) -> i32 {
    value(-1, || {
        opt(schema).map_or(-1, |s| type_to_int(s.schema.schema_type))
    })
}

/// How many references the schema has; 0 when `schema` is NULL.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_reference_count(schema: *const kf_schema_t) -> usize {
    value(0, || opt(schema).map_or(0, |s| s.schema.references.len()))
}

/// The name of reference `index` (0-based).
///
/// Returns: borrowed, valid until the schema is destroyed; NULL when `schema` is NULL or
/// `index` is out of range. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_reference_name(
    schema: *const kf_schema_t,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        opt(schema)
            .and_then(|s| s.c_refs.get(index))
            .map_or(std::ptr::null(), |r| r.0.as_ptr())
    })
}

/// The subject of reference `index` (0-based).
///
/// Returns: borrowed, valid until the schema is destroyed; NULL when `schema` is NULL or
/// `index` is out of range. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_reference_subject(
    schema: *const kf_schema_t,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        opt(schema)
            .and_then(|s| s.c_refs.get(index))
            .map_or(std::ptr::null(), |r| r.1.as_ptr())
    })
}

/// The version of reference `index` (0-based); -1 when `schema` is NULL or `index` is out of
/// range. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_reference_version(schema: *const kf_schema_t, index: usize) -> i32 {
    value(-1, || {
        opt(schema)
            .and_then(|s| s.schema.references.get(index))
            .map_or(-1, |r| r.version)
    })
}
