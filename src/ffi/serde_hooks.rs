//! The to_dict / from_dict hooks (Python's `to_dict=` argument of AvroSerializer,
//! JSONSerializer, ProtobufSerializer and `from_dict=` of their deserializers), generic for every
//! serializer and deserializer: a C callback that converts between the application's own
//! representation of a record (for example a C struct, as bytes) and the JSON text the
//! schema-based serdes take and return.
//!
//! kf_to_dict_serializer_new() wraps a serializer: the hook turns the caller's bytes into
//! the inner serializer's input. kf_from_dict_deserializer_new() wraps a deserializer: the
//! hook turns the inner deserializer's output into the caller's representation. A null record
//! stays null without calling the hook, as in Python.
use std::os::raw::c_void;

use super::callback::Opaque;
use super::serde_callback::serde_callback;
use super::types::*;
use super::{construct, handle};
use super::{kf_deserializer_t, kf_serde_cb, kf_serializer_t};
use crate::serdes::{Deserializer, Input, SerdeKind, Serializer, Value};

/// Python's to_dict hook: a serializer that first converts the caller's record with `to_dict`,
/// then serializes the result with `inner` (typically kf_avro_serializer_new(), whose input is
/// JSON text). `to_dict` is a kf_serde_cb: it gets `opaque`, the serialization context, and the
/// bytes given to kf_serializer_serialize() or kf_serializing_producer_produce() (e.g. a C
/// struct), and writes the record's JSON text into `out` with kf_buffer_set() (returning 0), or
/// returns non-zero with the cause in `out`. A null input stays null: the hook is not called and
/// `inner` gets null. A hook failure, and any failure of `inner`, is
/// KF_ERR__KEY_SERIALIZATION / KF_ERR__VALUE_SERIALIZATION carrying the cause ("to_dict hook: ..."
/// for the hook).
///
/// The new serializer keeps its own reference to `inner` (the caller may destroy its handle at
/// once) and owns `opaque`: `free_opaque` (may be NULL) is called with it once the serializer
/// and every producer using it are destroyed, or at once when this call fails.
/// Runs `to_dict` on: the thread that serializes (several at once when a producer is shared).
/// Returns: caller owns; free with kf_serializer_destroy(). NULL on failure with `*err_out` set
/// when not NULL (KF_ERR__INVALID_ARG: NULL inner or to_dict).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_to_dict_serializer_new(
    inner: *const kf_serializer_t,
    to_dict: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_serializer_t {
    const F: &str = "kf_to_dict_serializer_new";
    construct(F, err_out, || {
        // Owned from here: freed on any failure below, as documented.
        let opaque = Opaque::new(opaque, free_opaque);
        let inner = handle(inner, F, "inner")?.clone();
        let cb = serde_callback(to_dict, opaque, F)?;
        Ok(Box::new(Serializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| {
                let input = match data {
                    None => Value::null(),
                    Some(d) => cb(ctx, Some(d)).map_err(|e| format!("to_dict hook: {e}"))?,
                };
                let out =
                    inner.serialize_inner(ctx, input.data().map_or(Input::Null, Input::Bytes))?;
                Ok(Value::bytes(out))
            },
        )))))
    })
}

/// Python's from_dict hook: a deserializer that deserializes with `inner` (typically
/// kf_avro_deserializer_new(), whose output is JSON text), then converts the result with
/// `from_dict` into the caller's representation. `from_dict` is a kf_serde_cb: it gets
/// `opaque`, the context and the inner deserializer's output (JSON text, NUL not counted), and
/// writes the caller's representation (e.g. a C struct) into `out` with kf_buffer_set()
/// (returning 0), or returns non-zero with the cause in `out`. A null result of `inner` (a null
/// message field) stays null: the hook is not called. A failure of `inner` or of the hook is
/// KF_ERR__KEY_DESERIALIZATION / KF_ERR__VALUE_DESERIALIZATION carrying the cause
/// ("from_dict hook: ..." for the hook); in kf_deserializing_consumer_poll() the message still
/// comes back with its raw bytes.
///
/// The new deserializer keeps its own reference to `inner` (the caller may destroy its handle
/// at once) and owns `opaque`: `free_opaque` (may be NULL) is called with it once the
/// deserializer and every consumer using it are destroyed, or at once when this call fails.
/// Runs `from_dict` on: the thread that deserializes (the consumer's poll thread).
/// Returns: caller owns; free with kf_deserializer_destroy(). NULL on failure with `*err_out`
/// set when not NULL (KF_ERR__INVALID_ARG: NULL inner or from_dict).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_from_dict_deserializer_new(
    inner: *const kf_deserializer_t,
    from_dict: kf_serde_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializer_t {
    const F: &str = "kf_from_dict_deserializer_new";
    construct(F, err_out, || {
        // Owned from here: freed on any failure below, as documented.
        let opaque = Opaque::new(opaque, free_opaque);
        let inner = handle(inner, F, "inner")?.clone();
        let cb = serde_callback(from_dict, opaque, F)?;
        Ok(Box::new(Deserializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| {
                let v = inner.deserialize_inner(ctx, data)?;
                match v.data() {
                    None => Ok(Value::null()),
                    Some(d) => cb(ctx, Some(d)).map_err(|e| format!("from_dict hook: {e}")),
                }
            },
        )))))
    })
}
