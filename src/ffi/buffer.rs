//! kf_buffer_t: bytes that may be null, plus an optional native number. It carries a
//! serializer's output, a deserializer's result (for the built-ins the text form: the decoded
//! string, or the number in decimal, plus for Integer and Double the number itself, see
//! kf_buffer_int32 and kf_buffer_double) and a custom serde callback's output.
use super::types::kf_error_t;
use super::{
    arg_bytes, call, free_handle, handle, handle_mut, new_handle, opt, out_arg, value, Handle,
};
use crate::error::KafkaError;
use crate::serdes::Value;

/// A byte buffer that may be null, plus an optional native number: a serializer's output, a
/// deserializer's result, or the output slot of a custom serde callback. Its bytes are always
/// followed by a NUL byte (not counted in the length), so text can be read as a C string.
pub struct kf_buffer_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_buffer_t {
    type Target = Value;
}

/// A new, null buffer, e.g. for the output of kf_serializer_serialize().
///
/// Returns: caller owns; free with kf_buffer_destroy(). Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_buffer_new() -> *mut kf_buffer_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_buffer_t>(Box::new(Value::null()))
    })
}

/// Frees a buffer made by kf_buffer_new(). NULL is a no-op. Never pass a buffer handed to a
/// callback or returned by kf_deserialized_message_key()/_value() (those are borrowed).
/// Thread safety: once, with no other call on the buffer running.
/// Blocks: no.
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
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_buffer_set(
    buffer: *mut kf_buffer_t,
    data: *const u8,
    len: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_buffer_set";
    call(F, || unsafe {
        let b = handle_mut(buffer, F, "buffer")?;
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
/// Blocks: no.
/// Nullable: `len_out`.
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
/// Blocks: no.
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
/// Blocks: no.
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
