//! The serialization framework through the C ABI: the built-in String, Integer and Double serdes
//! (byte for byte as the Python client writes them), custom serdes as callbacks, the four
//! (de)serialization error codes, and the SerializingProducer / DeserializingConsumer on the
//! real broker and the mock cluster, including a bad record that must not stop the consumer.
mod common;
use common::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// helpers

fn ctx(topic: &std::ffi::CStr, field: i32) -> kf_serialization_context_t {
    kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: topic.as_ptr(),
        field,
        headers: null(),
    }
}

fn buf_int32(b: *const kf_buffer_t) -> i32 {
    let mut v = 0;
    ok(kf_buffer_int32(b, &mut v));
    v
}

fn buf_double(b: *const kf_buffer_t) -> f64 {
    let mut v = 0.0;
    ok(kf_buffer_double(b, &mut v));
    v
}

fn ser_bytes(
    s: *mut kf_serializer_t,
    c: &kf_serialization_context_t,
    data: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, (i32, String)> {
    let out = kf_buffer_new();
    let (p, n) = data.map_or((null(), 0), |d| (d.as_ptr(), d.len()));
    let e = kf_serializer_serialize(s, c, p, n, out);
    let r = if e.is_null() {
        Ok(buf_bytes(out))
    } else {
        Err(err(e))
    };
    kf_buffer_destroy(out);
    r
}

fn deser(
    d: *const kf_deserializer_t,
    c: &kf_serialization_context_t,
    data: Option<&[u8]>,
) -> Result<*mut kf_buffer_t, (i32, String)> {
    let out = kf_buffer_new();
    let (p, n) = data.map_or((null(), 0), |d| (d.as_ptr(), d.len()));
    let e = kf_deserializer_deserialize(d, c, p, n, out);
    if e.is_null() {
        Ok(out)
    } else {
        kf_buffer_destroy(out);
        Err(err(e))
    }
}

fn new_string_ser(codec: Option<&str>) -> *mut kf_serializer_t {
    let c = codec.map(cs);
    let mut e = null_mut();
    let s = kf_string_serializer_new(c.as_ref().map_or(null(), |c| c.as_ptr()), &mut e);
    ok(e);
    s
}

fn new_string_deser(codec: Option<&str>) -> *mut kf_deserializer_t {
    let c = codec.map(cs);
    let mut e = null_mut();
    let d = kf_string_deserializer_new(c.as_ref().map_or(null(), |c| c.as_ptr()), &mut e);
    ok(e);
    d
}

fn str_value(s: &str) -> kf_serde_value_t {
    kf_serde_value_t {
        size: std::mem::size_of::<kf_serde_value_t>(),
        kind: KF_SERDE_VALUE_STRING,
        data: s.as_ptr(),
        len: s.len(),
        int32: 0,
        dbl: 0.0,
    }
}
fn int_value(i: i32) -> kf_serde_value_t {
    kf_serde_value_t {
        size: std::mem::size_of::<kf_serde_value_t>(),
        kind: KF_SERDE_VALUE_INT32,
        data: null(),
        len: 0,
        int32: i,
        dbl: 0.0,
    }
}
fn double_value(d: f64) -> kf_serde_value_t {
    kf_serde_value_t {
        size: std::mem::size_of::<kf_serde_value_t>(),
        kind: KF_SERDE_VALUE_DOUBLE,
        data: null(),
        len: 0,
        int32: 0,
        dbl: d,
    }
}

/// A polled message, copied out: (raw message, key buffer bytes, value buffer bytes,
/// error (code, message) of the poll call).
struct Polled {
    msg: Msg,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    key_int: Option<i32>,
    value_num: Option<f64>,
    error: Option<(i32, String, String)>,
}

/// Polls the deserializing consumer until `n` data messages (successful or failed) came back.
fn poll_n(c: *mut kf_deserializing_consumer_t, n: usize) -> Vec<Polled> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    while out.len() < n {
        assert!(
            Instant::now() < deadline,
            "only {} of {n} messages arrived",
            out.len()
        );
        let mut m = null_mut();
        let e = kf_deserializing_consumer_poll(c, 200, &mut m);
        let error = if e.is_null() {
            None
        } else {
            let name = text(kf_error_name(e));
            let (code, msg) = err(e);
            assert!(
                !m.is_null(),
                "a deserialization error must still hand over the message"
            );
            Some((code, name, msg))
        };
        if m.is_null() {
            continue;
        }
        let raw = kf_deserialized_message_message(m);
        let msg = Msg::from_c(raw);
        if msg.error != 0 {
            kf_deserialized_message_destroy(m);
            continue;
        }
        let kb = kf_deserialized_message_key(m);
        let vb = kf_deserialized_message_value(m);
        let mut ki = 0;
        let ke = kf_buffer_int32(kb, &mut ki);
        let key_int = if ke.is_null() {
            Some(ki)
        } else {
            kf_error_destroy(ke);
            None
        };
        let mut vd = 0.0;
        let ve = kf_buffer_double(vb, &mut vd);
        let value_num = if ve.is_null() {
            Some(vd)
        } else {
            kf_error_destroy(ve);
            None
        };
        out.push(Polled {
            msg,
            key: buf_bytes(kb),
            value: buf_bytes(vb),
            key_int,
            value_num,
            error,
        });
        kf_deserialized_message_destroy(m);
    }
    out
}

/// Nothing more arrives: no record is delivered twice or left behind by an error.
fn assert_no_more(c: *mut kf_deserializing_consumer_t) {
    let deadline = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < deadline {
        let mut m = null_mut();
        ok(kf_deserializing_consumer_poll(c, 100, &mut m));
        if !m.is_null() {
            let code = kf_message_error_code(kf_deserialized_message_message(m));
            let offset = kf_message_offset(kf_deserialized_message_message(m));
            kf_deserialized_message_destroy(m);
            assert_ne!(code, 0, "an extra record at offset {offset}");
        }
    }
}

fn deserializing_consumer(
    cluster: &Cluster,
    topic: &str,
    key: *const kf_deserializer_t,
    value: *const kf_deserializer_t,
) -> *mut kf_deserializing_consumer_t {
    let conf = cluster.config(&[("group.id", &unique("g")), ("enable.auto.commit", "false")]);
    let mut e = null_mut();
    let c = kf_deserializing_consumer_new(conf, key, value, &mut e);
    ok(e);
    kf_config_destroy(conf);
    let l = tp_list(&[(topic, 0, KF_OFFSET_BEGINNING)]);
    ok(kf_consumer_assign(kf_deserializing_consumer_consumer(c), l));
    kf_topic_partition_list_destroy(l);
    c
}

fn close_consumer(c: *mut kf_deserializing_consumer_t) {
    ok(kf_consumer_close(kf_deserializing_consumer_consumer(c), -1));
    ok(kf_deserializing_consumer_destroy(c));
}

fn serializing_producer(
    cluster: &Cluster,
    key: *const kf_serializer_t,
    value: *const kf_serializer_t,
) -> *mut kf_serializing_producer_t {
    let conf = cluster.config(&[]);
    let mut e = null_mut();
    let p = kf_serializing_producer_new(conf, key, value, &mut e);
    ok(e);
    kf_config_destroy(conf);
    p
}

fn flush_all(p: *mut kf_serializing_producer_t, d: &Deliveries, n: usize) {
    let mut remaining = 1;
    ok(kf_producer_flush(
        kf_serializing_producer_producer(p),
        30_000,
        &mut remaining,
    ));
    assert_eq!(remaining, 0);
    assert_eq!(d.reports.len(), n, "{:?}", d.reports);
    assert!(d.reports.iter().all(|r| r.0 == 0), "{:?}", d.reports);
}

fn dopaque(d: &mut Deliveries) -> *mut c_void {
    d as *mut Deliveries as *mut c_void
}

// ---------------------------------------------------------------------------------------------
// built-ins, byte for byte as the Python client

#[test]
fn integer_and_double_are_big_endian_as_in_python() {
    let t = cs("t");
    let c = ctx(&t, KF_MESSAGE_FIELD_VALUE);
    let s = kf_integer_serializer_new();
    for (v, want) in [
        (1, vec![0, 0, 0, 1]),
        (-1, vec![0xff; 4]),
        (256, vec![0, 0, 1, 0]),
        (i32::MIN, vec![0x80, 0, 0, 0]),
        (i32::MAX, vec![0x7f, 0xff, 0xff, 0xff]),
    ] {
        let out = kf_buffer_new();
        ok(kf_serializer_serialize_int32(s, &c, v, out));
        assert_eq!(buf_bytes(out), Some(want.clone()), "{v}");
        // The generic path takes the decimal text.
        assert_eq!(
            ser_bytes(s, &c, Some(v.to_string().as_bytes())).unwrap(),
            Some(want)
        );
        kf_buffer_destroy(out);
    }
    // Python's struct.pack('>i') refuses out-of-range integers; so does the text path.
    let (code, msg) = ser_bytes(s, &c, Some(b"2147483648")).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    assert!(msg.contains("2147483648"), "{msg}");
    // Null stays null.
    assert_eq!(ser_bytes(s, &c, None).unwrap(), None);
    kf_serializer_destroy(s);

    let s = kf_double_serializer_new();
    for (v, want) in [
        (1.5, vec![0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
        (1.0, vec![0x3f, 0xf0, 0, 0, 0, 0, 0, 0]),
        (-2.0, vec![0xc0, 0, 0, 0, 0, 0, 0, 0]),
        (0.1, vec![0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]),
    ] {
        let out = kf_buffer_new();
        ok(kf_serializer_serialize_double(s, &c, v, out));
        assert_eq!(buf_bytes(out), Some(want.clone()), "{v}");
        assert_eq!(
            ser_bytes(s, &c, Some(format!("{v}").as_bytes())).unwrap(),
            Some(want)
        );
        kf_buffer_destroy(out);
    }
    kf_serializer_destroy(s);

    // And back.
    let d = kf_integer_deserializer_new();
    let b = deser(d, &c, Some(&[0, 0, 0, 1])).unwrap();
    assert_eq!(buf_int32(b), 1);
    assert_eq!(buf_bytes(b), Some(b"1".to_vec()), "text form");
    kf_buffer_destroy(b);
    let b = deser(d, &c, Some(&[0xff, 0xff, 0xff, 0xfe])).unwrap();
    assert_eq!(buf_int32(b), -2);
    kf_buffer_destroy(b);
    let b = deser(d, &c, None).unwrap();
    assert_eq!(buf_bytes(b), None);
    let mut v = 0;
    let (code, _) = err(kf_buffer_int32(b, &mut v));
    assert_eq!(code, KF_ERR__INVALID_ARG, "a null value has no number");
    kf_buffer_destroy(b);
    kf_deserializer_destroy(d);

    let d = kf_double_deserializer_new();
    let b = deser(d, &c, Some(&[0x3f, 0xf8, 0, 0, 0, 0, 0, 0])).unwrap();
    assert_eq!(buf_double(b), 1.5);
    assert_eq!(buf_bytes(b), Some(b"1.5".to_vec()));
    let mut i = 0;
    let (code, _) = err(kf_buffer_int32(b, &mut i));
    assert_eq!(code, KF_ERR__INVALID_ARG, "a double is not an int32");
    kf_buffer_destroy(b);
    let b = deser(d, &c, Some(&1.0f64.to_be_bytes())).unwrap();
    assert_eq!(buf_bytes(b), Some(b"1.0".to_vec()), "Python's repr");
    kf_buffer_destroy(b);
    kf_deserializer_destroy(d);
}

#[test]
fn string_codecs_encode_as_python() {
    let t = cs("t");
    let c = ctx(&t, KF_MESSAGE_FIELD_KEY);
    // (codec, text, Python's text.encode(codec))
    let cases: &[(Option<&str>, &str, &[u8])] = &[
        (None, "héllo", b"h\xc3\xa9llo"),
        (Some("utf_8"), "€", b"\xe2\x82\xac"),
        (Some("UTF-8"), "€", b"\xe2\x82\xac"),
        (Some("latin-1"), "héllo", b"h\xe9llo"),
        (Some("iso-8859-1"), "ÿ", b"\xff"),
        (Some("ascii"), "plain", b"plain"),
        (Some("utf_16"), "hé", b"\xff\xfeh\x00\xe9\x00"),
        (Some("utf-16-be"), "h€", b"\x00h\x20\xac"),
        (Some("utf_16_le"), "𝄞", b"\x34\xd8\x1e\xdd"),
    ];
    for (codec, s, want) in cases {
        let ser = new_string_ser(*codec);
        let out = kf_buffer_new();
        ok(kf_serializer_serialize_string(ser, &c, cs(s).as_ptr(), out));
        assert_eq!(buf_bytes(out).as_deref(), Some(*want), "{codec:?} {s}");
        kf_buffer_destroy(out);
        let de = new_string_deser(*codec);
        let b = deser(de, &c, Some(want)).unwrap();
        assert_eq!(
            buf_bytes(b).as_deref(),
            Some(s.as_bytes()),
            "{codec:?} decode"
        );
        let p = kf_buffer_data(b, null_mut());
        assert_eq!(text(p as *const c_char), *s, "usable as a C string");
        kf_buffer_destroy(b);
        kf_serializer_destroy(ser);
        kf_deserializer_destroy(de);
    }
    // A NULL string is null.
    let ser = new_string_ser(None);
    let out = kf_buffer_new();
    ok(kf_buffer_set(out, b"x".as_ptr(), 1));
    ok(kf_serializer_serialize_string(ser, &c, null(), out));
    assert_eq!(buf_bytes(out), None);
    kf_buffer_destroy(out);
    kf_serializer_destroy(ser);
    // Unknown codecs are refused at construction.
    let mut e = null_mut();
    assert!(kf_string_serializer_new(cs("klingon").as_ptr(), &mut e).is_null());
    let (code, msg) = err(e);
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("klingon"), "{msg}");
}

#[test]
fn the_four_error_codes_carry_their_cause() {
    let t = cs("t");
    let key = ctx(&t, KF_MESSAGE_FIELD_KEY);
    let val = ctx(&t, KF_MESSAGE_FIELD_VALUE);
    let ascii = new_string_ser(Some("ascii"));
    let out = kf_buffer_new();
    ok(kf_buffer_set(out, b"keep".as_ptr(), 4));
    for (c, code, name) in [
        (&key, KF_ERR__KEY_SERIALIZATION, "_KEY_SERIALIZATION"),
        (&val, KF_ERR__VALUE_SERIALIZATION, "_VALUE_SERIALIZATION"),
    ] {
        let e = kf_serializer_serialize_string(ascii, c, cs("é").as_ptr(), out);
        assert_eq!(text(kf_error_name(e)), name);
        let (got, msg) = err(e);
        assert_eq!(got, code);
        assert!(msg.contains("'ascii' codec can't encode"), "{msg}");
        assert_eq!(
            buf_bytes(out),
            Some(b"keep".to_vec()),
            "out changed on failure"
        );
    }
    kf_serializer_destroy(ascii);
    let int = kf_integer_deserializer_new();
    for (c, code, name) in [
        (&key, KF_ERR__KEY_DESERIALIZATION, "_KEY_DESERIALIZATION"),
        (
            &val,
            KF_ERR__VALUE_DESERIALIZATION,
            "_VALUE_DESERIALIZATION",
        ),
    ] {
        let (got, msg) = deser(int, c, Some(b"abc")).unwrap_err();
        assert_eq!(got, code);
        assert!(
            msg.contains("expected 4 bytes") && msg.contains("got 3"),
            "{msg}"
        );
        assert_eq!(text(kf_error_code_name(code)), name);
    }
    kf_deserializer_destroy(int);
    let utf8 = new_string_deser(None);
    let (code, msg) = deser(utf8, &val, Some(b"\xff")).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION);
    assert!(msg.contains("utf-8"), "{msg}");
    kf_deserializer_destroy(utf8);
    kf_buffer_destroy(out);
}

// ---------------------------------------------------------------------------------------------
// custom serdes

/// What a custom callback saw: (topic, field, input, header "h").
type Seen = (String, i32, Option<Vec<u8>>, Option<Vec<u8>>);

#[derive(Default)]
struct Custom {
    calls: AtomicUsize,
    freed: AtomicUsize,
    seen: std::sync::Mutex<Vec<Seen>>,
}

/// Reverses the bytes and records (topic, field, input, header "h"); fails on "fail".
unsafe extern "C" fn reverse_cb(
    opaque: *mut c_void,
    ctx: *const kf_serialization_context_t,
    data: *const u8,
    len: usize,
    out: *mut kf_buffer_t,
) -> c_int {
    let me = &*(opaque as *const Custom);
    me.calls.fetch_add(1, SeqCst);
    let c = &*ctx;
    let input = if data.is_null() {
        None
    } else {
        Some(std::slice::from_raw_parts(data, len).to_vec())
    };
    let mut hv = None;
    if !c.headers.is_null() {
        let (mut v, mut n) = (null(), 0);
        let e = kf_headers_get_last(c.headers, c"h".as_ptr(), &mut v, &mut n);
        if e.is_null() {
            hv = Some(std::slice::from_raw_parts(v, n).to_vec());
        } else {
            kf_error_destroy(e);
        }
    }
    me.seen
        .lock()
        .unwrap()
        .push((text(c.topic), c.field, input.clone(), hv));
    match input {
        Some(i) if i == b"fail" => {
            let m = b"custom says no";
            kf_buffer_set(out, m.as_ptr(), m.len());
            7
        }
        Some(mut i) => {
            i.reverse();
            kf_buffer_set(out, i.as_ptr(), i.len());
            0
        }
        None => 0,
    }
}

unsafe extern "C" fn free_custom(opaque: *mut c_void) {
    (*(opaque as *const Custom)).freed.fetch_add(1, SeqCst);
}

#[test]
fn custom_callbacks_serialize_deserialize_and_fail() {
    let me: &'static Custom = Box::leak(Box::default());
    let op = me as *const Custom as *mut c_void;
    let mut e = null_mut();
    let s = kf_custom_serializer_new(Some(reverse_cb), op, Some(free_custom), &mut e);
    ok(e);
    let d = kf_custom_deserializer_new(Some(reverse_cb), op, Some(free_custom), &mut e);
    ok(e);
    let t = cs("topic-x");
    let h = kf_headers_new(1);
    ok(kf_headers_add(h, c"h".as_ptr(), b"hv".as_ptr(), 2));
    let c = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: t.as_ptr(),
        field: KF_MESSAGE_FIELD_VALUE,
        headers: h,
    };
    assert_eq!(
        ser_bytes(s, &c, Some(b"abc")).unwrap(),
        Some(b"cba".to_vec())
    );
    // Typed inputs reach the callback as text.
    let out = kf_buffer_new();
    ok(kf_serializer_serialize_int32(s, &c, 123, out));
    assert_eq!(buf_bytes(out), Some(b"321".to_vec()));
    // Null reaches the callback; an untouched out is null.
    assert_eq!(ser_bytes(s, &c, None).unwrap(), None);
    let b = deser(d, &ctx(&t, KF_MESSAGE_FIELD_KEY), Some(b"xyz")).unwrap();
    assert_eq!(buf_bytes(b), Some(b"zyx".to_vec()));
    kf_buffer_destroy(b);
    // A failing callback: the field's code with the callback's cause.
    let (code, msg) = ser_bytes(s, &c, Some(b"fail")).unwrap_err();
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    assert!(msg.contains("custom says no") && msg.contains('7'), "{msg}");
    let (code, msg) = deser(d, &ctx(&t, KF_MESSAGE_FIELD_KEY), Some(b"fail")).unwrap_err();
    assert_eq!(code, KF_ERR__KEY_DESERIALIZATION);
    assert!(msg.contains("custom says no"), "{msg}");
    let seen = me.seen.lock().unwrap().clone();
    assert_eq!(
        seen[0],
        (
            "topic-x".into(),
            KF_MESSAGE_FIELD_VALUE,
            Some(b"abc".to_vec()),
            Some(b"hv".to_vec())
        )
    );
    assert_eq!(seen[1].2, Some(b"123".to_vec()));
    assert_eq!(seen[2].2, None);
    assert_eq!(seen[3].1, KF_MESSAGE_FIELD_KEY);
    assert_eq!(me.calls.load(SeqCst), 6);
    kf_buffer_destroy(out);
    kf_headers_destroy(h);
    // The opaque is freed once per registration when its last holder goes: a producer keeps
    // the serializer alive after its handle is destroyed.
    let cluster = Cluster::mock(1);
    let p = serializing_producer(&cluster, null(), s);
    kf_serializer_destroy(s);
    assert_eq!(me.freed.load(SeqCst), 0);
    ok(kf_serializing_producer_destroy(p));
    assert_eq!(me.freed.load(SeqCst), 1);
    kf_deserializer_destroy(d);
    assert_eq!(me.freed.load(SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// SerializingProducer and DeserializingConsumer

#[test]
fn serializing_round_trip_string_integer_double_on_both_clusters() {
    for cluster in Cluster::both() {
        let topic = unique("serde-rt");
        cluster.create_topic(&topic, 1);
        let t = cs(&topic);
        // Keys: String in latin-1; values: Integer, then a second producer with Double values.
        let ks = new_string_ser(Some("latin-1"));
        let is = kf_integer_serializer_new();
        let p = serializing_producer(&cluster, ks, is);
        kf_serializer_destroy(is);
        let mut d = Deliveries::default();
        let keys = ["é0", "ü1", "ß2"];
        for (i, k) in keys.iter().enumerate() {
            if i == 2 {
                // Generic path: text in, for both serializers.
                let v = b"-7";
                ok(kf_serializing_producer_produce(
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
                    dopaque(&mut d),
                ));
            } else {
                let (kv, vv) = (str_value(k), int_value(i as i32 + 1));
                ok(kf_serializing_producer_produce_typed(
                    p,
                    t.as_ptr(),
                    0,
                    &kv,
                    &vv,
                    null(),
                    0,
                    Some(record_delivery),
                    dopaque(&mut d),
                ));
            }
        }
        // A null value (tombstone) stays null.
        let kv = str_value("null");
        ok(kf_serializing_producer_produce_typed(
            p,
            t.as_ptr(),
            0,
            &kv,
            null(),
            null(),
            0,
            Some(record_delivery),
            dopaque(&mut d),
        ));
        flush_all(p, &d, 4);
        ok(kf_serializing_producer_destroy(p));

        let ds = kf_double_serializer_new();
        let p = serializing_producer(&cluster, ks, ds);
        kf_serializer_destroy(ds);
        kf_serializer_destroy(ks);
        let mut d = Deliveries::default();
        let (kv, vv) = (str_value("dbl"), double_value(1.5));
        ok(kf_serializing_producer_produce_typed(
            p,
            t.as_ptr(),
            0,
            &kv,
            &vv,
            null(),
            0,
            Some(record_delivery),
            dopaque(&mut d),
        ));
        flush_all(p, &d, 1);
        ok(kf_serializing_producer_destroy(p));

        // Raw bytes on the wire are Python's.
        let conf = cluster.config(&[("group.id", &unique("g"))]);
        let raw = new_consumer(conf);
        kf_config_destroy(conf);
        let l = tp_list(&[(&topic, 0, KF_OFFSET_BEGINNING)]);
        ok(kf_consumer_assign(raw, l));
        kf_topic_partition_list_destroy(l);
        let (msgs, _) = consume_n(raw, 5, Duration::from_secs(30));
        ok(kf_consumer_close(raw, -1));
        ok(kf_consumer_destroy(raw));
        let got: Vec<_> = msgs
            .iter()
            .map(|m| (m.key.clone(), m.value.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(b"\xe90".to_vec()), Some(vec![0, 0, 0, 1])),
                (Some(b"\xfc1".to_vec()), Some(vec![0, 0, 0, 2])),
                (Some(b"\xdf2".to_vec()), Some(vec![0xff, 0xff, 0xff, 0xf9])),
                (Some(b"null".to_vec()), None),
                (
                    Some(b"dbl".to_vec()),
                    Some(vec![0x3f, 0xf8, 0, 0, 0, 0, 0, 0])
                ),
            ],
            "on {}",
            cluster.name()
        );

        // Deserialized: the first four with Integer values.
        let kd = new_string_deser(Some("latin-1"));
        let vd = kf_integer_deserializer_new();
        let c = deserializing_consumer(&cluster, &topic, kd, vd);
        kf_deserializer_destroy(vd);
        let got = poll_n(c, 4);
        close_consumer(c);
        for (i, g) in got.iter().enumerate().take(3) {
            assert!(g.error.is_none(), "{:?}", g.error);
            assert_eq!(g.key_int, None, "a latin-1 key is no int32");
            assert_eq!(g.key.as_deref(), Some(keys[i].as_bytes()));
            assert_eq!(g.msg.offset, i as i64);
        }
        assert_eq!(
            got.iter()
                .take(3)
                .map(|g| g.value_num.unwrap())
                .collect::<Vec<_>>(),
            vec![1.0, 2.0, -7.0]
        );
        assert_eq!(got[0].value.as_deref(), Some(&b"1"[..]));
        assert_eq!(got[3].value, None, "tombstone");
        assert!(got[3].error.is_none());

        // The Double at offset 4.
        let vd = kf_double_deserializer_new();
        let conf = cluster.config(&[("group.id", &unique("g"))]);
        let mut e = null_mut();
        let c = kf_deserializing_consumer_new(conf, kd, vd, &mut e);
        ok(e);
        kf_config_destroy(conf);
        kf_deserializer_destroy(kd);
        kf_deserializer_destroy(vd);
        let l = tp_list(&[(&topic, 0, 4)]);
        ok(kf_consumer_assign(kf_deserializing_consumer_consumer(c), l));
        kf_topic_partition_list_destroy(l);
        let got = poll_n(c, 1);
        close_consumer(c);
        assert_eq!(got[0].value_num, Some(1.5));
        assert_eq!(got[0].value.as_deref(), Some(&b"1.5"[..]));
        assert_eq!(got[0].key.as_deref(), Some(&b"dbl"[..]));
    }
}

#[test]
fn serialization_errors_enqueue_nothing() {
    let cluster = Cluster::mock(1);
    let topic = unique("serde-err");
    cluster.create_topic(&topic, 1);
    let t = cs(&topic);
    let ascii = new_string_ser(Some("ascii"));
    let int = kf_integer_serializer_new();
    let p = serializing_producer(&cluster, ascii, int);
    let produce = |k: &str, v: &str| {
        kf_serializing_producer_produce(
            p,
            t.as_ptr(),
            0,
            k.as_ptr(),
            k.len(),
            v.as_ptr(),
            v.len(),
            null(),
            0,
            None,
            null_mut(),
        )
    };
    let e = produce("é", "1");
    assert_eq!(text(kf_error_name(e)), "_KEY_SERIALIZATION");
    let (code, msg) = err(e);
    assert_eq!(code, KF_ERR__KEY_SERIALIZATION);
    assert!(msg.contains("ascii"), "{msg}");
    let (code, msg) = err(produce("k", "one"));
    assert_eq!(code, KF_ERR__VALUE_SERIALIZATION);
    assert!(msg.contains("\"one\""), "{msg}");
    let (kv, vv) = (str_value("k"), double_value(0.5));
    let (code, _) = err(kf_serializing_producer_produce_typed(
        p,
        t.as_ptr(),
        0,
        &kv,
        &vv,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(
        code, KF_ERR__VALUE_SERIALIZATION,
        "Integer refuses a double"
    );
    assert_eq!(
        kf_producer_len(kf_serializing_producer_producer(p)),
        0,
        "a refused message was enqueued"
    );
    ok(produce("k", "5"));
    assert_eq!(kf_producer_len(kf_serializing_producer_producer(p)), 1);
    ok(kf_serializing_producer_destroy(p));
    // Without serializers: bytes and text pass through, numbers are refused.
    let p = serializing_producer(&cluster, null(), null());
    let iv = int_value(3);
    let (code, msg) = err(kf_serializing_producer_produce_typed(
        p,
        t.as_ptr(),
        0,
        &iv,
        null(),
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__KEY_SERIALIZATION);
    assert!(msg.contains("no serializer"), "{msg}");
    ok(kf_serializing_producer_produce_typed(
        p,
        t.as_ptr(),
        0,
        &kv,
        null(),
        null(),
        0,
        None,
        null_mut(),
    ));
    ok(kf_serializing_producer_destroy(p));
    kf_serializer_destroy(ascii);
    kf_serializer_destroy(int);
}

#[test]
fn a_bad_record_does_not_stop_the_consumer_on_both_clusters() {
    for cluster in Cluster::both() {
        let topic = unique("serde-bad");
        cluster.create_topic(&topic, 1);
        // Keys "k0".."k4"; the value at offset 2 is 3 bytes, not an int32.
        let values: Vec<Vec<u8>> = vec![
            vec![0, 0, 0, 10],
            vec![0, 0, 0, 11],
            b"bad".to_vec(),
            vec![0, 0, 0, 13],
            vec![0, 0, 0, 14],
        ];
        produce_values(&cluster, &topic, 0, &values);
        let kd = new_string_deser(None);
        let vd = kf_integer_deserializer_new();
        let c = deserializing_consumer(&cluster, &topic, kd, vd);
        let got = poll_n(c, 5);
        assert_no_more(c);
        close_consumer(c);
        for (i, g) in got.iter().enumerate() {
            assert_eq!(g.msg.offset, i as i64, "on {}", cluster.name());
            if i == 2 {
                let (code, name, msg) = g.error.clone().expect("the bad record's error");
                assert_eq!(code, KF_ERR__VALUE_DESERIALIZATION);
                assert_eq!(name, "_VALUE_DESERIALIZATION");
                assert!(
                    msg.contains("expected 4 bytes") && msg.contains("got 3"),
                    "{msg}"
                );
                // The raw message is handed over with it.
                assert_eq!(g.value.as_deref(), Some(&b"bad"[..]));
                assert_eq!(g.msg.value.as_deref(), Some(&b"bad"[..]));
                assert_eq!(g.msg.key.as_deref(), Some(&b"k2"[..]));
            } else {
                assert!(g.error.is_none(), "{:?}", g.error);
                assert_eq!(g.value_num, Some(10.0 + i as f64));
                assert_eq!(g.key.as_deref(), Some(format!("k{i}").as_bytes()));
            }
        }
        // A key deserializer that fails on every record: each one still comes back, in order.
        let kd2 = kf_integer_deserializer_new();
        let c = deserializing_consumer(&cluster, &topic, kd2, null());
        let got = poll_n(c, 5);
        close_consumer(c);
        for (i, g) in got.iter().enumerate() {
            assert_eq!(g.msg.offset, i as i64);
            let (code, _, msg) = g.error.clone().expect("key error");
            assert_eq!(code, KF_ERR__KEY_DESERIALIZATION);
            assert!(msg.contains("got 2"), "{msg}");
            assert_eq!(
                g.key.as_deref(),
                Some(format!("k{i}").as_bytes()),
                "raw key kept"
            );
            assert_eq!(
                g.value,
                Some(values[i].clone()),
                "no value deserializer: raw bytes"
            );
        }
        kf_deserializer_destroy(kd);
        kf_deserializer_destroy(vd);
        kf_deserializer_destroy(kd2);
    }
}

#[test]
fn the_consumer_context_carries_topic_field_and_headers() {
    let cluster = Cluster::mock(1);
    let topic = unique("serde-ctx");
    cluster.create_topic(&topic, 1);
    let t = cs(&topic);
    let me: &'static Custom = Box::leak(Box::default());
    let op = me as *const Custom as *mut c_void;
    let mut e = null_mut();
    let s = kf_custom_serializer_new(Some(reverse_cb), op, None, &mut e);
    ok(e);
    let d = kf_custom_deserializer_new(Some(reverse_cb), op, Some(free_custom), &mut e);
    ok(e);
    let p = serializing_producer(&cluster, s, s);
    kf_serializer_destroy(s);
    let h = kf_headers_new(1);
    ok(kf_headers_add(h, c"h".as_ptr(), b"H1".as_ptr(), 2));
    let mut dl = Deliveries::default();
    ok(kf_serializing_producer_produce(
        p,
        t.as_ptr(),
        0,
        b"key".as_ptr(),
        3,
        b"value".as_ptr(),
        5,
        h,
        0,
        Some(record_delivery),
        dopaque(&mut dl),
    ));
    kf_headers_destroy(h);
    flush_all(p, &dl, 1);
    ok(kf_serializing_producer_destroy(p));
    let c = deserializing_consumer(&cluster, &topic, d, d);
    kf_deserializer_destroy(d);
    let got = poll_n(c, 1);
    assert_eq!(
        me.freed.load(SeqCst),
        0,
        "the consumer still holds the deserializer"
    );
    close_consumer(c);
    assert_eq!(me.freed.load(SeqCst), 1);
    assert_eq!(
        got[0].msg.key.as_deref(),
        Some(&b"yek"[..]),
        "serialized on the wire"
    );
    assert_eq!(got[0].key.as_deref(), Some(&b"key"[..]));
    assert_eq!(got[0].value.as_deref(), Some(&b"value"[..]));
    let seen = me.seen.lock().unwrap().clone();
    let fields: Vec<_> = seen
        .iter()
        .map(|s| (s.0.clone(), s.1, s.3.clone()))
        .collect();
    let hv = Some(b"H1".to_vec());
    assert_eq!(
        fields,
        vec![
            // Producer: key, then value; consumer: value, then key (as the Python client).
            (topic.clone(), KF_MESSAGE_FIELD_KEY, hv.clone()),
            (topic.clone(), KF_MESSAGE_FIELD_VALUE, hv.clone()),
            (topic.clone(), KF_MESSAGE_FIELD_VALUE, hv.clone()),
            (topic.clone(), KF_MESSAGE_FIELD_KEY, hv),
        ]
    );
}

#[test]
fn error_events_come_back_undeserialized_and_timeouts_return_no_message() {
    let cluster = Cluster::mock(1);
    let topic = unique("serde-eof");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[vec![0, 0, 0, 42]]);
    let vd = kf_integer_deserializer_new();
    let conf = cluster.config(&[("group.id", &unique("g")), ("enable.partition.eof", "true")]);
    let mut e = null_mut();
    let c = kf_deserializing_consumer_new(conf, null(), vd, &mut e);
    ok(e);
    kf_config_destroy(conf);
    kf_deserializer_destroy(vd);
    // Before any assignment the wait just ends: no message, no error.
    let mut m = null_mut();
    ok(kf_deserializing_consumer_poll(c, 50, &mut m));
    assert!(m.is_null());
    let l = tp_list(&[(&topic, 0, KF_OFFSET_BEGINNING)]);
    ok(kf_consumer_assign(kf_deserializing_consumer_consumer(c), l));
    kf_topic_partition_list_destroy(l);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while seen.len() < 2 && Instant::now() < deadline {
        let mut m = null_mut();
        ok(kf_deserializing_consumer_poll(c, 200, &mut m));
        if m.is_null() {
            continue;
        }
        let raw = kf_deserialized_message_message(m);
        let v = kf_deserialized_message_value(m);
        let num = {
            let mut i = 0;
            let e = kf_buffer_int32(v, &mut i);
            if e.is_null() {
                Some(i)
            } else {
                kf_error_destroy(e);
                None
            }
        };
        seen.push((kf_message_error_code(raw), kf_message_offset(raw), num));
        kf_deserialized_message_destroy(m);
    }
    close_consumer(c);
    assert_eq!(
        seen,
        vec![(0, 0, Some(42)), (KF_ERR__PARTITION_EOF, 1, None)],
        "the record, then the end-of-partition event with a null value"
    );
}

/// The built-ins against Python itself (the confluent-kafka serdes are struct.pack('>i'),
/// struct.pack('>d') and str.encode(codec)): python3 encodes the same values, the bytes must be
/// equal.
#[test]
fn builtins_match_python3_byte_for_byte() {
    let ints = [0, 1, -1, 255, 65536, -123456789, i32::MIN, i32::MAX];
    let doubles = [0.0, -0.0, 1.5, -2.25, 0.1, 1e300, -5e-324, f64::INFINITY];
    let strings: &[(&str, &str)] = &[
        ("utf_8", "héllo €𝄞"),
        ("latin-1", "Grüße ÿ"),
        ("ascii", "plain text"),
        ("utf_16", "hé€𝄞"),
        ("utf_16_le", "hé€𝄞"),
        ("utf_16_be", "hé€𝄞"),
    ];
    let script = format!(
        "import struct, sys\n\
         for i in {ints:?}: print(struct.pack('>i', i).hex())\n\
         for d in [{ds}]: print(struct.pack('>d', d).hex())\n\
         for c, s in [{ss}]: print(s.encode(c).hex())\n",
        ds = doubles
            .iter()
            .map(|d| format!("float('{d:?}')"))
            .collect::<Vec<_>>()
            .join(", "),
        ss = strings
            .iter()
            .map(|(c, s)| format!("({c:?}, {s:?})"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let t = cs("t");
    let c = ctx(&t, KF_MESSAGE_FIELD_VALUE);
    let mut ours = Vec::new();
    let s = kf_integer_serializer_new();
    for i in ints {
        let b = kf_buffer_new();
        ok(kf_serializer_serialize_int32(s, &c, i, b));
        ours.push(hex(buf_bytes(b).unwrap()));
        kf_buffer_destroy(b);
    }
    kf_serializer_destroy(s);
    let s = kf_double_serializer_new();
    for d in doubles {
        let b = kf_buffer_new();
        ok(kf_serializer_serialize_double(s, &c, d, b));
        ours.push(hex(buf_bytes(b).unwrap()));
        kf_buffer_destroy(b);
    }
    kf_serializer_destroy(s);
    for (codec, text) in strings {
        let s = new_string_ser(Some(codec));
        let b = kf_buffer_new();
        ok(kf_serializer_serialize_string(s, &c, cs(text).as_ptr(), b));
        ours.push(hex(buf_bytes(b).unwrap()));
        kf_buffer_destroy(b);
        kf_serializer_destroy(s);
    }
    assert_eq!(ours, python);
}
