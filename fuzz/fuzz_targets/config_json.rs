//! kf_config_set_json with arbitrary text: any input either sets properties or returns an
//! error, never crashes; a config that accepted the input can be duplicated, read back key by
//! key (kf_config_get) and destroyed.
//!
//! Inputs naming plugin.library.paths are skipped: that property dlopen()s the named files,
//! which a fuzzer must not do (it is librdkafka's documented behaviour, not a parser bug).
#![no_main]
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

fuzz_target!(|data: &[u8]| {
    // The C string ends at the first NUL, as it would for a C caller.
    let text = match data.iter().position(|&b| b == 0) {
        Some(n) => &data[..n],
        None => data,
    };
    if text.windows(6).any(|w| w.eq_ignore_ascii_case(b"plugin")) {
        return;
    }
    let json = CString::new(text).unwrap();
    let conf = kf_config_new();
    assert!(!conf.is_null());
    let err = kf_config_set_json(conf, json.as_ptr());
    if err.is_null() {
        // Every top-level key that was a scalar is now readable.
        if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice::<serde_json::Value>(text)
        {
            for (k, v) in &m {
                if v.is_object() {
                    continue;
                }
                let key = CString::new(k.as_bytes()).unwrap();
                let mut out = null_mut();
                let e = kf_config_get(conf, key.as_ptr(), &mut out);
                assert!(
                    e.is_null(),
                    "kf_config_get({k:?}) failed after a successful set"
                );
                assert!(!out.is_null());
                let _ = unsafe { CStr::from_ptr(out) };
                kf_string_free(out);
            }
        }
        let dup = kf_config_dup(conf);
        assert!(!dup.is_null());
        kf_config_destroy(dup);
    } else {
        // An error names its cause and has a code.
        assert!(kf_error_code(err) != 0);
        let msg = kf_error_message(err);
        assert!(!msg.is_null());
        assert!(!unsafe { CStr::from_ptr(msg) }.to_bytes().is_empty());
        kf_error_destroy(err);
    }
    kf_config_destroy(conf);
});
