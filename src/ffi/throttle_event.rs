//! kf_throttle_event_t: what throttle_cb is handed (Python's ThrottleEvent), borrowed for the
//! callback.
//!
//! Thread safety: inside throttle_cb, on the thread running it.
use std::os::raw::c_char;

use super::types::*;
use super::{opt, value};

/// The broker name of a throttle event (borrowed, valid during the callback).
/// Thread safety: only inside the throttle_cb that was handed the event.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_throttle_event_broker_name(
    event: *const kf_throttle_event_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        opt(event).map_or(std::ptr::null(), |e| e.broker_name)
    })
}

/// The broker id of a throttle event; -1 when `event` is NULL.
/// Thread safety: only inside the throttle_cb that was handed the event.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_throttle_event_broker_id(event: *const kf_throttle_event_t) -> i32 {
    value(-1, || opt(event).map_or(-1, |e| e.broker_id))
}

/// The throttle time of a throttle event in milliseconds; -1 when `event` is NULL.
/// Thread safety: only inside the throttle_cb that was handed the event.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_throttle_event_throttle_time_ms(event: *const kf_throttle_event_t) -> i32 {
    value(-1, || opt(event).map_or(-1, |e| e.throttle_time_ms))
}
