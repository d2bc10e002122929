//! Cluster metadata (list_topics).
use std::ffi::CStr;

use rdkafka_sys as rd;

use super::client::Client;
use super::error::{check, KResult, KafkaError};

/// Metadata for one topic or, with None, for all topics. The caller owns the result
/// (rd_kafka_metadata_destroy).
pub fn fetch(
    client: &Client,
    topic: Option<&CStr>,
    timeout_ms: i32,
) -> KResult<*const rd::rd_kafka_metadata_t> {
    let mut md: *const rd::rd_kafka_metadata_t = std::ptr::null();
    unsafe {
        let rkt = match topic {
            Some(t) => {
                let rkt = rd::rd_kafka_topic_new(client.rk, t.as_ptr(), std::ptr::null_mut());
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
            client.rk,
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
