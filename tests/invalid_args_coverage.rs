//! Every function the header declares is called by the invalid-argument tests
//! (tests/invalid_args_*.rs), so a new function cannot ship without its NULL / non-UTF-8 /
//! NULL-out checks.
mod common;
use common::*;
use std::ptr::null_mut;

#[test]
fn invalid_args_tests_cover_every_exported_function() {
    // Every function of the ABI description (include/kafkaffi.abi.json, kept equal to the
    // header by tests/abi_json.rs).
    let abi: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/include/kafkaffi.abi.json"
        ))
        .expect("include/kafkaffi.abi.json"),
    )
    .expect("include/kafkaffi.abi.json is JSON");
    let declared: Vec<String> = abi["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_string())
        .collect();
    assert!(
        declared.len() > 100,
        "only {} functions in include/kafkaffi.abi.json",
        declared.len()
    );
    let sources = invalid_args_sources();
    // The check itself can fail: a name no test calls is reported.
    assert_eq!(
        uncalled(&["kf_no_such_function".into()], &sources),
        ["kf_no_such_function"]
    );
    let missing = uncalled(&declared, &sources);
    assert!(
        missing.is_empty(),
        "exported functions without an invalid-argument test in tests/invalid_args_*.rs: {missing:?}"
    );
}

/// The code (comments left out) of every tests/invalid_args_*.rs, read at run time so that a new
/// file of invalid-argument tests counts without being listed here.
fn invalid_args_sources() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect(dir)
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("invalid_args_") && n.ends_with(".rs"))
        .map(|n| {
            let text = std::fs::read_to_string(format!("{dir}/{n}")).expect(&n);
            let code: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            (n, code.join("\n"))
        })
        .collect();
    files.sort();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    for expected in [
        "invalid_args_admin.rs",
        "invalid_args_clients.rs",
        "invalid_args_registry.rs",
        "invalid_args_serdes.rs",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not found in {dir}: {names:?}"
        );
    }
    files
}

/// The functions of `declared` that no source calls (a call: the name followed by "(").
fn uncalled<'a>(declared: &'a [String], sources: &[(String, String)]) -> Vec<&'a str> {
    declared
        .iter()
        .filter(|f| {
            let call = format!("{f}(");
            !sources.iter().any(|(_, code)| code.contains(&call))
        })
        .map(|f| f.as_str())
        .collect()
}

// Functions without pointer arguments are still called here so the coverage check above holds
// them too: they must never fail or crash for any input.
#[test]
fn invalid_args_functions_without_handles() {
    let c = kf_config_new();
    kf_config_destroy(c);
    let h = kf_headers_new(usize::MAX / 2); // absurd capacity: clamped, not allocated
    assert!(!h.is_null());
    kf_headers_destroy(h);
    let l = kf_topic_partition_list_new(usize::MAX);
    assert!(!l.is_null());
    kf_topic_partition_list_destroy(l);
    assert!(!kf_version().is_null());
    assert!(kf_version_int() > 0);
    assert!(!kf_librdkafka_version().is_null());
    assert!(kf_librdkafka_version_int() > 0);
    for code in [i32::MIN, -201, -1, 0, 1, 100_000, i32::MAX] {
        assert!(!kf_error_code_name(code).is_null());
        assert!(!kf_error_code_description(code).is_null());
    }
    // Error handles: every accessor on a real error and on NULL.
    let e = kf_producer_poll(null_mut(), 0, null_mut());
    assert_eq!(kf_error_code(e), KF_ERR__INVALID_ARG);
    assert_eq!(text(kf_error_name(e)), "_INVALID_ARG");
    assert!(text(kf_error_message(e)).contains("producer"));
    assert!(!kf_error_is_retriable(e) && !kf_error_is_fatal(e) && !kf_error_txn_requires_abort(e));
    let e2 = kf_error_copy(e);
    kf_error_destroy(e);
    kf_error_destroy(e2);
    kf_error_destroy(null_mut());
    kf_string_free(null_mut());
}
