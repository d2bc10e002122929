//! What the Python and Go clients offer beside produce and consume: the cluster id and the
//! controller id (for the producer, consumer and admin client alike), the consumer's SASL
//! credentials, rebalance protocol and assignment-lost flag, and the producer's close with a
//! timeout.
use std::os::raw::{c_char, c_int};

use super::admin::kf_admin_t;
use super::types::*;
use super::{arg_cstr, call, in_fn, opt, out_arg, owned_string, value};
use crate::error::KResult;
use crate::kafka::client::Client;
use crate::kafka::cluster::RebalanceProtocol;

/// The rebalance protocol: not in a group yet (or no assignor chosen).
pub const KF_REBALANCE_PROTOCOL_NONE: i32 = 0;
/// The rebalance protocol: eager (range, roundrobin): every rebalance revokes everything.
pub const KF_REBALANCE_PROTOCOL_EAGER: i32 = 1;
/// The rebalance protocol: cooperative (cooperative-sticky): incremental assign and revoke.
pub const KF_REBALANCE_PROTOCOL_COOPERATIVE: i32 = 2;

fn cluster_id_of(
    client: KResult<&Client>,
    timeout_ms: c_int,
    out: *mut *mut c_char,
    func: &str,
) -> KResult<()> {
    let client = client?;
    let out = out_arg(out, func, "cluster_id_out")?;
    let id = client.cluster_id(timeout_ms).map_err(in_fn(func))?;
    unsafe { *out = owned_string(id) };
    Ok(())
}

fn controller_id_of(
    client: KResult<&Client>,
    timeout_ms: c_int,
    out: *mut i32,
    func: &str,
) -> KResult<()> {
    let client = client?;
    let out = out_arg(out, func, "controller_id_out")?;
    let id = client.controller_id(timeout_ms).map_err(in_fn(func))?;
    unsafe { *out = id };
    Ok(())
}

/// The cluster id (Python's list_topics().cluster_id; Java's describeCluster().clusterId()),
/// from the cluster's metadata, fetched if the producer has none yet.
///
/// `cluster_id_out`: on success, caller owns; free with kf_string_free().
/// Errors: KF_ERR__INVALID_ARG (NULL or wrong-kind producer, NULL `cluster_id_out`);
/// KF_ERR__TIMED_OUT when no metadata arrived in time (or the broker is too old to report an
/// id); KF_ERR__STATE when the producer is closed; KF_ERR__FORKED. Inside one of the
/// producer's callbacks it waits without serving callbacks.
/// Blocks: up to `timeout_ms` (-1: no limit; 0: only what is known), serving the producer's
/// callbacks meanwhile. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_producer_cluster_id(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
    cluster_id_out: *mut *mut c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_cluster_id";
    call(F, || {
        let p = super::producer::producer(producer, F).map(|p| &p.client);
        cluster_id_of(p, timeout_ms, cluster_id_out, F)
    })
}

/// The cluster id, as kf_producer_cluster_id(), for a consumer.
///
/// `cluster_id_out`: on success, caller owns; free with kf_string_free().
/// Errors: as kf_producer_cluster_id(); KF_ERR__STATE when the consumer is closed.
/// Blocks: up to `timeout_ms`, serving the consumer's main-queue callbacks (error, stats, log,
/// oauth) meanwhile. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_cluster_id(
    consumer: *mut kf_consumer_t,
    timeout_ms: c_int,
    cluster_id_out: *mut *mut c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_cluster_id";
    call(F, || {
        let c = super::consumer::consumer(consumer, F).map(|c| &c.client);
        cluster_id_of(c, timeout_ms, cluster_id_out, F)
    })
}

/// The cluster id, as kf_producer_cluster_id(), for an admin client.
///
/// `cluster_id_out`: on success, caller owns; free with kf_string_free().
/// Errors: as kf_producer_cluster_id(). Blocks: up to `timeout_ms`, serving the admin
/// client's callbacks meanwhile. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_cluster_id(
    admin: *mut kf_admin_t,
    timeout_ms: c_int,
    cluster_id_out: *mut *mut c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_cluster_id";
    call(F, || {
        let a = super::admin::admin(admin, F).map(|a| &a.client);
        cluster_id_of(a, timeout_ms, cluster_id_out, F)
    })
}

/// The broker id of the cluster's controller (Python's list_topics().controller_id), from the
/// cluster's metadata, fetched if the producer has none yet.
///
/// `controller_id_out`: written on success.
/// Errors: KF_ERR__INVALID_ARG (NULL or wrong-kind producer, NULL `controller_id_out`);
/// KF_ERR__TIMED_OUT when no controller is known in time; KF_ERR__STATE when the producer is
/// closed; KF_ERR__FORKED.
/// Blocks: up to `timeout_ms` (-1: no limit; 0: only what is known), serving the producer's
/// callbacks meanwhile. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_producer_controller_id(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
    controller_id_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_controller_id";
    call(F, || {
        let p = super::producer::producer(producer, F).map(|p| &p.client);
        controller_id_of(p, timeout_ms, controller_id_out, F)
    })
}

/// The controller's broker id, as kf_producer_controller_id(), for a consumer.
///
/// `controller_id_out`: written on success.
/// Errors: as kf_producer_controller_id(); KF_ERR__STATE when the consumer is closed.
/// Blocks: up to `timeout_ms`, serving the consumer's main-queue callbacks meanwhile.
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_controller_id(
    consumer: *mut kf_consumer_t,
    timeout_ms: c_int,
    controller_id_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_controller_id";
    call(F, || {
        let c = super::consumer::consumer(consumer, F).map(|c| &c.client);
        controller_id_of(c, timeout_ms, controller_id_out, F)
    })
}

/// The controller's broker id, as kf_producer_controller_id(), for an admin client.
///
/// `controller_id_out`: written on success.
/// Errors: as kf_producer_controller_id(). Blocks: up to `timeout_ms`, serving the admin
/// client's callbacks meanwhile. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_admin_controller_id(
    admin: *mut kf_admin_t,
    timeout_ms: c_int,
    controller_id_out: *mut i32,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_controller_id";
    call(F, || {
        let a = super::admin::admin(admin, F).map(|a| &a.client);
        controller_id_of(a, timeout_ms, controller_id_out, F)
    })
}

/// Replaces the consumer's SASL PLAIN/SCRAM username and password (Python's
/// Consumer.set_sasl_credentials); used from the next (re)authentication.
///
/// Errors: KF_ERR__INVALID_ARG for NULL or non-UTF-8 arguments or a wrong-kind consumer;
/// KF_ERR__STATE when closed. Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_set_sasl_credentials(
    consumer: *mut kf_consumer_t,
    username: *const c_char,
    password: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_consumer_set_sasl_credentials";
    call(F, || unsafe {
        let c = super::consumer::consumer(consumer, F)?;
        c.client
            .set_sasl_credentials(
                arg_cstr(username, F, "username")?,
                arg_cstr(password, F, "password")?,
            )
            .map_err(in_fn(F))
    })
}

/// The rebalance protocol of the consumer's group (Go's Consumer.GetRebalanceProtocol()):
/// KF_REBALANCE_PROTOCOL_EAGER or KF_REBALANCE_PROTOCOL_COOPERATIVE once the group has chosen
/// its assignor (after the first rebalance), KF_REBALANCE_PROTOCOL_NONE before, and for a NULL
/// or wrong-kind consumer and in a forked child.
///
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_rebalance_protocol(consumer: *const kf_consumer_t) -> i32 {
    value(KF_REBALANCE_PROTOCOL_NONE, || {
        match opt(consumer).map(|c| c.rebalance_protocol()) {
            Some(RebalanceProtocol::Eager) => KF_REBALANCE_PROTOCOL_EAGER,
            Some(RebalanceProtocol::Cooperative) => KF_REBALANCE_PROTOCOL_COOPERATIVE,
            _ => KF_REBALANCE_PROTOCOL_NONE,
        }
    })
}

/// Whether the consumer's current assignment was lost (Go's Consumer.AssignmentLost()): the
/// session timed out or the member was fenced, so the partitions may already be another
/// member's and committing their offsets would fail. Read it in on_revoke (on_lost is called
/// instead when set). false for a NULL or wrong-kind consumer and in a forked child.
///
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_consumer_assignment_lost(consumer: *const kf_consumer_t) -> bool {
    value(false, || opt(consumer).is_some_and(|c| c.assignment_lost()))
}

/// Closes the producer with a deadline, as Java's KafkaProducer.close(timeout) and Python's
/// Producer.close() (which has no timeout): waits up to
/// `timeout_ms` (-1: no limit) for every message to be delivered, serving callbacks (delivery
/// reports) meanwhile, as kf_producer_flush(); then purges what is left, queued and in flight,
/// and serves the purged messages' delivery reports, which carry KF_ERR__PURGE_QUEUE or
/// KF_ERR__PURGE_INFLIGHT. Afterwards every call on the producer fails with KF_ERR__STATE
/// except kf_producer_len(), kf_producer_fatal_error() and kf_producer_destroy(), which still
/// frees it. An open transaction is aborted first, as Python's Producer.close() does (within
/// the same `timeout_ms`); commit it before closing to keep it.
///
/// `remaining_out` (may be NULL): how many messages and reports were still pending at the
/// deadline and were purged, counted as kf_producer_flush() counts (0: everything was
/// delivered).
/// Errors: KF_ERR__INVALID_ARG (NULL or wrong-kind producer); KF_ERR__STATE when already
/// closed or called from inside one of its callbacks; KF_ERR__INTR after kf_producer_wake()
/// (the producer stays open); KF_ERR__FORKED.
/// Blocks: up to `timeout_ms`, plus at most one second to serve the purged reports.
/// Thread safety: any thread, but no other call on the producer should run concurrently.
/// Nullable: `remaining_out`.
#[no_mangle]
pub extern "C" fn kf_producer_close(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
    remaining_out: *mut usize,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_close";
    call(F, || {
        let p = super::producer::producer(producer, F)?;
        let left = p.close(timeout_ms).map_err(in_fn(F))?;
        if !remaining_out.is_null() {
            unsafe { *remaining_out = left };
        }
        Ok(())
    })
}
