//! kafkaffi: the Confluent Kafka client for every language, through one stable C ABI.
//!
//! Layers (see docs/ABI.md):
//! - [`ffi`]: the only module that speaks C: `extern "C"` functions, argument checks, panic
//!   guards, handles and C callbacks. Nothing outside it names an item of the C ABI
//!   (`tests/layering.rs` checks).
//! - [`kafka`]: the Kafka client, safe Rust over librdkafka (through `rdkafka-sys`): the serving
//!   loop and librdkafka's callbacks, producer, consumer, admin, transactions, messages,
//!   metadata, the mock cluster.
//! - [`serdes`]: the serialization framework and the Avro, JSON Schema and Protobuf serdes in
//!   the Confluent wire format.
//! - [`schema_registry`]: the Schema Registry client (REST over HTTP, response caches) and the
//!   in-process `mock://` registry with its compatibility checkers.
//! - [`error`]: the one error type every layer returns, and every error code.

pub mod error;
pub mod ffi;
pub mod kafka;
pub mod schema_registry;
pub mod serdes;
