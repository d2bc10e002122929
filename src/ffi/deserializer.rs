//! kf_deserializer_t: Python's Deserializer. Its result is a kf_buffer_t: for the built-in
//! String, Integer and Double deserializers the text form plus, for Integer and Double, the
//! native number; for the schema-based ones (Avro, JSON Schema, Protobuf) JSON text; for a
//! custom one (a kf_serde_cb) what the callback wrote.
use std::os::raw::{c_char, c_void};

use super::callback::Opaque;
use super::serde_callback::serde_callback;
use super::serialization_context::context;
use super::serializer::codec;
use super::types::{kf_error_t, kf_free_fn};
use super::{
    arg_bytes, call, construct, free_handle, handle, handle_mut, new_handle, value, Handle,
};
use super::{kf_buffer_t, kf_serde_cb, kf_serialization_context_t};
use crate::serdes::{Deserializer, SerdeKind};

/// A deserializer (Python's Deserializer: StringDeserializer, IntegerDeserializer,
/// DoubleDeserializer or a custom one).
pub struct kf_deserializer_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_deserializer_t {
    type Target = Deserializer;
}

/// Python's StringDeserializer(codec): bytes in `codec` (as kf_string_serializer_new(), "utf_8"
/// when NULL) to UTF-8 text; bytes the codec cannot decode are a deserialization error. Null
/// stays null.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: unknown codec or non-UTF-8 name).
/// Thread safety: any thread; the deserializer may be used from several threads at once.
/// Blocks: no.
/// Nullable: `codec`.
#[no_mangle]
pub extern "C" fn kf_string_deserializer_new(
    codec: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_string_deserializer_new";
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
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_integer_deserializer_new() -> *mut kf_deserializer_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_deserializer_t>(Box::new(Deserializer::new(SerdeKind::Integer)))
    })
}

/// Python's DoubleDeserializer: exactly 8 bytes, IEEE 754 big-endian, to a double
/// (kf_buffer_double; the buffer's bytes hold its text as Python's repr, "1.5"). Any other
/// length is a deserialization error. Null stays null.
///
/// Returns: caller owns; free with kf_deserializer_destroy(). Never NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_double_deserializer_new() -> *mut kf_deserializer_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_deserializer_t>(Box::new(Deserializer::new(SerdeKind::Double)))
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
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_custom_deserializer_new(
    deserialize: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_custom_deserializer_new";
    construct(F, err_out, || {
        let opaque = Opaque::new(opaque, free_opaque);
        let cb = serde_callback(deserialize, opaque, F)?;
        Ok(Box::new(Deserializer::new(SerdeKind::Custom(cb))))
    })
}

/// Frees a deserializer. Consumers made with it keep their own reference. NULL is a no-op.
/// Thread safety: once, with no other call on this handle running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_deserializer_destroy(deserializer: *mut kf_deserializer_t) {
    value((), || unsafe { free_handle(deserializer) })
}

/// Deserializes `data` (`len` bytes; NULL: null) into `out`: the bytes (for the built-ins, the
/// text form: the decoded string, or the number in decimal) and, for Integer and Double, the
/// native number (kf_buffer_int32, kf_buffer_double).
///
/// Errors: KF_ERR__KEY_DESERIALIZATION or KF_ERR__VALUE_DESERIALIZATION (by `ctx->field`) carrying
/// the cause; `out` is then unchanged. KF_ERR__INVALID_ARG as kf_serializer_serialize().
/// Thread safety: any thread (the deserializer is shared; `out` is the caller's).
/// Blocks: a schema deserializer (Avro, JSON Schema, Protobuf) may wait on the registry the first
/// time a schema id is seen (the client's timeout per URL tried); the built-ins do not block.
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
        let o = handle_mut(out, F, "out")?;
        let input = arg_bytes(data, len, F, "data")?;
        *o = d.deserialize(&c, input)?;
        Ok(())
    })
}
