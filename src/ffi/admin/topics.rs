//! Topic operations: create_topics, delete_topics, create_partitions.
use std::os::raw::{c_char, c_void};

use super::super::call;
use super::super::types::*;
use super::run::*;
use super::*;
use crate::kafka::admin::Request;

/// create_topics: creates the topics (Python's AdminClient.create_topics). One item per topic,
/// named after it, in input order; item errors such as KF_ERR_TOPIC_ALREADY_EXISTS,
/// KF_ERR_INVALID_REPLICATION_FACTOR, KF_ERR_INVALID_PARTITIONS, KF_ERR_POLICY_VIOLATION.
/// Options: request and operation timeouts, validate_only.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout, default socket.timeout.ms,
/// plus a few seconds), serving the client's callbacks; kf_admin_wake() ends it with
/// KF_ERR__INTR.
/// Errors (for the call as a whole): KF_ERR__INVALID_ARG (NULL admin, result_out, array or
/// element, or an option the operation does not take); KF_ERR__STATE; KF_ERR__INTR;
/// KF_ERR__TIMED_OUT when librdkafka gave no result in time.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_topics(
    admin: *mut kf_admin_t,
    topics: *const *const kf_new_topic_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_topics";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::CreateTopics(handles(topics, count, F, "topics")?))
        })
    })
}

/// create_topics, asynchronously: as kf_admin_create_topics(), but returns once the request has
/// started; `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_create_topics() (KF_ERR__INVALID_ARG also for a NULL callback); when the
/// call fails, the callback is never called and `opaque` is not released.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_topics_async(
    admin: *mut kf_admin_t,
    topics: *const *const kf_new_topic_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_topics_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe { Ok(Request::CreateTopics(handles(topics, count, F, "topics")?)) },
        )
    })
}

/// delete_topics: deletes the topics (Python's AdminClient.delete_topics). One item per topic,
/// in input order; item errors such as KF_ERR_UNKNOWN_TOPIC_OR_PART.
/// Options: request and operation timeouts.
///
/// `topics`: `count` UTF-8 names. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (NULL arguments, non-UTF-8 names, an option not taken);
/// KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_topics(
    admin: *mut kf_admin_t,
    topics: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_topics";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DeleteTopics(strings(topics, count, F, "topics")?))
        })
    })
}

/// delete_topics, asynchronously: as kf_admin_delete_topics(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_topics(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_topics_async(
    admin: *mut kf_admin_t,
    topics: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_topics_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe { Ok(Request::DeleteTopics(strings(topics, count, F, "topics")?)) },
        )
    })
}

/// create_partitions: raises the partition counts of topics (Python's
/// AdminClient.create_partitions). One item per topic, in input order; item errors such as
/// KF_ERR_INVALID_PARTITIONS (a count not above the current one) or
/// KF_ERR_UNKNOWN_TOPIC_OR_PART. Options: request and operation timeouts, validate_only.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_partitions(
    admin: *mut kf_admin_t,
    new_partitions: *const *const kf_new_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_partitions";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::CreatePartitions(handles(
                new_partitions,
                count,
                F,
                "new_partitions",
            )?))
        })
    })
}

/// create_partitions, asynchronously: as kf_admin_create_partitions(); `callback(opaque, result)`
/// gets the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_create_partitions(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_partitions_async(
    admin: *mut kf_admin_t,
    new_partitions: *const *const kf_new_partitions_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_partitions_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::CreatePartitions(handles(
                    new_partitions,
                    count,
                    F,
                    "new_partitions",
                )?))
            },
        )
    })
}
