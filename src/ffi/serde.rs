//! The serialization framework: kf_serializer_t, kf_deserializer_t, kf_buffer_t, the
//! SerializationContext (kf_serialization_context_t), kf_serializing_producer_t and
//! kf_deserializing_consumer_t (Python's confluent_kafka.serialization, SerializingProducer and
//! DeserializingConsumer).
//!
//! Python's key.serializer / value.serializer / key.deserializer / value.deserializer
//! configuration entries hold objects, which C cannot put in configuration text: here they are
//! the serializer and deserializer arguments of kf_serializing_producer_new() and
//! kf_deserializing_consumer_new(); the rest of the configuration is the usual kf_config_t.
//!
//! Data: the built-in String, Integer and Double serdes take native C values (the
//! kf_serializer_serialize_string / _int32 / _double calls, or kf_serde_value_t) or their text
//! through the generic bytes path; a deserializer's result (kf_buffer_t) holds the text form
//! plus, for Integer and Double, the native number (kf_buffer_int32, kf_buffer_double). The
//! schema-based serdes (Avro, JSON Schema, Protobuf) take and return JSON text through the same
//! generic path. A custom serde is a C callback (kf_serde_cb).
use std::os::raw::{c_char, c_int, c_void};

use rdkafka_sys as rd;

use super::types::*;
use super::{
    arg, arg_bytes, arg_cstr, arg_str, call, construct, free_handle, handle, opt, out_arg, value,
    Handle,
};
use crate::error::{KResult, KafkaError};
use crate::serdes::codec::Codec;
use crate::serdes::{
    Context, DeserializedMessage, Deserializer, DeserializingConsumer, Field, Input, SerdeKind,
    SerdeOutMessage, Serializer, SerializingProducer, Value,
};

/// A serializer (Python's Serializer: StringSerializer, IntegerSerializer, DoubleSerializer or
/// a custom one).
pub struct kf_serializer_t {
    _opaque: [u8; 0],
}

/// A deserializer (Python's Deserializer: StringDeserializer, IntegerDeserializer,
/// DoubleDeserializer or a custom one).
pub struct kf_deserializer_t {
    _opaque: [u8; 0],
}

/// A byte buffer that may be null, plus an optional native number: a serializer's output, a
/// deserializer's result, or the output slot of a custom serde callback. Its bytes are always
/// followed by a NUL byte (not counted in the length), so text can be read as a C string.
pub struct kf_buffer_t {
    _opaque: [u8; 0],
}

/// A producer that serializes keys and values (Python's SerializingProducer).
pub struct kf_serializing_producer_t {
    _opaque: [u8; 0],
}

/// A consumer that deserializes keys and values (Python's DeserializingConsumer).
pub struct kf_deserializing_consumer_t {
    _opaque: [u8; 0],
}

/// A message polled by kf_deserializing_consumer_poll(): the message plus its deserialized key
/// and value.
pub struct kf_deserialized_message_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_serializer_t {
    type Target = Serializer;
}
unsafe impl Handle for kf_deserializer_t {
    type Target = Deserializer;
}
unsafe impl Handle for kf_buffer_t {
    type Target = Value;
}
unsafe impl Handle for kf_serializing_producer_t {
    type Target = SerializingProducer;
}
unsafe impl Handle for kf_deserializing_consumer_t {
    type Target = DeserializingConsumer;
}
unsafe impl Handle for kf_deserialized_message_t {
    type Target = DeserializedMessage;
}

/// kf_serialization_context_t.field: the message key.
pub const KF_MESSAGE_FIELD_KEY: i32 = 0;
/// kf_serialization_context_t.field: the message value.
pub const KF_MESSAGE_FIELD_VALUE: i32 = 1;

/// Python's SerializationContext: the topic, the field (KF_MESSAGE_FIELD_KEY or
/// KF_MESSAGE_FIELD_VALUE) and the message's headers (borrowed; may be NULL). Filled by the
/// caller for kf_serializer_serialize*() and kf_deserializer_deserialize(); handed (borrowed,
/// for the call) to custom serde callbacks.
#[repr(C)]
pub struct kf_serialization_context_t {
    pub topic: *const c_char,
    pub field: i32,
    pub headers: *const kf_headers_t,
}

impl kf_serialization_context_t {
    fn from_domain(c: &Context) -> Self {
        kf_serialization_context_t {
            topic: c.topic.as_ptr(),
            field: match c.field {
                Field::Key => KF_MESSAGE_FIELD_KEY,
                Field::Value => KF_MESSAGE_FIELD_VALUE,
            },
            headers: c.headers as *const kf_headers_t,
        }
    }
}

unsafe fn context<'a>(ctx: *const kf_serialization_context_t, func: &str) -> KResult<Context<'a>> {
    let c = arg(ctx, func, "ctx")?;
    let field = match c.field {
        KF_MESSAGE_FIELD_KEY => Field::Key,
        KF_MESSAGE_FIELD_VALUE => Field::Value,
        f => {
            return Err(KafkaError::invalid_arg(format!(
                "{func}: ctx->field {f} is neither KF_MESSAGE_FIELD_KEY nor KF_MESSAGE_FIELD_VALUE"
            )))
        }
    };
    Ok(Context {
        topic: arg_cstr(c.topic, func, "ctx->topic")?,
        field,
        headers: c.headers as *const rd::rd_kafka_headers_t,
    })
}

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
#[repr(C)]
pub struct kf_serde_value_t {
    pub kind: i32,
    pub data: *const u8,
    pub len: usize,
    pub int32: i32,
    pub dbl: f64,
}

unsafe fn serde_value<'a>(
    v: *const kf_serde_value_t,
    func: &str,
    what: &str,
) -> KResult<Input<'a>> {
    let Some(v) = v.as_ref() else {
        return Ok(Input::Null);
    };
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

/// A custom serializer or deserializer: called with the registration's `opaque`, the context
/// (borrowed for the call), the input bytes (`data` NULL: null, with `len` 0) and an output
/// buffer. Write the result with kf_buffer_set(out, ...) (left untouched, the result is null)
/// and return 0; return any other value to fail, after putting the cause as text into `out`
/// with kf_buffer_set(). The failure becomes KF_ERR_KEY_SERIALIZATION /
/// KF_ERR_VALUE_SERIALIZATION (or the deserialization codes) carrying that cause.
///
/// A serializer's input is the bytes given to the generic calls, the UTF-8 of a string, or the
/// decimal text of an int32 or double. A deserializer's input is the message field's bytes.
/// Runs on: the thread calling kf_serializer_serialize*(), kf_deserializer_deserialize(),
/// kf_serializing_producer_produce*() or kf_deserializing_consumer_poll() (a producer may be
/// used from several threads at once: the callback must then be thread-safe).
pub type kf_serde_cb = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        ctx: *const kf_serialization_context_t,
        data: *const u8,
        len: usize,
        out: *mut kf_buffer_t,
    ) -> c_int,
>;

/// The C callback of a custom serde; frees its opaque when the last holder drops it.
struct CCallback {
    func: unsafe extern "C" fn(
        *mut c_void,
        *const kf_serialization_context_t,
        *const u8,
        usize,
        *mut kf_buffer_t,
    ) -> c_int,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
}

// The application promises (documented on the constructors) that the callback and its opaque
// may be used from the threads that call it.
unsafe impl Send for CCallback {}
unsafe impl Sync for CCallback {}

impl Drop for CCallback {
    fn drop(&mut self) {
        if let Some(f) = self.free_opaque {
            unsafe { f(self.opaque) }
        }
    }
}

impl CCallback {
    fn run(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let cctx = kf_serialization_context_t::from_domain(ctx);
        let mut out = Value::null();
        let (p, n) = data.map_or((std::ptr::null(), 0), |d| (d.as_ptr(), d.len()));
        let rc = unsafe {
            (self.func)(
                self.opaque,
                &cctx,
                p,
                n,
                &mut out as *mut Value as *mut kf_buffer_t,
            )
        };
        if rc == 0 {
            return Ok(out);
        }
        let cause = out
            .data()
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "no cause given".to_string());
        Err(format!("the custom callback failed ({rc}): {cause}"))
    }
}

pub(crate) fn custom(
    func: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    f: &str,
) -> KResult<SerdeKind> {
    let Some(func) = func else {
        // Nothing will ever hold the opaque: release it now, as the constructors document.
        if let Some(free) = free_opaque {
            unsafe { free(opaque) };
        }
        return Err(KafkaError::invalid_arg(format!("{f}: callback is NULL")));
    };
    let cb = CCallback {
        func,
        opaque,
        free_opaque,
    };
    Ok(SerdeKind::Custom(Box::new(move |ctx, data| {
        cb.run(ctx, data)
    })))
}

unsafe fn codec(name: *const c_char, f: &str) -> KResult<Codec> {
    if name.is_null() {
        return Ok(Codec::Utf8);
    }
    let n = arg_str(name, f, "codec")?;
    Codec::from_name(n).ok_or_else(|| {
        KafkaError::invalid_arg(format!(
            "{f}: unknown codec \"{n}\" (supported: utf_8, ascii, latin_1 / iso_8859_1, utf_16, \
             utf_16_le, utf_16_be)"
        ))
    })
}

// ---- buffers ----

/// A new, null buffer, e.g. for the output of kf_serializer_serialize().
///
/// Returns: caller owns; free with kf_buffer_destroy(). Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_buffer_new() -> *mut kf_buffer_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_buffer_t>(Box::new(Value::null()))
    })
}

/// Frees a buffer made by kf_buffer_new(). NULL is a no-op. Never pass a buffer handed to a
/// callback or returned by kf_deserialized_message_key()/_value() (those are borrowed).
/// Thread safety: once, with no other call on the buffer running.
#[no_mangle]
pub extern "C" fn kf_buffer_destroy(buffer: *mut kf_buffer_t) {
    value((), || unsafe { free_handle(buffer) })
}

/// Replaces the buffer's content with a copy of `data` (`len` bytes); `data` NULL (with `len`
/// 0) makes it null, distinct from empty. Any native number is cleared. Used by custom serde
/// callbacks to write their result (or the cause of their failure) into `out`.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL buffer, or NULL data with a non-zero length.
/// Thread safety: one thread at a time per buffer.
#[no_mangle]
pub extern "C" fn kf_buffer_set(
    buffer: *mut kf_buffer_t,
    data: *const u8,
    len: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_buffer_set";
    call(F, || unsafe {
        let b = super::handle_mut(buffer, F, "buffer")?;
        let d = arg_bytes(data, len, F, "data")?;
        *b = Value::bytes(d.map(<[u8]>::to_vec));
        Ok(())
    })
}

/// The buffer's bytes and their length in `*len_out` (may be NULL). Returns NULL for a null
/// buffer (then `*len_out` is 0); otherwise the bytes are followed by a NUL byte not counted in
/// the length, so a deserialized string can be used as a C string.
///
/// Returns: borrowed, valid until the buffer is changed or destroyed. `buffer` NULL: NULL.
/// Thread safety: any thread, while nobody changes the buffer.
#[no_mangle]
pub extern "C" fn kf_buffer_data(buffer: *const kf_buffer_t, len_out: *mut usize) -> *const u8 {
    value(std::ptr::null(), || {
        let d = opt(buffer).and_then(|b| b.data_with_nul());
        let (p, n) = d.map_or((std::ptr::null(), 0), |d| (d.as_ptr(), d.len() - 1));
        if !len_out.is_null() {
            unsafe { *len_out = n };
        }
        p
    })
}

/// The buffer as a 32-bit integer: the number an Integer deserializer decoded, or the
/// buffer's text parsed as a decimal integer.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments, a null buffer, a double, or text that is not
/// an int32. `*value_out` is written only on success.
/// Thread safety: any thread, while nobody changes the buffer.
#[no_mangle]
pub extern "C" fn kf_buffer_int32(
    buffer: *const kf_buffer_t,
    value_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_buffer_int32";
    call(F, || unsafe {
        let b = handle(buffer, F, "buffer")?;
        let out = out_arg(value_out, F, "value_out")?;
        *out = b.int32().map_err(|e| {
            KafkaError::invalid_arg(format!("{F}: {}", e.message.to_string_lossy()))
        })?;
        Ok(())
    })
}

/// The buffer as a double: the number a Double (or Integer) deserializer decoded, or the
/// buffer's text parsed as a number.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments, a null buffer, or text that is not a number.
/// `*value_out` is written only on success.
/// Thread safety: any thread, while nobody changes the buffer.
#[no_mangle]
pub extern "C" fn kf_buffer_double(
    buffer: *const kf_buffer_t,
    value_out: *mut f64,
) -> *mut kf_error_t {
    const F: &str = "kf_buffer_double";
    call(F, || unsafe {
        let b = handle(buffer, F, "buffer")?;
        let out = out_arg(value_out, F, "value_out")?;
        *out = b.double().map_err(|e| {
            KafkaError::invalid_arg(format!("{F}: {}", e.message.to_string_lossy()))
        })?;
        Ok(())
    })
}

// ---- serializers ----

/// Python's StringSerializer(codec): text to bytes in `codec` ("utf_8" when NULL; also "ascii",
/// "latin_1"/"iso_8859_1", "utf_16" (with a byte order mark, little-endian), "utf_16_le",
/// "utf_16_be"; names as Python spells them, case-insensitive, "-" or "_"). A character the
/// codec cannot encode is a serialization error. Null stays null.
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: unknown codec or non-UTF-8 name).
/// Thread safety: any thread; the serializer may be used from several threads at once.
#[no_mangle]
pub extern "C" fn kf_serializer_new_string(
    codec: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_serializer_new_string";
    construct(F, err_out, || unsafe {
        Ok(Box::new(Serializer::new(SerdeKind::String(self::codec(
            codec, F,
        )?))))
    })
}

/// Python's IntegerSerializer: an int32 to 4 bytes, big-endian (1 -> 00 00 00 01). Given text
/// (the generic path) it parses a decimal integer. Null stays null.
///
/// Returns: caller owns; free with kf_serializer_destroy(). Never NULL.
/// Thread safety: any thread; the serializer may be used from several threads at once.
#[no_mangle]
pub extern "C" fn kf_serializer_new_integer() -> *mut kf_serializer_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_serializer_t>(Box::new(Serializer::new(SerdeKind::Integer)))
    })
}

/// Python's DoubleSerializer: a double to 8 bytes, IEEE 754 big-endian
/// (1.5 -> 3F F8 00 00 00 00 00 00). Given text (the generic path) it parses a number; an int32
/// widens. Null stays null.
///
/// Returns: caller owns; free with kf_serializer_destroy(). Never NULL.
/// Thread safety: any thread; the serializer may be used from several threads at once.
#[no_mangle]
pub extern "C" fn kf_serializer_new_double() -> *mut kf_serializer_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_serializer_t>(Box::new(Serializer::new(SerdeKind::Double)))
    })
}

/// A custom serializer: `serialize` (required) is called with `opaque` for every value, null
/// included (see kf_serde_cb). `free_opaque` (may be NULL) frees `opaque` when the serializer
/// and every producer holding it are destroyed (or at once when this call fails).
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL callback).
/// Thread safety: any thread. The callback runs on the threads that serialize.
#[no_mangle]
pub extern "C" fn kf_serializer_new_custom(
    serialize: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_serializer_new_custom";
    construct(F, err_out, || {
        Ok(Box::new(Serializer::new(custom(
            serialize,
            opaque,
            free_opaque,
            F,
        )?)))
    })
}

/// Frees a serializer. Producers made with it keep their own reference. NULL is a no-op.
/// Thread safety: once, with no other call on this handle running.
#[no_mangle]
pub extern "C" fn kf_serializer_destroy(serializer: *mut kf_serializer_t) {
    value((), || unsafe { free_handle(serializer) })
}

fn serialize_into(
    f: &str,
    serializer: *const kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    out: *mut kf_buffer_t,
    input: impl FnOnce() -> KResult<Input<'static>>,
) -> KResult<()> {
    let s = handle(serializer, f, "serializer")?;
    let c = unsafe { context(ctx, f)? };
    let o = super::handle_mut(out, f, "out")?;
    let r = s.serialize(&c, input()?)?;
    *o = Value::bytes(r);
    Ok(())
}

/// Serializes generic bytes (`data` NULL: null): for the built-ins, the value's text (the
/// string in UTF-8, a decimal integer, a decimal number); for a custom serializer, its input as
/// is (for the schema serdes, the record as JSON text). The result replaces the content of
/// `out` (null for a null result).
///
/// Errors: KF_ERR_KEY_SERIALIZATION or KF_ERR_VALUE_SERIALIZATION (by `ctx->field`) carrying the
/// cause; `out` is then unchanged. KF_ERR__INVALID_ARG for NULL serializer, ctx, ctx->topic or
/// out, a non-UTF-8 topic, a bad field, or NULL data with a length.
/// Thread safety: any thread (the serializer is shared; `out` is the caller's).
#[no_mangle]
pub extern "C" fn kf_serializer_serialize(
    serializer: *const kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    data: *const u8,
    len: usize,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_serializer_serialize";
    call(F, || {
        serialize_into(F, serializer, ctx, out, || unsafe {
            Ok(match arg_bytes(data, len, F, "data")? {
                Some(b) => Input::Bytes(b),
                None => Input::Null,
            })
        })
    })
}

/// Serializes a NUL-terminated UTF-8 string (`value` NULL: null) into `out`.
///
/// Errors: as kf_serializer_serialize(); KF_ERR__INVALID_ARG for a non-UTF-8 `value`.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_string(
    serializer: *const kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    value: *const c_char,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_serializer_serialize_string";
    call(F, || {
        serialize_into(F, serializer, ctx, out, || unsafe {
            if value.is_null() {
                Ok(Input::Null)
            } else {
                Ok(Input::Str(arg_str(value, F, "value")?))
            }
        })
    })
}

/// Serializes a 32-bit integer into `out` (Integer: 4 bytes big-endian; String: its decimal
/// text; Double: widened).
///
/// Errors: as kf_serializer_serialize(). Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_int32(
    serializer: *const kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    value: i32,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_serializer_serialize_int32";
    call(F, || {
        serialize_into(F, serializer, ctx, out, || Ok(Input::Int32(value)))
    })
}

/// Serializes a double into `out` (Double: 8 bytes IEEE 754 big-endian; String: its text as
/// Python's repr, "1.5"; Integer refuses it with a serialization error).
///
/// Errors: as kf_serializer_serialize(). Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_double(
    serializer: *const kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    value: f64,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_serializer_serialize_double";
    call(F, || {
        serialize_into(F, serializer, ctx, out, || Ok(Input::Double(value)))
    })
}

// ---- deserializers ----

/// Python's StringDeserializer(codec): bytes in `codec` (as kf_serializer_new_string(), "utf_8"
/// when NULL) to UTF-8 text; bytes the codec cannot decode are a deserialization error. Null
/// stays null.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: unknown codec or non-UTF-8 name).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
#[no_mangle]
pub extern "C" fn kf_deserializer_new_string(
    codec: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_deserializer_new_string";
    construct(F, err_out, || unsafe {
        Ok(Box::new(Deserializer::new(SerdeKind::String(self::codec(
            codec, F,
        )?))))
    })
}

/// Python's IntegerDeserializer: exactly 4 bytes, big-endian, to an int32 (kf_buffer_int32; the
/// buffer's bytes hold its decimal text). Any other length is a deserialization error. Null
/// stays null.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). Never NULL.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_deserializer_new_integer() -> *mut kf_deserializer_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_deserializer_t>(Box::new(Deserializer::new(SerdeKind::Integer)))
    })
}

/// Python's DoubleDeserializer: exactly 8 bytes, IEEE 754 big-endian, to a double
/// (kf_buffer_double; the buffer's bytes hold its text as Python's repr, "1.5"). Any other
/// length is a deserialization error. Null stays null.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). Never NULL.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_deserializer_new_double() -> *mut kf_deserializer_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_deserializer_t>(Box::new(Deserializer::new(SerdeKind::Double)))
    })
}

/// A custom deserializer: `deserialize` (required) is called with `opaque` for every field, null
/// included (see kf_serde_cb); what it writes into `out` becomes the result. `free_opaque` (may
/// be NULL) frees `opaque` when the deserializer and every consumer holding it are destroyed
/// (or at once when this call fails).
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL callback).
/// Thread safety: any thread. The callback runs on the threads that deserialize.
#[no_mangle]
pub extern "C" fn kf_deserializer_new_custom(
    deserialize: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_deserializer_new_custom";
    construct(F, err_out, || {
        Ok(Box::new(Deserializer::new(custom(
            deserialize,
            opaque,
            free_opaque,
            F,
        )?)))
    })
}

/// Frees a deserializer. Consumers made with it keep their own reference. NULL is a no-op.
/// Thread safety: once, with no other call on this handle running.
#[no_mangle]
pub extern "C" fn kf_deserializer_destroy(deserializer: *mut kf_deserializer_t) {
    value((), || unsafe { free_handle(deserializer) })
}

/// Deserializes `data` (`len` bytes; NULL: null) into `out`: the bytes (for the built-ins, the
/// text form: the decoded string, or the number in decimal) and, for Integer and Double, the
/// native number (kf_buffer_int32, kf_buffer_double).
///
/// Errors: KF_ERR_KEY_DESERIALIZATION or KF_ERR_VALUE_DESERIALIZATION (by `ctx->field`) carrying
/// the cause; `out` is then unchanged. KF_ERR__INVALID_ARG as kf_serializer_serialize().
/// Thread safety: any thread (the deserializer is shared; `out` is the caller's).
#[no_mangle]
pub extern "C" fn kf_deserializer_deserialize(
    deserializer: *const kf_deserializer_t,
    ctx: *const kf_serialization_context_t,
    data: *const u8,
    len: usize,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_deserializer_deserialize";
    call(F, || unsafe {
        let d = handle(deserializer, F, "deserializer")?;
        let c = context(ctx, F)?;
        let o = super::handle_mut(out, F, "out")?;
        let input = arg_bytes(data, len, F, "data")?;
        *o = d.deserialize(&c, input)?;
        Ok(())
    })
}

// ---- SerializingProducer ----

fn serdes<T: Clone, H: Handle<Target = T>>(p: *const H) -> Option<T> {
    opt(p).cloned()
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
            serdes(key_serializer),
            serdes(value_serializer),
        )?))
    })
}

/// Destroys the producer without waiting, as kf_producer_destroy() (flush first to deliver what
/// is queued), and drops its serializer references. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this producer's callbacks (then nothing
/// is destroyed).
/// Thread safety: no other call on this producer may run concurrently or follow.
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
        headers: headers as *const rd::rd_kafka_headers_t,
        timestamp_ms,
        delivery: super::producer::delivery_slot(on_delivery, opaque, None),
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
/// Errors: KF_ERR_KEY_SERIALIZATION or KF_ERR_VALUE_SERIALIZATION carrying the cause (nothing
/// was enqueued); otherwise as kf_producer_produce().
/// Thread safety: any thread, concurrently with other produce and poll calls.
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
/// Errors: as kf_serializing_producer_produce(); KF_ERR__INVALID_ARG for an unknown
/// `kind`, non-UTF-8 string data, or NULL data with a length.
/// Thread safety: any thread.
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

// ---- DeserializingConsumer ----

/// Python's DeserializingConsumer: a consumer (configured by `config`, copied; group.id is
/// required) whose kf_deserializing_consumer_poll() deserializes the value with
/// `value_deserializer`, then the key with `key_deserializer` (Python's value.deserializer and
/// key.deserializer; either may be NULL: the raw bytes are kept). The consumer keeps its own
/// reference to each deserializer: the caller may destroy its handles at once.
///
/// Subscribe, assign, commit, close and every other consumer call go to the underlying
/// consumer, see kf_deserializing_consumer_consumer().
/// Returns: caller owns; kf_consumer_close(kf_deserializing_consumer_consumer(c)) then
/// kf_deserializing_consumer_destroy(). NULL on failure with `*err_out` set when not NULL
/// (KF_ERR__INVALID_ARG for a NULL or refused config, or one without group.id).
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_new(
    config: *const kf_config_t,
    key_deserializer: *const kf_deserializer_t,
    value_deserializer: *const kf_deserializer_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializing_consumer_t {
    const F: &str = "kf_deserializing_consumer_new";
    construct(F, err_out, || {
        let c = handle(config, F, "config")?;
        Ok(Box::new(DeserializingConsumer::new(
            c,
            serdes(key_deserializer),
            serdes(value_deserializer),
        )?))
    })
}

/// Destroys the consumer as kf_consumer_destroy() does (close it first to leave the group
/// cleanly), and drops its deserializer references. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this consumer's callbacks (nothing is
/// destroyed then).
/// Thread safety: no other call on this consumer may run concurrently or follow.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_destroy(
    consumer: *mut kf_deserializing_consumer_t,
) -> *mut kf_error_t {
    call("kf_deserializing_consumer_destroy", || {
        let Some(c) = opt(consumer) else {
            return Ok(());
        };
        if c.consumer.client.in_callback() {
            return Err(KafkaError::state(
                "kf_deserializing_consumer_destroy: called from inside one of this consumer's \
                 callbacks",
            ));
        }
        unsafe { free_handle(consumer) };
        Ok(())
    })
}

/// The underlying consumer, for kf_consumer_subscribe(), kf_consumer_assign(),
/// kf_consumer_commit(), kf_consumer_close() and every other consumer call (its own poll and
/// consume do not deserialize).
///
/// Returns: borrowed, valid until kf_deserializing_consumer_destroy(); never destroy it
/// yourself. NULL when `consumer` is NULL.
/// Thread safety: as the consumer's.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_consumer(
    consumer: *const kf_deserializing_consumer_t,
) -> *mut kf_consumer_t {
    value(std::ptr::null_mut(), || {
        opt(consumer).map_or(std::ptr::null_mut(), |c| {
            &*c.consumer as *const _ as *mut kf_consumer_t
        })
    })
}

/// Python's DeserializingConsumer.poll: the next message, waiting up to `timeout_ms` (-1: no
/// limit), with its value, then its key, deserialized. `*message_out` gets the message (caller
/// owns; kf_deserialized_message_destroy()), or NULL when the wait ended without one. An error
/// event (KF_ERR__PARTITION_EOF, ...) comes back as a message whose kf_message_error_code() is
/// set, not deserialized (key and value null), as kf_consumer_poll() hands it over.
///
/// A record that fails to deserialize never stops the consumer: the call returns
/// KF_ERR_VALUE_DESERIALIZATION or KF_ERR_KEY_DESERIALIZATION carrying the cause AND, unlike
/// other calls, still writes `*message_out`: the message with its raw, undeserialized key and
/// value in kf_deserialized_message_key()/_value() (topic, partition and offset through
/// kf_deserialized_message_message()), so the caller can log or dead-letter it. The message
/// counts as consumed (its offset is stored as for any polled message): the next poll returns
/// the next record.
///
/// Blocks: up to `timeout_ms`; kf_consumer_wake() on the underlying consumer ends it with
/// KF_ERR__INTR. Rebalance and other callbacks are served on this thread.
/// Errors: the deserialization errors above; KF_ERR__INVALID_ARG (NULL arguments);
/// KF_ERR__STATE (closed, or inside a callback); KF_ERR__INTR.
/// Thread safety: as kf_consumer_poll().
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_poll(
    consumer: *mut kf_deserializing_consumer_t,
    timeout_ms: c_int,
    message_out: *mut *mut kf_deserialized_message_t,
) -> *mut kf_error_t {
    const F: &str = "kf_deserializing_consumer_poll";
    call(F, || {
        let c = handle(consumer, F, "consumer")?;
        c.consumer.usable(F)?;
        let out = out_arg(message_out, F, "message_out")?;
        match c.poll(timeout_ms)? {
            None => {
                unsafe { *out = std::ptr::null_mut() };
                Ok(())
            }
            Some((m, e)) => {
                unsafe { *out = super::new_handle::<kf_deserialized_message_t>(Box::new(m)) };
                e.map_or(Ok(()), Err)
            }
        }
    })
}

/// The message itself, for kf_message_topic(), kf_message_partition(), kf_message_offset(),
/// kf_message_headers(), kf_message_timestamp(), kf_message_error_code() and the raw
/// kf_message_key()/kf_message_value().
///
/// Returns: borrowed, valid until kf_deserialized_message_destroy(); never destroy it yourself.
/// NULL when `message` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
#[no_mangle]
pub extern "C" fn kf_deserialized_message_message(
    message: *const kf_deserialized_message_t,
) -> *const kf_message_t {
    value(std::ptr::null(), || {
        opt(message).map_or(std::ptr::null(), |m| m.msg as *const kf_message_t)
    })
}

/// The deserialized key (kf_buffer_data, kf_buffer_int32, kf_buffer_double); its raw bytes when
/// there is no key deserializer or when deserialization failed. A null key is a null buffer.
///
/// Returns: borrowed, valid until kf_deserialized_message_destroy(); never destroy it yourself.
/// NULL when `message` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
#[no_mangle]
pub extern "C" fn kf_deserialized_message_key(
    message: *const kf_deserialized_message_t,
) -> *const kf_buffer_t {
    value(std::ptr::null(), || {
        opt(message).map_or(std::ptr::null(), |m| {
            &m.key as *const Value as *const kf_buffer_t
        })
    })
}

/// The deserialized value, as kf_deserialized_message_key() for the key.
///
/// Returns: borrowed, valid until kf_deserialized_message_destroy(); never destroy it yourself.
/// NULL when `message` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
#[no_mangle]
pub extern "C" fn kf_deserialized_message_value(
    message: *const kf_deserialized_message_t,
) -> *const kf_buffer_t {
    value(std::ptr::null(), || {
        opt(message).map_or(std::ptr::null(), |m| {
            &m.value as *const Value as *const kf_buffer_t
        })
    })
}

/// Frees a message from kf_deserializing_consumer_poll() with its key and value. NULL is a
/// no-op.
/// Thread safety: once, with no other call on the message running.
#[no_mangle]
pub extern "C" fn kf_deserialized_message_destroy(message: *mut kf_deserialized_message_t) {
    value((), || unsafe { free_handle(message) })
}
