//! kafkaffi: the Confluent Kafka client for every language, through one stable C ABI.
//!
//! Layers (see ../shared/DESIGN.md):
//! - [`ffi`]: the only place with `extern "C"`; checks arguments, catches panics, converts handles.
//! - [`client`]: safe Rust over librdkafka (through `rdkafka-sys`): configuration, the callback
//!   dispatcher, producer, consumer, messages, metadata, the mock cluster.
//! - [`sys`]: the few librdkafka prototypes that must take plain integers, where rdkafka-sys
//!   uses a Rust enum that would make an out-of-range value from C undefined behaviour.

pub mod client;
pub mod ffi;
pub(crate) mod sys;
