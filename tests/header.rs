//! The checked-in C header must be exactly what cbindgen generates from the sources, every
//! item in it must carry a doc comment (every function its `Thread safety:` and `Blocks:`
//! lines), and every name it declares the kf_/KF_ prefix. The header is read by
//! tools/abi_json.rs, the reader that also writes include/kafkaffi.abi.json.
//!
//! Regenerate after changing src/ffi (header and JSON):
//!   KAFKAFFI_UPDATE_HEADER=1 cargo test --test header
use std::path::Path;

fn generate() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(Path::new(dir).join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn header_matches_sources() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/kafkaffi.h");
    let fresh = generate();
    if std::env::var_os("KAFKAFFI_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
        // and its description (tests/abi_json.rs checks it)
        let json = abi_json::generate(&fresh).unwrap_or_else(|e| panic!("kafkaffi.abi.json: {e}"));
        std::fs::write(path.with_file_name("kafkaffi.abi.json"), json)
            .expect("write kafkaffi.abi.json");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/kafkaffi.h is out of date: run `KAFKAFFI_UPDATE_HEADER=1 cargo test --test header` and commit it"
    );
}

#[path = "../tools/abi_json.rs"]
#[allow(dead_code)]
mod abi_json;

/// The header's description (tools/abi_json.rs, the one reader of the header), or the
/// generator's complaints.
fn describe(header: &str) -> Result<serde_json::Value, String> {
    abi_json::generate(header).map(|j| serde_json::from_str(&j).expect("the generator writes JSON"))
}

/// Every item has a doc comment, and every function its `Thread safety:` and `Blocks:` lines
/// (tools/abi_json.rs refuses a header without them, naming each item).
#[test]
fn every_header_item_is_documented() {
    if let Err(e) = describe(&generate()) {
        panic!("include/kafkaffi.h as generated now is incomplete:\n{e}");
    }
    // The check itself fails on an undocumented item and on missing lines.
    let bad =
        "/**\n * Does something.\n */\nvoid kf_zz_lines(void);\n\nvoid kf_zz_undocumented(void);\n";
    let err = describe(bad).expect_err("refused");
    for want in [
        "kf_zz_lines: no `Thread safety:` line",
        "kf_zz_lines: no `Blocks:` line",
        "`void kf_zz_undocumented(void);` has no doc comment",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    let good = "/**\n * Does something.\n * Blocks: no. Thread safety: any thread.\n */\nvoid kf_zz(void);\n";
    assert!(describe(good).is_ok());
}

/// Every name a header description lists, as "kind name": constants, types, functions.
fn declared_names(abi: &serde_json::Value) -> Vec<String> {
    let mut names = Vec::new();
    for (kind, key) in [
        ("constant", "constants"),
        ("macro", "macros"),
        ("type", "types"),
        ("function", "functions"),
    ] {
        for item in abi[key].as_array().expect(key) {
            names.push(format!("{kind} {}", item["name"].as_str().unwrap_or("?")));
        }
    }
    names
}

fn unprefixed(names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| {
            let name = n.split_once(' ').map_or(n.as_str(), |x| x.1);
            !(name.starts_with("kf_") || name.starts_with("KF_"))
        })
        .cloned()
        .collect()
}

/// C has one namespace: everything the header declares carries the kf_/KF_ prefix. The names
/// come from include/kafkaffi.abi.json's reader, which refuses any line it cannot place (so no
/// declaration escapes the list).
#[test]
fn every_header_name_is_prefixed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/kafkaffi.h");
    let header = std::fs::read_to_string(path).expect("include/kafkaffi.h");
    let abi = describe(&header).unwrap_or_else(|e| panic!("include/kafkaffi.h: {e}"));
    let names = declared_names(&abi);
    let bad = unprefixed(&names);
    assert!(
        bad.is_empty(),
        "names in include/kafkaffi.h without the kf_/KF_ prefix:\n{}",
        bad.join("\n")
    );
    for want in [
        "constant KF_ABI_MAJOR",
        "function kf_version",
        "function kf_error_destroy",
        "type kf_error_t",
        "type kf_delivery_cb",
        "type kf_produce_message_t",
    ] {
        assert!(names.iter().any(|n| n == want), "{want:?} not found");
    }
    assert!(names.len() > 300, "only {} names read", names.len());
}

#[test]
fn prefix_check_catches_every_kind_of_item() {
    let doc = "/**\n * Doc. Blocks: no. Thread safety: any thread.\n */\n";
    let header = [
        "typedef struct kf_ok_t kf_ok_t;",
        "typedef struct bad_t bad_t;",
        "typedef void (*bad_cb)(void *opaque);",
        "typedef struct {\n    int32_t x;\n} bad_struct_t;",
        "#define KF_OK 1",
        "#define MAGIC_BYTE 0",
        "#define LONG_MACRO(x) ((x) + 1)",
        "void bad_function(void);",
        "kf_ok_t *kf_ok_fn(const kf_ok_t *a);",
    ]
    .iter()
    .map(|i| format!("{doc}{i}\n\n"))
    .collect::<String>();
    let names = declared_names(&describe(&header).expect("readable"));
    let mut bad = unprefixed(&names);
    bad.sort();
    assert_eq!(
        bad,
        [
            "constant MAGIC_BYTE",
            "function bad_function",
            "macro LONG_MACRO",
            "type bad_cb",
            "type bad_struct_t",
            "type bad_t"
        ]
    );
    for ok in ["constant KF_OK", "function kf_ok_fn", "type kf_ok_t"] {
        assert!(names.iter().any(|n| n == ok), "{ok} not read");
    }
    // What the reader cannot place is refused, not skipped.
    let ok_fn = format!("{doc}void kf_zz_ok(void);\n");
    assert!(describe(&ok_fn).is_ok());
    for unreadable in [
        "typedef int kf_int_t;",
        "typedef struct bad_tag kf_fine_t;",
        "extern const int32_t bad_variable[3];",
        "int bad_attributed(void) __attribute__((deprecated))",
    ] {
        let h = format!("{ok_fn}\n{doc}{unreadable}\n");
        assert!(describe(&h).is_err(), "accepted: {unreadable}");
    }
}
