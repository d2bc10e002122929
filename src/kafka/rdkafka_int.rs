//! librdkafka prototypes redeclared with `i32` error codes.
//!
//! rdkafka-sys maps `rd_kafka_resp_err_t` to a Rust enum; turning an arbitrary integer that a C
//! caller passed into that enum is undefined behaviour. These declarations bind the same symbols
//! with the C type librdkafka really uses (an int), so any value is safe to pass.
use std::os::raw::{c_char, c_int};

extern "C" {
    pub fn rd_kafka_err2name(err: c_int) -> *const c_char;
    pub fn rd_kafka_err2str(err: c_int) -> *const c_char;
    pub fn rd_kafka_mock_push_request_errors_array(
        mcluster: *mut rdkafka_sys::rd_kafka_mock_cluster_t,
        api_key: i16,
        cnt: usize,
        errors: *const c_int,
    );
    pub fn rd_kafka_mock_broker_push_request_error_rtts(
        mcluster: *mut rdkafka_sys::rd_kafka_mock_cluster_t,
        broker_id: i32,
        api_key: i16,
        cnt: usize,
        ...
    ) -> c_int;
}
