//! Application callbacks as registered on a config: a C function pointer, the application's
//! opaque pointer, and an optional function that frees the opaque when the last config or
//! client holding the registration goes away.
use std::os::raw::c_void;
use std::sync::Arc;

use crate::ffi::*;

pub struct Callback<F: Copy> {
    pub func: F,
    pub opaque: *mut c_void,
    free_opaque: kf_free_fn,
}

// The opaque is the application's; kafkaffi only hands it back on threads the application
// itself has inside a blocking call, so moving the registration between threads is sound.
unsafe impl<F: Copy> Send for Callback<F> {}
unsafe impl<F: Copy> Sync for Callback<F> {}

impl<F: Copy> Callback<F> {
    pub fn new(func: F, opaque: *mut c_void, free_opaque: kf_free_fn) -> Arc<Self> {
        Arc::new(Callback {
            func,
            opaque,
            free_opaque,
        })
    }
}

impl<F: Copy> Drop for Callback<F> {
    fn drop(&mut self) {
        if let Some(free) = self.free_opaque {
            unsafe { free(self.opaque) }
        }
    }
}

/// The Python client's callback properties (error_cb, throttle_cb, stats_cb, oauth_cb,
/// on_delivery, on_commit, logger). Cloning shares the registrations.
#[derive(Clone, Default)]
pub struct Callbacks {
    pub error: Option<Arc<Callback<ErrorFn>>>,
    pub throttle: Option<Arc<Callback<ThrottleFn>>>,
    pub stats: Option<Arc<Callback<StatsFn>>>,
    pub oauth: Option<Arc<Callback<OauthFn>>>,
    pub delivery: Option<Arc<Callback<DeliveryFn>>>,
    pub commit: Option<Arc<Callback<CommitFn>>>,
    pub log: Option<Arc<Callback<LogFn>>>,
}

pub type ErrorFn = unsafe extern "C" fn(*mut c_void, *const kf_error_t);
pub type ThrottleFn = unsafe extern "C" fn(*mut c_void, *const kf_throttle_event_t);
pub type StatsFn = unsafe extern "C" fn(*mut c_void, *const std::os::raw::c_char, usize);
pub type OauthFn =
    unsafe extern "C" fn(*mut c_void, *const std::os::raw::c_char, *mut kf_oauth_token_t);
pub type DeliveryFn = unsafe extern "C" fn(*mut c_void, *const kf_message_t, *const kf_error_t);
pub type CommitFn =
    unsafe extern "C" fn(*mut c_void, *const kf_error_t, *const kf_topic_partition_list_t);
pub type LogFn = unsafe extern "C" fn(
    *mut c_void,
    std::os::raw::c_int,
    *const std::os::raw::c_char,
    *const std::os::raw::c_char,
);
pub type RebalanceFn =
    unsafe extern "C" fn(*mut c_void, *mut kf_consumer_t, *const kf_topic_partition_list_t);
