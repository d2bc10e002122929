//! kf_metadata_t: the answer of list_topics (librdkafka's `rd_kafka_metadata_t`).
//!
//! Accessors take indexes (0-based). Out-of-range indexes return -1, 0 or NULL as documented.
//! Thread safety: any thread; the metadata is immutable. Strings are borrowed until
//! kf_metadata_destroy().
use std::os::raw::{c_char, c_int};

use rdkafka_sys as rd;

use super::types::*;
use super::value;

fn md<'a>(m: *const kf_metadata_t) -> Option<&'a rd::rd_kafka_metadata_t> {
    unsafe { (m as *const rd::rd_kafka_metadata_t).as_ref() }
}

fn at<'a, T>(base: *mut T, cnt: c_int, i: usize) -> Option<&'a T> {
    if i < cnt.max(0) as usize {
        unsafe { base.add(i).as_ref() }
    } else {
        None
    }
}

fn topic<'a>(m: *const kf_metadata_t, t: usize) -> Option<&'a rd::rd_kafka_metadata_topic_t> {
    md(m).and_then(|m| at(m.topics, m.topic_cnt, t))
}

fn partition<'a>(
    m: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> Option<&'a rd::rd_kafka_metadata_partition_t> {
    topic(m, t).and_then(|t| at(t.partitions, t.partition_cnt, p))
}

/// Frees metadata returned by list_topics. NULL is a no-op.
#[no_mangle]
pub extern "C" fn kf_metadata_destroy(metadata: *mut kf_metadata_t) {
    value((), || {
        if !metadata.is_null() {
            unsafe { rd::rd_kafka_metadata_destroy(metadata as *const rd::rd_kafka_metadata_t) }
        }
    })
}

/// The id of the broker that answered; -1 when `metadata` is NULL, or when it answered over
/// its bootstrap connection (before its id was known).
#[no_mangle]
pub extern "C" fn kf_metadata_orig_broker_id(metadata: *const kf_metadata_t) -> i32 {
    value(-1, || md(metadata).map_or(-1, |m| m.orig_broker_id))
}

/// The name of the broker that answered (borrowed), e.g. "127.0.0.1:9092/1", or
/// "127.0.0.1:9092/bootstrap" over a bootstrap connection; NULL when `metadata` is NULL.
#[no_mangle]
pub extern "C" fn kf_metadata_orig_broker_name(metadata: *const kf_metadata_t) -> *const c_char {
    value(std::ptr::null(), || {
        md(metadata).map_or(std::ptr::null(), |m| m.orig_broker_name as *const c_char)
    })
}

/// The number of brokers.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_count(metadata: *const kf_metadata_t) -> usize {
    value(0, || {
        md(metadata).map_or(0, |m| m.broker_cnt.max(0) as usize)
    })
}

/// The id of broker `b`; -1 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_id(metadata: *const kf_metadata_t, b: usize) -> i32 {
    value(-1, || {
        md(metadata)
            .and_then(|m| at(m.brokers, m.broker_cnt, b))
            .map_or(-1, |x| x.id)
    })
}

/// The host of broker `b` (borrowed); NULL when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_host(
    metadata: *const kf_metadata_t,
    b: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        md(metadata)
            .and_then(|m| at(m.brokers, m.broker_cnt, b))
            .map_or(std::ptr::null(), |x| x.host as *const c_char)
    })
}

/// The port of broker `b`; -1 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_broker_port(metadata: *const kf_metadata_t, b: usize) -> i32 {
    value(-1, || {
        md(metadata)
            .and_then(|m| at(m.brokers, m.broker_cnt, b))
            .map_or(-1, |x| x.port)
    })
}

/// The number of topics.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_count(metadata: *const kf_metadata_t) -> usize {
    value(0, || {
        md(metadata).map_or(0, |m| m.topic_cnt.max(0) as usize)
    })
}

/// The name of topic `t` (borrowed); NULL when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_name(
    metadata: *const kf_metadata_t,
    t: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        topic(metadata, t).map_or(std::ptr::null(), |x| x.topic as *const c_char)
    })
}

/// The error of topic `t` (e.g. KF_ERR_UNKNOWN_TOPIC_OR_PART), 0 when none; KF_ERR__INVALID_ARG
/// when out of range or `metadata` is NULL.
#[no_mangle]
pub extern "C" fn kf_metadata_topic_error_code(metadata: *const kf_metadata_t, t: usize) -> i32 {
    let bad = crate::error::ERR_INVALID_ARG;
    value(bad, || topic(metadata, t).map_or(bad, |x| x.err as i32))
}

/// The number of partitions of topic `t`; 0 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_count(metadata: *const kf_metadata_t, t: usize) -> usize {
    value(0, || {
        topic(metadata, t).map_or(0, |x| x.partition_cnt.max(0) as usize)
    })
}

/// The id of partition `p` of topic `t`; -1 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_id(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    value(-1, || partition(metadata, t, p).map_or(-1, |x| x.id))
}

/// The leader broker id of partition `p` of topic `t`; -1 when unknown or out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_leader(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    value(-1, || partition(metadata, t, p).map_or(-1, |x| x.leader))
}

/// The error of partition `p` of topic `t`, 0 when none; KF_ERR__INVALID_ARG when out of range
/// or `metadata` is NULL.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_error_code(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> i32 {
    let bad = crate::error::ERR_INVALID_ARG;
    value(bad, || {
        partition(metadata, t, p).map_or(bad, |x| x.err as i32)
    })
}

/// The number of replicas of partition `p` of topic `t`.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_replica_count(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> usize {
    value(0, || {
        partition(metadata, t, p).map_or(0, |x| x.replica_cnt.max(0) as usize)
    })
}

/// Replica `r` (a broker id) of partition `p` of topic `t`; -1 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_replica(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
    r: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p)
            .and_then(|x| at(x.replicas, x.replica_cnt, r))
            .map_or(-1, |v| *v)
    })
}

/// The number of in-sync replicas of partition `p` of topic `t`.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_isr_count(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
) -> usize {
    value(0, || {
        partition(metadata, t, p).map_or(0, |x| x.isr_cnt.max(0) as usize)
    })
}

/// In-sync replica `i` (a broker id) of partition `p` of topic `t`; -1 when out of range.
#[no_mangle]
pub extern "C" fn kf_metadata_partition_isr(
    metadata: *const kf_metadata_t,
    t: usize,
    p: usize,
    i: usize,
) -> i32 {
    value(-1, || {
        partition(metadata, t, p)
            .and_then(|x| at(x.isrs, x.isr_cnt, i))
            .map_or(-1, |v| *v)
    })
}

/// Frees consumer group metadata from kf_consumer_group_metadata(). NULL is a no-op.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_destroy(cgmd: *mut kf_consumer_group_metadata_t) {
    value((), || {
        if !cgmd.is_null() {
            unsafe {
                rd::rd_kafka_consumer_group_metadata_destroy(
                    cgmd as *mut rd::rd_kafka_consumer_group_metadata_t,
                )
            }
        }
    })
}
