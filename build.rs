//! Gives the shared object its soname: `libkafkaffi.so.0`, the ABI major (docs/ABI.md).
//! Only `kf_` symbols are exported: rustc's cdylib already exports nothing but the crate's
//! `#[no_mangle] extern "C"` functions (librdkafka's `rd_kafka_*` stay hidden); the CMake test
//! `symbols` checks both facts on the built library.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "macos" && os != "ios" && os != "windows" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libkafkaffi.so.0");
    }
}
