//! kf_admin_options_t: an operation's options (Python's admin keyword arguments).
use std::os::raw::c_int;

use super::super::types::*;
use super::super::{arg, call, free_handle, handle_mut, in_fn, new_handle, value};
use super::kf_admin_options_t;
use crate::error::{KResult, KafkaError};
use crate::kafka::admin::inputs::check_range;
use crate::kafka::admin::AdminOptions;

/// New options with every value at its default (request timeout: socket.timeout.ms; operation
/// timeout: 0, i.e. the broker does not wait for the change to propagate; validate_only off;
/// authorized operations not included; stable offsets not required; isolation level
/// read_uncommitted; no state or type filter).
///
/// Returns: caller owns; free with kf_admin_options_destroy(). Never NULL. The same options may
/// be passed to any number of operations; each operation copies them. An operation refuses an
/// option it does not take (KF_ERR__INVALID_ARG naming the option).
/// Thread safety: one thread at a time per options object.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_options_new() -> *mut kf_admin_options_t {
    value(std::ptr::null_mut(), || {
        new_handle::<kf_admin_options_t>(Box::default())
    })
}

/// Frees options. NULL is a no-op.
/// Thread safety: once, with no other call on the admin options running.
/// Blocks: no.
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
/// KF_ERR__TIMED_OUT. The consumer group operations' retries of a loading or moving coordinator
/// stop there too. All operations take it.
///
/// Errors: KF_ERR__INVALID_ARG for NULL options or a negative timeout.
/// Thread safety: one thread at a time per options object.
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
/// Blocks: no.
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
