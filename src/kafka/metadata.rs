//! Cluster metadata (list_topics).
use std::ffi::CStr;

use rdkafka_sys as rd;

use super::client::{Client, SendPtr};
use crate::error::{check, KResult, KafkaError};

/// Cluster metadata as librdkafka answers list_topics, seen in place (repr(transparent)
/// views): brokers, topics, partitions with their leaders, replicas and in-sync replicas.
#[repr(transparent)]
pub struct Metadata(rd::rd_kafka_metadata_t);
#[repr(transparent)]
pub struct BrokerMetadata(rd::rd_kafka_metadata_broker_t);
#[repr(transparent)]
pub struct TopicMetadata(rd::rd_kafka_metadata_topic_t);
#[repr(transparent)]
pub struct PartitionMetadata(rd::rd_kafka_metadata_partition_t);

// Immutable once librdkafka hands it over.
unsafe impl Send for Metadata {}
unsafe impl Sync for Metadata {}

/// librdkafka's (array, count) pair as a slice; empty for a NULL array.
fn slice<'a, T, U>(base: *mut T, cnt: std::os::raw::c_int) -> &'a [U] {
    if base.is_null() || cnt <= 0 {
        return &[];
    }
    // U is T or a repr(transparent) view of it.
    unsafe { std::slice::from_raw_parts(base as *const U, cnt as usize) }
}

impl Metadata {
    /// # Safety
    /// `m` is NULL or metadata the caller owns, not used afterwards.
    pub unsafe fn destroy(m: *mut Metadata) {
        if !m.is_null() {
            rd::rd_kafka_metadata_destroy(m as *const rd::rd_kafka_metadata_t)
        }
    }

    pub fn orig_broker_id(&self) -> i32 {
        self.0.orig_broker_id
    }

    /// NUL-terminated, as long as the metadata lives.
    pub fn orig_broker_name_ptr(&self) -> *const std::os::raw::c_char {
        self.0.orig_broker_name
    }

    pub fn brokers(&self) -> &[BrokerMetadata] {
        slice(self.0.brokers, self.0.broker_cnt)
    }

    pub fn topics(&self) -> &[TopicMetadata] {
        slice(self.0.topics, self.0.topic_cnt)
    }
}

impl BrokerMetadata {
    pub fn id(&self) -> i32 {
        self.0.id
    }

    pub fn host_ptr(&self) -> *const std::os::raw::c_char {
        self.0.host
    }

    pub fn port(&self) -> i32 {
        self.0.port
    }
}

impl TopicMetadata {
    pub fn name_ptr(&self) -> *const std::os::raw::c_char {
        self.0.topic
    }

    pub fn error_code(&self) -> i32 {
        self.0.err as i32
    }

    pub fn partitions(&self) -> &[PartitionMetadata] {
        slice(self.0.partitions, self.0.partition_cnt)
    }
}

impl PartitionMetadata {
    pub fn id(&self) -> i32 {
        self.0.id
    }

    pub fn leader(&self) -> i32 {
        self.0.leader
    }

    pub fn error_code(&self) -> i32 {
        self.0.err as i32
    }

    pub fn replicas(&self) -> &[i32] {
        slice(self.0.replicas, self.0.replica_cnt)
    }

    pub fn isrs(&self) -> &[i32] {
        slice(self.0.isrs, self.0.isr_cnt)
    }
}

/// Metadata for one topic or, with None, for all topics, serving callbacks while it waits.
/// The caller owns the result (Metadata::destroy).
pub fn fetch(client: &Client, topic: Option<&CStr>, timeout_ms: i32) -> KResult<*const Metadata> {
    let rk = SendPtr(client.rk);
    let topic = topic.map(CStr::to_owned);
    // On a helper thread a wake-up can abandon: metadata arriving later is destroyed.
    let md = client.run_detached(
        "list_topics",
        super::consumer::wait_limit(timeout_ms),
        move || {
            fetch_blocking(rk.get(), topic.as_deref(), timeout_ms)
                .map(|m| SendPtr(m as *mut rd::rd_kafka_metadata_t))
        },
        |r| {
            if let Ok(m) = r {
                unsafe { rd::rd_kafka_metadata_destroy(m.get()) };
            }
        },
    )??;
    Ok(md.get() as *const Metadata)
}

fn fetch_blocking(
    rk: *mut rd::rd_kafka_t,
    topic: Option<&CStr>,
    timeout_ms: i32,
) -> KResult<*const rd::rd_kafka_metadata_t> {
    let mut md: *const rd::rd_kafka_metadata_t = std::ptr::null();
    unsafe {
        let rkt = match topic {
            Some(t) => {
                let rkt = rd::rd_kafka_topic_new(rk, t.as_ptr(), std::ptr::null_mut());
                if rkt.is_null() {
                    return Err(KafkaError::invalid_arg(format!(
                        "topic \"{}\": not a valid topic",
                        t.to_string_lossy()
                    )));
                }
                rkt
            }
            None => std::ptr::null_mut(),
        };
        let res = rd::rd_kafka_metadata(
            rk,
            if rkt.is_null() { 1 } else { 0 },
            rkt,
            &mut md,
            timeout_ms,
        );
        if !rkt.is_null() {
            rd::rd_kafka_topic_destroy(rkt);
        }
        check(res)?;
    }
    Ok(md)
}
