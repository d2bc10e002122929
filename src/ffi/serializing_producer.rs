//! kf_serializing_producer_t: Python's SerializingProducer. Python's key.serializer and
//! value.serializer configuration entries hold objects, which C cannot put in configuration
//! text: here they are the serializer arguments of kf_serializing_producer_new(); the rest of
//! the configuration is the usual kf_config_t.
use std::os::raw::{c_char, c_void};

use super::kf_serializer_t;
use super::types::*;
use super::{arg_bytes, arg_cstr, arg_sized, call, construct, free_handle, handle, opt, value};
use crate::error::{KResult, KafkaError};
use crate::serdes::{Input, SerdeOutMessage, SerializingProducer};

/// A producer that serializes keys and values (Python's SerializingProducer).
pub struct kf_serializing_producer_t {
    _opaque: [u8; 0],
}

super::types::client_handle!(
    kf_serializing_producer_t => SerializingProducer,
    crate::kafka::tag::Tag::SERIALIZING_PRODUCER
);

/// kf_serde_value_t.kind: null (the other fields are ignored).
pub const KF_SERDE_VALUE_NULL: i32 = 0;
/// kf_serde_value_t.kind: bytes in `data`/`len`, handed to the serializer as is (for the
/// built-ins: the value's text).
pub const KF_SERDE_VALUE_BYTES: i32 = 1;
/// kf_serde_value_t.kind: UTF-8 text in `data`/`len` (no NUL needed).
pub const KF_SERDE_VALUE_STRING: i32 = 2;
/// kf_serde_value_t.kind: the 32-bit integer in `int32`.
pub const KF_SERDE_VALUE_INT32: i32 = 3;
/// kf_serde_value_t.kind: the double in `dbl`.
pub const KF_SERDE_VALUE_DOUBLE: i32 = 4;

/// An unserialized key or value for kf_serializing_producer_produce_typed(): `kind` (one of the
/// KF_SERDE_VALUE_ constants) says which field holds it.
///
/// Starts with `size`: set it to `sizeof(kf_serde_value_t)`. The library refuses a size below
/// the first published one (KF_ERR__INVALID_ARG) and never reads past `size`, so fields can be
/// appended in later versions (a field past `size` reads as zero).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_serde_value_t {
    /// The struct's size in bytes (see above).
    pub size: usize,
    /// Which field holds the value: a KF_SERDE_VALUE_ constant.
    pub kind: i32,
    /// KF_SERDE_VALUE_BYTES, KF_SERDE_VALUE_STRING: the bytes (NULL with `len` 0: null bytes).
    pub data: *const u8,
    /// The length of `data` in bytes.
    pub len: usize,
    /// KF_SERDE_VALUE_INT32: the value.
    pub int32: i32,
    /// KF_SERDE_VALUE_DOUBLE: the value.
    pub dbl: f64,
}

/// The first published size of kf_serde_value_t.
const SERDE_VALUE_SIZE_V1: usize = std::mem::size_of::<kf_serde_value_t>();

unsafe fn serde_value<'a>(
    v: *const kf_serde_value_t,
    func: &str,
    what: &str,
) -> KResult<Input<'a>> {
    if v.is_null() {
        return Ok(Input::Null);
    }
    let v = arg_sized(v, SERDE_VALUE_SIZE_V1, func, what)?;
    Ok(match v.kind {
        KF_SERDE_VALUE_NULL => Input::Null,
        KF_SERDE_VALUE_BYTES => match arg_bytes(v.data, v.len, func, what)? {
            Some(b) => Input::Bytes(b),
            None => Input::Null,
        },
        KF_SERDE_VALUE_STRING => {
            let b = arg_bytes(v.data, v.len, func, what)?
                .ok_or_else(|| KafkaError::invalid_arg(format!("{func}: {what}->data is NULL")))?;
            Input::Str(std::str::from_utf8(b).map_err(|_| {
                KafkaError::invalid_arg(format!("{func}: {what} is not valid UTF-8"))
            })?)
        }
        KF_SERDE_VALUE_INT32 => Input::Int32(v.int32),
        KF_SERDE_VALUE_DOUBLE => Input::Double(v.dbl),
        t => {
            return Err(KafkaError::invalid_arg(format!(
                "{func}: {what}->kind {t} is not a KF_SERDE_VALUE_ constant"
            )))
        }
    })
}

/// Python's SerializingProducer: a producer (configured by `config`, which is copied) whose
/// produce calls serialize the key with `key_serializer`, then the value with
/// `value_serializer` (Python's key.serializer and value.serializer; either may be NULL: bytes
/// and text then pass through unchanged). The producer keeps its own reference to each
/// serializer: the caller may destroy its handles at once.
///
/// Everything else (poll, flush, transactions, ...) is done on the underlying producer, see
/// kf_serializing_producer_producer().
/// Returns: caller owns; free with kf_serializing_producer_destroy(). NULL on failure with
/// `*err_out` set when not NULL (KF_ERR__INVALID_ARG for a NULL or refused config).
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `key_serializer`, `value_serializer`.
#[no_mangle]
pub extern "C" fn kf_serializing_producer_new(
    config: *const kf_config_t,
    key_serializer: *const kf_serializer_t,
    value_serializer: *const kf_serializer_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializing_producer_t {
    const F: &str = "kf_serializing_producer_new";
    construct(F, err_out, || {
        let c = handle(config, F, "config")?;
        Ok(Box::new(SerializingProducer::new(
            c,
            opt(key_serializer).cloned(),
            opt(value_serializer).cloned(),
        )?))
    })
}

/// Destroys the producer without waiting, as kf_producer_destroy() (flush first to deliver what
/// is queued), and drops its serializer references. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this producer's callbacks (then nothing
/// is destroyed).
/// Thread safety: no other call on this producer may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_serializing_producer_destroy(
    producer: *mut kf_serializing_producer_t,
) -> *mut kf_error_t {
    call("kf_serializing_producer_destroy", || {
        let Some(p) = opt(producer) else {
            return Ok(());
        };
        if p.producer.client.in_callback() {
            return Err(KafkaError::state(
                "kf_serializing_producer_destroy: called from inside one of this producer's \
                 callbacks",
            ));
        }
        unsafe { free_handle(producer) };
        Ok(())
    })
}

/// The underlying producer, for kf_producer_poll(), kf_producer_flush(), kf_producer_len(),
/// transactions and every other producer call (its produce calls do not serialize).
///
/// Returns: borrowed, valid until kf_serializing_producer_destroy(); never destroy it yourself.
/// NULL when `producer` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_serializing_producer_producer(
    producer: *const kf_serializing_producer_t,
) -> *mut kf_producer_t {
    value(std::ptr::null_mut(), || {
        opt(producer).map_or(std::ptr::null_mut(), |p| {
            &*p.producer as *const _ as *mut kf_producer_t
        })
    })
}

unsafe fn serde_produce(
    f: &str,
    producer: *const kf_serializing_producer_t,
    topic: *const c_char,
    partition: i32,
    key: impl FnOnce() -> KResult<Input<'static>>,
    value: impl FnOnce() -> KResult<Input<'static>>,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> KResult<()> {
    let p = handle(producer, f, "producer")?;
    p.producer.usable(f)?;
    let m = SerdeOutMessage {
        topic: arg_cstr(topic, f, "topic")?,
        partition,
        key: key()?,
        value: value()?,
        headers: opt(headers),
        timestamp_ms,
        delivery: super::producer::delivery_slot(&p.producer, f, on_delivery, opaque, None)?,
    };
    p.produce(&m)
}

/// Python's SerializingProducer.produce: serializes the key (field KEY, with `topic` and
/// `headers` as the context), then the value, and enqueues the result as
/// kf_producer_produce() does (same partition, headers, timestamp and delivery arguments).
/// `key`/`value` are generic bytes (NULL: null, which stays null for the built-ins): for the
/// built-ins their text (string, decimal integer, decimal number), for a custom serializer
/// whatever it takes, for the schema serdes JSON text.
///
/// Errors: KF_ERR__KEY_SERIALIZATION or KF_ERR__VALUE_SERIALIZATION carrying the cause (nothing
/// was enqueued); otherwise as kf_producer_produce().
/// Thread safety: any thread, concurrently with other produce and poll calls.
/// Blocks: while a schema serializer waits on the registry (as kf_serializer_serialize());
/// enqueuing itself does not block.
/// Nullable: `headers`, `on_delivery`.
#[no_mangle]
pub extern "C" fn kf_serializing_producer_produce(
    producer: *mut kf_serializing_producer_t,
    topic: *const c_char,
    partition: i32,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_serializing_producer_produce";
    let bytes = |p: *const u8, n: usize, what: &'static str| {
        move || -> KResult<Input<'static>> {
            Ok(match unsafe { arg_bytes(p, n, F, what)? } {
                Some(b) => Input::Bytes(b),
                None => Input::Null,
            })
        }
    };
    call(F, || unsafe {
        serde_produce(
            F,
            producer,
            topic,
            partition,
            bytes(key, key_len, "key"),
            bytes(value, value_len, "value"),
            headers,
            timestamp_ms,
            on_delivery,
            opaque,
        )
    })
}

/// As kf_serializing_producer_produce(), with typed key and value (NULL: null): a string, an
/// int32, a double or bytes, see kf_serde_value_t. Without a serializer for the field, only
/// null, bytes and strings (as UTF-8) can be produced; a number is a serialization error.
///
/// Errors: as kf_serializing_producer_produce(); KF_ERR__INVALID_ARG for a `size` below
/// sizeof(kf_serde_value_t) as first published, an unknown `kind`, non-UTF-8 string data, or
/// NULL data with a length.
/// Thread safety: any thread.
/// Blocks: as kf_serializing_producer_produce().
/// Nullable: `key`, `value`, `headers`, `on_delivery`.
#[no_mangle]
pub extern "C" fn kf_serializing_producer_produce_typed(
    producer: *mut kf_serializing_producer_t,
    topic: *const c_char,
    partition: i32,
    key: *const kf_serde_value_t,
    value: *const kf_serde_value_t,
    headers: *const kf_headers_t,
    timestamp_ms: i64,
    on_delivery: kf_delivery_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_serializing_producer_produce_typed";
    call(F, || unsafe {
        serde_produce(
            F,
            producer,
            topic,
            partition,
            || serde_value(key, F, "key"),
            || serde_value(value, F, "value"),
            headers,
            timestamp_ms,
            on_delivery,
            opaque,
        )
    })
}
