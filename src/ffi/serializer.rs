//! kf_serializer_t: Python's Serializer. The built-in String, Integer and Double serializers
//! take native C values (kf_serializer_serialize_string / _int32 / _double) or their text
//! through the generic bytes path (kf_serializer_serialize); the schema-based ones (Avro, JSON
//! Schema, Protobuf) take JSON text through the generic path; a custom one is a kf_serde_cb.
use std::os::raw::{c_char, c_void};

use super::callback::Opaque;
use super::serde_callback::serde_callback;
use super::serialization_context::context;
use super::types::{kf_error_t, kf_free_fn};
use super::{
    arg_bytes, arg_str, call, construct, free_handle, handle, handle_mut, new_handle, value, Handle,
};
use super::{kf_buffer_t, kf_serde_cb, kf_serialization_context_t};
use crate::error::{KResult, KafkaError};
use crate::serdes::codec::Codec;
use crate::serdes::{Input, SerdeKind, Serializer, Value};

/// A serializer (Python's Serializer: StringSerializer, IntegerSerializer, DoubleSerializer or
/// a custom one).
pub struct kf_serializer_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_serializer_t {
    type Target = Serializer;
}

/// The codec a string serde names (`name` NULL: UTF-8); the deserializer's too.
pub(super) unsafe fn codec(name: *const c_char, f: &str) -> KResult<Codec> {
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

/// Python's StringSerializer(codec): text to bytes in `codec` ("utf_8" when NULL; also "ascii",
/// "latin_1"/"iso_8859_1", "utf_16" (with a byte order mark, little-endian), "utf_16_le",
/// "utf_16_be"; names as Python spells them, case-insensitive, "-" or "_"). A character the
/// codec cannot encode is a serialization error. Null stays null.
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: unknown codec or non-UTF-8 name).
/// Thread safety: any thread; the serializer may be used from several threads at once.
/// Blocks: no.
/// Nullable: `codec`.
#[no_mangle]
pub extern "C" fn kf_string_serializer_new(
    codec: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_string_serializer_new";
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
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_integer_serializer_new() -> *mut kf_serializer_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_serializer_t>(Box::new(Serializer::new(SerdeKind::Integer)))
    })
}

/// Python's DoubleSerializer: a double to 8 bytes, IEEE 754 big-endian
/// (1.5 -> 3F F8 00 00 00 00 00 00). Given text (the generic path) it parses a number; an int32
/// widens. Null stays null.
///
/// Returns: caller owns; free with kf_serializer_destroy(). Never NULL.
/// Thread safety: any thread; the serializer may be used from several threads at once.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_double_serializer_new() -> *mut kf_serializer_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_serializer_t>(Box::new(Serializer::new(SerdeKind::Double)))
    })
}

/// A custom serializer: `serialize` (required) is called with `opaque` for every value, null
/// included (see kf_serde_cb). `free_opaque` (may be NULL) frees `opaque` when the serializer
/// and every producer holding it are destroyed (or at once when this call fails).
///
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL callback).
/// Thread safety: any thread. The callback runs on the threads that serialize.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_custom_serializer_new(
    serialize: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_custom_serializer_new";
    construct(F, err_out, || {
        let opaque = Opaque::new(opaque, free_opaque);
        let cb = serde_callback(serialize, opaque, F)?;
        Ok(Box::new(Serializer::new(SerdeKind::Custom(cb))))
    })
}

/// Frees a serializer. Producers made with it keep their own reference. NULL is a no-op.
/// Thread safety: once, with no other call on this handle running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_serializer_destroy(serializer: *mut kf_serializer_t) {
    value((), || unsafe { free_handle(serializer) })
}

fn serialize_into(
    f: &str,
    serializer: *mut kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    out: *mut kf_buffer_t,
    input: impl FnOnce() -> KResult<Input<'static>>,
) -> KResult<()> {
    let s = handle(serializer, f, "serializer")?;
    let c = unsafe { context(ctx, f)? };
    let o = handle_mut(out, f, "out")?;
    let r = s.serialize(&c, input()?)?;
    *o = Value::bytes(r);
    Ok(())
}

/// Serializes generic bytes (`data` NULL: null): for the built-ins, the value's text (the
/// string in UTF-8, a decimal integer, a decimal number); for a custom serializer, its input as
/// is (for the schema serdes, the record as JSON text). The result replaces the content of
/// `out` (null for a null result). The serializer is not const: a schema-based one may register
/// its schema in the registry (auto.register.schemas).
///
/// Errors: KF_ERR__KEY_SERIALIZATION or KF_ERR__VALUE_SERIALIZATION (by `ctx->field`) carrying the
/// cause; `out` is then unchanged. KF_ERR__INVALID_ARG for NULL serializer, ctx, ctx->topic or
/// out, a `ctx->size` below sizeof(kf_serialization_context_t) as first published, a non-UTF-8
/// topic, a bad field, or NULL data with a length.
/// Thread safety: any thread (the serializer is shared; `out` is the caller's).
/// Blocks: a schema serializer (Avro, JSON Schema, Protobuf) may wait on the registry the first
/// time a subject or schema is seen (the client's timeout per URL tried); the built-ins do not
/// block.
#[no_mangle]
pub extern "C" fn kf_serializer_serialize(
    serializer: *mut kf_serializer_t,
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
/// Blocks: as kf_serializer_serialize().
/// Nullable: `value`.
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_string(
    serializer: *mut kf_serializer_t,
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
/// Blocks: as kf_serializer_serialize().
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_int32(
    serializer: *mut kf_serializer_t,
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
/// Blocks: as kf_serializer_serialize().
#[no_mangle]
pub extern "C" fn kf_serializer_serialize_double(
    serializer: *mut kf_serializer_t,
    ctx: *const kf_serialization_context_t,
    value: f64,
    out: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_serializer_serialize_double";
    call(F, || {
        serialize_into(F, serializer, ctx, out, || Ok(Input::Double(value)))
    })
}
