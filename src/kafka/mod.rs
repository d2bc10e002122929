//! The Kafka client: safe Rust over librdkafka (through `rdkafka-sys`). Everything the C ABI
//! exposes about producers, consumers, admin clients, transactions, messages, metadata and the
//! mock cluster, without the C argument checks (those are the ffi layer's).
pub mod admin;
pub mod callbacks;
#[allow(clippy::module_inception)] // kafka::client: what every client shares
pub mod client;
pub mod cluster;
pub mod config;
pub mod consumer;
mod consumer_close;
pub mod delivery;
pub mod events;
mod fork;
pub mod message;
pub mod metadata;
pub mod mock;
pub mod producer;
pub(crate) mod rdkafka_int;
pub mod serving;
pub mod tag;
pub mod topic_partition;
mod trampolines;
pub mod transactions;
mod wake;

/// The version of the librdkafka built in, e.g. "2.12.1".
pub fn librdkafka_version() -> &'static std::ffi::CStr {
    unsafe { std::ffi::CStr::from_ptr(rdkafka_sys::rd_kafka_version_str()) }
}

/// The version of the librdkafka built in, as librdkafka's integer 0xMMmmrrxx.
pub fn librdkafka_version_int() -> i32 {
    unsafe { rdkafka_sys::rd_kafka_version() }
}
