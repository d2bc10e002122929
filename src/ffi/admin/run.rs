//! What every operation does at the C boundary: checks the arguments, builds the request from
//! the C inputs, and runs it blocking (a result handed out) or asynchronously (a C callback).
use std::ffi::CStr;
use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use super::super::callback::Opaque;
use super::super::types::*;
use super::super::{arg, arg_cstr, handle, in_fn, new_handle, opt, out_arg, Handle};
use super::client::admin;
use super::{
    kf_admin_options_t, kf_admin_result_t, kf_admin_t, kf_consumer_group_topic_partitions_t,
};
use crate::error::{KResult, KafkaError};
use crate::kafka::admin::inputs::AclSpec;
use crate::kafka::admin::result::AdminResult;
use crate::kafka::admin::{GroupPartitions, Request, ResultCallback};
use crate::kafka::callbacks::OpaqueReleaseFn;
use crate::kafka::topic_partition::PartitionList;

/// The result of an asynchronous admin operation (the `_async` forms), handed over: the
/// callback owns `result` and frees it with kf_admin_result_destroy(), during the callback or
/// later, on any thread. Called at most once per operation. When it will never be called (the
/// admin client is destroyed before the result was handed over), the client's opaque release
/// (kf_config_set_opaque_release_cb()) gets `opaque` instead, once; when the `_async` call
/// itself fails, neither runs and `opaque` stays the caller's.
/// Runs on: the application thread inside kf_admin_poll(). The callback may start other admin
/// operations (blocking ones too) but not call kf_admin_poll() or kf_admin_destroy() (they fail
/// with KF_ERR__STATE there).
pub type kf_admin_result_cb =
    Option<unsafe extern "C" fn(opaque: *mut c_void, result: *mut kf_admin_result_t)>;

type AdminResultFn = unsafe extern "C" fn(*mut c_void, *mut kf_admin_result_t);

/// How an operation's result is delivered.
pub(super) enum Delivery {
    Wait(*mut *mut kf_admin_result_t),
    Callback(AdminResultFn, *mut c_void),
}

/// Checks the common arguments, builds the request and runs it.
pub(super) fn run<'a>(
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
            unsafe { *out = new_handle::<kf_admin_result_t>(Box::new(res)) };
            Ok(())
        }
        Delivery::Callback(f, opaque) => {
            let cb = result_callback(f, opaque, a.client.state.callbacks.opaque_release.clone());
            a.run_async(&req, opts, cb).map_err(in_fn(func))
        }
    }
}

pub(super) fn wait(out: *mut *mut kf_admin_result_t) -> Delivery {
    Delivery::Wait(out)
}

/// Checks an `_async` form's callback.
pub(super) fn callback(
    func: &str,
    cb: kf_admin_result_cb,
    opaque: *mut c_void,
) -> KResult<Delivery> {
    let f = cb.ok_or_else(|| KafkaError::invalid_arg(format!("{func}: callback is NULL")))?;
    Ok(Delivery::Callback(f, opaque))
}

/// The C callback as the domain's closure: the result is handed over as a new handle; an
/// abandoned call's opaque goes to the client's opaque release. (If the closure is dropped
/// uncalled, because the call failed, the opaque is left alone.)
fn result_callback(
    f: AdminResultFn,
    opaque: *mut c_void,
    release: Option<Arc<OpaqueReleaseFn>>,
) -> ResultCallback {
    let opaque = Opaque::new(opaque, None);
    Box::new(move |r: Option<AdminResult>| unsafe {
        match r {
            Some(r) => f(opaque.get(), new_handle::<kf_admin_result_t>(Box::new(r))),
            None => {
                if let Some(release) = release {
                    release(opaque.get())
                }
            }
        }
    })
}

/// An array of `n` handles (none NULL).
pub(super) unsafe fn handles<'a, H: Handle>(
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
pub(super) unsafe fn strings<'a>(
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

pub(super) unsafe fn groups<'a>(
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
            let partitions = opt(g.partitions);
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

pub(super) fn list<'a>(
    p: *const kf_topic_partition_list_t,
    func: &str,
    what: &str,
) -> KResult<&'a PartitionList> {
    handle(p, func, what)
}

pub(super) fn acl_filter(func: &str, a: &AclSpec) -> KResult<()> {
    if a.filter {
        Ok(())
    } else {
        Err(KafkaError::invalid_arg(format!(
            "{func}: a binding was given where a filter is expected (use kf_acl_binding_filter_new)"
        )))
    }
}

pub(super) fn acl_binding(func: &str, a: &AclSpec) -> KResult<()> {
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
// Common to every `_async` form: `callback` (required) gets the result, handed over, from a
// later kf_admin_poll(); it is not called when the call itself returns an error, nor after
// kf_admin_destroy() (which gives the opaque to the opaque release instead): see
// kf_admin_result_cb.
