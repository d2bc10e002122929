//! Safe Rust over librdkafka: everything the C ABI exposes, without the C argument checks.
pub mod callbacks;
pub mod client;
pub mod config;
pub mod consumer;
pub mod error;
pub mod events;
pub mod metadata;
pub mod mock;
pub mod producer;
pub mod topic_partition;
