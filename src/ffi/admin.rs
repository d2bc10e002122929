//! kf_admin_t: Python's AdminClient.
//!
//! Every operation has the Python client's name and comes in two forms:
//! - `kf_admin_<op>(admin, inputs..., options, &result)` starts the operation and waits for its
//!   result, serving the admin client's callbacks (error, stats, log, throttle, oauth) on the
//!   calling thread while it waits;
//! - `kf_admin_<op>_async(admin, inputs..., options, callback, opaque)` starts it and returns; the
//!   result is handed to `callback` by a later kf_admin_poll() on the thread inside it.
//!
//! Either way the result (kf_admin_result_t) lists every item (topic, resource, group, user,
//! ACL binding or filter, partition) with its own value or its own error: one item's failure
//! never hides the others. Inputs are copied when the operation starts; the caller keeps owning
//! them and may destroy them right after the call.
//!
//! Thread safety: an admin client may be used from many threads at once, except that
//! kf_admin_destroy() must not race with any other call on it.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

use super::callback::Opaque;
use super::types::*;
use super::{
    arg, arg_cstr, call, construct, free_handle, handle, handle_mut, in_fn, opt, out_arg, value,
    Handle,
};
use crate::error::{KResult, KafkaError};
use crate::kafka::admin::inputs::{
    check_range, AclSpec, ConfigResource, NewPartitions, NewTopic, ScramAlteration,
};
use crate::kafka::admin::result::AdminResult;
use crate::kafka::admin::{Admin, AdminOptions, GroupPartitions, Request, ResultCallback};

pub mod inputs;
pub mod result;

/// An admin client (Python's AdminClient).
pub struct kf_admin_t {
    _opaque: [u8; 0],
}

/// Options of an admin operation (Python's keyword arguments request_timeout,
/// operation_timeout, validate_only, ...). NULL wherever an operation takes options means the
/// defaults.
pub struct kf_admin_options_t {
    _opaque: [u8; 0],
}

/// The result of an admin operation: an error for the request as a whole (if any) and the
/// items, each with its own value or its own error. Every pointer its accessors return (names,
/// errors, descriptions, entries, nodes, ACL bindings, partition lists) is borrowed from it and
/// valid until kf_admin_result_destroy(); never free one. A result is immutable: its accessors
/// may be called from any thread, and return NULL, 0 or -1 (as documented on each) for a NULL
/// handle or an index out of range.
pub struct kf_admin_result_t {
    _opaque: [u8; 0],
}

/// A topic to create (Python's NewTopic).
pub struct kf_new_topic_t {
    _opaque: [u8; 0],
}

/// Partitions to add to a topic (Python's NewPartitions).
pub struct kf_new_partitions_t {
    _opaque: [u8; 0],
}

/// A resource whose configuration is described or altered (Python's ConfigResource).
pub struct kf_config_resource_t {
    _opaque: [u8; 0],
}

/// An ACL binding or an ACL binding filter (Python's AclBinding / AclBindingFilter); also the
/// bindings listed in describe_acls and delete_acls results.
pub struct kf_acl_binding_t {
    _opaque: [u8; 0],
}

/// A SCRAM credential upsertion or deletion (Python's UserScramCredentialUpsertion /
/// UserScramCredentialDeletion).
pub struct kf_user_scram_credential_alteration_t {
    _opaque: [u8; 0],
}

/// A configuration entry of a describe_configs result (Python's ConfigEntry); borrowed from
/// the result.
pub struct kf_config_entry_t {
    _opaque: [u8; 0],
}

/// A topic description (Python's TopicDescription); borrowed from the result.
pub struct kf_topic_description_t {
    _opaque: [u8; 0],
}

/// A broker (Python's Node); borrowed from the result.
pub struct kf_node_t {
    _opaque: [u8; 0],
}

/// The cluster description of describe_cluster (Python's DescribeClusterResult); borrowed
/// from the result.
pub struct kf_cluster_description_t {
    _opaque: [u8; 0],
}

/// A consumer group of list_consumer_groups (Python's ConsumerGroupListing); borrowed from
/// the result.
pub struct kf_consumer_group_listing_t {
    _opaque: [u8; 0],
}

/// A consumer group description (Python's ConsumerGroupDescription); borrowed from the
/// result.
pub struct kf_consumer_group_description_t {
    _opaque: [u8; 0],
}

/// A member of a consumer group description (Python's MemberDescription); borrowed from the
/// result.
pub struct kf_member_description_t {
    _opaque: [u8; 0],
}

macro_rules! admin_handles {
    ($($name:ident => $target:ty;)*) => {$(
        unsafe impl Handle for $name {
            type Target = $target;
        }
    )*};
}

admin_handles! {
    kf_admin_t => Admin;
    kf_admin_options_t => AdminOptions;
    kf_admin_result_t => AdminResult;
    kf_new_topic_t => NewTopic;
    kf_new_partitions_t => NewPartitions;
    kf_config_resource_t => ConfigResource;
    kf_acl_binding_t => AclSpec;
    kf_user_scram_credential_alteration_t => ScramAlteration;
    kf_config_entry_t => crate::kafka::admin::result::ConfigEntry;
    kf_topic_description_t => crate::kafka::admin::result::TopicDescription;
    kf_node_t => crate::kafka::admin::result::Node;
    kf_cluster_description_t => crate::kafka::admin::result::ClusterDescription;
    kf_consumer_group_listing_t => crate::kafka::admin::result::GroupListing;
    kf_consumer_group_description_t => crate::kafka::admin::result::GroupDescription;
    kf_member_description_t => crate::kafka::admin::result::Member;
}

/// The result of an asynchronous admin operation (the `_async` forms). `result` is borrowed for
/// the duration of the call: read what you need (or keep copies) before returning.
/// Runs on: the application thread inside kf_admin_poll(). The callback may start other admin
/// operations (blocking ones too) but not call kf_admin_poll() or kf_admin_destroy() (they fail
/// with KF_ERR__STATE there).
pub type kf_admin_result_cb =
    Option<unsafe extern "C" fn(opaque: *mut c_void, result: *const kf_admin_result_t)>;

/// A consumer group with the partitions an offsets operation concerns (Python's
/// ConsumerGroupTopicPartitions). `partitions` may be NULL for list_consumer_group_offsets (all
/// the group's partitions); alter_consumer_group_offsets reads each element's offset (and
/// metadata and leader epoch).
#[repr(C)]
pub struct kf_consumer_group_topic_partitions_t {
    pub group_id: *const c_char,
    pub partitions: *const kf_topic_partition_list_t,
}

fn admin<'a>(p: *const kf_admin_t, func: &str) -> KResult<&'a Admin> {
    let a: &Admin = handle(p, func, "admin")?;
    a.client.check_fork(func)?;
    Ok(a)
}

// ---------------------------------------------------------------------------------------------
// the client

/// A new admin client. `config` is copied; its error, throttle, stats, log and oauth callbacks
/// are served inside kf_admin_poll() and every blocking admin call (delivery and commit
/// callbacks do not apply).
///
/// Returns: caller owns; free with kf_admin_destroy(). NULL on failure, with `*err_out` set when
/// `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL config, or a config librdkafka refuses).
/// fork(): in a child process forked after this call, every call on the admin client fails with
/// KF_ERR__FORKED and kf_admin_destroy() frees nothing of librdkafka (the child leaks it; the
/// parent's admin client is unaffected). Create a new admin client in the child.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_new(
    config: *const kf_config_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_admin_t {
    construct("kf_admin_new", err_out, || {
        let c = handle(config, "kf_admin_new", "config")?;
        Ok(Box::new(Admin::new(c)?))
    })
}

/// Destroys the admin client without waiting. Operations still running are abandoned: their
/// asynchronous callbacks never run. Runs no callback. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this client's callbacks (then nothing is
/// destroyed).
/// Thread safety: no other call on this admin client may run concurrently or follow.
#[no_mangle]
pub extern "C" fn kf_admin_destroy(admin: *mut kf_admin_t) -> *mut kf_error_t {
    call("kf_admin_destroy", || {
        let Some(a) = opt(admin) else {
            return Ok(());
        };
        if a.client.in_callback() {
            return Err(KafkaError::state(
                "kf_admin_destroy: called from inside one of this admin client's callbacks",
            ));
        }
        unsafe { free_handle(admin) };
        Ok(())
    })
}

/// Serves the results of asynchronous operations (their callbacks) and the client's callbacks,
/// waiting up to `timeout_ms` for the first (0: don't wait; -1: wait indefinitely).
/// `*served_out` (may be NULL) gets the number served.
///
/// Blocks: up to `timeout_ms`; kf_admin_wake() ends the wait with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (NULL admin); KF_ERR__STATE when called from inside one of this
/// client's callbacks; KF_ERR__INTR when woken.
/// Thread safety: any thread; callbacks run on the calling thread.
#[no_mangle]
pub extern "C" fn kf_admin_poll(
    admin: *mut kf_admin_t,
    timeout_ms: c_int,
    served_out: *mut c_int,
) -> *mut kf_error_t {
    call("kf_admin_poll", || {
        let n = self::admin(admin, "kf_admin_poll")?.poll(timeout_ms)?;
        if !served_out.is_null() {
            unsafe { *served_out = n };
        }
        Ok(())
    })
}

/// Makes a kf_admin_poll() or a blocking admin operation waiting on another thread return at
/// once with KF_ERR__INTR (the operation itself still runs; its result is dropped). With no call
/// waiting, the next one returns KF_ERR__INTR at once.
///
/// Errors: KF_ERR__INVALID_ARG (NULL admin). Thread safety: any thread (not a signal handler).
#[no_mangle]
pub extern "C" fn kf_admin_wake(admin: *mut kf_admin_t) -> *mut kf_error_t {
    call("kf_admin_wake", || {
        self::admin(admin, "kf_admin_wake")?.client.wake();
        Ok(())
    })
}

/// A file descriptor that becomes readable when kf_admin_poll() has work to serve (a callback
/// or an asynchronous result), for event loops. Drain it (read until EAGAIN), then call
/// kf_admin_poll(0). The descriptor belongs to the admin client: do not close it; it lives until
/// kf_admin_destroy().
///
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when no pipe can be created.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_event_fd(admin: *mut kf_admin_t, fd_out: *mut c_int) -> *mut kf_error_t {
    call("kf_admin_event_fd", || unsafe {
        let a = self::admin(admin, "kf_admin_event_fd")?;
        let out = out_arg(fd_out, "kf_admin_event_fd", "fd_out")?;
        *out = a.client.event_fd()?;
        Ok(())
    })
}

/// Cluster metadata for `topic`, or for all topics when `topic` is NULL (Python's
/// AdminClient.list_topics).
///
/// `metadata_out`: on success, caller owns; free with kf_metadata_destroy().
/// Blocks: up to `timeout_ms`, serving callbacks. Errors: KF_ERR__INVALID_ARG;
/// KF_ERR__TIMED_OUT; KF_ERR__TRANSPORT.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_list_topics(
    admin: *mut kf_admin_t,
    topic: *const c_char,
    timeout_ms: c_int,
    metadata_out: *mut *mut kf_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_topics";
    call(F, || unsafe {
        let a = self::admin(admin, F)?;
        let t = if topic.is_null() {
            None
        } else {
            Some(arg_cstr(topic, F, "topic")?)
        };
        let out = out_arg(metadata_out, F, "metadata_out")?;
        *out = a.list_topics(t, timeout_ms)? as *mut kf_metadata_t;
        Ok(())
    })
}

/// Replaces the SASL PLAIN/SCRAM username and password; used from the next (re)authentication.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_set_sasl_credentials(
    admin: *mut kf_admin_t,
    username: *const c_char,
    password: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_set_sasl_credentials";
    call(F, || unsafe {
        let a = self::admin(admin, F)?;
        let u = arg_cstr(username, F, "username")?;
        let p = arg_cstr(password, F, "password")?;
        let err = rdkafka_sys::rd_kafka_sasl_set_credentials(a.client.rk, u.as_ptr(), p.as_ptr());
        match KafkaError::from_rd_error(err) {
            None => Ok(()),
            Some(e) => Err(e),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// options

/// New options with every value at its default (request timeout: socket.timeout.ms; operation
/// timeout: 0, i.e. the broker does not wait for the change to propagate; validate_only off;
/// authorized operations not included; stable offsets not required; isolation level
/// read_uncommitted; no state or type filter).
///
/// Returns: caller owns; free with kf_admin_options_destroy(). Never NULL. The same options may
/// be passed to any number of operations; each operation copies them. An operation refuses an
/// option it does not take (KF_ERR__INVALID_ARG naming the option).
/// Thread safety: one thread at a time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_new() -> *mut kf_admin_options_t {
    value(std::ptr::null_mut(), || {
        super::new_handle::<kf_admin_options_t>(Box::default())
    })
}

/// Frees options. NULL is a no-op.
#[no_mangle]
pub extern "C" fn kf_admin_options_destroy(options: *mut kf_admin_options_t) {
    value((), || unsafe { free_handle(options) })
}

fn options_mut<'a>(o: *mut kf_admin_options_t, func: &str) -> KResult<&'a mut AdminOptions> {
    handle_mut(o, func, "options")
}

fn check_timeout(func: &str, ms: c_int) -> KResult<()> {
    if ms < 0 {
        Err(KafkaError::invalid_arg(format!(
            "{func}: timeout_ms {ms} is negative"
        )))
    } else {
        Ok(())
    }
}

/// Sets the overall time an operation may take (broker lookup, request, response), in
/// milliseconds (Python's request_timeout). When it passes, every item not yet answered gets
/// KF_ERR__TIMED_OUT. All operations take it.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options or a negative timeout.
/// Thread safety: one thread at a time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_request_timeout(
    options: *mut kf_admin_options_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_request_timeout";
    call(F, || {
        let o = options_mut(options, F)?;
        check_timeout(F, timeout_ms)?;
        o.request_timeout_ms = Some(timeout_ms);
        Ok(())
    })
}

/// Sets how long the broker waits for the operation to complete on the cluster before
/// answering, in milliseconds (Python's operation_timeout; 0: answer at once). Taken by
/// create_topics, delete_topics, create_partitions, delete_records, list_offsets and
/// elect_leaders.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options or a negative timeout.
/// Thread safety: one thread at a time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_operation_timeout(
    options: *mut kf_admin_options_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_operation_timeout";
    call(F, || {
        let o = options_mut(options, F)?;
        check_timeout(F, timeout_ms)?;
        o.operation_timeout_ms = Some(timeout_ms);
        Ok(())
    })
}

/// Only validates the request on the broker, without applying it (Python's validate_only).
/// Taken by create_topics, create_partitions, alter_configs and incremental_alter_configs.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options. Thread safety: one thread at a time per options
/// object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_validate_only(
    options: *mut kf_admin_options_t,
    validate_only: bool,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_validate_only";
    call(F, || {
        options_mut(options, F)?.validate_only = Some(validate_only);
        Ok(())
    })
}

/// Asks for the authorized operations of each topic, group or the cluster (Python's
/// include_authorized_operations). Taken by describe_topics, describe_consumer_groups and
/// describe_cluster.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options. Thread safety: one thread at a time per options
/// object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_include_authorized_operations(
    options: *mut kf_admin_options_t,
    include: bool,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_include_authorized_operations";
    call(F, || {
        options_mut(options, F)?.include_authorized_operations = Some(include);
        Ok(())
    })
}

/// Asks the broker to return only stable offsets (Python's require_stable). Taken by
/// list_consumer_group_offsets.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options. Thread safety: one thread at a time per options
/// object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_require_stable_offsets(
    options: *mut kf_admin_options_t,
    require_stable: bool,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_require_stable_offsets";
    call(F, || {
        options_mut(options, F)?.require_stable_offsets = Some(require_stable);
        Ok(())
    })
}

/// Sets the isolation level (KF_ISOLATION_LEVEL_READ_UNCOMMITTED or
/// KF_ISOLATION_LEVEL_READ_COMMITTED; Python's isolation_level). Taken by list_offsets.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options or another value. Thread safety: one thread at a
/// time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_isolation_level(
    options: *mut kf_admin_options_t,
    isolation_level: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_isolation_level";
    call(F, || {
        let o = options_mut(options, F)?;
        check_range("isolation_level", isolation_level, 0, 1).map_err(in_fn(F))?;
        o.isolation_level = Some(isolation_level);
        Ok(())
    })
}

unsafe fn int_list(
    func: &str,
    what: &str,
    p: *const c_int,
    n: usize,
    max: i32,
) -> KResult<Vec<i32>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    arg(p, func, what)?;
    let v = std::slice::from_raw_parts(p, n).to_vec();
    for &x in &v {
        check_range(what, x, 0, max).map_err(in_fn(func))?;
    }
    Ok(v)
}

/// Lists only the groups in one of these states (KF_CONSUMER_GROUP_STATE_*; Python's states).
/// `count` 0 removes the filter. Taken by list_consumer_groups. The array is copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options, NULL `states` with a count, or an unknown state.
/// Thread safety: one thread at a time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_match_consumer_group_states(
    options: *mut kf_admin_options_t,
    states: *const c_int,
    count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_match_consumer_group_states";
    call(F, || unsafe {
        let o = options_mut(options, F)?;
        let v = int_list(F, "states", states, count, 5)?;
        o.match_states = (!v.is_empty()).then_some(v);
        Ok(())
    })
}

/// Lists only the groups of one of these types (KF_CONSUMER_GROUP_TYPE_CONSUMER,
/// KF_CONSUMER_GROUP_TYPE_CLASSIC; Python's types). `count` 0 removes the filter. Taken by
/// list_consumer_groups. The array is copied.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options, NULL `types` with a count, or an unknown type.
/// Thread safety: one thread at a time per options object.
#[no_mangle]
pub extern "C" fn kf_admin_options_set_match_consumer_group_types(
    options: *mut kf_admin_options_t,
    types: *const c_int,
    count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_options_set_match_consumer_group_types";
    call(F, || unsafe {
        let o = options_mut(options, F)?;
        let v = int_list(F, "types", types, count, 2)?;
        o.match_types = (!v.is_empty()).then_some(v);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// running operations

/// How an operation's result is delivered.
enum Delivery {
    Wait(*mut *mut kf_admin_result_t),
    Callback(ResultCallback),
}

/// Checks the common arguments, builds the request and runs it.
fn run<'a>(
    func: &str,
    admin_p: *mut kf_admin_t,
    options: *const kf_admin_options_t,
    delivery: Delivery,
    build: impl FnOnce() -> KResult<Request<'a>>,
) -> KResult<()> {
    let a = admin(admin_p, func)?;
    if let Delivery::Wait(out) = delivery {
        out_arg(out, func, "result_out")?;
    }
    let opts = opt(options);
    let req = build()?;
    match delivery {
        Delivery::Wait(out) => {
            let res = a.run(&req, opts).map_err(in_fn(func))?;
            unsafe { *out = super::new_handle::<kf_admin_result_t>(Box::new(res)) };
            Ok(())
        }
        Delivery::Callback(cb) => a.run_async(&req, opts, cb).map_err(in_fn(func)),
    }
}

fn wait(out: *mut *mut kf_admin_result_t) -> Delivery {
    Delivery::Wait(out)
}

/// The C callback as the domain's closure. The opaque has no free function here (the `_async`
/// forms take none): it is only carried to the callback, which runs at most once.
fn callback(func: &str, cb: kf_admin_result_cb, opaque: *mut c_void) -> KResult<Delivery> {
    let f = cb.ok_or_else(|| KafkaError::invalid_arg(format!("{func}: callback is NULL")))?;
    let opaque = Opaque::new(opaque, None);
    let cb: ResultCallback = Box::new(move |r: &AdminResult| unsafe {
        f(
            opaque.get(),
            r as *const AdminResult as *const kf_admin_result_t,
        )
    });
    Ok(Delivery::Callback(cb))
}

/// An array of `n` handles (none NULL).
unsafe fn handles<'a, H: Handle>(
    p: *const *const H,
    n: usize,
    func: &str,
    what: &str,
) -> KResult<Vec<&'a H::Target>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    arg(p, func, what)?;
    std::slice::from_raw_parts(p, n)
        .iter()
        .enumerate()
        .map(|(i, &h)| handle(h, func, &format!("{what}[{i}]")))
        .collect()
}

/// An array of `n` UTF-8 strings (none NULL).
unsafe fn strings<'a>(
    p: *const *const c_char,
    n: usize,
    func: &str,
    what: &str,
) -> KResult<Vec<&'a CStr>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    arg(p, func, what)?;
    std::slice::from_raw_parts(p, n)
        .iter()
        .enumerate()
        .map(|(i, &s)| arg_cstr(s, func, &format!("{what}[{i}]")))
        .collect()
}

unsafe fn groups<'a>(
    p: *const kf_consumer_group_topic_partitions_t,
    n: usize,
    func: &str,
    partitions_required: bool,
) -> KResult<Vec<GroupPartitions<'a>>> {
    if n == 0 {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: no group given (count is 0)"
        )));
    }
    arg(p, func, "groups")?;
    std::slice::from_raw_parts(p, n)
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let partitions =
                (g.partitions as *const rdkafka_sys::rd_kafka_topic_partition_list_t).as_ref();
            if partitions_required && partitions.is_none() {
                return Err(KafkaError::invalid_arg(format!(
                    "{func}: groups[{i}].partitions is NULL"
                )));
            }
            Ok(GroupPartitions {
                group_id: arg_cstr(g.group_id, func, &format!("groups[{i}].group_id"))?,
                partitions,
            })
        })
        .collect()
}

unsafe fn list<'a>(
    p: *const kf_topic_partition_list_t,
    func: &str,
    what: &str,
) -> KResult<&'a rdkafka_sys::rd_kafka_topic_partition_list_t> {
    arg(
        p as *const rdkafka_sys::rd_kafka_topic_partition_list_t,
        func,
        what,
    )
}

fn acl_filter(func: &str, a: &AclSpec) -> KResult<()> {
    if a.filter {
        Ok(())
    } else {
        Err(KafkaError::invalid_arg(format!(
            "{func}: a binding was given where a filter is expected (use kf_acl_binding_filter_new)"
        )))
    }
}

fn acl_binding(func: &str, a: &AclSpec) -> KResult<()> {
    if a.filter {
        Err(KafkaError::invalid_arg(format!(
            "{func}: a filter was given where a binding is expected (use kf_acl_binding_new)"
        )))
    } else {
        Ok(())
    }
}

// The operations follow. Each blocking form documents the whole contract; its `_async` form
// differs only in how the result is delivered.
//
// Common to every blocking form:
//   `options` may be NULL (defaults). `*result_out`: on success, caller owns; free with
//   kf_admin_result_destroy(). Success means the operation ran: each item carries its own
//   error, and kf_admin_result_error() the request-level one.
//   Blocks: until the result arrives: at most the request timeout (kf_admin_options_set_
//   request_timeout, default socket.timeout.ms) plus a few seconds; serves the client's callbacks
//   meanwhile; kf_admin_wake() ends the wait with KF_ERR__INTR.
// Common to every `_async` form: `callback` (required) gets the result from a later
// kf_admin_poll(); it is not called when the call itself returns an error, nor after
// kf_admin_destroy().

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

/// create_topics, asynchronously: as kf_admin_create_topics(), but returns once the request
/// has started; `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_create_topics() (KF_ERR__INVALID_ARG also for a NULL callback); when the
/// call fails, the callback is never called.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// delete_topics, asynchronously: as kf_admin_delete_topics(); `callback(opaque, result)` gets
/// the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_topics(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// create_partitions, asynchronously: as kf_admin_create_partitions(); `callback(opaque,
/// result)` gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_create_partitions(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_configs(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// alter_configs, asynchronously: as kf_admin_alter_configs(); `callback(opaque, result)` gets
/// the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_alter_configs(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_incremental_alter_configs(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// describe_topics, asynchronously: as kf_admin_describe_topics(); `callback(opaque, result)`
/// gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_topics(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// describe_cluster, asynchronously: as kf_admin_describe_cluster(); `callback(opaque,
/// result)` gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_cluster(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// list_consumer_groups: the consumer groups of the cluster (Python's
/// AdminClient.list_consumer_groups). One item per group (kf_admin_result_item_consumer_group_
/// listing(): id, simple flag, state, type), then one item without a name for each broker that
/// could not be asked (Python's errors list). Options: request timeout, state and type filters.
///
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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
/// result)` gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_list_consumer_groups(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `groups`: `count` UTF-8 group ids. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_describe_consumer_groups(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `groups`: `count` UTF-8 group ids. `options` may be NULL. `*result_out`: on success, caller
/// owns; free with kf_admin_result_destroy().
/// Blocks: until the result arrives (at most the request timeout plus a few seconds), serving
/// callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE; KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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

/// delete_consumer_groups, asynchronously: as kf_admin_delete_consumer_groups();
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_delete_consumer_groups(), plus a NULL callback; on error the callback
/// never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `groups`: `count` (at least 1) elements; each list is copied. `options` may be NULL.
/// `*result_out`: on success, caller owns; free with kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0); KF_ERR__STATE; KF_ERR__INTR;
/// KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Errors: as kf_admin_list_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `groups`: `count` (at least 1) elements, each with a non-NULL `partitions` whose offsets are
/// committed (copied). `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0 or NULL partitions); KF_ERR__STATE;
/// KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Errors: as kf_admin_alter_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `groups`: `count` (at least 1) elements, each with a non-NULL `partitions` (copied).
/// `options` may be NULL. `*result_out`: on success, caller owns; free with
/// kf_admin_result_destroy().
/// Blocks: until every group's result arrives (at most the request timeout plus a few seconds),
/// serving callbacks; kf_admin_wake() ends it with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (also for count 0 or NULL partitions); KF_ERR__STATE;
/// KF_ERR__INTR; KF_ERR__TIMED_OUT.
/// Thread safety: any thread.
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll(), once every group has answered.
///
/// Errors: as kf_admin_delete_consumer_group_offsets(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_create_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// describe_acls, asynchronously: as kf_admin_describe_acls(); `callback(opaque, result)` gets
/// the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_acls(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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

/// describe_user_scram_credentials, asynchronously: as
/// kf_admin_describe_user_scram_credentials(); `callback(opaque, result)` gets the result
/// (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_describe_user_scram_credentials(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
/// `callback(opaque, result)` gets the result (borrowed for the call) from a later
/// kf_admin_poll().
///
/// Errors: as kf_admin_alter_user_scram_credentials(), plus a NULL callback; on error the
/// callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
#[no_mangle]
pub extern "C" fn kf_admin_list_offsets(
    admin: *mut kf_admin_t,
    partitions: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_offsets";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::ListOffsets(list(partitions, F, "partitions")?))
        })
    })
}

/// list_offsets, asynchronously: as kf_admin_list_offsets(); `callback(opaque, result)` gets
/// the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_list_offsets(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
            || unsafe { Ok(Request::ListOffsets(list(partitions, F, "partitions")?)) },
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
#[no_mangle]
pub extern "C" fn kf_admin_delete_records(
    admin: *mut kf_admin_t,
    before_offsets: *const kf_topic_partition_list_t,
    options: *const kf_admin_options_t,
    result_out: *mut *mut kf_admin_result_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_delete_records";
    call(F, || {
        run(F, admin, options, wait(result_out), || unsafe {
            Ok(Request::DeleteRecords(list(
                before_offsets,
                F,
                "before_offsets",
            )?))
        })
    })
}

/// delete_records, asynchronously: as kf_admin_delete_records(); `callback(opaque, result)`
/// gets the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_delete_records(), plus a NULL callback; on error the callback never
/// runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
            || unsafe {
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
        run(F, admin, options, wait(result_out), || unsafe {
            elect_leaders_req(F, election_type, partitions)
        })
    })
}

unsafe fn elect_leaders_req<'a>(
    func: &str,
    election_type: c_int,
    partitions: *const kf_topic_partition_list_t,
) -> KResult<Request<'a>> {
    check_range("election_type", election_type, 0, 1).map_err(in_fn(func))?;
    Ok(Request::ElectLeaders(
        election_type,
        (partitions as *const rdkafka_sys::rd_kafka_topic_partition_list_t).as_ref(),
    ))
}

/// elect_leaders, asynchronously: as kf_admin_elect_leaders(); `callback(opaque, result)` gets
/// the result (borrowed for the call) from a later kf_admin_poll().
///
/// Errors: as kf_admin_elect_leaders(), plus a NULL callback; on error the callback never runs.
/// Thread safety: any thread; the callback runs on the thread inside kf_admin_poll().
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
            || unsafe { elect_leaders_req(F, election_type, partitions) },
        )
    })
}

// ---------------------------------------------------------------------------------------------
// constants

/// Which operation a result answers (kf_admin_result_operation()); librdkafka's numbering.
pub const KF_ADMIN_OP_CREATE_TOPICS: i32 = 1;
/// delete_topics.
pub const KF_ADMIN_OP_DELETE_TOPICS: i32 = 2;
/// create_partitions.
pub const KF_ADMIN_OP_CREATE_PARTITIONS: i32 = 3;
/// alter_configs.
pub const KF_ADMIN_OP_ALTER_CONFIGS: i32 = 4;
/// describe_configs.
pub const KF_ADMIN_OP_DESCRIBE_CONFIGS: i32 = 5;
/// delete_records.
pub const KF_ADMIN_OP_DELETE_RECORDS: i32 = 6;
/// delete_consumer_groups.
pub const KF_ADMIN_OP_DELETE_CONSUMER_GROUPS: i32 = 7;
/// delete_consumer_group_offsets.
pub const KF_ADMIN_OP_DELETE_CONSUMER_GROUP_OFFSETS: i32 = 8;
/// create_acls.
pub const KF_ADMIN_OP_CREATE_ACLS: i32 = 9;
/// describe_acls.
pub const KF_ADMIN_OP_DESCRIBE_ACLS: i32 = 10;
/// delete_acls.
pub const KF_ADMIN_OP_DELETE_ACLS: i32 = 11;
/// list_consumer_groups.
pub const KF_ADMIN_OP_LIST_CONSUMER_GROUPS: i32 = 12;
/// describe_consumer_groups.
pub const KF_ADMIN_OP_DESCRIBE_CONSUMER_GROUPS: i32 = 13;
/// list_consumer_group_offsets.
pub const KF_ADMIN_OP_LIST_CONSUMER_GROUP_OFFSETS: i32 = 14;
/// alter_consumer_group_offsets.
pub const KF_ADMIN_OP_ALTER_CONSUMER_GROUP_OFFSETS: i32 = 15;
/// incremental_alter_configs.
pub const KF_ADMIN_OP_INCREMENTAL_ALTER_CONFIGS: i32 = 16;
/// describe_user_scram_credentials.
pub const KF_ADMIN_OP_DESCRIBE_USER_SCRAM_CREDENTIALS: i32 = 17;
/// alter_user_scram_credentials.
pub const KF_ADMIN_OP_ALTER_USER_SCRAM_CREDENTIALS: i32 = 18;
/// describe_topics.
pub const KF_ADMIN_OP_DESCRIBE_TOPICS: i32 = 19;
/// describe_cluster.
pub const KF_ADMIN_OP_DESCRIBE_CLUSTER: i32 = 20;
/// list_offsets.
pub const KF_ADMIN_OP_LIST_OFFSETS: i32 = 21;
/// elect_leaders.
pub const KF_ADMIN_OP_ELECT_LEADERS: i32 = 22;

/// Resource type (Python's ResourceType): unknown.
pub const KF_RESOURCE_UNKNOWN: i32 = 0;
/// Resource type: any (filters only).
pub const KF_RESOURCE_ANY: i32 = 1;
/// Resource type: a topic.
pub const KF_RESOURCE_TOPIC: i32 = 2;
/// Resource type: a consumer group.
pub const KF_RESOURCE_GROUP: i32 = 3;
/// Resource type: a broker (its id as the name; "" for the cluster-wide default in ACLs).
pub const KF_RESOURCE_BROKER: i32 = 4;
/// Resource type: a transactional id.
pub const KF_RESOURCE_TRANSACTIONAL_ID: i32 = 5;

/// Resource pattern type (Python's ResourcePatternType): unknown.
pub const KF_RESOURCE_PATTERN_UNKNOWN: i32 = 0;
/// Resource pattern type: any (filters only).
pub const KF_RESOURCE_PATTERN_ANY: i32 = 1;
/// Resource pattern type: match (filters only: literal, wildcard or prefixed matches).
pub const KF_RESOURCE_PATTERN_MATCH: i32 = 2;
/// Resource pattern type: the exact name (or "*" for all).
pub const KF_RESOURCE_PATTERN_LITERAL: i32 = 3;
/// Resource pattern type: names with this prefix.
pub const KF_RESOURCE_PATTERN_PREFIXED: i32 = 4;

/// ACL operation (Python's AclOperation): unknown.
pub const KF_ACL_OPERATION_UNKNOWN: i32 = 0;
/// ACL operation: any (filters only).
pub const KF_ACL_OPERATION_ANY: i32 = 1;
/// ACL operation: all operations.
pub const KF_ACL_OPERATION_ALL: i32 = 2;
/// ACL operation: read.
pub const KF_ACL_OPERATION_READ: i32 = 3;
/// ACL operation: write.
pub const KF_ACL_OPERATION_WRITE: i32 = 4;
/// ACL operation: create.
pub const KF_ACL_OPERATION_CREATE: i32 = 5;
/// ACL operation: delete.
pub const KF_ACL_OPERATION_DELETE: i32 = 6;
/// ACL operation: alter.
pub const KF_ACL_OPERATION_ALTER: i32 = 7;
/// ACL operation: describe.
pub const KF_ACL_OPERATION_DESCRIBE: i32 = 8;
/// ACL operation: cluster action.
pub const KF_ACL_OPERATION_CLUSTER_ACTION: i32 = 9;
/// ACL operation: describe configs.
pub const KF_ACL_OPERATION_DESCRIBE_CONFIGS: i32 = 10;
/// ACL operation: alter configs.
pub const KF_ACL_OPERATION_ALTER_CONFIGS: i32 = 11;
/// ACL operation: idempotent write.
pub const KF_ACL_OPERATION_IDEMPOTENT_WRITE: i32 = 12;

/// ACL permission type (Python's AclPermissionType): unknown.
pub const KF_ACL_PERMISSION_TYPE_UNKNOWN: i32 = 0;
/// ACL permission type: any (filters only).
pub const KF_ACL_PERMISSION_TYPE_ANY: i32 = 1;
/// ACL permission type: deny.
pub const KF_ACL_PERMISSION_TYPE_DENY: i32 = 2;
/// ACL permission type: allow.
pub const KF_ACL_PERMISSION_TYPE_ALLOW: i32 = 3;

/// Config entry source (Python's ConfigSource): unknown.
pub const KF_CONFIG_SOURCE_UNKNOWN_CONFIG: i32 = 0;
/// Config source: a dynamic topic config.
pub const KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG: i32 = 1;
/// Config source: a dynamic config of this broker.
pub const KF_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG: i32 = 2;
/// Config source: a dynamic default config of all brokers.
pub const KF_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG: i32 = 3;
/// Config source: the broker's static configuration (server.properties).
pub const KF_CONFIG_SOURCE_STATIC_BROKER_CONFIG: i32 = 4;
/// Config source: Kafka's default.
pub const KF_CONFIG_SOURCE_DEFAULT_CONFIG: i32 = 5;
/// Config source: a group config.
pub const KF_CONFIG_SOURCE_GROUP_CONFIG: i32 = 8;

/// Incremental alter operation (Python's AlterConfigOpType): set the value.
pub const KF_ALTER_CONFIG_OP_TYPE_SET: i32 = 0;
/// Incremental alter operation: delete (revert to the default).
pub const KF_ALTER_CONFIG_OP_TYPE_DELETE: i32 = 1;
/// Incremental alter operation: append to a list value.
pub const KF_ALTER_CONFIG_OP_TYPE_APPEND: i32 = 2;
/// Incremental alter operation: remove from a list value.
pub const KF_ALTER_CONFIG_OP_TYPE_SUBTRACT: i32 = 3;

/// Consumer group state (Python's ConsumerGroupState): unknown.
pub const KF_CONSUMER_GROUP_STATE_UNKNOWN: i32 = 0;
/// Consumer group state: preparing rebalance.
pub const KF_CONSUMER_GROUP_STATE_PREPARING_REBALANCE: i32 = 1;
/// Consumer group state: completing rebalance.
pub const KF_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: i32 = 2;
/// Consumer group state: stable.
pub const KF_CONSUMER_GROUP_STATE_STABLE: i32 = 3;
/// Consumer group state: dead (no such group, or being removed).
pub const KF_CONSUMER_GROUP_STATE_DEAD: i32 = 4;
/// Consumer group state: empty (no members).
pub const KF_CONSUMER_GROUP_STATE_EMPTY: i32 = 5;

/// Consumer group type (Python's ConsumerGroupType): unknown.
pub const KF_CONSUMER_GROUP_TYPE_UNKNOWN: i32 = 0;
/// Consumer group type: the new consumer protocol (KIP-848).
pub const KF_CONSUMER_GROUP_TYPE_CONSUMER: i32 = 1;
/// Consumer group type: the classic protocol.
pub const KF_CONSUMER_GROUP_TYPE_CLASSIC: i32 = 2;

/// Isolation level (Python's IsolationLevel): read uncommitted.
pub const KF_ISOLATION_LEVEL_READ_UNCOMMITTED: i32 = 0;
/// Isolation level: read committed.
pub const KF_ISOLATION_LEVEL_READ_COMMITTED: i32 = 1;

/// SCRAM mechanism (Python's ScramMechanism): unknown.
pub const KF_SCRAM_MECHANISM_UNKNOWN: i32 = 0;
/// SCRAM mechanism: SCRAM-SHA-256.
pub const KF_SCRAM_MECHANISM_SHA_256: i32 = 1;
/// SCRAM mechanism: SCRAM-SHA-512.
pub const KF_SCRAM_MECHANISM_SHA_512: i32 = 2;

/// Leader election type (Python's ElectionType): preferred replica.
pub const KF_ELECTION_TYPE_PREFERRED: i32 = 0;
/// Leader election type: unclean (an out-of-sync replica may become leader).
pub const KF_ELECTION_TYPE_UNCLEAN: i32 = 1;

/// list_offsets specification (Python's OffsetSpec.max_timestamp()): the offset of the record
/// with the largest timestamp.
pub const KF_OFFSET_SPEC_MAX_TIMESTAMP: i64 = -3;
/// list_offsets specification (OffsetSpec.earliest()): the earliest offset.
pub const KF_OFFSET_SPEC_EARLIEST: i64 = -2;
/// list_offsets specification (OffsetSpec.latest()): the offset after the last record.
pub const KF_OFFSET_SPEC_LATEST: i64 = -1;
