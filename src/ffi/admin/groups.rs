//! Consumer group operations, all served by the groups' coordinators: list, describe and
//! delete groups; list, alter and delete their committed offsets.
use std::os::raw::{c_char, c_void};

use super::super::call;
use super::super::types::*;
use super::run::*;
use super::*;
use crate::kafka::admin::Request;

/// A consumer group with the partitions an offsets operation concerns (Python's
/// ConsumerGroupTopicPartitions). `partitions` may be NULL for list_consumer_group_offsets (all
/// the group's partitions); alter_consumer_group_offsets reads each element's offset (and
/// metadata and leader epoch).
#[repr(C)]
pub struct kf_consumer_group_topic_partitions_t {
    pub group_id: *const c_char,
    pub partitions: *const kf_topic_partition_list_t,
}

/// list_consumer_groups: the consumer groups of the cluster (Python's
/// AdminClient.list_consumer_groups). One item per group (kf_admin_result_item_consumer_group_
/// listing(): id, simple flag, state, type), then one item without a name for each broker that
/// could not be asked (Python's errors list). Options: request timeout, state and type filters.
///
/// Retries: while a broker answers COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE or
/// NOT_COORDINATOR (it has just started, or its groups are moving), the listing is asked again
/// after a pause (retry.backoff.ms, doubling up to retry.backoff.max.ms) until the request
/// timeout is spent; then the last listing is the result, with that broker's error item.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_consumer_groups(
    admin: *mut kf_admin_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_consumer_groups";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            Ok(Request::ListConsumerGroups)
        })
    })
}

/// list_consumer_groups, asynchronously: as kf_admin_list_consumer_groups(); `callback(opaque,
/// result)` gets the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_list_consumer_groups(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_consumer_groups_async(
    admin: *mut kf_admin_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_consumer_groups_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || Ok(Request::ListConsumerGroups),
        )
    })
}

/// describe_consumer_groups: describes the groups (Python's
/// AdminClient.describe_consumer_groups). One item per group, in input order
/// (kf_admin_result_item_consumer_group_description(): state, type, assignor, coordinator,
/// members with their assignments, authorized operations when asked). A group that does not
/// exist is described in state KF_CONSUMER_GROUP_STATE_DEAD (Kafka's answer) or gets
/// KF_ERR_GROUP_ID_NOT_FOUND. Options: request timeout, include_authorized_operations.
///
/// Retries: a group whose coordinator answers COORDINATOR_LOAD_IN_PROGRESS,
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (a broker has just started, or the group is
/// moving) is asked again after a pause (retry.backoff.ms, doubling up to retry.backoff.max.ms),
/// the other groups keeping their answers, until the request timeout is spent; then its item
/// carries that error.
///
/// `groups`: `count` UTF-8 group ids. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_consumer_groups(
    admin: *mut kf_admin_t,
    groups: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_consumer_groups";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DescribeConsumerGroups(strings(
                groups, count, F, "groups",
            )?))
        })
    })
}

/// describe_consumer_groups, asynchronously: as kf_admin_describe_consumer_groups();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll().
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_describe_consumer_groups(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_consumer_groups_async(
    admin: *mut kf_admin_t,
    groups: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_consumer_groups_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DescribeConsumerGroups(strings(
                    groups, count, F, "groups",
                )?))
            },
        )
    })
}

/// delete_consumer_groups: deletes the groups (Python's AdminClient.delete_consumer_groups).
/// One item per group, in input order; item errors such as KF_ERR_GROUP_ID_NOT_FOUND or
/// KF_ERR_NON_EMPTY_GROUP. Options: request timeout.
///
/// Retries: a group whose coordinator answers COORDINATOR_LOAD_IN_PROGRESS,
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (a broker has just started, or the group is
/// moving) is asked again after a pause (retry.backoff.ms, doubling up to retry.backoff.max.ms),
/// the other groups keeping their answers, until the request timeout is spent; then its item
/// carries that error.
///
/// `groups`: `count` UTF-8 group ids. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_consumer_groups(
    admin: *mut kf_admin_t,
    groups: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_consumer_groups";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DeleteConsumerGroups(strings(
                groups, count, F, "groups",
            )?))
        })
    })
}

/// delete_consumer_groups, asynchronously: as kf_admin_delete_consumer_groups(); `callback(opaque,
/// result)` gets the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_delete_consumer_groups(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_consumer_groups_async(
    admin: *mut kf_admin_t,
    groups: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_consumer_groups_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DeleteConsumerGroups(strings(
                    groups, count, F, "groups",
                )?))
            },
        )
    })
}

/// list_consumer_group_offsets: the committed offsets of each group (Python's
/// AdminClient.list_consumer_group_offsets). One item per group, in input order, with its
/// partitions (kf_admin_result_item_partitions(): offset, metadata, leader epoch and a
/// per-partition error each). A group's `partitions` NULL lists all its committed partitions.
/// Several groups are queried in parallel (one request each). Options: request timeout,
/// require_stable_offsets.
///
/// Retries: a group whose coordinator answers COORDINATOR_LOAD_IN_PROGRESS,
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (a broker has just started, or the group is
/// moving) is asked again after a pause (retry.backoff.ms, doubling up to retry.backoff.max.ms),
/// the other groups keeping their answers, until the request timeout is spent; then its item
/// carries that error.
///
/// `groups`: `count` (at least 1) elements; each list is copied. `options` may be NULL.
/// `*result_out`: on success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0); KF_ERR__STATE; KF_ERR__INTR;
/// KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_consumer_group_offsets(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_consumer_group_offsets";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::ListConsumerGroupOffsets(self::groups(
                groups, count, F, false,
            )?))
        })
    })
}

/// list_consumer_group_offsets, asynchronously: as kf_admin_list_consumer_group_offsets();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_list_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_list_consumer_group_offsets_async(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_consumer_group_offsets_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::ListConsumerGroupOffsets(self::groups(
                    groups, count, F, false,
                )?))
            },
        )
    })
}

/// alter_consumer_group_offsets: commits the given offsets for each group, which must have no
/// active members (Python's AdminClient.alter_consumer_group_offsets). One item per group, in
/// input order, with its partitions and a per-partition error each; item errors such as
/// KF_ERR_UNKNOWN_MEMBER_ID (group active). Several groups run in parallel. Options: request
/// timeout.
///
/// Retries: a group whose coordinator answers COORDINATOR_LOAD_IN_PROGRESS,
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (for the group or for its partitions: a broker
/// has just started, or the group is moving) is asked again after a pause (retry.backoff.ms,
/// doubling up to retry.backoff.max.ms), the other groups keeping their answers, until the
/// request timeout is spent; then its item carries that error.
///
/// `groups`: `count` (at least 1) elements, each with a non-NULL `partitions` whose offsets are
/// committed (copied). `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0 or NULL partitions); KF_ERR__STATE;
/// KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_consumer_group_offsets(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_consumer_group_offsets";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::AlterConsumerGroupOffsets(self::groups(
                groups, count, F, true,
            )?))
        })
    })
}

/// alter_consumer_group_offsets, asynchronously: as kf_admin_alter_consumer_group_offsets();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_alter_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_consumer_group_offsets_async(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_consumer_group_offsets_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::AlterConsumerGroupOffsets(self::groups(
                    groups, count, F, true,
                )?))
            },
        )
    })
}

/// delete_consumer_group_offsets: deletes the committed offsets of the given partitions of
/// each group (librdkafka's DeleteConsumerGroupOffsets; not in the Python client). One item per
/// group, in input order, with its partitions and a per-partition error each (for instance
/// KF_ERR_GROUP_SUBSCRIBED_TO_TOPIC); item errors such as KF_ERR_GROUP_ID_NOT_FOUND. Several
/// groups run in parallel. Options: request timeout.
///
/// Retries: a group whose coordinator answers COORDINATOR_LOAD_IN_PROGRESS,
/// COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR (a broker has just started, or the group is
/// moving) is asked again after a pause (retry.backoff.ms, doubling up to retry.backoff.max.ms),
/// the other groups keeping their answers, until the request timeout is spent; then its item
/// carries that error.
///
/// `groups`: `count` (at least 1) elements, each with a non-NULL `partitions` (copied).
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0 or NULL partitions); KF_ERR__STATE;
/// KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_consumer_group_offsets(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_consumer_group_offsets";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DeleteConsumerGroupOffsets(self::groups(
                groups, count, F, true,
            )?))
        })
    })
}

/// delete_consumer_group_offsets, asynchronously: as kf_admin_delete_consumer_group_offsets();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Retries: as the blocking form; a retry starts when its pause is over whether or not
/// kf_admin_poll() is running (only the result waits for it).
///
/// Errors: as kf_admin_delete_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_consumer_group_offsets_async(
    admin: *mut kf_admin_t,
    groups: *const kf_consumer_group_topic_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_consumer_group_offsets_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DeleteConsumerGroupOffsets(self::groups(
                    groups, count, F, true,
                )?))
            },
        )
    })
}
