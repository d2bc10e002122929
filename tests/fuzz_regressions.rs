//! Regression tests for what the fuzzers (fuzz/, scripts/fuzz.sh) found, through the C ABI (the
//! deserializers on an in-process mock:// registry). Each test names the fuzz target and the
//! input shape.
mod common;
use common::*;
use std::ptr::{null, null_mut};
use std::time::Instant;

/// A mock registry with `schema` registered under "<topic>-value"; returns the client, the id
/// and a deserializer reading with the writer's schema.
fn setup(topic: &str, schema: &str) -> (*mut kf_schema_registry_t, i32, *mut kf_deserializer_t) {
    let mut e = null_mut();
    let c = mock_registry();
    let s = kf_schema_new(cs(schema).as_ptr(), KF_SCHEMA_TYPE_AVRO, &mut e);
    ok(e);
    let mut id = 0;
    ok(kf_schema_registry_register_schema(
        c,
        cs(&format!("{topic}-value")).as_ptr(),
        s,
        false,
        &mut id,
    ));
    kf_schema_destroy(s);
    let d = kf_avro_deserializer_new(c, null(), null(), &mut e);
    ok(e);
    (c, id, d)
}

/// Deserializes `body` framed with `id`: the JSON text, or the error (code, message).
fn run(
    d: *const kf_deserializer_t,
    topic: &str,
    id: i32,
    body: &[u8],
) -> Result<String, (i32, String)> {
    let mut payload = vec![0u8];
    payload.extend_from_slice(&id.to_be_bytes());
    payload.extend_from_slice(body);
    deserialize_raw(d, topic, KF_MESSAGE_FIELD_VALUE, Some(&payload))
        .map(|b| String::from_utf8(b.expect("a record came back null")).unwrap())
}

/// Avro zigzag varint.
fn zz(n: i64) -> Vec<u8> {
    let mut v = ((n << 1) ^ (n >> 63)) as u64;
    let mut out = Vec::new();
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

fn teardown(c: *mut kf_schema_registry_t, d: *mut kf_deserializer_t) {
    kf_deserializer_destroy(d);
    kf_schema_registry_destroy(c);
}

/// fuzz/wire_avro, oom-466f49f1: a map (or array) block whose count claims ~2^29 items made
/// apache-avro reserve tens of GB before reading one, and the allocation failure aborted the
/// process. Such a block is now a deserialization error, at once.
#[test]
fn avro_huge_block_count_is_an_error_not_an_abort() {
    let topic = unique("fuzzreg");
    let schema = r#"{"type": "record", "name": "R", "fields": [
        {"name": "m", "type": {"type": "map", "values": "string"}},
        {"name": "a", "type": {"type": "array", "items": "int"}}]}"#;
    let (c, id, d) = setup(&topic, schema);
    let started = Instant::now();
    for (what, body) in [
        ("map", [zz(500_000_000), b"\x02k\x02v".to_vec()].concat()),
        (
            "map, negative count",
            [zz(-500_000_000), zz(8), b"\x02k\x02v".to_vec()].concat(),
        ),
        ("array", [zz(0), zz(500_000_000), zz(1)].concat()),
        ("array, 2^62", [zz(0), zz(1 << 62), zz(1)].concat()),
    ] {
        let (code, msg) = run(d, &topic, id, &body).expect_err(what);
        assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION, "{what}: {msg}");
        assert!(msg.contains("items in the"), "{what}: {msg}");
    }
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    // Blocks the data can hold still decode, in both block forms.
    let body = [
        zz(-1),
        zz(4),
        b"\x02k\x02v".to_vec(),
        zz(0),
        zz(2),
        zz(7),
        zz(-8),
        zz(0),
    ]
    .concat();
    let j: serde_json::Value = serde_json::from_str(&run(d, &topic, id, &body).unwrap()).unwrap();
    assert_eq!(j, serde_json::json!({"m": {"k": "v"}, "a": [7, -8]}));
    teardown(c, d);
}

/// Items that take no bytes (null): any count fits in the data, so their total is bounded.
#[test]
fn avro_array_of_nulls_is_bounded() {
    let topic = unique("fuzzreg");
    let (c, id, d) = setup(&topic, r#"{"type": "array", "items": "null"}"#);
    let out = run(d, &topic, id, &[zz(1000), zz(0)].concat()).unwrap();
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 1000);
    let (code, msg) = run(d, &topic, id, &[zz(1 << 40), zz(0)].concat()).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION);
    assert!(msg.contains("take no bytes"), "{msg}");
    teardown(c, d);
}

/// fuzz/wire_avro: a recursive record nested as deep as the payload allows. The decoder and
/// the JSON conversion recurse per level, so a long enough message would overflow the stack
/// (an uncatchable crash); nesting is now bounded (512 levels), and a deep but bounded list
/// still decodes.
#[test]
fn avro_deep_recursion_is_bounded() {
    let topic = unique("fuzzreg");
    let schema = r#"{"type": "record", "name": "Node", "fields": [
        {"name": "value", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}"#;
    let (c, id, d) = setup(&topic, schema);
    let list = |n: usize| {
        let mut b = Vec::new();
        for i in 0..n {
            b.extend(zz(i as i64));
            b.extend(zz(if i + 1 < n { 1 } else { 0 }));
        }
        b
    };
    // 200 nodes: 400 levels (record + union each).
    let out = run(d, &topic, id, &list(200)).unwrap();
    assert!(
        out.starts_with(r#"{"value":0,"next":{"Node":{"value":1,"next""#),
        "{}",
        &out[..40]
    );
    // A million nodes (2 MB): refused, no stack overflow. Run on a small-stack thread, as a
    // consumer's own thread might be.
    let body = list(1_000_000);
    let (dd, t) = (d as usize, topic.clone());
    let r = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || run(dd as *const kf_deserializer_t, &t, id, &body))
        .unwrap()
        .join()
        .unwrap();
    let (code, msg) = r.unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION);
    assert!(msg.contains("nested deeper than 512"), "{msg}");
    teardown(c, d);
}

/// config_json: `{"group.id": ""}` was accepted, then kf_config_get("group.id") said "unknown
/// property": librdkafka stores "" as NULL and answers a NULL string with CONF_INVALID. A known
/// property with no value now reads as "", set or not, top-level or topic-level.
#[test]
fn config_get_of_an_empty_or_unset_string_is_empty() {
    let get = |conf: *mut kf_config_t, key: &str| -> Result<String, String> {
        let k = std::ffi::CString::new(key).unwrap();
        let mut out = null_mut();
        let err = kf_config_get(conf, k.as_ptr(), &mut out);
        if err.is_null() {
            let v = unsafe { std::ffi::CStr::from_ptr(out) }
                .to_string_lossy()
                .into_owned();
            kf_string_free(out);
            Ok(v)
        } else {
            let (_, msg) = common::err(err);
            Err(msg)
        }
    };
    let conf = kf_config_new();
    // Never set: no value.
    assert_eq!(get(conf, "group.id").unwrap(), "");
    assert_eq!(get(conf, "sasl.password").unwrap(), "");
    assert_eq!(get(conf, "compression.codec").unwrap(), "none");
    let json = std::ffi::CString::new("{\"group.id\"\r\r:\t\"\"}").unwrap();
    assert!(kf_config_set_json(conf, json.as_ptr()).is_null());
    assert_eq!(get(conf, "group.id").unwrap(), "");
    // A value, then "" again.
    let json = std::ffi::CString::new(r#"{"group.id": "g1", "sasl.password": "pw"}"#).unwrap();
    assert!(kf_config_set_json(conf, json.as_ptr()).is_null());
    assert_eq!(get(conf, "group.id").unwrap(), "g1");
    assert_eq!(get(conf, "sasl.password").unwrap(), "[redacted]");
    let json = std::ffi::CString::new(r#"{"group.id": ""}"#).unwrap();
    assert!(kf_config_set_json(conf, json.as_ptr()).is_null());
    assert_eq!(get(conf, "group.id").unwrap(), "");
    // Unknown keys are still errors.
    let msg = get(conf, "no.such.property").unwrap_err();
    assert!(msg.contains("unknown configuration property"), "{msg}");
    kf_config_destroy(conf);
}

/// kf_serializer_serialize of `record` as the value of `topic`: the bytes, or (code, message).
fn serialize(s: *mut kf_serializer_t, topic: &str, record: &str) -> Result<Vec<u8>, (i32, String)> {
    serialize_raw(s, topic, KF_MESSAGE_FIELD_VALUE, Some(record.as_bytes()))
        .map(|b| b.expect("a record serialized to null"))
}

fn mock_registry() -> *mut kf_schema_registry_t {
    let mut e = null_mut();
    let url = format!(r#"{{"url": "mock://{}"}}"#, unique("fuzzreg"));
    let c = kf_schema_registry_new(cs(&url).as_ptr(), &mut e);
    ok(e);
    c
}

/// serializers, crash-2bda40e3: a finite number beyond f32's range for an Avro float became
/// an infinity, which the deserializer then could not give back as JSON. It is now a
/// serialization error (fastavro refuses it too); the largest float still passes.
#[test]
fn avro_float_out_of_range_is_a_serialization_error() {
    let c = mock_registry();
    let schema = r#"{"type": "record", "name": "F", "fields": [{"name": "f", "type": "float"}]}"#;
    let mut e = null_mut();
    let s = kf_avro_serializer_new(c, cs(schema).as_ptr(), null(), &mut e);
    ok(e);
    let topic = unique("fuzzreg-float");
    let (code, msg) = serialize(s, &topic, r#"{"f": 4.4e300}"#).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    assert!(
        msg.contains("$.f") && msg.contains("out of the float range"),
        "{msg}"
    );
    let max = serialize(s, &topic, &format!(r#"{{"f": {}}}"#, f32::MAX)).unwrap();
    assert_eq!(max[5..], f32::MAX.to_le_bytes());
    kf_serializer_destroy(s);
    kf_schema_registry_destroy(c);
}

/// serializers, crash-f5de51a4: a double written with a long mantissa
/// (69 digits) was parsed one ulp away from the nearest double (6.6666666666e+68),
/// so the bytes differed from Python's (and from the same number written shortly). serde_json
/// now parses with float_roundtrip: both serializers write the nearest double.
#[test]
fn long_decimal_mantissas_parse_to_the_nearest_double() {
    let text = "666666666660000000000000000000000000000000000000002401919801264264530.5";
    let nearest: f64 = text.parse().unwrap();
    let c = mock_registry();
    let mut e = null_mut();
    let proto = "syntax = \"proto3\"; package t; message D { double d = 1; }";
    let pb = kf_protobuf_serializer_new(c, cs(proto).as_ptr(), null(), null(), &mut e);
    ok(e);
    let out = serialize(pb, &unique("fuzzreg-pb"), &format!(r#"{{"d": {text}}}"#)).unwrap();
    // magic, id, index [0], tag 0x09, then the double.
    assert_eq!(out[6], 0x09);
    assert_eq!(out[7..], nearest.to_le_bytes());
    let avsc = r#"{"type": "record", "name": "D", "fields": [{"name": "d", "type": "double"}]}"#;
    let av = kf_avro_serializer_new(c, cs(avsc).as_ptr(), null(), &mut e);
    ok(e);
    let out = serialize(av, &unique("fuzzreg-avro"), &format!(r#"{{"d": {text}}}"#)).unwrap();
    assert_eq!(out[5..], nearest.to_le_bytes());
    kf_serializer_destroy(pb);
    kf_serializer_destroy(av);
    kf_schema_registry_destroy(c);
}
