//! The Avro serializer and deserializer (Confluent wire format) through the C ABI, against the
//! in-process mock:// registry and the real registry (Apicurio's Confluent-compatible API,
//! SCHEMA_REGISTRY_URL): the JSON mapping of every Avro type, the subject name strategies,
//! reader-schema resolution, the deserialization errors, the cache, and byte-for-byte
//! compatibility with the Python client (confluent-kafka 2.16.1 + fastavro, in a venv).
mod common;
use common::*;
use kafkaffi::ffi::avro::*;
use kafkaffi::ffi::schema_registry::*;
use kafkaffi::ffi::serde::*;
use serde_json::{json, Value as Json};
use std::ptr::{null, null_mut};

const KF_ERR_VALUE_SERIALIZATION: i32 = 100_002;
const KF_ERR_KEY_DESERIALIZATION: i32 = 100_003;
const KF_ERR_VALUE_DESERIALIZATION: i32 = 100_004;

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

struct Client(*mut kf_schema_registry_client_t);
impl Client {
    fn url(url: &str) -> Client {
        let mut e = null_mut();
        let c = kf_schema_registry_client_new(
            cs(&format!(r#"{{"url": "{url}", "timeout": 10}}"#)).as_ptr(),
            &mut e,
        );
        ok(e);
        Client(c)
    }
    fn requests(&self) -> u64 {
        kf_schema_registry_client_request_count(self.0)
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
        kf_schema_registry_client_destroy(self.0);
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

fn ctx(topic: &std::ffi::CStr, field: i32) -> kf_serialization_context_t {
    kf_serialization_context_t {
        topic: topic.as_ptr(),
        field,
        headers: null(),
    }
}

fn buf_bytes(b: *const kf_buffer_t) -> Option<Vec<u8>> {
    let mut len = 0;
    let p = kf_buffer_data(b, &mut len);
    if p.is_null() {
        None
    } else {
        Some(unsafe { std::slice::from_raw_parts(p, len) }.to_vec())
    }
}

fn serialize(
    s: &Ser,
    topic: &str,
    field: i32,
    record: Option<&str>,
) -> Result<Option<Vec<u8>>, (i32, String)> {
    let t = cs(topic);
    let c = ctx(&t, field);
    let out = kf_buffer_new();
    let (p, n) = record.map_or((null(), 0), |d| (d.as_ptr(), d.len()));
    let e = kf_serializer_serialize(s.0, &c, p, n, out);
    let r = if e.is_null() {
        Ok(buf_bytes(out))
    } else {
        Err(err(e))
    };
    kf_buffer_destroy(out);
    r
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
    let t = cs(topic);
    let c = ctx(&t, field);
    let out = kf_buffer_new();
    let (p, n) = data.map_or((null(), 0), |d| (d.as_ptr(), d.len()));
    let e = kf_deserializer_deserialize(d.0, &c, p, n, out);
    let r =
        if e.is_null() {
            Ok(buf_bytes(out)
                .map(|b| serde_json::from_slice(&b).expect("deserializer output is JSON")))
        } else {
            Err(err(e))
        };
    kf_buffer_destroy(out);
    r
}
fn de_value(d: &De, topic: &str, data: &[u8]) -> Json {
    deserialize(d, topic, KF_MESSAGE_FIELD_VALUE, Some(data))
        .unwrap()
        .unwrap()
}

fn schema_id(bytes: &[u8]) -> i32 {
    assert_eq!(bytes[0], 0, "magic byte");
    i32::from_be_bytes(bytes[1..5].try_into().unwrap())
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
        assert_eq!(code, KF_ERR_VALUE_SERIALIZATION, "{msg}");
        assert!(
            msg.contains("ValueSerializationError") && msg.contains(needle),
            "{needle}: {msg}"
        );
    }
    let (code, msg) = serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, Some("{not json")).unwrap_err();
    assert_eq!(code, KF_ERR_VALUE_SERIALIZATION);
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
        assert_eq!(code, KF_ERR_VALUE_DESERIALIZATION, "{name}: {msg}");
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
                KF_ERR_KEY_DESERIALIZATION
            } else {
                KF_ERR_VALUE_DESERIALIZATION
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
    assert_eq!(code, KF_ERR_VALUE_SERIALIZATION, "{msg}");
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
            // Avro leaves the order of map entries unspecified: Python writes them in insertion
            // order, apache-avro in its HashMap's order. Byte equality is only defined for maps
            // of at most one entry; the mapping test round-trips larger maps.
            if o["m"].as_object().is_some_and(|m| m.len() > 1) {
                o.insert("m".into(), json!({"k": "v"}));
            }
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
    let mut child = std::process::Command::new(py)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(req.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
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

/// A consumed (key, value) as JSON, or the poll's error code.
type Polled = Result<(Option<Json>, Option<Json>), i32>;

/// The Avro serdes in the SerializingProducer and DeserializingConsumer, on the real broker and
/// the mock cluster: records round trip, a bad record is a ValueSerializationError that enqueues
/// nothing, and a non-Avro message is a ValueDeserializationError that does not stop the others.
#[test]
fn serializing_producer_and_deserializing_consumer_on_both_clusters() {
    use std::os::raw::c_void;
    use std::time::{Duration, Instant};
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
        assert_eq!(code, KF_ERR_VALUE_SERIALIZATION, "{msg}");
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
        let l = tp_list(&[(&topic, 0, KF_OFFSET_BEGINNING)]);
        ok(kf_consumer_assign(
            kf_deserializing_consumer_consumer(cons),
            l,
        ));
        kf_topic_partition_list_destroy(l);
        let mut got: Vec<Polled> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while got.len() < 3 {
            assert!(
                Instant::now() < deadline,
                "{}: only {got:?}",
                cluster.name()
            );
            let mut m = null_mut();
            let e = kf_deserializing_consumer_poll(cons, 200, &mut m);
            let code = if e.is_null() { None } else { Some(err(e).0) };
            if m.is_null() {
                continue;
            }
            if Msg::from_c(kf_deserialized_message_message(m)).error != 0 {
                kf_deserialized_message_destroy(m);
                continue;
            }
            let j =
                |b: *const kf_buffer_t| buf_bytes(b).map(|x| serde_json::from_slice(&x).unwrap());
            got.push(match code {
                Some(code) => Err(code),
                None => Ok((
                    j(kf_deserialized_message_key(m)),
                    j(kf_deserialized_message_value(m)),
                )),
            });
            kf_deserialized_message_destroy(m);
        }
        assert_eq!(
            got,
            vec![
                Ok((Some(json!("k1")), Some(json!({"name": "a", "score": 1})))),
                Err(KF_ERR_VALUE_DESERIALIZATION),
                Ok((Some(json!("k3")), Some(json!({"name": "c", "score": 3})))),
            ],
            "{}",
            cluster.name()
        );
        ok(kf_consumer_close(kf_deserializing_consumer_consumer(cons)));
        ok(kf_deserializing_consumer_destroy(cons));
    }
}
