//! The legacy AvroProducer and AvroConsumer (Python's confluent_kafka.avro, deprecated there
//! in favour of AvroSerializer / AvroDeserializer), thin on top of the Avro serdes, the
//! SerializingProducer and the DeserializingConsumer.
//!
//! Their configuration is documented once, on kf_avro_producer_new(), because only item doc
//! comments reach the header.
use std::os::raw::{c_char, c_void};

use super::kf_deserializing_consumer_t;
use super::types::*;
use super::{arg_cstr, arg_str, call, construct, free_handle, handle, opt, value};
use crate::error::{KResult, KafkaError};
use crate::serdes::avro_legacy::{legacy_avro_consumer, LegacyAvroProducer, LegacyOutMessage};

/// Python's legacy AvroProducer: a producer whose produce serializes the key and the value
/// with Avro (per-call or default schemas).
pub struct kf_avro_producer_t {
    _opaque: [u8; 0],
}

super::types::client_handle!(
    kf_avro_producer_t => LegacyAvroProducer,
    crate::kafka::tag::Tag::AVRO_PRODUCER
);

/// An optional C string argument: NULL is None.
unsafe fn opt_str<'a>(p: *const c_char, func: &str, what: &str) -> KResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_str(p, func, what).map(Some)
    }
}

/// Python's AvroProducer(config, default_key_schema, default_value_schema): a producer
/// configured by `base` (may be NULL; copied) plus `config_json` (a JSON object of librdkafka
/// properties and "schema.registry." keys, described below), with default Avro schemas (JSON
/// text; either may be NULL) for the key and the value.
///
/// Configuration of the legacy AvroProducer and AvroConsumer (also kf_avro_consumer_new()):
/// as in Python, one set of properties holds both the client's and the registry's.
/// `config_json` is a JSON object. Its keys prefixed "schema.registry." are split off and,
/// without the prefix, configure the Schema Registry client: "schema.registry.url" (required;
/// mock:// works too), "schema.registry.basic.auth.user.info",
/// "schema.registry.basic.auth.credentials.source" (URL, USER_INFO, or SASL_INHERIT: the
/// registry credentials are then sasl.username / sasl.password),
/// "schema.registry.ssl.ca.location", "schema.registry.ssl.certificate.location",
/// "schema.registry.ssl.key.location", "schema.registry.timeout", ... every key of
/// kf_schema_registry_new(). "schema.registry.auto.register.schemas" (default true;
/// false: the schema must already be registered) is the legacy serializer's. Every other key is
/// a librdkafka property, applied on top of a copy of `base`, which carries callbacks and any
/// property set there. Records are JSON text in the mapping documented on
/// kf_avro_serializer_new(); subjects are "<topic>-key" and "<topic>-value" (TopicNameStrategy).
///
/// Returns: caller owns; free with kf_avro_producer_destroy(). NULL on failure with `*err_out`
/// set when not NULL: KF_ERR__INVALID_ARG (NULL or invalid config_json, no
/// schema.registry.url, an unknown librdkafka property or registry key, an invalid default
/// schema).
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `base`, `default_key_schema`, `default_value_schema`.
#[no_mangle]
pub extern "C" fn kf_avro_producer_new(
    base: *const kf_config_t,
    config_json: *const c_char,
    default_key_schema: *const c_char,
    default_value_schema: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_avro_producer_t {
    const F: &str = "kf_avro_producer_new";
    construct(F, err_out, || unsafe {
        let conf = arg_str(config_json, F, "config_json")?;
        Ok(Box::new(LegacyAvroProducer::new(
            conf,
            opt(base),
            opt_str(default_key_schema, F, "default_key_schema")?,
            opt_str(default_value_schema, F, "default_value_schema")?,
        )?))
    })
}

/// Python's AvroProducer.produce(topic, value, key, value_schema, key_schema, ...): serializes
/// `value`, then `key` (JSON text, NUL-terminated; NULL: null, which stays null) with
/// `value_schema` / `key_schema` (Avro schemas as JSON text; NULL: the default given to
/// kf_avro_producer_new()), registering each schema under "<topic>-value" / "<topic>-key"
/// (looked up only when schema.registry.auto.register.schemas is false; cached after the first
/// time), and enqueues the message as kf_producer_produce() does (same partition, headers,
/// timestamp and delivery arguments).
///
/// Errors: KF_ERR__VALUE_SERIALIZATION / KF_ERR__KEY_SERIALIZATION carrying the cause (a non-null
/// field without any schema: "Avro schema required for values" / "... for key"; an invalid
/// schema; a record that does not match; a registry error) with nothing enqueued;
/// KF_ERR__INVALID_ARG (NULL producer or topic, non-UTF-8 text); otherwise as
/// kf_producer_produce().
/// Blocks: on the registry the first time a (subject, schema) pair is seen.
/// Thread safety: any thread, concurrently with other produce and poll calls.
/// Nullable: `key`, `value`, `key_schema`, `value_schema`, `headers`, `on_delivery`.
#[no_mangle]
pub extern "C" fn kf_avro_producer_produce(
    producer: *mut kf_avro_producer_t,
    topic: *const c_char,
    partition: i32,
    key: *const c_char,
    value: *const c_char,
    key_schema: *const c_char,
    value_schema: *const c_char,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_avro_producer_produce";
    call(F, || unsafe {
        let p = handle(producer, F, "producer")?;
        p.inner.producer.usable(F)?;
        let m = LegacyOutMessage {
            topic: arg_cstr(topic, F, "topic")?,
            partition,
            key: opt_str(key, F, "key")?.map(str::as_bytes),
            value: opt_str(value, F, "value")?.map(str::as_bytes),
            key_schema: opt_str(key_schema, F, "key_schema")?,
            value_schema: opt_str(value_schema, F, "value_schema")?,
            headers: opt(headers),
            timestamp_ms,
            delivery: super::producer::delivery_slot(
                &p.inner.producer,
                F,
                on_delivery,
                opaque,
                None,
            )?,
        };
        p.produce(&m)
    })
}

/// The underlying producer, for kf_producer_poll(), kf_producer_flush(), kf_producer_len() and
/// every other producer call (Python's AvroProducer is a Producer; its produce calls do not
/// serialize).
///
/// Returns: borrowed, valid until kf_avro_producer_destroy(); never destroy it yourself. NULL
/// when `producer` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_avro_producer_producer(
    producer: *const kf_avro_producer_t,
) -> *mut kf_producer_t {
    value(std::ptr::null_mut(), || {
        opt(producer).map_or(std::ptr::null_mut(), |p| {
            &*p.inner.producer as *const _ as *mut kf_producer_t
        })
    })
}

/// Destroys the producer without waiting, as kf_producer_destroy() (flush first to deliver
/// what is queued), with its serializers and registry client. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this producer's callbacks (then nothing
/// is destroyed).
/// Thread safety: no other call on this producer may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_avro_producer_destroy(producer: *mut kf_avro_producer_t) -> *mut kf_error_t {
    call("kf_avro_producer_destroy", || {
        let Some(p) = opt(producer) else {
            return Ok(());
        };
        if p.inner.producer.client.in_callback() {
            return Err(KafkaError::state(
                "kf_avro_producer_destroy: called from inside one of this producer's callbacks",
            ));
        }
        unsafe { free_handle(producer) };
        Ok(())
    })
}

/// Python's AvroConsumer(config, reader_key_schema, reader_value_schema): a
/// kf_deserializing_consumer_t configured by `base` (may be NULL; copied) plus `config_json`
/// (librdkafka properties, group.id required, and "schema.registry." keys, as documented on
/// kf_avro_producer_new()) whose kf_deserializing_consumer_poll() decodes the value, then the key,
/// from the Confluent wire format to JSON text (kf_deserialized_message_value()/_key()), fetching
/// the writer's schema by id, read with `reader_value_schema` / `reader_key_schema` (Avro schemas
/// as JSON text; NULL: the writer's schema). A null field stays null. A message that fails to
/// decode comes back with KF_ERR__VALUE_DESERIALIZATION / KF_ERR__KEY_DESERIALIZATION and its raw
/// bytes, as for any kf_deserializing_consumer_t; the consumer goes on with the next ones.
///
/// Returns: caller owns; close with kf_consumer_close(kf_deserializing_consumer_consumer(c)),
/// free with kf_deserializing_consumer_destroy(). NULL on failure with `*err_out` set when not
/// NULL: KF_ERR__INVALID_ARG (NULL or invalid config_json, no schema.registry.url, no group.id,
/// an unknown property or registry key, an invalid reader schema).
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `base`, `reader_key_schema`, `reader_value_schema`.
#[no_mangle]
pub extern "C" fn kf_avro_consumer_new(
    base: *const kf_config_t,
    config_json: *const c_char,
    reader_key_schema: *const c_char,
    reader_value_schema: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializing_consumer_t {
    const F: &str = "kf_avro_consumer_new";
    construct(F, err_out, || unsafe {
        let conf = arg_str(config_json, F, "config_json")?;
        Ok(Box::new(legacy_avro_consumer(
            conf,
            opt(base),
            opt_str(reader_key_schema, F, "reader_key_schema")?,
            opt_str(reader_value_schema, F, "reader_value_schema")?,
        )?))
    })
}
