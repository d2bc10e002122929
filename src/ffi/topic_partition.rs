//! kf_topic_partition_list_t: (topic, partition) elements with offset, metadata, leader epoch
//! and error. It is librdkafka's own list. Elements are addressed by index.
//!
//! Thread safety: one thread at a time per list. Lists handed to callbacks are borrowed and
//! read-only for the callback's duration.
use std::os::raw::c_char;

use super::error_codes::KF_ERR__NOENT;
use super::types::*;
use super::{arg_bytes, arg_cstr, call, handle, handle_mut, in_fn, opt, value};
use crate::error::{KResult, KafkaError, ERR_INVALID_ARG};
use crate::kafka::topic_partition::{Partition, PartitionList};

fn elem<'a>(l: *const kf_topic_partition_list_t, index: usize) -> Option<&'a Partition> {
    opt(l)?.get(index)
}

fn elem_arg<'a>(
    l: *mut kf_topic_partition_list_t,
    index: usize,
    func: &str,
) -> KResult<&'a mut Partition> {
    let list: &mut PartitionList = handle_mut(l, func, "list")?;
    list.get_mut(index)
        .ok_or_else(|| KafkaError::invalid_arg(format!("{func}: index {index} is out of range")))
}

/// A new, empty list with room for `capacity` elements (it grows as needed). `capacity` is a
/// hint: at most 1024 elements are reserved up front, so no value can exhaust memory.
///
/// Returns: caller owns; free with kf_topic_partition_list_destroy(). Never NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_new(capacity: usize) -> *mut kf_topic_partition_list_t {
    value(std::ptr::null_mut(), || {
        PartitionList::new_raw(capacity) as *mut kf_topic_partition_list_t
    })
}

/// Frees a list the caller owns. NULL is a no-op. Never pass a list handed to a callback.
/// Thread safety: once, with no other call on the topic partition list running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_destroy(list: *mut kf_topic_partition_list_t) {
    value((), || unsafe {
        PartitionList::destroy(list as *mut PartitionList)
    })
}

/// A deep copy (e.g. of a list handed to a callback).
///
/// Returns: caller owns; free with kf_topic_partition_list_destroy(). NULL when `list` is NULL.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_copy(
    list: *const kf_topic_partition_list_t,
) -> *mut kf_topic_partition_list_t {
    value(std::ptr::null_mut(), || {
        opt(list).map_or(std::ptr::null_mut(), |l: &PartitionList| {
            l.copy_raw() as *mut kf_topic_partition_list_t
        })
    })
}

/// Appends (topic, partition) with offset KF_OFFSET_INVALID; `*index_out` (may be NULL) gets
/// its index. Use KF_PARTITION_UA for "all partitions" where a call allows it (subscribe).
///
/// Errors: KF_ERR__INVALID_ARG for a NULL list or topic, or a topic that is not UTF-8.
/// Thread safety: one thread at a time per list.
/// Blocks: no.
/// Nullable: `index_out`.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_add(
    list: *mut kf_topic_partition_list_t,
    topic: *const c_char,
    partition: i32,
    index_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_topic_partition_list_add";
    call(F, || unsafe {
        let l = handle_mut(list, F, "list")?;
        let t = arg_cstr(topic, F, "topic")?;
        let index = l.add(t, partition);
        if !index_out.is_null() {
            *index_out = index;
        }
        Ok(())
    })
}

/// The number of elements; 0 when `list` is NULL.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_count(list: *const kf_topic_partition_list_t) -> usize {
    value(0, || opt(list).map_or(0, PartitionList::len))
}

/// The index of (topic, partition) in `*index_out`.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments; KF_ERR__NOENT when not in the list.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_find(
    list: *const kf_topic_partition_list_t,
    topic: *const c_char,
    partition: i32,
    index_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_topic_partition_list_find";
    call(F, || unsafe {
        let l = handle(list, F, "list")?;
        let t = arg_cstr(topic, F, "topic")?;
        let out = super::out_arg(index_out, F, "index_out")?;
        *out = l.find(t, partition).ok_or_else(|| {
            KafkaError::from_code_msg(
                KF_ERR__NOENT,
                format!(
                    "{F}: {}[{partition}] is not in the list",
                    t.to_string_lossy()
                ),
            )
        })?;
        Ok(())
    })
}

/// The topic of element `index`. Returns: borrowed, valid as long as the list; NULL when the
/// list is NULL or the index out of range.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_topic(
    list: *const kf_topic_partition_list_t,
    index: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        elem(list, index).map_or(std::ptr::null(), |e| e.topic().as_ptr())
    })
}

/// The partition of element `index`; KF_PARTITION_UA (-1) when out of range.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_partition(
    list: *const kf_topic_partition_list_t,
    index: usize,
) -> i32 {
    value(-1, || elem(list, index).map_or(-1, Partition::partition))
}

/// The offset of element `index` (or a KF_OFFSET_ constant); KF_OFFSET_INVALID when out of range
/// or `list` is NULL.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_offset(
    list: *const kf_topic_partition_list_t,
    index: usize,
) -> i64 {
    value(-1001, || elem(list, index).map_or(-1001, Partition::offset))
}

/// Sets the offset of element `index` (a position, a timestamp for offsets_for_times, or a
/// KF_OFFSET_ constant). Errors: KF_ERR__INVALID_ARG for a NULL list or an index out of range.
/// Thread safety: one thread at a time per list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_set_offset(
    list: *mut kf_topic_partition_list_t,
    index: usize,
    offset: i64,
) -> *mut kf_error_t {
    const F: &str = "kf_topic_partition_list_set_offset";
    call(F, || {
        elem_arg(list, index, F)?.set_offset(offset);
        Ok(())
    })
}

/// The commit metadata of element `index` and its length in `*len_out` (may be NULL). Returns:
/// borrowed, valid until the list is destroyed or the metadata set again; NULL when none.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
/// Nullable: `len_out`.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_metadata(
    list: *const kf_topic_partition_list_t,
    index: usize,
    len_out: *mut usize,
) -> *const u8 {
    value(std::ptr::null(), || {
        let (p, n) = elem(list, index).map_or((std::ptr::null(), 0), Partition::metadata_raw);
        if !len_out.is_null() {
            unsafe { *len_out = n };
        }
        p
    })
}

/// Sets (copies) the commit metadata of element `index`; NULL with length 0 clears it.
/// Errors: KF_ERR__INVALID_ARG for a NULL list, an index out of range, or NULL with a length.
/// Thread safety: one thread at a time per list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_set_metadata(
    list: *mut kf_topic_partition_list_t,
    index: usize,
    metadata: *const u8,
    len: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_topic_partition_list_set_metadata";
    call(F, || unsafe {
        let e = elem_arg(list, index, F)?;
        let data = arg_bytes(metadata, len, F, "metadata")?;
        e.set_metadata(data).map_err(in_fn(F))
    })
}

/// The leader epoch of element `index`; -1 when unknown or out of range.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_leader_epoch(
    list: *const kf_topic_partition_list_t,
    index: usize,
) -> i32 {
    value(-1, || elem(list, index).map_or(-1, Partition::leader_epoch))
}

/// Sets the leader epoch of element `index` (-1 for unknown), used by seek and commit.
/// Errors: KF_ERR__INVALID_ARG for a NULL list or an index out of range.
/// Thread safety: one thread at a time per list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_set_leader_epoch(
    list: *mut kf_topic_partition_list_t,
    index: usize,
    leader_epoch: i32,
) -> *mut kf_error_t {
    const F: &str = "kf_topic_partition_list_set_leader_epoch";
    call(F, || {
        elem_arg(list, index, F)?.set_leader_epoch(leader_epoch);
        Ok(())
    })
}

/// The per-element error code of element `index` (0 when none); KF_ERR__INVALID_ARG when the
/// list is NULL or the index out of range.
/// Thread safety: any thread, while no call changes the list.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_topic_partition_list_error_code(
    list: *const kf_topic_partition_list_t,
    index: usize,
) -> i32 {
    value(ERR_INVALID_ARG, || {
        elem(list, index).map_or(ERR_INVALID_ARG, Partition::error_code)
    })
}

/// Start at the earliest offset of the partition.
pub const KF_OFFSET_BEGINNING: i64 = -2;
/// Start at the end of the partition (only new messages).
pub const KF_OFFSET_END: i64 = -1;
/// Start at the committed offset (auto.offset.reset when none).
pub const KF_OFFSET_STORED: i64 = -1000;
/// No offset (nothing consumed or committed yet).
pub const KF_OFFSET_INVALID: i64 = -1001;
/// Any partition: let the partitioner choose (produce), or "all partitions" (subscribe).
pub const KF_PARTITION_UA: i32 = -1;
