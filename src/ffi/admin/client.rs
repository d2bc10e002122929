//! kf_admin_t's lifecycle: creation, destruction, poll, wake, the event fd, and the calls that
//! are not admin operations (list_topics, SASL credentials).
use std::os::raw::{c_char, c_int};

use super::super::types::*;
use super::super::{arg_cstr, call, construct, handle, out_arg};
use super::kf_admin_t;
use crate::error::KResult;
use crate::kafka::admin::Admin;

/// The admin client behind a handle, refused in a child process after fork().
pub(crate) fn admin<'a>(p: *const kf_admin_t, func: &str) -> KResult<&'a Admin> {
    let a: &Admin = handle(p, func, "admin")?;
    a.client.check_fork(func)?;
    Ok(a)
}

/// A new admin client. `config` is copied; its error, throttle, stats, log and oauth callbacks
/// are served inside kf_admin_poll() and every blocking admin call (delivery and commit
/// callbacks do not apply). The first asynchronous operation starts a thread of the client that
/// takes the operations' answers as they arrive (and starts their retries); their callbacks
/// still run inside kf_admin_poll(). retry.backoff.ms and retry.backoff.max.ms set the pauses of
/// the consumer group operations' retries.
///
/// Returns: caller owns; free with kf_admin_destroy(). NULL on failure, with `*err_out` set when
/// `err_out` is not NULL (KF_ERR__INVALID_ARG: NULL config, or a config librdkafka refuses).
/// fork(): in a child process forked after this call, every call on the admin client fails with
/// KF_ERR__FORKED and kf_admin_destroy() frees nothing of librdkafka (the child leaks it; the
/// parent's admin client is unaffected). Create a new admin client in the child.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_new(
    config: *const kf_config_t,
    err_out: *mut *mut kf_error_t,
) -> *mut kf_admin_t {
    construct("kf_admin_new", err_out, || {
        let c = handle(config, "kf_admin_new", "config")?;
        Ok(Box::new(Admin::new(c)?))
    })
}

/// Destroys the admin client without waiting. Operations still running are abandoned (retries
/// not yet started never start): their asynchronous callbacks never run, nor do those of
/// results not yet served by kf_admin_poll(). Runs no callback; on this thread it gives the
/// opaque of each of those `_async` calls to the opaque release
/// (kf_config_set_opaque_release_cb(), once each). NULL is a no-op.
///
/// Errors: KF_ERR__STATE when called from inside one of this client's callbacks (then nothing is
/// destroyed).
/// Thread safety: no other call on this admin client may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_destroy(admin: *mut kf_admin_t) -> *mut kf_error_t {
    crate::ffi::destroy_client(admin, "kf_admin_destroy", "admin client", |x| &x.client)
}

/// Serves the results of asynchronous operations (their callbacks) and the client's callbacks,
/// waiting up to `timeout_ms` for the first (0: don't wait; -1: wait indefinitely).
/// `*served_out` (may be NULL) gets the number served.
///
/// Blocks: up to `timeout_ms`; kf_admin_wake() ends the wait with KF_ERR__INTR.
/// Errors: KF_ERR__INVALID_ARG (NULL admin); KF_ERR__STATE when called from inside one of this
/// client's callbacks; KF_ERR__INTR when woken.
/// Thread safety: any thread; callbacks run on the calling thread.
/// Nullable: `served_out`.
#[no_mangle]
pub extern "C" fn kf_admin_poll(
    admin: *mut kf_admin_t,
    timeout_ms: c_int,
    served_out: *mut c_int,
) -> *mut kf_error_t {
    call("kf_admin_poll", || {
        let n = self::admin(admin, "kf_admin_poll")?.poll(timeout_ms)?;
        if !served_out.is_null() {
            unsafe { *served_out = n };
        }
        Ok(())
    })
}

/// Makes a kf_admin_poll(), a blocking admin operation or kf_admin_list_topics() waiting on
/// another thread return at once with KF_ERR__INTR (the operation itself still runs; its result
/// is discarded when it arrives). With no call waiting, the next one returns KF_ERR__INTR at
/// once (the wake-up is never lost).
///
/// Async-signal-safe: it stores a flag and writes one byte to a pipe (no lock, no allocation),
/// so a SIGINT handler may call it; errno is preserved.
/// Errors: KF_ERR__INVALID_ARG (NULL admin). Blocks: no.
/// Thread safety: any thread, and signal handlers.
#[no_mangle]
pub extern "C" fn kf_admin_wake(admin: *mut kf_admin_t) -> *mut kf_error_t {
    call("kf_admin_wake", || {
        self::admin(admin, "kf_admin_wake")?.client.wake();
        Ok(())
    })
}

/// A file descriptor that becomes readable when kf_admin_poll() has work to serve (a callback
/// or an asynchronous result), for event loops: the read end of a non-blocking pipe. When it is
/// readable, read it until EAGAIN, then call kf_admin_poll() with timeout 0 until it serves
/// nothing: one byte may stand for many events. It may also become readable with nothing to
/// serve (a wake-up). The descriptor belongs to the admin client and lives until
/// kf_admin_destroy(): never close it. A runtime that closes the descriptors it is given must
/// be given a dup() of it. It becomes readable when the
/// client's queue goes from empty to not empty: events queued before the first call do not
/// make it readable, so call kf_admin_poll() with timeout 0 until it comes back empty once after
/// getting the descriptor.
///
/// Errors: KF_ERR__INVALID_ARG; KF_ERR__STATE when no pipe can be created.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_event_fd(admin: *mut kf_admin_t, fd_out: *mut c_int) -> *mut kf_error_t {
    call("kf_admin_event_fd", || unsafe {
        let a = self::admin(admin, "kf_admin_event_fd")?;
        let out = out_arg(fd_out, "kf_admin_event_fd", "fd_out")?;
        *out = a.client.event_fd()?;
        Ok(())
    })
}

/// Cluster metadata for `topic`, or for all topics when `topic` is NULL (Python's
/// AdminClient.list_topics).
///
/// `metadata_out`: on success, caller owns; free with kf_metadata_destroy().
/// Blocks: up to `timeout_ms`, serving callbacks. Errors: KF_ERR__INVALID_ARG;
/// KF_ERR__TIMED_OUT; KF_ERR__TRANSPORT.
/// Thread safety: any thread.
/// Nullable: `topic`.
#[no_mangle]
pub extern "C" fn kf_admin_list_topics(
    admin: *mut kf_admin_t,
    topic: *const c_char,
    timeout_ms: c_int,
    metadata_out: *mut *mut kf_metadata_t,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_list_topics";
    call(F, || unsafe {
        let a = self::admin(admin, F)?;
        let t = if topic.is_null() {
            None
        } else {
            Some(arg_cstr(topic, F, "topic")?)
        };
        let out = out_arg(metadata_out, F, "metadata_out")?;
        *out = a.list_topics(t, timeout_ms)? as *mut kf_metadata_t;
        Ok(())
    })
}

/// Replaces the SASL PLAIN/SCRAM username and password; used from the next (re)authentication.
///
/// Errors: KF_ERR__INVALID_ARG for NULL arguments. Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_set_sasl_credentials(
    admin: *mut kf_admin_t,
    username: *const c_char,
    password: *const c_char,
) -> *mut kf_error_t {
    const F: &str = "kf_admin_set_sasl_credentials";
    call(F, || unsafe {
        let a = self::admin(admin, F)?;
        let u = arg_cstr(username, F, "username")?;
        let p = arg_cstr(password, F, "password")?;
        a.set_sasl_credentials(u, p)
    })
}
