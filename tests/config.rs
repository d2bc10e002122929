//! Configuration through the C ABI: set / get / JSON, dup, callback registrations and the
//! release of their opaques, and a configuration librdkafka refuses.
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::Ordering::SeqCst;
use std::time::{Duration, Instant};

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

#[test]
fn config_set_get_round_trip() {
    let conf = own(kf_config_new());
    let c = conf.get();
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
}

#[test]
fn config_get_answers_defaults_for_never_set_properties() {
    let conf = own(kf_config_new());
    let c = conf.get();
    // Global and topic-level properties alike (librdkafka only learns topic-level keys once
    // one is set; kafkaffi still answers their defaults).
    assert_eq!(get_ok(c, "linger.ms"), "5");
    assert_eq!(get_ok(c, "enable.idempotence"), "false");
    assert_eq!(get_ok(c, "acks"), "-1");
    assert_eq!(get_ok(c, "message.timeout.ms"), "300000");
    let (code, msg) = get(c, "no.such.property").unwrap_err();
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("no.such.property"), "{msg}");
}

#[test]
fn config_unknown_key_is_invalid_arg_naming_the_key() {
    let conf = own(kf_config_new());
    let c = conf.get();
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
}

#[test]
fn config_bad_value_names_the_key_and_leaves_the_config_unchanged() {
    let conf = own(kf_config_new());
    let c = conf.get();
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
}

#[test]
fn config_set_json_types_and_nested_default_topic_config() {
    let conf = own(kf_config_new());
    let c = conf.get();
    // Port 1 refuses connections: the producer made at the end reaches no real broker.
    ok(kf_config_set_json(
        c,
        cs(r#"{
            "bootstrap.servers": "127.0.0.1:1",
            "client.id": "json-client",
            "linger.ms": 17,
            "batch.num.messages": 1000,
            "enable.idempotence": true,
            "socket.nagle.disable": false,
            "default.topic.config": {"acks": "all", "message.timeout.ms": 1234}
        }"#)
        .as_ptr(),
    ));
    assert_eq!(get_ok(c, "bootstrap.servers"), "127.0.0.1:1");
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
    ok(own(new_producer(c)).destroy());
}

#[test]
fn config_set_json_errors_are_clear() {
    let conf = own(kf_config_new());
    let c = conf.get();
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
}

#[test]
fn config_dup_copies_properties_independently() {
    let c = own(kf_config_new());
    ok(kf_config_set(
        c.get(),
        cs("client.id").as_ptr(),
        cs("orig").as_ptr(),
    ));
    ok(kf_config_set(
        c.get(),
        cs("acks").as_ptr(),
        cs("1").as_ptr(),
    ));
    let dup = own(kf_config_dup(c.get()));
    let d = dup.get();
    assert!(!d.is_null());
    assert_eq!(get_ok(d, "client.id"), "orig");
    assert_eq!(get_ok(d, "acks"), "1");
    ok(kf_config_set(
        d,
        cs("client.id").as_ptr(),
        cs("copy").as_ptr(),
    ));
    assert_eq!(
        get_ok(c.get(), "client.id"),
        "orig",
        "changing the dup changed the original"
    );
    drop(c);
    // The dup outlives the original.
    assert_eq!(get_ok(d, "client.id"), "copy");
    drop(dup);
    assert!(kf_config_dup(null()).is_null());
}

#[test]
fn config_dup_copies_callbacks_that_fire_for_a_client_made_from_the_dup() {
    let cluster = Cluster::mock(1);
    let n = counter();
    let (stats, freed) = (&n.calls, &n.freed);
    let c = own(cluster.config(&[("statistics.interval.ms", "100")]));
    ok(kf_config_set_stats_cb(
        c.get(),
        Some(count_stats),
        as_opaque(n),
        Some(count_free),
    ));
    let d = own(kf_config_dup(c.get()));
    drop(c);
    assert_eq!(
        freed.load(SeqCst),
        0,
        "the dup still holds the registration"
    );
    let p = own(new_producer(d.get()));
    drop(d);
    let deadline = Instant::now() + Duration::from_secs(10);
    while stats.load(SeqCst) == 0 && Instant::now() < deadline {
        ok(kf_producer_poll(p.get(), 100, null_mut()));
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
    ok(p.destroy());
    assert_eq!(freed.load(SeqCst), 1);
}

#[test]
fn free_opaque_runs_once_when_the_last_holder_is_gone() {
    let cluster = Cluster::mock(1);
    // Config -> dup -> producer: freed only after all three are gone, exactly once.
    let freed = counter();
    let c = own(cluster.config(&[]));
    ok(kf_config_set_error_cb(
        c.get(),
        Some(noop_error),
        as_opaque(freed),
        Some(count_free),
    ));
    let d = own(kf_config_dup(c.get()));
    let p = own(new_producer(d.get()));
    let p2 = own(new_producer(c.get()));
    drop((c, d));
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(p.destroy());
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(p2.destroy());
    assert_eq!(freed.freed.load(SeqCst), 1);

    // A consumer holds it too.
    let freed = counter();
    let c = own(cluster.config(&[("group.id", &unique("g"))]));
    ok(kf_config_set_stats_cb(
        c.get(),
        Some(count_stats),
        as_opaque(freed),
        Some(count_free),
    ));
    let consumer = own(new_consumer(c.get()));
    drop(c);
    assert_eq!(freed.freed.load(SeqCst), 0);
    ok(kf_consumer_close(consumer.get(), -1));
    assert_eq!(freed.freed.load(SeqCst), 0, "close is not destroy");
    ok(consumer.destroy());
    assert_eq!(freed.freed.load(SeqCst), 1);

    // A config that never made a client.
    let freed = counter();
    let c = own(kf_config_new());
    ok(kf_config_set_log_cb(c.get(), None, null_mut(), None));
    ok(kf_config_set_stats_cb(
        c.get(),
        Some(count_stats),
        as_opaque(freed),
        Some(count_free),
    ));
    drop(c);
    assert_eq!(freed.freed.load(SeqCst), 1);
}

#[test]
fn free_opaque_on_unregister_and_replace() {
    let cluster = Cluster::mock(1);
    // Unregistering with a NULL callback frees the opaque given with it at once, and drops the
    // old registration (freeing its opaque when nothing else holds it).
    let old = counter();
    let given = counter();
    let c = own(kf_config_new());
    ok(kf_config_set_error_cb(
        c.get(),
        Some(noop_error),
        as_opaque(old),
        Some(count_free),
    ));
    ok(kf_config_set_error_cb(
        c.get(),
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
    drop(c);
    assert_eq!(
        (old.freed.load(SeqCst), given.freed.load(SeqCst)),
        (1, 1),
        "freed twice"
    );

    // Replacing a registration a client still holds: freed when the client goes.
    let held = counter();
    let newer = counter();
    let c = own(cluster.config(&[]));
    ok(kf_config_set_throttle_cb(c.get(), None, null_mut(), None));
    ok(kf_config_set_stats_cb(
        c.get(),
        Some(count_stats),
        as_opaque(held),
        Some(count_free),
    ));
    let p = own(new_producer(c.get()));
    ok(kf_config_set_stats_cb(
        c.get(),
        Some(count_stats),
        as_opaque(newer),
        Some(count_free),
    ));
    assert_eq!(
        held.freed.load(SeqCst),
        0,
        "freed while the producer holds it"
    );
    ok(p.destroy());
    assert_eq!(held.freed.load(SeqCst), 1);
    drop(c);
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
        let c = own(kf_config_new());
        ok(set(c.get(), as_opaque(n), Some(count_free)));
        let d = own(kf_config_dup(c.get()));
        drop(c);
        assert_eq!(n.freed.load(SeqCst), 0, "{name}");
        drop(d);
        assert_eq!(n.freed.load(SeqCst), 1, "{name}");
        // NULL config: an error, and the call owned the opaque: free_opaque ran once, before
        // the call returned (docs/ABI.md, Callbacks and threads).
        let n = counter();
        inv(set(null_mut(), as_opaque(n), Some(count_free)), &["config"]);
        assert_eq!(
            n.freed.load(SeqCst),
            1,
            "{name}: free_opaque must run once for a failed registration"
        );
    }
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

#[test]
fn a_config_librdkafka_refuses_fails_the_constructor_with_a_message() {
    let conf = own(kf_config_new());
    let c = conf.get();
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
}

/// The owned handles of tests/common/handles.rs destroy what they hold when a test fails
/// half-way (here: the config's stats_cb registration is released).
#[test]
fn owned_handles_are_destroyed_when_a_test_fails() {
    let n = counter();
    let failed = std::panic::catch_unwind(|| {
        let c = own(kf_config_new());
        ok(kf_config_set_stats_cb(
            c.get(),
            Some(count_stats),
            as_opaque(n),
            Some(count_free),
        ));
        panic!("a failed assertion");
    });
    assert!(failed.is_err());
    assert_eq!(n.freed.load(SeqCst), 1, "the config was not destroyed");
}
