//! An operation's options (Python's admin keyword arguments) and the librdkafka options object
//! built from them for each request.
use std::os::raw::{c_char, c_int, c_void};

use rdkafka_sys as rd;

use super::sys;
use super::Op;
use crate::error::{errstr_text, KResult, KafkaError};

/// Python's admin keyword arguments (request_timeout, operation_timeout, validate_only, ...).
/// Unset options keep librdkafka's defaults; an option the operation does not take is refused
/// when the operation starts.
#[derive(Clone, Default, Debug)]
pub struct AdminOptions {
    pub request_timeout_ms: Option<i32>,
    pub operation_timeout_ms: Option<i32>,
    pub validate_only: Option<bool>,
    pub include_authorized_operations: Option<bool>,
    pub require_stable_offsets: Option<bool>,
    pub isolation_level: Option<i32>,
    pub match_states: Option<Vec<i32>>,
    pub match_types: Option<Vec<i32>>,
    pub broker_id: Option<i32>,
}

/// librdkafka admin options, destroyed on drop.
pub(super) struct RdOptions(pub(super) *mut rd::rd_kafka_AdminOptions_t);

impl Drop for RdOptions {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

impl RdOptions {
    /// Tags the requests started with these options (librdkafka hands the tag back on each
    /// result event).
    pub(super) fn set_tag(&self, tag: usize) {
        unsafe { rd::rd_kafka_AdminOptions_set_opaque(self.0, tag as *mut c_void) };
    }
}

impl AdminOptions {
    /// The librdkafka options for `op`; an option `op` does not take is refused, naming it.
    pub(super) fn to_rd(&self, rk: *mut rd::rd_kafka_t, op: Op) -> KResult<RdOptions> {
        let o = RdOptions(unsafe { sys::rd_kafka_AdminOptions_new(rk, op as c_int) });
        if o.0.is_null() {
            return Err(KafkaError::state("no admin options"));
        }
        let refuse = |what: &str, detail: String| {
            KafkaError::invalid_arg(format!(
                "option {what} does not apply to {}: {detail}",
                op.python_name()
            ))
        };
        let mut errstr = [0 as c_char; 512];
        let plain = |what: &str, code: c_int, errstr: &[c_char]| {
            if code != 0 {
                Err(refuse(what, errstr_text(errstr)))
            } else {
                Ok(())
            }
        };
        unsafe {
            if let Some(t) = self.request_timeout_ms {
                let c = sys::rd_kafka_AdminOptions_set_request_timeout(
                    o.0,
                    t,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("request_timeout", c, &errstr)?;
            }
            if let Some(t) = self.operation_timeout_ms {
                let c = sys::rd_kafka_AdminOptions_set_operation_timeout(
                    o.0,
                    t,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("operation_timeout", c, &errstr)?;
            }
            if let Some(v) = self.validate_only {
                let c = sys::rd_kafka_AdminOptions_set_validate_only(
                    o.0,
                    v as c_int,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("validate_only", c, &errstr)?;
            }
            if let Some(b) = self.broker_id {
                let c = sys::rd_kafka_AdminOptions_set_broker(
                    o.0,
                    b,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                );
                plain("broker", c, &errstr)?;
            }
            let rich = |what: &str, e: *mut rd::rd_kafka_error_t| match KafkaError::from_rd_error(e)
            {
                None => Ok(()),
                Some(e) => Err(refuse(what, e.message.to_string_lossy().into_owned())),
            };
            if let Some(v) = self.include_authorized_operations {
                rich(
                    "include_authorized_operations",
                    rd::rd_kafka_AdminOptions_set_include_authorized_operations(o.0, v as c_int),
                )?;
            }
            if let Some(v) = self.require_stable_offsets {
                rich(
                    "require_stable_offsets",
                    rd::rd_kafka_AdminOptions_set_require_stable_offsets(o.0, v as c_int),
                )?;
            }
            if let Some(v) = self.isolation_level {
                rich(
                    "isolation_level",
                    sys::rd_kafka_AdminOptions_set_isolation_level(o.0, v),
                )?;
            }
            if let Some(s) = &self.match_states {
                rich(
                    "match_consumer_group_states",
                    sys::rd_kafka_AdminOptions_set_match_consumer_group_states(
                        o.0,
                        s.as_ptr(),
                        s.len(),
                    ),
                )?;
            }
            if let Some(t) = &self.match_types {
                rich(
                    "match_consumer_group_types",
                    sys::rd_kafka_AdminOptions_set_match_consumer_group_types(
                        o.0,
                        t.as_ptr(),
                        t.len(),
                    ),
                )?;
            }
        }
        Ok(o)
    }
}
