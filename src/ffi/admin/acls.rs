//! ACL operations: create_acls, describe_acls, delete_acls.
use std::os::raw::c_void;

use super::super::types::*;
use super::super::{call, handle};
use super::run::*;
use super::*;
use crate::error::KResult;
use crate::kafka::admin::Request;

/// create_acls: creates the ACL bindings (Python's AdminClient.create_acls). One item per
/// binding, in input order, named after the binding's resource and holding a copy of it
/// (kf_admin_result_item_acl()); item errors such as KF_ERR_SECURITY_DISABLED (no authorizer)
/// or KF_ERR_CLUSTER_AUTHORIZATION_FAILED. Options: request timeout.
///
/// `acls`: `count` bindings made with kf_acl_binding_new() (filters are refused). `options` may
/// be NULL. `*result_out`: on success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_acls(
    admin: *mut kf_admin_t,
    acls: *const *const kf_acl_binding_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_acls";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            create_acls_req(F, acls, count)
        })
    })
}

unsafe fn create_acls_req<'a>(
    func: &str,
    acls: *const *const kf_acl_binding_t,
    count: usize,
) -> KResult<Request<'a>> {
    let v = handles(acls, count, func, "acls")?;
    for a in &v {
        acl_binding(func, a)?;
    }
    Ok(Request::CreateAcls(v))
}

/// create_acls, asynchronously: as kf_admin_create_acls(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_create_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_create_acls_async(
    admin: *mut kf_admin_t,
    acls: *const *const kf_acl_binding_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_create_acls_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe { create_acls_req(F, acls, count) },
        )
    })
}

/// describe_acls: the ACL bindings matching a filter (Python's AdminClient.describe_acls). One
/// item (named after the filter's resource name, NULL for any) whose bindings are read with
/// kf_admin_result_item_acl_count() and kf_admin_result_item_acl(); when the request fails
/// locally or in transport (a timeout...) that item carries the error. Known limitation of
/// librdkafka 2.12: it drops the error code a broker puts in its DescribeAcls response
/// (KF_ERR_SECURITY_DISABLED without an authorizer, KF_ERR_CLUSTER_AUTHORIZATION_FAILED for a
/// principal not allowed to describe ACLs), so such a refusal comes back as an item without an
/// error and without bindings (as in the Python client). Options: request timeout.
///
/// `filter`: made with kf_acl_binding_filter_new(). `options` may be NULL. `*result_out`: on
/// success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_acls(
    admin: *mut kf_admin_t,
    filter: *const kf_acl_binding_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_acls";
    call(F, || {
        run(F, admin, options, wait(result_out), || {
            let f = handle(filter, F, "filter")?;
            acl_filter(F, f)?;
            Ok(Request::DescribeAcls(f))
        })
    })
}

/// describe_acls, asynchronously: as kf_admin_describe_acls(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_describe_acls_async(
    admin: *mut kf_admin_t,
    filter: *const kf_acl_binding_t,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_describe_acls_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || {
                let f = handle(filter, F, "filter")?;
                acl_filter(F, f)?;
                Ok(Request::DescribeAcls(f))
            },
        )
    })
}

/// delete_acls: deletes the ACL bindings matching each filter (Python's
/// AdminClient.delete_acls). One item per filter, in input order, with the bindings it deleted
/// (kf_admin_result_item_acl()) or its own error. Options: request timeout.
///
/// `filters`: `count` filters made with kf_acl_binding_filter_new(). `options` may be NULL.
/// `*result_out`: on success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_acls(
    admin: *mut kf_admin_t,
    filters: *const *const kf_acl_binding_t,
    count: usize,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_acls";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            delete_acls_req(F, filters, count)
        })
    })
}

unsafe fn delete_acls_req<'a>(
    func: &str,
    filters: *const *const kf_acl_binding_t,
    count: usize,
) -> KResult<Request<'a>> {
    let v = handles(filters, count, func, "filters")?;
    for a in &v {
        acl_filter(func, a)?;
    }
    Ok(Request::DeleteAcls(v))
}

/// delete_acls, asynchronously: as kf_admin_delete_acls(); `callback(opaque, result)` gets the
/// result (owned: see kf_admin_result_cb) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
/// Blocks: no.
/// Nullable: `options`.
#[no_mangle]
pub extern "C" fn kf_admin_delete_acls_async(
    admin: *mut kf_admin_t,
    filters: *const *const kf_acl_binding_t,
    count: usize,
    options: *const kf_admin_options_t,
    callback: kf_admin_result_cb,
    opaque: *mut c_void,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_acls_async";
    call(F, || {
        run(
            F,
            admin,
            options,
            self::callback(F, callback, opaque)?,
            || unsafe { delete_acls_req(F, filters, count) },
        )
    })
}
