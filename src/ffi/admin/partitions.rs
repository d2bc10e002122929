//! Partition operations: list_offsets, delete_records, elect_leaders.
use std::os::raw::{c_int, c_void};

use super::super::types::*;
use super::super::{call, in_fn, opt};
use super::run::*;
use super::*;
use crate::error::KResult;
use crate::kafka::admin::inputs::check_range;
use crate::kafka::admin::Request;

/// list_offsets: offsets of partitions by specification (Python's AdminClient.list_offsets).
/// Each element's offset is the specification: KF_OFFSET_SPEC_EARLIEST, KF_OFFSET_SPEC_LATEST,
/// KF_OFFSET_SPEC_MAX_TIMESTAMP, or a timestamp in milliseconds (the first offset at or after
/// it). One item per partition, in input order, with kf_admin_result_item_offset(),
/// _timestamp() and _leader_epoch(); item errors such as KF_ERR_UNKNOWN_TOPIC_OR_PART.
/// Options: request timeout, isolation level.
///
/// `partitions` is copied. `options` may be NULL. `*result_out`: on success, caller owns; free
/// with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for duplicate partitions, as a request error);
/// KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_offsets(
    admin: *mut kf_admin_t,
    partitions: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_offsets";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            Ok(Request::ListOffsets(list(partitions, F, "partitions")?))
        })
    })
}

/// list_offsets, asynchronously: as kf_admin_list_offsets(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_list_offsets(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_offsets_async(
    admin: *mut kf_admin_t,
    partitions: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_offsets_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || Ok(Request::ListOffsets(list(partitions, F, "partitions")?)),
        )
    })
}

/// delete_records: deletes the records of each partition before its element's offset
/// (KF_OFFSET_END: all records) (Python's AdminClient.delete_records). One item per partition,
/// with kf_admin_result_item_offset() the new low watermark; item errors such as
/// KF_ERR_OFFSET_OUT_OF_RANGE or KF_ERR_UNKNOWN_TOPIC_OR_PART. Options: request and operation
/// timeouts.
///
/// `before_offsets` is copied. `options` may be NULL. `*result_out`: on success, caller owns;
/// free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_records(
    admin: *mut kf_admin_t,
    before_offsets: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_records";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            Ok(Request::DeleteRecords(list(
                before_offsets,
                F,
                "before_offsets",
            )?))
        })
    })
}

/// delete_records, asynchronously: as kf_admin_delete_records(); `callback(opaque, result)` gets
/// the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_records(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_records_async(
    admin: *mut kf_admin_t,
    before_offsets: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_records_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || {
                Ok(Request::DeleteRecords(list(
                    before_offsets,
                    F,
                    "before_offsets",
                )?))
            },
        )
    })
}

/// elect_leaders: runs a preferred (KF_ELECTION_TYPE_PREFERRED) or unclean
/// (KF_ELECTION_TYPE_UNCLEAN) leader election for the partitions, or for all partitions when
/// `partitions` is NULL (Python's AdminClient.elect_leaders). One item per partition; item
/// errors such as KF_ERR_ELECTION_NOT_NEEDED (the preferred leader already leads) or
/// KF_ERR_UNKNOWN_TOPIC_OR_PART. Options: request and operation timeouts.
///
/// `partitions` (may be NULL) is copied; offsets are ignored. `options` may be NULL.
/// `*result_out`: on success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for an unknown election type); KF_ERR__STATE;
/// KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `partitions`, `options`.
#[no_mangle]
pub extern "C" fn kf_admin_elect_leaders(
    admin: *mut kf_admin_t,
    election_type: c_int,
    partitions: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_elect_leaders";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            elect_leaders_req(F, election_type, partitions)
        })
    })
}

fn elect_leaders_req<'a>(
    func: &str,
    election_type: c_int,
    partitions: *const kf_topic_partition_list_t,
) -> KResult<Request<'a>> {
    check_range("election_type", election_type, 0, 1).map_err(in_fn(func))?;
    Ok(Request::ElectLeaders(election_type, opt(partitions)))
}

/// elect_leaders, asynchronously: as kf_admin_elect_leaders(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_elect_leaders(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `partitions`, `options`.
#[no_mangle]
pub extern "C" fn kf_admin_elect_leaders_async(
    admin: *mut kf_admin_t,
    election_type: c_int,
    partitions: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_elect_leaders_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || elect_leaders_req(F, election_type, partitions),
        )
    })
}
