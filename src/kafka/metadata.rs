//! Cluster metadata (list_topics).
use std::ffi::CStr;

use rdkafka_sys as rd;

use super::client::{Client, SendPtr};
use crate::error::{check, KResult, KafkaError};

/// Metadata for one topic or, with None, for all topics, serving callbacks while it waits.
/// The caller owns the result (rd_kafka_metadata_destroy).
pub fn fetch(
    client: &Client,
    topic: Option<&CStr>,
    timeout_ms: i32,
) -> KResult<*const rd::rd_kafka_metadata_t> {
    let rk = SendPtr(client.rk);
    let md = client.serve_while("list_topics", move || {
        fetch_blocking(rk.get(), topic, timeout_ms)
            .map(|m| SendPtr(m as *mut rd::rd_kafka_metadata_t))
    })??;
    Ok(md.get() as *const _)
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
