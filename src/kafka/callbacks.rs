//! The application's callbacks, as the domain holds them: Rust closures, shared (`Arc`) between
//! a configuration and the clients made from it. Whoever registers one (the C ABI wraps a C
//! function pointer and its opaque) frees what it captured when the last holder drops it.
//!
//! Every callback runs only on an application thread inside a blocking call of its client
//! (poll, flush, consume, close...), never on a librdkafka thread; see `serving`.
use std::ffi::CStr;
use std::os::raw::c_void;
use std::sync::Arc;

use super::consumer::Consumer;
use super::events::{OauthTokenRequest, ThrottleEvent};
use super::message::Message;
use super::topic_partition::PartitionList;
use crate::error::KafkaError;

/// error_cb: a client-level error (all brokers down, authentication, a fatal error).
pub type ErrorFn = dyn Fn(&KafkaError) + Send + Sync;
/// throttle_cb.
pub type ThrottleFn = dyn Fn(&ThrottleEvent) + Send + Sync;
/// stats_cb: librdkafka's statistics JSON (NUL-terminated).
pub type StatsFn = dyn Fn(&CStr) + Send + Sync;
/// oauth_cb: sasl.oauthbearer.config (if set) and the request to answer.
pub type OauthFn = dyn Fn(Option<&CStr>, &mut OauthTokenRequest) + Send + Sync;
/// on_delivery for messages without a handler of their own: the report and its error.
pub type DeliveryFn = dyn Fn(&Message, Option<&KafkaError>) + Send + Sync;
/// on_commit: the outcome of an automatic or asynchronous commit, with the offsets when
/// librdkafka gives them.
pub type CommitFn = dyn Fn(Option<&KafkaError>, Option<&PartitionList>) + Send + Sync;
/// logger: syslog level, facility, message.
pub type LogFn = dyn Fn(i32, &CStr, &CStr) + Send + Sync;
/// The release of per-call opaques: called once with each opaque (a message's delivery
/// handler's, an asynchronous admin call's) whose callback will never run because the client
/// is destroyed first, on the thread that destroys the client.
pub type OpaqueReleaseFn = dyn Fn(*mut c_void) + Send + Sync;
/// on_assign / on_revoke / on_lost: the consumer (to call assign on) and the partitions.
pub type RebalanceFn = dyn Fn(&Consumer, &PartitionList) + Send + Sync;

/// The Python client's callback properties (error_cb, throttle_cb, stats_cb, oauth_cb,
/// on_delivery, on_commit, logger). Cloning shares the registrations.
#[derive(Clone, Default)]
pub struct Callbacks {
    pub error: Option<Arc<ErrorFn>>,
    pub throttle: Option<Arc<ThrottleFn>>,
    pub stats: Option<Arc<StatsFn>>,
    pub oauth: Option<Arc<OauthFn>>,
    pub delivery: Option<Arc<DeliveryFn>>,
    pub commit: Option<Arc<CommitFn>>,
    pub log: Option<Arc<LogFn>>,
    /// Not a callback of librdkafka's: see OpaqueReleaseFn.
    pub opaque_release: Option<Arc<OpaqueReleaseFn>>,
}

/// Rebalance callbacks given to subscribe.
#[derive(Clone, Default)]
pub struct RebalanceCallbacks {
    pub on_assign: Option<Arc<RebalanceFn>>,
    pub on_revoke: Option<Arc<RebalanceFn>>,
    pub on_lost: Option<Arc<RebalanceFn>>,
}

/// A per-message delivery handler that allocates nothing on the produce path: a plain function
/// and two words of context that only it interprets (the C ABI keeps a C function pointer and
/// its opaque there). Copied into the client's slot table and out again for the report.
/// `ctx[1]` is the application's opaque: when the handler will never be called (the client is
/// destroyed before the report is served), the client's opaque release gets it instead.
#[derive(Clone, Copy)]
pub struct DeliveryHandler {
    pub call: unsafe fn(ctx: [usize; 2], report: &Message, err: Option<&KafkaError>),
    pub ctx: [usize; 2],
}

impl DeliveryHandler {
    /// The opaque handed to the client's opaque release when this handler is never called.
    pub fn opaque(&self) -> *mut c_void {
        self.ctx[1] as *mut c_void
    }
}

/// Gives a zero-copy value back once librdkafka is done with it: a plain function, two words of
/// context, and the value's address.
#[derive(Clone, Copy)]
pub struct ValueRelease {
    pub call: unsafe fn(ctx: [usize; 2], value: *mut u8),
    pub ctx: [usize; 2],
}

/// What one message carries to its delivery report: its own handler and, for a zero-copy
/// value, its release. Kept in a slot table owned by the client; librdkafka carries only the
/// slot number in the message.
#[derive(Clone, Copy, Default)]
pub struct DeliverySlot {
    pub handler: Option<DeliveryHandler>,
    pub release: Option<ValueRelease>,
    /// Pull mode: the message's opaque, handed back in its pulled report.
    pub opaque: usize,
}
