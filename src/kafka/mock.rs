//! librdkafka's in-process mock cluster as a handle of its own, with its fault injection.
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use rdkafka_sys as rd;

use super::config::set_raw;
use crate::error::{check, errstr_text, KResult, KafkaError};

pub struct MockCluster {
    /// The mock cluster lives inside a librdkafka handle of its own.
    rk: *mut rd::rd_kafka_t,
    mcluster: *mut rd::rd_kafka_mock_cluster_t,
    bootstraps: CString,
}

unsafe impl Send for MockCluster {}
unsafe impl Sync for MockCluster {}

impl MockCluster {
    pub fn new(broker_count: i32) -> KResult<MockCluster> {
        if broker_count < 1 {
            return Err(KafkaError::invalid_arg("broker_count: must be at least 1"));
        }
        unsafe {
            let conf = rd::rd_kafka_conf_new();
            // This handle only hosts the cluster; keep it quiet.
            set_raw(conf, c"log_level", c"2")?;
            let mut errstr = [0 as c_char; 512];
            let rk = rd::rd_kafka_new(
                rd::rd_kafka_type_t::RD_KAFKA_PRODUCER,
                conf,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            if rk.is_null() {
                rd::rd_kafka_conf_destroy(conf);
                return Err(KafkaError::state(format!(
                    "mock cluster: {}",
                    errstr_text(&errstr)
                )));
            }
            let mcluster = rd::rd_kafka_mock_cluster_new(rk, broker_count);
            if mcluster.is_null() {
                rd::rd_kafka_destroy(rk);
                return Err(KafkaError::state("mock cluster: could not be created"));
            }
            let bootstraps =
                CStr::from_ptr(rd::rd_kafka_mock_cluster_bootstraps(mcluster)).to_owned();
            Ok(MockCluster {
                rk,
                mcluster,
                bootstraps,
            })
        }
    }

    pub fn bootstrap_servers(&self) -> &CStr {
        &self.bootstraps
    }

    pub fn topic_create(
        &self,
        topic: &CStr,
        partitions: i32,
        replication_factor: i32,
    ) -> KResult<()> {
        check(unsafe {
            rd::rd_kafka_mock_topic_create(
                self.mcluster,
                topic.as_ptr(),
                partitions,
                replication_factor,
            )
        })
    }

    pub fn broker_set_down(&self, broker_id: i32) -> KResult<()> {
        check(unsafe { rd::rd_kafka_mock_broker_set_down(self.mcluster, broker_id) })
    }

    pub fn broker_set_up(&self, broker_id: i32) -> KResult<()> {
        check(unsafe { rd::rd_kafka_mock_broker_set_up(self.mcluster, broker_id) })
    }

    pub fn broker_set_rtt(&self, broker_id: i32, rtt_ms: i32) -> KResult<()> {
        check(unsafe { rd::rd_kafka_mock_broker_set_rtt(self.mcluster, broker_id, rtt_ms) })
    }

    pub fn push_request_errors(&self, api_key: i16, errors: &[i32]) {
        unsafe {
            crate::kafka::rdkafka_int::rd_kafka_mock_push_request_errors_array(
                self.mcluster,
                api_key,
                errors.len(),
                errors.as_ptr(),
            )
        }
    }

    pub fn push_broker_request_error_rtt(
        &self,
        broker_id: i32,
        api_key: i16,
        error: i32,
        rtt_ms: i32,
    ) -> KResult<()> {
        let code = unsafe {
            crate::kafka::rdkafka_int::rd_kafka_mock_broker_push_request_error_rtts(
                self.mcluster,
                broker_id,
                api_key,
                1,
                error,
                rtt_ms,
            )
        };
        if code == 0 {
            Ok(())
        } else {
            Err(KafkaError::from_code(code))
        }
    }

    pub fn clear_request_errors(&self, api_key: i16) {
        unsafe { rd::rd_kafka_mock_clear_request_errors(self.mcluster, api_key) }
    }

    pub fn partition_set_leader(
        &self,
        topic: &CStr,
        partition: i32,
        broker_id: i32,
    ) -> KResult<()> {
        check(unsafe {
            rd::rd_kafka_mock_partition_set_leader(
                self.mcluster,
                topic.as_ptr(),
                partition,
                broker_id,
            )
        })
    }

    pub fn coordinator_set(&self, key_type: &CStr, key: &CStr, broker_id: i32) -> KResult<()> {
        check(unsafe {
            rd::rd_kafka_mock_coordinator_set(
                self.mcluster,
                key_type.as_ptr(),
                key.as_ptr(),
                broker_id,
            )
        })
    }
}

impl Drop for MockCluster {
    fn drop(&mut self) {
        unsafe {
            rd::rd_kafka_mock_cluster_destroy(self.mcluster);
            rd::rd_kafka_destroy(self.rk);
        }
    }
}
