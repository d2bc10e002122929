//! The Confluent wire format with Protobuf message indexes and the Protobuf deserializer
//! (kf_protobuf_deserializer_new + kf_deserializer_deserialize) on arbitrary bytes, against an
//! in-process mock:// registry holding two .proto files (ids 1 and 2): scalars of every kind,
//! repeated and packed fields, maps, a oneof, enums, nested and recursive messages.
//!
//! Oracles: a payload shorter than 5 bytes or with a magic byte other than 0 is a
//! deserialization error with the field's code; in JSON mode a success is JSON text followed by
//! a NUL; in binary mode a success is exactly the bytes after the message indexes; null stays
//! null.
//!
//! Input: byte 0 picks the deserializer (JSON / JSON with .proto names and defaults / binary),
//! the field and whether the value is null; the rest is the message bytes.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::ptr::null_mut;
use std::sync::OnceLock;

const ALL: &str = r#"syntax = "proto3";
package fuzz;
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message All {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 fx32 = 9; fixed64 fx64 = 10; sfixed32 sf32 = 11;
  sfixed64 sf64 = 12; bool b = 13; string s = 14; bytes by = 15; Color color = 16;
  repeated int32 packed = 17; repeated string names = 18; map<string, int64> counts = 19;
  map<int32, Inner> inners = 20;
  oneof choice { string text = 21; Inner inner = 22; }
  optional int32 maybe = 23;
  message Inner { int32 x = 1; repeated Inner children = 2; Color c = 3; }
  Inner nested = 24;
}
message Second { string id = 1; All.Inner tree = 2; }
"#;

const NODE: &str = r#"syntax = "proto3";
package fuzz.list;
message Node { int64 value = 1; Node next = 2; map<string, Node> more = 3; }
"#;

struct Setup {
    deserializers: Vec<(*mut kf_deserializer_t, bool)>,
}
unsafe impl Send for Setup {}
unsafe impl Sync for Setup {}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let c = registry("mock://kafkaffi-fuzz-protobuf");
        let p = KF_SCHEMA_TYPE_PROTOBUF;
        let ids = [
            register(c, "fuzz-topic-value", p, ALL, &[]),
            register(c, "node", p, NODE, &[]),
        ];
        // The checked-in corpus names these ids: keep them stable.
        assert_eq!(ids, [1, 2], "mock registry ids changed");
        let new = |config: &str, binary: bool| {
            let mut e = null_mut();
            let d = kf_protobuf_deserializer_new(c, cs(config).as_ptr(), &mut e);
            must(e, "kf_protobuf_deserializer_new");
            (d, binary)
        };
        let deserializers = vec![
            new("", false),
            new(
                r#"{"preserving.proto.field.name": true, "always.print.fields.with.no.presence": true}"#,
                false,
            ),
            new(r#"{"record.format": "binary"}"#, true),
        ];
        kf_schema_registry_destroy(c);
        Setup { deserializers }
    })
}

/// The bytes after the message indexes (count, then that many zigzag varints; 0 alone is [0]).
fn after_indexes(mut d: &[u8]) -> Option<&[u8]> {
    fn varint(d: &mut &[u8]) -> Option<i64> {
        let mut n: u64 = 0;
        for i in 0..10 {
            let (&b, rest) = d.split_first()?;
            *d = rest;
            n |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(((n >> 1) as i64) ^ -((n & 1) as i64));
            }
        }
        None
    }
    let count = varint(&mut d)?;
    for _ in 0..count.max(0) {
        varint(&mut d)?;
    }
    Some(d)
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let Some((pick, field, input)) = select(data, s.deserializers.len()) else {
        return;
    };
    let (de, binary) = s.deserializers[pick];
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
                    let out = out.expect("a record came back null");
                    if binary {
                        let body = after_indexes(&p[5..]).expect("accepted invalid indexes");
                        assert_eq!(out, body, "binary mode changed the message bytes");
                    } else if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
                        // (serde_json's own nesting limit of 128 is this check's, not the output's.)
                        if !e.to_string().contains("recursion limit exceeded") {
                            panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out));
                        }
                    }
                }
            }
        }
        Err(_) => assert!(input.is_some(), "null refused"),
    }
});
