//! kf_deserialized_message_t: a message from kf_deserializing_consumer_poll() with its
//! deserialized key and value.
use super::types::kf_message_t;
use super::{free_handle, kf_buffer_t, opt, value, Handle};
use crate::serdes::{DeserializedMessage, Value};

/// A message polled by kf_deserializing_consumer_poll(): the message plus its deserialized key
/// and value.
pub struct kf_deserialized_message_t {
    _opaque: [u8; 0],
}

unsafe impl Handle for kf_deserialized_message_t {
    type Target = DeserializedMessage;
}

/// The message itself, for kf_message_topic(), kf_message_partition(), kf_message_offset(),
/// kf_message_headers(), kf_message_timestamp(), kf_message_error_code() and the raw
/// kf_message_key()/kf_message_value().
///
/// Returns: borrowed, valid until kf_deserialized_message_destroy(); never destroy it yourself.
/// NULL when `message` is NULL.
/// Thread safety: any thread, while the message is not destroyed.
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_deserialized_message_destroy(message: *mut kf_deserialized_message_t) {
    value((), || unsafe { free_handle(message) })
}
