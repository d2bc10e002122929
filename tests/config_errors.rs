//! Configuration, error values, versions, and invalid arguments to every exported function,
//! all through the C ABI.
mod common;
use common::*;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// helpers

/// The value of `key`, or the (code, message) of the failure.
fn get(c: *const kf_config_t, key: &str) -> Result<String, (i32, String)> {
    let mut out: *mut c_char = null_mut();
    let e = kf_config_get(c, cs(key).as_ptr(), &mut out);
    if e.is_null() {
        let s = text(out);
        kf_string_free(out);
        Ok(s)
    } else {
        assert!(out.is_null(), "value_out written on failure");
        Err(err(e))
    }
}

#[track_caller]
fn get_ok(c: *const kf_config_t, key: &str) -> String {
    get(c, key).unwrap_or_else(|e| panic!("kf_config_get({key}) failed: {e:?}"))
}

/// Expects KF_ERR__INVALID_ARG with a message containing every needle.
#[track_caller]
fn inv(e: *mut kf_error_t, needles: &[&str]) -> String {
    let (code, msg) = err(e);
    assert_eq!(
        code, KF_ERR__INVALID_ARG,
        "expected KF_ERR__INVALID_ARG, got {code}: {msg}"
    );
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} does not mention {n:?}");
    }
    msg
}

/// A NUL-terminated string that is not UTF-8.
const NOT_UTF8: &[u8] = b"\xff\xfe\0";
fn bad_utf8() -> *const c_char {
    NOT_UTF8.as_ptr() as *const c_char
}

/// Callback and free counts that live for the whole test run (handed out as an opaque).
#[derive(Default)]
struct Counts {
    calls: AtomicUsize,
    freed: AtomicUsize,
}
fn counter() -> &'static Counts {
    Box::leak(Box::default())
}
fn as_opaque(c: &'static Counts) -> *mut c_void {
    c as *const Counts as *mut c_void
}
unsafe extern "C" fn count_free(opaque: *mut c_void) {
    (*(opaque as *const Counts)).freed.fetch_add(1, SeqCst);
}
unsafe extern "C" fn count_stats(opaque: *mut c_void, _json: *const c_char, _len: usize) {
    (*(opaque as *const Counts)).calls.fetch_add(1, SeqCst);
}
unsafe extern "C" fn noop_error(_opaque: *mut c_void, _e: *const kf_error_t) {}

// ---------------------------------------------------------------------------------------------
// configuration

#[test]
fn config_set_get_round_trip() {
    let c = kf_config_new();
    for (k, v) in [
        ("bootstrap.servers", "h1:9092,h2:9093"),
        ("client.id", "round-trip"),
        ("linger.ms", "7"),
        ("enable.idempotence", "true"),
        ("compression.type", "zstd"),
        ("message.timeout.ms", "4321"), // topic-level, set on the global config
    ] {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
        assert_eq!(get_ok(c, k), v, "{k}");
    }
    // Setting again replaces the value.
    ok(kf_config_set(
        c,
        cs("linger.ms").as_ptr(),
        cs("11").as_ptr(),
    ));
    assert_eq!(get_ok(c, "linger.ms"), "11");
    kf_config_destroy(c);
}

#[test]
fn config_get_answers_defaults_for_never_set_properties() {
    let c = kf_config_new();
    // Global and topic-level properties alike (librdkafka only learns topic-level keys once
    // one is set; kafkaffi still answers their defaults).
    assert_eq!(get_ok(c, "linger.ms"), "5");
    assert_eq!(get_ok(c, "enable.idempotence"), "false");
    assert_eq!(get_ok(c, "acks"), "-1");
    assert_eq!(get_ok(c, "message.timeout.ms"), "300000");
    let (code, msg) = get(c, "no.such.property").unwrap_err();
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("no.such.property"), "{msg}");
    kf_config_destroy(c);
}

#[test]
fn config_unknown_key_is_invalid_arg_naming_the_key() {
    let c = kf_config_new();
    let msg = inv(
        kf_config_set(c, cs("no.such.key").as_ptr(), cs("1").as_ptr()),
        &["no.such.key"],
    );
    assert!(msg.contains("unknown"), "{msg}");
    // A misspelt topic-level key is just as unknown.
    inv(
        kf_config_set(c, cs("akcs").as_ptr(), cs("all").as_ptr()),
        &["akcs"],
    );
    kf_config_destroy(c);
}

#[test]
fn config_bad_value_names_the_key_and_leaves_the_config_unchanged() {
    let c = kf_config_new();
    ok(kf_config_set(c, cs("acks").as_ptr(), cs("1").as_ptr()));
    ok(kf_config_set(c, cs("linger.ms").as_ptr(), cs("5").as_ptr()));
    ok(kf_config_set(
        c,
        cs("enable.idempotence").as_ptr(),
        cs("false").as_ptr(),
    ));
    for (k, v) in [
        ("acks", "bogus"),
        ("linger.ms", "-5"),
        ("linger.ms", "not-a-number"),
        ("enable.idempotence", "maybe"),
        ("compression.type", "zip"),
    ] {
        let msg = inv(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()), &[k]);
        assert!(!msg.ends_with('\n'), "message ends with a newline: {msg:?}");
    }
    assert_eq!(get_ok(c, "acks"), "1");
    assert_eq!(get_ok(c, "linger.ms"), "5");
    assert_eq!(get_ok(c, "enable.idempotence"), "false");
    assert_eq!(get_ok(c, "compression.type"), "none");
    kf_config_destroy(c);
}

#[test]
fn config_set_json_types_and_nested_default_topic_config() {
    let c = kf_config_new();
    ok(kf_config_set_json(
        c,
        cs(r#"{
            "bootstrap.servers": "127.0.0.1:9092",
            "client.id": "json-client",
            "linger.ms": 17,
            "batch.num.messages": 1000,
            "enable.idempotence": true,
            "socket.nagle.disable": false,
            "default.topic.config": {"acks": "all", "message.timeout.ms": 1234}
        }"#)
        .as_ptr(),
    ));
    assert_eq!(get_ok(c, "bootstrap.servers"), "127.0.0.1:9092");
    assert_eq!(get_ok(c, "client.id"), "json-client");
    assert_eq!(get_ok(c, "linger.ms"), "17");
    assert_eq!(get_ok(c, "batch.num.messages"), "1000");
    assert_eq!(get_ok(c, "enable.idempotence"), "true");
    assert_eq!(get_ok(c, "socket.nagle.disable"), "false");
    // The nested topic properties are readable at the top level (acks=all is stored as -1).
    assert_eq!(get_ok(c, "acks"), "-1");
    assert_eq!(get_ok(c, "message.timeout.ms"), "1234");

    // "default.topic.config" through kf_config_set takes the object as JSON text.
    ok(kf_config_set(
        c,
        cs("default.topic.config").as_ptr(),
        cs(r#"{"acks": "1", "message.timeout.ms": "999"}"#).as_ptr(),
    ));
    assert_eq!(get_ok(c, "acks"), "1");
    assert_eq!(get_ok(c, "message.timeout.ms"), "999");

    // A client accepts the result (idempotence needs acks=all, so turn it off first).
    ok(kf_config_set(
        c,
        cs("enable.idempotence").as_ptr(),
        cs("false").as_ptr(),
    ));
    let p = new_producer(c);
    ok(kf_producer_destroy(p));
    kf_config_destroy(c);
}

#[test]
fn config_set_json_errors_are_clear() {
    let c = kf_config_new();
    ok(kf_config_set(c, cs("linger.ms").as_ptr(), cs("5").as_ptr()));
    let cases: &[(&str, &[&str])] = &[
        ("{not json", &["JSON"]),
        ("", &["JSON"]),
        (r#"{"linger.ms": 1,}"#, &["JSON"]),
        ("[1, 2]", &["object"]),
        ("null", &["object"]),
        ("\"linger.ms\"", &["object"]),
        (
            r#"{"bootstrap.servers": ["a:1", "b:2"]}"#,
            &["bootstrap.servers", "string, number or boolean"],
        ),
        (
            r#"{"linger.ms": null}"#,
            &["linger.ms", "string, number or boolean"],
        ),
        (r#"{"client.id": {"x": 1}}"#, &["client.id"]),
        (
            r#"{"default.topic.config": [1]}"#,
            &["default.topic.config"],
        ),
        (r#"{"default.topic.config": {"acks": ["all"]}}"#, &["acks"]),
        (
            r#"{"default.topic.config": {"default.topic.config": {}}}"#,
            &["default.topic.config"],
        ),
        (r#"{"no.such.key": 1}"#, &["no.such.key"]),
        (r#"{"linger.ms": -5}"#, &["linger.ms"]),
    ];
    for (json, needles) in cases {
        let msg = inv(kf_config_set_json(c, cs(json).as_ptr()), needles);
        assert!(!msg.is_empty(), "{json}");
    }
    // kf_config_set("default.topic.config", ...) checks its JSON the same way.
    inv(
        kf_config_set(c, cs("default.topic.config").as_ptr(), cs("{oops").as_ptr()),
        &["default.topic.config", "JSON"],
    );
    assert_eq!(
        get_ok(c, "linger.ms"),
        "5",
        "failed calls changed the config"
    );
    kf_config_destroy(c);
}

#[test]
fn config_dup_copies_properties_independently() {
    let c = kf_config_new();
    ok(kf_config_set(
        c,
        cs("client.id").as_ptr(),
        cs("orig").as_ptr(),
    ));
    ok(kf_config_set(c, cs("acks").as_ptr(), cs("1").as_ptr()));
    let d = kf_config_dup(c);
    assert!(!d.is_null());
    assert_eq!(get_ok(d, "client.id"), "orig");
    assert_eq!(get_ok(d, "acks"), "1");
    ok(kf_config_set(
        d,
        cs("client.id").as_ptr(),
        cs("copy").as_ptr(),
    ));
    assert_eq!(
        get_ok(c, "client.id"),
        "orig",
        "changing the dup changed the original"
    );
    kf_config_destroy(c);
    // The dup outlives the original.
    assert_eq!(get_ok(d, "client.id"), "copy");
    kf_config_destroy(d);
    assert!(kf_config_dup(null()).is_null());
}

#[test]
fn config_dup_copies_callbacks_that_fire_for_a_client_made_from_the_dup() {
    let cluster = Cluster::mock(1);
    let n = counter();
    let (stats, freed) = (&n.calls, &n.freed);
    let c = cluster.config(&[("statistics.interval.ms", "100")]);
    ok(kf_config_set_stats_cb(
        c,
        Some(count_stats),
        as_opaque(n),
        Some(count_free),
    ));
    let d = kf_config_dup(c);
    kf_config_destroy(c);
    assert_eq!(
        freed.load(SeqCst),
        0,
        "the dup still holds the registration"
    );
    let p = new_producer(d);
    kf_config_destroy(d);
    let deadline = Instant::now() + Duration::from_secs(10);
    while stats.load(SeqCst) == 0 && Instant::now() < deadline {
        ok(kf_producer_poll(p, 100, null_mut()));
    }
    assert!(
        stats.load(SeqCst) > 0,
        "stats_cb copied by kf_config_dup never fired"
    );
    assert_eq!(
        freed.load(SeqCst),
        0,
        "the producer still holds the registration"
    );
    ok(kf_producer_destroy(p));
    assert_eq!(freed.load(SeqCst), 1);
}

#[test]
fn free_opaque_runs_once_when_the_last_holder_is_gone() {
    let cluster = Cluster::mock(1);
    // Config -> dup -> producer: freed only after all three are gone, exactly once.
    let freed = counter();
    let c = cluster.config(&[]);
    ok(kf_config_set_error_cb(
        c,
        Some(noop_error),
        as_opaque(freed),
        Some(count_free),
    ));
    let d = kf_config_dup(c);
    let p = new_producer(d);
    let p2 = new_producer(c);
    kf_config_destroy(c);
    kf_config_destroy(d);
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(kf_producer_destroy(p));
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(kf_producer_destroy(p2));
    assert_eq!(freed.freed.load(SeqCst), 1);

    // A consumer holds it too.
    let freed = counter();
    let c = cluster.config(&[("group.id", &unique("g"))]);
    ok(kf_config_set_stats_cb(
        c,
        Some(count_stats),
        as_opaque(freed),
        Some(count_free),
    ));
    let consumer = new_consumer(c);
    kf_config_destroy(c);
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(kf_consumer_close(consumer));
    assert_eq!(freed.freed.load(SeqCst), 0, "close is not destroy");
    ok(kf_consumer_destroy(consumer));
    assert_eq!(freed.freed.load(SeqCst), 1);

    // A config that never made a client.
    let freed = counter();
    let c = kf_config_new();
    ok(kf_config_set_log_cb(c, None, null_mut(), None));
    ok(kf_config_set_stats_cb(
        c,
        Some(count_stats),
        as_opaque(freed),
        Some(count_free),
    ));
    kf_config_destroy(c);
    assert_eq!(freed.freed.load(SeqCst), 1);
}

#[test]
fn free_opaque_on_unregister_and_replace() {
    let cluster = Cluster::mock(1);
    // Unregistering with a NULL callback frees the opaque given with it at once, and drops the
    // old registration (freeing its opaque when nothing else holds it).
    let old = counter();
    let given = counter();
    let c = kf_config_new();
    ok(kf_config_set_error_cb(
        c,
        Some(noop_error),
        as_opaque(old),
        Some(count_free),
    ));
    ok(kf_config_set_error_cb(
        c,
        None,
        as_opaque(given),
        Some(count_free),
    ));
    assert_eq!(
        given.freed.load(SeqCst),
        1,
        "free_opaque of a NULL registration not run at once"
    );
    assert_eq!(
        old.freed.load(SeqCst),
        1,
        "the replaced registration was not released"
    );
    kf_config_destroy(c);
    assert_eq!(
        (old.freed.load(SeqCst), given.freed.load(SeqCst)),
        (1, 1),
        "freed twice"
    );

    // Replacing a registration a client still holds: freed when the client goes.
    let held = counter();
    let newer = counter();
    let c = cluster.config(&[]);
    ok(kf_config_set_throttle_cb(c, None, null_mut(), None));
    ok(kf_config_set_stats_cb(
        c,
        Some(count_stats),
        as_opaque(held),
        Some(count_free),
    ));
    let p = new_producer(c);
    ok(kf_config_set_stats_cb(
        c,
        Some(count_stats),
        as_opaque(newer),
        Some(count_free),
    ));
    assert_eq!(
        held.freed.load(SeqCst),
        0,
        "freed while the producer holds it"
    );
    ok(kf_producer_destroy(p));
    assert_eq!(held.freed.load(SeqCst), 1);
    kf_config_destroy(c);
    assert_eq!(newer.freed.load(SeqCst), 1);
    assert_eq!(held.freed.load(SeqCst), 1);

    // Each kind of registration releases its opaque the same way.
    type Setter = fn(*mut kf_config_t, *mut c_void, kf_free_fn) -> *mut kf_error_t;
    let setters: [(&str, Setter); 7] = [
        ("error", |c, o, f| {
            kf_config_set_error_cb(c, Some(noop_error), o, f)
        }),
        ("throttle", |c, o, f| {
            kf_config_set_throttle_cb(c, Some(noop_throttle), o, f)
        }),
        ("stats", |c, o, f| {
            kf_config_set_stats_cb(c, Some(count_stats), o, f)
        }),
        ("oauth", |c, o, f| {
            kf_config_set_oauth_cb(c, Some(noop_oauth), o, f)
        }),
        ("delivery", |c, o, f| {
            kf_config_set_delivery_cb(c, Some(noop_delivery), o, f)
        }),
        ("commit", |c, o, f| {
            kf_config_set_commit_cb(c, Some(noop_commit), o, f)
        }),
        ("log", |c, o, f| {
            kf_config_set_log_cb(c, Some(noop_log), o, f)
        }),
    ];
    for (name, set) in setters {
        let n = counter();
        let c = kf_config_new();
        ok(set(c, as_opaque(n), Some(count_free)));
        let d = kf_config_dup(c);
        kf_config_destroy(c);
        assert_eq!(n.freed.load(SeqCst), 0, "{name}");
        kf_config_destroy(d);
        assert_eq!(n.freed.load(SeqCst), 1, "{name}");
        // NULL config: an error, and free_opaque is not called.
        let n = counter();
        inv(set(null_mut(), as_opaque(n), Some(count_free)), &["config"]);
        assert_eq!(
            n.freed.load(SeqCst),
            0,
            "{name}: free_opaque ran for a failed registration"
        );
    }
}

unsafe extern "C" fn count_release(opaque: *mut c_void, _value: *mut u8) {
    (*(opaque as *const Counts)).calls.fetch_add(1, SeqCst);
}
unsafe extern "C" fn noop_throttle(_o: *mut c_void, _e: *const kf_throttle_event_t) {}
unsafe extern "C" fn noop_oauth(_o: *mut c_void, _c: *const c_char, t: *mut kf_oauth_token_t) {
    kf_error_destroy(kf_oauth_token_fail(t, c"test".as_ptr()));
}
unsafe extern "C" fn noop_delivery(
    _o: *mut c_void,
    _m: *const kf_message_t,
    _e: *const kf_error_t,
) {
}
unsafe extern "C" fn noop_commit(
    _o: *mut c_void,
    _e: *const kf_error_t,
    _l: *const kf_topic_partition_list_t,
) {
}
unsafe extern "C" fn noop_log(_o: *mut c_void, _l: c_int, _f: *const c_char, _m: *const c_char) {}
unsafe extern "C" fn noop_rebalance(
    _o: *mut c_void,
    _c: *mut kf_consumer_t,
    _l: *const kf_topic_partition_list_t,
) {
}

#[test]
fn a_config_librdkafka_refuses_fails_the_constructor_with_a_message() {
    let c = kf_config_new();
    // Idempotence needs acks=all: librdkafka refuses the combination when the client is made.
    ok(kf_config_set(
        c,
        cs("enable.idempotence").as_ptr(),
        cs("true").as_ptr(),
    ));
    ok(kf_config_set(c, cs("acks").as_ptr(), cs("1").as_ptr()));
    let mut e = null_mut();
    let p = kf_producer_new(c, &mut e);
    assert!(p.is_null());
    let msg = inv(e, &[]);
    assert!(msg.contains("acks"), "{msg}");
    // Without err_out the failure is still reported by NULL.
    assert!(kf_producer_new(c, null_mut()).is_null());
    kf_config_destroy(c);
}

// ---------------------------------------------------------------------------------------------
// errors and versions

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
        (KF_ERR__KF_PANIC, "_KF_PANIC", "kafkaffi"),
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
    const _: () = assert!(KF_ERR__KF_PANIC >= KF_ERR_KAFKAFFI_BEGIN);
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
    let c = kf_config_new();
    let e = kf_config_set(c, cs("no.such.key").as_ptr(), cs("1").as_ptr());
    assert!(!e.is_null());
    let copy = kf_error_copy(e);
    assert!(!copy.is_null() && copy != e);
    let msg = text(kf_error_message(e));
    kf_error_destroy(e);
    // The copy outlives the original.
    assert_eq!(kf_error_code(copy), KF_ERR__INVALID_ARG);
    assert_eq!(text(kf_error_name(copy)), "_INVALID_ARG");
    assert_eq!(text(kf_error_message(copy)), msg);
    assert!(msg.contains("no.such.key"));
    assert!(!kf_error_is_fatal(copy));
    assert!(!kf_error_is_retriable(copy));
    assert!(!kf_error_txn_requires_abort(copy));
    let copy2 = kf_error_copy(copy);
    kf_error_destroy(copy);
    assert_eq!(text(kf_error_message(copy2)), msg);
    kf_error_destroy(copy2);
    kf_config_destroy(c);
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

// ---------------------------------------------------------------------------------------------
// invalid arguments, function family by function family

#[test]
fn invalid_args_config() {
    let c = kf_config_new();
    const S: &str = "kf_config_set";
    inv(
        kf_config_set(null_mut(), cs("a").as_ptr(), cs("b").as_ptr()),
        &[S, "config"],
    );
    inv(kf_config_set(c, null(), cs("b").as_ptr()), &[S, "key"]);
    inv(
        kf_config_set(c, cs("client.id").as_ptr(), null()),
        &[S, "value"],
    );
    inv(
        kf_config_set(c, bad_utf8(), cs("b").as_ptr()),
        &[S, "key", "UTF-8"],
    );
    inv(
        kf_config_set(c, cs("client.id").as_ptr(), bad_utf8()),
        &[S, "value", "UTF-8"],
    );
    const J: &str = "kf_config_set_json";
    inv(
        kf_config_set_json(null_mut(), cs("{}").as_ptr()),
        &[J, "config"],
    );
    inv(kf_config_set_json(c, null()), &[J, "json"]);
    inv(kf_config_set_json(c, bad_utf8()), &[J, "json", "UTF-8"]);
    const G: &str = "kf_config_get";
    let mut out: *mut c_char = null_mut();
    inv(
        kf_config_get(null(), cs("client.id").as_ptr(), &mut out),
        &[G, "config"],
    );
    inv(kf_config_get(c, null(), &mut out), &[G, "key"]);
    inv(kf_config_get(c, bad_utf8(), &mut out), &[G, "key", "UTF-8"]);
    inv(
        kf_config_get(c, cs("client.id").as_ptr(), null_mut()),
        &[G, "value_out"],
    );
    assert!(out.is_null(), "value_out written on failure");
    assert!(kf_config_dup(null()).is_null());
    for (f, e) in [
        (
            "kf_config_set_error_cb",
            kf_config_set_error_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_throttle_cb",
            kf_config_set_throttle_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_stats_cb",
            kf_config_set_stats_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_oauth_cb",
            kf_config_set_oauth_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_delivery_cb",
            kf_config_set_delivery_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_commit_cb",
            kf_config_set_commit_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_log_cb",
            kf_config_set_log_cb(null_mut(), None, null_mut(), None),
        ),
    ] {
        inv(e, &[f, "config"]);
    }
    kf_config_destroy(null_mut());
    kf_config_destroy(c);
}

#[test]
fn invalid_args_throttle_event_and_oauth_token_outside_a_callback() {
    assert!(kf_throttle_event_broker_name(null()).is_null());
    assert_eq!(kf_throttle_event_broker_id(null()), -1);
    assert_eq!(kf_throttle_event_throttle_time_ms(null()), -1);
    inv(
        kf_oauth_token_set(
            null_mut(),
            cs("t").as_ptr(),
            0,
            cs("p").as_ptr(),
            null(),
            null(),
            0,
        ),
        &["kf_oauth_token_set", "token"],
    );
    inv(
        kf_oauth_token_fail(null_mut(), cs("r").as_ptr()),
        &["kf_oauth_token_fail", "token"],
    );
}

/// What the oauth_cb below saw: the result of each bad call, by label.
#[derive(Default)]
struct OauthProbe {
    results: Vec<(&'static str, i32, String)>,
}

unsafe extern "C" fn probing_oauth_cb(
    opaque: *mut c_void,
    _config: *const c_char,
    token: *mut kf_oauth_token_t,
) {
    let probe = &mut *(opaque as *mut OauthProbe);
    let mut record = |label: &'static str, e: *mut kf_error_t| {
        let r = if e.is_null() {
            (label, 0, String::new())
        } else {
            let r = (label, kf_error_code(e), text(kf_error_message(e)));
            kf_error_destroy(e);
            r
        };
        probe.results.push(r);
    };
    let future = now_ms() + 60_000;
    let (tok, who) = (c"a.b.".as_ptr(), c"admin".as_ptr());
    let keys = [c"traceId".as_ptr()];
    let vals = [c"x".as_ptr()];
    let null_key = [null::<c_char>()];
    let bad_key = [bad_utf8()];
    record(
        "null token_value",
        kf_oauth_token_set(token, null(), future, who, null(), null(), 0),
    );
    record(
        "bad token_value",
        kf_oauth_token_set(token, bad_utf8(), future, who, null(), null(), 0),
    );
    record(
        "null principal",
        kf_oauth_token_set(token, tok, future, null(), null(), null(), 0),
    );
    record(
        "bad principal",
        kf_oauth_token_set(token, tok, future, bad_utf8(), null(), null(), 0),
    );
    record(
        "null keys",
        kf_oauth_token_set(token, tok, future, who, null(), vals.as_ptr(), 1),
    );
    record(
        "null values",
        kf_oauth_token_set(token, tok, future, who, keys.as_ptr(), null(), 1),
    );
    record(
        "null key",
        kf_oauth_token_set(token, tok, future, who, null_key.as_ptr(), vals.as_ptr(), 1),
    );
    record(
        "bad key",
        kf_oauth_token_set(token, tok, future, who, bad_key.as_ptr(), vals.as_ptr(), 1),
    );
    record("null reason", kf_oauth_token_fail(token, null()));
    record("bad reason", kf_oauth_token_fail(token, bad_utf8()));
    // librdkafka refuses an expired token and a reserved extension name; the message says why.
    record(
        "expired",
        kf_oauth_token_set(token, tok, now_ms() - 1000, who, null(), null(), 0),
    );
    let auth = [c"auth".as_ptr()];
    record(
        "reserved extension",
        kf_oauth_token_set(token, tok, future, who, auth.as_ptr(), vals.as_ptr(), 1),
    );
    // Finally a valid answer.
    record(
        "valid",
        kf_oauth_token_set(token, tok, future, who, keys.as_ptr(), vals.as_ptr(), 1),
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn invalid_args_oauth_token_inside_the_callback() {
    let mut probe = OauthProbe::default();
    let c = kf_config_new();
    for (k, v) in [
        ("bootstrap.servers", "127.0.0.1:1"),
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "OAUTHBEARER"),
    ] {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    ok(kf_config_set_oauth_cb(
        c,
        Some(probing_oauth_cb),
        &mut probe as *mut OauthProbe as *mut c_void,
        None,
    ));
    let p = new_producer(c); // the first token is asked for while the producer is created
    kf_config_destroy(c);
    ok(kf_producer_destroy(p));
    let by = |label: &str| {
        probe
            .results
            .iter()
            .find(|r| r.0 == label)
            .unwrap_or_else(|| panic!("{label} not called: oauth_cb did not run?"))
            .clone()
    };
    for (label, needle) in [
        ("null token_value", "token_value"),
        ("bad token_value", "token_value"),
        ("null principal", "principal"),
        ("bad principal", "principal"),
        ("null keys", "extension_keys"),
        ("null values", "extension_values"),
        ("null key", "extension key"),
        ("bad key", "extension key"),
        ("null reason", "reason"),
        ("bad reason", "reason"),
    ] {
        let (_, code, msg) = by(label);
        assert_eq!(code, KF_ERR__INVALID_ARG, "{label}: {msg}");
        assert!(
            msg.contains(needle),
            "{label}: {msg:?} does not name {needle}"
        );
    }
    for label in ["expired", "reserved extension"] {
        let (_, code, msg) = by(label);
        assert_ne!(code, 0, "{label} accepted");
        assert!(!msg.is_empty(), "{label}");
    }
    assert_eq!(by("valid").1, 0, "valid token refused: {}", by("valid").2);
}

#[test]
fn invalid_args_producer() {
    let cluster = Cluster::mock(1);
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);

    let mut e = null_mut();
    assert!(kf_producer_new(null(), &mut e).is_null());
    inv(e, &["kf_producer_new", "config"]);
    assert!(kf_producer_new(null(), null_mut()).is_null());
    ok(kf_producer_destroy(null_mut()));

    const P: &str = "kf_producer_produce";
    let t = cs("t");
    let produce = |p, topic, key: *const u8, klen, val: *const u8, vlen| {
        kf_producer_produce(
            p,
            topic,
            KF_PARTITION_UA,
            key,
            klen,
            val,
            vlen,
            null(),
            0,
            None,
            null_mut(),
        )
    };
    inv(
        produce(null_mut(), t.as_ptr(), null(), 0, null(), 0),
        &[P, "producer"],
    );
    inv(produce(p, null(), null(), 0, null(), 0), &[P, "topic"]);
    inv(
        produce(p, bad_utf8(), null(), 0, null(), 0),
        &[P, "topic", "UTF-8"],
    );
    inv(produce(p, t.as_ptr(), null(), 3, null(), 0), &[P, "key"]);
    inv(produce(p, t.as_ptr(), null(), 0, null(), 3), &[P, "value"]);
    assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

    // Zero-copy: every refused call leaves the value with the caller (free_value not run).
    const Z: &str = "kf_producer_produce_zerocopy";
    let released = counter();
    let mut buf = *b"zero";
    let zc = |p, topic, key: *const u8, klen, val: *mut u8, vlen, free: kf_release_fn| {
        kf_producer_produce_zerocopy(
            p,
            topic,
            KF_PARTITION_UA,
            key,
            klen,
            val,
            vlen,
            free,
            as_opaque(released),
            null(),
            0,
            None,
            null_mut(),
        )
    };
    let v = buf.as_mut_ptr();
    inv(
        zc(null_mut(), t.as_ptr(), null(), 0, v, 4, Some(count_release)),
        &[Z, "producer"],
    );
    inv(
        zc(p, null(), null(), 0, v, 4, Some(count_release)),
        &[Z, "topic"],
    );
    inv(
        zc(p, bad_utf8(), null(), 0, v, 4, Some(count_release)),
        &[Z, "topic", "UTF-8"],
    );
    inv(zc(p, t.as_ptr(), null(), 0, v, 4, None), &[Z, "free_value"]);
    inv(
        zc(p, t.as_ptr(), null(), 2, v, 4, Some(count_release)),
        &[Z, "key"],
    );
    inv(
        zc(p, t.as_ptr(), null(), 0, null_mut(), 4, Some(count_release)),
        &[Z, "value"],
    );
    assert_eq!(
        released.calls.load(SeqCst),
        0,
        "free_value ran for a refused message"
    );
    assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

    const B: &str = "kf_producer_produce_batch";
    let mut n = 99usize;
    inv(
        kf_producer_produce_batch(null_mut(), null_mut(), 0, &mut n),
        &[B, "producer"],
    );
    inv(
        kf_producer_produce_batch(p, null_mut(), 2, &mut n),
        &[B, "messages"],
    );
    let msg = |topic: *const c_char, value: *const u8, len: usize| kf_produce_message_t {
        topic,
        partition: KF_PARTITION_UA,
        key: null(),
        key_len: 0,
        value,
        value_len: len,
        headers: null(),
        timestamp_ms: 0,
        on_delivery: None,
        opaque: null_mut(),
        err: 12345,
    };
    let mut batch = [
        msg(null(), null(), 0),
        msg(bad_utf8(), null(), 0),
        msg(t.as_ptr(), null(), 5),
    ];
    ok(kf_producer_produce_batch(
        p,
        batch.as_mut_ptr(),
        batch.len(),
        &mut n,
    ));
    assert_eq!(n, 0);
    assert!(
        batch.iter().all(|m| m.err == KF_ERR__INVALID_ARG),
        "{:?}",
        batch.iter().map(|m| m.err).collect::<Vec<_>>()
    );

    inv(
        kf_producer_poll(null_mut(), 0, null_mut()),
        &["kf_producer_poll", "producer"],
    );
    inv(
        kf_producer_flush(null_mut(), 0, null_mut()),
        &["kf_producer_flush", "producer"],
    );
    inv(
        kf_producer_purge(null_mut(), true, true, false),
        &["kf_producer_purge", "producer"],
    );
    assert_eq!(kf_producer_len(null()), 0);

    const L: &str = "kf_producer_list_topics";
    let mut md = null_mut();
    inv(
        kf_producer_list_topics(null_mut(), null(), 100, &mut md),
        &[L, "producer"],
    );
    inv(
        kf_producer_list_topics(p, bad_utf8(), 100, &mut md),
        &[L, "topic", "UTF-8"],
    );
    inv(
        kf_producer_list_topics(p, null(), 100, null_mut()),
        &[L, "metadata_out"],
    );
    assert!(md.is_null());

    const S: &str = "kf_producer_set_sasl_credentials";
    let (u, pw) = (cs("u"), cs("p"));
    inv(
        kf_producer_set_sasl_credentials(null_mut(), u.as_ptr(), pw.as_ptr()),
        &[S, "producer"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, null(), pw.as_ptr()),
        &[S, "username"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, u.as_ptr(), null()),
        &[S, "password"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, bad_utf8(), pw.as_ptr()),
        &[S, "username", "UTF-8"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, u.as_ptr(), bad_utf8()),
        &[S, "password", "UTF-8"],
    );

    let mut fd: c_int = -7;
    inv(
        kf_producer_event_fd(null_mut(), &mut fd),
        &["kf_producer_event_fd", "producer"],
    );
    inv(
        kf_producer_event_fd(p, null_mut()),
        &["kf_producer_event_fd", "fd_out"],
    );
    assert_eq!(fd, -7);
    inv(
        kf_producer_wake(null_mut()),
        &["kf_producer_wake", "producer"],
    );
    assert!(kf_producer_fatal_error(null()).is_null());

    // The producer still works after all that.
    let mut remaining = 1;
    ok(kf_producer_flush(p, 1000, &mut remaining));
    assert_eq!(remaining, 0);
    ok(kf_producer_destroy(p));
}

#[test]
fn invalid_args_transactions() {
    use kafkaffi::ffi::*;
    let cluster = Cluster::mock(1);
    let conf = cluster.config(&[("transactional.id", &unique("inv-txn"))]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let conf = cluster.config(&[("group.id", "inv-txn-group")]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let mut g = null_mut();
    ok(kf_consumer_group_metadata(c, &mut g));
    let l = tp_list(&[("t", 0, 5)]);
    let n = null_mut::<kf_producer_t>();

    inv(
        kf_producer_init_transactions(n, 1000),
        &["kf_producer_init_transactions", "producer"],
    );
    inv(
        kf_producer_begin_transaction(n),
        &["kf_producer_begin_transaction", "producer"],
    );
    const SO: &str = "kf_producer_send_offsets_to_transaction";
    inv(
        kf_producer_send_offsets_to_transaction(n, l, g, 1000),
        &[SO, "producer"],
    );
    inv(
        kf_producer_send_offsets_to_transaction(p, null(), g, 1000),
        &[SO, "offsets"],
    );
    inv(
        kf_producer_send_offsets_to_transaction(p, l, null(), 1000),
        &[SO, "group_metadata"],
    );
    inv(
        kf_producer_commit_transaction(n, 1000),
        &["kf_producer_commit_transaction", "producer"],
    );
    inv(
        kf_producer_abort_transaction(n, 1000),
        &["kf_producer_abort_transaction", "producer"],
    );

    // Still usable: the transactional calls work after all that.
    ok(kf_producer_init_transactions(p, 30_000));
    ok(kf_producer_begin_transaction(p));
    ok(kf_producer_abort_transaction(p, 30_000));
    kf_topic_partition_list_destroy(l);
    kf_consumer_group_metadata_destroy(g);
    ok(kf_consumer_close(c));
    ok(kf_consumer_destroy(c));
    ok(kf_producer_destroy(p));
}

#[test]
fn invalid_args_consumer() {
    let cluster = Cluster::mock(1);
    let topic = unique("inv");
    cluster.create_topic(&topic, 1);
    let conf = cluster.config(&[("group.id", &unique("g"))]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);

    let mut e = null_mut();
    assert!(kf_consumer_new(null(), &mut e).is_null());
    inv(e, &["kf_consumer_new", "config"]);
    assert!(kf_consumer_new(null(), null_mut()).is_null());
    ok(kf_consumer_destroy(null_mut()));

    let list = tp_list(&[(&topic, 0, 0)]);
    let mut out_list: *mut kf_topic_partition_list_t = null_mut();
    let n = null_mut::<kf_consumer_t>();

    inv(kf_consumer_close(n), &["kf_consumer_close", "consumer"]);
    const SUB: &str = "kf_consumer_subscribe";
    let t = cs(&topic);
    inv(
        kf_consumer_subscribe(n, [t.as_ptr()].as_ptr(), 1, null()),
        &[SUB, "consumer"],
    );
    inv(
        kf_consumer_subscribe(c, null(), 1, null()),
        &[SUB, "topics"],
    );
    inv(
        kf_consumer_subscribe(c, [t.as_ptr(), null()].as_ptr(), 2, null()),
        &[SUB, "topic"],
    );
    inv(
        kf_consumer_subscribe(c, [bad_utf8()].as_ptr(), 1, null()),
        &[SUB, "topic", "UTF-8"],
    );
    let cbs = kf_rebalance_callbacks_t {
        on_assign: Some(noop_rebalance),
        on_revoke: None,
        on_lost: None,
        opaque: null_mut(),
        free_opaque: None,
    };
    inv(
        kf_consumer_subscribe(c, [bad_utf8()].as_ptr(), 1, &cbs),
        &[SUB, "topic"],
    );
    inv(
        kf_consumer_unsubscribe(n),
        &["kf_consumer_unsubscribe", "consumer"],
    );

    for (f, e) in [
        ("kf_consumer_assign", kf_consumer_assign(n, list)),
        (
            "kf_consumer_incremental_assign",
            kf_consumer_incremental_assign(n, list),
        ),
        (
            "kf_consumer_incremental_unassign",
            kf_consumer_incremental_unassign(n, list),
        ),
        ("kf_consumer_unassign", kf_consumer_unassign(n)),
        (
            "kf_consumer_assignment",
            kf_consumer_assignment(n, &mut out_list),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(n, list, 100, &mut out_list),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(n, list, &mut out_list),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(n, list, 100, &mut out_list),
        ),
        ("kf_consumer_seek", kf_consumer_seek(n, list, 0)),
        ("kf_consumer_pause", kf_consumer_pause(n, list)),
        ("kf_consumer_resume", kf_consumer_resume(n, list)),
        (
            "kf_consumer_store_offsets",
            kf_consumer_store_offsets(n, null(), list),
        ),
        (
            "kf_consumer_commit",
            kf_consumer_commit(n, null(), list, false, null_mut()),
        ),
        ("kf_consumer_wake", kf_consumer_wake(n)),
    ] {
        inv(e, &[f, "consumer"]);
    }
    for (f, e) in [
        ("kf_consumer_assign", kf_consumer_assign(c, null())),
        (
            "kf_consumer_incremental_assign",
            kf_consumer_incremental_assign(c, null()),
        ),
        (
            "kf_consumer_incremental_unassign",
            kf_consumer_incremental_unassign(c, null()),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(c, null(), 100, &mut out_list),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(c, null(), &mut out_list),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(c, null(), 100, &mut out_list),
        ),
        ("kf_consumer_seek", kf_consumer_seek(c, null(), 0)),
        ("kf_consumer_pause", kf_consumer_pause(c, null())),
        ("kf_consumer_resume", kf_consumer_resume(c, null())),
    ] {
        inv(e, &[f, "partitions"]);
    }
    inv(
        kf_consumer_store_offsets(c, null(), null()),
        &["kf_consumer_store_offsets", "offsets"],
    );
    for (f, e) in [
        (
            "kf_consumer_assignment",
            kf_consumer_assignment(c, null_mut()),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(c, list, 100, null_mut()),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(c, list, null_mut()),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(c, list, 100, null_mut()),
        ),
    ] {
        inv(e, &[f, "_out"]);
    }
    assert!(
        out_list.is_null(),
        "an _out parameter was written on failure"
    );

    let mut m = null_mut();
    inv(
        kf_consumer_poll(n, 0, &mut m),
        &["kf_consumer_poll", "consumer"],
    );
    inv(
        kf_consumer_poll(c, 0, null_mut()),
        &["kf_consumer_poll", "message_out"],
    );
    const CONS: &str = "kf_consumer_consume";
    let mut slots = [null_mut::<kf_message_t>(); 4];
    let mut count = 77usize;
    inv(
        kf_consumer_consume(n, slots.as_mut_ptr(), 4, 0, &mut count),
        &[CONS, "consumer"],
    );
    inv(
        kf_consumer_consume(c, slots.as_mut_ptr(), 4, 0, null_mut()),
        &[CONS, "count_out"],
    );
    inv(
        kf_consumer_consume(c, null_mut(), 4, 0, &mut count),
        &[CONS, "messages"],
    );
    assert_eq!(count, 77);

    const W: &str = "kf_consumer_get_watermark_offsets";
    let (mut lo, mut hi) = (-5i64, -5i64);
    inv(
        kf_consumer_get_watermark_offsets(n, t.as_ptr(), 0, 100, false, &mut lo, &mut hi),
        &[W, "consumer"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, null(), 0, 100, false, &mut lo, &mut hi),
        &[W, "topic"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, bad_utf8(), 0, 100, false, &mut lo, &mut hi),
        &[W, "topic", "UTF-8"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 100, false, null_mut(), &mut hi),
        &[W, "low_out"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 100, false, &mut lo, null_mut()),
        &[W, "high_out"],
    );
    assert_eq!((lo, hi), (-5, -5));

    let mut s: *mut c_char = null_mut();
    inv(
        kf_consumer_memberid(n, &mut s),
        &["kf_consumer_memberid", "consumer"],
    );
    inv(
        kf_consumer_memberid(c, null_mut()),
        &["kf_consumer_memberid", "memberid_out"],
    );
    let mut g = null_mut();
    inv(
        kf_consumer_group_metadata(n, &mut g),
        &["kf_consumer_group_metadata", "consumer"],
    );
    inv(
        kf_consumer_group_metadata(c, null_mut()),
        &["kf_consumer_group_metadata", "metadata_out"],
    );
    kf_consumer_group_metadata_destroy(null_mut());
    const L: &str = "kf_consumer_list_topics";
    let mut md = null_mut();
    inv(
        kf_consumer_list_topics(n, null(), 100, &mut md),
        &[L, "consumer"],
    );
    inv(
        kf_consumer_list_topics(c, bad_utf8(), 100, &mut md),
        &[L, "topic", "UTF-8"],
    );
    inv(
        kf_consumer_list_topics(c, null(), 100, null_mut()),
        &[L, "metadata_out"],
    );
    let mut fd: c_int = -7;
    inv(
        kf_consumer_event_fd(n, &mut fd),
        &["kf_consumer_event_fd", "consumer"],
    );
    inv(
        kf_consumer_event_fd(c, null_mut()),
        &["kf_consumer_event_fd", "fd_out"],
    );
    assert_eq!(fd, -7);
    assert!(s.is_null() && g.is_null() && md.is_null() && m.is_null());

    // Still usable: assign and read back the assignment.
    ok(kf_consumer_assign(c, list));
    ok(kf_consumer_assignment(c, &mut out_list));
    assert_eq!(kf_topic_partition_list_count(out_list), 1);
    kf_topic_partition_list_destroy(out_list);
    kf_topic_partition_list_destroy(list);
    ok(kf_consumer_close(c));
    ok(kf_consumer_destroy(c));
}

#[test]
fn invalid_args_message_accessors_on_null() {
    kf_message_destroy(null_mut());
    let m: *const kf_message_t = null();
    assert!(kf_message_topic(m).is_null());
    assert_eq!(kf_message_partition(m), KF_PARTITION_UA);
    assert_eq!(kf_message_offset(m), KF_OFFSET_INVALID);
    let mut len = 99usize;
    assert!(kf_message_key(m, &mut len).is_null());
    assert_eq!(len, 0);
    len = 99;
    assert!(kf_message_value(m, &mut len).is_null());
    assert_eq!(len, 0);
    assert!(kf_message_key(m, null_mut()).is_null());
    assert!(kf_message_value(m, null_mut()).is_null());
    assert_eq!(kf_message_len(m), 0);
    let mut ts_type: c_int = 99;
    assert_eq!(kf_message_timestamp(m, &mut ts_type), -1);
    assert_eq!(ts_type, KF_TIMESTAMP_NOT_AVAILABLE);
    assert_eq!(kf_message_timestamp(m, null_mut()), -1);
    assert_eq!(kf_message_latency(m), -1);
    assert_eq!(kf_message_leader_epoch(m), -1);
    assert!(kf_message_headers(m).is_null());
    assert_eq!(kf_message_error_code(m), 0);
    assert!(kf_message_error(m).is_null());
}

#[test]
fn invalid_args_headers() {
    let h = kf_headers_new(0);
    assert!(!h.is_null());
    const A: &str = "kf_headers_add";
    let name = cs("n");
    inv(
        kf_headers_add(null_mut(), name.as_ptr(), null(), 0),
        &[A, "headers"],
    );
    inv(kf_headers_add(h, null(), null(), 0), &[A, "name"]);
    inv(
        kf_headers_add(h, bad_utf8(), null(), 0),
        &[A, "name", "UTF-8"],
    );
    inv(kf_headers_add(h, name.as_ptr(), null(), 4), &[A, "value"]);
    assert_eq!(kf_headers_count(h), 0, "a refused header was added");
    assert_eq!(kf_headers_count(null()), 0);
    ok(kf_headers_add(h, name.as_ptr(), b"v".as_ptr(), 1));

    const G: &str = "kf_headers_get";
    let (mut n, mut v, mut l) = (null(), null(), 0usize);
    inv(
        kf_headers_get(null(), 0, &mut n, &mut v, &mut l),
        &[G, "headers"],
    );
    // All _out pointers of kf_headers_get are optional.
    ok(kf_headers_get(h, 0, null_mut(), null_mut(), null_mut()));
    let (code, _) = err(kf_headers_get(h, 5, &mut n, &mut v, &mut l));
    assert_eq!(code, KF_ERR__NOENT);
    const L: &str = "kf_headers_get_last";
    inv(
        kf_headers_get_last(null(), name.as_ptr(), &mut v, &mut l),
        &[L, "headers"],
    );
    inv(kf_headers_get_last(h, null(), &mut v, &mut l), &[L, "name"]);
    inv(
        kf_headers_get_last(h, bad_utf8(), &mut v, &mut l),
        &[L, "name", "UTF-8"],
    );
    ok(kf_headers_get_last(
        h,
        name.as_ptr(),
        null_mut(),
        null_mut(),
    ));
    kf_headers_destroy(null_mut());
    kf_headers_destroy(h);
}

#[test]
fn invalid_args_topic_partition_list() {
    let l = kf_topic_partition_list_new(0);
    assert!(!l.is_null());
    const A: &str = "kf_topic_partition_list_add";
    let t = cs("t");
    let mut idx = 99usize;
    inv(
        kf_topic_partition_list_add(null_mut(), t.as_ptr(), 0, &mut idx),
        &[A, "list"],
    );
    inv(
        kf_topic_partition_list_add(l, null(), 0, &mut idx),
        &[A, "topic"],
    );
    inv(
        kf_topic_partition_list_add(l, bad_utf8(), 0, &mut idx),
        &[A, "topic", "UTF-8"],
    );
    assert_eq!(idx, 99);
    assert_eq!(kf_topic_partition_list_count(l), 0);
    ok(kf_topic_partition_list_add(l, t.as_ptr(), 3, null_mut())); // index_out is optional
    const F: &str = "kf_topic_partition_list_find";
    inv(
        kf_topic_partition_list_find(null(), t.as_ptr(), 3, &mut idx),
        &[F, "list"],
    );
    inv(
        kf_topic_partition_list_find(l, null(), 3, &mut idx),
        &[F, "topic"],
    );
    inv(
        kf_topic_partition_list_find(l, bad_utf8(), 3, &mut idx),
        &[F, "topic", "UTF-8"],
    );
    inv(
        kf_topic_partition_list_find(l, t.as_ptr(), 3, null_mut()),
        &[F, "index_out"],
    );
    ok(kf_topic_partition_list_find(l, t.as_ptr(), 3, &mut idx));
    assert_eq!(idx, 0);

    const O: &str = "kf_topic_partition_list_set_offset";
    inv(
        kf_topic_partition_list_set_offset(null_mut(), 0, 5),
        &[O, "list"],
    );
    inv(kf_topic_partition_list_set_offset(l, 1, 5), &[O, "index"]);
    const M: &str = "kf_topic_partition_list_set_metadata";
    inv(
        kf_topic_partition_list_set_metadata(null_mut(), 0, b"m".as_ptr(), 1),
        &[M, "list"],
    );
    inv(
        kf_topic_partition_list_set_metadata(l, 1, b"m".as_ptr(), 1),
        &[M, "index"],
    );
    inv(
        kf_topic_partition_list_set_metadata(l, 0, null(), 3),
        &[M, "metadata"],
    );
    const E: &str = "kf_topic_partition_list_set_leader_epoch";
    inv(
        kf_topic_partition_list_set_leader_epoch(null_mut(), 0, 1),
        &[E, "list"],
    );
    inv(
        kf_topic_partition_list_set_leader_epoch(l, 1, 1),
        &[E, "index"],
    );

    // Accessors: NULL list and index out of range give the documented fallbacks.
    for list in [null::<kf_topic_partition_list_t>(), l as *const _] {
        let i = if list.is_null() { 0 } else { 1 };
        assert!(kf_topic_partition_list_topic(list, i).is_null());
        assert_eq!(kf_topic_partition_list_partition(list, i), KF_PARTITION_UA);
        assert_eq!(kf_topic_partition_list_offset(list, i), KF_OFFSET_INVALID);
        let mut len = 9usize;
        assert!(kf_topic_partition_list_metadata(list, i, &mut len).is_null());
        assert_eq!(len, 0);
        assert_eq!(kf_topic_partition_list_leader_epoch(list, i), -1);
        assert_eq!(
            kf_topic_partition_list_error_code(list, i),
            KF_ERR__INVALID_ARG
        );
    }
    assert_eq!(kf_topic_partition_list_count(null()), 0);
    assert!(kf_topic_partition_list_copy(null()).is_null());
    kf_topic_partition_list_destroy(null_mut());
    // The list is intact.
    assert_eq!(kf_topic_partition_list_count(l), 1);
    assert_eq!(kf_topic_partition_list_partition(l, 0), 3);
    kf_topic_partition_list_destroy(l);
}

#[test]
fn invalid_args_metadata_accessors_on_null() {
    kf_metadata_destroy(null_mut());
    let m: *const kf_metadata_t = null();
    assert_eq!(kf_metadata_orig_broker_id(m), -1);
    assert!(kf_metadata_orig_broker_name(m).is_null());
    assert_eq!(kf_metadata_broker_count(m), 0);
    assert_eq!(kf_metadata_broker_id(m, 0), -1);
    assert!(kf_metadata_broker_host(m, 0).is_null());
    assert_eq!(kf_metadata_broker_port(m, 0), -1);
    assert_eq!(kf_metadata_topic_count(m), 0);
    assert!(kf_metadata_topic_name(m, 0).is_null());
    assert_eq!(kf_metadata_topic_error_code(m, 0), KF_ERR__INVALID_ARG);
    assert_eq!(kf_metadata_partition_count(m, 0), 0);
    assert_eq!(kf_metadata_partition_id(m, 0, 0), -1);
    assert_eq!(kf_metadata_partition_leader(m, 0, 0), -1);
    assert_eq!(
        kf_metadata_partition_error_code(m, 0, 0),
        KF_ERR__INVALID_ARG
    );
    assert_eq!(kf_metadata_partition_replica_count(m, 0, 0), 0);
    assert_eq!(kf_metadata_partition_replica(m, 0, 0, 0), -1);
    assert_eq!(kf_metadata_partition_isr_count(m, 0, 0), 0);
    assert_eq!(kf_metadata_partition_isr(m, 0, 0, 0), -1);
}

#[test]
fn invalid_args_metadata_indexes_out_of_range() {
    let cluster = Cluster::mock(1);
    let topic = unique("md");
    cluster.create_topic(&topic, 1);
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(&topic).as_ptr(),
        5000,
        &mut md,
    ));
    assert_eq!(kf_metadata_topic_count(md), 1);
    assert_eq!(kf_metadata_broker_id(md, 1), -1);
    assert!(kf_metadata_broker_host(md, 1).is_null());
    assert_eq!(kf_metadata_broker_port(md, usize::MAX), -1);
    assert!(kf_metadata_topic_name(md, 1).is_null());
    assert_eq!(kf_metadata_topic_error_code(md, 1), KF_ERR__INVALID_ARG);
    assert_eq!(kf_metadata_partition_count(md, 1), 0);
    assert_eq!(kf_metadata_partition_id(md, 0, 1), -1);
    assert_eq!(kf_metadata_partition_leader(md, 0, 1), -1);
    assert_eq!(
        kf_metadata_partition_error_code(md, 0, 1),
        KF_ERR__INVALID_ARG
    );
    assert_eq!(kf_metadata_partition_replica_count(md, 0, 1), 0);
    assert_eq!(kf_metadata_partition_replica(md, 0, 0, 5), -1);
    assert_eq!(kf_metadata_partition_isr_count(md, 0, 1), 0);
    assert_eq!(kf_metadata_partition_isr(md, 0, 0, 5), -1);
    // In range, for contrast.
    assert_eq!(kf_metadata_partition_id(md, 0, 0), 0);
    kf_metadata_destroy(md);
    ok(kf_producer_destroy(p));
}

#[test]
fn invalid_args_mock_cluster() {
    let mut e = null_mut();
    assert!(kf_mock_cluster_new(0, &mut e).is_null());
    inv(e, &["broker"]);
    assert!(kf_mock_cluster_new(-3, null_mut()).is_null());
    kf_mock_cluster_destroy(null_mut());
    assert!(kf_mock_cluster_bootstrap_servers(null()).is_null());

    let m = kf_mock_cluster_new(1, null_mut());
    assert!(!m.is_null());
    let n = null_mut::<kf_mock_cluster_t>();
    let t = cs("t");
    const TC: &str = "kf_mock_cluster_topic_create";
    inv(
        kf_mock_cluster_topic_create(n, t.as_ptr(), 1, 1),
        &[TC, "cluster"],
    );
    inv(
        kf_mock_cluster_topic_create(m, null(), 1, 1),
        &[TC, "topic"],
    );
    inv(
        kf_mock_cluster_topic_create(m, bad_utf8(), 1, 1),
        &[TC, "topic", "UTF-8"],
    );
    inv(
        kf_mock_cluster_broker_down(n, 1),
        &["kf_mock_cluster_broker_down", "cluster"],
    );
    inv(
        kf_mock_cluster_broker_up(n, 1),
        &["kf_mock_cluster_broker_up", "cluster"],
    );
    inv(
        kf_mock_cluster_broker_set_rtt(n, 1, 5),
        &["kf_mock_cluster_broker_set_rtt", "cluster"],
    );
    const PE: &str = "kf_mock_cluster_push_request_errors";
    inv(
        kf_mock_cluster_push_request_errors(n, KF_APIKEY_PRODUCE, [0].as_ptr(), 1),
        &[PE, "cluster"],
    );
    inv(
        kf_mock_cluster_push_request_errors(m, KF_APIKEY_PRODUCE, null(), 2),
        &[PE, "errors"],
    );
    inv(
        kf_mock_cluster_push_broker_request_error(n, 1, KF_APIKEY_PRODUCE, 0, 0),
        &["kf_mock_cluster_push_broker_request_error", "cluster"],
    );
    inv(
        kf_mock_cluster_clear_request_errors(n, KF_APIKEY_PRODUCE),
        &["kf_mock_cluster_clear_request_errors", "cluster"],
    );
    const PL: &str = "kf_mock_cluster_partition_set_leader";
    inv(
        kf_mock_cluster_partition_set_leader(n, t.as_ptr(), 0, 1),
        &[PL, "cluster"],
    );
    inv(
        kf_mock_cluster_partition_set_leader(m, null(), 0, 1),
        &[PL, "topic"],
    );
    inv(
        kf_mock_cluster_partition_set_leader(m, bad_utf8(), 0, 1),
        &[PL, "topic", "UTF-8"],
    );
    const CO: &str = "kf_mock_cluster_coordinator_set";
    let (g, k) = (cs("group"), cs("k"));
    inv(
        kf_mock_cluster_coordinator_set(n, g.as_ptr(), k.as_ptr(), 1),
        &[CO, "cluster"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, null(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, bad_utf8(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, cs("bogus").as_ptr(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, g.as_ptr(), null(), 1),
        &[CO, "key"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, g.as_ptr(), bad_utf8(), 1),
        &[CO, "key", "UTF-8"],
    );
    // Still usable.
    ok(kf_mock_cluster_topic_create(m, t.as_ptr(), 1, 1));
    kf_mock_cluster_destroy(m);
}

// ---- admin client (tests/admin.rs and tests/admin_acl.rs test the behaviour) ----

unsafe extern "C" fn noop_admin_result(
    _o: *mut c_void,
    _r: *const kafkaffi::ffi::kf_admin_result_t,
) {
}

/// An admin client whose bootstrap server refuses connections: enough for argument checks.
fn unreachable_admin() -> *mut kafkaffi::ffi::kf_admin_t {
    let c = kf_config_new();
    ok(kf_config_set(
        c,
        cs("bootstrap.servers").as_ptr(),
        cs("127.0.0.1:1").as_ptr(),
    ));
    let mut e = null_mut();
    let a = kafkaffi::ffi::kf_admin_new(c, &mut e);
    kf_config_destroy(c);
    ok(e);
    a
}

#[test]
fn invalid_args_admin_client_and_options() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    assert!(kf_admin_new(null(), &mut e).is_null());
    inv(e, &["kf_admin_new", "config"]);
    assert!(kf_admin_new(null(), null_mut()).is_null());
    let bad = kf_config_new();
    ok(kf_config_set(
        bad,
        cs("bootstrap.servers").as_ptr(),
        cs("x:1").as_ptr(),
    ));
    ok(kf_config_set(
        bad,
        cs("sasl.mechanism").as_ptr(),
        cs("GSSAPI").as_ptr(),
    ));
    ok(kf_config_set(
        bad,
        cs("security.protocol").as_ptr(),
        cs("SASL_PLAINTEXT").as_ptr(),
    ));
    let mut e = null_mut();
    let refused = kf_admin_new(bad, &mut e);
    kf_config_destroy(bad);
    if refused.is_null() {
        assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    } else {
        ok(kf_admin_destroy(refused));
    }
    ok(kf_admin_destroy(null_mut()));
    inv(
        kf_admin_poll(null_mut(), 0, null_mut()),
        &["kf_admin_poll", "admin"],
    );
    inv(kf_admin_wake(null_mut()), &["kf_admin_wake", "admin"]);
    let mut fd = -1;
    inv(
        kf_admin_event_fd(null_mut(), &mut fd),
        &["kf_admin_event_fd", "admin"],
    );
    let a = unreachable_admin();
    inv(
        kf_admin_event_fd(a, null_mut()),
        &["kf_admin_event_fd", "fd_out"],
    );
    assert_eq!(fd, -1);
    let mut md = null_mut();
    inv(
        kf_admin_list_topics(null_mut(), null(), 0, &mut md),
        &["kf_admin_list_topics", "admin"],
    );
    inv(
        kf_admin_list_topics(a, null(), 0, null_mut()),
        &["kf_admin_list_topics", "metadata_out"],
    );
    inv(
        kf_admin_list_topics(a, bad_utf8(), 0, &mut md),
        &["kf_admin_list_topics", "topic", "UTF-8"],
    );
    assert!(md.is_null());
    const S: &str = "kf_admin_set_sasl_credentials";
    inv(
        kf_admin_set_sasl_credentials(null_mut(), cs("u").as_ptr(), cs("p").as_ptr()),
        &[S, "admin"],
    );
    inv(
        kf_admin_set_sasl_credentials(a, null(), cs("p").as_ptr()),
        &[S, "username"],
    );
    inv(
        kf_admin_set_sasl_credentials(a, cs("u").as_ptr(), null()),
        &[S, "password"],
    );

    // options
    let o = kf_admin_options_new();
    assert!(!o.is_null());
    for (f, e) in [
        (
            "kf_admin_options_set_request_timeout",
            kf_admin_options_set_request_timeout(null_mut(), 1),
        ),
        (
            "kf_admin_options_set_operation_timeout",
            kf_admin_options_set_operation_timeout(null_mut(), 1),
        ),
        (
            "kf_admin_options_set_validate_only",
            kf_admin_options_set_validate_only(null_mut(), true),
        ),
        (
            "kf_admin_options_set_include_authorized_operations",
            kf_admin_options_set_include_authorized_operations(null_mut(), true),
        ),
        (
            "kf_admin_options_set_require_stable_offsets",
            kf_admin_options_set_require_stable_offsets(null_mut(), true),
        ),
        (
            "kf_admin_options_set_isolation_level",
            kf_admin_options_set_isolation_level(null_mut(), 0),
        ),
        (
            "kf_admin_options_set_match_consumer_group_states",
            kf_admin_options_set_match_consumer_group_states(null_mut(), null(), 0),
        ),
        (
            "kf_admin_options_set_match_consumer_group_types",
            kf_admin_options_set_match_consumer_group_types(null_mut(), null(), 0),
        ),
    ] {
        inv(e, &[f, "options"]);
    }
    inv(
        kf_admin_options_set_request_timeout(o, -5),
        &["timeout_ms", "negative"],
    );
    inv(
        kf_admin_options_set_operation_timeout(o, -5),
        &["timeout_ms", "negative"],
    );
    inv(
        kf_admin_options_set_isolation_level(o, 2),
        &["isolation_level", "out of range"],
    );
    inv(
        kf_admin_options_set_isolation_level(o, -1),
        &["isolation_level"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_states(o, null(), 2),
        &["states", "NULL"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_states(o, [3, 6].as_ptr(), 2),
        &["states", "6"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_types(o, null(), 1),
        &["types", "NULL"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_types(o, [-1].as_ptr(), 1),
        &["types"],
    );
    // Options an operation does not take: refused by the operation, naming the option.
    ok(kf_admin_options_set_require_stable_offsets(o, true));
    let mut r = null_mut();
    inv(
        kf_admin_describe_cluster(a, o, &mut r),
        &["kf_admin_describe_cluster", "require_stable_offsets"],
    );
    assert!(r.is_null());
    kf_admin_options_destroy(o);
    kf_admin_options_destroy(null_mut());
    ok(kf_admin_destroy(a));
}

#[test]
fn invalid_args_admin_operations() {
    use kafkaffi::ffi::*;
    let a = unreachable_admin();
    let cb: kf_admin_result_cb = Some(noop_admin_result);
    let mut r = null_mut();
    let name = cs("t");
    let names = [name.as_ptr()];
    let bad_names = [bad_utf8()];
    let null_names: [*const c_char; 1] = [null()];
    let l = kf_topic_partition_list_new(1);
    ok(kf_topic_partition_list_add(l, name.as_ptr(), 0, null_mut()));

    let g = [kf_consumer_group_topic_partitions_t {
        group_id: name.as_ptr(),
        partitions: l,
    }];
    // Common checks: NULL admin, NULL result_out, NULL callback; result_out untouched.
    inv(
        kf_admin_create_topics(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_topics", "admin"],
    );
    inv(
        kf_admin_create_topics(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_topics", "result_out"],
    );
    inv(
        kf_admin_create_topics_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_topics_async", "callback"],
    );
    inv(
        kf_admin_create_topics_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_topics_async", "admin"],
    );
    inv(
        kf_admin_delete_topics(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_topics", "admin"],
    );
    inv(
        kf_admin_delete_topics(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_topics", "result_out"],
    );
    inv(
        kf_admin_delete_topics_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_topics_async", "callback"],
    );
    inv(
        kf_admin_delete_topics_async(null_mut(), names.as_ptr(), 1, null(), cb, null_mut()),
        &["kf_admin_delete_topics_async", "admin"],
    );
    inv(
        kf_admin_create_partitions(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_partitions", "admin"],
    );
    inv(
        kf_admin_create_partitions(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_partitions", "result_out"],
    );
    inv(
        kf_admin_create_partitions_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_partitions_async", "callback"],
    );
    inv(
        kf_admin_create_partitions_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_partitions_async", "admin"],
    );
    inv(
        kf_admin_describe_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_describe_configs", "admin"],
    );
    inv(
        kf_admin_describe_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_describe_configs", "result_out"],
    );
    inv(
        kf_admin_describe_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_describe_configs_async", "callback"],
    );
    inv(
        kf_admin_describe_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_describe_configs_async", "admin"],
    );
    inv(
        kf_admin_alter_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_alter_configs", "admin"],
    );
    inv(
        kf_admin_alter_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_alter_configs", "result_out"],
    );
    inv(
        kf_admin_alter_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_alter_configs_async", "callback"],
    );
    inv(
        kf_admin_alter_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_alter_configs_async", "admin"],
    );
    inv(
        kf_admin_incremental_alter_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_incremental_alter_configs", "admin"],
    );
    inv(
        kf_admin_incremental_alter_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_incremental_alter_configs", "result_out"],
    );
    inv(
        kf_admin_incremental_alter_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_incremental_alter_configs_async", "callback"],
    );
    inv(
        kf_admin_incremental_alter_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_incremental_alter_configs_async", "admin"],
    );
    inv(
        kf_admin_describe_topics(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_describe_topics", "admin"],
    );
    inv(
        kf_admin_describe_topics(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_describe_topics", "result_out"],
    );
    inv(
        kf_admin_describe_topics_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_describe_topics_async", "callback"],
    );
    inv(
        kf_admin_describe_topics_async(null_mut(), names.as_ptr(), 1, null(), cb, null_mut()),
        &["kf_admin_describe_topics_async", "admin"],
    );
    inv(
        kf_admin_describe_cluster(null_mut(), null(), &mut r),
        &["kf_admin_describe_cluster", "admin"],
    );
    inv(
        kf_admin_describe_cluster(a, null(), null_mut()),
        &["kf_admin_describe_cluster", "result_out"],
    );
    inv(
        kf_admin_describe_cluster_async(a, null(), None, null_mut()),
        &["kf_admin_describe_cluster_async", "callback"],
    );
    inv(
        kf_admin_describe_cluster_async(null_mut(), null(), cb, null_mut()),
        &["kf_admin_describe_cluster_async", "admin"],
    );
    inv(
        kf_admin_list_consumer_groups(null_mut(), null(), &mut r),
        &["kf_admin_list_consumer_groups", "admin"],
    );
    inv(
        kf_admin_list_consumer_groups(a, null(), null_mut()),
        &["kf_admin_list_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_list_consumer_groups_async(a, null(), None, null_mut()),
        &["kf_admin_list_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_list_consumer_groups_async(null_mut(), null(), cb, null_mut()),
        &["kf_admin_list_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_describe_consumer_groups(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_describe_consumer_groups", "admin"],
    );
    inv(
        kf_admin_describe_consumer_groups(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_describe_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_describe_consumer_groups_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_describe_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_describe_consumer_groups_async(
            null_mut(),
            names.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_describe_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_delete_consumer_groups(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_consumer_groups", "admin"],
    );
    inv(
        kf_admin_delete_consumer_groups(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_delete_consumer_groups_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_delete_consumer_groups_async(
            null_mut(),
            names.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_delete_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_list_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_list_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_list_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_list_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_list_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_list_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_alter_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_alter_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_alter_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_alter_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_delete_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_create_acls(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_acls", "admin"],
    );
    inv(
        kf_admin_create_acls(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_acls", "result_out"],
    );
    inv(
        kf_admin_create_acls_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_acls_async", "callback"],
    );
    inv(
        kf_admin_create_acls_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_acls_async", "admin"],
    );
    inv(
        kf_admin_describe_acls(null_mut(), null(), null(), &mut r),
        &["kf_admin_describe_acls", "admin"],
    );
    inv(
        kf_admin_describe_acls(a, null(), null(), null_mut()),
        &["kf_admin_describe_acls", "result_out"],
    );
    inv(
        kf_admin_describe_acls_async(a, null(), null(), None, null_mut()),
        &["kf_admin_describe_acls_async", "callback"],
    );
    inv(
        kf_admin_describe_acls_async(null_mut(), null(), null(), cb, null_mut()),
        &["kf_admin_describe_acls_async", "admin"],
    );
    inv(
        kf_admin_delete_acls(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_delete_acls", "admin"],
    );
    inv(
        kf_admin_delete_acls(a, null(), 0, null(), null_mut()),
        &["kf_admin_delete_acls", "result_out"],
    );
    inv(
        kf_admin_delete_acls_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_delete_acls_async", "callback"],
    );
    inv(
        kf_admin_delete_acls_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_delete_acls_async", "admin"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_describe_user_scram_credentials", "admin"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(a, null(), 0, null(), null_mut()),
        &["kf_admin_describe_user_scram_credentials", "result_out"],
    );
    inv(
        kf_admin_describe_user_scram_credentials_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_describe_user_scram_credentials_async", "callback"],
    );
    inv(
        kf_admin_describe_user_scram_credentials_async(
            null_mut(),
            null(),
            0,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_describe_user_scram_credentials_async", "admin"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_alter_user_scram_credentials", "admin"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(a, null(), 0, null(), null_mut()),
        &["kf_admin_alter_user_scram_credentials", "result_out"],
    );
    inv(
        kf_admin_alter_user_scram_credentials_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_alter_user_scram_credentials_async", "callback"],
    );
    inv(
        kf_admin_alter_user_scram_credentials_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_alter_user_scram_credentials_async", "admin"],
    );
    inv(
        kf_admin_list_offsets(null_mut(), l, null(), &mut r),
        &["kf_admin_list_offsets", "admin"],
    );
    inv(
        kf_admin_list_offsets(a, l, null(), null_mut()),
        &["kf_admin_list_offsets", "result_out"],
    );
    inv(
        kf_admin_list_offsets_async(a, l, null(), None, null_mut()),
        &["kf_admin_list_offsets_async", "callback"],
    );
    inv(
        kf_admin_list_offsets_async(null_mut(), l, null(), cb, null_mut()),
        &["kf_admin_list_offsets_async", "admin"],
    );
    inv(
        kf_admin_delete_records(null_mut(), l, null(), &mut r),
        &["kf_admin_delete_records", "admin"],
    );
    inv(
        kf_admin_delete_records(a, l, null(), null_mut()),
        &["kf_admin_delete_records", "result_out"],
    );
    inv(
        kf_admin_delete_records_async(a, l, null(), None, null_mut()),
        &["kf_admin_delete_records_async", "callback"],
    );
    inv(
        kf_admin_delete_records_async(null_mut(), l, null(), cb, null_mut()),
        &["kf_admin_delete_records_async", "admin"],
    );
    inv(
        kf_admin_elect_leaders(null_mut(), 0, l, null(), &mut r),
        &["kf_admin_elect_leaders", "admin"],
    );
    inv(
        kf_admin_elect_leaders(a, 0, l, null(), null_mut()),
        &["kf_admin_elect_leaders", "result_out"],
    );
    inv(
        kf_admin_elect_leaders_async(a, 0, l, null(), None, null_mut()),
        &["kf_admin_elect_leaders_async", "callback"],
    );
    inv(
        kf_admin_elect_leaders_async(null_mut(), 0, l, null(), cb, null_mut()),
        &["kf_admin_elect_leaders_async", "admin"],
    );
    assert!(r.is_null(), "result_out written on failure");
    // Inputs: NULL arrays with a count, NULL elements, bad strings, bad enum values.
    inv(
        kf_admin_create_topics(a, null(), 1, null(), &mut r),
        &["kf_admin_create_topics", "topics"],
    );
    inv(
        kf_admin_create_topics(a, [null()].as_ptr(), 1, null(), &mut r),
        &["topics[0]"],
    );
    inv(
        kf_admin_delete_topics(a, null(), 2, null(), &mut r),
        &["kf_admin_delete_topics", "topics"],
    );
    inv(
        kf_admin_delete_topics(a, null_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "NULL"],
    );
    inv(
        kf_admin_delete_topics(a, bad_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "UTF-8"],
    );
    inv(
        kf_admin_create_partitions(a, [null()].as_ptr(), 1, null(), &mut r),
        &["new_partitions[0]"],
    );
    inv(
        kf_admin_describe_configs(a, null(), 1, null(), &mut r),
        &["resources"],
    );
    inv(
        kf_admin_alter_configs(a, [null()].as_ptr(), 1, null(), &mut r),
        &["resources[0]"],
    );
    inv(
        kf_admin_incremental_alter_configs(a, null(), 3, null(), &mut r),
        &["resources"],
    );
    inv(
        kf_admin_describe_topics(a, bad_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "UTF-8"],
    );
    inv(
        kf_admin_describe_consumer_groups(a, null(), 1, null(), &mut r),
        &["groups"],
    );
    inv(
        kf_admin_delete_consumer_groups(a, null_names.as_ptr(), 1, null(), &mut r),
        &["groups[0]"],
    );
    const LO: &str = "kf_admin_list_consumer_group_offsets";
    inv(
        kf_admin_list_consumer_group_offsets(a, null(), 0, null(), &mut r),
        &[LO, "no group"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(a, null(), 1, null(), &mut r),
        &[LO, "groups"],
    );
    let g_bad = [kf_consumer_group_topic_partitions_t {
        group_id: bad_utf8(),
        partitions: null(),
    }];
    inv(
        kf_admin_list_consumer_group_offsets(a, g_bad.as_ptr(), 1, null(), &mut r),
        &["groups[0].group_id", "UTF-8"],
    );
    let g_null = [kf_consumer_group_topic_partitions_t {
        group_id: name.as_ptr(),
        partitions: null(),
    }];
    inv(
        kf_admin_alter_consumer_group_offsets(a, g_null.as_ptr(), 1, null(), &mut r),
        &["groups[0].partitions", "NULL"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(a, g_null.as_ptr(), 1, null(), &mut r),
        &["groups[0].partitions"],
    );
    inv(
        kf_admin_create_acls(a, [null()].as_ptr(), 1, null(), &mut r),
        &["acls[0]"],
    );
    inv(
        kf_admin_delete_acls(a, null(), 1, null(), &mut r),
        &["filters"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(a, null(), 1, null(), &mut r),
        &["users"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(a, [null()].as_ptr(), 1, null(), &mut r),
        &["alterations[0]"],
    );
    inv(
        kf_admin_list_offsets(a, null(), null(), &mut r),
        &["kf_admin_list_offsets", "partitions"],
    );
    inv(
        kf_admin_delete_records(a, null(), null(), &mut r),
        &["kf_admin_delete_records", "before_offsets"],
    );
    inv(
        kf_admin_elect_leaders(a, 2, null(), null(), &mut r),
        &["election_type", "out of range"],
    );
    inv(
        kf_admin_elect_leaders_async(a, -1, null(), null(), cb, null_mut()),
        &["election_type"],
    );
    assert!(r.is_null());
    kf_topic_partition_list_destroy(l);
    ok(kf_admin_destroy(a));
}

#[test]
fn invalid_args_admin_inputs() {
    use kafkaffi::ffi::inputs::*;
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    // NewTopic
    const NT: &str = "kf_new_topic_new";
    assert!(kf_new_topic_new(null(), 1, 1, &mut e).is_null());
    inv(e, &[NT, "topic"]);
    assert!(kf_new_topic_new(bad_utf8(), 1, 1, &mut e).is_null());
    inv(e, &[NT, "topic", "UTF-8"]);
    assert!(kf_new_topic_new(cs("t").as_ptr(), -2, 1, &mut e).is_null());
    inv(e, &[NT]);
    assert!(kf_new_topic_new(cs("t").as_ptr(), 1, -7, null_mut()).is_null());
    e = null_mut();
    let t = kf_new_topic_new(cs("t").as_ptr(), 2, -1, &mut e);
    ok(e);
    const RA: &str = "kf_new_topic_set_replica_assignment";
    inv(
        kf_new_topic_set_replica_assignment(null_mut(), 0, [1].as_ptr(), 1),
        &[RA, "new_topic"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 0, null(), 1),
        &[RA, "broker_ids", "NULL"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 0, [1].as_ptr(), 0),
        &[RA, "broker_ids", "empty"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 3, [1].as_ptr(), 1),
        &[RA],
    );
    const SC: &str = "kf_new_topic_set_config";
    inv(
        kf_new_topic_set_config(null_mut(), cs("a").as_ptr(), cs("b").as_ptr()),
        &[SC, "new_topic"],
    );
    inv(
        kf_new_topic_set_config(t, null(), cs("b").as_ptr()),
        &[SC, "name"],
    );
    inv(
        kf_new_topic_set_config(t, cs("a").as_ptr(), bad_utf8()),
        &[SC, "value", "UTF-8"],
    );
    kf_new_topic_destroy(t);
    kf_new_topic_destroy(null_mut());
    // NewPartitions
    const NP: &str = "kf_new_partitions_new";
    assert!(kf_new_partitions_new(null(), 2, &mut e).is_null());
    inv(e, &[NP, "topic"]);
    assert!(kf_new_partitions_new(cs("t").as_ptr(), usize::MAX, &mut e).is_null());
    inv(e, &[NP]);
    e = null_mut();
    let p = kf_new_partitions_new(cs("t").as_ptr(), 4, &mut e);
    ok(e);
    const PRA: &str = "kf_new_partitions_set_replica_assignment";
    inv(
        kf_new_partitions_set_replica_assignment(null_mut(), 0, [1].as_ptr(), 1),
        &[PRA, "new_partitions"],
    );
    inv(
        kf_new_partitions_set_replica_assignment(p, 0, null(), 3),
        &[PRA, "broker_ids"],
    );
    kf_new_partitions_destroy(p);
    kf_new_partitions_destroy(null_mut());
    // ConfigResource
    const CR: &str = "kf_config_resource_new";
    assert!(kf_config_resource_new(KF_RESOURCE_TOPIC, null(), &mut e).is_null());
    inv(e, &[CR, "name"]);
    assert!(kf_config_resource_new(99, cs("t").as_ptr(), &mut e).is_null());
    inv(e, &[CR, "restype", "99"]);
    assert!(kf_config_resource_new(-1, cs("t").as_ptr(), null_mut()).is_null());
    e = null_mut();
    let r = kf_config_resource_new(KF_RESOURCE_TOPIC, cs("t").as_ptr(), &mut e);
    ok(e);
    const CS: &str = "kf_config_resource_set_config";
    inv(
        kf_config_resource_set_config(null_mut(), cs("a").as_ptr(), null()),
        &[CS, "resource"],
    );
    inv(
        kf_config_resource_set_config(r, null(), cs("b").as_ptr()),
        &[CS, "name"],
    );
    inv(
        kf_config_resource_set_config(r, cs("a").as_ptr(), bad_utf8()),
        &[CS, "value", "UTF-8"],
    );
    inv(
        kf_config_resource_set_config(r, cs("a").as_ptr(), null()),
        &[CS, "value", "NULL"],
    );
    const AI: &str = "kf_config_resource_add_incremental_config";
    inv(
        kf_config_resource_add_incremental_config(
            null_mut(),
            cs("a").as_ptr(),
            0,
            cs("1").as_ptr(),
        ),
        &[AI, "resource"],
    );
    inv(
        kf_config_resource_add_incremental_config(r, null(), 0, cs("1").as_ptr()),
        &[AI, "name"],
    );
    inv(
        kf_config_resource_add_incremental_config(r, cs("a").as_ptr(), 4, cs("1").as_ptr()),
        &[AI, "op_type"],
    );
    inv(
        kf_config_resource_add_incremental_config(
            r,
            cs("a").as_ptr(),
            KF_ALTER_CONFIG_OP_TYPE_SET,
            null(),
        ),
        &[AI],
    );
    kf_config_resource_destroy(r);
    kf_config_resource_destroy(null_mut());
    // ACL bindings and filters
    let s = |x: &str| cs(x);
    let (n, pr, h) = (s("t"), s("User:a"), s("*"));
    const AB: &str = "kf_acl_binding_new";
    for (restype, name, pattern, principal, host, op, perm, needle) in [
        (99, n.as_ptr(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "restype"),
        (
            2,
            n.as_ptr(),
            9,
            pr.as_ptr(),
            h.as_ptr(),
            3,
            3,
            "resource_pattern_type",
        ),
        (
            2,
            n.as_ptr(),
            3,
            pr.as_ptr(),
            h.as_ptr(),
            13,
            3,
            "operation",
        ),
        (
            2,
            n.as_ptr(),
            3,
            pr.as_ptr(),
            h.as_ptr(),
            3,
            4,
            "permission_type",
        ),
        (2, null(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "name"),
        (2, n.as_ptr(), 3, null(), h.as_ptr(), 3, 3, "principal"),
        (2, n.as_ptr(), 3, pr.as_ptr(), null(), 3, 3, "host"),
        (2, bad_utf8(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "UTF-8"),
        (1, n.as_ptr(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, AB),
        (2, n.as_ptr(), 1, pr.as_ptr(), h.as_ptr(), 3, 3, AB),
    ] {
        assert!(
            kf_acl_binding_new(restype, name, pattern, principal, host, op, perm, &mut e).is_null()
        );
        inv(e, &[AB, needle]);
    }
    const AF: &str = "kf_acl_binding_filter_new";
    assert!(kf_acl_binding_filter_new(2, null(), 1, null(), null(), 0, 1, &mut e).is_null());
    inv(e, &[AF]);
    assert!(kf_acl_binding_filter_new(-1, null(), 1, null(), null(), 1, 1, null_mut()).is_null());
    kf_acl_binding_destroy(null_mut());
    assert_eq!(kf_acl_binding_restype(null()), -1);
    assert!(kf_acl_binding_name(null()).is_null());
    assert_eq!(kf_acl_binding_resource_pattern_type(null()), -1);
    assert!(kf_acl_binding_principal(null()).is_null());
    assert!(kf_acl_binding_host(null()).is_null());
    assert_eq!(kf_acl_binding_operation(null()), -1);
    assert_eq!(kf_acl_binding_permission_type(null()), -1);
    // SCRAM alterations
    const UP: &str = "kf_user_scram_credential_upsertion_new";
    let pw = b"pw";
    assert!(kf_user_scram_credential_upsertion_new(
        null(),
        1,
        4096,
        pw.as_ptr(),
        2,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "user"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        3,
        4096,
        pw.as_ptr(),
        2,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "mechanism"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        1,
        4096,
        null(),
        0,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "password", "NULL"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        1,
        4096,
        pw.as_ptr(),
        2,
        null(),
        5,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "salt"]);
    const DEL: &str = "kf_user_scram_credential_deletion_new";
    assert!(kf_user_scram_credential_deletion_new(bad_utf8(), 1, &mut e).is_null());
    inv(e, &[DEL, "user", "UTF-8"]);
    assert!(kf_user_scram_credential_deletion_new(cs("u").as_ptr(), 0, null_mut()).is_null());
    kf_user_scram_credential_alteration_destroy(null_mut());
}

#[test]
fn invalid_args_admin_result_accessors_on_null_and_out_of_range() {
    use kafkaffi::ffi::result::*;
    use kafkaffi::ffi::*;
    // A real result to index out of range: the request times out against a closed port.
    let a = unreachable_admin();
    let o = kf_admin_options_new();
    ok(kf_admin_options_set_request_timeout(o, 200));
    let t = cs("t");
    let mut real = null_mut();
    ok(kf_admin_describe_topics(
        a,
        [t.as_ptr()].as_ptr(),
        1,
        o,
        &mut real,
    ));
    kf_admin_options_destroy(o);
    assert_eq!(kf_admin_result_item_count(real), 1);
    assert_eq!(kf_admin_result_item_error_code(real, 0), KF_ERR__TIMED_OUT);
    for r in [null_mut(), real] {
        let i = if r.is_null() { 0 } else { 5 };
        if r.is_null() {
            assert_eq!(kf_admin_result_operation(r), 0);
            assert!(kf_admin_result_error(r).is_null());
            assert_eq!(kf_admin_result_item_count(r), 0);
        }
        assert!(kf_admin_result_item_name(r, i).is_null());
        assert!(kf_admin_result_item_error(r, i).is_null());
        assert_eq!(kf_admin_result_item_error_code(r, i), KF_ERR__INVALID_ARG);
        assert_eq!(kf_admin_result_item_partition(r, i), -1);
        assert_eq!(kf_admin_result_item_offset(r, i), -1);
        assert_eq!(kf_admin_result_item_timestamp(r, i), -1);
        assert_eq!(kf_admin_result_item_leader_epoch(r, i), -1);
        assert_eq!(kf_admin_result_item_resource_type(r, i), -1);
        assert_eq!(kf_admin_result_item_config_count(r, i), 0);
        assert!(kf_admin_result_item_config(r, i, 0).is_null());
        assert!(kf_admin_result_item_config_find(r, i, cs("x").as_ptr()).is_null());
        assert!(kf_admin_result_item_topic_description(r, i).is_null());
        assert!(kf_admin_result_cluster_description(r).is_null());
        assert!(kf_admin_result_item_consumer_group_listing(r, i).is_null());
        assert!(kf_admin_result_item_consumer_group_description(r, i).is_null());
        assert!(kf_admin_result_item_partitions(r, i).is_null());
        assert_eq!(kf_admin_result_item_acl_count(r, i), 0);
        assert!(kf_admin_result_item_acl(r, i, 0).is_null());
        assert_eq!(kf_admin_result_item_scram_credential_count(r, i), 0);
        assert_eq!(kf_admin_result_item_scram_mechanism(r, i, 0), -1);
        assert_eq!(kf_admin_result_item_scram_iterations(r, i, 0), -1);
    }
    // Item 0 of the timed-out describe_topics: an error, so no description.
    assert!(kf_admin_result_item_topic_description(real, 0).is_null());
    assert!(kf_admin_result_item_config_find(real, 0, null()).is_null());
    assert!(kf_admin_result_item_config_find(real, 0, bad_utf8()).is_null());
    kf_admin_result_destroy(real);
    kf_admin_result_destroy(null_mut());
    ok(kf_admin_destroy(a));
    // Borrowed descriptions, on NULL.
    assert!(kf_config_entry_name(null()).is_null());
    assert!(kf_config_entry_value(null()).is_null());
    assert_eq!(kf_config_entry_source(null()), -1);
    assert!(!kf_config_entry_is_read_only(null()));
    assert!(!kf_config_entry_is_default(null()));
    assert!(!kf_config_entry_is_sensitive(null()));
    assert!(!kf_config_entry_is_synonym(null()));
    assert_eq!(kf_config_entry_synonym_count(null()), 0);
    assert!(kf_config_entry_synonym(null(), 0).is_null());
    assert!(kf_topic_description_name(null()).is_null());
    assert!(kf_topic_description_topic_id(null()).is_null());
    assert!(!kf_topic_description_is_internal(null()));
    assert_eq!(kf_topic_description_partition_count(null()), 0);
    assert_eq!(kf_topic_description_partition_id(null(), 0), -1);
    assert!(kf_topic_description_partition_leader(null(), 0).is_null());
    assert_eq!(kf_topic_description_partition_replica_count(null(), 0), 0);
    assert!(kf_topic_description_partition_replica(null(), 0, 0).is_null());
    assert_eq!(kf_topic_description_partition_isr_count(null(), 0), 0);
    assert!(kf_topic_description_partition_isr(null(), 0, 0).is_null());
    let mut n = 9;
    assert!(kf_topic_description_authorized_operations(null(), &mut n).is_null());
    assert_eq!(n, 0);
    assert!(kf_topic_description_authorized_operations(null(), null_mut()).is_null());
    assert_eq!(kf_node_id(null()), -1);
    assert!(kf_node_host(null()).is_null());
    assert_eq!(kf_node_port(null()), -1);
    assert!(kf_node_rack(null()).is_null());
    assert!(kf_cluster_description_cluster_id(null()).is_null());
    assert!(kf_cluster_description_controller(null()).is_null());
    assert_eq!(kf_cluster_description_node_count(null()), 0);
    assert!(kf_cluster_description_node(null(), 0).is_null());
    assert!(kf_cluster_description_authorized_operations(null(), null_mut()).is_null());
    assert!(kf_consumer_group_listing_group_id(null()).is_null());
    assert!(!kf_consumer_group_listing_is_simple_consumer_group(null()));
    assert_eq!(kf_consumer_group_listing_state(null()), -1);
    assert_eq!(kf_consumer_group_listing_type(null()), -1);
    assert!(kf_consumer_group_description_group_id(null()).is_null());
    assert!(!kf_consumer_group_description_is_simple_consumer_group(
        null()
    ));
    assert!(kf_consumer_group_description_partition_assignor(null()).is_null());
    assert_eq!(kf_consumer_group_description_state(null()), -1);
    assert_eq!(kf_consumer_group_description_type(null()), -1);
    assert!(kf_consumer_group_description_coordinator(null()).is_null());
    assert_eq!(kf_consumer_group_description_member_count(null()), 0);
    assert!(kf_consumer_group_description_member(null(), 0).is_null());
    assert!(kf_consumer_group_description_authorized_operations(null(), &mut n).is_null());
    assert!(kf_member_description_client_id(null()).is_null());
    assert!(kf_member_description_group_instance_id(null()).is_null());
    assert!(kf_member_description_consumer_id(null()).is_null());
    assert!(kf_member_description_host(null()).is_null());
    assert!(kf_member_description_assignment(null()).is_null());
    assert!(kf_member_description_target_assignment(null()).is_null());
}

/// The Avro serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_avro() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    let c = kf_schema_registry_client_new(
        cs(&format!(r#"{{"url": "mock://{}"}}"#, unique("sr"))).as_ptr(),
        &mut e,
    );
    ok(e);
    let schema = cs(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#);
    const SER: &str = "kf_avro_serializer_new";
    assert!(kf_avro_serializer_new(null(), schema.as_ptr(), null(), &mut e).is_null());
    inv(e, &[SER, "client"]);
    assert!(kf_avro_serializer_new(c, null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_avro_serializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_avro_serializer_new(c, schema.as_ptr(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    assert!(
        kf_avro_serializer_new(c, schema.as_ptr(), cs("{\"x\": 1}").as_ptr(), &mut e).is_null()
    );
    inv(e, &["\"x\""]);
    assert!(kf_avro_serializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let s = kf_avro_serializer_new(c, schema.as_ptr(), null(), &mut e);
    ok(e);
    assert!(!s.is_null());
    kf_serializer_destroy(s);

    const DE: &str = "kf_avro_deserializer_new";
    assert!(kf_avro_deserializer_new(null(), null(), null(), &mut e).is_null());
    inv(e, &[DE, "client"]);
    assert!(kf_avro_deserializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[DE, "reader_schema_str", "UTF-8"]);
    assert!(kf_avro_deserializer_new(c, cs("{").as_ptr(), null(), &mut e).is_null());
    inv(e, &["invalid Avro schema"]);
    assert!(kf_avro_deserializer_new(c, null(), bad_utf8(), &mut e).is_null());
    inv(e, &[DE, "config_json", "UTF-8"]);
    assert!(kf_avro_deserializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let d = kf_avro_deserializer_new(c, null(), cs("{}").as_ptr(), &mut e);
    ok(e);
    assert!(!d.is_null());
    kf_deserializer_destroy(d);
    kf_schema_registry_client_destroy(c);
}

/// The Protobuf serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_protobuf() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    let c = kf_schema_registry_client_new(
        cs(&format!(r#"{{"url": "mock://{}"}}"#, unique("sr"))).as_ptr(),
        &mut e,
    );
    ok(e);
    let schema = cs("syntax = \"proto3\"; message M { int32 a = 1; }");
    const SER: &str = "kf_protobuf_serializer_new";
    assert!(kf_protobuf_serializer_new(null(), schema.as_ptr(), null(), null(), &mut e).is_null());
    inv(e, &[SER, "client"]);
    assert!(kf_protobuf_serializer_new(c, null(), null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_protobuf_serializer_new(c, bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "message_name", "UTF-8"]);
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    let x = cs("{\"x\": 1}");
    assert!(kf_protobuf_serializer_new(c, schema.as_ptr(), null(), x.as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_protobuf_serializer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let s = kf_protobuf_serializer_new(c, schema.as_ptr(), cs("M").as_ptr(), null(), &mut e);
    ok(e);
    assert!(!s.is_null());
    kf_serializer_destroy(s);

    const DE: &str = "kf_protobuf_deserializer_new";
    assert!(kf_protobuf_deserializer_new(null(), null(), &mut e).is_null());
    inv(e, &[DE, "client"]);
    assert!(kf_protobuf_deserializer_new(c, bad_utf8(), &mut e).is_null());
    inv(e, &[DE, "config_json", "UTF-8"]);
    assert!(kf_protobuf_deserializer_new(c, x.as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_protobuf_deserializer_new(null(), null(), null_mut()).is_null());
    e = null_mut();
    let d = kf_protobuf_deserializer_new(c, cs("{}").as_ptr(), &mut e);
    ok(e);
    assert!(!d.is_null());
    kf_deserializer_destroy(d);
    kf_schema_registry_client_destroy(c);
}

/// The JSON Schema serializer and deserializer constructors with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_json_schema() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    let c = kf_schema_registry_client_new(
        cs(&format!(r#"{{"url": "mock://{}"}}"#, unique("sr"))).as_ptr(),
        &mut e,
    );
    ok(e);
    let schema = cs(r#"{"type":"object"}"#);
    const SER: &str = "kf_json_schema_serializer_new";
    assert!(kf_json_schema_serializer_new(null(), schema.as_ptr(), null(), &mut e).is_null());
    inv(e, &[SER, "client"]);
    assert!(kf_json_schema_serializer_new(c, null(), null(), &mut e).is_null());
    inv(e, &["schema_str", "use.latest.version"]);
    assert!(kf_json_schema_serializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[SER, "schema_str", "UTF-8"]);
    assert!(kf_json_schema_serializer_new(c, schema.as_ptr(), bad_utf8(), &mut e).is_null());
    inv(e, &[SER, "config_json", "UTF-8"]);
    assert!(kf_json_schema_serializer_new(c, cs("{").as_ptr(), null(), &mut e).is_null());
    inv(e, &["invalid JSON schema"]);
    assert!(kf_json_schema_serializer_new(null(), null(), null(), null_mut()).is_null());
    const DE: &str = "kf_json_schema_deserializer_new";
    assert!(kf_json_schema_deserializer_new(null(), null(), null(), &mut e).is_null());
    inv(e, &[DE, "client"]);
    assert!(kf_json_schema_deserializer_new(c, bad_utf8(), null(), &mut e).is_null());
    inv(e, &[DE, "schema_str", "UTF-8"]);
    assert!(
        kf_json_schema_deserializer_new(c, null(), cs("{\"x\": 1}").as_ptr(), &mut e).is_null()
    );
    inv(e, &["\"x\""]);
    assert!(kf_json_schema_deserializer_new(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let js = kf_schema_new(schema.as_ptr(), KF_SCHEMA_TYPE_JSON, &mut e);
    ok(e);
    const SS: &str = "kf_json_schema_serializer_new_with_schema";
    assert!(kf_json_schema_serializer_new_with_schema(null(), js, null(), &mut e).is_null());
    inv(e, &[SS, "client"]);
    assert!(kf_json_schema_serializer_new_with_schema(c, null(), null(), &mut e).is_null());
    inv(e, &["use.latest.version"]);
    assert!(kf_json_schema_serializer_new_with_schema(c, js, bad_utf8(), &mut e).is_null());
    inv(e, &[SS, "config_json", "UTF-8"]);
    const DS: &str = "kf_json_schema_deserializer_new_with_schema";
    assert!(kf_json_schema_deserializer_new_with_schema(null(), js, null(), &mut e).is_null());
    inv(e, &[DS, "client"]);
    assert!(kf_json_schema_deserializer_new_with_schema(c, js, bad_utf8(), &mut e).is_null());
    inv(e, &[DS, "config_json", "UTF-8"]);
    assert!(
        kf_json_schema_deserializer_new_with_schema(null(), null(), null(), null_mut()).is_null()
    );
    e = null_mut();
    let s = kf_json_schema_serializer_new_with_schema(c, js, null(), &mut e);
    ok(e);
    let d = kf_json_schema_deserializer_new(c, null(), cs("{}").as_ptr(), &mut e);
    ok(e);
    assert!(!s.is_null() && !d.is_null());
    kf_serializer_destroy(s);
    kf_deserializer_destroy(d);
    kf_schema_destroy(js);
    kf_schema_registry_client_destroy(c);
}

/// The Avro constructors taking a kf_schema_t, the to_dict / from_dict hooks and the legacy
/// AvroProducer / AvroConsumer with NULL and non-UTF-8 arguments.
#[test]
fn invalid_args_avro_schema_hooks_and_legacy() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    let url = format!("mock://{}", unique("sr"));
    let c = kf_schema_registry_client_new(cs(&format!(r#"{{"url": "{url}"}}"#)).as_ptr(), &mut e);
    ok(e);
    let schema = kf_schema_new(cs(r#""int""#).as_ptr(), KF_SCHEMA_TYPE_AVRO, &mut e);
    ok(e);
    const SS: &str = "kf_avro_serializer_new_with_schema";
    assert!(kf_avro_serializer_new_with_schema(null(), schema, null(), &mut e).is_null());
    inv(e, &[SS, "client"]);
    assert!(kf_avro_serializer_new_with_schema(c, null(), null(), &mut e).is_null());
    inv(e, &["use.latest.version"]);
    assert!(kf_avro_serializer_new_with_schema(c, schema, bad_utf8(), &mut e).is_null());
    inv(e, &[SS, "config_json", "UTF-8"]);
    assert!(kf_avro_serializer_new_with_schema(null(), null(), null(), null_mut()).is_null());
    const DS: &str = "kf_avro_deserializer_new_with_schema";
    assert!(kf_avro_deserializer_new_with_schema(null(), schema, null(), &mut e).is_null());
    inv(e, &[DS, "client"]);
    assert!(kf_avro_deserializer_new_with_schema(c, schema, bad_utf8(), &mut e).is_null());
    inv(e, &[DS, "config_json", "UTF-8"]);
    assert!(kf_avro_deserializer_new_with_schema(null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let s = kf_avro_serializer_new_with_schema(c, schema, null(), &mut e);
    ok(e);
    let d = kf_avro_deserializer_new_with_schema(c, null(), null(), &mut e);
    ok(e);
    kf_schema_destroy(schema);

    unsafe extern "C" fn hook(
        _: *mut c_void,
        _: *const kf_serialization_context_t,
        _: *const u8,
        _: usize,
        _: *mut kf_buffer_t,
    ) -> c_int {
        0
    }
    static FREED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn free_it(_: *mut c_void) {
        FREED.fetch_add(1, SeqCst);
    }
    const TD: &str = "kf_serializer_new_with_to_dict";
    assert!(
        kf_serializer_new_with_to_dict(null(), Some(hook), null_mut(), Some(free_it), &mut e)
            .is_null()
    );
    inv(e, &[TD, "inner"]);
    assert!(kf_serializer_new_with_to_dict(s, None, null_mut(), Some(free_it), &mut e).is_null());
    inv(e, &[TD, "callback"]);
    assert!(kf_serializer_new_with_to_dict(null(), None, null_mut(), None, null_mut()).is_null());
    const FD: &str = "kf_deserializer_new_with_from_dict";
    assert!(kf_deserializer_new_with_from_dict(
        null(),
        Some(hook),
        null_mut(),
        Some(free_it),
        &mut e
    )
    .is_null());
    inv(e, &[FD, "inner"]);
    assert!(
        kf_deserializer_new_with_from_dict(d, None, null_mut(), Some(free_it), &mut e).is_null()
    );
    inv(e, &[FD, "callback"]);
    assert!(
        kf_deserializer_new_with_from_dict(null(), None, null_mut(), None, null_mut()).is_null()
    );
    assert_eq!(
        FREED.load(SeqCst),
        4,
        "the opaque is released when the constructor fails"
    );
    kf_serializer_destroy(s);
    kf_deserializer_destroy(d);
    kf_schema_registry_client_destroy(c);

    const PN: &str = "kf_avro_producer_new";
    let conf = cs(&format!(r#"{{"schema.registry.url": "{url}"}}"#));
    assert!(kf_avro_producer_new(null(), null(), null(), null(), &mut e).is_null());
    inv(e, &[PN, "config_json"]);
    assert!(kf_avro_producer_new(null(), bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[PN, "config_json", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), conf.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[PN, "default_key_schema", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), conf.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[PN, "default_value_schema", "UTF-8"]);
    assert!(kf_avro_producer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let p = kf_avro_producer_new(
        null(),
        conf.as_ptr(),
        null(),
        cs(r#""string""#).as_ptr(),
        &mut e,
    );
    ok(e);
    const PP: &str = "kf_avro_producer_produce";
    let t = cs("t");
    let produce = |p: *mut kf_avro_producer_t,
                   topic: *const c_char,
                   key: *const c_char,
                   value: *const c_char,
                   ks: *const c_char,
                   vs: *const c_char| {
        kf_avro_producer_produce(p, topic, 0, key, value, ks, vs, null(), 0, None, null_mut())
    };
    inv(
        produce(null_mut(), t.as_ptr(), null(), null(), null(), null()),
        &[PP, "producer"],
    );
    inv(
        produce(p, null(), null(), null(), null(), null()),
        &[PP, "topic"],
    );
    inv(
        produce(p, bad_utf8(), null(), null(), null(), null()),
        &[PP, "topic", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), bad_utf8(), null(), null(), null()),
        &[PP, "key", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), bad_utf8(), null(), null()),
        &[PP, "value", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), null(), bad_utf8(), null()),
        &[PP, "key_schema", "UTF-8"],
    );
    inv(
        produce(p, t.as_ptr(), null(), null(), null(), bad_utf8()),
        &[PP, "value_schema", "UTF-8"],
    );
    assert!(kf_avro_producer_producer(null()).is_null());
    assert!(!kf_avro_producer_producer(p).is_null());
    ok(kf_avro_producer_destroy(null_mut()));
    ok(kf_avro_producer_destroy(p));

    const CN: &str = "kf_avro_consumer_new";
    assert!(kf_avro_consumer_new(null(), null(), null(), null(), &mut e).is_null());
    inv(e, &[CN, "config_json"]);
    assert!(kf_avro_consumer_new(null(), bad_utf8(), null(), null(), &mut e).is_null());
    inv(e, &[CN, "config_json", "UTF-8"]);
    let cconf = cs(&format!(
        r#"{{"schema.registry.url": "{url}", "group.id": "g"}}"#
    ));
    assert!(kf_avro_consumer_new(null(), cconf.as_ptr(), bad_utf8(), null(), &mut e).is_null());
    inv(e, &[CN, "reader_key_schema", "UTF-8"]);
    assert!(kf_avro_consumer_new(null(), cconf.as_ptr(), null(), bad_utf8(), &mut e).is_null());
    inv(e, &[CN, "reader_value_schema", "UTF-8"]);
    assert!(kf_avro_consumer_new(null(), null(), null(), null(), null_mut()).is_null());
    e = null_mut();
    let cons = kf_avro_consumer_new(null(), cconf.as_ptr(), null(), null(), &mut e);
    ok(e);
    ok(kf_consumer_close(kf_deserializing_consumer_consumer(cons)));
    ok(kf_deserializing_consumer_destroy(cons));
}

/// Every function the header declares is exercised by the invalid-argument tests of this file,
/// so a new function cannot ship without its NULL / non-UTF-8 / NULL-out checks.
#[test]
fn invalid_args_schema_registry() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    const NEW: &str = "kf_schema_registry_client_new";
    assert!(kf_schema_registry_client_new(null(), &mut e).is_null());
    inv(e, &[NEW, "config_json"]);
    assert!(kf_schema_registry_client_new(bad_utf8(), &mut e).is_null());
    inv(e, &[NEW, "config_json", "UTF-8"]);
    assert!(kf_schema_registry_client_new(cs("{\"url\": 1, \"x\": 2}").as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_schema_registry_client_new(null(), null_mut()).is_null());
    kf_schema_registry_client_destroy(null_mut());
    assert_eq!(kf_schema_registry_client_request_count(null()), 0);

    assert!(kf_schema_new(null(), KF_SCHEMA_TYPE_AVRO, &mut e).is_null());
    inv(e, &["kf_schema_new", "schema_str"]);
    assert!(kf_schema_new(cs("{}").as_ptr(), -1, &mut e).is_null());
    inv(e, &["kf_schema_new", "schema_type"]);
    kf_schema_destroy(null_mut());
    let s = kf_schema_new(cs("\"string\"").as_ptr(), KF_SCHEMA_TYPE_AVRO, null_mut());
    assert!(!s.is_null());
    const AR: &str = "kf_schema_add_reference";
    let (n, sub) = (cs("n"), cs("s"));
    inv(
        kf_schema_add_reference(null_mut(), n.as_ptr(), sub.as_ptr(), 1),
        &[AR, "schema"],
    );
    inv(
        kf_schema_add_reference(s, null(), sub.as_ptr(), 1),
        &[AR, "name"],
    );
    inv(
        kf_schema_add_reference(s, n.as_ptr(), bad_utf8(), 1),
        &[AR, "subject", "UTF-8"],
    );
    assert!(kf_schema_str(null()).is_null());
    assert_eq!(kf_schema_type(null()), -1);
    assert_eq!(kf_schema_reference_count(null()), 0);
    assert!(kf_schema_reference_name(null(), 0).is_null());
    assert!(kf_schema_reference_name(s, 0).is_null());
    assert!(kf_schema_reference_subject(null(), 0).is_null());
    assert!(kf_schema_reference_subject(s, usize::MAX).is_null());
    assert_eq!(kf_schema_reference_version(null(), 0), -1);
    assert_eq!(kf_schema_reference_version(s, 9), -1);

    kf_registered_schema_destroy(null_mut());
    assert_eq!(kf_registered_schema_id(null()), -1);
    assert_eq!(kf_registered_schema_version(null()), -1);
    assert!(kf_registered_schema_subject(null()).is_null());
    assert!(kf_registered_schema_schema(null()).is_null());
    assert_eq!(kf_schema_registry_error_http_status(null()), 0);
    assert_eq!(kf_schema_registry_error_code(null()), 0);
    kf_schema_registry_versions_free(null_mut(), 3);
    kf_schema_registry_subjects_free(null_mut(), 3);

    let url = format!("{{\"url\": \"mock://{}\"}}", unique("inv"));
    let c = kf_schema_registry_client_new(cs(&url).as_ptr(), null_mut());
    assert!(!c.is_null());
    let nc = null_mut::<kf_schema_registry_client_t>();
    let subj = cs("subj");
    let (mut id, mut b, mut cnt) = (0i32, false, 0usize);
    let mut vers: *mut i32 = null_mut();
    let mut subs: *mut *mut c_char = null_mut();
    let mut rs: *mut kf_registered_schema_t = null_mut();
    let mut sch: *mut kf_schema_t = null_mut();
    let mut lvl: *mut c_char = null_mut();
    const RS: &str = "kf_schema_registry_register_schema";
    inv(
        kf_schema_registry_register_schema(nc, subj.as_ptr(), s, false, &mut id),
        &[RS, "client"],
    );
    inv(
        kf_schema_registry_register_schema(c, null(), s, false, &mut id),
        &[RS, "subject"],
    );
    inv(
        kf_schema_registry_register_schema(c, subj.as_ptr(), null(), false, &mut id),
        &[RS, "schema"],
    );
    inv(
        kf_schema_registry_register_schema(c, subj.as_ptr(), s, false, null_mut()),
        &[RS, "id_out"],
    );
    const GS: &str = "kf_schema_registry_get_schema";
    inv(
        kf_schema_registry_get_schema(nc, 1, &mut sch),
        &[GS, "client"],
    );
    inv(
        kf_schema_registry_get_schema(c, 1, null_mut()),
        &[GS, "schema_out"],
    );
    const GL: &str = "kf_schema_registry_get_latest_version";
    inv(
        kf_schema_registry_get_latest_version(nc, subj.as_ptr(), &mut rs),
        &[GL, "client"],
    );
    inv(
        kf_schema_registry_get_latest_version(c, null(), &mut rs),
        &[GL, "subject"],
    );
    inv(
        kf_schema_registry_get_latest_version(c, subj.as_ptr(), null_mut()),
        &[GL, "registered_out"],
    );
    const GV: &str = "kf_schema_registry_get_version";
    inv(
        kf_schema_registry_get_version(nc, subj.as_ptr(), 1, &mut rs),
        &[GV, "client"],
    );
    inv(
        kf_schema_registry_get_version(c, bad_utf8(), 1, &mut rs),
        &[GV, "subject"],
    );
    inv(
        kf_schema_registry_get_version(c, subj.as_ptr(), 1, null_mut()),
        &[GV, "registered_out"],
    );
    const GVS: &str = "kf_schema_registry_get_versions";
    inv(
        kf_schema_registry_get_versions(nc, subj.as_ptr(), &mut vers, &mut cnt),
        &[GVS, "client"],
    );
    inv(
        kf_schema_registry_get_versions(c, null(), &mut vers, &mut cnt),
        &[GVS, "subject"],
    );
    inv(
        kf_schema_registry_get_versions(c, subj.as_ptr(), null_mut(), &mut cnt),
        &[GVS, "versions_out"],
    );
    inv(
        kf_schema_registry_get_versions(c, subj.as_ptr(), &mut vers, null_mut()),
        &[GVS, "count_out"],
    );
    const GSU: &str = "kf_schema_registry_get_subjects";
    inv(
        kf_schema_registry_get_subjects(nc, &mut subs, &mut cnt),
        &[GSU, "client"],
    );
    inv(
        kf_schema_registry_get_subjects(c, null_mut(), &mut cnt),
        &[GSU, "subjects_out"],
    );
    inv(
        kf_schema_registry_get_subjects(c, &mut subs, null_mut()),
        &[GSU, "count_out"],
    );
    const LS: &str = "kf_schema_registry_lookup_schema";
    inv(
        kf_schema_registry_lookup_schema(nc, subj.as_ptr(), s, false, &mut rs),
        &[LS, "client"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, null(), s, false, &mut rs),
        &[LS, "subject"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, subj.as_ptr(), null(), false, &mut rs),
        &[LS, "schema"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, subj.as_ptr(), s, false, null_mut()),
        &[LS, "registered_out"],
    );
    const DS: &str = "kf_schema_registry_delete_subject";
    inv(
        kf_schema_registry_delete_subject(nc, subj.as_ptr(), false, null_mut(), null_mut()),
        &[DS, "client"],
    );
    inv(
        kf_schema_registry_delete_subject(c, null(), false, null_mut(), null_mut()),
        &[DS, "subject"],
    );
    inv(
        kf_schema_registry_delete_subject(c, subj.as_ptr(), false, &mut vers, null_mut()),
        &[DS, "count_out"],
    );
    const DV: &str = "kf_schema_registry_delete_version";
    inv(
        kf_schema_registry_delete_version(nc, subj.as_ptr(), 1, false, null_mut()),
        &[DV, "client"],
    );
    inv(
        kf_schema_registry_delete_version(c, null(), 1, false, null_mut()),
        &[DV, "subject"],
    );
    const SC: &str = "kf_schema_registry_set_compatibility";
    let full = cs("FULL");
    inv(
        kf_schema_registry_set_compatibility(nc, null(), full.as_ptr()),
        &[SC, "client"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, null(), null()),
        &[SC, "level"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, bad_utf8(), full.as_ptr()),
        &[SC, "subject"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, null(), cs("SOMETIMES").as_ptr()),
        &["SOMETIMES"],
    );
    const GC: &str = "kf_schema_registry_get_compatibility";
    inv(
        kf_schema_registry_get_compatibility(nc, null(), &mut lvl),
        &[GC, "client"],
    );
    inv(
        kf_schema_registry_get_compatibility(c, null(), null_mut()),
        &[GC, "level_out"],
    );
    const TC: &str = "kf_schema_registry_test_compatibility";
    inv(
        kf_schema_registry_test_compatibility(nc, subj.as_ptr(), s, -1, &mut b),
        &[TC, "client"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, null(), s, -1, &mut b),
        &[TC, "subject"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, subj.as_ptr(), null(), -1, &mut b),
        &[TC, "schema"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, subj.as_ptr(), s, -1, null_mut()),
        &[TC, "compatible_out"],
    );
    // Nothing reached the registry, and no output was written.
    assert_eq!(kf_schema_registry_client_request_count(c), 0);
    assert!(vers.is_null() && subs.is_null() && rs.is_null() && sch.is_null() && lvl.is_null());
    assert_eq!((id, b, cnt), (0, false, 0));
    kf_schema_destroy(s);
    kf_schema_registry_client_destroy(c);
}

#[test]
fn invalid_args_serde() {
    use kafkaffi::ffi::*;
    let t = cs("t");
    let good = kf_serialization_context_t {
        topic: t.as_ptr(),
        field: KF_MESSAGE_FIELD_VALUE,
        headers: null(),
    };
    let no_topic = kf_serialization_context_t {
        topic: null(),
        field: KF_MESSAGE_FIELD_KEY,
        headers: null(),
    };
    let bad_topic = kf_serialization_context_t {
        topic: bad_utf8(),
        field: KF_MESSAGE_FIELD_KEY,
        headers: null(),
    };
    let bad_field = kf_serialization_context_t {
        topic: t.as_ptr(),
        field: 2,
        headers: null(),
    };

    // Buffers.
    kf_buffer_destroy(null_mut());
    let b = kf_buffer_new();
    assert!(!b.is_null());
    inv(
        kf_buffer_set(null_mut(), b"x".as_ptr(), 1),
        &["kf_buffer_set", "buffer"],
    );
    inv(kf_buffer_set(b, null(), 3), &["kf_buffer_set", "data"]);
    let mut len = 99usize;
    assert!(kf_buffer_data(null(), &mut len).is_null());
    assert_eq!(len, 0);
    assert!(
        kf_buffer_data(b, null_mut()).is_null(),
        "a new buffer is null"
    );
    let (mut i, mut d) = (5i32, 5.0f64);
    inv(
        kf_buffer_int32(null(), &mut i),
        &["kf_buffer_int32", "buffer"],
    );
    inv(
        kf_buffer_int32(b, null_mut()),
        &["kf_buffer_int32", "value_out"],
    );
    inv(kf_buffer_int32(b, &mut i), &["kf_buffer_int32", "null"]);
    inv(
        kf_buffer_double(null(), &mut d),
        &["kf_buffer_double", "buffer"],
    );
    inv(
        kf_buffer_double(b, null_mut()),
        &["kf_buffer_double", "value_out"],
    );
    ok(kf_buffer_set(b, b"x1".as_ptr(), 2));
    inv(kf_buffer_double(b, &mut d), &["kf_buffer_double", "x1"]);
    assert_eq!((i, d), (5, 5.0), "outputs written on failure");

    // Serializers.
    let mut e = null_mut();
    assert!(kf_serializer_new_string(cs("nope").as_ptr(), &mut e).is_null());
    inv(e, &["kf_serializer_new_string", "codec", "nope"]);
    assert!(kf_serializer_new_string(bad_utf8(), &mut e).is_null());
    inv(e, &["kf_serializer_new_string", "codec", "UTF-8"]);
    assert!(kf_serializer_new_string(cs("nope").as_ptr(), null_mut()).is_null());
    let freed = counter();
    assert!(kf_serializer_new_custom(None, as_opaque(freed), Some(count_free), &mut e).is_null());
    inv(e, &["kf_serializer_new_custom", "callback"]);
    assert_eq!(
        freed.freed.load(SeqCst),
        1,
        "the opaque of a refused registration is freed"
    );
    kf_serializer_destroy(null_mut());
    let s = kf_serializer_new_integer();
    let sd = kf_serializer_new_double();
    kf_serializer_destroy(sd);
    const S: &str = "kf_serializer_serialize";
    inv(
        kf_serializer_serialize(null(), &good, null(), 0, b),
        &[S, "serializer"],
    );
    inv(
        kf_serializer_serialize(s, null(), null(), 0, b),
        &[S, "ctx"],
    );
    inv(
        kf_serializer_serialize(s, &no_topic, null(), 0, b),
        &[S, "ctx->topic"],
    );
    inv(
        kf_serializer_serialize(s, &bad_topic, null(), 0, b),
        &[S, "ctx->topic", "UTF-8"],
    );
    inv(
        kf_serializer_serialize(s, &bad_field, null(), 0, b),
        &[S, "ctx->field"],
    );
    inv(
        kf_serializer_serialize(s, &good, null(), 0, null_mut()),
        &[S, "out"],
    );
    inv(
        kf_serializer_serialize(s, &good, null(), 4, b),
        &[S, "data"],
    );
    inv(
        kf_serializer_serialize_string(null(), &good, t.as_ptr(), b),
        &["kf_serializer_serialize_string", "serializer"],
    );
    inv(
        kf_serializer_serialize_string(s, &good, bad_utf8(), b),
        &["kf_serializer_serialize_string", "value", "UTF-8"],
    );
    inv(
        kf_serializer_serialize_int32(null(), &good, 1, b),
        &["kf_serializer_serialize_int32", "serializer"],
    );
    inv(
        kf_serializer_serialize_int32(s, null(), 1, b),
        &["kf_serializer_serialize_int32", "ctx"],
    );
    inv(
        kf_serializer_serialize_double(null(), &good, 1.0, b),
        &["kf_serializer_serialize_double", "serializer"],
    );
    inv(
        kf_serializer_serialize_double(s, &good, 1.0, null_mut()),
        &["kf_serializer_serialize_double", "out"],
    );
    assert!(
        !kf_buffer_data(b, null_mut()).is_null(),
        "out changed by a refused call"
    );

    // Deserializers.
    assert!(kf_deserializer_new_string(cs("nope").as_ptr(), &mut e).is_null());
    inv(e, &["kf_deserializer_new_string", "codec"]);
    assert!(kf_deserializer_new_custom(None, null_mut(), None, &mut e).is_null());
    inv(e, &["kf_deserializer_new_custom", "callback"]);
    kf_deserializer_destroy(null_mut());
    let dd = kf_deserializer_new_double();
    kf_deserializer_destroy(dd);
    let di = kf_deserializer_new_integer();
    const D: &str = "kf_deserializer_deserialize";
    inv(
        kf_deserializer_deserialize(null(), &good, null(), 0, b),
        &[D, "deserializer"],
    );
    inv(
        kf_deserializer_deserialize(di, null(), null(), 0, b),
        &[D, "ctx"],
    );
    inv(
        kf_deserializer_deserialize(di, &bad_field, null(), 0, b),
        &[D, "ctx->field"],
    );
    inv(
        kf_deserializer_deserialize(di, &good, null(), 0, null_mut()),
        &[D, "out"],
    );
    inv(
        kf_deserializer_deserialize(di, &good, null(), 1, b),
        &[D, "data"],
    );

    // SerializingProducer.
    let cluster = Cluster::mock(1);
    assert!(kf_serializing_producer_new(null(), s, s, &mut e).is_null());
    inv(e, &["kf_serializing_producer_new", "config"]);
    ok(kf_serializing_producer_destroy(null_mut()));
    assert!(kf_serializing_producer_producer(null()).is_null());
    let conf = cluster.config(&[]);
    e = null_mut(); // constructors write err_out only on failure
    let p = kf_serializing_producer_new(conf, null(), s, &mut e);
    ok(e);
    kf_config_destroy(conf);
    const P: &str = "kf_serializing_producer_produce";
    let produce = |p, topic, key: *const u8, klen| {
        kf_serializing_producer_produce(
            p,
            topic,
            0,
            key,
            klen,
            null(),
            0,
            null(),
            0,
            None,
            null_mut(),
        )
    };
    inv(produce(null_mut(), t.as_ptr(), null(), 0), &[P, "producer"]);
    inv(produce(p, null(), null(), 0), &[P, "topic"]);
    inv(produce(p, bad_utf8(), null(), 0), &[P, "topic", "UTF-8"]);
    inv(produce(p, t.as_ptr(), null(), 2), &[P, "key"]);
    const PT: &str = "kf_serializing_producer_produce_typed";
    let typed = |p, key: *const kf_serde_value_t| {
        kf_serializing_producer_produce_typed(
            p,
            t.as_ptr(),
            0,
            key,
            null(),
            null(),
            0,
            None,
            null_mut(),
        )
    };
    let v = |kind, data: *const u8, len| kf_serde_value_t {
        kind,
        data,
        len,
        int32: 0,
        dbl: 0.0,
    };
    inv(typed(null_mut(), null()), &[PT, "producer"]);
    inv(typed(p, &v(9, null(), 0)), &[PT, "key->kind"]);
    inv(typed(p, &v(KF_SERDE_VALUE_BYTES, null(), 3)), &[PT, "key"]);
    inv(
        typed(p, &v(KF_SERDE_VALUE_STRING, null(), 0)),
        &[PT, "key->data"],
    );
    inv(
        typed(p, &v(KF_SERDE_VALUE_STRING, b"\xff".as_ptr(), 1)),
        &[PT, "key", "UTF-8"],
    );
    assert_eq!(kf_producer_len(kf_serializing_producer_producer(p)), 0);
    ok(kf_serializing_producer_destroy(p));

    // DeserializingConsumer and its messages.
    assert!(kf_deserializing_consumer_new(null(), di, di, &mut e).is_null());
    inv(e, &["kf_deserializing_consumer_new", "config"]);
    let conf = cluster.config(&[]);
    assert!(kf_deserializing_consumer_new(conf, di, di, &mut e).is_null());
    inv(e, &["group.id"]);
    ok(kf_config_set(
        conf,
        cs("group.id").as_ptr(),
        cs("g").as_ptr(),
    ));
    e = null_mut();
    let c = kf_deserializing_consumer_new(conf, null(), di, &mut e);
    ok(e);
    kf_config_destroy(conf);
    ok(kf_deserializing_consumer_destroy(null_mut()));
    assert!(kf_deserializing_consumer_consumer(null()).is_null());
    const C: &str = "kf_deserializing_consumer_poll";
    let mut m = null_mut();
    inv(
        kf_deserializing_consumer_poll(null_mut(), 0, &mut m),
        &[C, "consumer"],
    );
    inv(
        kf_deserializing_consumer_poll(c, 0, null_mut()),
        &[C, "message_out"],
    );
    ok(kf_consumer_close(kf_deserializing_consumer_consumer(c)));
    let (code, _) = err(kf_deserializing_consumer_poll(c, 0, &mut m));
    assert_eq!(code, KF_ERR__STATE, "polling a closed consumer");
    assert!(m.is_null());
    ok(kf_deserializing_consumer_destroy(c));
    assert!(kf_deserialized_message_message(null()).is_null());
    assert!(kf_deserialized_message_key(null()).is_null());
    assert!(kf_deserialized_message_value(null()).is_null());
    kf_deserialized_message_destroy(null_mut());

    kf_serializer_destroy(s);
    kf_deserializer_destroy(di);
    kf_buffer_destroy(b);
}

#[test]
fn invalid_args_tests_cover_every_exported_function() {
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/kafkaffi.h"))
            .expect("include/kafkaffi.h");
    let mut declared = Vec::new();
    for line in header.lines() {
        // Declarations start at column 0 with the return type: "kf_error_t *kf_x(...".
        if line.starts_with(' ') || line.starts_with('*') || line.starts_with('#') {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let head = &line[..open];
        let name = head
            .rsplit(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .next()
            .unwrap();
        if name.starts_with("kf_") && !head.contains("typedef") {
            declared.push(name.to_string());
        }
    }
    assert!(
        declared.len() > 100,
        "parsed only {} declarations",
        declared.len()
    );
    let me = include_str!("config_errors.rs");
    let body = &me[me
        .find("// invalid arguments, function family by function family")
        .unwrap()..];
    let missing: Vec<_> = declared
        .iter()
        .filter(|f| !body.contains(&format!("{f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "exported functions without an invalid-argument test in tests/config_errors.rs: {missing:?}"
    );
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

/// Many threads hammering the argument checks at once: errors are independent objects.
#[test]
fn invalid_args_from_many_threads() {
    let seen = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..500 {
                    inv(kf_producer_poll(null_mut(), 0, null_mut()), &["producer"]);
                    inv(
                        kf_config_set(null_mut(), null(), null()),
                        &["kf_config_set", "config"],
                    );
                }
                *seen.lock().unwrap() += 1;
            });
        }
    });
    assert_eq!(*seen.lock().unwrap(), 4);
}
