//! The Confluent wire format and the JSON Schema deserializer (kf_json_schema_deserializer_new +
//! kf_deserializer_deserialize) on arbitrary bytes, against an in-process mock:// registry
//! holding a few JSON Schemas (ids 1..=4): objects with every keyword family, a recursive
//! schema through $defs, a schema with a reference to another subject, and a permissive one.
//!
//! Oracles: a payload shorter than 5 bytes or with a magic byte other than 0 is a
//! deserialization error (with the field's code); a success is JSON text (followed by a NUL)
//! that is the body as given; null stays null.
//!
//! Input: byte 0 picks the deserializer (writer schema / fixed reader schema), the field and
//! whether the value is null; the rest is the message bytes.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

const PERSON: &str = r##"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Person",
 "type": "object", "required": ["name", "age"], "additionalProperties": false,
 "properties": {
  "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z ]+$"},
  "age": {"type": "integer", "minimum": 0, "maximum": 150},
  "email": {"type": "string", "format": "email"},
  "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true, "maxItems": 8},
  "score": {"type": "number", "multipleOf": 0.5, "exclusiveMaximum": 100},
  "kind": {"enum": ["a", "b", 3, null]},
  "meta": {"type": "object", "patternProperties": {"^x-": {"type": "boolean"}},
           "propertyNames": {"maxLength": 10}},
  "choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
  "both": {"allOf": [{"minimum": 1}, {"maximum": 9}]},
  "either": {"anyOf": [{"const": 1}, {"type": "null"}]},
  "cond": {"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "number"}}
 }}"##;

const TREE: &str = r##"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Tree",
 "$ref": "#/definitions/node",
 "definitions": {"node": {"type": "object", "properties": {
   "value": {"type": "integer"},
   "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}}}}}"##;

const ADDRESS: &str = r##"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Address",
 "type": "object", "properties": {"street": {"type": "string"}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
 "required": ["street"]}"##;
const WITH_REF: &str = r##"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Customer",
 "type": "object", "properties": {"home": {"$ref": "address.json"},
 "others": {"type": "array", "items": {"$ref": "address.json"}}}}"##;

struct Setup {
    deserializers: Vec<*mut kf_deserializer_t>,
}
unsafe impl Send for Setup {}
unsafe impl Sync for Setup {}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let c = registry("mock://kafkaffi-fuzz-json-schema");
        let j = KF_SCHEMA_TYPE_JSON;
        let ids = [
            register(c, "fuzz-topic-value", j, PERSON, &[]),
            register(c, "tree", j, TREE, &[]),
            register(c, "address", j, ADDRESS, &[]),
            register(
                c,
                "customer",
                j,
                WITH_REF,
                &[("address.json", "address", 1)],
            ),
        ];
        // The checked-in corpus names these ids: keep them stable.
        assert_eq!(ids, [1, 2, 3, 4], "mock registry ids changed");
        let new = |schema: Option<&str>| {
            let schema = schema.map(cs);
            let mut e = null_mut();
            let d = kf_json_schema_deserializer_new(
                c,
                schema.as_ref().map_or(null(), |r| r.as_ptr()),
                null(),
                &mut e,
            );
            must(e, "kf_json_schema_deserializer_new");
            d
        };
        let deserializers = vec![new(None), new(Some(TREE))];
        kf_schema_registry_destroy(c);
        Setup { deserializers }
    })
}

/// Equal JSON values, numbers compared as f64 within a relative 1e-15: integers beyond 64 bits
/// come back as floats (serde_json parses them to f64, and rounds the longest ones 1 ulp off),
/// where Python would keep every digit. Known and reported; not a memory-safety matter.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => {
            if x == y {
                return true;
            }
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-15 * x.abs().max(y.abs())
        }
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
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
                    let got: serde_json::Value =
                        serde_json::from_slice(&text).unwrap_or_else(|e| panic!("not JSON ({e})"));
                    let sent: serde_json::Value =
                        serde_json::from_slice(&p[5..]).expect("accepted a body that is not JSON");
                    assert!(same(&got, &sent), "the record changed: {got} != {sent}");
                }
            }
        }
        Err(_) => assert!(input.is_some(), "null refused"),
    }
});
