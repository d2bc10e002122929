//! SCRAM credential operations: describe_user_scram_credentials, alter_user_scram_credentials.
use std::os::raw::{c_char, c_void};

use super::super::call;
use super::super::types::*;
use super::run::*;
use super::*;
use crate::kafka::admin::Request;

/// describe_user_scram_credentials: the SCRAM mechanisms and iteration counts of each user
/// (Python's AdminClient.describe_user_scram_credentials). `count` 0 (with `users` NULL)
/// describes every user that has credentials. One item per user, in input order, with
/// kf_admin_result_item_scram_credential_count() credentials; item errors such as
/// KF_ERR_RESOURCE_NOT_FOUND (no credential). Options: request timeout.
///
/// `users`: `count` UTF-8 names. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_user_scram_credentials(
    admin: *mut kf_admin_t,
    users: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_user_scram_credentials";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DescribeUserScramCredentials(strings(
                users, count, F, "users",
            )?))
        })
    })
}

/// describe_user_scram_credentials, asynchronously: as kf_admin_describe_user_scram_credentials();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_describe_user_scram_credentials(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_user_scram_credentials_async(
    admin: *mut kf_admin_t,
    users: *const *const c_char,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_user_scram_credentials_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::DescribeUserScramCredentials(strings(
                    users, count, F, "users",
                )?))
            },
        )
    })
}

/// alter_user_scram_credentials: upserts or deletes SCRAM credentials (Python's
/// AdminClient.alter_user_scram_credentials). One item per user, in input order; item errors
/// such as KF_ERR_RESOURCE_NOT_FOUND (deleting a credential that does not exist) or
/// KF_ERR_UNACCEPTABLE_CREDENTIAL. Options: request timeout.
///
/// `alterations`: `count` upsertions or deletions. `options` may be NULL. `*result_out`: on
/// success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_user_scram_credentials(
    admin: *mut kf_admin_t,
    alterations: *const *const kf_user_scram_credential_alteration_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_user_scram_credentials";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::AlterUserScramCredentials(handles(
                alterations,
                count,
                F,
                "alterations",
            )?))
        })
    })
}

/// alter_user_scram_credentials, asynchronously: as kf_admin_alter_user_scram_credentials();
/// `callback(opaque, result)` gets the result (owned: see kf_admin_result_cb) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_alter_user_scram_credentials(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_alter_user_scram_credentials_async(
    admin: *mut kf_admin_t,
    alterations: *const *const kf_user_scram_credential_alteration_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_alter_user_scram_credentials_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe {
                Ok(Request::AlterUserScramCredentials(handles(
                    alterations,
                    count,
                    F,
                    "alterations",
                )?))
            },
        )
    })
}
