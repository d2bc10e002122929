//! kf_deserializing_consumer_t: Python's DeserializingConsumer. Python's key.deserializer and
//! value.deserializer configuration entries hold objects, which C cannot put in configuration
//! text: here they are the deserializer arguments of kf_deserializing_consumer_new(); the rest
//! of the configuration is the usual kf_config_t.
use std::os::raw::c_int;

use super::types::*;
use super::{call, construct, handle, new_handle, opt, out_arg, value};
use super::{kf_deserialized_message_t, kf_deserializer_t};
use crate::serdes::DeserializingConsumer;

/// A consumer that deserializes keys and values (Python's DeserializingConsumer).
pub struct kf_deserializing_consumer_t {
    _opaque: [u8; 0],
}

super::types::client_handle!(
    kf_deserializing_consumer_t => DeserializingConsumer,
    crate::kafka::tag::Tag::DESERIALIZING_CONSUMER
);

/// Python's DeserializingConsumer: a consumer (configured by `config`, copied; group.id is
/// required) whose kf_deserializing_consumer_poll() deserializes the value with
/// `value_deserializer`, then the key with `key_deserializer` (Python's value.deserializer and
/// key.deserializer; either may be NULL: the raw bytes are kept). The consumer keeps its own
/// reference to each deserializer: the caller may destroy its handles at once.
///
/// Subscribe, assign, commit, close and every other consumer call go to the underlying
/// consumer, see kf_deserializing_consumer_consumer().
/// Returns: caller owns; kf_consumer_close(kf_deserializing_consumer_consumer(c)) then
/// kf_deserializing_consumer_destroy(). NULL on failure with `*err_out` set when not NULL
/// (KF_ERR__INVALID_ARG for a NULL or refused config, or one without group.id).
/// Thread safety: any thread.
/// Blocks: no.
/// Nullable: `key_deserializer`, `value_deserializer`.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_new(
    config: *const kf_config_t,
    key_deserializer: *const kf_deserializer_t,
    value_deserializer: *const kf_deserializer_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_deserializing_consumer_t {
    const F: &str = "kf_deserializing_consumer_new";
    construct(F, err_out, || {
        let c = handle(config, F, "config")?;
        Ok(Box::new(DeserializingConsumer::new(
            c,
            opt(key_deserializer).cloned(),
            opt(value_deserializer).cloned(),
        )?))
    })
}

/// Destroys the consumer as kf_consumer_destroy() does (close it first to leave the group
/// cleanly), and drops its deserializer references. NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this consumer's callbacks (nothing is
/// destroyed then).
/// Thread safety: no other call on this consumer may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_destroy(
    consumer: *mut kf_deserializing_consumer_t,
) -> *mut kf_error_t {
    super::destroy_client(
        consumer,
        "kf_deserializing_consumer_destroy",
        "consumer",
        |x| &x.consumer.client,
    )
}

/// The underlying consumer, for kf_consumer_subscribe(), kf_consumer_assign(),
/// kf_consumer_commit(), kf_consumer_close() and every other consumer call (its own poll and
/// consume do not deserialize).
///
/// Returns: borrowed, valid until kf_deserializing_consumer_destroy(); never destroy it
/// yourself. NULL when `consumer` is NULL.
/// Thread safety: as the consumer's.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_consumer(
    consumer: *const kf_deserializing_consumer_t,
) -> *mut kf_consumer_t {
    value(std::ptr::null_mut(), || {
        opt(consumer).map_or(std::ptr::null_mut(), |c| {
            &*c.consumer as *const _ as *mut kf_consumer_t
        })
    })
}

/// Python's DeserializingConsumer.poll: the next message, waiting up to `timeout_ms` (-1: no
/// limit), with its value, then its key, deserialized. `*message_out` gets the message (caller
/// owns; kf_deserialized_message_destroy()), or NULL when the wait ended without one. An error
/// event (KF_ERR__PARTITION_EOF, ...) comes back as a message whose kf_message_error_code() is
/// set, not deserialized (key and value null), as kf_consumer_poll() hands it over.
///
/// A record that fails to deserialize never stops the consumer: the call returns
/// KF_ERR__VALUE_DESERIALIZATION or KF_ERR__KEY_DESERIALIZATION carrying the cause AND, unlike
/// other calls, still writes `*message_out`: the message with its raw, undeserialized key and
/// value in kf_deserialized_message_key()/_value() (topic, partition and offset through
/// kf_deserialized_message_message()), so the caller can log or dead-letter it. The message
/// counts as consumed (its offset is stored as for any polled message): the next poll returns
/// the next record.
///
/// Blocks: up to `timeout_ms`; kf_consumer_wake() on the underlying consumer ends it with
/// KF_ERR__INTR. Rebalance and other callbacks are served on this thread.
/// Errors: the deserialization errors above; KF_ERR__INVALID_ARG (NULL arguments);
/// KF_ERR__STATE (closed, or inside a callback); KF_ERR__INTR.
/// Thread safety: as kf_consumer_poll().
#[no_mangle]
pub extern "C" fn kf_deserializing_consumer_poll(
    consumer: *mut kf_deserializing_consumer_t,
    timeout_ms: c_int,
    message_out: *mut *mut kf_deserialized_message_t,
) -> *mut kf_error_t {
    const F: &str = "kf_deserializing_consumer_poll";
    call(F, || {
        let c = handle(consumer, F, "consumer")?;
        c.consumer.usable(F)?;
        let out = out_arg(message_out, F, "message_out")?;
        match c.poll(timeout_ms)? {
            None => {
                unsafe { *out = std::ptr::null_mut() };
                Ok(())
            }
            Some((m, e)) => {
                unsafe { *out = new_handle::<kf_deserialized_message_t>(Box::new(m)) };
                e.map_or(Ok(()), Err)
            }
        }
    })
}
