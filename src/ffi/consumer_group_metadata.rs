//! kf_consumer_group_metadata_t: a consumer's group metadata (from kf_consumer_group_metadata(),
//! kf_consumer_group_metadata_new() or kf_consumer_group_metadata_read()), for
//! kf_producer_send_offsets_to_transaction(), and its serialized form.
use std::os::raw::c_char;

use super::kf_buffer_t;
use super::types::*;
use super::{arg_bytes, arg_cstr, call, error_out, handle, handle_mut, in_fn, out_arg, value};
use crate::error::KafkaError;
use crate::kafka::consumer::GroupMetadata;
use crate::serdes::Value;

/// Frees consumer group metadata from kf_consumer_group_metadata(). NULL is a no-op.
/// Thread safety: once, with no other call on the consumer group metadata running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_destroy(cgmd: *mut kf_consumer_group_metadata_t) {
    value((), || unsafe {
        GroupMetadata::destroy(cgmd as *mut GroupMetadata)
    })
}

/// Consumer group metadata for `group_id` alone, with no generation or member id (Python's
/// ConsumerGroupMetadata made from a group id), for kf_producer_send_offsets_to_transaction()
/// from a process that has no consumer of that group. The broker then cannot fence a zombie
/// member: prefer kf_consumer_group_metadata() when a consumer is at hand.
///
/// Returns: caller owns; free with kf_consumer_group_metadata_destroy(). NULL on failure with
/// `*err_out` set when not NULL (KF_ERR__INVALID_ARG for a NULL or non-UTF-8 `group_id`).
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_new(
    group_id: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_consumer_group_metadata_t {
    const F: &str = "kf_consumer_group_metadata_new";
    let res = value(Err(KafkaError::panic(F)), || unsafe {
        GroupMetadata::new(arg_cstr(group_id, F, "group_id")?).map_err(in_fn(F))
    });
    match res {
        Ok(m) => m as *mut kf_consumer_group_metadata_t,
        Err(e) => {
            if !err_out.is_null() {
                unsafe { *err_out = error_out(e) };
            }
            std::ptr::null_mut()
        }
    }
}

/// Writes the metadata in librdkafka's serialized form (what Python's ConsumerGroupMetadata
/// pickles) into `buffer`, replacing its content. Read it back, in this or another process,
/// with kf_consumer_group_metadata_read().
///
/// `buffer`: a buffer from kf_buffer_new() the caller owns; read the bytes with
/// kf_buffer_data() (valid until the buffer is changed or destroyed).
/// Errors: KF_ERR__INVALID_ARG for NULL arguments. Blocks: no.
/// Thread safety: any thread; the buffer one thread at a time.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_write(
    cgmd: *const kf_consumer_group_metadata_t,
    buffer: *mut kf_buffer_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_group_metadata_write";
    call(F, || {
        let m = handle(cgmd, F, "cgmd")?;
        let b = handle_mut(buffer, F, "buffer")?;
        *b = Value::bytes(Some(m.write().map_err(in_fn(F))?));
        Ok(())
    })
}

/// Consumer group metadata read back from the bytes kf_consumer_group_metadata_write() made
/// (`bytes`, `len` bytes).
///
/// `cgmd_out`: on success, caller owns; free with kf_consumer_group_metadata_destroy().
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR__BAD_MSG when the bytes are not
/// serialized group metadata (truncated, another version, or anything else).
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_read(
    bytes: *const u8,
    len: usize,
    cgmd_out: *mut *mut kf_consumer_group_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_group_metadata_read";
    call(F, || unsafe {
        let b = arg_bytes(bytes, len, F, "bytes")?
            .ok_or_else(|| KafkaError::invalid_arg(format!("{F}: bytes is NULL")))?;
        let out = out_arg(cgmd_out, F, "cgmd_out")?;
        *out = GroupMetadata::read(b).map_err(in_fn(F))? as *mut kf_consumer_group_metadata_t;
        Ok(())
    })
}
