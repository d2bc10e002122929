//! The inputs of admin operations: NewTopic, NewPartitions, ConfigResource, AclBinding and
//! AclBindingFilter, SCRAM credential alterations. Each is built with `_new`, completed with
//! `_set_...`, passed to any number of operations (which copy it) and freed with `_destroy`.
//!
//! Thread safety: one thread at a time per object while it is being built; an object that is no
//! longer modified may be passed to operations on several threads at once.
use std::os::raw::{c_char, c_int};

use super::super::types::*;
use super::super::{
    arg_bytes, arg_cstr, call, construct, free_handle, handle_mut, in_fn, opt, value,
};
use super::*;
use crate::error::{KResult, KafkaError};
use crate::kafka::admin::inputs::{
    AclSpec, ConfigResource, NewPartitions, NewTopic, ScramAlteration,
};

unsafe fn broker_ids<'a>(p: *const i32, n: usize, func: &str) -> KResult<&'a [i32]> {
    if n == 0 {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: broker_ids is empty (count is 0)"
        )));
    }
    if p.is_null() {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: broker_ids is NULL"
        )));
    }
    Ok(std::slice::from_raw_parts(p, n))
}

unsafe fn opt_cstr<'a>(
    p: *const c_char,
    func: &str,
    what: &str,
) -> KResult<Option<&'a std::ffi::CStr>> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_cstr(p, func, what).map(Some)
    }
}

fn text(p: &Option<std::ffi::CString>) -> *const c_char {
    p.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

// ---- NewTopic ----

/// A topic to create with `num_partitions` partitions (-1: the broker's num.partitions) and
/// `replication_factor` replicas (-1: the broker's default.replication.factor, and required
/// when replicas are assigned with kf_new_topic_set_replica_assignment()).
///
/// Returns: caller owns; free with kf_new_topic_destroy(). NULL on failure, with `*err_out` set
/// when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL or non-UTF-8 topic, a partition count
/// below -1, a replication factor out of range). A count of 0 is passed on: the broker refuses
/// it for that topic alone (INVALID_PARTITIONS in its result item).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_topic_new(
    topic: *const c_char,
    num_partitions: c_int,
    replication_factor: c_int,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_new_topic_t {
    const F: &str = "kf_new_topic_new";
    construct(F, err_out, || unsafe {
        let t = arg_cstr(topic, F, "topic")?;
        let topic = NewTopic::new(t, num_partitions, replication_factor).map_err(in_fn(F))?;
        Ok(Box::new(topic))
    })
}

/// Assigns the replicas of partition `partition` (0, 1, ... in order, each once) to the brokers
/// `broker_ids` (`count` ids, the first the preferred leader). Requires a replication factor of
/// -1. The array is copied.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL topic or array, count 0, a partition out of order, or
/// a topic with a replication factor.
/// Thread safety: one thread at a time per object.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_topic_set_replica_assignment(
    new_topic: *mut kf_new_topic_t,
    partition: i32,
    broker_ids: *const i32,
    count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_new_topic_set_replica_assignment";
    call(F, || unsafe {
        let t = handle_mut(new_topic, F, "new_topic")?;
        t.set_replica_assignment(partition, self::broker_ids(broker_ids, count, F)?)
            .map_err(in_fn(F))
    })
}

/// Sets a topic configuration entry of the new topic (e.g. "cleanup.policy", "compact"); the
/// broker checks names and values. Both strings are copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL or non-UTF-8 arguments.
/// Thread safety: one thread at a time per object.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_topic_set_config(
    new_topic: *mut kf_new_topic_t,
    name: *const c_char,
    value: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_new_topic_set_config";
    call(F, || unsafe {
        let t = handle_mut(new_topic, F, "new_topic")?;
        t.set_config(arg_cstr(name, F, "name")?, arg_cstr(value, F, "value")?)
            .map_err(in_fn(F))
    })
}

/// Frees a NewTopic. NULL is a no-op.
///
/// Thread safety: no other call on the object may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_topic_destroy(new_topic: *mut kf_new_topic_t) {
    value((), || unsafe { free_handle(new_topic) })
}

// ---- NewPartitions ----

/// Partitions to add to `topic` so that it has `new_total_count` partitions in all.
///
/// Returns: caller owns; free with kf_new_partitions_destroy(). NULL on failure, with `*err_out`
/// set when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL or non-UTF-8 topic, a count of 0
/// or above 100000).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_partitions_new(
    topic: *const c_char,
    new_total_count: usize,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_new_partitions_t {
    const F: &str = "kf_new_partitions_new";
    construct(F, err_out, || unsafe {
        let t = arg_cstr(topic, F, "topic")?;
        Ok(Box::new(
            NewPartitions::new(t, new_total_count).map_err(in_fn(F))?,
        ))
    })
}

/// Assigns the replicas of the `new_partition_index`-th new partition (0 for the first one
/// added, in order, each once) to `broker_ids` (`count` ids). Either every new partition is
/// assigned or none. The array is copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments, count 0 or an index out of order.
/// Thread safety: one thread at a time per object.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_partitions_set_replica_assignment(
    new_partitions: *mut kf_new_partitions_t,
    new_partition_index: i32,
    broker_ids: *const i32,
    count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_new_partitions_set_replica_assignment";
    call(F, || unsafe {
        let p = handle_mut(new_partitions, F, "new_partitions")?;
        p.set_replica_assignment(new_partition_index, self::broker_ids(broker_ids, count, F)?)
            .map_err(in_fn(F))
    })
}

/// Frees a NewPartitions. NULL is a no-op.
///
/// Thread safety: no other call on the object may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_new_partitions_destroy(new_partitions: *mut kf_new_partitions_t) {
    value((), || unsafe { free_handle(new_partitions) })
}

// ---- ConfigResource ----

/// A configuration resource: `restype` (KF_RESOURCE_TOPIC, KF_RESOURCE_BROKER with the broker
/// id as `name`, KF_RESOURCE_GROUP, ...) and `name`.
///
/// Returns: caller owns; free with kf_config_resource_destroy(). NULL on failure, with
/// `*err_out` set when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL or non-UTF-8 name, an
/// unknown resource type).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_resource_new(
    restype: c_int,
    name: *const c_char,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_config_resource_t {
    const F: &str = "kf_config_resource_new";
    construct(F, err_out, || unsafe {
        let n = arg_cstr(name, F, "name")?;
        Ok(Box::new(ConfigResource::new(restype, n).map_err(in_fn(F))?))
    })
}

/// Sets an entry for alter_configs, which replaces the whole configuration with the entries set
/// here: an entry not set reverts to its default. Setting a name again replaces its value.
/// Strings are copied.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL resource, name or value, or non-UTF-8 strings.
/// Thread safety: one thread at a time per object.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_resource_set_config(
    resource: *mut kf_config_resource_t,
    name: *const c_char,
    value: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_config_resource_set_config";
    call(F, || unsafe {
        let r = handle_mut(resource, F, "resource")?;
        r.set_config(arg_cstr(name, F, "name")?, arg_cstr(value, F, "value")?)
            .map_err(in_fn(F))
    })
}

/// Adds an operation for incremental_alter_configs: `op_type` KF_ALTER_CONFIG_OP_TYPE_SET,
/// _DELETE (value ignored, may be NULL), _APPEND or _SUBTRACT (list entries) on entry `name`.
/// Strings are copied.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL resource or name, non-UTF-8 strings, an unknown
/// op_type, a NULL value where one is needed, or a name already added.
/// Thread safety: one thread at a time per object.
/// Blocks: no.
/// Nullable: `value`.
#[no_mangle]
pub extern "C" fn kf_config_resource_add_incremental_config(
    resource: *mut kf_config_resource_t,
    name: *const c_char,
    op_type: c_int,
    value: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_config_resource_add_incremental_config";
    call(F, || unsafe {
        let r = handle_mut(resource, F, "resource")?;
        let n = arg_cstr(name, F, "name")?;
        let v = opt_cstr(value, F, "value")?;
        r.add_incremental_config(n, op_type, v).map_err(in_fn(F))
    })
}

/// Frees a ConfigResource. NULL is a no-op.
///
/// Thread safety: no other call on the object may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_resource_destroy(resource: *mut kf_config_resource_t) {
    value((), || unsafe { free_handle(resource) })
}

// ---- ACL bindings and filters ----

unsafe fn acl_new(
    func: &str,
    filter: bool,
    restype: c_int,
    name: *const c_char,
    resource_pattern_type: c_int,
    principal: *const c_char,
    host: *const c_char,
    operation: c_int,
    permission_type: c_int,
) -> KResult<Box<AclSpec>> {
    let s = |p, what| -> KResult<Option<std::ffi::CString>> {
        Ok(opt_cstr(p, func, what)?.map(|c| c.to_owned()))
    };
    let spec = AclSpec {
        restype,
        name: s(name, "name")?,
        pattern_type: resource_pattern_type,
        principal: s(principal, "principal")?,
        host: s(host, "host")?,
        operation,
        permission_type,
        filter,
    };
    Ok(Box::new(spec.checked().map_err(in_fn(func))?))
}

/// An ACL binding (Python's AclBinding): principal `principal` (e.g. "User:alice") from `host`
/// ("*" for any) is allowed or denied (`permission_type` KF_ACL_PERMISSION_TYPE_ALLOW / _DENY)
/// operation `operation` (KF_ACL_OPERATION_*) on the resources of type `restype`
/// (KF_RESOURCE_TOPIC, ...) named `name` under `resource_pattern_type`
/// (KF_RESOURCE_PATTERN_LITERAL or _PREFIXED). Strings are copied; all are required.
///
/// Returns: caller owns; free with kf_acl_binding_destroy(). NULL on failure, with `*err_out`
/// set when `err_out` is not NULL (KF_ERR__INVALID_ARG naming the value librdkafka refused:
/// NULL strings, ANY / MATCH / UNKNOWN values, values out of range).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_new(
    restype: c_int,
    name: *const c_char,
    resource_pattern_type: c_int,
    principal: *const c_char,
    host: *const c_char,
    operation: c_int,
    permission_type: c_int,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_acl_binding_t {
    const F: &str = "kf_acl_binding_new";
    construct(F, err_out, || unsafe {
        acl_new(
            F,
            false,
            restype,
            name,
            resource_pattern_type,
            principal,
            host,
            operation,
            permission_type,
        )
    })
}

/// An ACL binding filter (Python's AclBindingFilter) for describe_acls and delete_acls: as
/// kf_acl_binding_new(), but NULL strings match any value, and KF_RESOURCE_ANY,
/// KF_RESOURCE_PATTERN_ANY / _MATCH, KF_ACL_OPERATION_ANY and KF_ACL_PERMISSION_TYPE_ANY
/// match any value.
///
/// Returns: caller owns; free with kf_acl_binding_destroy(). NULL on failure, with `*err_out`
/// set when `err_out` is not NULL (KF_ERR__INVALID_ARG for values out of range or UNKNOWN).
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `name`, `principal`, `host`.
#[no_mangle]
pub extern "C" fn kf_acl_binding_filter_new(
    restype: c_int,
    name: *const c_char,
    resource_pattern_type: c_int,
    principal: *const c_char,
    host: *const c_char,
    operation: c_int,
    permission_type: c_int,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_acl_binding_t {
    const F: &str = "kf_acl_binding_filter_new";
    construct(F, err_out, || unsafe {
        acl_new(
            F,
            true,
            restype,
            name,
            resource_pattern_type,
            principal,
            host,
            operation,
            permission_type,
        )
    })
}

/// Frees a binding or filter made by kf_acl_binding_new() or kf_acl_binding_filter_new(). NULL
/// is a no-op. Never pass a binding borrowed from a result.
///
/// Thread safety: no other call on the object may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_destroy(acl: *mut kf_acl_binding_t) {
    value((), || unsafe { free_handle(acl) })
}

/// The resource type of a binding or filter (KF_RESOURCE_*); -1 when `acl` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_restype(acl: *const kf_acl_binding_t) -> c_int {
    value(-1, || opt(acl).map_or(-1, |a| a.restype))
}

/// The resource name (borrowed, valid as long as the binding); NULL when `acl` is NULL or a
/// filter matches any name.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_name(acl: *const kf_acl_binding_t) -> *const c_char {
    value(std::ptr::null(), || {
        opt(acl).map_or(std::ptr::null(), |a| text(&a.name))
    })
}

/// The resource pattern type (KF_RESOURCE_PATTERN_*); -1 when `acl` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_resource_pattern_type(acl: *const kf_acl_binding_t) -> c_int {
    value(-1, || opt(acl).map_or(-1, |a| a.pattern_type))
}

/// The principal (borrowed, valid as long as the binding); NULL when `acl` is NULL or a filter
/// matches any principal.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_principal(acl: *const kf_acl_binding_t) -> *const c_char {
    value(std::ptr::null(), || {
        opt(acl).map_or(std::ptr::null(), |a| text(&a.principal))
    })
}

/// The host (borrowed, valid as long as the binding); NULL when `acl` is NULL or a filter
/// matches any host.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_host(acl: *const kf_acl_binding_t) -> *const c_char {
    value(std::ptr::null(), || {
        opt(acl).map_or(std::ptr::null(), |a| text(&a.host))
    })
}

/// The operation (KF_ACL_OPERATION_*); -1 when `acl` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_operation(acl: *const kf_acl_binding_t) -> c_int {
    value(-1, || opt(acl).map_or(-1, |a| a.operation))
}

/// The permission type (KF_ACL_PERMISSION_TYPE_*); -1 when `acl` is NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_acl_binding_permission_type(acl: *const kf_acl_binding_t) -> c_int {
    value(-1, || opt(acl).map_or(-1, |a| a.permission_type))
}

// ---- SCRAM credentials ----

/// A SCRAM credential to create or replace (Python's UserScramCredentialUpsertion): `user`
/// gets `mechanism` (KF_SCRAM_MECHANISM_SHA_256 or _SHA_512) with `iterations` (4096 or more for
/// Kafka) and the password `password` (`password_len` bytes). `salt` may be NULL (with length
/// 0) for a random salt. Everything is copied.
///
/// Returns: caller owns; free with kf_user_scram_credential_alteration_destroy(). NULL on
/// failure, with `*err_out` set when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL user or
/// password, an unknown mechanism).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_user_scram_credential_upsertion_new(
    user: *const c_char,
    mechanism: c_int,
    iterations: i32,
    password: *const u8,
    password_len: usize,
    salt: *const u8,
    salt_len: usize,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_user_scram_credential_alteration_t {
    const F: &str = "kf_user_scram_credential_upsertion_new";
    construct(F, err_out, || unsafe {
        let u = arg_cstr(user, F, "user")?;
        let pw = arg_bytes(password, password_len, F, "password")?
            .ok_or_else(|| KafkaError::invalid_arg(format!("{F}: password is NULL")))?;
        let s = arg_bytes(salt, salt_len, F, "salt")?;
        let alteration =
            ScramAlteration::upsertion(u, mechanism, iterations, pw, s).map_err(in_fn(F))?;
        Ok(Box::new(alteration))
    })
}

/// A SCRAM credential to delete (Python's UserScramCredentialDeletion): `user`'s credential
/// for `mechanism` (KF_SCRAM_MECHANISM_SHA_256 or _SHA_512).
///
/// Returns: caller owns; free with kf_user_scram_credential_alteration_destroy(). NULL on
/// failure, with `*err_out` set when `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL user, an
/// unknown mechanism).
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_user_scram_credential_deletion_new(
    user: *const c_char,
    mechanism: c_int,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_user_scram_credential_alteration_t {
    const F: &str = "kf_user_scram_credential_deletion_new";
    construct(F, err_out, || unsafe {
        let u = arg_cstr(user, F, "user")?;
        Ok(Box::new(
            ScramAlteration::deletion(u, mechanism).map_err(in_fn(F))?,
        ))
    })
}

/// Frees an upsertion or deletion. NULL is a no-op.
///
/// Thread safety: no other call on the object may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_user_scram_credential_alteration_destroy(
    alteration: *mut kf_user_scram_credential_alteration_t,
) {
    value((), || unsafe { free_handle(alteration) })
}
