//! The JSON Schema serializer and deserializer (Confluent wire format) through the C ABI,
//! against the in-process mock:// registry and the real registry (Apicurio's
//! Confluent-compatible API, SCHEMA_REGISTRY_URL): the subject name strategies, schema
//! evolution under BACKWARD, validation on both sides, the deserialization errors, the cache,
//! schema references, the SerializingProducer / DeserializingConsumer, and byte-for-byte
//! compatibility with the Python client (confluent-kafka 2.16.1 + jsonschema, in a venv).
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
    fn latest(&self, subject: &str) -> Result<(i32, i32), (i32, String)> {
        let mut rs = null_mut();
        let e = kf_schema_registry_get_latest_version(self.0, cs(subject).as_ptr(), &mut rs);
        if !e.is_null() {
            return Err(err(e));
        }
        let r = (
            kf_registered_schema_id(rs),
            kf_registered_schema_version(rs),
        );
        kf_registered_schema_destroy(rs);
        Ok(r)
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
struct SchemaH(*mut kf_schema_t);
impl Drop for SchemaH {
    fn drop(&mut self) {
        kf_schema_destroy(self.0);
    }
}

fn opt_cs(s: Option<&str>) -> Option<std::ffi::CString> {
    s.map(cs)
}
fn ptr(s: &Option<std::ffi::CString>) -> *const std::os::raw::c_char {
    s.as_ref().map_or(null(), |x| x.as_ptr())
}

fn try_ser(c: &Client, schema: Option<&str>, conf: Option<&str>) -> Result<Ser, (i32, String)> {
    let (s, f) = (opt_cs(schema), opt_cs(conf));
    let mut e = null_mut();
    let p = kf_json_schema_serializer_new(c.0, ptr(&s), ptr(&f), &mut e);
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
fn try_de(c: &Client, reader: Option<&str>, conf: Option<&str>) -> Result<De, (i32, String)> {
    let (s, f) = (opt_cs(reader), opt_cs(conf));
    let mut e = null_mut();
    let p = kf_json_schema_deserializer_new(c.0, ptr(&s), ptr(&f), &mut e);
    if p.is_null() {
        Err(err(e))
    } else {
        assert!(e.is_null());
        Ok(De(p))
    }
}
fn de(c: &Client, reader: Option<&str>) -> De {
    try_de(c, reader, None).unwrap()
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

/// The deserializer's output as text.
fn deserialize_text(
    d: &De,
    topic: &str,
    field: i32,
    data: Option<&[u8]>,
) -> Result<Option<String>, (i32, String)> {
    deserialize_raw(d.0, topic, field, data)
        .map(|o| o.map(|b| String::from_utf8(b).expect("deserializer output is UTF-8")))
}
fn deserialize(
    d: &De,
    topic: &str,
    field: i32,
    data: Option<&[u8]>,
) -> Result<Option<Json>, (i32, String)> {
    deserialize_text(d, topic, field, data)
        .map(|o| o.map(|t| serde_json::from_str(&t).expect("deserializer output is JSON")))
}
fn de_value(d: &De, topic: &str, data: &[u8]) -> Json {
    deserialize(d, topic, KF_MESSAGE_FIELD_VALUE, Some(data))
        .unwrap()
        .unwrap()
}

/// A closed content model: the additions below are compatible, the type change is not.
const USER_V1: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"User","type":"object","properties":{"name":{"type":"string"},"score":{"type":"integer"}},"required":["name","score"],"additionalProperties":false}"#;
/// V1 plus an optional property.
const USER_V2: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"User","type":"object","properties":{"name":{"type":"string"},"score":{"type":"integer"},"email":{"type":"string"}},"required":["name","score"],"additionalProperties":false}"#;
/// V2 with score changed to a string: incompatible.
const USER_V3: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"User","type":"object","properties":{"name":{"type":"string"},"score":{"type":"string"},"email":{"type":"string"}},"required":["name","score"],"additionalProperties":false}"#;

/// `schema` with a unique title (so record-name subjects do not collide between runs).
fn titled(schema: &str) -> (String, String) {
    let title = unique("User").replace('-', "_");
    (
        schema.replace(r#""title":"User""#, &format!(r#""title":"{title}""#)),
        title,
    )
}

#[test]
fn known_bytes_of_the_wire_format() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let s = ser(&c, Some(r#"{"type":"object"}"#), None);
    let d = de(&c, None);
    let topic = unique("json-bytes");
    // Member order kept, whitespace dropped, non-ASCII unescaped, Python's float notation.
    let b = serialize(
        &s,
        &topic,
        KF_MESSAGE_FIELD_VALUE,
        Some("{ \"z\" : 1 ,\n \"a\" : \"\u{e9}\\u00e8\\n\", \"f\": [1.0, 1e16, 1.5e-7, -0.0] }"),
    )
    .unwrap()
    .unwrap();
    let id = schema_id(&b);
    let body = "{\"z\":1,\"a\":\"\u{e9}\u{e8}\\n\",\"f\":[1.0,1e+16,1.5e-07,-0.0]}";
    let mut want = vec![0u8];
    want.extend_from_slice(&id.to_be_bytes());
    want.extend_from_slice(body.as_bytes());
    assert_eq!(b, want, "{}", String::from_utf8_lossy(&b));
    // The deserializer returns the payload's value in the same form.
    assert_eq!(
        deserialize_text(&d, &topic, KF_MESSAGE_FIELD_VALUE, Some(&b)).unwrap(),
        Some(body.to_string())
    );
    // Null stays null both ways.
    assert_eq!(
        serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, None).unwrap(),
        None
    );
    assert_eq!(
        deserialize(&d, &topic, KF_MESSAGE_FIELD_VALUE, None).unwrap(),
        None
    );
}

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
            let (schema, title) = titled(USER_V1);
            let s = ser(
                &c,
                Some(&schema),
                Some(&format!(r#"{{"subject.name.strategy": "{strategy}"}}"#)),
            );
            let d = de(&c, None);
            let topic = unique("json-strat");
            let suffix = if field == KF_MESSAGE_FIELD_KEY {
                "key"
            } else {
                "value"
            };
            let subject = match strategy {
                "topic_name" | "TopicNameStrategy" => format!("{topic}-{suffix}"),
                "topic_record_name" | "TopicRecordNameStrategy" => format!("{topic}-{title}"),
                _ => title.clone(),
            };
            let r = json!({"name": "ann", "score": 5});
            let b = serialize(&s, &topic, field, Some(&r.to_string()))
                .unwrap()
                .unwrap();
            assert_eq!(
                schema_id(&b),
                c.latest(&subject).unwrap().0,
                "{name} {strategy}: subject {subject}"
            );
            assert_eq!(
                deserialize(&d, &topic, field, Some(&b)).unwrap(),
                Some(r),
                "{name} {strategy}"
            );
        }
        // The record strategies need a title.
        let s = ser(
            &c,
            Some(r#"{"type":"object"}"#),
            Some(r#"{"subject.name.strategy": "record_name"}"#),
        );
        let (code, msg) = serialize(&s, "t", KF_MESSAGE_FIELD_VALUE, Some("{}")).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("named"), "{name}: {msg}");
    }
}

/// Under BACKWARD (set on the subject: Apicurio's default checks nothing) a compatible new
/// version (an optional property added to a closed content model) is accepted as version 2
/// and an incompatible one (a property's type changed) is refused with the registry's error.
/// A reader schema validates data of another writer schema.
#[test]
fn schema_evolution_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("json-evo");
        let subject = format!("{topic}-value");
        let s1 = ser(&c, Some(USER_V1), None);
        let old = ser_value(&s1, &topic, &json!({"name": "old", "score": 1}));
        ok(kf_schema_registry_set_compatibility(
            c.0,
            cs(&subject).as_ptr(),
            cs("BACKWARD").as_ptr(),
        ));
        let s2 = ser(&c, Some(USER_V2), None);
        let new = ser_value(
            &s2,
            &topic,
            &json!({"name": "new", "score": 2, "email": "a@b"}),
        );
        assert_ne!(schema_id(&old), schema_id(&new), "{name}");
        assert_eq!(c.latest(&subject).unwrap(), (schema_id(&new), 2), "{name}");
        let s3 = ser(&c, Some(USER_V3), None);
        let (code, msg) = serialize(
            &s3,
            &topic,
            KF_MESSAGE_FIELD_VALUE,
            Some(r#"{"name":"x","score":"high"}"#),
        )
        .unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("409"), "{name}: {msg}");
        assert_eq!(
            c.latest(&subject).unwrap().1,
            2,
            "{name}: v3 was registered"
        );

        // V2 as the reader validates V1's data; V1 as the reader rejects V2's extra property.
        let r2 = de(&c, Some(USER_V2));
        assert_eq!(
            de_value(&r2, &topic, &old),
            json!({"name": "old", "score": 1}),
            "{name}"
        );
        let r1 = de(&c, Some(USER_V1));
        let (code, msg) = deserialize(&r1, &topic, KF_MESSAGE_FIELD_VALUE, Some(&new)).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("email"), "{name}: {msg}");
        // use.latest.version: the serializer writes with V2 and the deserializer validates
        // with it.
        let latest = ser(
            &c,
            None,
            Some(r#"{"use.latest.version": true, "auto.register.schemas": false}"#),
        );
        let b = ser_value(
            &latest,
            &topic,
            &json!({"name": "l", "score": 3, "email": "e"}),
        );
        assert_eq!(schema_id(&b), schema_id(&new), "{name}");
        let dl = try_de(&c, Some(USER_V1), Some(r#"{"use.latest.version": true}"#)).unwrap();
        assert_eq!(de_value(&dl, &topic, &b)["email"], json!("e"), "{name}");
    }
}

/// A record the schema rejects is a (Key|Value)SerializationError naming the violation; bytes
/// the reader schema rejects are a (Key|Value)DeserializationError. validate=false turns both
/// checks off.
#[test]
fn validation_fails_on_serialize_and_on_deserialize_on_both_registries() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("json-valid");
        let s = ser(&c, Some(USER_V1), None);
        for (field, want) in [
            (KF_MESSAGE_FIELD_VALUE, KF_ERR__VALUE_SERIALIZATION),
            (KF_MESSAGE_FIELD_KEY, KF_ERR__KEY_SERIALIZATION),
        ] {
            let (code, msg) =
                serialize(&s, &topic, field, Some(r#"{"name":"a","score":"x"}"#)).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(
                msg.contains("/score") && msg.contains("integer"),
                "{name}: {msg}"
            );
            let (code, msg) = serialize(&s, &topic, field, Some(r#"{"name":"a"}"#)).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(msg.contains("score"), "{name}: {msg}");
            let (code, msg) = serialize(&s, &topic, field, Some("{not json")).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(msg.contains("not valid JSON"), "{name}: {msg}");
        }
        // validate=false writes what it is given.
        let loose = ser(&c, Some(USER_V1), Some(r#"{"validate": false}"#));
        let bad = ser_value(&loose, &topic, &json!({"name": "a", "score": "x"}));
        let d = de(&c, None);
        for (field, want) in [
            (KF_MESSAGE_FIELD_VALUE, KF_ERR__VALUE_DESERIALIZATION),
            (KF_MESSAGE_FIELD_KEY, KF_ERR__KEY_DESERIALIZATION),
        ] {
            let (code, msg) = deserialize(&d, &topic, field, Some(&bad)).unwrap_err();
            assert_eq!(code, want, "{name}: {msg}");
            assert!(msg.contains("/score"), "{name}: {msg}");
        }
        let dl = try_de(&c, None, Some(r#"{"validate": "false"}"#)).unwrap();
        assert_eq!(
            de_value(&dl, &topic, &bad),
            json!({"name": "a", "score": "x"}),
            "{name}"
        );
        // A stricter reader schema rejects what the writer's accepted.
        let good = ser_value(&s, &topic, &json!({"name": "abc", "score": 1}));
        let strict = de(
            &c,
            Some(r#"{"type":"object","properties":{"name":{"maxLength":2}}}"#),
        );
        let (code, msg) =
            deserialize(&strict, &topic, KF_MESSAGE_FIELD_VALUE, Some(&good)).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("/name"), "{name}: {msg}");
        assert_eq!(de_value(&d, &topic, &good)["name"], json!("abc"));
    }
}

#[test]
fn wrong_magic_unknown_id_and_truncated_payload_are_deserialization_errors() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("json-err");
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

            for (cut, needle) in [
                (0, "5-byte"),
                (3, "5-byte"),
                (5, "invalid JSON payload"),
                (good.len() - 1, "invalid JSON payload"),
                (good.len() - 4, "invalid JSON payload"),
            ] {
                let (code, msg) = deserialize(&d, &topic, field, Some(&good[..cut])).unwrap_err();
                assert_eq!(code, want, "{name} cut {cut}: {msg}");
                assert!(msg.contains(needle), "{name} cut {cut}: {msg}");
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
        let topic = unique("json-cache");
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
        // A new serializer and deserializer on the same client: the client's cache answers.
        let s2 = ser(&c, Some(USER_V1), None);
        let d2 = de(&c, None);
        de_value(
            &d2,
            &topic,
            &ser_value(&s2, &topic, &json!({"name": "b", "score": 1})),
        );
        assert_eq!(c.requests(), before, "{name}");
    }
}

#[test]
fn configuration_is_checked() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    for (conf, needle) in [
        (r#"{"auto.register.schema": true}"#, "auto.register.schema"),
        (r#"{"subject.name.strategy": "nope"}"#, "nope"),
        (r#"{"validate": 1}"#, "validate"),
        (
            r#"{"use.latest.version": true, "auto.register.schemas": true}"#,
            "use.latest.version",
        ),
        (r#"[1]"#, "JSON object"),
    ] {
        let (code, msg) = try_ser(&c, Some(USER_V1), Some(conf)).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{conf}");
        assert!(msg.contains(needle), "{msg}");
    }
    let (_, msg) = try_ser(&c, None, None).err().unwrap();
    assert!(msg.contains("use.latest.version"), "{msg}");
    for bad in ["{\"type\":", r#"{"type": 5}"#, r#"{"minimum": "x"}"#] {
        let (code, msg) = try_ser(&c, Some(bad), None).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{bad}");
        assert!(msg.contains("invalid JSON schema"), "{bad}: {msg}");
        let (code, _) = try_de(&c, Some(bad), None).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{bad}");
    }
    for (conf, needle) in [
        (
            r#"{"auto.register.schemas": true}"#,
            "auto.register.schemas",
        ),
        (r#"{"validate": "maybe"}"#, "validate"),
    ] {
        let (code, msg) = try_de(&c, None, Some(conf)).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG);
        assert!(msg.contains(needle), "{msg}");
    }
    // auto.register.schemas=false: the schema must already be registered.
    let s = ser(
        &c,
        Some(USER_V1),
        Some(r#"{"auto.register.schemas": false, "normalize.schemas": true}"#),
    );
    let (code, _) = serialize(
        &s,
        "t",
        KF_MESSAGE_FIELD_VALUE,
        Some(r#"{"name":"a","score":1}"#),
    )
    .unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    // A kf_schema_t that is not JSON; NULL schema without use.latest.version.
    let mut e = null_mut();
    let a = SchemaH(kf_schema_new(
        cs(r#""string""#).as_ptr(),
        KF_SCHEMA_TYPE_AVRO,
        &mut e,
    ));
    ok(e);
    assert!(kf_json_schema_serializer_new_with_schema(c.0, a.0, null(), &mut e).is_null());
    let (code, msg) = err(e);
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("not JSON"), "{msg}");
    assert!(kf_json_schema_deserializer_new_with_schema(c.0, a.0, null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    assert!(kf_json_schema_serializer_new_with_schema(c.0, null(), null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
}

fn json_schema(text: &str, refs: &[(&str, &str, i32)]) -> SchemaH {
    let mut e = null_mut();
    let s = kf_schema_new(cs(text).as_ptr(), KF_SCHEMA_TYPE_JSON, &mut e);
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

/// A Person schema whose "address" is `$ref: "address.json"`, a schema registered under
/// another subject (which itself references "country.json" in a third): the serializer takes the
/// schema with its references and validates through them; the deserializer resolves the
/// writer's references by itself.
#[test]
fn schema_references_across_subjects_on_both_registries() {
    // Apicurio takes a schema as JSON Schema only with "$schema" or "properties".
    const COUNTRY: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"string","enum":["FR","DE","NL"]}"#;
    const ADDRESS: &str = r#"{"title":"Address","type":"object","properties":{"city":{"type":"string"},"country":{"$ref":"country.json"}},"required":["city","country"]}"#;
    const PERSON: &str = r#"{"title":"Person","type":"object","properties":{"name":{"type":"string"},"address":{"$ref":"address.json"}},"required":["name","address"]}"#;
    for (name, url) in registries() {
        let c = Client::url(&url);
        let topic = unique("json-refs");
        let (cs_, as_) = (unique("country"), unique("address"));
        let register = |subject: &str, s: &SchemaH| {
            let mut id = 0;
            ok(kf_schema_registry_register_schema(
                c.0,
                cs(subject).as_ptr(),
                s.0,
                false,
                &mut id,
            ));
            id
        };
        register(&cs_, &json_schema(COUNTRY, &[]));
        register(&as_, &json_schema(ADDRESS, &[("country.json", &cs_, 1)]));
        let person = json_schema(PERSON, &[("address.json", &as_, 1)]);
        let mut e = null_mut();
        let s = Ser(kf_json_schema_serializer_new_with_schema(
            c.0,
            person.0,
            null(),
            &mut e,
        ));
        ok(e);
        let d = de(&c, None);
        let rec = json!({"name": "ann", "address": {"city": "Lyon", "country": "FR"}});
        let wire = ser_value(&s, &topic, &rec);
        assert_eq!(de_value(&d, &topic, &wire), rec, "{name}");
        // Validation goes through both references.
        for (bad, needle) in [
            (
                json!({"name": "b", "address": {"city": 1, "country": "FR"}}),
                "/address/city",
            ),
            (
                json!({"name": "b", "address": {"city": "x", "country": "US"}}),
                "/address/country",
            ),
        ] {
            let (code, msg) =
                serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, Some(&bad.to_string())).unwrap_err();
            assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
            assert!(msg.contains(needle), "{name}: {msg}");
        }
        let loose = Ser(kf_json_schema_serializer_new_with_schema(
            c.0,
            person.0,
            cs(r#"{"validate": false}"#).as_ptr(),
            &mut e,
        ));
        ok(e);
        let bad = ser_value(
            &loose,
            &topic,
            &json!({"name": "b", "address": {"city": "x", "country": "US"}}),
        );
        let (code, msg) = deserialize(&d, &topic, KF_MESSAGE_FIELD_VALUE, Some(&bad)).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("/address/country"), "{name}: {msg}");
        // A reader schema with references.
        let rd = De(kf_json_schema_deserializer_new_with_schema(
            c.0,
            person.0,
            null(),
            &mut e,
        ));
        ok(e);
        assert_eq!(de_value(&rd, &topic, &wire), rec, "{name}");
        // Without the reference, the schema does not compile ("address.json" is unknown).
        let (code, msg) = try_ser(&c, Some(PERSON), None).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{name}: {msg}");
        // A reference to a subject the registry does not have: the registry's error.
        let dangling = json_schema(PERSON, &[("address.json", &unique("nosuch"), 1)]);
        let p = kf_json_schema_serializer_new_with_schema(c.0, dangling.0, null(), &mut e);
        assert!(p.is_null());
        let (code, msg) = err(e);
        assert_eq!(code, KF_ERR_SCHEMA_REGISTRY, "{name}: {msg}");
        assert!(msg.contains("404"), "{name}: {msg}");
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
fn unhex(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|j| u8::from_str_radix(&h[j..j + 2], 16).unwrap())
        .collect()
}

#[test]
fn bytes_equal_the_python_clients_and_each_side_reads_the_other() {
    let py = python_venv();
    let url = real_url();
    let c = Client::url(&url);
    let title = unique("PyCompat").replace('-', "_");
    let schema = format!(
        r#"{{"title":"{title}","type":"object","properties":{{"name":{{"type":"string"}},"score":{{"type":"integer"}},"ratio":{{"type":"number"}},"tags":{{"type":"array","items":{{"type":"string"}}}},"nested":{{"type":"object"}}}},"required":["name"]}}"#
    );
    // Member order not sorted, whitespace, escapes, non-ASCII (BMP and astral), control
    // characters, floats in every notation Python's repr uses, integers up to u64.
    let records = [
        r#"{"name": "ann", "score": 1}"#.to_string(),
        r#"{ "score" : -42, "name" : "Zo\u00eb \u00e9t\u00e9 \ud83d\ude00 \u2028 \u0001 \u007f", "tags": ["q\"uote", "back\\slash", "nl\n", "tab\t", "/"] }"#.to_string(),
        r#"{"name":"f","ratio":0.1,"nested":{"z":1.0,"a":[1e16,1.5e-7,0.0001,-0.0,123456789.125,1E5,2.5e300,1e-5],"m":{"y":null,"b":[true,false]}}}"#.to_string(),
        r#"{"nested":{"big":18446744073709551615,"neg":-9223372036854775808},"name":"日本語"}"#.to_string(),
    ];
    let topic = unique("json-py");
    let s = ser(&c, Some(&schema), None);
    let d = de(&c, None);
    let rust_bytes: Vec<Vec<u8>> = records
        .iter()
        .map(|r| {
            serialize(&s, &topic, KF_MESSAGE_FIELD_VALUE, Some(r))
                .unwrap()
                .unwrap()
        })
        .collect();
    let req = json!({"url": url, "topic": topic, "schema": schema, "records": records,
                     "rust_bytes": rust_bytes.iter().map(|b| hex(b)).collect::<Vec<_>>()});
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/json_compat.py");
    let out = run_python(&py, &[script], req.to_string().as_bytes());
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resp: Json = serde_json::from_slice(&out.stdout).unwrap();
    for (i, r) in records.iter().enumerate() {
        let py_hex = resp["bytes"][i].as_str().unwrap();
        let py_bytes = unhex(py_hex);
        assert_eq!(
            String::from_utf8_lossy(&py_bytes[5..]),
            String::from_utf8_lossy(&rust_bytes[i][5..]),
            "record {i}: Python's body differs"
        );
        assert_eq!(
            py_hex,
            hex(&rust_bytes[i]),
            "record {i}: Python's bytes differ"
        );
        let want: Json = serde_json::from_str(r).unwrap();
        // kafkaffi reading Python's bytes gives back exactly Python's JSON text.
        assert_eq!(
            deserialize_text(&d, &topic, KF_MESSAGE_FIELD_VALUE, Some(&py_bytes))
                .unwrap()
                .unwrap()
                .as_bytes(),
            &py_bytes[5..],
            "record {i}: kafkaffi reading Python's bytes"
        );
        assert_eq!(
            resp["decoded"][i], want,
            "record {i}: Python reading kafkaffi's bytes"
        );
    }
}

/// The JSON Schema serdes in the SerializingProducer and DeserializingConsumer, on the real
/// broker and the mock cluster: records round trip, a record the schema rejects is a
/// ValueSerializationError that enqueues nothing, and a non-JSON message is a
/// ValueDeserializationError that does not stop the others.
#[test]
fn serializing_producer_and_deserializing_consumer_on_both_clusters() {
    use std::os::raw::c_void;
    let c = Client::url(&real_url());
    for cluster in Cluster::both() {
        let topic = unique("json-e2e");
        cluster.create_topic(&topic, 1);
        let t = cs(&topic);
        // Apicurio takes a schema as JSON Schema only with "$schema" or "properties".
        let ks = ser(
            &c,
            Some(r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}"#),
            None,
        );
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
        assert!(msg.contains("score"), "{msg}");
        let (code, msg) = produce(&mut d, "2", r#"{"name":"b","score":2}"#).unwrap_err();
        assert_eq!(code, KF_ERR__KEY_SERIALIZATION, "{msg}");
        let mut remaining = 1;
        ok(kf_producer_flush(
            kf_serializing_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        produce_values(&cluster, &topic, 0, &[b"not json".to_vec()]);
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

/// mock:// checks JSON Schema compatibility for real (the rules in compat_json.rs): under
/// BACKWARD an optional property added to a closed content model is accepted, a property
/// added to an open one, a newly required property without default, a narrowed enum and a
/// narrowed type are refused with 409; test_compatibility agrees; NONE accepts anything.
#[test]
fn mock_registry_checks_json_schema_compatibility_under_backward() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let subject = unique("json-compat");
    ok(kf_schema_registry_set_compatibility(
        c.0,
        cs(&subject).as_ptr(),
        cs("BACKWARD").as_ptr(),
    ));
    let reg = |text: &str| -> Result<i32, (i32, String)> {
        let s = json_schema(text, &[]);
        let mut id = 0;
        let e = kf_schema_registry_register_schema(c.0, cs(&subject).as_ptr(), s.0, false, &mut id);
        if e.is_null() {
            Ok(id)
        } else {
            Err(err(e))
        }
    };
    reg(USER_V1).unwrap();
    reg(USER_V2).unwrap();
    assert_eq!(c.latest(&subject).unwrap().1, 2);
    let open = r#"{"type":"object","properties":{"name":{"type":"string"},"score":{"type":"integer"},"email":{"type":"string"},"x":{"type":"string"}},"required":["name","score"]}"#;
    let required = USER_V2.replace(
        r#""required":["name","score"]"#,
        r#""required":["name","score","email"]"#,
    );
    let narrowed = USER_V2.replace(
        r#""email":{"type":"string"}"#,
        r#""email":{"type":"string","enum":["a"]}"#,
    );
    for (bad, needle) in [
        (USER_V3.to_string(), "TYPE_CHANGED"),
        (required, "REQUIRED_ATTRIBUTE_ADDED"),
        (narrowed, "enum"),
    ] {
        let (code, msg) = reg(&bad).unwrap_err();
        assert_eq!(code, KF_ERR_SCHEMA_REGISTRY, "{msg}");
        assert!(msg.contains("409") && msg.contains(needle), "{msg}");
    }
    // Opening the content model is compatible; then adding a typed property to it is not.
    reg(&USER_V2.replace(r#","additionalProperties":false"#, "")).unwrap();
    let (_, msg) = reg(open).unwrap_err();
    assert!(
        msg.contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"),
        "{msg}"
    );
    assert_eq!(c.latest(&subject).unwrap().1, 3);
    ok(kf_schema_registry_set_compatibility(
        c.0,
        cs(&subject).as_ptr(),
        cs("NONE").as_ptr(),
    ));
    reg(USER_V3).unwrap();
}
