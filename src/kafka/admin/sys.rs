//! librdkafka admin prototypes redeclared with plain integers where rdkafka-sys uses Rust enums.
//!
//! A value a broker (or a C caller) sends may lie outside the enum rdkafka-sys generated, and
//! turning it into that enum would be undefined behaviour. These declarations bind the same
//! symbols with the C type librdkafka really uses (an int), as src/sys.rs does for the error
//! functions. Every enum input is checked against its range before it reaches librdkafka.
#![allow(clashing_extern_declarations)]
use std::os::raw::{c_char, c_int};

use rdkafka_sys as rd;

extern "C" {
    pub fn rd_kafka_error_code(error: *const rd::rd_kafka_error_t) -> c_int;
    pub fn rd_kafka_event_error(ev: *mut rd::rd_kafka_event_t) -> c_int;
    pub fn rd_kafka_AdminOptions_new(
        rk: *mut rd::rd_kafka_t,
        for_api: c_int,
    ) -> *mut rd::rd_kafka_AdminOptions_t;
    pub fn rd_kafka_AdminOptions_set_match_consumer_group_states(
        options: *mut rd::rd_kafka_AdminOptions_t,
        states: *const c_int,
        cnt: usize,
    ) -> *mut rd::rd_kafka_error_t;
    pub fn rd_kafka_AdminOptions_set_match_consumer_group_types(
        options: *mut rd::rd_kafka_AdminOptions_t,
        types: *const c_int,
        cnt: usize,
    ) -> *mut rd::rd_kafka_error_t;
    pub fn rd_kafka_AdminOptions_set_isolation_level(
        options: *mut rd::rd_kafka_AdminOptions_t,
        value: c_int,
    ) -> *mut rd::rd_kafka_error_t;
    pub fn rd_kafka_topic_result_error(res: *const rd::rd_kafka_topic_result_t) -> c_int;
    pub fn rd_kafka_ConfigEntry_source(entry: *const rd::rd_kafka_ConfigEntry_t) -> c_int;
    pub fn rd_kafka_ConfigResource_new(
        restype: c_int,
        name: *const c_char,
    ) -> *mut rd::rd_kafka_ConfigResource_t;
    pub fn rd_kafka_ConfigResource_set_config(
        config: *mut rd::rd_kafka_ConfigResource_t,
        name: *const c_char,
        value: *const c_char,
    ) -> c_int;
    pub fn rd_kafka_ConfigResource_add_incremental_config(
        config: *mut rd::rd_kafka_ConfigResource_t,
        name: *const c_char,
        op_type: c_int,
        value: *const c_char,
    ) -> *mut rd::rd_kafka_error_t;
    pub fn rd_kafka_ConfigResource_type(config: *const rd::rd_kafka_ConfigResource_t) -> c_int;
    pub fn rd_kafka_ConfigResource_error(config: *const rd::rd_kafka_ConfigResource_t) -> c_int;
    pub fn rd_kafka_NewTopic_set_replica_assignment(
        new_topic: *mut rd::rd_kafka_NewTopic_t,
        partition: i32,
        broker_ids: *mut i32,
        broker_id_cnt: usize,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_NewTopic_set_config(
        new_topic: *mut rd::rd_kafka_NewTopic_t,
        name: *const c_char,
        value: *const c_char,
    ) -> c_int;
    pub fn rd_kafka_NewPartitions_set_replica_assignment(
        new_parts: *mut rd::rd_kafka_NewPartitions_t,
        new_partition_idx: i32,
        broker_ids: *mut i32,
        broker_id_cnt: usize,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_AdminOptions_set_request_timeout(
        options: *mut rd::rd_kafka_AdminOptions_t,
        timeout_ms: c_int,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_AdminOptions_set_operation_timeout(
        options: *mut rd::rd_kafka_AdminOptions_t,
        timeout_ms: c_int,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_AdminOptions_set_validate_only(
        options: *mut rd::rd_kafka_AdminOptions_t,
        true_or_false: c_int,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_AdminOptions_set_broker(
        options: *mut rd::rd_kafka_AdminOptions_t,
        broker_id: i32,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> c_int;
    pub fn rd_kafka_ConsumerGroupListing_state(
        grplist: *const rd::rd_kafka_ConsumerGroupListing_t,
    ) -> c_int;
    pub fn rd_kafka_ConsumerGroupListing_type(
        grplist: *const rd::rd_kafka_ConsumerGroupListing_t,
    ) -> c_int;
    pub fn rd_kafka_ConsumerGroupDescription_state(
        grpdesc: *const rd::rd_kafka_ConsumerGroupDescription_t,
    ) -> c_int;
    pub fn rd_kafka_ConsumerGroupDescription_type(
        grpdesc: *const rd::rd_kafka_ConsumerGroupDescription_t,
    ) -> c_int;
    pub fn rd_kafka_TopicDescription_authorized_operations(
        topicdesc: *const rd::rd_kafka_TopicDescription_t,
        cntp: *mut usize,
    ) -> *const c_int;
    pub fn rd_kafka_ConsumerGroupDescription_authorized_operations(
        grpdesc: *const rd::rd_kafka_ConsumerGroupDescription_t,
        cntp: *mut usize,
    ) -> *const c_int;
    pub fn rd_kafka_DescribeCluster_result_authorized_operations(
        result: *const rd::rd_kafka_DescribeCluster_result_t,
        cntp: *mut usize,
    ) -> *const c_int;
    pub fn rd_kafka_ScramCredentialInfo_mechanism(
        info: *const rd::rd_kafka_ScramCredentialInfo_t,
    ) -> c_int;
    pub fn rd_kafka_UserScramCredentialUpsertion_new(
        username: *const c_char,
        mechanism: c_int,
        iterations: i32,
        password: *const u8,
        password_size: usize,
        salt: *const u8,
        salt_size: usize,
    ) -> *mut rd::rd_kafka_UserScramCredentialAlteration_t;
    pub fn rd_kafka_UserScramCredentialDeletion_new(
        username: *const c_char,
        mechanism: c_int,
    ) -> *mut rd::rd_kafka_UserScramCredentialAlteration_t;
    pub fn rd_kafka_AclBinding_new(
        restype: c_int,
        name: *const c_char,
        resource_pattern_type: c_int,
        principal: *const c_char,
        host: *const c_char,
        operation: c_int,
        permission_type: c_int,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> *mut rd::rd_kafka_AclBinding_t;
    pub fn rd_kafka_AclBindingFilter_new(
        restype: c_int,
        name: *const c_char,
        resource_pattern_type: c_int,
        principal: *const c_char,
        host: *const c_char,
        operation: c_int,
        permission_type: c_int,
        errstr: *mut c_char,
        errstr_size: usize,
    ) -> *mut rd::rd_kafka_AclBinding_t;
    pub fn rd_kafka_AclBinding_restype(acl: *const rd::rd_kafka_AclBinding_t) -> c_int;
    pub fn rd_kafka_AclBinding_resource_pattern_type(
        acl: *const rd::rd_kafka_AclBinding_t,
    ) -> c_int;
    pub fn rd_kafka_AclBinding_operation(acl: *const rd::rd_kafka_AclBinding_t) -> c_int;
    pub fn rd_kafka_AclBinding_permission_type(acl: *const rd::rd_kafka_AclBinding_t) -> c_int;
    pub fn rd_kafka_ElectLeaders_new(
        election_type: c_int,
        partitions: *mut rd::rd_kafka_topic_partition_list_t,
    ) -> *mut rd::rd_kafka_ElectLeaders_t;
}

/// The error code of a partition element, read as the int librdkafka stores.
///
/// # Safety
/// `p` points to a live element.
pub unsafe fn partition_err(p: *const rd::rd_kafka_topic_partition_t) -> c_int {
    std::ptr::read(std::ptr::addr_of!((*p).err) as *const c_int)
}
