//! kf_serde_cb: a custom serializer or deserializer written in C, and the closure the domain
//! runs for it (kf_custom_serializer_new(), kf_custom_deserializer_new() and the to_dict /
//! from_dict hooks).
use std::os::raw::c_void;

use super::callback::Opaque;
use super::{kf_buffer_t, kf_serialization_context_t};
use crate::error::{KResult, KafkaError};
use crate::serdes::{Context, CustomFn, Value};

/// A custom serializer or deserializer: called with the registration's `opaque`, the context
/// (borrowed for the call), the input bytes (`data` NULL: null, with `len` 0) and an output
/// buffer. Write the result with kf_buffer_set(out, ...) (left untouched, the result is null)
/// and return 0; return any other value to fail, after putting the cause as text into `out`
/// with kf_buffer_set(). The failure becomes KF_ERR__KEY_SERIALIZATION /
/// KF_ERR__VALUE_SERIALIZATION (or the deserialization codes) carrying that cause.
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
    ) -> i32,
>;

/// The domain closure that calls `func`. It owns `opaque`, which is freed when the last holder
/// of the closure drops it, or here when `func` is NULL (nothing will ever hold it then).
pub(super) fn serde_callback(func: kf_serde_cb, opaque: Opaque, f: &str) -> KResult<Box<CustomFn>> {
    let Some(func) = func else {
        return Err(KafkaError::invalid_arg(format!("{f}: callback is NULL")));
    };
    Ok(Box::new(move |ctx: &Context, data: Option<&[u8]>| {
        let cctx = kf_serialization_context_t::from_domain(ctx);
        let mut out = Value::null();
        let (p, n) = data.map_or((std::ptr::null(), 0), |d| (d.as_ptr(), d.len()));
        let out_ptr = &mut out as *mut Value as *mut kf_buffer_t;
        let rc = unsafe { func(opaque.get(), &cctx, p, n, out_ptr) };
        if rc == 0 {
            return Ok(out);
        }
        let cause = out
            .data()
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "no cause given".to_string());
        Err(format!("the custom callback failed ({rc}): {cause}"))
    }))
}
