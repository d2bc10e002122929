//! The JSON Schema serializer and deserializer (Python's JSONSerializer and JSONDeserializer)
//! over a Schema Registry client, in the Confluent wire format (magic byte 0, the schema id as 4
//! bytes big-endian, the record as UTF-8 JSON text). They are ordinary kf_serializer_t /
//! kf_deserializer_t handles: use them with kf_serializer_serialize(),
//! kf_deserializer_deserialize(), kf_serializing_producer_new() and
//! kf_deserializing_consumer_new().
//!
//! Records cross the ABI as JSON text. The mapping is documented once, on
//! kf_json_schema_serializer_new(), because only item doc comments reach the header.
use std::os::raw::c_char;
use std::sync::Arc;

use super::schema::kf_schema_t;
use super::schema_registry::kf_schema_registry_t;
use super::types::*;
use super::{arg_str, construct, handle};
use super::{kf_deserializer_t, kf_serializer_t};
use crate::error::KResult;
use crate::schema_registry::{Schema, SchemaRegistryClient, SchemaType};
use crate::serdes::json_schema::{
    deserializer_config, serializer_config, JsonSchemaDeserializer, JsonSchemaSerializer,
};
use crate::serdes::{Deserializer, SerdeKind, Serializer};

/// An optional C string argument: NULL is None.
unsafe fn opt_str<'a>(p: *const c_char, func: &str, what: &str) -> KResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, func, what).map(Some)
    }
}

fn json_serializer(
    client: Arc<SchemaRegistryClient>,
    schema: Option<Schema>,
    config_json: Option<&str>,
) -> KResult<Box<Serializer>> {
    let (config, validate) = serializer_config(config_json)?;
    let ser = JsonSchemaSerializer::new(client, schema, config, validate)?;
    Ok(Box::new(Serializer::new(SerdeKind::Custom(Box::new(
        move |ctx, data| ser.serialize(ctx, data),
    )))))
}

fn json_deserializer(
    client: Arc<SchemaRegistryClient>,
    reader: Option<Schema>,
    config_json: Option<&str>,
) -> KResult<Box<Deserializer>> {
    let (config, validate) = deserializer_config(config_json)?;
    let de = JsonSchemaDeserializer::new(client, reader, config, validate)?;
    Ok(Box::new(Deserializer::new(SerdeKind::Custom(Box::new(
        move |ctx, data| de.deserialize(ctx, data),
    )))))
}

/// Python's JSONSerializer: serializes records given as JSON text with `schema_str` (a JSON
/// Schema, JSON text) to the Confluent wire format, registering or looking up the schema (type
/// JSON) in `registry` under the subject the strategy names; the record strategies take the
/// record name from the schema's "title".
///
/// The JSON mapping, for every JSON Schema function of kafkaffi, in and out: a record is JSON
/// text (UTF-8), and the payload is that JSON as Python's client writes it
/// (`json.dumps(record, separators=(",", ":"), ensure_ascii=False)`):
/// - no whitespace; object members in the order given (a repeated member keeps its first place
///   and takes its last value, as Python's json.loads does);
/// - strings escaped as Python escapes them: non-ASCII characters as they are, control
///   characters escaped;
/// - a number with a fraction or an exponent stays a float and is written as Python's repr
///   writes it (2.0, 1e+16, 1.5e-07); an integer stays an integer; an integer beyond 64 bits
///   becomes a float (Python keeps it exact).
/// The deserializer returns the payload written the same way, so a payload with spaces from
/// another client comes back compact. Records are validated against the JSON Schema on both
/// sides unless "validate" is false: the draft named by `$schema`, else 2020-12 (as Python);
/// `format` is not asserted. Each schema's validator is compiled once and cached.
///
/// `schema_str` may be NULL only with use.latest.version=true: the subject's latest registered
/// schema (with its references) is then used. `config_json` (NULL or "": defaults) is a JSON
/// object with Python's keys: "auto.register.schemas" (default true), "use.latest.version"
/// (default false; requires auto.register.schemas=false), "normalize.schemas" (default false),
/// "subject.name.strategy" ("topic_name" (default), "topic_record_name", "record_name";
/// Python's TopicNameStrategy, TopicRecordNameStrategy and RecordNameStrategy spellings are
/// accepted too), "validate" (default true: each record is validated against the schema before
/// it is written). Unknown keys are rejected. The subject's schema id is cached in the
/// serializer after the first record: steady state sends no request to the registry. A null
/// value stays null. For a schema that references other subjects' schemas, use
/// kf_json_schema_serializer_new_with_schema().
///
/// The serializer keeps its own reference to `registry`, which may be destroyed first.
/// Errors while serializing (invalid JSON, a record the schema rejects, a registry error) are
/// KF_ERR__KEY_SERIALIZATION / KF_ERR__VALUE_SERIALIZATION with the cause (for a validation
/// failure, where in the record and what the schema requires).
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL registry, a schema that is not valid JSON or not a
/// valid JSON Schema, bad configuration).
/// Thread safety: any thread; the serializer may be used from several threads at once
/// (serializing may block on the registry the first time a subject is seen).
/// Blocks: no.
/// Nullable: `config_json`.
#[no_mangle]
pub extern "C" fn kf_json_schema_serializer_new(
    registry: *const kf_schema_registry_t,
    schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_json_schema_serializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let schema =
            opt_str(schema_str, F, "schema_str")?.map(|t| Schema::new(t, SchemaType::Json));
        json_serializer(client, schema, opt_str(config_json, F, "config_json")?)
    })
}

/// As kf_json_schema_serializer_new(), with the schema as a kf_schema_t (Python's
/// JSONSerializer taking a Schema): its type must be KF_SCHEMA_TYPE_JSON, and its references
/// (kf_schema_add_reference(): the name `$ref` uses, e.g. "address.json", the subject and the
/// version holding it) name other subjects' schemas. Those are fetched from the registry now
/// (recursively; they must be registered already) and made available to `$ref` under their
/// names; the schema is registered (or looked up) with its references. `schema` is copied: the
/// caller keeps ownership. `schema` NULL is allowed only with use.latest.version=true. The
/// serializer keeps its own reference to `registry`, which may be destroyed first.
///
/// Blocks: on the registry while fetching the references (at most the client's timeout per
/// request; answers are cached by the client).
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL: KF_ERR__INVALID_ARG (NULL registry, a schema that is not JSON or does not
/// compile with its references, bad configuration), KF_ERR_SCHEMA_REGISTRY (a referenced
/// subject version the registry cannot return).
/// Thread safety: any thread; the serializer may be used from several threads at once.
/// Nullable: `config_json`.
#[no_mangle]
pub extern "C" fn kf_json_schema_serializer_new_with_schema(
    registry: *const kf_schema_registry_t,
    schema: *const kf_schema_t,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_json_schema_serializer_new_with_schema";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let schema = super::opt(schema).map(|s| s.schema.clone());
        json_serializer(client, schema, opt_str(config_json, F, "config_json")?)
    })
}

/// Python's JSONDeserializer: reads Confluent wire-format bytes, fetches the writer's schema by
/// its id from `registry` (with the schemas it references; cached after the first time), parses
/// the JSON body, validates it and returns the record as JSON text (in the mapping documented
/// on kf_json_schema_serializer_new(): Python's compact form, members in the payload's order).
/// A null value stays null.
///
/// The record is validated against `schema_str` (a JSON Schema) when given, else against the
/// writer's schema. `config_json` (NULL or "": defaults) is a JSON object with Python's keys:
/// "use.latest.version" (default false): the latest version registered under the subject
/// validates instead (fetched the first time the subject is seen, then kept), the subject named
/// by "subject.name.strategy" ("topic_name" (default), "topic_record_name", "record_name", as
/// for the serializer; the record strategies take the title of the writer's schema);
/// "validate" (default true; false: no validation). Unknown keys are rejected.
///
/// Errors while deserializing are KF_ERR__KEY_DESERIALIZATION / KF_ERR__VALUE_DESERIALIZATION
/// with the cause: a payload shorter than the 5-byte header, a magic byte other than 0, a
/// schema id the registry does not know, a body that is not valid JSON (e.g. truncated), a
/// record the schema rejects, with use.latest.version a subject without versions.
///
/// The deserializer keeps its own reference to `registry`, which may be destroyed first.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL registry, invalid schema, bad configuration).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Blocks: no.
/// Nullable: `schema_str`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_json_schema_deserializer_new(
    registry: *const kf_schema_registry_t,
    schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_json_schema_deserializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let reader =
            opt_str(schema_str, F, "schema_str")?.map(|t| Schema::new(t, SchemaType::Json));
        json_deserializer(client, reader, opt_str(config_json, F, "config_json")?)
    })
}

/// As kf_json_schema_deserializer_new(), with the reader schema as a kf_schema_t (may be NULL:
/// validate with the writer's schema): its type must be KF_SCHEMA_TYPE_JSON; its references
/// name other subjects' schemas, fetched from the registry now and made available to `$ref`
/// under their names. `schema` is copied: the caller keeps ownership. The deserializer keeps
/// its own reference to `registry`, which may be destroyed first.
///
/// Blocks: on the registry while fetching the references (answers are cached by the client).
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL: KF_ERR__INVALID_ARG (NULL registry, a schema that is not JSON or does not
/// compile with its references, bad configuration), KF_ERR_SCHEMA_REGISTRY (a referenced
/// subject version the registry cannot return).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Nullable: `config_json`.
#[no_mangle]
pub extern "C" fn kf_json_schema_deserializer_new_with_schema(
    registry: *const kf_schema_registry_t,
    schema: *const kf_schema_t,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_json_schema_deserializer_new_with_schema";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let reader = super::opt(schema).map(|s| s.schema.clone());
        json_deserializer(client, reader, opt_str(config_json, F, "config_json")?)
    })
}
