//! The transactional producer: Python's Producer.init_transactions, begin_transaction,
//! send_offsets_to_transaction, commit_transaction and abort_transaction.
//!
//! A producer becomes transactional with the `transactional.id` property (which turns on
//! enable.idempotence). Every error of these calls is librdkafka's, with its flags: check
//! kf_error_is_fatal() first (destroy the producer), then kf_error_txn_requires_abort() (abort
//! the transaction and start again), then kf_error_is_retriable() (call the same function
//! again with the same arguments).
//!
//! Thread safety: any thread. One transactional call runs at a time per producer: a second one
//! concurrently fails with KF_ERR__PREV_IN_PROGRESS or KF_ERR__CONFLICT (both retriable). While
//! a blocking call waits, the producer's callbacks run on the calling thread; calling any of
//! these functions from inside one of the producer's callbacks fails with KF_ERR__STATE.
use std::os::raw::c_int;

use super::producer::producer;
use super::types::*;
use super::{call, handle};

/// Initializes transactions (Python's init_transactions): registers `transactional.id` with its
/// transaction coordinator, fences every older producer with the same transactional.id (their
/// next transactional call or produce fails with a fatal error) and completes or aborts the
/// transaction such a producer left open. Call it once, after kf_producer_new() and before any
/// other transactional call or kf_producer_produce().
///
/// Blocks: up to `timeout_ms` (-1: librdkafka caps it at twice transaction.timeout.ms), serving
/// this producer's callbacks on the calling thread while it waits; kf_producer_wake() does not
/// interrupt it.
/// Errors (retriable / fatal flags exactly as librdkafka reports them): KF_ERR__TIMED_OUT
/// (retriable: the initialization goes on in the background; call again to resume it);
/// KF_ERR__NOT_CONFIGURED (no transactional.id); KF_ERR__STATE (already initialized, a fatal
/// error was raised, or called from inside one of this producer's callbacks); fatal errors such
/// as KF_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED (destroy the producer);
/// KF_ERR__PREV_IN_PROGRESS / KF_ERR__CONFLICT (another transactional call is under way);
/// KF_ERR__INVALID_ARG (NULL producer).
/// Thread safety: any thread; callbacks run on the calling thread while it waits.
#[no_mangle]
pub extern "C" fn kf_producer_init_transactions(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_init_transactions";
    call(F, || {
        self::producer(producer, F)?.init_transactions(timeout_ms)
    })
}

/// Begins a transaction (Python's begin_transaction). Until it is committed or aborted, every
/// message produced belongs to it; offsets added with kf_producer_send_offsets_to_transaction()
/// are committed with it. A transactional producer cannot produce outside a transaction:
/// kf_producer_produce() then fails with KF_ERR__STATE.
///
/// Blocks: no (local state only; the coordinator learns of the transaction with its first
/// message or offsets).
/// Errors: KF_ERR__STATE (kf_producer_init_transactions() not done, a transaction already in
/// progress, or called from inside one of this producer's callbacks); the pending error again,
/// with kf_error_txn_requires_abort(), while a failed transaction is not aborted yet;
/// KF_ERR__CONFLICT (retriable: a commit or abort that timed out must be called
/// again first); fatal errors (the producer was fenced or failed: destroy it);
/// KF_ERR__NOT_CONFIGURED (no transactional.id); KF_ERR__INVALID_ARG (NULL producer).
/// Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_producer_begin_transaction(producer: *mut kf_producer_t) -> *mut kf_error_t {
    const F: &str = "kf_producer_begin_transaction";
    call(F, || self::producer(producer, F)?.begin_transaction())
}

/// Adds a consumer's offsets to the current transaction (Python's send_offsets_to_transaction):
/// they are committed for the consumer's group if and only if the transaction commits. This is
/// what makes consume-transform-produce exactly-once: the input consumer runs with
/// enable.auto.commit=false and never commits itself.
///
/// `offsets`: for each input partition, the offset of the next message to consume (the last
/// processed message's offset + 1, as kf_consumer_position() returns); elements with a negative
/// offset are skipped, and a list without a valid offset is a successful no-op. `group_metadata`:
/// from kf_consumer_group_metadata() of the input consumer. Both are borrowed for the call
/// (librdkafka copies them); the caller keeps owning and destroys them.
///
/// Blocks: up to `timeout_ms`, capped at the transaction's remaining time (-1: that remaining
/// time), serving this producer's callbacks on the calling thread while it waits.
/// Errors (flags exactly as librdkafka reports them): retriable ones, such as
/// KF_ERR__TIMED_OUT or KF_ERR_COORDINATOR_NOT_AVAILABLE (call again with identical `offsets`
/// and `group_metadata`); abortable ones (kf_error_txn_requires_abort(): abort the transaction);
/// fatal ones, such as KF_ERR__FENCED, KF_ERR_PRODUCER_FENCED or KF_ERR_INVALID_PRODUCER_EPOCH
/// (a newer producer with the same transactional.id took over: destroy this one);
/// KF_ERR__STATE (no transaction in progress, or called from inside one of this producer's
/// callbacks); KF_ERR__INVALID_ARG (NULL producer, offsets or group_metadata).
/// Thread safety: any thread; callbacks run on the calling thread while it waits.
#[no_mangle]
pub extern "C" fn kf_producer_send_offsets_to_transaction(
    producer: *mut kf_producer_t,
    offsets: *const kf_topic_partition_list_t,
    group_metadata: *const kf_consumer_group_metadata_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_send_offsets_to_transaction";
    call(F, || {
        let p = self::producer(producer, F)?;
        let offsets = handle(offsets, F, "offsets")?;
        let group_metadata = handle(group_metadata, F, "group_metadata")?;
        p.send_offsets_to_transaction(offsets, group_metadata, timeout_ms)
    })
}

/// Commits the current transaction (Python's commit_transaction): first delivers every message
/// produced in it (their delivery reports run on the calling thread), then asks the coordinator
/// to commit, which makes the messages visible to read_committed consumers and commits the
/// offsets sent to the transaction, all or nothing.
///
/// Blocks: until committed or `timeout_ms` (-1, librdkafka's recommended value: no limit of the
/// call's own; transaction.timeout.ms still bounds the transaction), serving this producer's
/// callbacks on the calling thread while it waits; kf_producer_wake() does not interrupt it.
/// Errors (flags exactly as librdkafka reports them), in the order to check them:
/// - kf_error_is_fatal(): e.g. KF_ERR__FENCED or KF_ERR_PRODUCER_FENCED. The producer is
///   unusable (kf_producer_fatal_error() gives the cause): destroy it. Fenced means a newer
///   instance with the same transactional.id has taken over; after other fatal errors, create a
///   new producer with the same transactional.id and resume from the group's committed offsets.
/// - kf_error_txn_requires_abort(): a message or the offsets failed. Call
///   kf_producer_abort_transaction(), rewind the input consumer to its committed offsets
///   (kf_consumer_committed() then kf_consumer_seek()), and process that input again.
/// - kf_error_is_retriable(), typically KF_ERR__TIMED_OUT: the outcome is UNKNOWN (see below).
/// - KF_ERR__STATE: no transaction in progress (nothing was committed), or called from inside one
///   of this producer's callbacks. KF_ERR__CONFLICT (retriable): an abort that timed out must be
///   called again first. KF_ERR__NOT_CONFIGURED, KF_ERR__INVALID_ARG (NULL producer).
///
/// A commit that times out leaves the outcome unknown: the transaction may already be committed,
/// may be committed later, or may be aborted, and the commit goes on in the background. The safe
/// recovery is one of:
/// 1. call kf_producer_commit_transaction() again (same producer, no other transactional call in
///    between) until it returns success (committed) or a non-retriable error (handle that as
///    above); librdkafka resumes the commit in progress, it never commits twice; or
/// 2. destroy the producer and create a new one with the same transactional.id: its
///    kf_producer_init_transactions() fences the old producer (its new epoch rejects anything
///    the old one still had in flight) and lets the coordinator finish or abort the old
///    transaction. Then rewind the input to the group's committed offsets (kf_consumer_committed()
///    and kf_consumer_seek(), or a new consumer in the group): they tell which it was.
///
/// Never begin a new transaction, and never treat the input as processed or unprocessed, after
/// a timed-out commit without one of these (librdkafka refuses begin and abort with
/// KF_ERR__CONFLICT or KF_ERR__STATE while the commit is unresolved). librdkafka 2.12.1 lacks
/// the client side of KIP-890 (a new producer epoch at the end of every transaction), which is
/// what closes the window in which a request delayed past its transaction's end is taken into
/// the same producer's next transaction: the class of anomaly Jepsen's 2024 analysis of Kafka's
/// transaction protocol demonstrates. Recovery 2 gives the transactional.id a new epoch, which
/// closes that window; prefer it when the commit kept timing out.
/// Thread safety: any thread; callbacks run on the calling thread while it waits.
#[no_mangle]
pub extern "C" fn kf_producer_commit_transaction(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_commit_transaction";
    call(F, || {
        self::producer(producer, F)?.commit_transaction(timeout_ms)
    })
}

/// Aborts the current transaction (Python's abort_transaction): purges the messages not yet
/// sent (their delivery reports carry KF_ERR__PURGE_QUEUE and run on the calling thread), waits
/// for those in flight, then asks the coordinator to abort. No message of the transaction is
/// ever seen by read_committed consumers, and the offsets sent to it are not committed: rewind
/// the input consumer to its committed offsets (kf_consumer_committed() then
/// kf_consumer_seek()) before processing that input again. Call it after an error with
/// kf_error_txn_requires_abort(), or to give up on a transaction.
///
/// Blocks: until aborted or `timeout_ms` (-1: no limit of the call's own), serving this
/// producer's callbacks on the calling thread while it waits; kf_producer_wake() does not
/// interrupt it.
/// Errors (flags exactly as librdkafka reports them): retriable ones, typically
/// KF_ERR__TIMED_OUT: the outcome is unknown, as for a timed-out commit, with the same safe
/// recovery: call kf_producer_abort_transaction() again until it succeeds or fails with a
/// non-retriable error, or destroy the producer and create a new one with the same
/// transactional.id (whose kf_producer_init_transactions() aborts the transaction on the
/// coordinator); never begin a new transaction without one of those. Fatal ones (destroy the
/// producer); KF_ERR__STATE (no transaction in progress, or called from inside one of this
/// producer's callbacks); KF_ERR__CONFLICT (retriable: a commit that timed out must be called
/// again first); KF_ERR__NOT_CONFIGURED; KF_ERR__INVALID_ARG (NULL producer).
/// Thread safety: any thread; callbacks run on the calling thread while it waits.
#[no_mangle]
pub extern "C" fn kf_producer_abort_transaction(
    producer: *mut kf_producer_t,
    timeout_ms: c_int,
) -> *mut kf_error_t {
    const F: &str = "kf_producer_abort_transaction";
    call(F, || {
        self::producer(producer, F)?.abort_transaction(timeout_ms)
    })
}
