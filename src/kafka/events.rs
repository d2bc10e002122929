//! Values handed to callbacks that have no librdkafka object of their own.
use std::ffi::CString;
use std::os::raw::c_char;

use rdkafka_sys as rd;

use crate::error::{errstr_text, KResult, KafkaError};

/// A broker throttled the client (Python's ThrottleEvent).
pub struct ThrottleEvent {
    pub broker_name: *const c_char,
    pub broker_id: i32,
    pub throttle_time_ms: i32,
}

/// The answer slot handed to oauth_cb: the application sets a token or a failure on it.
pub struct OauthTokenRequest {
    pub(crate) rk: *mut rd::rd_kafka_t,
    pub(crate) answered: bool,
}

impl OauthTokenRequest {
    /// Sets the token (`lifetime_ms` is the absolute expiry, in ms since the epoch, as librdkafka
    /// wants it) with its principal and SASL extensions (key, value pairs).
    pub fn set_token(
        &mut self,
        token: &str,
        lifetime_ms: i64,
        principal: &str,
        extensions: &[(String, String)],
    ) -> KResult<()> {
        let token = super::config::cstring_arg("token", token)?;
        let principal = super::config::cstring_arg("principal", principal)?;
        let mut ext: Vec<CString> = Vec::with_capacity(extensions.len() * 2);
        for (k, v) in extensions {
            ext.push(super::config::cstring_arg("extension key", k)?);
            ext.push(super::config::cstring_arg("extension value", v)?);
        }
        let ext_ptrs: Vec<*const c_char> = ext.iter().map(|c| c.as_ptr()).collect();
        let mut errstr = [0 as c_char; 512];
        let res = unsafe {
            rd::rd_kafka_oauthbearer_set_token(
                self.rk,
                token.as_ptr(),
                lifetime_ms,
                principal.as_ptr(),
                if ext_ptrs.is_empty() {
                    std::ptr::null_mut()
                } else {
                    ext_ptrs.as_ptr() as *mut *const c_char
                },
                ext_ptrs.len(),
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        if res as i32 != 0 {
            return Err(KafkaError::from_code_msg(
                res as i32,
                format!("oauth token rejected: {}", errstr_text(&errstr)),
            ));
        }
        self.answered = true;
        Ok(())
    }

    pub fn fail(&mut self, reason: &str) -> KResult<()> {
        let reason = super::config::cstring_arg("reason", reason)?;
        let res = unsafe { rd::rd_kafka_oauthbearer_set_token_failure(self.rk, reason.as_ptr()) };
        self.answered = true;
        crate::error::check(res)
    }
}
