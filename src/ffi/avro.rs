//! The Avro serializer and deserializer (Python's AvroSerializer and AvroDeserializer) over a
//! Schema Registry client, in the Confluent wire format (magic byte 0, the schema id as 4 bytes
//! big-endian, the Avro binary encoding). They are ordinary kf_serializer_t / kf_deserializer_t
//! handles: use them with kf_serializer_serialize(), kf_deserializer_deserialize(),
//! kf_serializing_producer_new() and kf_deserializing_consumer_new().
//!
//! Records cross the ABI as JSON text (UTF-8), in and out, with this mapping of Avro types:
//! record and map: object; array: array; null: null; boolean, int, long, float, double, string:
//! the JSON value; union: null as null, any other branch as {"<branch>": value} (Avro's JSON
//! encoding; the branch is the full name of a record, enum or fixed, the short name accepted on
//! input, else the type name: "int", "long", "string", "bytes", "array", "map", ...; a logical
//! type uses its underlying type's name, e.g. "long" for timestamp-millis, "string" for uuid);
//! bytes and fixed: a string whose code points 0-255 are the bytes; enum: the symbol; decimal
//! (on bytes or fixed): a decimal string with exactly `scale` fraction digits ("12.30"; a JSON
//! number is accepted on input; at most 38 digits); date: int days since 1970-01-01;
//! time-millis, time-micros, timestamp-millis/-micros/-nanos, local-timestamp-*: the integer;
//! uuid: the string (canonical lowercase form on output). A missing record field takes the
//! schema's default; an unknown field is an error.
use std::os::raw::c_char;

use super::schema_registry::kf_schema_registry_client_t;
use super::serde::{kf_deserializer_t, kf_serializer_t};
use super::types::*;
use super::{arg_str, construct, handle};
use crate::client::error::KResult;
use crate::client::serialization::avro::{AvroDeserializer, AvroSerializer};
use crate::client::serialization::schema_based::SerializerConfig;
use crate::client::serialization::{Deserializer, SerdeKind, Serializer};

/// An optional C string argument: NULL is None.
unsafe fn opt_str<'a>(p: *const c_char, func: &str, what: &str) -> KResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, func, what).map(Some)
    }
}

/// Python's AvroSerializer: serializes records given as JSON text (see the mapping above) with
/// `schema_str` (an Avro schema, JSON text) to the Confluent wire format, registering or
/// looking up the schema in `client` under the subject the strategy names.
///
/// `schema_str` may be NULL only with use.latest.version=true: the subject's latest registered
/// schema is then used. `config_json` (NULL or "": defaults) is a JSON object with Python's
/// keys: "auto.register.schemas" (default true), "use.latest.version" (default false; requires
/// auto.register.schemas=false), "normalize.schemas" (default false), "subject.name.strategy"
/// ("topic_name" (default), "topic_record_name", "record_name"; Python's TopicNameStrategy,
/// TopicRecordNameStrategy and RecordNameStrategy spellings are accepted too). Unknown keys are
/// rejected. The subject's schema id is cached in the serializer after the first record: steady
/// state sends no request to the registry. A null value stays null.
///
/// The serializer keeps its own reference to `client`, which may be destroyed first.
/// Errors while serializing (invalid JSON, a record that does not match the schema, a registry
/// error) are KF_ERR_KEY_SERIALIZATION / KF_ERR_VALUE_SERIALIZATION with the cause.
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL client, invalid schema, bad configuration).
/// Thread safety: any thread; the serializer may be used from several threads at once
/// (serializing may block on the registry the first time a subject is seen).
#[no_mangle]
pub extern "C" fn kf_avro_serializer_new(
    client: *const kf_schema_registry_client_t,
    schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_avro_serializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(client, F, "client")?.clone();
        let schema = opt_str(schema_str, F, "schema_str")?;
        let config = SerializerConfig::from_json(
            opt_str(config_json, F, "config_json")?,
            "Avro serializer",
            |_, _| Ok(false),
        )?;
        let ser = AvroSerializer::new(client, schema, config)?;
        Ok(Box::new(Serializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| ser.serialize(ctx, data),
        )))))
    })
}

/// Python's AvroDeserializer: reads Confluent wire-format bytes, fetches the writer's schema by
/// its id from `client` (cached after the first time) and returns the record as JSON text (see
/// the mapping above), read with `reader_schema_str` (an Avro schema; schema resolution
/// applies: fields added with defaults, removed fields, promotions) or, when NULL, with the
/// writer's schema. `config_json` may be NULL, "" or "{}" (the Avro deserializer has no
/// configuration key; any key is rejected). A null value stays null.
///
/// Errors while deserializing are KF_ERR_KEY_DESERIALIZATION / KF_ERR_VALUE_DESERIALIZATION
/// with the cause: a payload shorter than the 5-byte header, a magic byte other than 0, a
/// schema id the registry does not know, an Avro body that is truncated or does not match.
///
/// The deserializer keeps its own reference to `client`, which may be destroyed first.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL client, invalid schema, bad configuration).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
#[no_mangle]
pub extern "C" fn kf_avro_deserializer_new(
    client: *const kf_schema_registry_client_t,
    reader_schema_str: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_avro_deserializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(client, F, "client")?.clone();
        let reader = opt_str(reader_schema_str, F, "reader_schema_str")?;
        let de = AvroDeserializer::new(client, reader, opt_str(config_json, F, "config_json")?)?;
        Ok(Box::new(Deserializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| de.deserialize(ctx, data),
        )))))
    })
}
