//! The types the C header declares: opaque handles and callback signatures.
//!
//! Handles that kafkaffi allocates are its domain structs under a `kf_..._t` name (cbindgen
//! renames them, see cbindgen.toml). Handles that are librdkafka objects seen through the ABI
//! (a message, its headers, a partition list, metadata, consumer group metadata) are the
//! zero-sized markers below: the pointer is librdkafka's own, cast, so reading a message costs
//! no allocation or copy.
use std::os::raw::{c_char, c_int, c_void};

use crate::error::KafkaError;
use crate::kafka::config::Config;
use crate::kafka::consumer::{Consumer, GroupMetadata};
use crate::kafka::events::{OauthTokenRequest, ThrottleEvent};
use crate::kafka::message::{Headers, Message};
use crate::kafka::metadata::Metadata;
use crate::kafka::mock::MockCluster;
use crate::kafka::producer::Producer;
use crate::kafka::tag::Tag;
use crate::kafka::topic_partition::PartitionList;

/// Connects a C handle type to the Rust value behind it. The handle pointer is the Rust
/// value's address (a `Box` kafkaffi allocated, or a librdkafka object).
///
/// # Safety
/// Implementors promise that every non-NULL `*const Self` the C side can hold points to a live
/// `Self::Target`.
pub(crate) unsafe trait Handle: Sized {
    type Target;
    /// For client handles: the kind tag their struct starts with (see `kafka::tag`), checked
    /// by `handle()` and `opt()` so that a client of another kind is reported as such.
    const TAG: Option<Tag> = None;
    /// The C name of the handle type, for messages.
    const C_NAME: &'static str = "";
}

/// A client handle type: the tag its struct starts with and its C name.
macro_rules! client_handle {
    ($name:ident => $target:ty, $tag:expr) => {
        unsafe impl $crate::ffi::types::Handle for $name {
            type Target = $target;
            const TAG: Option<$crate::kafka::tag::Tag> = Some($tag);
            const C_NAME: &'static str = stringify!($name);
        }
    };
}
pub(crate) use client_handle;

/// The C name of the client handle type whose tag is `tag`, if it is one.
pub(crate) fn client_name(tag: Tag) -> Option<&'static str> {
    Some(match tag {
        Tag::PRODUCER => "kf_producer_t",
        Tag::CONSUMER => "kf_consumer_t",
        Tag::ADMIN => "kf_admin_t",
        Tag::SERIALIZING_PRODUCER => "kf_serializing_producer_t",
        Tag::DESERIALIZING_CONSUMER => "kf_deserializing_consumer_t",
        Tag::AVRO_PRODUCER => "kf_avro_producer_t",
        _ => return None,
    })
}

// cbindgen reads the struct definitions the macro expands to only if they are written out, so
// the markers are declared explicitly below and only the trait impls come from the macro.
macro_rules! handle_impls {
    ($($name:ident => $target:ty;)*) => {$(
        unsafe impl Handle for $name {
            type Target = $target;
        }
    )*};
}

client_handle!(kf_producer_t => Producer, Tag::PRODUCER);
client_handle!(kf_consumer_t => Consumer, Tag::CONSUMER);

handle_impls! {
    kf_config_t => Config;
    kf_error_t => KafkaError;
    kf_throttle_event_t => ThrottleEvent;
    kf_oauth_token_t => OauthTokenRequest;
    kf_mock_cluster_t => MockCluster;
    kf_message_t => Message;
    kf_headers_t => Headers;
    kf_topic_partition_list_t => PartitionList;
    kf_metadata_t => Metadata;
    kf_consumer_group_metadata_t => GroupMetadata;
}

/// A client configuration: librdkafka properties plus callbacks.
pub struct kf_config_t {
    _opaque: [u8; 0],
}

/// A producer (Python's Producer).
pub struct kf_producer_t {
    _opaque: [u8; 0],
}

/// A consumer (Python's Consumer).
pub struct kf_consumer_t {
    _opaque: [u8; 0],
}

/// An error: code, name, message, and the retriable / fatal / txn_requires_abort flags.
pub struct kf_error_t {
    _opaque: [u8; 0],
}

/// A throttle event handed to throttle_cb (Python's ThrottleEvent).
pub struct kf_throttle_event_t {
    _opaque: [u8; 0],
}

/// The answer slot handed to oauth_cb: set a token or a failure on it.
pub struct kf_oauth_token_t {
    _opaque: [u8; 0],
}

/// librdkafka's in-process mock cluster.
pub struct kf_mock_cluster_t {
    _opaque: [u8; 0],
}

/// A message: polled from a consumer (caller owns it), or handed to a delivery callback
/// (borrowed for the callback's duration). It is librdkafka's `rd_kafka_message_t`.
pub struct kf_message_t {
    _opaque: [u8; 0],
}

/// An ordered list of message headers; names may repeat and values may be null.
pub struct kf_headers_t {
    _opaque: [u8; 0],
}

/// A list of (topic, partition) elements, each with offset, metadata, leader epoch and error.
pub struct kf_topic_partition_list_t {
    _opaque: [u8; 0],
}

/// Cluster metadata: brokers, topics, partitions (from list_topics).
pub struct kf_metadata_t {
    _opaque: [u8; 0],
}

/// A consumer's group metadata, for send_offsets_to_transaction.
pub struct kf_consumer_group_metadata_t {
    _opaque: [u8; 0],
}

/// Frees a callback's opaque pointer when the last configuration or client holding the
/// registration is destroyed. May be NULL.
pub type kf_free_fn = Option<unsafe extern "C" fn(opaque: *mut c_void)>;

/// Gives a zero-copy value back to the application once librdkafka is done with it
/// (kf_producer_produce_zerocopy): called with the registration's opaque and the value pointer.
pub type kf_release_fn = Option<unsafe extern "C" fn(free_opaque: *mut c_void, value: *mut u8)>;

/// The opaque release (kf_config_set_opaque_release_cb()): `opaque` is the registration's own
/// opaque; `released` is a per-call opaque (one given to kf_producer_produce() with an
/// on_delivery callback, or to an `_async` admin call) whose callback will never run.
/// Runs on: the thread inside the client's destroy (kf_producer_destroy(), kf_admin_destroy(),
/// ...), never on a librdkafka thread. It must not call the client being destroyed.
pub type kf_opaque_release_cb =
    Option<unsafe extern "C" fn(opaque: *mut c_void, released: *mut c_void)>;

/// error_cb: a client-level error (broker down, authentication failure, fatal error).
/// `err` is borrowed for the duration of the call; check kf_error_is_fatal().
pub type kf_error_cb = Option<unsafe extern "C" fn(opaque: *mut c_void, err: *const kf_error_t)>;

/// throttle_cb: a broker throttled this client. `event` is borrowed for the call.
pub type kf_throttle_cb =
    Option<unsafe extern "C" fn(opaque: *mut c_void, event: *const kf_throttle_event_t)>;

/// stats_cb: librdkafka's statistics as JSON text (`json_len` bytes, NUL-terminated),
/// borrowed for the call. Emitted every statistics.interval.ms.
pub type kf_stats_cb =
    Option<unsafe extern "C" fn(opaque: *mut c_void, json: *const c_char, json_len: usize)>;

/// oauth_cb: asked for a new OAUTHBEARER token. `oauthbearer_config` is the value of
/// sasl.oauthbearer.config (may be NULL). Answer with kf_oauth_token_set() or
/// kf_oauth_token_fail() on `token` before returning; `token` is borrowed for the call.
pub type kf_oauth_cb = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        oauthbearer_config: *const c_char,
        token: *mut kf_oauth_token_t,
    ),
>;

/// on_delivery: the outcome of one produced message. `err` is NULL on success; `msg` and `err`
/// are borrowed for the call (the message's opaque is the one given to produce).
pub type kf_delivery_cb = Option<
    unsafe extern "C" fn(opaque: *mut c_void, msg: *const kf_message_t, err: *const kf_error_t),
>;

/// on_commit: the outcome of an asynchronous or automatic offset commit. `err` is NULL on
/// success; `offsets` carries a per-partition error. Both borrowed for the call.
pub type kf_commit_cb = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        err: *const kf_error_t,
        offsets: *const kf_topic_partition_list_t,
    ),
>;

/// logger: one log line. `level` is syslog's (0 emerg .. 7 debug); strings borrowed for the call.
pub type kf_log_cb = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        level: c_int,
        facility: *const c_char,
        message: *const c_char,
    ),
>;

/// on_assign / on_revoke / on_lost: a rebalance event. The callback may call
/// kf_consumer_assign(), kf_consumer_incremental_assign() (or their unassign forms) on
/// `consumer`; if it does not, kafkaffi applies the default for the group's protocol.
/// It may also call kf_consumer_commit() (synchronous too), kf_consumer_committed(),
/// kf_consumer_position() and the like; kf_consumer_poll(), kf_consumer_consume(),
/// kf_consumer_close() and kf_consumer_destroy() fail with KF_ERR__STATE there.
/// `partitions` is borrowed for the call.
/// Runs on: the application thread inside kf_consumer_poll(), kf_consumer_consume() or
/// kf_consumer_close().
pub type kf_rebalance_cb = Option<
    unsafe extern "C" fn(
        opaque: *mut c_void,
        consumer: *mut kf_consumer_t,
        partitions: *const kf_topic_partition_list_t,
    ),
>;
