//! Describing the cluster: describe_topics, describe_cluster.
use std::os::raw::{c_char, c_void};

use super::super::call;
use super::super::types::*;
use super::run::*;
use super::*;
use crate::kafka::admin::Request;

/// describe_topics: describes the topics (Python's AdminClient.describe_topics). One item per
/// topic, in input order, with its description (kf_admin_result_item_topic_description():
/// topic id, internal flag, partitions with leader, replicas and ISR, and the authorized
/// operations when asked); item errors such as KF_ERR_UNKNOWN_TOPIC_OR_PART. Options: request
/// timeout, include_authorized_operations.
///
/// `topics`: `count` UTF-8 names. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_topics(
    admin: *mut kf_admin_t,
    topics: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_topics";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DescribeTopics(strings(
                topics, count, F, "topics",
            )?))
        })
    })
}

/// describe_topics, asynchronously: as kf_admin_describe_topics(); `callback(opaque, result)` gets
/// the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_topics(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_topics_async(
    admin: *mut kf_admin_t,
    topics: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_topics_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DescribeTopics(strings(
                    topics, count, F, "topics",
                )?))
            },
        )
    })
}

/// describe_cluster: the cluster id, controller, brokers and (when asked) the authorized
/// operations (Python's AdminClient.describe_cluster). Read them with
/// kf_admin_result_cluster_description(); the result has one item named after the cluster id,
/// or none and kf_admin_result_error() when the request failed. Options: request timeout,
/// include_authorized_operations.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_cluster(
    admin: *mut kf_admin_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_cluster";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            Ok(Request::DescribeCluster)
        })
    })
}

/// describe_cluster, asynchronously: as kf_admin_describe_cluster(); `callback(opaque, result)`
/// gets the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_cluster(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_cluster_async(
    admin: *mut kf_admin_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_cluster_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || Ok(Request::DescribeCluster),
        )
    })
}
