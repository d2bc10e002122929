//! Library and librdkafka versions.
use std::os::raw::{c_char, c_int};

/// kafkaffi's version as a string, "MAJOR.MINOR.PATCH".
///
/// Returns: a static string; never NULL, never freed.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// kafkaffi's version as an integer, 0xMMmmpp00 (as librdkafka encodes its own): 0.1.0 is 0x00010000.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_version_int() -> u32 {
    let p = |s: &str| s.parse::<u32>().unwrap_or(0);
    (p(env!("CARGO_PKG_VERSION_MAJOR")) << 24)
        | (p(env!("CARGO_PKG_VERSION_MINOR")) << 16)
        | (p(env!("CARGO_PKG_VERSION_PATCH")) << 8)
}

/// The version of the librdkafka built into kafkaffi, e.g. "2.12.1".
///
/// Returns: a static string; never NULL, never freed.
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_librdkafka_version() -> *const c_char {
    crate::kafka::librdkafka_version().as_ptr()
}

/// The version of the librdkafka built into kafkaffi as librdkafka's integer, 0xMMmmrrxx.
///
/// Thread safety: any thread.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_librdkafka_version_int() -> c_int {
    crate::kafka::librdkafka_version_int()
}
