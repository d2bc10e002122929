//! kf_metadata_t: the answer of list_topics (librdkafka's `rd_kafka_metadata_t`).
//!
//! Accessors take indexes (0-based). Out-of-range indexes return -1, 0 or NULL as documented.
//! Thread safety: any thread; the metadata is immutable. Strings are borrowed until
//! kf_metadata_destroy().
use std::os::raw::c_char;

use super::types::*;
use super::{opt, value};
use crate::kafka::metadata::{BrokerMetadata, Metadata, PartitionMetadata, TopicMetadata};

fn broker<'a>(m: *const kf_metadata_t, b: usize) -> Option<&'a BrokerMetadata> {
    opt(m).and_then(|m: &Metadata| m.brokers().get(b))
}

fn topic<'a>(m: *const kf_metadata_t, t: usize) -> Option<&'a TopicMetadata> {
    opt(m).and_then(|m: &Metadata| m.topics().get(t))
}

fn partition<'a>(m: *const kf_metadata_t, t: usize, p: usize) -> Option<&'a PartitionMetadata> {
    topic(m, t).and_then(|t| t.partitions().get(p))
}

/// Frees metadata returned by list_topics. NULL is a no-op.
/// Thread safety: once, with no other call on the metadata running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_destroy(metadata: *mut kf_metadata_t) {
    value((), || unsafe {
        Metadata::destroy(metadata as *mut Metadata)
    })
}

/// The id of the broker that answered; -1 when `metadata` is NULL, or when it answered over
/// its bootstrap connection (before its id was known).
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_orig_broker_id(metadata: *const kf_metadata_t) -> i32 {
    value(-1, || opt(metadata).map_or(-1, Metadata::orig_broker_id))
}

/// The name of the broker that answered (borrowed), e.g. "127.0.0.1:9092/1", or
/// "127.0.0.1:9092/bootstrap" over a bootstrap connection; NULL when `metadata` is NULL.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_orig_broker_name(metadata: *const kf_metadata_t) -> *const c_char {
    value(std::ptr::null(), || {
        opt(metadata).map_or(std::ptr::null(), Metadata::orig_broker_name_ptr)
    })
}

/// The number of brokers.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_count(metadata: *const kf_metadata_t) -> usize {
    value(0, || {
        opt(metadata).map_or(0, |m: &Metadata| m.brokers().len())
    })
}

/// The id of broker `b`; -1 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_id(metadata: *const kf_metadata_t, b: usize) -> i32 {
    value(-1, || broker(metadata, b).map_or(-1, BrokerMetadata::id))
}

/// The host of broker `b` (borrowed); NULL when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_host(
    metadata: *const kf_metadata_t,
    b: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        broker(metadata, b).map_or(std::ptr::null(), BrokerMetadata::host_ptr)
    })
}

/// The port of broker `b`; -1 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_port(metadata: *const kf_metadata_t, b: usize) -> i32 {
    value(-1, || broker(metadata, b).map_or(-1, BrokerMetadata::port))
}

/// The number of topics.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_count(metadata: *const kf_metadata_t) -> usize {
    value(0, || {
        opt(metadata).map_or(0, |m: &Metadata| m.topics().len())
    })
}

/// The name of topic `t` (borrowed); NULL when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_name(
    metadata: *const kf_metadata_t,
    t: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        topic(metadata, t).map_or(std::ptr::null(), TopicMetadata::name_ptr)
    })
}

/// The error of topic `t` (e.g. KF_ERR_UNKNOWN_TOPIC_OR_PART), 0 when none; KF_ERR__INVALID_ARG
/// when out of range or `metadata` is NULL.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_error_code(metadata: *const kf_metadata_t, t: usize) -> i32 {
    let bad = crate::error::ERR_INVALID_ARG;
    value(bad, || {
        topic(metadata, t).map_or(bad, TopicMetadata::error_code)
    })
}

/// The number of partitions of topic `t`; 0 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_count(metadata: *const kf_metadata_t, t: usize) -> usize {
    value(0, || topic(metadata, t).map_or(0, |x| x.partitions().len()))
}

/// The id of partition `p` of topic `t`; -1 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_id(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p).map_or(-1, PartitionMetadata::id)
    })
}

/// The leader broker id of partition `p` of topic `t`; -1 when unknown or out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_leader(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p).map_or(-1, PartitionMetadata::leader)
    })
}

/// The error of partition `p` of topic `t`, 0 when none; KF_ERR__INVALID_ARG when out of range
/// or `metadata` is NULL.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_error_code(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    let bad = crate::error::ERR_INVALID_ARG;
    value(bad, || {
        partition(metadata, t, p).map_or(bad, PartitionMetadata::error_code)
    })
}

/// The number of replicas of partition `p` of topic `t`.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_replica_count(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> usize {
    value(0, || {
        partition(metadata, t, p).map_or(0, |x| x.replicas().len())
    })
}

/// Replica `r` (a broker id) of partition `p` of topic `t`; -1 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_replica(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
    r: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p)
            .and_then(|x| x.replicas().get(r).copied())
            .unwrap_or(-1)
    })
}

/// The number of in-sync replicas of partition `p` of topic `t`.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_isr_count(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> usize {
    value(0, || {
        partition(metadata, t, p).map_or(0, |x| x.isrs().len())
    })
}

/// In-sync replica `i` (a broker id) of partition `p` of topic `t`; -1 when out of range.
/// Thread safety: any thread (metadata is immutable).
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_isr(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
    i: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p)
            .and_then(|x| x.isrs().get(i).copied())
            .unwrap_or(-1)
    })
}
