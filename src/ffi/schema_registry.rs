//! kf_schema_registry_t: the Schema Registry client (Python's SchemaRegistryClient), over
//! the Confluent REST API, or an in-process registry for `mock://` URLs. Its schemas are
//! kf_schema_t (schema.rs) and kf_registered_schema_t (registered_schema.rs).
//!
//! Thread safety: a client may be used from many threads at once. No call of this family runs
//! a callback.
//! Blocks: every operation that is not answered from the client's cache sends one HTTP request
//! (per URL tried, on connection errors) and waits at most the configured "timeout" for each.
use std::os::raw::c_char;
use std::sync::Arc;

use super::list::{int32_list, kf_int32_list_t, kf_string_list_t, string_list};
use super::registered_schema::{kf_registered_schema_t, RegisteredValue};
use super::schema::{kf_schema_t, SchemaValue};
use super::types::{kf_error_t, Handle};
use super::{arg_str, call, construct, free_handle, handle, opt, out_arg, owned_string, value};
use crate::error::KResult;
use crate::schema_registry::{RegisteredSchema, Schema, SchemaRegistryClient};

/// A Schema Registry client (Python's SchemaRegistryClient). Thread-safe.
pub struct kf_schema_registry_t {
    _opaque: [u8; 0],
}

// An Arc, so that other kafkaffi objects (serializers) can share the client.
unsafe impl Handle for kf_schema_registry_t {
    type Target = Arc<SchemaRegistryClient>;
}

// ---------------------------------------------------------------------------------------------
// Client

/// A new Schema Registry client, configured by a JSON object of the Python client's keys:
/// "url" (required: http://, https:// or mock://...; several separated by commas are tried in
/// turn on connection errors; user info in a URL, http://user:password@host, gives basic auth),
/// "basic.auth.user.info" ("user:password"), "basic.auth.credentials.source" (USER_INFO or
/// URL), "bearer.auth.credentials.source" (STATIC_TOKEN), "bearer.auth.token",
/// "bearer.auth.logical.cluster", "bearer.auth.identity.pool.id", "ssl.ca.location",
/// "ssl.certificate.location" and "ssl.key.location" (PEM files; the key unencrypted PKCS#8),
/// "timeout" (seconds per request, default 30), "cache.capacity" (entries per cache, default
/// 1000), "cache.latest.ttl.sec" (cached entries expire after it; it also turns on caching of
/// kf_schema_registry_get_latest_version). Values are strings or numbers.
///
/// A "mock://<anything>" URL gives an in-process registry with the Confluent registry's
/// semantics (status codes, error codes, versions, soft and permanent deletes, compatibility
/// levels, checked on Avro schemas), shared by every client of the process that names the same
/// URL, so serdes can be tested with no server. Its global level starts as BACKWARD.
///
/// Returns: caller owns; free with kf_schema_registry_destroy(). NULL on failure, with
/// `*err_out` set when `err_out` is not NULL.
/// Errors: KF_ERR__INVALID_ARG for a NULL or non-JSON config, an unknown key, a bad value, a
/// missing url, or TLS files that cannot be read or parsed. Nothing is sent to the registry.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_registry_new(
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_schema_registry_t {
    construct::<kf_schema_registry_t>("kf_schema_registry_new", err_out, || {
        let text = unsafe { arg_str(config_json, "kf_schema_registry_new", "config_json")? };
        Ok(Box::new(Arc::new(SchemaRegistryClient::from_json(text)?)))
    })
}

/// Frees a client. NULL is a no-op. Never blocks (no request is in flight after every call on
/// it has returned). Objects documented as sharing the client (serializers made from it) keep
/// their own reference, so the client may be destroyed before them.
///
/// Thread safety: once, after every other call on the client has returned.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_registry_destroy(registry: *mut kf_schema_registry_t) {
    value((), || unsafe { free_handle(registry) })
}

/// How many requests the client has sent to the registry so far (HTTP requests, counting each
/// URL tried; for mock:// URLs, requests the in-process registry answered). Answers from the
/// client's cache send none, so this shows the cache at work. A counter of events, not of
/// elements, hence uint64_t.
///
/// `registry` NULL: 0. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_registry_request_count(registry: *const kf_schema_registry_t) -> u64 {
    value(0, || opt(registry).map_or(0, |c| c.request_count()))
}

// ---------------------------------------------------------------------------------------------
// Errors

/// For a KF_ERR_SCHEMA_REGISTRY error: the HTTP status of the registry's answer (404, 409,
/// 422, ...), or 0 when no answer came (connection refused, timeout). 0 for any other error
/// and for NULL.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_registry_error_http_status(err: *const kf_error_t) -> i32 {
    value(0, || {
        opt(err)
            .and_then(|e| e.schema_registry)
            .map_or(0, |(s, _)| s)
    })
}

/// For a KF_ERR_SCHEMA_REGISTRY error: the registry's own error_code (40401 subject not
/// found, 40403 schema not found, 409 incompatible schema, 42201 invalid schema, ...), or 0
/// when the answer had none. 0 for any other error and for NULL. The registry's message is
/// part of kf_error_message().
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_schema_registry_error_code(err: *const kf_error_t) -> i32 {
    value(0, || {
        opt(err)
            .and_then(|e| e.schema_registry)
            .map_or(0, |(_, c)| c)
    })
}

// ---------------------------------------------------------------------------------------------
// Operations

fn registry_arg<'a>(c: *const kf_schema_registry_t, f: &str) -> KResult<&'a SchemaRegistryClient> {
    Ok(handle(c, f, "registry")?.as_ref())
}

fn schema_arg<'a>(s: *const kf_schema_t, f: &str) -> KResult<&'a Schema> {
    Ok(&handle(s, f, "schema")?.schema)
}

fn write_registered(out: *mut *mut kf_registered_schema_t, r: RegisteredSchema) {
    unsafe {
        *out = super::new_handle::<kf_registered_schema_t>(Box::new(RegisteredValue::new(r)))
    };
}

/// Registers `schema` under `subject` (Python's register_schema): a new version, unless the
/// subject already holds the same schema. `*id_out` gets the schema id. `normalize` asks the
/// registry to normalize the schema first. Cached: registering the same schema under the same
/// subject again sends no request.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY for the registry's
/// refusal (409 incompatible, 422 / 42201 invalid schema) or no answer.
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_register_schema(
    registry: *mut kf_schema_registry_t,
    subject: *const c_char,
    schema: *const kf_schema_t,
    normalize: bool,
    id_out: *mut i32,
) -> *mut kf_error_t {
    call("kf_schema_registry_register_schema", || {
        let f = "kf_schema_registry_register_schema";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let s = schema_arg(schema, f)?;
        let out = out_arg(id_out, f, "id_out")?;
        let id = c.register_schema(subject, s, normalize)?;
        unsafe { *out = id };
        Ok(())
    })
}

/// The schema with id `id` (Python's get_schema). Cached.
///
/// `*schema_out`: caller owns; free with kf_schema_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (404 / 40403 for an
/// unknown id, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_schema(
    registry: *const kf_schema_registry_t,
    id: i32,
    schema_out: *mut *mut kf_schema_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_schema", || {
        let f = "kf_schema_registry_get_schema";
        let c = registry_arg(registry, f)?;
        let out = out_arg(schema_out, f, "schema_out")?;
        let s = c.get_schema(id)?;
        unsafe { *out = super::new_handle::<kf_schema_t>(Box::new(SchemaValue::new(s))) };
        Ok(())
    })
}

/// The latest version of `subject` (Python's get_latest_version). Cached only when
/// "cache.latest.ttl.sec" is configured.
///
/// `*registered_out`: caller owns; free with kf_registered_schema_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (404 / 40401 for an
/// unknown subject, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_latest_version(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    registered_out: *mut *mut kf_registered_schema_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_latest_version", || {
        let f = "kf_schema_registry_get_latest_version";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let out = out_arg(registered_out, f, "registered_out")?;
        let r = c.get_latest_version(subject)?;
        write_registered(out, r);
        Ok(())
    })
}

/// Version `version` of `subject` (Python's get_version). Cached.
///
/// `*registered_out`: caller owns; free with kf_registered_schema_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401 unknown
/// subject, 40402 unknown version, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_version(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    version: i32,
    registered_out: *mut *mut kf_registered_schema_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_version", || {
        let f = "kf_schema_registry_get_version";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let out = out_arg(registered_out, f, "registered_out")?;
        let r = c.get_version(subject, version)?;
        write_registered(out, r);
        Ok(())
    })
}

/// The versions of `subject` that are not deleted, ascending (Python's get_versions).
///
/// `*versions_out`: caller owns; read with kf_int32_list_count() and kf_int32_list_values(),
/// free with kf_int32_list_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401 unknown
/// subject, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_versions(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    versions_out: *mut *mut kf_int32_list_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_versions", || {
        let f = "kf_schema_registry_get_versions";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let out = out_arg(versions_out, f, "versions_out")?;
        let v = c.get_versions(subject)?;
        unsafe { *out = int32_list(v) };
        Ok(())
    })
}

/// The subjects that are not deleted (Python's get_subjects).
///
/// `*subjects_out`: caller owns; read with kf_string_list_count() and kf_string_list_get(),
/// free with kf_string_list_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_subjects(
    registry: *const kf_schema_registry_t,
    subjects_out: *mut *mut kf_string_list_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_subjects", || {
        let f = "kf_schema_registry_get_subjects";
        let c = registry_arg(registry, f)?;
        let out = out_arg(subjects_out, f, "subjects_out")?;
        let subjects = c.get_subjects()?;
        unsafe { *out = string_list(subjects) };
        Ok(())
    })
}

/// The version of `subject` that holds `schema` (Python's lookup_schema). Cached.
///
/// `*registered_out`: caller owns; free with kf_registered_schema_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401 unknown
/// subject, 40403 schema not under the subject, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_lookup_schema(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    schema: *const kf_schema_t,
    normalize: bool,
    registered_out: *mut *mut kf_registered_schema_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_lookup_schema", || {
        let f = "kf_schema_registry_lookup_schema";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let s = schema_arg(schema, f)?;
        let out = out_arg(registered_out, f, "registered_out")?;
        let r = c.lookup_schema(subject, s, normalize)?;
        write_registered(out, r);
        Ok(())
    })
}

/// Deletes `subject` (Python's delete_subject): soft (`permanent` false), or permanent, which
/// the registry allows only after a soft delete. Forgets the subject's cached entries.
///
/// `versions_out` (may be NULL): the deleted versions; caller owns, free with
/// kf_int32_list_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401 unknown
/// subject, 40404 already soft-deleted, 40405 permanent without a soft delete first, or no
/// answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
/// Nullable: `versions_out`.
#[no_mangle]
pub extern "C" fn kf_schema_registry_delete_subject(
    registry: *mut kf_schema_registry_t,
    subject: *const c_char,
    permanent: bool,
    versions_out: *mut *mut kf_int32_list_t,
) -> *mut kf_error_t {
    call("kf_schema_registry_delete_subject", || {
        let f = "kf_schema_registry_delete_subject";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let v = c.delete_subject(subject, permanent)?;
        if !versions_out.is_null() {
            unsafe { *versions_out = int32_list(v) };
        }
        Ok(())
    })
}

/// Deletes version `version` (-1: the latest) of `subject` (Python's delete_version): soft,
/// or permanent after a soft delete. `*version_out` (may be NULL) gets the deleted version.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401, 40402
/// unknown version, 40406 already soft-deleted, 40407 permanent without a soft delete first,
/// or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
/// Nullable: `version_out`.
#[no_mangle]
pub extern "C" fn kf_schema_registry_delete_version(
    registry: *mut kf_schema_registry_t,
    subject: *const c_char,
    version: i32,
    permanent: bool,
    version_out: *mut i32,
) -> *mut kf_error_t {
    call("kf_schema_registry_delete_version", || {
        let f = "kf_schema_registry_delete_version";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let v = c.delete_version(subject, version, permanent)?;
        if !version_out.is_null() {
            unsafe { *version_out = v };
        }
        Ok(())
    })
}

/// Sets the compatibility level of `subject`, or the global one when `subject` is NULL
/// (Python's set_compatibility). `level`: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD,
/// FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL registry or level or an unknown level;
/// KF_ERR_SCHEMA_REGISTRY (the registry's refusal, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
/// Nullable: `subject`.
#[no_mangle]
pub extern "C" fn kf_schema_registry_set_compatibility(
    registry: *mut kf_schema_registry_t,
    subject: *const c_char,
    level: *const c_char,
) -> *mut kf_error_t {
    call("kf_schema_registry_set_compatibility", || {
        let f = "kf_schema_registry_set_compatibility";
        let c = registry_arg(registry, f)?;
        let subject = if subject.is_null() {
            None
        } else {
            Some(unsafe { arg_str(subject, f, "subject")? })
        };
        let level = unsafe { arg_str(level, f, "level")? };
        c.set_compatibility(subject, level)?;
        Ok(())
    })
}

/// The compatibility level of `subject`, or the global one when `subject` is NULL (Python's
/// get_compatibility). A subject without a level of its own is an error on Confluent's
/// registry (40408); Apicurio answers with the level in force.
///
/// `*level_out`: caller owns; free with kf_string_free().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40408, or no
/// answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
/// Nullable: `subject`.
#[no_mangle]
pub extern "C" fn kf_schema_registry_get_compatibility(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    level_out: *mut *mut c_char,
) -> *mut kf_error_t {
    call("kf_schema_registry_get_compatibility", || {
        let f = "kf_schema_registry_get_compatibility";
        let c = registry_arg(registry, f)?;
        let subject = if subject.is_null() {
            None
        } else {
            Some(unsafe { arg_str(subject, f, "subject")? })
        };
        let out = out_arg(level_out, f, "level_out")?;
        let level = c.get_compatibility(subject)?;
        unsafe { *out = owned_string(level) };
        Ok(())
    })
}

/// Whether `schema` is compatible with version `version` (-1: the latest) of `subject` under
/// the subject's compatibility level (Python's test_compatibility). `*compatible_out` gets the
/// answer.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR_SCHEMA_REGISTRY (40401, 40402,
/// 42201 invalid schema, or no answer).
/// Thread safety: any thread. Blocks: up to the configured timeout per URL tried.
#[no_mangle]
pub extern "C" fn kf_schema_registry_test_compatibility(
    registry: *const kf_schema_registry_t,
    subject: *const c_char,
    schema: *const kf_schema_t,
    version: i32,
    compatible_out: *mut bool,
) -> *mut kf_error_t {
    call("kf_schema_registry_test_compatibility", || {
        let f = "kf_schema_registry_test_compatibility";
        let c = registry_arg(registry, f)?;
        let subject = unsafe { arg_str(subject, f, "subject")? };
        let s = schema_arg(schema, f)?;
        let out = out_arg(compatible_out, f, "compatible_out")?;
        let ok = c.test_compatibility(subject, s, (version >= 0).then_some(version))?;
        unsafe { *out = ok };
        Ok(())
    })
}
