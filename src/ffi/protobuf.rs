//! The Protobuf serializer and deserializer (Python's ProtobufSerializer and
//! ProtobufDeserializer) over a Schema Registry client, in the Confluent wire format (magic byte
//! 0, the schema id as 4 bytes big-endian, the message indexes, the Protobuf binary encoding).
//! Messages are dynamic: the schema is .proto text compiled at run time, so no generated code
//! is needed. They are ordinary kf_serializer_t / kf_deserializer_t handles: use them with
//! kf_serializer_serialize(), kf_deserializer_deserialize(), kf_serializing_producer_new() and
//! kf_deserializing_consumer_new().
//!
//! Message indexes: the position of the message in its file (the top-level index, then the
//! index among the nested types at each level), written as the count and the indexes, each a
//! zigzag varint; [0] (the first top-level message) is the single byte 0, as Python writes it.
//!
//! Records cross the ABI as JSON text in the proto3 JSON mapping (documented on
//! kf_protobuf_serializer_new()) or, with "record.format": "binary", as the binary encoding.
use std::os::raw::c_char;

use super::schema_registry::kf_schema_registry_t;
use super::types::*;
use super::{arg_str, construct, handle};
use super::{kf_deserializer_t, kf_serializer_t};
use crate::error::KResult;
use crate::serdes::protobuf::{
    ProtobufDeserializer, ProtobufDeserializerConfig, ProtobufSerializer, ProtobufSerializerConfig,
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

/// Python's ProtobufSerializer, for messages described by `schema_str` (.proto text, proto2 or
/// proto3) rather than generated classes: serializes records given as JSON text (in the proto3 JSON
/// mapping, further down in this comment) or, with "record.format": "binary", as the message's
/// binary encoding, to the Confluent wire format: magic byte 0, the schema id (4 bytes big-endian),
/// the message indexes, the message's binary encoding. The schema (type PROTOBUF, the .proto text
/// as given) is registered or looked up in `registry` under the subject the strategy names; the
/// record strategies use the message's full name ("pkg.Outer.Inner").
///
/// Message indexes: the position of the message in its file (the top-level index, then the
/// index among the nested types at each level, a map field's entry type counting as a nested
/// type), written as the count and the indexes, each a zigzag varint; [0] (the first top-level
/// message) is the single byte 0, as Python writes it.
///
/// The proto3 JSON mapping (as Python's json_format), for every Protobuf function of kafkaffi,
/// in and out:
/// - message: an object. Field names are lowerCamelCase (the json_name) on output, or the
///   .proto names with the deserializer's "preserving.proto.field.name"; input takes both.
/// - int32, uint32, sint32, fixed32, sfixed32: numbers. int64, uint64, sint64, fixed64,
///   sfixed64: decimal strings. float, double: numbers, with "NaN", "Infinity" and "-Infinity".
///   On input any number may also be a decimal string. bool: true or false.
/// - string: a string. bytes: standard base64 with padding (URL-safe accepted on input).
/// - enum: the value's name (a number the enum does not name comes out as the number); input
///   takes the name or the number.
/// - repeated: an array. map: an object with the keys as strings (output order not set).
/// - oneof: the member that is set, as an ordinary field.
/// - well-known types: Timestamp: an RFC 3339 string ("2024-01-02T03:04:05.500Z"); Duration:
///   seconds with an "s" ("1.500s"); wrappers (Int32Value, StringValue, ...): the wrapped value;
///   Struct: an object; Value: any JSON value; ListValue: an array; NullValue: null; FieldMask:
///   the paths in one string, comma-separated; Empty: {}; Any: {"@type": "<type URL>", ...the
///   message's fields} for a message type the schema knows.
/// Output is compact JSON, fields in field-number order. A field at its default value is left
/// out (a set proto3 `optional` field and a set oneof member always come out); with the
/// deserializer's "always.print.fields.with.no.presence", fields without presence come out at
/// their defaults too. On input an unknown field is an error, and a missing field or a null
/// one is left unset (its default).
///
/// `message_name` is the full name of the message to write (a name without the package is
/// looked up in the file's package too); NULL: the first message of the file. A nested message
/// is written with its message indexes (e.g. [0, 1]). `schema_str` may be NULL only with
/// use.latest.version=true: the message of that name (NULL: the first) in the subject's latest
/// registered schema is then written.
///
/// Imports: the well-known google/protobuf/ files are built in. Any other imported file is given in
/// config_json's "dependencies" object, {"<import name>": "<.proto text>"} (a base64
/// FileDescriptorProto is accepted too); on first use each is registered (auto.register.schemas)
/// or looked up under the subject of its import name (Python's reference_subject_name_strategy)
/// and the schema is registered with references to them. Imports of google/protobuf/,
/// google/type/ and confluent/ files are not registered unless "skip.known.types" is false
/// (then a built-in file is registered as its base64 FileDescriptorProto, as Python does).
///
/// `config_json` (NULL or "": defaults) is a JSON object with Python's keys:
/// "auto.register.schemas" (default true), "use.latest.version" (default false; requires
/// auto.register.schemas=false), "normalize.schemas" (default false), "subject.name.strategy"
/// ("topic_name" (default), "topic_record_name", "record_name"; Python's TopicNameStrategy,
/// TopicRecordNameStrategy and RecordNameStrategy spellings are accepted too),
/// "skip.known.types" (default true), "reference.subject.name.strategy" (only
/// "reference_name", the default), "use.deprecated.format" (only false: true is refused, as in
/// modern Python); and kafkaffi's: "record.format" ("json" (default) or "binary"),
/// "dependencies" (the imports paragraph above). Unknown keys are rejected. The subject's
/// schema id is cached in the serializer after the first record: steady state sends no request
/// to the registry. A null value stays null.
///
/// The serializer keeps its own reference to `registry`, which may be destroyed first.
/// Errors while serializing (invalid JSON, a field the message does not have, a value of the
/// wrong type, binary input that does not decode, a registry error such as an incompatible
/// schema) are KF_ERR__KEY_SERIALIZATION / KF_ERR__VALUE_SERIALIZATION with the cause.
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL registry, a schema that does not compile, an import
/// that is neither built in nor in "dependencies", an unknown message name, bad configuration).
/// Thread safety: any thread; the serializer may be used from several threads at once
/// (serializing may block on the registry the first time a subject is seen).
/// Blocks: no.
/// Nullable: `message_name`, `config_json`.
#[no_mangle]
pub extern "C" fn kf_protobuf_serializer_new(
    registry: *const kf_schema_registry_t,
    schema_str: *const c_char,
    message_name: *const c_char,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_protobuf_serializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let schema = opt_str(schema_str, F, "schema_str")?;
        let message = opt_str(message_name, F, "message_name")?;
        let (config, pb) =
            ProtobufSerializerConfig::from_json(opt_str(config_json, F, "config_json")?)?;
        let ser = ProtobufSerializer::new(client, schema, message, config, pb)?;
        Ok(Box::new(Serializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| ser.serialize(ctx, data),
        )))))
    })
}

/// Python's ProtobufDeserializer, without generated classes: reads Confluent wire-format bytes,
/// fetches the writer's schema by its id from `registry` (with the files it references; cached
/// after the first time; .proto text or a base64 FileDescriptorProto), picks the message by the
/// message indexes and returns the record as JSON text (in the proto3 JSON mapping documented
/// on kf_protobuf_serializer_new()) or, with "record.format": "binary", as the message's binary
/// encoding (the payload after the indexes, checked to decode). A null value stays null.
///
/// `config_json` (NULL or "": defaults) is a JSON object with Python's keys:
/// "use.latest.version" (default false): the subject's latest version (named by
/// "subject.name.strategy": "topic_name" (default), "topic_record_name", "record_name"; the
/// record strategies use the writer's message name) is the reader schema: the payload is
/// decoded as its message of the writer message's full name (else its top-level message of the
/// same simple name, else its first message), so fields the reader added come out at their
/// defaults and fields it dropped are left out; fetched the first time the subject is seen,
/// then kept. "use.deprecated.format" (only false). And kafkaffi's: "record.format" ("json"
/// (default) or "binary"), "preserving.proto.field.name" (default false: lowerCamelCase JSON
/// names; true: the .proto names) and "always.print.fields.with.no.presence" (default false;
/// true: fields at their default value are output too), after Python's json_format arguments.
/// Unknown keys are rejected.
///
/// Errors while deserializing are KF_ERR__KEY_DESERIALIZATION / KF_ERR__VALUE_DESERIALIZATION
/// with the cause: a payload shorter than the 5-byte header, a magic byte other than 0, a
/// schema id the registry does not know, truncated or invalid message indexes, a message index
/// out of range, a body that is not a valid encoding of the message, with use.latest.version a
/// subject without versions.
///
/// The deserializer keeps its own reference to `registry`, which may be destroyed first.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL registry, bad configuration).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Blocks: no.
/// Nullable: `config_json`.
#[no_mangle]
pub extern "C" fn kf_protobuf_deserializer_new(
    registry: *const kf_schema_registry_t,
    config_json: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_protobuf_deserializer_new";
    construct(F, err_out, || unsafe {
        let client = handle(registry, F, "registry")?.clone();
        let (config, pb) =
            ProtobufDeserializerConfig::from_json(opt_str(config_json, F, "config_json")?)?;
        let de = ProtobufDeserializer::new(client, config, pb);
        Ok(Box::new(Deserializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| de.deserialize(ctx, data),
        )))))
    })
}
