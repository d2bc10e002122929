//! Invalid arguments to the serialization framework: buffers, the String / Integer / Double /
//! custom serdes, SerializingProducer, DeserializingConsumer, the Avro, Protobuf and JSON Schema
//! serdes, the to_dict / from_dict hooks and the legacy AvroProducer / AvroConsumer.
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// A client of a new mock:// registry.
fn mock_registry(url: &str) -> Owned<kf_schema_registry_t> {
    let mut e = null_mut();
    let c = own(kf_schema_registry_new(
        cs(&format!(r#"{{"url": "{url}"}}"#)).as_ptr(),
        &mut e,
    ));
    ok(e);
    c
}

/// The Avro serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_avro() {
    use kafkaffi::ffi::*;
    let client = mock_registry(&format!("mock://{}", unique("sr")));
    let c = client.get();
    let mut e = null_mut();
    let schema = cs(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#);
    const SER: &str = "kf_avro_serializer_new";
    assert!(kf_avro_serializer_new(null(), schema.as_ptr(), null(), &mut e).is_null());
    inv(e, &[SER, "registry"]);
    assert!(kf_avro_serializer_new(c, null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_avro_serializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_avro_serializer_new(c, schema.as_ptr(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    assert!(
        kf_avro_serializer_new(c, schema.as_ptr(), cs("{\"x\": 1}").as_ptr(), &mut e).is_null()
    );
    inv(e, &["\"x\""]);
    assert!(kf_avro_serializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let s = own(kf_avro_serializer_new(c, schema.as_ptr(), null(), &mut e));
    ok(e);
    assert!(!s.is_null());

    const DE: &str = "kf_avro_deserializer_new";
    assert!(kf_avro_deserializer_new(null(), null(), null(), &mut e).is_null());
    inv(e, &[DE, "registry"]);
    assert!(kf_avro_deserializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[DE, "reader_schema_str", "UTF-8"]);
    assert!(kf_avro_deserializer_new(c, cs("{").as_ptr(), null(), &mut e).is_null());
    inv(e, &["invalid Avro schema"]);
    assert!(kf_avro_deserializer_new(c, null(), bad_utf8(), &mut e).is_null());
    inv(e, &[DE, "config_json", "UTF-8"]);
    assert!(kf_avro_deserializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let d = own(kf_avro_deserializer_new(
        c,
        null(),
        cs("{}").as_ptr(),
        &mut e,
    ));
    ok(e);
    assert!(!d.is_null());
}

/// The Protobuf serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_protobuf() {
    use kafkaffi::ffi::*;
    let client = mock_registry(&format!("mock://{}", unique("sr")));
    let c = client.get();
    let mut e = null_mut();
    let schema = cs("syntax = \"proto3\"; message M { int32 a = 1; }");
    const SER: &str = "kf_protobuf_serializer_new";
    assert!(kf_protobuf_serializer_new(null(), schema.as_ptr(), null(), null(), &mut e).is_null());
    inv(e, &[SER, "registry"]);
    assert!(kf_protobuf_serializer_new(c, null(), null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_protobuf_serializer_new(c, bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "message_name", "UTF-8"]);
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    let x = cs("{\"x\": 1}");
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), null(), x.as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_protobuf_serializer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let s = own(kf_protobuf_serializer_new(
        c,
        schema.as_ptr(),
        cs("M").as_ptr(),
        null(),
        &mut e,
    ));
    ok(e);
    assert!(!s.is_null());

    const DE: &str = "kf_protobuf_deserializer_new";
    assert!(kf_protobuf_deserializer_new(null(), null(), &mut e).is_null());
    inv(e, &[DE, "registry"]);
    assert!(kf_protobuf_deserializer_new(c, bad_utf8(), &mut e).is_null());
    inv(e, &[DE, "config_json", "UTF-8"]);
    assert!(kf_protobuf_deserializer_new(c, x.as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_protobuf_deserializer_new(null(), null(), null_mut()).is_null());
    e = null_mut();
    let d = own(kf_protobuf_deserializer_new(c, cs("{}").as_ptr(), &mut e));
    ok(e);
    assert!(!d.is_null());
}

/// The JSON Schema serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_json_schema() {
    use kafkaffi::ffi::*;
    let client = mock_registry(&format!("mock://{}", unique("sr")));
    let c = client.get();
    let mut e = null_mut();
    let schema = cs(r#"{"type":"object"}"#);
    const SER: &str = "kf_json_schema_serializer_new";
    assert!(kf_json_schema_serializer_new(null(), schema.as_ptr(), null(), &mut e).is_null());
    inv(e, &[SER, "registry"]);
    assert!(kf_json_schema_serializer_new(c, null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_json_schema_serializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_json_schema_serializer_new(c, schema.as_ptr(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    assert!(kf_json_schema_serializer_new(c, cs("{").as_ptr(), null(), &mut e).is_null());
    inv(e, &["invalid JSON schema"]);
    assert!(kf_json_schema_serializer_new(null(), null(), null(), null_mut()).is_null());
    const DE: &str = "kf_json_schema_deserializer_new";
    assert!(kf_json_schema_deserializer_new(null(), null(), null(), &mut e).is_null());
    inv(e, &[DE, "registry"]);
    assert!(kf_json_schema_deserializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[DE, "schema_str", "UTF-8"]);
    assert!(
        kf_json_schema_deserializer_new(c, null(), cs("{\"x\": 1}").as_ptr(), &mut e).is_null()
    );
    inv(e, &["\"x\""]);
    assert!(kf_json_schema_deserializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let json_schema = own(kf_schema_new(schema.as_ptr(), KF_SCHEMA_TYPE_JSON, &mut e));
    ok(e);
    let js = json_schema.get();
    const SS: &str = "kf_json_schema_serializer_new_with_schema";
    assert!(kf_json_schema_serializer_new_with_schema(null(), js, null(), &mut e).is_null());
    inv(e, &[SS, "registry"]);
    assert!(kf_json_schema_serializer_new_with_schema(c, null(), null(), &mut e).is_null());
    inv(e, &["use.latest.version"]);
    assert!(kf_json_schema_serializer_new_with_schema(c, js, bad_utf8(), &mut e).is_null());
    inv(e, &[SS, "config_json", "UTF-8"]);
    const DS: &str = "kf_json_schema_deserializer_new_with_schema";
    assert!(kf_json_schema_deserializer_new_with_schema(null(), js, null(), &mut e).is_null());
    inv(e, &[DS, "registry"]);
    assert!(kf_json_schema_deserializer_new_with_schema(c, js, bad_utf8(), &mut e).is_null());
    inv(e, &[DS, "config_json", "UTF-8"]);
    assert!(
        kf_json_schema_deserializer_new_with_schema(null(), null(), null(), null_mut()).is_null()
    );
    e = null_mut();
    let s = own(kf_json_schema_serializer_new_with_schema(
        c,
        js,
        null(),
        &mut e,
    ));
    ok(e);
    let d = own(kf_json_schema_deserializer_new(
        c,
        null(),
        cs("{}").as_ptr(),
        &mut e,
    ));
    ok(e);
    assert!(!s.is_null() && !d.is_null());
}

/// The Avro constructors taking a kf_schema_t, the to_dict / from_dict hooks and the legacy
/// AvroProducer / AvroConsumer with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_avro_schema_hooks_and_legacy() {
    use kafkaffi::ffi::*;
    let url = format!("mock://{}", unique("sr"));
    let client = mock_registry(&url);
    let c = client.get();
    let mut e = null_mut();
    let owned_schema = own(kf_schema_new(
        cs(r#""int""#).as_ptr(),
        KF_SCHEMA_TYPE_AVRO,
        &mut e,
    ));
    ok(e);
    let schema = owned_schema.get();
    const SS: &str = "kf_avro_serializer_new_with_schema";
    assert!(kf_avro_serializer_new_with_schema(null(), schema, null(), &mut e).is_null());
    inv(e, &[SS, "registry"]);
    assert!(kf_avro_serializer_new_with_schema(c, null(), null(), &mut e).is_null());
    inv(e, &["use.latest.version"]);
    assert!(kf_avro_serializer_new_with_schema(c, schema, bad_utf8(), &mut e).is_null());
    inv(e, &[SS, "config_json", "UTF-8"]);
    assert!(kf_avro_serializer_new_with_schema(null(), null(), null(), null_mut()).is_null());
    const DS: &str = "kf_avro_deserializer_new_with_schema";
    assert!(kf_avro_deserializer_new_with_schema(null(), schema, null(), &mut e).is_null());
    inv(e, &[DS, "registry"]);
    assert!(kf_avro_deserializer_new_with_schema(c, schema, bad_utf8(), &mut e).is_null());
    inv(e, &[DS, "config_json", "UTF-8"]);
    assert!(kf_avro_deserializer_new_with_schema(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let serializer = own(kf_avro_serializer_new_with_schema(
        c,
        schema,
        null(),
        &mut e,
    ));
    ok(e);
    let deserializer = own(kf_avro_deserializer_new_with_schema(
        c,
        null(),
        null(),
        &mut e,
    ));
    ok(e);
    drop(owned_schema);
    let (s, d) = (serializer.get(), deserializer.get());

    unsafe extern "C" fn hook(
        _: *mut c_void,
        _: *const kf_serialization_context_t,
        _: *const u8,
        _: usize,
        _: *mut kf_buffer_t,
    ) -> c_int {
        0
    }
    static FREED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn free_it(_: *mut c_void) {
        FREED.fetch_add(1, SeqCst);
    }
    const TD: &str = "kf_to_dict_serializer_new";
    assert!(
        kf_to_dict_serializer_new(null(), Some(hook), null_mut(), Some(free_it), &mut e).is_null()
    );
    inv(e, &[TD, "inner"]);
    assert!(kf_to_dict_serializer_new(s, None, null_mut(), Some(free_it), &mut e).is_null());
    inv(e, &[TD, "callback"]);
    assert!(kf_to_dict_serializer_new(null(), None, null_mut(), None, null_mut()).is_null());
    const FD: &str = "kf_from_dict_deserializer_new";
    assert!(
        kf_from_dict_deserializer_new(null(), Some(hook), null_mut(), Some(free_it), &mut e)
            .is_null()
    );
    inv(e, &[FD, "inner"]);
    assert!(kf_from_dict_deserializer_new(d, None, null_mut(), Some(free_it), &mut e).is_null());
    inv(e, &[FD, "callback"]);
    assert!(kf_from_dict_deserializer_new(null(), None, null_mut(), None, null_mut()).is_null());
    assert_eq!(
        FREED.load(SeqCst),
        4,
        "the opaque is released when the constructor fails"
    );

    const PN: &str = "kf_avro_producer_new";
    let conf = cs(&format!(r#"{{"schema.registry.url": "{url}"}}"#));
    assert!(kf_avro_producer_new(null(), null(), null(), null(), &mut e).is_null());
    inv(e, &[PN, "config_json"]);
    assert!(kf_avro_producer_new(null(), bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[PN, "config_json", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), conf.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[PN, "default_key_schema", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), conf.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[PN, "default_value_schema", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let producer = own(kf_avro_producer_new(
        null(),
        conf.as_ptr(),
        null(),
        cs(r#""string""#).as_ptr(),
        &mut e,
    ));
    ok(e);
    let p = producer.get();
    const PP: &str = "kf_avro_producer_produce";
    let t = cs("t");
    let produce = |p: *mut kf_avro_producer_t,
                   topic: *const c_char,
                   key: *const c_char,
                   value: *const c_char,
                   ks: *const c_char,
                   vs: *const c_char| {
        kf_avro_producer_produce(p, topic, 0, key, value, ks, vs, null(), 0, None, null_mut())
    };
    inv(
        produce(null_mut(), t.as_ptr(), null(), null(), null(), null()),
        &[PP, "producer"],
    );
    inv(
        produce(p, null(), null(), null(), null(), null()),
        &[PP, "topic"],
    );
    inv(
        produce(p, bad_utf8(), null(), null(), null(), null()),
        &[PP, "topic", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), bad_utf8(), null(), null(), null()),
        &[PP, "key", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), bad_utf8(), null(), null()),
        &[PP, "value", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), null(), bad_utf8(), null()),
        &[PP, "key_schema", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), null(), null(), bad_utf8()),
        &[PP, "value_schema", "UTF-8"],
    );
    assert!(kf_avro_producer_producer(null()).is_null());
    assert!(!kf_avro_producer_producer(p).is_null());
    ok(kf_avro_producer_destroy(null_mut()));

    const CN: &str = "kf_avro_consumer_new";
    assert!(kf_avro_consumer_new(null(), null(), null(), null(), &mut e).is_null());
    inv(e, &[CN, "config_json"]);
    assert!(kf_avro_consumer_new(null(), bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[CN, "config_json", "UTF-8"]);
    let cconf = cs(&format!(
        r#"{{"schema.registry.url": "{url}", "group.id": "g"}}"#
    ));
    assert!(kf_avro_consumer_new(null(), cconf.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[CN, "reader_key_schema", "UTF-8"]);
    assert!(kf_avro_consumer_new(null(), cconf.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[CN, "reader_value_schema", "UTF-8"]);
    assert!(kf_avro_consumer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let cons = own(kf_avro_consumer_new(
        null(),
        cconf.as_ptr(),
        null(),
        null(),
        &mut e,
    ));
    ok(e);
    ok(kf_consumer_close(
        kf_deserializing_consumer_consumer(cons.get()),
        -1,
    ));
}

#[test]
fn invalid_args_serde() {
    use kafkaffi::ffi::*;
    let t = cs("t");
    let good = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: t.as_ptr(),
        field: KF_MESSAGE_FIELD_VALUE,
        headers: null(),
    };
    let no_topic = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: null(),
        field: KF_MESSAGE_FIELD_KEY,
        headers: null(),
    };
    let bad_topic = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: bad_utf8(),
        field: KF_MESSAGE_FIELD_KEY,
        headers: null(),
    };
    let bad_field = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: t.as_ptr(),
        field: 2,
        headers: null(),
    };

    // Buffers.
    kf_buffer_destroy(null_mut());
    let buffer = own(kf_buffer_new());
    let b = buffer.get();
    assert!(!b.is_null());
    inv(
        kf_buffer_set(null_mut(), b"x".as_ptr(), 1),
        &["kf_buffer_set", "buffer"],
    );
    inv(kf_buffer_set(b, null(), 3), &["kf_buffer_set", "data"]);
    let mut len = 99usize;
    assert!(kf_buffer_data(null(), &mut len).is_null());
    assert_eq!(len, 0);
    assert!(
        kf_buffer_data(b, null_mut()).is_null(),
        "a new buffer is null"
    );
    let (mut i, mut d) = (5i32, 5.0f64);
    inv(
        kf_buffer_int32(null(), &mut i),
        &["kf_buffer_int32", "buffer"],
    );
    inv(
        kf_buffer_int32(b, null_mut()),
        &["kf_buffer_int32", "value_out"],
    );
    inv(kf_buffer_int32(b, &mut i), &["kf_buffer_int32", "null"]);
    inv(
        kf_buffer_double(null(), &mut d),
        &["kf_buffer_double", "buffer"],
    );
    inv(
        kf_buffer_double(b, null_mut()),
        &["kf_buffer_double", "value_out"],
    );
    ok(kf_buffer_set(b, b"x1".as_ptr(), 2));
    inv(kf_buffer_double(b, &mut d), &["kf_buffer_double", "x1"]);
    assert_eq!((i, d), (5, 5.0), "outputs written on failure");

    // Serializers.
    let mut e = null_mut();
    assert!(kf_string_serializer_new(cs("nope").as_ptr(), &mut e).is_null());
    inv(e, &["kf_string_serializer_new", "codec", "nope"]);
    assert!(kf_string_serializer_new(bad_utf8(), &mut e).is_null());
    inv(e, &["kf_string_serializer_new", "codec", "UTF-8"]);
    assert!(kf_string_serializer_new(cs("nope").as_ptr(), null_mut()).is_null());
    let freed = counter();
    assert!(kf_custom_serializer_new(None, as_opaque(freed), Some(count_free), &mut e).is_null());
    inv(e, &["kf_custom_serializer_new", "callback"]);
    assert_eq!(
        freed.freed.load(SeqCst),
        1,
        "the opaque of a refused registration is freed"
    );
    kf_serializer_destroy(null_mut());
    let serializer = own(kf_integer_serializer_new());
    let s = serializer.get();
    let sd = kf_double_serializer_new();
    kf_serializer_destroy(sd);
    const S: &str = "kf_serializer_serialize";
    inv(
        kf_serializer_serialize(null_mut(), &good, null(), 0, b),
        &[S, "serializer"],
    );
    inv(
        kf_serializer_serialize(s, null(), null(), 0, b),
        &[S, "ctx"],
    );
    inv(
        kf_serializer_serialize(s, &no_topic, null(), 0, b),
        &[S, "ctx->topic"],
    );
    inv(
        kf_serializer_serialize(s, &bad_topic, null(), 0, b),
        &[S, "ctx->topic", "UTF-8"],
    );
    inv(
        kf_serializer_serialize(s, &bad_field, null(), 0, b),
        &[S, "ctx->field"],
    );
    // A size below the first published one (0: not set; one field short) is refused.
    for size in [0, std::mem::size_of::<kf_serialization_context_t>() - 1] {
        let small = kf_serialization_context_t { size, ..good };
        inv(
            kf_serializer_serialize(s, &small, null(), 0, b),
            &[S, "ctx->size"],
        );
    }
    // A larger size (a newer header's struct) is accepted; nothing past ours is read.
    #[repr(C)]
    struct Newer {
        ctx: kf_serialization_context_t,
        appended: u64,
    }
    let newer = Newer {
        ctx: kf_serialization_context_t {
            size: std::mem::size_of::<Newer>(),
            ..good
        },
        appended: u64::MAX,
    };
    ok(kf_serializer_serialize(s, &newer.ctx, b"7".as_ptr(), 1, b));
    inv(
        kf_serializer_serialize(s, &good, null(), 0, null_mut()),
        &[S, "out"],
    );
    inv(
        kf_serializer_serialize(s, &good, null(), 4, b),
        &[S, "data"],
    );
    inv(
        kf_serializer_serialize_string(null_mut(), &good, t.as_ptr(), b),
        &["kf_serializer_serialize_string", "serializer"],
    );
    inv(
        kf_serializer_serialize_string(s, &good, bad_utf8(), b),
        &["kf_serializer_serialize_string", "value", "UTF-8"],
    );
    inv(
        kf_serializer_serialize_int32(null_mut(), &good, 1, b),
        &["kf_serializer_serialize_int32", "serializer"],
    );
    inv(
        kf_serializer_serialize_int32(s, null(), 1, b),
        &["kf_serializer_serialize_int32", "ctx"],
    );
    inv(
        kf_serializer_serialize_double(null_mut(), &good, 1.0, b),
        &["kf_serializer_serialize_double", "serializer"],
    );
    inv(
        kf_serializer_serialize_double(s, &good, 1.0, null_mut()),
        &["kf_serializer_serialize_double", "out"],
    );
    assert!(
        !kf_buffer_data(b, null_mut()).is_null(),
        "out changed by a refused call"
    );

    // Deserializers.
    assert!(kf_string_deserializer_new(cs("nope").as_ptr(), &mut e).is_null());
    inv(e, &["kf_string_deserializer_new", "codec"]);
    assert!(kf_custom_deserializer_new(None, null_mut(), None, &mut e).is_null());
    inv(e, &["kf_custom_deserializer_new", "callback"]);
    kf_deserializer_destroy(null_mut());
    let dd = kf_double_deserializer_new();
    kf_deserializer_destroy(dd);
    let deserializer = own(kf_integer_deserializer_new());
    let di = deserializer.get();
    const D: &str = "kf_deserializer_deserialize";
    inv(
        kf_deserializer_deserialize(null(), &good, null(), 0, b),
        &[D, "deserializer"],
    );
    inv(
        kf_deserializer_deserialize(di, null(), null(), 0, b),
        &[D, "ctx"],
    );
    inv(
        kf_deserializer_deserialize(di, &bad_field, null(), 0, b),
        &[D, "ctx->field"],
    );
    let small = kf_serialization_context_t { size: 8, ..good };
    inv(
        kf_deserializer_deserialize(di, &small, null(), 0, b),
        &[D, "ctx->size"],
    );
    inv(
        kf_deserializer_deserialize(di, &good, null(), 0, null_mut()),
        &[D, "out"],
    );
    inv(
        kf_deserializer_deserialize(di, &good, null(), 1, b),
        &[D, "data"],
    );

    // SerializingProducer.
    let cluster = Cluster::mock(1);
    assert!(kf_serializing_producer_new(null(), s, s, &mut e).is_null());
    inv(e, &["kf_serializing_producer_new", "config"]);
    ok(kf_serializing_producer_destroy(null_mut()));
    assert!(kf_serializing_producer_producer(null()).is_null());
    let producer_conf = own(cluster.config(&[]));
    e = null_mut(); // constructors write err_out only on failure
    let producer = own(kf_serializing_producer_new(
        producer_conf.get(),
        null(),
        s,
        &mut e,
    ));
    ok(e);
    let p = producer.get();
    const P: &str = "kf_serializing_producer_produce";
    let produce = |p, topic, key: *const u8, klen| {
        kf_serializing_producer_produce(
            p,
            topic,
            0,
            key,
            klen,
            null(),
            0,
            null(),
            0,
            None,
            null_mut(),
        )
    };
    inv(produce(null_mut(), t.as_ptr(), null(), 0), &[P, "producer"]);
    inv(produce(p, null(), null(), 0), &[P, "topic"]);
    inv(produce(p, bad_utf8(), null(), 0), &[P, "topic", "UTF-8"]);
    inv(produce(p, t.as_ptr(), null(), 2), &[P, "key"]);
    const PT: &str = "kf_serializing_producer_produce_typed";
    let typed = |p, key: *const kf_serde_value_t| {
        kf_serializing_producer_produce_typed(
            p,
            t.as_ptr(),
            0,
            key,
            null(),
            null(),
            0,
            None,
            null_mut(),
        )
    };
    let v = |kind, data: *const u8, len| kf_serde_value_t {
        size: std::mem::size_of::<kf_serde_value_t>(),
        kind,
        data,
        len,
        int32: 0,
        dbl: 0.0,
    };
    inv(typed(null_mut(), null()), &[PT, "producer"]);
    inv(typed(p, &v(9, null(), 0)), &[PT, "key->kind"]);
    for size in [0, std::mem::size_of::<kf_serde_value_t>() - 1] {
        let small = kf_serde_value_t {
            size,
            ..v(KF_SERDE_VALUE_NULL, null(), 0)
        };
        inv(typed(p, &small), &[PT, "key->size"]);
    }
    inv(typed(p, &v(KF_SERDE_VALUE_BYTES, null(), 3)), &[PT, "key"]);
    inv(
        typed(p, &v(KF_SERDE_VALUE_STRING, null(), 0)),
        &[PT, "key->data"],
    );
    inv(
        typed(p, &v(KF_SERDE_VALUE_STRING, b"\xff".as_ptr(), 1)),
        &[PT, "key", "UTF-8"],
    );
    assert_eq!(kf_producer_len(kf_serializing_producer_producer(p)), 0);

    // DeserializingConsumer and its messages.
    assert!(kf_deserializing_consumer_new(null(), di, di, &mut e).is_null());
    inv(e, &["kf_deserializing_consumer_new", "config"]);
    let consumer_conf = own(cluster.config(&[]));
    let conf = consumer_conf.get();
    assert!(kf_deserializing_consumer_new(conf, di, di, &mut e).is_null());
    inv(e, &["group.id"]);
    ok(kf_config_set(
        conf,
        cs("group.id").as_ptr(),
        cs("g").as_ptr(),
    ));
    e = null_mut();
    let consumer = own(kf_deserializing_consumer_new(conf, null(), di, &mut e));
    ok(e);
    let c = consumer.get();
    ok(kf_deserializing_consumer_destroy(null_mut()));
    assert!(kf_deserializing_consumer_consumer(null()).is_null());
    const C: &str = "kf_deserializing_consumer_poll";
    let mut m = null_mut();
    inv(
        kf_deserializing_consumer_poll(null_mut(), 0, &mut m),
        &[C, "consumer"],
    );
    inv(
        kf_deserializing_consumer_poll(c, 0, null_mut()),
        &[C, "message_out"],
    );
    ok(kf_consumer_close(kf_deserializing_consumer_consumer(c), -1));
    let (code, _) = err(kf_deserializing_consumer_poll(c, 0, &mut m));
    assert_eq!(code, KF_ERR__STATE, "polling a closed consumer");
    assert!(m.is_null());
    assert!(kf_deserialized_message_message(null()).is_null());
    assert!(kf_deserialized_message_key(null()).is_null());
    assert!(kf_deserialized_message_value(null()).is_null());
    kf_deserialized_message_destroy(null_mut());
}
