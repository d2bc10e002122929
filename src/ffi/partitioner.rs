//! librdkafka's key partitioners as plain functions (Python 2.13+'s murmur2, consistent and
//! fnv1a helpers), so a binding can compute a key's partition without producing.
use std::os::raw::c_void;

use super::types::kf_error_t;
use super::{arg_bytes, call, out_arg};
use crate::error::KResult;
use crate::kafka::cluster::Partitioner;

fn partition(
    which: Partitioner,
    func: &str,
    key: *const c_void,
    key_len: usize,
    partition_count: i32,
    partition_out: *mut i32,
) -> KResult<()> {
    let key = unsafe { arg_bytes(key as *const u8, key_len, func, "key")? };
    let out = out_arg(partition_out, func, "partition_out")?;
    let p = which
        .partition(key.unwrap_or(&[]), partition_count)
        .map_err(super::in_fn(func))?;
    unsafe { *out = p };
    Ok(())
}

/// The partition librdkafka's "murmur2" partitioner gives `key` (`key_len` bytes; NULL with 0
/// is the null key, hashed as empty) among `partition_count` partitions: murmur2 of the key,
/// made positive, modulo the count. This is the Java client's default partitioner for keyed
/// messages, so the same key lands on the same partition from Java and from kafkaffi.
///
/// `partition_out`: written on success, in [0, partition_count).
/// Errors: KF_ERR__INVALID_ARG for NULL `key` with a length, NULL `partition_out`, or
/// `partition_count` < 1. Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_partitioner_murmur2(
    key: *const c_void,
    key_len: usize,
    partition_count: i32,
    partition_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_partitioner_murmur2";
    call(F, || {
        partition(
            Partitioner::Murmur2,
            F,
            key,
            key_len,
            partition_count,
            partition_out,
        )
    })
}

/// The partition librdkafka's "consistent" partitioner gives `key`: the CRC32 of the key
/// modulo `partition_count` (NULL with 0 is the null key, hashed as empty).
///
/// `partition_out`: written on success, in [0, partition_count).
/// Errors: as kf_partitioner_murmur2(). Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_partitioner_consistent(
    key: *const c_void,
    key_len: usize,
    partition_count: i32,
    partition_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_partitioner_consistent";
    call(F, || {
        partition(
            Partitioner::Consistent,
            F,
            key,
            key_len,
            partition_count,
            partition_out,
        )
    })
}

/// The partition librdkafka's "fnv1a" partitioner gives `key`: the 32-bit FNV-1a hash of the
/// key read as a signed number, made positive, modulo `partition_count` (as the Sarama Go
/// client's hash partitioner; NULL with 0 is the null key, hashed as empty).
///
/// `partition_out`: written on success, in [0, partition_count).
/// Errors: as kf_partitioner_murmur2(). Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_partitioner_fnv1a(
    key: *const c_void,
    key_len: usize,
    partition_count: i32,
    partition_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_partitioner_fnv1a";
    call(F, || {
        partition(
            Partitioner::Fnv1a,
            F,
            key,
            key_len,
            partition_count,
            partition_out,
        )
    })
}
