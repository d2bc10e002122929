//! The Avro serializer and deserializer (Python's AvroSerializer and AvroDeserializer) over a
//! Schema Registry client, in the Confluent wire format (magic byte 0, the schema id as 4 bytes
//! big-endian, the Avro binary encoding). They are ordinary kf_serializer_t / kf_deserializer_t
//! handles: use them with kf_serializer_serialize(), kf_deserializer_deserialize(),
//! kf_serializing_producer_new() and kf_deserializing_consumer_new().
//!
//! Records cross the ABI as JSON text. The mapping is documented once, on
//! kf_avro_serializer_new(), because only item doc comments reach the header.
use std::os::raw::c_char;

use std::sync::Arc;

use super::schema::kf_schema_t;
use super::schema_registry::kf_schema_registry_t;
use super::types::*;
use super::{arg_str, construct, handle};
use super::{kf_deserializer_t, kf_serializer_t};
use crate::error::KResult;
use crate::schema_registry::{Schema, SchemaRegistryClient, SchemaType};
use crate::serdes::avro::{AvroDeserializer, AvroSerializer};
use crate::serdes::schema_based::{DeserializerConfig, SerializerConfig};
use crate::serdes::{Deserializer, SerdeKind, Serializer};

/// An optional C string argument: NULL is None.
unsafe fn opt_str<'a>(p: *const c_char, func: &str, what: &str) -> KResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, func, what).map(Some)
    }
}

/// The serializer for `schema` (None: use.latest.version) and `config_json`.
fn avro_serializer(
    client: Arc<SchemaRegistryClient>,
    schema: Option<Schema>,
    config_json: Option<&str>,
) -> KResult<Box<Serializer>> {
    let config = SerializerConfig::from_json(config_json, "Avro serializer", |_, _| Ok(false))?;
    let ser = AvroSerializer::new(client, schema, config)?;
    Ok(Box::new(Serializer::new(SerdeKind::Custom(Box::new(
        move |ctx, data| ser.serialize(ctx, data),
    )))))
}

/// The deserializer for `reader` (None: the writer's schema) and `config_json`.
fn avro_deserializer(
    client: Arc<SchemaRegistryClient>,
    reader: Option<Schema>,
    config_json: Option<&str>,
) -> KResult<Box<Deserializer>> {
    let config = DeserializerConfig::from_json(config_json, "Avro deserializer", |_, _| Ok(false))?;
    let de = AvroDeserializer::new(client, reader, config)?;
    Ok(Box::new(Deserializer::new(SerdeKind::Custom(Box::new(
        move |ctx, data| de.deserialize(ctx, data),
    )))))
}

/// Python's AvroSerializer: serializes records given as JSON text (in the mapping below) with
/// `schema_str` (an Avro schema, JSON text) to the Confluent wire format, registering or
/// looking up the schema in `registry` under the subject the strategy names.
///
/// The JSON mapping of Avro, for every Avro function of kafkaffi (serializers, deserializers,
/// kf_avro_producer_produce(), kf_avro_consumer_new()), in and out. A record is the JSON of the
/// schema's type: for a "string" schema, a JSON string such as "\"user-1\"".
/// - null: null. boolean: true or false. string: a string.
/// - int, long: an integer within the type's range (1.0 is refused). float, double: a number.
///   A float beyond the float range is refused. A float is read back as its value widened to a
///   double (0.1 as 0.10000000149011612). NaN and infinities have no JSON form: deserializing
///   one fails.
/// - bytes, fixed: a string whose code points U+0000 to U+00FF are the bytes (byte 0xff is
///   "\u00ff"). A fixed needs exactly its size.
/// - enum: the symbol, as a string.
/// - array: an array. map: an object, written in the object's order (as Python writes a dict)
///   and read back sorted by key.
/// - record: an object with a member per field. Input: a missing field takes the schema's
///   default (an error when it has none); an unknown member is an error. Output: the fields in
///   the schema's order.
/// - union: null for the null branch. Any other branch is a one-member object
///   {"<branch>": value} (Avro's JSON encoding; a bare value is refused). <branch> is the full
///   name of a record, enum or fixed (the short name is accepted on input), else the type's
///   name: "boolean", "int", "long", "float", "double", "bytes", "string", "array", "map". A
///   logical type uses its underlying type's name: "int" for date, "long" for
///   timestamp-millis, "string" for uuid, "bytes" or the fixed's name for a decimal, "fixed"
///   for duration.
/// - decimal (on bytes or fixed): a string with exactly `scale` fraction digits ("12.30").
///   Input may have fewer digits or be a JSON number; at most `precision` digits, 38 at most.
///   big-decimal is not supported.
/// - date: the days since 1970-01-01. time-millis, time-micros, timestamp-millis/-micros/-nanos,
///   local-timestamp-millis/-micros/-nanos: the integer. uuid: a string, written and read back
///   in lowercase with hyphens (input may also be braced, without hyphens or a urn:uuid: URN).
///   duration: a 12-byte string, as fixed.
///
/// Output is compact JSON text (no whitespace).
///
/// `schema_str` may be NULL only with use.latest.version=true: the subject's latest registered
/// schema (with its references) is then used. `config_json` (NULL or "": defaults) is a JSON
/// object with Python's keys: "auto.register.schemas" (default true), "use.latest.version"
/// (default false; requires auto.register.schemas=false), "normalize.schemas" (default false),
/// "subject.name.strategy" ("topic_name" (default), "topic_record_name", "record_name";
/// Python's TopicNameStrategy, TopicRecordNameStrategy and RecordNameStrategy spellings are
/// accepted too). Unknown keys are rejected. The subject's schema id is cached in the
/// serializer after the first record: steady state sends no request to the registry. A null
/// value stays null. For a schema that references other subjects' types, use
/// kf_avro_serializer_new_with_schema().
///
/// The serializer keeps its own reference to `registry`, which may be destroyed first.
/// Errors while serializing (invalid JSON, a record that does not match the schema, a registry
/// error) are KF_ERR__KEY_SERIALIZATION / KF_ERR__VALUE_SERIALIZATION with the cause.
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL registry, invalid schema, bad configuration).
/// Thread safety: any thread; the serializer may be used from several threads at once
/// (serializing may block on the registry the first time a subject is seen).
/// Blocks: no.
/// Nullable: `schema_str`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_avro_serializer_new(
    registry: *const kf_schema_registry_t,
    schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_avro_serializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let schema =
            opt_str(schema_str, F, "schema_str")?.map(|t| Schema::new(t, SchemaType::Avro));
        avro_serializer(client, schema, opt_str(config_json, F, "config_json")?)
    })
}

/// As kf_avro_serializer_new(), with the schema as a kf_schema_t (Python's AvroSerializer
/// taking a Schema): its type must be KF_SCHEMA_TYPE_AVRO, and its references
/// (kf_schema_add_reference(): the referenced type's full name, the subject and the version
/// holding it) name other subjects' schemas whose named types it uses. Those are fetched from
/// the registry now (recursively; they must be registered already) and parsed together with
/// the schema; the schema is registered (or looked up) with its references. `schema` is copied:
/// the caller keeps ownership. `schema` NULL is allowed only with use.latest.version=true, as
/// `schema_str` NULL for kf_avro_serializer_new().
///
/// Blocks: on the registry while fetching the references (at most the client's timeout per
/// request; answers are cached by the client).
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL: KF_ERR__INVALID_ARG (NULL registry, a schema that is not Avro or does not
/// parse with its references, bad configuration), KF_ERR_SCHEMA_REGISTRY (a referenced subject
/// version the registry cannot return).
/// Thread safety: any thread; the serializer may be used from several threads at once.
/// Nullable: `schema`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_avro_serializer_new_with_schema(
    registry: *const kf_schema_registry_t,
    schema: *const kf_schema_t,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_avro_serializer_new_with_schema";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let schema = super::opt(schema).map(|s| s.schema.clone());
        avro_serializer(client, schema, opt_str(config_json, F, "config_json")?)
    })
}

/// Python's AvroDeserializer: reads Confluent wire-format bytes, fetches the writer's schema by
/// its id from `registry` (with the schemas it references; cached after the first time) and
/// returns the record as JSON text (in the mapping documented on kf_avro_serializer_new()),
/// read with `reader_schema_str` (an Avro schema; schema resolution applies: fields added with
/// defaults, removed fields, promotions) or, when NULL, with the writer's schema. A null value
/// stays null.
///
/// `config_json` (NULL or "": defaults) is a JSON object with Python's keys:
/// "use.latest.version" (default false): the latest version registered under the subject
/// becomes the reader schema (fetched the first time the subject is seen, then kept; it takes
/// precedence over `reader_schema_str`), the subject named by "subject.name.strategy"
/// ("topic_name" (default), "topic_record_name", "record_name", as for the serializer; the
/// record strategies take the record name from the writer's schema). Unknown keys are
/// rejected.
///
/// Errors while deserializing are KF_ERR__KEY_DESERIALIZATION / KF_ERR__VALUE_DESERIALIZATION
/// with the cause: a payload shorter than the 5-byte header, a magic byte other than 0, a
/// schema id the registry does not know, an Avro body that is truncated or does not match,
/// with use.latest.version a subject without versions.
///
/// The deserializer keeps its own reference to `registry`, which may be destroyed first.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL registry, invalid schema, bad configuration).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Blocks: no.
/// Nullable: `reader_schema_str`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_avro_deserializer_new(
    registry: *const kf_schema_registry_t,
    reader_schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_avro_deserializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let reader = opt_str(reader_schema_str, F, "reader_schema_str")?
            .map(|t| Schema::new(t, SchemaType::Avro));
        avro_deserializer(client, reader, opt_str(config_json, F, "config_json")?)
    })
}

/// As kf_avro_deserializer_new(), with the reader schema as a kf_schema_t (may be NULL: read
/// with the writer's schema): its type must be KF_SCHEMA_TYPE_AVRO; its references name other
/// subjects' schemas, fetched from the registry now and parsed together with it. `reader_schema`
/// is copied: the caller keeps ownership.
///
/// Blocks: on the registry while fetching the references (answers are cached by the client).
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL: KF_ERR__INVALID_ARG (NULL registry, a schema that is not Avro or does not
/// parse with its references, bad configuration), KF_ERR_SCHEMA_REGISTRY (a referenced subject
/// version the registry cannot return).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Nullable: `reader_schema`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_avro_deserializer_new_with_schema(
    registry: *const kf_schema_registry_t,
    reader_schema: *const kf_schema_t,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_avro_deserializer_new_with_schema";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let reader = super::opt(reader_schema).map(|s| s.schema.clone());
        avro_deserializer(client, reader, opt_str(config_json, F, "config_json")?)
    })
}
