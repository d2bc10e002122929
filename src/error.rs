//! The error value every fallible call returns: librdkafka's code plus kafkaffi's own range.
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use rdkafka_sys as rd;

use crate::kafka::rdkafka_int as sys;

// Every error code kafkaffi defines or names is defined here, once. The C ABI's constants repeat
// the numbers (cbindgen emits a constant only from a literal) and are checked against these at
// compile time.

/// kafkaffi's own error codes live at 100000 and above, far from librdkafka's (-200..-100 local,
/// 0..~200 broker), so a code's origin is never ambiguous.
pub(crate) const ERR_OWN_BEGIN: i32 = 100_000;
/// A Rust panic was caught at the ABI boundary. The library state is still valid.
pub(crate) const ERR_PANIC: i32 = 100_000;
/// A Schema Registry request failed (see KafkaError::schema_registry for the HTTP status and the
/// registry's error code).
pub(crate) const ERR_SCHEMA_REGISTRY: i32 = 100_010;
/// A client used in a child process after fork() (see client::forked).
pub(crate) const ERR_FORKED: i32 = 100_020;

/// Local error codes of librdkafka that kafkaffi uses for its own checks and failures.
pub(crate) const ERR_INVALID_ARG: i32 =
    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__INVALID_ARG as i32;
pub(crate) const ERR_STATE: i32 = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__STATE as i32;
pub(crate) const ERR_INTR: i32 = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__INTR as i32;
pub(crate) const ERR_TIMED_OUT: i32 = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32;
pub(crate) const ERR_FATAL: i32 = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__FATAL as i32;
/// The serialization framework's failures: librdkafka's codes, the ones Python's
/// KeySerializationError, ValueSerializationError, KeyDeserializationError and
/// ValueDeserializationError carry (KafkaError._KEY_SERIALIZATION, ...), named as librdkafka
/// names them ("_KEY_SERIALIZATION", ...).
pub(crate) const ERR_KEY_SERIALIZATION: i32 =
    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__KEY_SERIALIZATION as i32;
pub(crate) const ERR_VALUE_SERIALIZATION: i32 =
    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__VALUE_SERIALIZATION as i32;
pub(crate) const ERR_KEY_DESERIALIZATION: i32 =
    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__KEY_DESERIALIZATION as i32;
pub(crate) const ERR_VALUE_DESERIALIZATION: i32 =
    rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__VALUE_DESERIALIZATION as i32;

#[derive(Debug, Clone)]
pub struct KafkaError {
    pub code: i32,
    pub message: CString,
    pub retriable: bool,
    pub fatal: bool,
    pub txn_requires_abort: bool,
    /// For a Schema Registry error (ERR_SCHEMA_REGISTRY): the HTTP status (0 when no response
    /// came) and the registry's error_code (0 when it sent none).
    pub schema_registry: Option<(i32, i32)>,
}

impl KafkaError {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        KafkaError {
            code,
            message: to_cstring_lossy(message.into()),
            retriable: false,
            fatal: false,
            txn_requires_abort: false,
            schema_registry: None,
        }
    }

    /// An invalid argument; the message names the argument.
    pub fn invalid_arg(message: impl Into<String>) -> Self {
        Self::new(ERR_INVALID_ARG, message)
    }

    pub fn state(message: impl Into<String>) -> Self {
        Self::new(ERR_STATE, message)
    }

    /// From a plain librdkafka response code, with librdkafka's description as the message.
    pub fn from_code(code: i32) -> Self {
        Self::new(code, describe(code))
    }

    /// From a plain code with a more specific message.
    pub fn from_code_msg(code: i32, message: impl Into<String>) -> Self {
        Self::new(code, message)
    }

    /// From a librdkafka error object, which carries the retriable/fatal/abortable flags.
    /// Takes ownership of `err` and destroys it. Returns None for a NULL pointer.
    ///
    /// # Safety
    /// `err` is NULL or a live `rd_kafka_error_t` the caller owns.
    pub unsafe fn from_rd_error(err: *mut rd::rd_kafka_error_t) -> Option<Self> {
        if err.is_null() {
            return None;
        }
        let code = rd::rd_kafka_error_code(err) as i32;
        let msg = CStr::from_ptr(rd::rd_kafka_error_string(err)).to_owned();
        let e = KafkaError {
            code,
            message: msg,
            retriable: rd::rd_kafka_error_is_retriable(err) != 0,
            fatal: rd::rd_kafka_error_is_fatal(err) != 0,
            txn_requires_abort: rd::rd_kafka_error_txn_requires_abort(err) != 0,
            schema_registry: None,
        };
        rd::rd_kafka_error_destroy(err);
        Some(e)
    }

    pub fn panic(what: &str) -> Self {
        Self::new(
            ERR_PANIC,
            format!("internal error (a Rust panic was caught in {what}); please report it"),
        )
    }

    pub fn name(&self) -> &'static CStr {
        code_name(self.code)
    }
}

/// Result of a domain call.
pub type KResult<T> = Result<T, KafkaError>;

/// Turns a librdkafka response code into Ok(()) or an error with librdkafka's description.
pub fn check(code: rd::rd_kafka_resp_err_t) -> KResult<()> {
    let c = code as i32;
    if c == 0 {
        Ok(())
    } else {
        Err(KafkaError::from_code(c))
    }
}

/// The symbolic name of a code ("_PARTITION_EOF", "UNKNOWN_TOPIC_OR_PART", "_KEY_SERIALIZATION").
pub fn code_name(code: i32) -> &'static CStr {
    if let Some((name, _)) = own_code(code) {
        return name;
    }
    // librdkafka answers every integer, with "ERR_<n>?" for unknown ones; its strings are static.
    unsafe { CStr::from_ptr(sys::rd_kafka_err2name(code)) }
}

/// A human-readable description of a code.
pub fn code_description(code: i32) -> &'static CStr {
    if let Some((_, desc)) = own_code(code) {
        return desc;
    }
    unsafe { CStr::from_ptr(sys::rd_kafka_err2str(code)) }
}

fn describe(code: i32) -> String {
    code_description(code).to_string_lossy().into_owned()
}

/// kafkaffi's own codes: (name, description).
fn own_code(code: i32) -> Option<(&'static CStr, &'static CStr)> {
    match code {
        ERR_PANIC => Some((c"_PANIC", c"kafkaffi: internal error (panic caught)")),
        ERR_SCHEMA_REGISTRY => Some((
            c"SCHEMA_REGISTRY",
            c"kafkaffi: Schema Registry request failed",
        )),
        ERR_FORKED => Some((
            c"_FORKED",
            c"kafkaffi: client used in a child process after fork()",
        )),
        _ => None,
    }
}

/// A CString from text that may contain NUL bytes (they become U+FFFD), so messages never fail.
pub fn to_cstring_lossy(s: String) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let bytes: Vec<u8> = e
                .into_vec()
                .into_iter()
                .map(|b| if b == 0 { b'?' } else { b })
                .collect();
            CString::new(bytes).expect("NULs replaced")
        }
    }
}

/// Reads a C string that librdkafka wrote into a fixed buffer (errstr).
pub fn errstr_text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}
