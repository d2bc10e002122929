//! include/kafkaffi.abi.json must be exactly what tools/abi_json.rs generates from the
//! checked-in header, and every function must carry its `Thread safety:` and `Blocks:` lines
//! (the generator refuses a function without them).
//!
//! Regenerate after changing the header: KAFKAFFI_UPDATE_HEADER=1 cargo test --test abi_json
#[path = "../tools/abi_json.rs"]
#[allow(dead_code)]
mod abi_json;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fresh() -> String {
    let header =
        std::fs::read_to_string(root().join("include/kafkaffi.h")).expect("include/kafkaffi.h");
    match abi_json::generate(&header) {
        Ok(j) => j,
        Err(e) => panic!("tools/abi_json.rs cannot describe include/kafkaffi.h:\n{e}"),
    }
}

#[test]
fn abi_json_matches_header() {
    let path = root().join("include/kafkaffi.abi.json");
    let fresh = fresh();
    if std::env::var_os("KAFKAFFI_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/kafkaffi.abi.json");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/kafkaffi.abi.json is out of date: run `KAFKAFFI_UPDATE_HEADER=1 cargo test --test abi_json` and commit it"
    );
}
