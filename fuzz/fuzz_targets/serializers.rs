//! The schema-registry serializers (kf_avro_serializer_new, kf_protobuf_serializer_new in JSON
//! and binary record format, + kf_serializer_serialize) on arbitrary records, against an
//! in-process mock:// registry. These are the serializers' own parsers of the caller's input:
//! the JSON → Avro binary writer, the proto3 JSON → Protobuf encoder and the check of binary
//! Protobuf records.
//!
//! Oracles: a failure is a serialization error with the field's code and a message; a success
//! is the Confluent framing (magic 0, the registered id) and then:
//! - Avro and Protobuf JSON: the bytes read back with the matching deserializer, and that JSON
//!   serialized again gives the same bytes, or else bytes that read back as the same JSON
//!   value: a map's entries are written in the JSON's order, which the deserializers' output
//!   does not keep (Avro's comes sorted by key; Protobuf gives maps no canonical order);
//! - Protobuf binary: the message bytes exactly as given (after the message indexes), which the
//!   binary deserializer accepts.
//!
//! Input: byte 0 picks the serializer and the field; the rest is the record.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use kafkaffi::ffi::kf_error_t;
use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

const AVRO: &str = r#"{"type": "record", "name": "Rec", "namespace": "fuzz",
 "fields": [
  {"name": "b", "type": "boolean", "default": false}, {"name": "i", "type": "int", "default": 0},
  {"name": "l", "type": "long", "default": 0}, {"name": "f", "type": "float", "default": 0},
  {"name": "d", "type": "double", "default": 0}, {"name": "s", "type": "string", "default": ""},
  {"name": "by", "type": "bytes", "default": ""},
  {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}, "default": "RED"},
  {"name": "fx", "type": {"type": "fixed", "name": "Two", "size": 2}, "default": "ab"},
  {"name": "arr", "type": {"type": "array", "items": "int"}, "default": []},
  {"name": "m", "type": {"type": "map", "values": ["null", "string", "Rec"]}, "default": {}},
  {"name": "u", "type": ["null", "long", "Color", "Rec"], "default": null},
  {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
  {"name": "fdec", "type": {"type": "fixed", "name": "Dec4", "size": 4, "logicalType": "decimal", "precision": 9, "scale": 3}},
  {"name": "date", "type": {"type": "int", "logicalType": "date"}, "default": 0},
  {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-micros"}, "default": 0},
  {"name": "uuid", "type": [ "null", {"type": "string", "logicalType": "uuid"}], "default": null}
 ]}"#;

const PROTO: &str = r#"syntax = "proto3";
package fuzz;
enum Color { RED = 0; GREEN = 1; }
message Rec {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 fx32 = 9; fixed64 fx64 = 10; sfixed32 sf32 = 11;
  sfixed64 sf64 = 12; bool b = 13; string s = 14; bytes by = 15; Color color = 16;
  repeated int32 packed = 17; repeated string names = 18; map<string, int64> counts = 19;
  map<int32, Rec> kids = 20;
  oneof choice { string text = 21; Rec inner = 22; }
  optional int32 maybe = 23;
  repeated double ds = 24;
}
"#;

struct Setup {
    /// (serializer, the deserializer reading its output, kind)
    pairs: Vec<(*mut kf_serializer_t, *mut kf_deserializer_t, Kind)>,
}
unsafe impl Send for Setup {}
unsafe impl Sync for Setup {}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Json,
    ProtobufBinary,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let c = registry("mock://kafkaffi-fuzz-serializers");
        let ser = |s: *mut kf_serializer_t, e: *mut kf_error_t, what: &str| {
            must(e, what);
            s
        };
        let de = |d: *mut kf_deserializer_t, e: *mut kf_error_t, what: &str| {
            must(e, what);
            d
        };
        let mut e = null_mut();
        let avro_ser = ser(
            kf_avro_serializer_new(c, cs(AVRO).as_ptr(), null(), &mut e),
            e,
            "kf_avro_serializer_new",
        );
        let avro_de = de(
            kf_avro_deserializer_new(c, null(), null(), &mut e),
            e,
            "kf_avro_deserializer_new",
        );
        let pb_ser = ser(
            kf_protobuf_serializer_new(c, cs(PROTO).as_ptr(), null(), null(), &mut e),
            e,
            "kf_protobuf_serializer_new",
        );
        let pb_de = de(
            kf_protobuf_deserializer_new(c, null(), &mut e),
            e,
            "kf_protobuf_deserializer_new",
        );
        let binary = cs(r#"{"record.format": "binary"}"#);
        let pb_bin_ser = ser(
            kf_protobuf_serializer_new(c, cs(PROTO).as_ptr(), null(), binary.as_ptr(), &mut e),
            e,
            "kf_protobuf_serializer_new (binary)",
        );
        let pb_bin_de = de(
            kf_protobuf_deserializer_new(c, binary.as_ptr(), &mut e),
            e,
            "kf_protobuf_deserializer_new (binary)",
        );
        kf_schema_registry_destroy(c);
        Setup {
            pairs: vec![
                (avro_ser, avro_de, Kind::Json),
                (pb_ser, pb_de, Kind::Json),
                (pb_bin_ser, pb_bin_de, Kind::ProtobufBinary),
            ],
        }
    })
}

/// kf_serializer_serialize: Ok(bytes) or the error (checked: the field's code, a message).
fn serialize(
    ser: *mut kf_serializer_t,
    topic: &CStr,
    field: i32,
    data: &[u8],
) -> Result<Vec<u8>, String> {
    let ctx = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: topic.as_ptr(),
        field,
        headers: null(),
    };
    let out = kf_buffer_new();
    let err = kf_serializer_serialize(ser, &ctx, data.as_ptr(), data.len(), out);
    if let Some((code, msg)) = take_err(err) {
        kf_buffer_destroy(out);
        let expected = if field == KF_MESSAGE_FIELD_KEY {
            KF_ERR__KEY_SERIALIZATION
        } else {
            KF_ERR__VALUE_SERIALIZATION
        };
        assert_eq!(code, expected, "unexpected error code: {msg}");
        assert!(!msg.is_empty());
        return Err(msg);
    }
    let bytes = buffer_bytes(out).expect("a record serialized to null");
    kf_buffer_destroy(out);
    Ok(bytes)
}

/// The bytes after the Protobuf message indexes.
fn after_indexes(d: &[u8]) -> &[u8] {
    // The serializer writes [0] (the first message) as the single byte 0.
    assert_eq!(d.first(), Some(&0), "unexpected message indexes");
    &d[1..]
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    // (A null record is not serialized: the serializers pass null through untouched.)
    let Some((pick, field, Some(record))) = select(data, s.pairs.len()) else {
        return;
    };
    let (ser, de, kind) = s.pairs[pick];
    let topic: CString = cs("fuzz-ser");
    let Ok(first) = serialize(ser, &topic, field, record) else {
        return;
    };
    assert!(
        first.len() >= 5 && first[0] == 0,
        "not the Confluent framing"
    );
    let (back, buf) = deserialize(de, &topic, field, Some(&first)).unwrap_or_else(|(_, msg)| {
        panic!("the deserializer refused the serializer's bytes: {msg}")
    });
    kf_buffer_destroy(buf);
    let back = back.expect("a record came back null");
    match kind {
        Kind::ProtobufBinary => {
            assert_eq!(after_indexes(&first[5..]), record, "binary record changed");
            assert_eq!(back, record, "binary deserializer changed the bytes");
        }
        Kind::Json => {
            let again = serialize(ser, &topic, field, &back).unwrap_or_else(|msg| {
                panic!(
                    "re-serializing the deserializer's JSON failed: {msg}\n{}",
                    String::from_utf8_lossy(&back)
                )
            });
            if first != again {
                let (back2, buf) = deserialize(de, &topic, field, Some(&again))
                    .unwrap_or_else(|(_, msg)| panic!("second read refused: {msg}"));
                kf_buffer_destroy(buf);
                let json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
                assert_eq!(
                    json(&back),
                    json(&back2.expect("null")),
                    "the JSON mapping does not round-trip"
                );
            }
        }
    }
});
