//! Client configuration: librdkafka properties, checked as they are set, plus the callbacks.
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use rdkafka_sys as rd;

use super::callbacks::Callbacks;
use crate::error::{errstr_text, KResult, KafkaError};

/// A configuration. Properties are applied to a live `rd_kafka_conf_t` as they are set, so an
/// unknown key or a bad value is reported at once, naming the key, and leaves the rest intact.
pub struct Config {
    conf: *mut rd::rd_kafka_conf_t,
    pub callbacks: Callbacks,
    /// Producers made from this config pull their delivery reports instead of having a
    /// delivery callback run.
    pub delivery_pull: bool,
    /// kafkaffi.callbacks.in.poll: application callbacks run only inside poll (and consume),
    /// never inside flush, close, commit or another blocking call.
    pub serve_in_poll: bool,
}

/// kafkaffi's own property: see Config::serve_in_poll.
pub const CALLBACKS_IN_POLL: &str = "kafkaffi.callbacks.in.poll";

// rd_kafka_conf_t has no thread affinity; kafkaffi documents a config as not shareable between
// threads while being modified (the ffi layer hands out &mut only through one handle).
unsafe impl Send for Config {}

/// The Python client's key holding topic-level properties, merged into the top level.
const DEFAULT_TOPIC_CONFIG: &str = "default.topic.config";

impl Config {
    pub fn new() -> Self {
        Config {
            conf: unsafe { rd::rd_kafka_conf_new() },
            callbacks: Callbacks::default(),
            delivery_pull: false,
            serve_in_poll: false,
        }
    }

    pub fn set(&mut self, key: &str, value: &str) -> KResult<()> {
        if key == DEFAULT_TOPIC_CONFIG {
            return self.set_json_object_text(value, true);
        }
        if key == CALLBACKS_IN_POLL {
            self.serve_in_poll = match value {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(KafkaError::invalid_arg(format!(
                        "invalid value for configuration property \"{key}\": expected true or false"
                    )))
                }
            };
            return Ok(());
        }
        let ckey = cstring_arg("key", key)?;
        let cval = cstring_arg("value", value)?;
        let mut errstr = [0 as c_char; 512];
        let res = unsafe {
            rd::rd_kafka_conf_set(
                self.conf,
                ckey.as_ptr(),
                cval.as_ptr(),
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        match res {
            rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK => Ok(()),
            rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_UNKNOWN => Err(KafkaError::invalid_arg(
                format!("unknown configuration property \"{key}\""),
            )),
            _ => Err(KafkaError::invalid_arg(format!(
                "invalid value for configuration property \"{key}\": {}",
                errstr_text(&errstr).trim_end()
            ))),
        }
    }

    /// Sets every property of a JSON object. Values may be strings, numbers or booleans;
    /// `default.topic.config` may hold a nested object whose properties are merged in.
    /// Stops at the first bad property; those before it stay set.
    pub fn set_json(&mut self, json: &str) -> KResult<()> {
        self.set_json_object_text(json, false)
    }

    fn set_json_object_text(&mut self, json: &str, nested: bool) -> KResult<()> {
        let what = if nested { DEFAULT_TOPIC_CONFIG } else { "json" };
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| KafkaError::invalid_arg(format!("{what}: not valid JSON: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| KafkaError::invalid_arg(format!("{what}: expected a JSON object")))?;
        for (k, v) in obj {
            match v {
                serde_json::Value::String(s) => self.set(k, s)?,
                serde_json::Value::Number(n) => self.set(k, &n.to_string())?,
                serde_json::Value::Bool(b) => self.set(k, if *b { "true" } else { "false" })?,
                serde_json::Value::Object(_) if !nested && k == DEFAULT_TOPIC_CONFIG => {
                    self.set_json_object_text(&v.to_string(), true)?
                }
                _ => {
                    return Err(KafkaError::invalid_arg(format!(
                        "invalid value for configuration property \"{k}\": expected a string, number or boolean"
                    )))
                }
            }
        }
        Ok(())
    }

    /// The current value of a property: its default when never set, "" for a string property
    /// with no value.
    pub fn get(&self, key: &str) -> KResult<String> {
        if key == CALLBACKS_IN_POLL {
            return Ok(self.serve_in_poll.to_string());
        }
        let ckey = cstring_arg("key", key)?;
        let mut size: usize = 0;
        let res = unsafe {
            rd::rd_kafka_conf_get(self.conf, ckey.as_ptr(), std::ptr::null_mut(), &mut size)
        };
        if res == rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
            let mut buf = vec![0 as c_char; size.max(1)];
            unsafe { rd::rd_kafka_conf_get(self.conf, ckey.as_ptr(), buf.as_mut_ptr(), &mut size) };
            return Ok(errstr_text(&buf));
        }
        // librdkafka creates the default topic configuration only when a topic-level property
        // is first set, so until then it does not know topic-level keys (acks,
        // message.timeout.ms, ...): answer those with their defaults.
        unsafe {
            let tconf = rd::rd_kafka_topic_conf_new();
            let mut size: usize = 0;
            let res =
                rd::rd_kafka_topic_conf_get(tconf, ckey.as_ptr(), std::ptr::null_mut(), &mut size);
            let value = if res == rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
                let mut buf = vec![0 as c_char; size.max(1)];
                rd::rd_kafka_topic_conf_get(tconf, ckey.as_ptr(), buf.as_mut_ptr(), &mut size);
                Some(errstr_text(&buf))
            } else {
                None
            };
            rd::rd_kafka_topic_conf_destroy(tconf);
            if let Some(v) = value {
                return Ok(v);
            }
        }
        // librdkafka's get answers "unknown" for a known string property with no value too
        // (group.id before it is set, or set to "", which it stores as NULL). Its set tells the
        // two apart: on a throwaway conf, only an unknown name gives CONF_UNKNOWN.
        if is_known_property(&ckey) {
            Ok(String::new())
        } else {
            Err(KafkaError::invalid_arg(format!(
                "unknown configuration property \"{key}\""
            )))
        }
    }

    pub fn dup(&self) -> Config {
        Config {
            conf: unsafe { rd::rd_kafka_conf_dup(self.conf) },
            callbacks: self.callbacks.clone(),
            delivery_pull: self.delivery_pull,
            serve_in_poll: self.serve_in_poll,
        }
    }

    /// A copy of the librdkafka configuration for `rd_kafka_new`, which takes ownership of it.
    pub(crate) fn dup_raw(&self) -> *mut rd::rd_kafka_conf_t {
        unsafe { rd::rd_kafka_conf_dup(self.conf) }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_conf_destroy(self.conf) }
    }
}

/// Whether librdkafka knows `key` as a global or topic-level property. Setting "" on a fresh
/// conf has no effect beyond it (for plugin.library.paths, "" loads nothing).
fn is_known_property(key: &CStr) -> bool {
    let mut errstr = [0 as c_char; 256];
    unsafe {
        let probe = rd::rd_kafka_conf_new();
        let res = rd::rd_kafka_conf_set(
            probe,
            key.as_ptr(),
            c"".as_ptr(),
            errstr.as_mut_ptr(),
            errstr.len(),
        );
        rd::rd_kafka_conf_destroy(probe);
        res != rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_UNKNOWN
    }
}

/// A NUL-terminated copy of a Rust string argument; an interior NUL is an invalid argument.
pub fn cstring_arg(what: &str, s: &str) -> KResult<CString> {
    CString::new(s).map_err(|_| KafkaError::invalid_arg(format!("{what}: contains a NUL byte")))
}

/// Sets a property on a raw conf that kafkaffi itself controls (the value is known to be valid).
pub(crate) unsafe fn set_raw(
    conf: *mut rd::rd_kafka_conf_t,
    key: &CStr,
    value: &CStr,
) -> KResult<()> {
    let mut errstr = [0 as c_char; 256];
    let res = rd::rd_kafka_conf_set(
        conf,
        key.as_ptr(),
        value.as_ptr(),
        errstr.as_mut_ptr(),
        errstr.len(),
    );
    if res == rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
        Ok(())
    } else {
        Err(KafkaError::invalid_arg(format!(
            "configuration property \"{}\": {}",
            key.to_string_lossy(),
            errstr_text(&errstr)
        )))
    }
}
