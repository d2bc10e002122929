//! Writes include/kafkaffi.abi.json, the machine-readable description of include/kafkaffi.h
//! (see tools/abi_json.rs and docs/ABI.md, "The ABI as JSON"):
//!   cargo run --release --example gen_abi_json [header] > include/kafkaffi.abi.json
//! or, with the header: KAFKAFFI_UPDATE_HEADER=1 cargo test --release --test header --test abi_json
//! tests/abi_json.rs fails when the checked-in file differs from a fresh one.
#[path = "abi_json.rs"]
mod abi_json;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/include/kafkaffi.h").into());
    let header = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match abi_json::generate(&header) {
        Ok(json) => print!("{json}"),
        Err(e) => {
            eprintln!("gen_abi_json: {path}:\n{e}");
            std::process::exit(1);
        }
    }
}
