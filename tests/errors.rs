//! Error values (codes, names, descriptions, copies, accessors on NULL) and the version
//! functions, through the C ABI.
mod common;
use common::handles::*;
use common::*;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::ptr::{null, null_mut};

#[test]
fn error_code_names_and_descriptions() {
    let cases = [
        (
            KF_ERR__PARTITION_EOF,
            "_PARTITION_EOF",
            "Broker: No more messages",
        ),
        (
            KF_ERR_UNKNOWN_TOPIC_OR_PART,
            "UNKNOWN_TOPIC_OR_PART",
            "Broker: Unknown topic or partition",
        ),
        (
            KF_ERR__INVALID_ARG,
            "_INVALID_ARG",
            "Local: Invalid argument or configuration",
        ),
        (
            KF_ERR__MSG_TIMED_OUT,
            "_MSG_TIMED_OUT",
            "Local: Message timed out",
        ),
        (KF_ERR_NO_ERROR, "NO_ERROR", "Success"),
        (KF_ERR__PANIC, "_PANIC", "kafkaffi"),
        // The serialization failures are librdkafka's codes, as in Python's
        // KeySerializationError (KafkaError._KEY_SERIALIZATION) and its three siblings.
        (
            KF_ERR__KEY_SERIALIZATION,
            "_KEY_SERIALIZATION",
            "Local: Key serialization error",
        ),
        (
            KF_ERR__VALUE_SERIALIZATION,
            "_VALUE_SERIALIZATION",
            "Local: Value serialization error",
        ),
        (
            KF_ERR__KEY_DESERIALIZATION,
            "_KEY_DESERIALIZATION",
            "Local: Key deserialization error",
        ),
        (
            KF_ERR__VALUE_DESERIALIZATION,
            "_VALUE_DESERIALIZATION",
            "Local: Value deserialization error",
        ),
    ];
    for (code, name, desc) in cases {
        assert_eq!(text(kf_error_code_name(code)), name);
        let d = text(kf_error_code_description(code));
        assert!(
            d.starts_with(desc),
            "{code}: {d:?} does not start with {desc:?}"
        );
    }
    // Unknown codes never fail (librdkafka's "ERR_<n>?" form).
    assert_eq!(text(kf_error_code_name(123456)), "ERR_123456?");
    assert!(!text(kf_error_code_description(-99999)).is_empty());
    assert!(!text(kf_error_code_name(i32::MIN)).is_empty());
    const _: () = assert!(KF_ERR__PANIC >= KF_ERR_KAFKAFFI_BEGIN);
    const _: () = assert!(KF_ERR__KEY_SERIALIZATION == -162);
    const _: () = assert!(KF_ERR__VALUE_SERIALIZATION == -161);
    const _: () = assert!(KF_ERR__KEY_DESERIALIZATION == -160);
    const _: () = assert!(KF_ERR__VALUE_DESERIALIZATION == -159);
}

/// librdkafka's rd_kafka_err_desc, with the code as the plain int it is in C (reading an
/// unlisted value into rdkafka-sys's Rust enum would be undefined behaviour).
#[repr(C)]
struct ErrDesc {
    code: c_int,
    name: *const c_char,
    desc: *const c_char,
}

#[test]
fn every_kf_err_constant_matches_librdkafkas_error_table() {
    // The constants as written in src/ffi/error_codes.rs.
    let src = include_str!("../src/ffi/error_codes.rs");
    let mut ours: Vec<(String, i32)> = Vec::new();
    for line in src.lines() {
        let Some(rest) = line.trim().strip_prefix("pub const KF_ERR_") else {
            continue;
        };
        let (name, rest) = rest.split_once(": i32 = ").expect(line);
        let num: i32 = rest.trim_end_matches(';').trim().parse().expect(line);
        ours.push((name.to_string(), num));
    }
    assert!(ours.len() > 150, "parsed only {} constants", ours.len());
    // The parser reads what the compiler sees.
    for (name, v) in [
        ("_PARTITION_EOF", KF_ERR__PARTITION_EOF),
        ("UNKNOWN_TOPIC_OR_PART", KF_ERR_UNKNOWN_TOPIC_OR_PART),
        ("_INVALID_ARG", KF_ERR__INVALID_ARG),
        ("NO_ERROR", KF_ERR_NO_ERROR),
        ("_BEGIN", KF_ERR__BEGIN),
        ("_END", KF_ERR__END),
    ] {
        assert!(ours.contains(&(name.to_string(), v)), "{name}");
    }

    // librdkafka's table, straight from librdkafka.
    let mut descs: *const rdkafka_sys::rd_kafka_err_desc = null();
    let mut n = 0usize;
    unsafe { rdkafka_sys::rd_kafka_get_err_descs(&mut descs, &mut n) };
    assert!(!descs.is_null() && n > 100);
    let table = unsafe { std::slice::from_raw_parts(descs as *const ErrDesc, n) };
    let mut theirs: Vec<(String, i32)> = Vec::new();
    for d in table.iter().filter(|d| !d.name.is_null()) {
        let name = unsafe { CStr::from_ptr(d.name) }
            .to_str()
            .unwrap()
            .to_string();
        // kafkaffi's name and description functions answer as librdkafka does for every real
        // code (the _BEGIN/_END range markers have no description and are never returned).
        if !d.desc.is_null() {
            assert_eq!(text(kf_error_code_name(d.code)), name, "code {}", d.code);
            let desc = unsafe { CStr::from_ptr(d.desc) }.to_string_lossy();
            assert_eq!(
                text(kf_error_code_description(d.code)),
                desc,
                "code {}",
                d.code
            );
        } else {
            assert!(
                name == "_BEGIN" || name == "_END",
                "{name} has no description"
            );
        }
        theirs.push((name, d.code));
    }

    let missing: Vec<_> = theirs.iter().filter(|t| !ours.contains(t)).collect();
    let extra: Vec<_> = ours.iter().filter(|o| !theirs.contains(o)).collect();
    assert!(
        missing.is_empty(),
        "librdkafka codes without a matching KF_ERR_ constant: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "KF_ERR_ constants librdkafka does not have: {extra:?}"
    );
    assert_eq!(ours.len(), theirs.len(), "duplicate constants");
}

#[test]
fn error_accessors_on_null_return_documented_fallbacks() {
    assert_eq!(kf_error_code(null()), 0);
    assert_eq!(text(kf_error_name(null())), "NO_ERROR");
    assert_eq!(text(kf_error_message(null())), "Success");
    assert!(!kf_error_is_retriable(null()));
    assert!(!kf_error_is_fatal(null()));
    assert!(!kf_error_txn_requires_abort(null()));
    assert!(kf_error_copy(null()).is_null());
    kf_error_destroy(null_mut());
    kf_string_free(null_mut());
}

#[test]
fn error_copy_is_an_independent_owned_error() {
    let c = own(kf_config_new());
    let e = own(kf_config_set(
        c.get(),
        cs("no.such.key").as_ptr(),
        cs("1").as_ptr(),
    ));
    assert!(!e.is_null());
    let copy = own(kf_error_copy(e.get()));
    assert!(!copy.is_null() && copy.get() != e.get());
    let msg = text(kf_error_message(e.get()));
    drop(e);
    // The copy outlives the original.
    let c1 = copy.get();
    assert_eq!(kf_error_code(c1), KF_ERR__INVALID_ARG);
    assert_eq!(text(kf_error_name(c1)), "_INVALID_ARG");
    assert_eq!(text(kf_error_message(c1)), msg);
    assert!(msg.contains("no.such.key"));
    assert!(!kf_error_is_fatal(c1));
    assert!(!kf_error_is_retriable(c1));
    assert!(!kf_error_txn_requires_abort(c1));
    let copy2 = own(kf_error_copy(c1));
    drop(copy);
    assert_eq!(text(kf_error_message(copy2.get())), msg);
}

#[test]
fn versions() {
    assert_eq!(text(kf_version()), env!("CARGO_PKG_VERSION"));
    let major: u32 = env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap();
    let minor: u32 = env!("CARGO_PKG_VERSION_MINOR").parse().unwrap();
    let patch: u32 = env!("CARGO_PKG_VERSION_PATCH").parse().unwrap();
    assert_eq!(
        kf_version_int(),
        (major << 24) | (minor << 16) | (patch << 8)
    );
    assert_eq!(text(kf_librdkafka_version()), "2.12.1");
    assert_eq!(kf_librdkafka_version_int() as u32 >> 8, 0x02_0c_01);
    // The same pointer every time: static strings.
    assert_eq!(kf_version(), kf_version());
}
