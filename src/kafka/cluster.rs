//! What every client can ask about the cluster (its id, its controller) and the SASL
//! credentials it authenticates with; the consumer's rebalance protocol and assignment-lost
//! flag; the built-in partitioners as plain functions.
use std::ffi::CStr;
use std::os::raw::c_void;

use rdkafka_sys as rd;

use super::client::{Client, SendPtr};
use super::consumer::Consumer;
use crate::error::{KResult, KafkaError};

/// The rebalance protocol a consumer's group uses (librdkafka's rd_kafka_rebalance_protocol).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RebalanceProtocol {
    /// Not in a group yet, or no assignment strategy chosen.
    None,
    Eager,
    Cooperative,
}

impl Client {
    /// The cluster id from the broker's metadata, waiting up to `timeout_ms` (-1: no limit)
    /// for it, serving the client's callbacks meanwhile.
    pub fn cluster_id(&self, timeout_ms: i32) -> KResult<String> {
        self.check_fork("cluster_id")?;
        let rk = SendPtr(self.rk);
        let id = self.serve_while("cluster_id", move || unsafe {
            let rk = rk.get();
            let p = rd::rd_kafka_clusterid(rk, timeout_ms);
            if p.is_null() {
                return None;
            }
            let s = CStr::from_ptr(p).to_string_lossy().into_owned();
            rd::rd_kafka_mem_free(rk, p as *mut c_void);
            Some(s)
        })?;
        id.ok_or_else(|| {
            KafkaError::from_code_msg(
                rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32,
                "cluster_id: no cluster id known within the timeout",
            )
        })
    }

    /// The broker id of the cluster's controller, waiting up to `timeout_ms` (-1: no limit).
    pub fn controller_id(&self, timeout_ms: i32) -> KResult<i32> {
        self.check_fork("controller_id")?;
        let rk = SendPtr(self.rk);
        let id = self.serve_while("controller_id", move || unsafe {
            rd::rd_kafka_controllerid(rk.get(), timeout_ms)
        })?;
        if id < 0 {
            return Err(KafkaError::from_code_msg(
                rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32,
                "controller_id: no controller known within the timeout",
            ));
        }
        Ok(id)
    }

    /// Replaces the SASL PLAIN/SCRAM username and password for the next (re)authentication.
    pub fn set_sasl_credentials(&self, username: &CStr, password: &CStr) -> KResult<()> {
        self.check_fork("set_sasl_credentials")?;
        let err = unsafe {
            rd::rd_kafka_sasl_set_credentials(self.rk, username.as_ptr(), password.as_ptr())
        };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

impl Consumer {
    /// The rebalance protocol of the group this consumer is in (librdkafka decides it once the
    /// group's assignor is chosen); None before then.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        if self.client.forked() {
            return RebalanceProtocol::None;
        }
        let p = unsafe { rd::rd_kafka_rebalance_protocol(self.client.rk) };
        if p.is_null() {
            return RebalanceProtocol::None;
        }
        match unsafe { CStr::from_ptr(p) }.to_bytes() {
            b"EAGER" => RebalanceProtocol::Eager,
            b"COOPERATIVE" => RebalanceProtocol::Cooperative,
            _ => RebalanceProtocol::None,
        }
    }

    /// Whether the current assignment was lost (session timeout, fenced member...) rather than
    /// revoked: the partitions may already belong to another member. Meaningful inside a
    /// revoke callback and until the next assignment.
    pub fn assignment_lost(&self) -> bool {
        !self.client.forked() && unsafe { rd::rd_kafka_assignment_lost(self.client.rk) } != 0
    }
}

/// librdkafka's built-in key partitioners, usable without a client.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Partitioner {
    /// Java's default partitioner: murmur2 of the key, positive, modulo the partition count.
    Murmur2,
    /// CRC32 of the key modulo the partition count (librdkafka's "consistent").
    Consistent,
    /// FNV-1a of the key modulo the partition count (librdkafka's "fnv1a", Sarama's default).
    Fnv1a,
}

impl Partitioner {
    /// The partition for `key` (empty for a null key) among `partition_count` (> 0).
    pub fn partition(self, key: &[u8], partition_count: i32) -> KResult<i32> {
        if partition_count <= 0 {
            return Err(KafkaError::invalid_arg(format!(
                "partition_count is {partition_count}, not a positive number"
            )));
        }
        let f = match self {
            Partitioner::Murmur2 => rd::rd_kafka_msg_partitioner_murmur2,
            Partitioner::Consistent => rd::rd_kafka_msg_partitioner_consistent,
            Partitioner::Fnv1a => rd::rd_kafka_msg_partitioner_fnv1a,
        };
        // These three read neither the topic handle nor the opaques (only the random and the
        // *_random variants do): NULL is safe for them.
        Ok(unsafe {
            f(
                std::ptr::null(),
                key.as_ptr() as *const c_void,
                key.len(),
                partition_count,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        })
    }
}
