//! Safe Rust over librdkafka: everything the C ABI exposes, without the C argument checks.
pub mod admin;
pub mod callbacks;
#[allow(clippy::module_inception)] // client::client: what every client shares
pub mod client;
pub mod config;
pub mod consumer;
pub mod error;
pub mod events;
pub mod metadata;
pub mod mock;
pub mod producer;
pub mod schema_registry;
pub mod serialization;
pub mod topic_partition;
pub mod transactions;
