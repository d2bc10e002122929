//! Helpers shared by the configuration, error and invalid-argument tests (tests/config.rs,
//! tests/invalid_args_*.rs): the invalid-argument check, a non-UTF-8 string, and callback
//! counters that live for the whole test run.
use super::*;
use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// Expects KF_ERR__INVALID_ARG with a message containing every needle.
#[track_caller]
pub fn inv(e: *mut kf_error_t, needles: &[&str]) -> String {
    let (code, msg) = err(e);
    assert_eq!(
        code, KF_ERR__INVALID_ARG,
        "expected KF_ERR__INVALID_ARG, got {code}: {msg}"
    );
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} does not mention {n:?}");
    }
    msg
}

/// A NUL-terminated string that is not UTF-8.
pub const NOT_UTF8: &[u8] = b"\xff\xfe\0";
pub fn bad_utf8() -> *const c_char {
    NOT_UTF8.as_ptr() as *const c_char
}

/// Callback and free counts that live for the whole test run (handed out as an opaque).
#[derive(Default)]
pub struct Counts {
    pub calls: AtomicUsize,
    pub freed: AtomicUsize,
}
pub fn counter() -> &'static Counts {
    Box::leak(Box::default())
}
pub fn as_opaque(c: &'static Counts) -> *mut c_void {
    c as *const Counts as *mut c_void
}
pub unsafe extern "C" fn count_free(opaque: *mut c_void) {
    (*(opaque as *const Counts)).freed.fetch_add(1, SeqCst);
}
pub unsafe extern "C" fn count_stats(opaque: *mut c_void, _json: *const c_char, _len: usize) {
    (*(opaque as *const Counts)).calls.fetch_add(1, SeqCst);
}
pub unsafe extern "C" fn noop_error(_opaque: *mut c_void, _e: *const kf_error_t) {}
pub unsafe extern "C" fn count_release(opaque: *mut c_void, _value: *mut u8) {
    (*(opaque as *const Counts)).calls.fetch_add(1, SeqCst);
}
pub unsafe extern "C" fn noop_rebalance(
    _o: *mut c_void,
    _c: *mut kf_consumer_t,
    _l: *const kf_topic_partition_list_t,
) {
}
