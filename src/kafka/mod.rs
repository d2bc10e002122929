//! The Kafka client: safe Rust over librdkafka (through `rdkafka-sys`). Everything the C ABI
//! exposes about producers, consumers, admin clients, transactions, messages, metadata and the
//! mock cluster, without the C argument checks (those are `crate::ffi`'s).
pub mod admin;
pub mod callbacks;
#[allow(clippy::module_inception)] // kafka::client: what every client shares
pub mod client;
pub mod config;
pub mod consumer;
pub mod events;
pub mod metadata;
pub mod mock;
pub mod producer;
pub(crate) mod rdkafka_int;
pub mod topic_partition;
pub mod transactions;
