//! kf_oauth_token_t: the answer slot handed to oauth_cb (see kf_config_set_oauth_cb()); the
//! callback sets a token or a failure on it before returning.
//!
//! Thread safety: only inside oauth_cb, on the thread running it.
use std::os::raw::c_char;

use super::types::*;
use super::{arg_str, call, handle_mut};

/// Answers an oauth_cb request with a token. `lifetime_ms` is the token's absolute expiry time
/// in milliseconds since the epoch. `extension_keys` and `extension_values` hold
/// `extension_count` SASL extensions (both may be NULL when the count is 0).
///
/// Call only inside oauth_cb, on the `token` it was handed.
/// Errors: KF_ERR__INVALID_ARG for NULL arguments or a token librdkafka refuses (the message
/// says why).
/// Thread safety: only inside the oauth_cb that was handed the token.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_oauth_token_set(
    token: *mut kf_oauth_token_t,
    token_value: *const c_char,
    lifetime_ms: i64,
    principal: *const c_char,
    extension_keys: *const *const c_char,
    extension_values: *const *const c_char,
    extension_count: usize,
) -> *mut kf_error_t {
    const F: &str = "kf_oauth_token_set";
    call(F, || unsafe {
        let t = handle_mut(token, F, "token")?;
        let v = arg_str(token_value, F, "token_value")?;
        let p = arg_str(principal, F, "principal")?;
        let mut ext = Vec::with_capacity(extension_count);
        if extension_count > 0 {
            super::arg(extension_keys, F, "extension_keys")?;
            super::arg(extension_values, F, "extension_values")?;
            for i in 0..extension_count {
                let k = arg_str(*extension_keys.add(i), F, "extension key")?;
                let val = arg_str(*extension_values.add(i), F, "extension value")?;
                ext.push((k.to_owned(), val.to_owned()));
            }
        }
        t.set_token(v, lifetime_ms, p, &ext)
    })
}

/// Answers an oauth_cb request with a failure; librdkafka reports it through error_cb and asks
/// again later.
///
/// Call only inside oauth_cb. Errors: KF_ERR__INVALID_ARG for NULL arguments.
/// Thread safety: only inside the oauth_cb that was handed the token.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_oauth_token_fail(
    token: *mut kf_oauth_token_t,
    reason: *const c_char,
) -> *mut kf_error_t {
    call("kf_oauth_token_fail", || unsafe {
        let t = handle_mut(token, "kf_oauth_token_fail", "token")?;
        t.fail(arg_str(reason, "kf_oauth_token_fail", "reason")?)
    })
}
