//! The Avro serializer and deserializer (Confluent wire format) through the C ABI, against the
//! in-process mock:// registry and the real registry (Apicurio's Confluent-compatible API,
//! SCHEMA_REGISTRY_URL): the JSON mapping of every Avro type, the subject name strategies,
//! reader-schema resolution, the deserialization errors, the cache, and byte-for-byte
//! compatibility with the Python client (confluent-kafka 2.16.1 + fastavro, in a venv).
mod common;
use common::*;
use serde_json::{json, Value as Json};
use std::ptr::{null, null_mut};

fn real_url() -> String {
    std::env::var("SCHEMA_REGISTRY_URL").expect(
        "SCHEMA_REGISTRY_URL is not set: run scripts/registry/start.sh and source /tmp/kafkaffi-registry/env",
    )
}

/// The real registry and a fresh mock:// one.
fn registries() -> Vec<(&'static str, String)> {
    vec![
        ("apicurio", real_url()),
        ("mock", format!("mock://{}", unique("sr"))),
    ]
}

struct Client(*mut kf_schema_registry_t);
impl Client {
    fn url(url: &str) -> Client {
        let mut e = null_mut();
        let c = kf_schema_registry_new(
            cs(&format!(r#"{{"url": "{url}", "timeout": 10}}"#)).as_ptr(),
            &mut e,
        );
        ok(e);
        Client(c)
    }
    fn requests(&self) -> u64 {
        kf_schema_registry_request_count(self.0)
    }
    fn latest_id(&self, subject: &str) -> Result<i32, (i32, String)> {
        let mut rs = null_mut();
        let e = kf_schema_registry_get_latest_version(self.0, cs(subject).as_ptr(), &mut rs);
        if !e.is_null() {
            return Err(err(e));
        }
        let id = kf_registered_schema_id(rs);
        kf_registered_schema_destroy(rs);
        Ok(id)
    }
}
impl Drop for Client {
    fn drop(&mut self) {
        kf_schema_registry_destroy(self.0);
    }
}

struct Ser(*mut kf_serializer_t);
impl Drop for Ser {
    fn drop(&mut self) {
        kf_serializer_destroy(self.0);
    }
}
struct De(*mut kf_deserializer_t);
impl Drop for De {
    fn drop(&mut self) {
        kf_deserializer_destroy(self.0);
    }
}

fn opt_cs(s: Option<&str>) -> Option<std::ffi::CString> {
    s.map(cs)
}

fn try_ser(c: &Client, schema: Option<&str>, conf: Option<&str>) -> Result<Ser, (i32, String)> {
    let (s, f) = (opt_cs(schema), opt_cs(conf));
    let mut e = null_mut();
    let p = kf_avro_serializer_new(
        c.0,
        s.as_ref().map_or(null(), |x| x.as_ptr()),
        f.as_ref().map_or(null(), |x| x.as_ptr()),
        &mut e,
    );
    if p.is_null() {
        Err(err(e))
    } else {
        assert!(e.is_null());
        Ok(Ser(p))
    }
}
fn ser(c: &Client, schema: Option<&str>, conf: Option<&str>) -> Ser {
    try_ser(c, schema, conf).unwrap()
}
fn de(c: &Client, reader: Option<&str>) -> De {
    let s = opt_cs(reader);
    let mut e = null_mut();
    let p = kf_avro_deserializer_new(
        c.0,
        s.as_ref().map_or(null(), |x| x.as_ptr()),
        null(),
        &mut e,
    );
    ok(e);
    De(p)
}

fn serialize(
    s: &Ser,
    topic: &str,
    field: i32,
    record: Option<&str>,
) -> Result<Option<Vec<u8>>, (i32, String)> {
    serialize_raw(s.0, topic, field, record.map(str::as_bytes))
}
fn ser_value(s: &Ser, topic: &str, record: &Json) -> Vec<u8> {
    serialize(s, topic, KF_MESSAGE_FIELD_VALUE, Some(&record.to_string()))
        .unwrap()
        .unwrap()
}

fn deserialize(
    d: &De,
    topic: &str,
    field: i32,
    data: Option<&[u8]>,
) -> Result<Option<Json>, (i32, String)> {
    deserialize_raw(d.0, topic, field, data)
        .map(|o| o.map(|b| serde_json::from_slice(&b).expect("deserializer output is JSON")))
}
fn de_value(d: &De, topic: &str, data: &[u8]) -> Json {
    deserialize(d, topic, KF_MESSAGE_FIELD_VALUE, Some(data))
        .unwrap()
        .unwrap()
}

/// Every Avro type of the documented JSON mapping.
const ALL_TYPES: &str = r#"{"type":"record","name":"All","namespace":"kf.avro","fields":[
 {"name":"n","type":"null"},
 {"name":"b","type":"boolean"},
 {"name":"i","type":"int"},
 {"name":"l","type":"long"},
 {"name":"f","type":"float"},
 {"name":"d","type":"double"},
 {"name":"s","type":"string"},
 {"name":"by","type":"bytes"},
 {"name":"fx","type":{"type":"fixed","name":"Four","size":4}},
 {"name":"e","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
 {"name":"a","type":{"type":"array","items":"int"}},
 {"name":"m","type":{"type":"map","values":"string"}},
 {"name":"u1","type":["null","string"]},
 {"name":"u2","type":["null","string","kf.avro.Color","long"]},
 {"name":"u3","type":["null",{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}]},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
 {"name":"decf","type":{"type":"fixed","name":"DecF","size":8,"logicalType":"decimal","precision":18,"scale":3}},
 {"name":"date","type":{"type":"int","logicalType":"date"}},
 {"name":"tsm","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
 {"name":"nested","type":"Inner"}
]}"#;

fn all_types_records() -> Vec<Json> {
    vec![
        json!({"n": null, "b": true, "i": -42, "l": 9007199254740993i64, "f": 1.5, "d": -2.25,
               "s": "héllo ✓", "by": "\u{0}\u{1}\u{ff}ab", "fx": "\u{0}\u{80}\u{ff}z", "e": "GREEN",
               "a": [1, -2, 3], "m": {"k": "v", "": "empty"}, "u1": {"string": "x"},
               "u2": {"kf.avro.Color": "BLUE"}, "u3": {"kf.avro.Inner": {"x": 7}},
               "dec": "-12345678.90", "decf": "123456789012345.678", "date": 19000,
               "tsm": 1700000000123i64, "tsu": 1700000000123456i64,
               "uuid": "123e4567-e89b-12d3-a456-426614174000", "nested": {"x": -1}}),
        json!({"n": null, "b": false, "i": 0, "l": -1, "f": 0.0, "d": 1e300, "s": "",
               "by": "", "fx": "abcd", "e": "RED", "a": [], "m": {}, "u1": null,
               "u2": {"long": -5}, "u3": null, "dec": "0.01", "decf": "-0.001", "date": -1,
               "tsm": 0, "tsu": -1, "uuid": "00000000-0000-0000-0000-000000000000",
               "nested": {"x": 2147483647}}),
    ]
}

#[test]
fn every_json_mapping_round_trips_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let s = ser(&c, Some(ALL_TYPES), None);
        let d = de(&c, None);
        let topic = unique("avro-all");
        for r in all_types_records() {
            let bytes = ser_value(&s, &topic, &r);
            assert_eq!(
                schema_id(&bytes),
                c.latest_id(&format!("{topic}-value")).unwrap(),
                "{name}"
            );
            assert_eq!(de_value(&d, &topic, &bytes), r, "{name}: round trip");
        }
        // Short names of named branches are accepted on input; output uses the full name.
        let mut r = all_types_records().remove(1);
        r["u2"] = json!({"Color": "RED"});
        let back = de_value(&d, &topic, &ser_value(&s, &topic, &r));
        assert_eq!(back["u2"], json!({"kf.avro.Color": "RED"}), "{name}");
        // Decimals given as JSON numbers come back as decimal strings with `scale` digits.
        r["dec"] = json!(3.5);
        let back = de_value(&d, &topic, &ser_value(&s, &topic, &r));
        assert_eq!(back["dec"], json!("3.50"), "{name}");
        // Null stays null.
        assert_eq!(
            serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, None).unwrap(),
            None
        );
        assert_eq!(
            deserialize(&d, &topic, KF_MESSAGE_FIELD_VALUE, None).unwrap(),
            None
        );
    }
}

#[test]
fn known_bytes_of_the_wire_format() {
    // {"name":"ab","n":1} with a string and an int: zigzag lengths and values.
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let s = ser(
        &c,
        Some(
            r#"{"type":"record","name":"R","fields":[{"name":"name","type":"string"},{"name":"n","type":"int"}]}"#,
        ),
        None,
    );
    let topic = unique("avro-bytes");
    let b = ser_value(&s, &topic, &json!({"name": "ab", "n": -1}));
    let id = c.latest_id(&format!("{topic}-value")).unwrap();
    let mut want = vec![0u8];
    want.extend_from_slice(&id.to_be_bytes());
    want.extend_from_slice(&[4, b'a', b'b', 1]);
    assert_eq!(b, want);
}

#[test]
fn bad_records_are_serialization_errors() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let s = ser(&c, Some(ALL_TYPES), None);
    let topic = unique("avro-bad");
    let good = all_types_records().remove(0);
    let cases: Vec<(Json, &str)> = vec![
        (
            {
                let mut r = good.clone();
                r["i"] = json!("x");
                r
            },
            "$.i",
        ),
        (
            {
                let mut r = good.clone();
                r["i"] = json!(1i64 << 40);
                r
            },
            "$.i",
        ),
        (
            {
                let mut r = good.clone();
                r["e"] = json!("PINK");
                r
            },
            "PINK",
        ),
        (
            {
                let mut r = good.clone();
                r["fx"] = json!("abc");
                r
            },
            "4 bytes",
        ),
        (
            {
                let mut r = good.clone();
                r["by"] = json!("\u{100}");
                r
            },
            "above 255",
        ),
        (
            {
                let mut r = good.clone();
                r["u2"] = json!("x");
                r
            },
            "union",
        ),
        (
            {
                let mut r = good.clone();
                r["u2"] = json!({"int": 1});
                r
            },
            "not a branch",
        ),
        (
            {
                let mut r = good.clone();
                r["dec"] = json!("1.234");
                r
            },
            "fraction digits",
        ),
        (
            {
                let mut r = good.clone();
                r["uuid"] = json!("nope");
                r
            },
            "uuid",
        ),
        (
            {
                let mut r = good.clone();
                r["extra"] = json!(1);
                r
            },
            "extra",
        ),
        (
            {
                let mut r = good.clone();
                r.as_object_mut().unwrap().remove("s");
                r
            },
            "missing",
        ),
    ];
    for (r, needle) in cases {
        let (code, msg) =
            serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, Some(&r.to_string())).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{msg}");
        assert!(
            msg.contains("ValueSerializationError") && msg.contains(needle),
            "{needle}: {msg}"
        );
    }
    let (code, msg) = serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, Some("{not json")).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    assert!(msg.contains("not valid JSON"), "{msg}");
}

const USER_V1: &str = r#"{"type":"record","name":"User","namespace":"kf.avro","fields":[{"name":"name","type":"string"},{"name":"score","type":"int"}]}"#;
/// V1 plus a field with a default, and score promoted to long: reads V1 data.
const USER_V2: &str = r#"{"type":"record","name":"User","namespace":"kf.avro","fields":[{"name":"name","type":"string"},{"name":"score","type":"long"},{"name":"email","type":["null","string"],"default":null},{"name":"level","type":"int","default":3}]}"#;

#[test]
fn each_subject_name_strategy_round_trips_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        for (strategy, field) in [
            ("topic_name", KF_MESSAGE_FIELD_VALUE),
            ("TopicNameStrategy", KF_MESSAGE_FIELD_KEY),
            ("topic_record_name", KF_MESSAGE_FIELD_VALUE),
            ("TopicRecordNameStrategy", KF_MESSAGE_FIELD_KEY),
            ("record_name", KF_MESSAGE_FIELD_VALUE),
            ("RecordNameStrategy", KF_MESSAGE_FIELD_KEY),
        ] {
            // A unique record name per case, so record_name subjects do not collide.
            let ns = unique("ns").replace('-', "_");
            let schema = USER_V1.replace("kf.avro", &format!("kf.avro.{ns}"));
            let full = format!("kf.avro.{ns}.User");
            let s = ser(
                &c,
                Some(&schema),
                Some(&format!(r#"{{"subject.name.strategy": "{strategy}"}}"#)),
            );
            let d = de(&c, None);
            let topic = unique("avro-strat");
            let suffix = if field == KF_MESSAGE_FIELD_KEY {
                "key"
            } else {
                "value"
            };
            let subject = match strategy {
                "topic_name" | "TopicNameStrategy" => format!("{topic}-{suffix}"),
                "topic_record_name" | "TopicRecordNameStrategy" => format!("{topic}-{full}"),
                _ => full.clone(),
            };
            let r = json!({"name": "ann", "score": 5});
            let b = serialize(&s, &topic, field, Some(&r.to_string()))
                .unwrap()
                .unwrap();
            assert_eq!(
                schema_id(&b),
                c.latest_id(&subject).unwrap(),
                "{name} {strategy}: subject {subject}"
            );
            assert_eq!(
                deserialize(&d, &topic, field, Some(&b)).unwrap(),
                Some(r),
                "{name} {strategy}"
            );
        }
    }
}

#[test]
fn reader_schema_reads_data_of_an_older_writer_schema_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-evo");
        let s1 = ser(&c, Some(USER_V1), None);
        let old = ser_value(&s1, &topic, &json!({"name": "old", "score": 1}));
        // The compatible new version registers as version 2 of the subject.
        let s2 = ser(&c, Some(USER_V2), None);
        let new = ser_value(
            &s2,
            &topic,
            &json!({"name": "new", "score": 1i64 << 40, "email": {"string": "a@b"}, "level": 9}),
        );
        assert_ne!(schema_id(&old), schema_id(&new), "{name}");
        let reader = de(&c, Some(USER_V2));
        assert_eq!(
            de_value(&reader, &topic, &old),
            json!({"name": "old", "score": 1, "email": null, "level": 3}),
            "{name}"
        );
        assert_eq!(
            de_value(&reader, &topic, &new)["score"],
            json!(1i64 << 40),
            "{name}"
        );
        // Without a reader schema each record comes back as written.
        let plain = de(&c, None);
        assert_eq!(
            de_value(&plain, &topic, &old),
            json!({"name": "old", "score": 1}),
            "{name}"
        );
        // An incompatible reader (a new field without default) fails cleanly.
        let bad = de(
            &c,
            Some(
                r#"{"type":"record","name":"User","namespace":"kf.avro","fields":[{"name":"name","type":"string"},{"name":"x","type":"int"}]}"#,
            ),
        );
        let (code, msg) =
            deserialize(&bad, &topic, KF_MESSAGE_FIELD_VALUE, Some(&old)).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{name}: {msg}");
        // use.latest.version with no schema writes with the subject's latest (V2).
        let latest = ser(
            &c,
            None,
            Some(r#"{"use.latest.version": true, "auto.register.schemas": false}"#),
        );
        let b = ser_value(&latest, &topic, &json!({"name": "l", "score": 2}));
        assert_eq!(schema_id(&b), schema_id(&new), "{name}");
        assert_eq!(
            de_value(&plain, &topic, &b),
            json!({"name": "l", "score": 2, "email": null, "level": 3}),
            "{name}"
        );
    }
}

#[test]
fn wrong_magic_unknown_id_and_truncated_payload_are_deserialization_errors() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-err");
        let s = ser(&c, Some(USER_V1), None);
        let d = de(&c, None);
        let good = ser_value(&s, &topic, &json!({"name": "abcdef", "score": 300}));
        for field in [KF_MESSAGE_FIELD_KEY, KF_MESSAGE_FIELD_VALUE] {
            let want = if field == KF_MESSAGE_FIELD_KEY {
                KF_ERR__KEY_DESERIALIZATION
            } else {
                KF_ERR__VALUE_DESERIALIZATION
            };
            let mut magic = good.clone();
            magic[0] = 1;
            let (code, msg) = deserialize(&d, &topic, field, Some(&magic)).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(msg.contains("magic byte 1"), "{name}: {msg}");

            let mut unknown = good.clone();
            unknown[1..5].copy_from_slice(&987_654_321i32.to_be_bytes());
            let (code, msg) = deserialize(&d, &topic, field, Some(&unknown)).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(msg.contains("schema id 987654321"), "{name}: {msg}");

            for cut in [0, 3, good.len() - 1, good.len() - 4] {
                let (code, msg) = deserialize(&d, &topic, field, Some(&good[..cut])).unwrap_err();
                assert_eq!(code, want, "{name} cut {cut}: {msg}");
                assert!(
                    msg.contains("5-byte") || msg.contains("invalid Avro payload"),
                    "{name}: {msg}"
                );
            }
        }
        // The good bytes still decode after the failures.
        assert_eq!(
            de_value(&d, &topic, &good),
            json!({"name": "abcdef", "score": 300}),
            "{name}"
        );
    }
}

#[test]
fn steady_state_sends_no_request_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-cache");
        let s = ser(&c, Some(USER_V1), None);
        let d = de(&c, None);
        let first = ser_value(&s, &topic, &json!({"name": "a", "score": 0}));
        de_value(&d, &topic, &first);
        let before = c.requests();
        assert!(before > 0, "{name}");
        for i in 0..50 {
            let b = ser_value(&s, &topic, &json!({"name": "a", "score": i}));
            assert_eq!(de_value(&d, &topic, &b)["score"], json!(i));
        }
        assert_eq!(c.requests(), before, "{name}: steady state sent requests");
        // A new deserializer on the same client: the client's cache answers.
        let d2 = de(&c, None);
        de_value(&d2, &topic, &first);
        assert_eq!(c.requests(), before, "{name}");
    }
}

#[test]
fn configuration_is_checked() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    for (conf, needle) in [
        (r#"{"auto.register.schema": true}"#, "auto.register.schema"),
        (r#"{"subject.name.strategy": "nope"}"#, "nope"),
        (r#"{"use.latest.version": 1}"#, "use.latest.version"),
        (r#"[1]"#, "JSON object"),
    ] {
        let (code, msg) = try_ser(&c, Some(USER_V1), Some(conf)).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG);
        assert!(msg.contains(needle), "{msg}");
    }
    let (_, msg) = try_ser(&c, None, None).err().unwrap();
    assert!(msg.contains("use.latest.version"), "{msg}");
    let (_, msg) = try_ser(&c, Some("{\"type\":\"nope\"}"), None)
        .err()
        .unwrap();
    assert!(msg.contains("invalid Avro schema"), "{msg}");
    // auto.register.schemas=false: the schema must already be registered.
    let s = ser(
        &c,
        Some(USER_V1),
        Some(r#"{"auto.register.schemas": false, "normalize.schemas": true}"#),
    );
    let (code, msg) = serialize(
        &s,
        "t",
        KF_MESSAGE_FIELD_VALUE,
        Some(r#"{"name":"a","score":1}"#),
    )
    .unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{msg}");
    let mut e = null_mut();
    let p = kf_avro_deserializer_new(c.0, null(), cs(r#"{"x": 1}"#).as_ptr(), &mut e);
    assert!(p.is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn bytes_equal_the_python_clients_and_each_side_reads_the_other() {
    let py = python_venv();
    let url = real_url();
    let c = Client::url(&url);
    // The mapping test's schema without the multi-branch union (Python picks a union branch by
    // the value's Python type, so "BLUE" would go to "string" rather than the enum).
    let mut schema: Json = serde_json::from_str(ALL_TYPES).unwrap();
    schema["fields"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["name"] != "u2");
    let schema_text = schema.to_string();
    let records: Vec<Json> = all_types_records()
        .into_iter()
        .map(|mut r| {
            let o = r.as_object_mut().unwrap();
            o.remove("u2");
            // Maps keep the JSON's order ({"k": .., "": ..} is not sorted), as Python writes a
            // dict's entries in insertion order: the bytes are equal for maps of any size.
            r
        })
        .collect();
    let topic = unique("avro-py");
    let s = ser(&c, Some(&schema_text), None);
    let d = de(&c, None);
    let rust_bytes: Vec<Vec<u8>> = records.iter().map(|r| ser_value(&s, &topic, r)).collect();
    let req = json!({"url": url, "topic": topic, "schema": schema_text, "records": records,
                     "rust_bytes": rust_bytes.iter().map(|b| hex(b)).collect::<Vec<_>>()});
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/avro_compat.py");
    let out = run_python(&py, &[script], req.to_string().as_bytes());
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resp: Json = serde_json::from_slice(&out.stdout).unwrap();
    for (i, r) in records.iter().enumerate() {
        let py_hex = resp["bytes"][i].as_str().unwrap();
        assert_eq!(
            py_hex,
            hex(&rust_bytes[i]),
            "record {i}: Python's bytes differ"
        );
        let py_bytes: Vec<u8> = (0..py_hex.len())
            .step_by(2)
            .map(|j| u8::from_str_radix(&py_hex[j..j + 2], 16).unwrap())
            .collect();
        assert_eq!(
            &de_value(&d, &topic, &py_bytes),
            r,
            "record {i}: kafkaffi reading Python's bytes"
        );
        assert_eq!(
            &resp["decoded"][i], r,
            "record {i}: Python reading kafkaffi's bytes"
        );
    }
}

/// The Avro serdes in the SerializingProducer and DeserializingConsumer, on the real broker and
/// the mock cluster: records round trip, a bad record is a ValueSerializationError that enqueues
/// nothing, and a non-Avro message is a ValueDeserializationError that does not stop the others.
#[test]
fn serializing_producer_and_deserializing_consumer_on_both_clusters() {
    use std::os::raw::c_void;
    let c = Client::url(&real_url());
    for cluster in Cluster::both() {
        let topic = unique("avro-e2e");
        cluster.create_topic(&topic, 1);
        let t = cs(&topic);
        let ks = ser(&c, Some(r#""string""#), None);
        let vs = ser(&c, Some(USER_V1), None);
        let conf = cluster.config(&[]);
        let mut e = null_mut();
        let p = kf_serializing_producer_new(conf, ks.0, vs.0, &mut e);
        ok(e);
        kf_config_destroy(conf);
        let mut d = Deliveries::default();
        let produce = |d: &mut Deliveries, k: &str, v: &str| {
            let e = kf_serializing_producer_produce(
                p,
                t.as_ptr(),
                0,
                k.as_ptr(),
                k.len(),
                v.as_ptr(),
                v.len(),
                null(),
                0,
                Some(record_delivery),
                d as *mut Deliveries as *mut c_void,
            );
            if e.is_null() {
                Ok(())
            } else {
                Err(err(e))
            }
        };
        produce(&mut d, r#""k1""#, r#"{"name":"a","score":1}"#).unwrap();
        let (code, msg) = produce(&mut d, r#""k2""#, r#"{"name":"b"}"#).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{msg}");
        assert!(msg.contains("$.score"), "{msg}");
        let mut remaining = 1;
        ok(kf_producer_flush(
            kf_serializing_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        produce_values(&cluster, &topic, 0, &[b"not avro".to_vec()]);
        produce(&mut d, r#""k3""#, r#"{"name":"c","score":3}"#).unwrap();
        ok(kf_producer_flush(
            kf_serializing_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        assert_eq!(remaining, 0);
        assert_eq!(d.reports.len(), 2, "{:?}", d.reports);
        assert!(d.reports.iter().all(|r| r.0 == 0), "{:?}", d.reports);
        ok(kf_serializing_producer_destroy(p));

        let kd = de(&c, None);
        let vd = de(&c, None);
        let conf = cluster.config(&[("group.id", &unique("g")), ("enable.auto.commit", "false")]);
        let cons = kf_deserializing_consumer_new(conf, kd.0, vd.0, &mut e);
        ok(e);
        kf_config_destroy(conf);
        let got = poll_deserialized(cons, &topic, 3);
        assert_eq!(
            got,
            vec![
                Ok((Some(json!("k1")), Some(json!({"name": "a", "score": 1})))),
                Err(KF_ERR__VALUE_DESERIALIZATION),
                Ok((Some(json!("k3")), Some(json!({"name": "c", "score": 3})))),
            ],
            "{}",
            cluster.name()
        );
        ok(kf_consumer_close(
            kf_deserializing_consumer_consumer(cons),
            -1,
        ));
        ok(kf_deserializing_consumer_destroy(cons));
    }
}

fn try_de_conf(c: &Client, reader: Option<&str>, conf: Option<&str>) -> Result<De, (i32, String)> {
    let (s, f) = (opt_cs(reader), opt_cs(conf));
    let mut e = null_mut();
    let p = kf_avro_deserializer_new(
        c.0,
        s.as_ref().map_or(null(), |x| x.as_ptr()),
        f.as_ref().map_or(null(), |x| x.as_ptr()),
        &mut e,
    );
    if p.is_null() {
        Err(err(e))
    } else {
        Ok(De(p))
    }
}

/// The deserializer's use.latest.version: the subject's latest version (named by
/// subject.name.strategy) is the reader schema, over any reader schema given; fetched once.
#[test]
fn deserializer_use_latest_version_reads_with_the_subjects_latest_schema() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-latest");
        let s1 = ser(&c, Some(USER_V1), None);
        let old = ser_value(&s1, &topic, &json!({"name": "old", "score": 1}));
        // Without use.latest.version, the writer's schema reads it.
        let plain = de(&c, None);
        assert_eq!(
            de_value(&plain, &topic, &old),
            json!({"name": "old", "score": 1}),
            "{name}"
        );
        // Version 2 registered: use.latest.version reads V1 data with V2 (even with a V1 reader).
        let s2 = ser(&c, Some(USER_V2), None);
        ser_value(&s2, &topic, &json!({"name": "n", "score": 2}));
        let latest =
            try_de_conf(&c, Some(USER_V1), Some(r#"{"use.latest.version": true}"#)).unwrap();
        let want = json!({"name": "old", "score": 1, "email": null, "level": 3});
        assert_eq!(de_value(&latest, &topic, &old), want, "{name}");
        let before = c.requests();
        assert_eq!(de_value(&latest, &topic, &old), want, "{name}");
        assert_eq!(c.requests(), before, "{name}: the latest schema is kept");
        // The key subject has no version: a KeyDeserializationError naming the subject.
        let (code, msg) =
            deserialize(&latest, &topic, KF_MESSAGE_FIELD_KEY, Some(&old)).unwrap_err();
        assert_eq!(code, KF_ERR__KEY_DESERIALIZATION, "{name}: {msg}");
        assert!(msg.contains(&format!("{topic}-key")), "{name}: {msg}");

        // record_name strategy: the subject is the writer's record name.
        let rn_topic = unique("avro-latest-rn");
        let rec_v1 = USER_V1.replace(
            "\"User\"",
            &format!("\"{}\"", unique("U").replace('-', "_")),
        );
        let full = format!(
            "kf.avro.{}",
            serde_json::from_str::<Json>(&rec_v1).unwrap()["name"]
                .as_str()
                .unwrap()
        );
        let rec_v2 = USER_V2.replace("\"User\"", &format!("\"{}\"", &full["kf.avro.".len()..]));
        let conf = r#"{"subject.name.strategy": "record_name"}"#;
        let r1 = ser(&c, Some(&rec_v1), Some(conf));
        let data = ser_value(&r1, &rn_topic, &json!({"name": "r", "score": 5}));
        ser_value(
            &ser(&c, Some(&rec_v2), Some(conf)),
            &rn_topic,
            &json!({"name": "r", "score": 6}),
        );
        assert!(c.latest_id(&full).is_ok(), "{name}");
        let d = try_de_conf(
            &c,
            None,
            Some(
                r#"{"use.latest.version": "true", "subject.name.strategy": "RecordNameStrategy"}"#,
            ),
        )
        .unwrap();
        assert_eq!(
            de_value(&d, &rn_topic, &data),
            json!({"name": "r", "score": 5, "email": null, "level": 3}),
            "{name}"
        );
    }
    // Configuration errors.
    let c = Client::url(&format!("mock://{}", unique("sr")));
    for (conf, needle) in [
        (r#"{"use.latest.version": 2}"#, "use.latest.version"),
        (r#"{"subject.name.strategy": "nope"}"#, "nope"),
        (
            r#"{"auto.register.schemas": true}"#,
            "auto.register.schemas",
        ),
    ] {
        let (code, msg) = try_de_conf(&c, None, Some(conf)).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{msg}");
        assert!(msg.contains(needle), "{msg}");
    }
}

/// A C struct the hooks convert to and from JSON.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct CUser {
    score: i32,
    name: [u8; 16],
}

impl CUser {
    fn new(name: &str, score: i32) -> CUser {
        let mut n = [0u8; 16];
        n[..name.len()].copy_from_slice(name.as_bytes());
        CUser { score, name: n }
    }
    fn bytes(&self) -> Vec<u8> {
        unsafe {
            std::slice::from_raw_parts(
                self as *const CUser as *const u8,
                std::mem::size_of::<CUser>(),
            )
        }
        .to_vec()
    }
}

#[derive(Default)]
struct HookState {
    calls: std::sync::atomic::AtomicUsize,
    freed: std::sync::atomic::AtomicUsize,
}

unsafe extern "C" fn to_dict(
    opaque: *mut std::os::raw::c_void,
    _ctx: *const kf_serialization_context_t,
    data: *const u8,
    len: usize,
    out: *mut kf_buffer_t,
) -> std::os::raw::c_int {
    let st = &*(opaque as *const HookState);
    st.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if len != std::mem::size_of::<CUser>() {
        let m = format!(
            "expected a CUser of {} bytes, got {len}",
            std::mem::size_of::<CUser>()
        );
        ok(kf_buffer_set(out, m.as_ptr(), m.len()));
        return 7;
    }
    let u: CUser = std::ptr::read_unaligned(data as *const CUser);
    let n = u.name.iter().position(|&b| b == 0).unwrap_or(16);
    // score -1: produce a record the schema refuses (the inner serializer fails).
    let j = if u.score == -1 {
        json!({"name": String::from_utf8_lossy(&u.name[..n])})
    } else {
        json!({"name": String::from_utf8_lossy(&u.name[..n]), "score": u.score})
    }
    .to_string();
    ok(kf_buffer_set(out, j.as_ptr(), j.len()));
    0
}

unsafe extern "C" fn from_dict(
    opaque: *mut std::os::raw::c_void,
    _ctx: *const kf_serialization_context_t,
    data: *const u8,
    len: usize,
    out: *mut kf_buffer_t,
) -> std::os::raw::c_int {
    let st = &*(opaque as *const HookState);
    st.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let j: Json = serde_json::from_slice(std::slice::from_raw_parts(data, len)).unwrap();
    let name = j["name"].as_str().unwrap();
    if name.len() > 15 {
        let m = "name too long for CUser";
        ok(kf_buffer_set(out, m.as_ptr(), m.len()));
        return 1;
    }
    let u = CUser::new(name, j["score"].as_i64().unwrap() as i32);
    let b = u.bytes();
    ok(kf_buffer_set(out, b.as_ptr(), b.len()));
    0
}

unsafe extern "C" fn free_hook(opaque: *mut std::os::raw::c_void) {
    let st = &*(opaque as *const HookState);
    st.freed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

/// to_dict / from_dict hooks over the Avro serdes: a C struct goes in, the same struct comes
/// out; null skips the hooks; hook and inner failures are (de)serialization errors with the
/// cause; the opaque is released when the last holder goes.
#[test]
fn to_dict_and_from_dict_hooks_round_trip_a_c_struct_on_both_registries() {
    use std::sync::atomic::Ordering::SeqCst;
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-hooks");
        let st = Box::new(HookState::default());
        let op = &*st as *const HookState as *mut std::os::raw::c_void;
        let inner_s = ser(&c, Some(USER_V1), None);
        let mut e = null_mut();
        let hs = kf_to_dict_serializer_new(inner_s.0, Some(to_dict), op, Some(free_hook), &mut e);
        ok(e);
        drop(inner_s); // the hook serializer keeps its own reference
        let hs = Ser(hs);
        let inner_d = de(&c, None);
        let hd =
            kf_from_dict_deserializer_new(inner_d.0, Some(from_dict), op, Some(free_hook), &mut e);
        ok(e);
        drop(inner_d);
        let hd = De(hd);

        let u = CUser::new("ada", 36);
        let t = cs(&topic);
        let cx = serde_ctx(&t, KF_MESSAGE_FIELD_VALUE);
        let out = kf_buffer_new();
        let b = u.bytes();
        ok(kf_serializer_serialize(hs.0, &cx, b.as_ptr(), b.len(), out));
        let wire = buf_bytes(out).unwrap();
        // The bytes are the plain Avro serializer's for the JSON the hook made.
        let plain = de(&c, None);
        assert_eq!(
            de_value(&plain, &topic, &wire),
            json!({"name": "ada", "score": 36}),
            "{name}"
        );
        ok(kf_deserializer_deserialize(
            hd.0,
            &cx,
            wire.as_ptr(),
            wire.len(),
            out,
        ));
        let back = buf_bytes(out).unwrap();
        assert_eq!(back, b, "{name}: the struct came back");
        assert_eq!(st.calls.load(SeqCst), 2, "{name}");

        // Null stays null without calling the hooks.
        ok(kf_serializer_serialize(hs.0, &cx, null(), 0, out));
        assert!(buf_bytes(out).is_none(), "{name}");
        ok(kf_deserializer_deserialize(hd.0, &cx, null(), 0, out));
        assert!(buf_bytes(out).is_none(), "{name}");
        assert_eq!(st.calls.load(SeqCst), 2, "{name}: no hook call for null");

        // The hook fails: ValueSerializationError with the hook's cause.
        let e = kf_serializer_serialize(hs.0, &cx, b.as_ptr(), 3, out);
        let (code, msg) = err(e);
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(
            msg.contains("to_dict hook") && msg.contains("got 3"),
            "{name}: {msg}"
        );
        // The hook's JSON does not match the schema: the inner serializer's cause.
        let bad = CUser::new("bob", -1).bytes();
        let (code, msg) = err(kf_serializer_serialize(
            hs.0,
            &cx,
            bad.as_ptr(),
            bad.len(),
            out,
        ));
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("$.score"), "{name}: {msg}");
        assert!(
            !msg.contains("ValueSerializationError: ValueSerializationError"),
            "{msg}"
        );
        // from_dict fails: KeyDeserializationError with its cause (key field this time).
        let s_long = ser(&c, Some(USER_V1), None);
        let long = serialize(
            &s_long,
            &topic,
            KF_MESSAGE_FIELD_KEY,
            Some(r#"{"name":"a-very-long-name-indeed","score":1}"#),
        )
        .unwrap()
        .unwrap();
        let kx = serde_ctx(&t, KF_MESSAGE_FIELD_KEY);
        let (code, msg) = err(kf_deserializer_deserialize(
            hd.0,
            &kx,
            long.as_ptr(),
            long.len(),
            out,
        ));
        assert_eq!(code, KF_ERR__KEY_DESERIALIZATION, "{name}: {msg}");
        assert!(
            msg.contains("from_dict hook") && msg.contains("too long"),
            "{name}: {msg}"
        );
        // The inner deserializer fails (not Confluent framing): its cause, hook not called.
        let calls = st.calls.load(SeqCst);
        let (code, msg) = err(kf_deserializer_deserialize(
            hd.0,
            &cx,
            b"xx".as_ptr(),
            2,
            out,
        ));
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("5-byte"), "{name}: {msg}");
        assert_eq!(st.calls.load(SeqCst), calls, "{name}");
        kf_buffer_destroy(out);

        assert_eq!(st.freed.load(SeqCst), 0, "{name}");
        drop(hs);
        drop(hd);
        assert_eq!(
            st.freed.load(SeqCst),
            2,
            "{name}: each hook released its opaque"
        );
    }
    // Invalid arguments: NULL inner or hook; the opaque is released at once.
    let st = HookState::default();
    let op = &st as *const HookState as *mut std::os::raw::c_void;
    let mut e = null_mut();
    assert!(
        kf_to_dict_serializer_new(null(), Some(to_dict), op, Some(free_hook), &mut e).is_null()
    );
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let d = de(&c, None);
    assert!(kf_from_dict_deserializer_new(d.0, None, op, Some(free_hook), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    assert_eq!(st.freed.load(std::sync::atomic::Ordering::SeqCst), 2);
}

const COUNTRY: &str =
    r#"{"type":"enum","name":"Country","namespace":"kf.ref","symbols":["FR","DE","US"]}"#;
const ADDRESS: &str = r#"{"type":"record","name":"Address","namespace":"kf.ref","fields":[{"name":"street","type":"string"},{"name":"country","type":"kf.ref.Country"}]}"#;
const PERSON: &str = r#"{"type":"record","name":"Person","namespace":"kf.ref","fields":[{"name":"name","type":"string"},{"name":"home","type":"kf.ref.Address"},{"name":"work","type":["null","kf.ref.Address"],"default":null}]}"#;

struct SchemaH(*mut kf_schema_t);
impl Drop for SchemaH {
    fn drop(&mut self) {
        kf_schema_destroy(self.0);
    }
}

fn avro_schema(text: &str, refs: &[(&str, &str, i32)]) -> SchemaH {
    let mut e = null_mut();
    let s = kf_schema_new(cs(text).as_ptr(), KF_SCHEMA_TYPE_AVRO, &mut e);
    ok(e);
    for (n, subj, v) in refs {
        ok(kf_schema_add_reference(
            s,
            cs(n).as_ptr(),
            cs(subj).as_ptr(),
            *v,
        ));
    }
    SchemaH(s)
}

fn register(c: &Client, subject: &str, s: &SchemaH) -> Result<i32, (i32, String)> {
    let mut id = 0;
    let e = kf_schema_registry_register_schema(c.0, cs(subject).as_ptr(), s.0, false, &mut id);
    if e.is_null() {
        Ok(id)
    } else {
        Err(err(e))
    }
}

/// Schema references across subjects: Person uses Address (another subject), which uses
/// Country (a third). The serializer takes the schema with its references and registers it with
/// them; the deserializer resolves the writer's references by itself; a reader schema with
/// references works too.
#[test]
fn schema_references_across_subjects_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("avro-refs");
        let (cs_, as_) = (unique("country"), unique("address"));
        register(&c, &cs_, &avro_schema(COUNTRY, &[])).unwrap();
        register(
            &c,
            &as_,
            &avro_schema(ADDRESS, &[("kf.ref.Country", &cs_, 1)]),
        )
        .unwrap();
        let person = avro_schema(PERSON, &[("kf.ref.Address", &as_, 1)]);
        let mut e = null_mut();
        let s = kf_avro_serializer_new_with_schema(c.0, person.0, null(), &mut e);
        ok(e);
        let s = Ser(s);
        let rec = json!({"name": "ada", "home": {"street": "1 rue", "country": "FR"},
                         "work": {"kf.ref.Address": {"street": "2 str", "country": "DE"}}});
        let wire = ser_value(&s, &topic, &rec);
        // Avro body: "ada", home, work branch 1, ...
        assert_eq!(&wire[5..9], &[6, b'a', b'd', b'a'], "{name}");
        // Registered under <topic>-value with its reference.
        let mut rs = null_mut();
        ok(kf_schema_registry_get_latest_version(
            c.0,
            cs(&format!("{topic}-value")).as_ptr(),
            &mut rs,
        ));
        assert_eq!(kf_registered_schema_id(rs), schema_id(&wire), "{name}");
        let sch = kf_registered_schema_schema(rs);
        assert_eq!(kf_schema_reference_count(sch), 1, "{name}");
        assert_eq!(
            text(kf_schema_reference_name(sch, 0)),
            "kf.ref.Address",
            "{name}"
        );
        assert_eq!(text(kf_schema_reference_subject(sch, 0)), as_, "{name}");
        assert_eq!(kf_schema_reference_version(sch, 0), 1, "{name}");
        kf_registered_schema_destroy(rs);
        // A new client (empty caches): the deserializer fetches Person, then Address, Country.
        let c2 = Client::url(&url);
        let d = de(&c2, None);
        assert_eq!(de_value(&d, &topic, &wire), rec, "{name}");
        let n = c2.requests();
        assert!(n >= 3, "{name}: {n} requests");
        assert_eq!(de_value(&d, &topic, &wire), rec, "{name}");
        assert_eq!(c2.requests(), n, "{name}: cached");
        // A reader schema with references: Person with a defaulted field added.
        let p2: String = PERSON.replace(
            r#"{"name":"name","type":"string"}"#,
            r#"{"name":"name","type":"string"},{"name":"age","type":"int","default":-1}"#,
        );
        let reader = avro_schema(&p2, &[("kf.ref.Address", &as_, 1)]);
        let d2 = kf_avro_deserializer_new_with_schema(c2.0, reader.0, null(), &mut e);
        ok(e);
        let d2 = De(d2);
        let mut want = rec.clone();
        want["age"] = json!(-1);
        assert_eq!(de_value(&d2, &topic, &wire), want, "{name}");
        // The compatible new version, with its reference, registers as version 2 of the subject
        // (the registry checks compatibility with the references resolved).
        let s2 = kf_avro_serializer_new_with_schema(c.0, reader.0, null(), &mut e);
        ok(e);
        let s2 = Ser(s2);
        let mut rec2 = rec.clone();
        rec2["age"] = json!(40);
        let wire2 = ser_value(&s2, &topic, &rec2);
        assert_ne!(schema_id(&wire2), schema_id(&wire), "{name}");
        assert_eq!(de_value(&d, &topic, &wire2), rec2, "{name}");
        // An incompatible one (name: string -> int) is refused with the registry's error
        // under BACKWARD (set explicitly: Apicurio's default is to check nothing).
        ok(kf_schema_registry_set_compatibility(
            c.0,
            cs(&format!("{topic}-value")).as_ptr(),
            cs("BACKWARD").as_ptr(),
        ));
        let p3 = p2.replace(
            r#"{"name":"name","type":"string"}"#,
            r#"{"name":"name","type":"int"}"#,
        );
        let bad = avro_schema(&p3, &[("kf.ref.Address", &as_, 1)]);
        let s3 = Ser(kf_avro_serializer_new_with_schema(
            c.0,
            bad.0,
            null(),
            &mut e,
        ));
        ok(e);
        let (code, msg) =
            serialize(&s3, &topic, KF_MESSAGE_FIELD_VALUE, Some(&rec2.to_string())).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("409"), "{name}: {msg}");
        // use.latest.version (version 2) with a schema that has references.
        let latest = ser(
            &c,
            None,
            Some(r#"{"use.latest.version": true, "auto.register.schemas": false}"#),
        );
        assert_eq!(ser_value(&latest, &topic, &rec2), wire2, "{name}");
        // Without the reference, the schema does not parse (Address is unknown).
        let (code, msg) = try_ser(&c, Some(PERSON), None).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{name}: {msg}");
        // A reference to a subject the registry does not have: the registry's error.
        let dangling = avro_schema(PERSON, &[("kf.ref.Address", &unique("nosuch"), 1)]);
        let p = kf_avro_serializer_new_with_schema(c.0, dangling.0, null(), &mut e);
        assert!(p.is_null());
        let (code, msg) = err(e);
        assert_eq!(code, KF_ERR_SCHEMA_REGISTRY, "{name}: {msg}");
        assert!(msg.contains("404"), "{name}: {msg}");
    }
    // A schema that is not Avro; NULL schema without use.latest.version.
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let mut e = null_mut();
    let j = kf_schema_new(
        cs(r#"{"type":"object"}"#).as_ptr(),
        KF_SCHEMA_TYPE_JSON,
        &mut e,
    );
    ok(e);
    assert!(kf_avro_serializer_new_with_schema(c.0, j, null(), &mut e).is_null());
    let (code, msg) = err(e);
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("not AVRO"), "{msg}");
    assert!(kf_avro_deserializer_new_with_schema(c.0, j, null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    kf_schema_destroy(j);
    assert!(kf_avro_serializer_new_with_schema(c.0, null(), null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
}

/// Reads {"url", "topic", "schema", "refs": [[name, subject, version]], "record", "rust_hex"}
/// on stdin; prints Python's bytes for the record (hex) and Python's reading of kafkaffi's.
const PY_REFS: &str = r#"
import json, sys
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
req = json.load(sys.stdin)
client = SchemaRegistryClient({"url": req["url"]})
schema = Schema(req["schema"], "AVRO", [SchemaReference(n, s, v) for n, s, v in req["refs"]])
ctx = SerializationContext(req["topic"], MessageField.VALUE)
ser = AvroSerializer(client, schema, conf={"auto.register.schemas": False})
out = ser(req["record"], ctx)
de = AvroDeserializer(client)
print(json.dumps({"hex": out.hex(), "decoded": de(bytes.fromhex(req["rust_hex"]), ctx)}))
"#;

/// Schema references, byte for byte with the Python client: the same record with the same
/// referencing schema gives the same bytes, and each side reads the other's.
#[test]
fn schema_references_match_the_python_client() {
    let py = python_venv();
    let url = real_url();
    let c = Client::url(&url);
    let topic = unique("avro-refs-py");
    let (cs_, as_) = (unique("country"), unique("address"));
    register(&c, &cs_, &avro_schema(COUNTRY, &[])).unwrap();
    register(
        &c,
        &as_,
        &avro_schema(ADDRESS, &[("kf.ref.Country", &cs_, 1)]),
    )
    .unwrap();
    let person = avro_schema(PERSON, &[("kf.ref.Address", &as_, 1)]);
    let mut e = null_mut();
    let s = Ser(kf_avro_serializer_new_with_schema(
        c.0,
        person.0,
        null(),
        &mut e,
    ));
    ok(e);
    // Python picks a union branch by the value's type: a dict goes to the Address record.
    let rec = json!({"name": "ada", "home": {"street": "1 rue", "country": "FR"},
                     "work": {"kf.ref.Address": {"street": "2 str", "country": "US"}}});
    let py_rec = json!({"name": "ada", "home": {"street": "1 rue", "country": "FR"},
                        "work": {"street": "2 str", "country": "US"}});
    let wire = ser_value(&s, &topic, &rec);
    let req = json!({"url": url, "topic": topic, "schema": PERSON,
                     "refs": [["kf.ref.Address", as_, 1]], "record": py_rec,
                     "rust_hex": hex(&wire)});
    let out = run_python(&py, &["-c", PY_REFS], req.to_string().as_bytes());
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resp: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        resp["hex"].as_str().unwrap(),
        hex(&wire),
        "Python's bytes differ"
    );
    assert_eq!(resp["decoded"], py_rec, "Python reading kafkaffi's bytes");
    let py_bytes: Vec<u8> = {
        let h = resp["hex"].as_str().unwrap();
        (0..h.len())
            .step_by(2)
            .map(|j| u8::from_str_radix(&h[j..j + 2], 16).unwrap())
            .collect()
    };
    let d = de(&Client::url(&url), None);
    assert_eq!(
        de_value(&d, &topic, &py_bytes),
        rec,
        "kafkaffi reading Python's bytes"
    );
}
