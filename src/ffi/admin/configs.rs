//! Configuration operations: describe_configs, alter_configs, incremental_alter_configs.
use std::os::raw::c_void;

use super::super::call;
use super::super::types::*;
use super::run::*;
use super::*;
use crate::kafka::admin::Request;

/// describe_configs: the configuration of each resource (Python's
/// AdminClient.describe_configs). One item per resource, in input order, with its resource type
/// and its entries (kf_admin_result_item_config_count(), kf_admin_result_item_config(),
/// kf_admin_result_item_config_find()), each with value, source, read-only, default,
/// sensitive flags and synonyms; item errors such as KF_ERR_UNKNOWN_TOPIC_OR_PART.
/// Entries set on the resources are ignored. Options: request timeout.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_configs(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_configs";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DescribeConfigs(handles(
                resources,
                count,
                F,
                "resources",
            )?))
        })
    })
}

/// describe_configs, asynchronously: as kf_admin_describe_configs(); `callback(opaque, result)`
/// gets the result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_configs(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_configs_async(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_configs_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DescribeConfigs(handles(
                    resources,
                    count,
                    F,
                    "resources",
                )?))
            },
        )
    })
}

/// alter_configs: replaces the whole configuration of each resource with the entries set by
/// kf_config_resource_set_config(); every other entry reverts to its default (Python's
/// AdminClient.alter_configs; deprecated by Kafka in favour of incremental_alter_configs). One
/// item per resource, in input order. Options: request timeout, validate_only.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_configs(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_configs";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::AlterConfigs(handles(
                resources,
                count,
                F,
                "resources",
            )?))
        })
    })
}

/// alter_configs, asynchronously: as kf_admin_alter_configs(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_alter_configs(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_configs_async(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_configs_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::AlterConfigs(handles(
                    resources,
                    count,
                    F,
                    "resources",
                )?))
            },
        )
    })
}

/// incremental_alter_configs: applies the set / delete / append / subtract operations added with
/// kf_config_resource_add_incremental_config() to each resource, leaving other entries alone
/// (Python's AdminClient.incremental_alter_configs). One item per resource, in input order; item
/// errors such as KF_ERR_INVALID_CONFIG or KF_ERR_UNKNOWN_TOPIC_OR_PART. Options: request
/// timeout, validate_only.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_incremental_alter_configs(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_incremental_alter_configs";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::IncrementalAlterConfigs(handles(
                resources,
                count,
                F,
                "resources",
            )?))
        })
    })
}

/// incremental_alter_configs, asynchronously: as kf_admin_incremental_alter_configs();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_incremental_alter_configs(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_incremental_alter_configs_async(
    admin: *mut kf_admin_t,
    resources: *const *const kf_config_resource_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_incremental_alter_configs_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::IncrementalAlterConfigs(handles(
                    resources,
                    count,
                    F,
                    "resources",
                )?))
            },
        )
    })
}
