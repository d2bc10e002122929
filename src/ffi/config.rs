//! kf_config_t: properties and callbacks for a client.
//!
//! Thread safety of every kf_config_* call: a configuration is not synchronised; use it from one
//! thread at a time. Clients copy it when created, so it may be changed or destroyed afterwards.
use std::os::raw::{c_char, c_void};

use std::ffi::CStr;
use std::sync::Arc;

use super::callback::Opaque;
use super::types::*;
use super::{
    arg_str, borrowed, call, free_handle, handle, handle_mut, new_handle, opt, out_arg,
    owned_string, value,
};
use crate::error::{KResult, KafkaError};
use crate::kafka::callbacks::Callbacks;
use crate::kafka::config::Config;
use crate::kafka::events::OauthTokenRequest;
use crate::kafka::message::Message;
use crate::kafka::topic_partition::PartitionList;

fn conf<'a>(c: *mut kf_config_t, func: &str) -> KResult<&'a mut Config> {
    handle_mut(c, func, "config")
}

/// A new, empty configuration (librdkafka's defaults).
///
/// Returns: caller owns; free with kf_config_destroy(). Never NULL.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_new() -> *mut kf_config_t {
    new_handle(Box::new(Config::new()))
}

/// Frees a configuration and releases its callback registrations (each opaque's free function
/// runs once no client holds the registration either). NULL is a no-op.
/// Thread safety: once, with no other call on the config running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_destroy(config: *mut kf_config_t) {
    value((), || unsafe { free_handle(config) })
}

/// Sets one librdkafka property (global or topic-level, as in CONFIGURATION.md). The key
/// "default.topic.config" takes a JSON object of topic properties, merged into the top level.
///
/// kafkaffi's own property: "kafkaffi.callbacks.in.poll" ("true" or "false", default
/// "false"). When true, the client's callbacks run only inside its poll calls
/// (kf_producer_poll(), kf_consumer_poll(), kf_consumer_consume(), kf_admin_poll()), never
/// inside flush, close, a commit, a query, a transaction or an admin call, on whatever thread
/// those run: what they would have run waits for the next poll, and the event fd becomes
/// readable. A flush then returns once the polling thread has served every delivery report,
/// and a close once the polling thread has served the final rebalance.
///
/// Errors: KF_ERR__INVALID_ARG for a NULL or non-UTF-8 argument, an unknown key or a bad value;
/// the message names the key. The configuration is unchanged on error.
/// Thread safety: one thread at a time per config.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_set(
    config: *mut kf_config_t,
    key: *const c_char,
    value: *const c_char,
) -> *mut kf_error_t {
    call("kf_config_set", || unsafe {
        let c = conf(config, "kf_config_set")?;
        let k = arg_str(key, "kf_config_set", "key")?;
        let v = arg_str(value, "kf_config_set", "value")?;
        c.set(k, v)
    })
}

/// Sets every property of a JSON object text, e.g. {"bootstrap.servers": "h:9092", "linger.ms": 5,
/// "enable.idempotence": true, "default.topic.config": {"acks": "all"}}. Values are strings,
/// numbers or booleans.
///
/// Errors: KF_ERR__INVALID_ARG for malformed JSON, a value of another type, an unknown key or a
/// bad value, naming the key. Properties before the bad one stay set.
/// Thread safety: one thread at a time per config.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_set_json(
    config: *mut kf_config_t,
    json: *const c_char,
) -> *mut kf_error_t {
    call("kf_config_set_json", || unsafe {
        let c = conf(config, "kf_config_set_json")?;
        c.set_json(arg_str(json, "kf_config_set_json", "json")?)
    })
}

/// The current value of a property, or its default when never set. Secrets are write-only: for
/// sasl.password, ssl.key.password, ssl.keystore.password, ssl.key.pem,
/// sasl.oauthbearer.client.secret, sasl.oauthbearer.config and the
/// sasl.oauthbearer.assertion.private.key passphrase and PEM, a value that is set reads as
/// "[redacted]" (an unset one reads as its default, usually empty).
///
/// `value_out`: on success, a string the caller owns; free with kf_string_free().
/// Errors: KF_ERR__INVALID_ARG for a NULL argument or an unknown key.
/// Thread safety: one thread at a time per config.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_get(
    config: *const kf_config_t,
    key: *const c_char,
    value_out: *mut *mut c_char,
) -> *mut kf_error_t {
    call("kf_config_get", || unsafe {
        let c = handle(config, "kf_config_get", "config")?;
        let k = arg_str(key, "kf_config_get", "key")?;
        let out = out_arg(value_out, "kf_config_get", "value_out")?;
        let mut v = c.get(k)?;
        if SECRET_PROPERTIES.contains(&k) && !v.is_empty() {
            v = "[redacted]".to_string();
        }
        *out = owned_string(v);
        Ok(())
    })
}

/// Properties whose values kf_config_get never returns (librdkafka's sensitive properties that
/// hold a secret rather than a name or a file path).
const SECRET_PROPERTIES: &[&str] = &[
    "sasl.password",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.key.pem",
    "sasl.oauthbearer.client.secret",
    "sasl.oauthbearer.config",
    "sasl.oauthbearer.assertion.private.key.passphrase",
    "sasl.oauthbearer.assertion.private.key.pem",
];

/// A copy of a configuration, properties and callback registrations alike.
///
/// Returns: caller owns; free with kf_config_destroy(). NULL when `config` is NULL.
/// Thread safety: one thread at a time per config.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_config_dup(config: *const kf_config_t) -> *mut kf_config_t {
    value(std::ptr::null_mut(), || {
        opt(config).map_or(std::ptr::null_mut(), |c| new_handle(Box::new(c.dup())))
    })
}

/// Stores a callback registration: `store` gets the C function with its opaque (which frees
/// itself when the last holder of the closure built around it is dropped), or None to remove
/// the registration (then `opaque` is freed at once).
fn register<F>(
    func: &str,
    config: *mut kf_config_t,
    callback: Option<F>,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
    store: impl FnOnce(&mut Callbacks, Option<(F, Opaque)>),
) -> *mut kf_error_t {
    call(func, || {
        // Owned from here (docs/ABI.md): a failure below, a NULL config included, frees it.
        let opaque = Opaque::new(opaque, free_opaque);
        let c = conf(config, func)?;
        store(&mut c.callbacks, callback.map(|f| (f, opaque)));
        Ok(())
    })
}

/// Registers error_cb: client-level errors (all brokers down, authentication failures, fatal errors).
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_error_cb(
    config: *mut kf_config_t,
    callback: kf_error_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_error_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.error = reg.map(|(f, o)| {
                Arc::new(move |e: &KafkaError| unsafe { f(o.get(), borrowed(e)) }) as Arc<_>
            })
        },
    )
}

/// Registers throttle_cb: a broker throttled a request of this client.
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_throttle_cb(
    config: *mut kf_config_t,
    callback: kf_throttle_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_throttle_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.throttle = reg
                .map(|(f, o)| Arc::new(move |ev: &_| unsafe { f(o.get(), borrowed(ev)) }) as Arc<_>)
        },
    )
}

/// Registers stats_cb: librdkafka's statistics JSON, every statistics.interval.ms (set it above 0).
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_stats_cb(
    config: *mut kf_config_t,
    callback: kf_stats_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_stats_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.stats = reg.map(|(f, o)| {
                Arc::new(move |json: &CStr| unsafe {
                    f(o.get(), json.as_ptr(), json.to_bytes().len())
                }) as Arc<_>
            })
        },
    )
}

/// Registers oauth_cb: supplies OAUTHBEARER tokens (sasl.mechanism=OAUTHBEARER). Called once while the
/// client is created, then whenever the token nears expiry.
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_oauth_cb(
    config: *mut kf_config_t,
    callback: kf_oauth_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_oauth_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.oauth = reg.map(|(f, o)| {
                Arc::new(
                    move |cfg: Option<&CStr>, req: &mut OauthTokenRequest| unsafe {
                        let token = req as *mut OauthTokenRequest as *mut kf_oauth_token_t;
                        f(o.get(), cfg.map_or(std::ptr::null(), CStr::as_ptr), token)
                    },
                ) as Arc<_>
            })
        },
    )
}

/// Registers on_delivery: the producer's delivery report for every message that has no per-message
/// callback of its own.
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_delivery_cb(
    config: *mut kf_config_t,
    callback: kf_delivery_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_delivery_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.delivery = reg.map(|(f, o)| {
                Arc::new(move |m: &Message, e: Option<&KafkaError>| unsafe {
                    f(o.get(), borrowed(m), e.map_or(std::ptr::null(), borrowed))
                }) as Arc<_>
            })
        },
    )
}

/// Registers on_commit: the consumer's result of asynchronous and automatic offset commits.
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_commit_cb(
    config: *mut kf_config_t,
    callback: kf_commit_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_commit_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.commit = reg.map(|(f, o)| {
                Arc::new(
                    move |e: Option<&KafkaError>, list: Option<&PartitionList>| unsafe {
                        let list = list.map_or(std::ptr::null(), borrowed);
                        f(o.get(), e.map_or(std::ptr::null(), borrowed), list)
                    },
                ) as Arc<_>
            })
        },
    )
}

/// Registers logger: librdkafka's log lines (as log_level and debug select them), queued inside
/// librdkafka and served by poll. Without a logger, librdkafka prints to stderr.
///
/// `callback` NULL removes the registration. `opaque` is passed back unchanged as the first
/// argument; `free_opaque` (may be NULL) is called with it once no configuration or client holds
/// the registration any more.
/// Runs on: the application thread inside a poll, flush, consume, close or other blocking call of
/// the client; never on a librdkafka thread.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Thread safety: one thread at a time per config.
/// Blocks: no.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_log_cb(
    config: *mut kf_config_t,
    callback: kf_log_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_log_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.log = reg.map(|(f, o)| {
                Arc::new(move |level: i32, fac: &CStr, msg: &CStr| unsafe {
                    f(o.get(), level, fac.as_ptr(), msg.as_ptr())
                }) as Arc<_>
            })
        },
    )
}

/// Registers the opaque release: `callback(opaque, released)` is called exactly once for every
/// per-call opaque whose callback will never run, so that a binding can free what it pinned for
/// it (a cgo.Handle, a Python handle, a koffi registration). Those opaques are:
/// - a produced message's `opaque` given with its own `on_delivery` (kf_producer_produce(),
///   kf_producer_produce_zerocopy(), kf_producer_produce_batch(), the serializing producers'
///   produce calls) when the producer is destroyed before the message's delivery report was
///   served: undelivered messages (purged by destroy) and reports librdkafka already queued but
///   no poll served. A report that is served calls `on_delivery` instead (a purged message's
///   report, KF_ERR__PURGE_QUEUE or KF_ERR__PURGE_INFLIGHT, included), never both. An opaque
///   given with a NULL `on_delivery` is not kept, so it is never released;
/// - an `_async` admin call's `opaque` when the admin client is destroyed before the call's
///   result was handed to its callback (see kf_admin_result_cb).
/// An opaque given to a call that fails is never released: it stays the caller's.
///
/// Set on the configuration, so it is fixed for the client's whole life, before the first
/// opaque exists: a release set per client afterwards could miss opaques passed before it, or
/// race with a destroy. Clients copy the registration; `free_opaque` (may be NULL) is called
/// with `opaque` once no configuration or client holds the registration any more (after the
/// releases of the last client's destroy). `callback` NULL removes the registration (then
/// `opaque` is freed at once); without one, abandoned opaques are dropped silently.
/// Runs on: the thread calling the client's destroy, inside it; never on a librdkafka thread.
/// It must not call the client being destroyed.
/// Errors: KF_ERR__INVALID_ARG when `config` is NULL (then `free_opaque` is called at once).
/// Blocks: no.
/// Thread safety: one thread at a time per configuration, as every kf_config_* call.
/// Nullable: `callback`.
#[no_mangle]
pub extern "C" fn kf_config_set_opaque_release_cb(
    config: *mut kf_config_t,
    callback: kf_opaque_release_cb,
    opaque: *mut c_void,
    free_opaque: kf_free_fn,
) -> *mut kf_error_t {
    register(
        "kf_config_set_opaque_release_cb",
        config,
        callback,
        opaque,
        free_opaque,
        |c, reg| {
            c.opaque_release = reg.map(|(f, o)| {
                Arc::new(move |released: *mut c_void| unsafe { f(o.get(), released) }) as Arc<_>
            })
        },
    )
}
