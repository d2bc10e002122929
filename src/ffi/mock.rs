//! kf_mock_cluster_t: librdkafka's in-process mock cluster with fault injection, so that
//! programs in any language can be tested without a broker. Point a client at it with
//! bootstrap.servers = kf_mock_cluster_bootstrap_servers().
//!
//! Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
use std::os::raw::{c_char, c_int};

use super::types::*;
use super::{arg, arg_cstr, call, construct, free_handle, handle, opt, value};
use crate::error::KafkaError;
use crate::kafka::mock::MockCluster;

/// Kafka API key of Produce requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_PRODUCE: i16 = 0;
/// Kafka API key of Fetch requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_FETCH: i16 = 1;
/// Kafka API key of ListOffsets requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_LIST_OFFSETS: i16 = 2;
/// Kafka API key of Metadata requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_METADATA: i16 = 3;
/// Kafka API key of OffsetCommit requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_OFFSET_COMMIT: i16 = 8;
/// Kafka API key of OffsetFetch requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_OFFSET_FETCH: i16 = 9;
/// Kafka API key of FindCoordinator requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_FIND_COORDINATOR: i16 = 10;
/// Kafka API key of JoinGroup requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_JOIN_GROUP: i16 = 11;
/// Kafka API key of Heartbeat requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_HEARTBEAT: i16 = 12;
/// Kafka API key of LeaveGroup requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_LEAVE_GROUP: i16 = 13;
/// Kafka API key of SyncGroup requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_SYNC_GROUP: i16 = 14;
/// Kafka API key of InitProducerId requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_INIT_PRODUCER_ID: i16 = 22;
/// Kafka API key of AddPartitionsToTxn requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_ADD_PARTITIONS_TO_TXN: i16 = 24;
/// Kafka API key of AddOffsetsToTxn requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_ADD_OFFSETS_TO_TXN: i16 = 25;
/// Kafka API key of EndTxn requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_END_TXN: i16 = 26;
/// Kafka API key of TxnOffsetCommit requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_TXN_OFFSET_COMMIT: i16 = 28;
/// Kafka API key of ConsumerGroupHeartbeat (KIP-848) requests, for kf_mock_cluster_push_request_errors() (any
/// API key number is accepted there).
pub const KF_APIKEY_CONSUMER_GROUP_HEARTBEAT: i16 = 68;

fn mock<'a>(m: *const kf_mock_cluster_t, func: &str) -> Result<&'a MockCluster, KafkaError> {
    handle(m, func, "cluster")
}

/// Starts a mock cluster of `broker_count` brokers (ids 1..broker_count) listening on
/// 127.0.0.1 ports chosen by the system. Topics are auto-created on first use.
///
/// Returns: caller owns; kf_mock_cluster_destroy(). NULL on failure with `*err_out` set when not
/// NULL (KF_ERR__INVALID_ARG for broker_count < 1).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_new(
    broker_count: c_int,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_mock_cluster_t {
    construct("kf_mock_cluster_new", err_out, || {
        Ok(Box::new(MockCluster::new(broker_count)?))
    })
}

/// Stops the cluster. Destroy the clients using it first. NULL is a no-op.
/// Thread safety: once, with no other call on the mock cluster running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_destroy(cluster: *mut kf_mock_cluster_t) {
    value((), || unsafe { free_handle(cluster) })
}

/// The cluster's bootstrap.servers value. Returns: borrowed, valid until
/// kf_mock_cluster_destroy(); NULL when `cluster` is NULL.
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_bootstrap_servers(
    cluster: *const kf_mock_cluster_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        opt(cluster).map_or(std::ptr::null(), |m| m.bootstrap_servers().as_ptr())
    })
}

/// Creates a topic with `partition_count` partitions and `replication_factor` replicas.
/// Errors: KF_ERR__INVALID_ARG (also for a count or factor below 1);
/// KF_ERR_TOPIC_ALREADY_EXISTS.
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_topic_create(
    cluster: *mut kf_mock_cluster_t,
    topic: *const c_char,
    partition_count: c_int,
    replication_factor: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_mock_cluster_topic_create";
    call(F, || unsafe {
        // librdkafka's mock aborts the process on a negative count (calloc of a huge size).
        if partition_count < 1 || replication_factor < 1 {
            return Err(KafkaError::invalid_arg(format!(
                "{F}: partition_count ({partition_count}) and replication_factor \
                 ({replication_factor}) must be at least 1"
            )));
        }
        mock(cluster, F)?.topic_create(
            arg_cstr(topic, F, "topic")?,
            partition_count,
            replication_factor,
        )
    })
}

/// Takes broker `broker_id` down (-1: every broker): its connections are closed and new ones
/// refused. Errors: KF_ERR__INVALID_ARG; KF_ERR_BROKER_NOT_AVAILABLE (no broker `broker_id`).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_broker_down(
    cluster: *mut kf_mock_cluster_t,
    broker_id: i32,
) -> *mut kf_error_t {
    call("kf_mock_cluster_broker_down", || {
        mock(cluster, "kf_mock_cluster_broker_down")?.broker_set_down(broker_id)
    })
}

/// Brings broker `broker_id` (-1: every broker) back up.
/// Errors: KF_ERR__INVALID_ARG; KF_ERR_BROKER_NOT_AVAILABLE (no broker `broker_id`).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_broker_up(
    cluster: *mut kf_mock_cluster_t,
    broker_id: i32,
) -> *mut kf_error_t {
    call("kf_mock_cluster_broker_up", || {
        mock(cluster, "kf_mock_cluster_broker_up")?.broker_set_up(broker_id)
    })
}

/// Delays every response of broker `broker_id` (-1: every broker) by `rtt_ms` (0 removes the
/// delay). Errors: KF_ERR__INVALID_ARG; KF_ERR_BROKER_NOT_AVAILABLE (no broker `broker_id`).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_broker_set_rtt(
    cluster: *mut kf_mock_cluster_t,
    broker_id: i32,
    rtt_ms: c_int,
) -> *mut kf_error_t {
    call("kf_mock_cluster_broker_set_rtt", || {
        mock(cluster, "kf_mock_cluster_broker_set_rtt")?.broker_set_rtt(broker_id, rtt_ms)
    })
}

/// Makes the next `count` requests of API `api_key` (KF_APIKEY_ constants) to any broker fail
/// with `errors[0..count]` in order (KF_ERR_ codes; 0 lets one through).
/// Errors: KF_ERR__INVALID_ARG (NULL cluster, NULL errors with a count).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_push_request_errors(
    cluster: *mut kf_mock_cluster_t,
    api_key: i16,
    errors: *const i32,
    count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_mock_cluster_push_request_errors";
    call(F, || unsafe {
        let m = mock(cluster, F)?;
        if count > 0 {
            arg(errors, F, "errors")?;
        }
        let errs = if count == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(errors, count)
        };
        m.push_request_errors(api_key, errs);
        Ok(())
    })
}

/// Makes the next request of API `api_key` to broker `broker_id` fail with `error` after a
/// delay of `rtt_ms` (e.g. an EndTxn that times out, then fails).
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__UNKNOWN_BROKER.
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_push_broker_request_error(
    cluster: *mut kf_mock_cluster_t,
    broker_id: i32,
    api_key: i16,
    error: i32,
    rtt_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_mock_cluster_push_broker_request_error";
    call(F, || {
        mock(cluster, F)?.push_broker_request_error_rtt(broker_id, api_key, error, rtt_ms)
    })
}

/// Drops the request errors still pushed for API `api_key`. Errors: KF_ERR__INVALID_ARG.
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_clear_request_errors(
    cluster: *mut kf_mock_cluster_t,
    api_key: i16,
) -> *mut kf_error_t {
    call("kf_mock_cluster_clear_request_errors", || {
        mock(cluster, "kf_mock_cluster_clear_request_errors")?.clear_request_errors(api_key);
        Ok(())
    })
}

/// Moves the leadership of `topic` [`partition`] to broker `broker_id` (-1: no leader). An
/// unknown topic is auto-created first (with `partition` + 1 partitions), as the mock does.
/// Errors: KF_ERR__INVALID_ARG (also for a negative partition); KF_ERR_UNKNOWN_TOPIC_OR_PART
/// (no such partition); KF_ERR_BROKER_NOT_AVAILABLE (no broker `broker_id`).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_partition_set_leader(
    cluster: *mut kf_mock_cluster_t,
    topic: *const c_char,
    partition: i32,
    broker_id: i32,
) -> *mut kf_error_t {
    const F: &str = "kf_mock_cluster_partition_set_leader";
    call(F, || unsafe {
        // librdkafka's mock indexes its partition array with a negative partition unchecked.
        if partition < 0 {
            return Err(KafkaError::invalid_arg(format!(
                "{F}: partition ({partition}) must be 0 or more"
            )));
        }
        mock(cluster, F)?.partition_set_leader(arg_cstr(topic, F, "topic")?, partition, broker_id)
    })
}

/// Moves a coordinator to broker `broker_id`: `key_type` "group" (key: a group id) or
/// "transaction" (key: a transactional.id).
/// Errors: KF_ERR__INVALID_ARG (also for another key_type).
/// Thread safety: any thread; the fault-injection calls may run while clients use the cluster.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_mock_cluster_coordinator_set(
    cluster: *mut kf_mock_cluster_t,
    key_type: *const c_char,
    key: *const c_char,
    broker_id: i32,
) -> *mut kf_error_t {
    const F: &str = "kf_mock_cluster_coordinator_set";
    call(F, || unsafe {
        let m = mock(cluster, F)?;
        let kt = arg_cstr(key_type, F, "key_type")?;
        if kt.to_bytes() != b"group" && kt.to_bytes() != b"transaction" {
            return Err(KafkaError::invalid_arg(format!(
                "{F}: key_type must be \"group\" or \"transaction\""
            )));
        }
        m.coordinator_set(kt, arg_cstr(key, F, "key")?, broker_id)
    })
}
