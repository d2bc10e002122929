//! The Confluent wire format (magic byte 0, 4-byte big-endian schema id, body) and the Avro
//! deserializer (kf_avro_deserializer_new + kf_deserializer_deserialize) on arbitrary bytes,
//! against an in-process mock:// registry holding a few schemas (ids 1..=7): every Avro type
//! and logical type, a recursive record, primitives, a schema with a reference to another
//! subject's type, and two versions of one subject for reader-schema resolution.
//!
//! Oracles: a payload shorter than 5 bytes or with a magic byte other than 0 is a
//! deserialization error (with the field's code); a success is valid JSON text followed by a
//! NUL; null stays null; an unknown schema id is an error, never a crash.
//!
//! Input: byte 0 picks the deserializer (writer schema / reader schema / use.latest.version),
//! the field and whether the value is null; the rest is the message bytes.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

const EVERYTHING: &str = r#"{"type": "record", "name": "Everything", "namespace": "fuzz",
 "fields": [
  {"name": "b", "type": "boolean"}, {"name": "i", "type": "int"}, {"name": "l", "type": "long"},
  {"name": "f", "type": "float"}, {"name": "d", "type": "double"},
  {"name": "s", "type": "string"}, {"name": "by", "type": "bytes"},
  {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
  {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
  {"name": "arr", "type": {"type": "array", "items": "int"}},
  {"name": "m", "type": {"type": "map", "values": "string"}},
  {"name": "u", "type": ["null", "string", "long", "Color"]},
  {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
    {"name": "x", "type": "int"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}},
  {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
  {"name": "fdec", "type": {"type": "fixed", "name": "Dec8", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 4}},
  {"name": "uuid", "type": {"type": "string", "logicalType": "uuid"}},
  {"name": "date", "type": {"type": "int", "logicalType": "date"}},
  {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
  {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
  {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
  {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
  {"name": "ltsm", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
  {"name": "dur", "type": {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}},
  {"name": "nested", "type": {"type": "array", "items": {"type": "map", "values": ["null", "double", "Inner"]}}}
 ]}"#;

const NODE: &str = r#"{"type": "record", "name": "Node", "namespace": "fuzz",
 "fields": [{"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}"#;

const REF: &str = r#"{"type": "record", "name": "Ref", "namespace": "fuzz",
 "fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "int"}]}"#;
const WITH_REF: &str = r#"{"type": "record", "name": "WithRef", "namespace": "fuzz",
 "fields": [{"name": "r", "type": "fuzz.Ref"}, {"name": "more", "type": {"type": "array", "items": "fuzz.Ref"}}]}"#;

/// Two versions of the subject "fuzz-topic-value": v2 adds a field with a default, drops one and
/// promotes int to long; reading v1 data with v2 exercises resolution.
const USER_V1: &str = r#"{"type": "record", "name": "User", "namespace": "fuzz",
 "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "int"},
            {"name": "old", "type": ["null", "bytes"], "default": null}]}"#;
const USER_V2: &str = r#"{"type": "record", "name": "User", "namespace": "fuzz",
 "fields": [{"name": "name", "type": "string"}, {"name": "age", "type": "long"},
            {"name": "email", "type": ["null", "string"], "default": null},
            {"name": "score", "type": "double", "default": 0.5}]}"#;

struct Setup {
    deserializers: Vec<*mut kf_deserializer_t>,
}
unsafe impl Send for Setup {}
unsafe impl Sync for Setup {}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let c = registry("mock://kafkaffi-fuzz-avro");
        let a = KF_SCHEMA_TYPE_AVRO;
        let ids = [
            register(c, "fuzz-topic-value", a, USER_V1, &[]),
            register(c, "everything", a, EVERYTHING, &[]),
            register(c, "node", a, NODE, &[]),
            register(c, "fuzz-ref", a, REF, &[]),
            register(c, "with-ref", a, WITH_REF, &[("fuzz.Ref", "fuzz-ref", 1)]),
            register(c, "str", a, r#""string""#, &[]),
            register(c, "fuzz-topic-value", a, USER_V2, &[]),
        ];
        // The checked-in corpus names these ids: keep them stable.
        assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7], "mock registry ids changed");
        let new = |reader: Option<&str>, config: &str| {
            let reader = reader.map(cs);
            let mut e = null_mut();
            let d = kf_avro_deserializer_new(
                c,
                reader.as_ref().map_or(null(), |r| r.as_ptr()),
                cs(config).as_ptr(),
                &mut e,
            );
            must(e, "kf_avro_deserializer_new");
            d
        };
        let deserializers = vec![
            new(None, ""),
            new(Some(USER_V2), ""),
            new(None, r#"{"use.latest.version": true}"#),
        ];
        // The deserializers keep their own reference to the client.
        kf_schema_registry_destroy(c);
        Setup { deserializers }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let Some((pick, field, input)) = select(data, s.deserializers.len()) else {
        return;
    };
    let de = s.deserializers[pick];
    let topic: CString = cs("fuzz-topic");
    match deserialize(de, &topic, field, input) {
        Ok((out, buf)) => {
            kf_buffer_destroy(buf);
            match input {
                None => assert!(out.is_none(), "null must stay null"),
                Some(p) => {
                    assert!(
                        p.len() >= 5 && p[0] == 0,
                        "accepted a payload without the header"
                    );
                    let text = out.expect("a record came back null");
                    // (Deeply nested records are valid JSON beyond serde_json's default
                    // nesting limit of 128, which is this check's own limit, not the output's.)
                    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&text) {
                        if !e.to_string().contains("recursion limit exceeded") {
                            panic!("not JSON ({e}): {}", String::from_utf8_lossy(&text));
                        }
                    }
                }
            }
        }
        Err(_) => assert!(input.is_some(), "null refused"),
    }
});
