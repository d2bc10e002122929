//! Client callbacks (stats, error, log, throttle) really fire, and only on the application
//! thread that is inside poll / flush / consume, never on a librdkafka thread.
mod common;
use common::*;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// What callbacks saw, each entry with the thread it ran on. Shared by pointer as the opaque.
#[derive(Default)]
struct Seen {
    stats: Mutex<Vec<(ThreadId, String)>>,
    errors: Mutex<Vec<(ThreadId, i32, String, bool)>>, // (thread, code, message, fatal)
    logs: Mutex<Vec<(ThreadId, c_int, String, String)>>, // (thread, level, facility, message)
    throttles: Mutex<Vec<(ThreadId, String, i32, i32)>>, // (thread, broker, id, ms)
    deliveries: Mutex<Vec<(ThreadId, i32)>>,
}

impl Seen {
    fn opaque(&self) -> *mut c_void {
        self as *const Seen as *mut c_void
    }
    fn threads(&self) -> Vec<ThreadId> {
        let mut t: Vec<ThreadId> = Vec::new();
        t.extend(self.stats.lock().unwrap().iter().map(|e| e.0));
        t.extend(self.errors.lock().unwrap().iter().map(|e| e.0));
        t.extend(self.logs.lock().unwrap().iter().map(|e| e.0));
        t.extend(self.throttles.lock().unwrap().iter().map(|e| e.0));
        t.extend(self.deliveries.lock().unwrap().iter().map(|e| e.0));
        t
    }
    /// Every callback so far ran on `me`.
    #[track_caller]
    fn assert_all_on(&self, me: ThreadId) {
        let threads = self.threads();
        assert!(!threads.is_empty(), "no callback ran at all");
        assert!(
            threads.iter().all(|t| *t == me),
            "a callback ran on another thread than the polling one ({me:?}): {threads:?}"
        );
    }
}

fn seen<'a>(opaque: *mut c_void) -> &'a Seen {
    unsafe { &*(opaque as *const Seen) }
}
fn me() -> ThreadId {
    std::thread::current().id()
}
fn lossy(p: *const c_char) -> String {
    if p.is_null() {
        "<NULL>".into()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

unsafe extern "C" fn on_stats(opaque: *mut c_void, json: *const c_char, len: usize) {
    // The JSON is json_len bytes and NUL-terminated.
    let bytes = std::slice::from_raw_parts(json as *const u8, len);
    let ok = CStr::from_ptr(json).to_bytes() == bytes;
    let s = String::from_utf8_lossy(bytes).into_owned();
    seen(opaque).stats.lock().unwrap().push((
        me(),
        if ok {
            s
        } else {
            format!("NOT NUL-TERMINATED AT LEN: {s}")
        },
    ));
}

unsafe extern "C" fn on_error(opaque: *mut c_void, e: *const kf_error_t) {
    seen(opaque).errors.lock().unwrap().push((
        me(),
        kf_error_code(e),
        lossy(kf_error_message(e)),
        kf_error_is_fatal(e),
    ));
}

unsafe extern "C" fn on_log(
    opaque: *mut c_void,
    level: c_int,
    fac: *const c_char,
    msg: *const c_char,
) {
    seen(opaque)
        .logs
        .lock()
        .unwrap()
        .push((me(), level, lossy(fac), lossy(msg)));
}

unsafe extern "C" fn on_throttle(opaque: *mut c_void, ev: *const kf_throttle_event_t) {
    seen(opaque).throttles.lock().unwrap().push((
        me(),
        lossy(kf_throttle_event_broker_name(ev)),
        kf_throttle_event_broker_id(ev),
        kf_throttle_event_throttle_time_ms(ev),
    ));
}

unsafe extern "C" fn on_delivery(
    opaque: *mut c_void,
    _m: *const kf_message_t,
    e: *const kf_error_t,
) {
    seen(opaque)
        .deliveries
        .lock()
        .unwrap()
        .push((me(), kf_error_code(e)));
}

/// Registers every callback of `Seen` on `conf`.
fn register_all(conf: *mut kf_config_t, s: &Seen) {
    ok(kf_config_set_stats_cb(
        conf,
        Some(on_stats),
        s.opaque(),
        None,
    ));
    ok(kf_config_set_error_cb(
        conf,
        Some(on_error),
        s.opaque(),
        None,
    ));
    ok(kf_config_set_log_cb(conf, Some(on_log), s.opaque(), None));
    ok(kf_config_set_throttle_cb(
        conf,
        Some(on_throttle),
        s.opaque(),
        None,
    ));
    ok(kf_config_set_delivery_cb(
        conf,
        Some(on_delivery),
        s.opaque(),
        None,
    ));
}

/// Polls a producer until `done` or `timeout`.
fn poll_producer_until(p: *mut kf_producer_t, timeout: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        ok(kf_producer_poll(p, 50, null_mut()));
    }
    true
}

/// Polls a consumer (dropping any message) until `done` or `timeout`.
fn poll_consumer_until(c: *mut kf_consumer_t, timeout: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 50, &mut m));
        kf_message_destroy(m);
    }
    true
}

#[track_caller]
fn check_stats(stats: &[(ThreadId, String)], kind: &str, client_id: &str) {
    assert!(!stats.is_empty());
    for (_, json) in stats {
        let v: serde_json::Value = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("stats are not JSON ({e}): {json}"));
        assert!(
            v["name"].as_str().is_some_and(|n| n.starts_with(client_id)),
            "{json}"
        );
        assert_eq!(v["client_id"], client_id, "{json}");
        assert_eq!(v["type"], kind, "{json}");
        assert!(v["brokers"].is_object(), "{json}");
    }
}

#[test]
fn stats_cb_fires_on_the_polling_thread_producer_and_consumer() {
    for cluster in Cluster::both() {
        let s = Seen::default();
        let id = unique("stats-p");
        let conf = cluster.config(&[("statistics.interval.ms", "100"), ("client.id", &id)]);
        ok(kf_config_set_stats_cb(
            conf,
            Some(on_stats),
            s.opaque(),
            None,
        ));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        assert!(
            poll_producer_until(p, Duration::from_secs(10), || s.stats.lock().unwrap().len()
                >= 3),
            "{}: producer stats_cb did not fire 3 times",
            cluster.name()
        );
        ok(kf_producer_destroy(p));
        check_stats(&s.stats.lock().unwrap(), "producer", &id);
        s.assert_all_on(me());

        let s = Seen::default();
        let id = unique("stats-c");
        let conf = cluster.config(&[
            ("statistics.interval.ms", "100"),
            ("client.id", &id),
            ("group.id", &unique("g")),
        ]);
        ok(kf_config_set_stats_cb(
            conf,
            Some(on_stats),
            s.opaque(),
            None,
        ));
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        assert!(
            poll_consumer_until(c, Duration::from_secs(10), || s.stats.lock().unwrap().len()
                >= 2),
            "{}: consumer stats_cb did not fire",
            cluster.name()
        );
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_destroy(c));
        check_stats(&s.stats.lock().unwrap(), "consumer", &id);
        s.assert_all_on(me());
    }
}

/// Callbacks pile up while nobody polls and are served, all of them on the polling thread, by
/// the next poll: nothing runs on librdkafka's threads in between.
#[test]
fn callbacks_never_run_while_nobody_polls() {
    for cluster in Cluster::both() {
        let s = Seen::default();
        let conf = cluster.config(&[
            ("statistics.interval.ms", "100"),
            ("debug", "broker,metadata"),
        ]);
        register_all(conf, &s);
        let p = new_producer(conf);
        kf_config_destroy(conf);
        // Let librdkafka work (connect, fetch metadata, emit stats and logs) without polling.
        std::thread::sleep(Duration::from_millis(700));
        assert!(
            s.threads().is_empty(),
            "{}: callbacks ran while no thread was polling: {} stats, {} logs",
            cluster.name(),
            s.stats.lock().unwrap().len(),
            s.logs.lock().unwrap().len()
        );
        // Poll from a different thread than the one that created the producer.
        let pp = p as usize;
        let poller = std::thread::spawn(move || {
            let p = pp as *mut kf_producer_t;
            let mut served = 0;
            ok(kf_producer_poll(p, 100, &mut served));
            (me(), served)
        });
        let (poller_id, served) = poller.join().unwrap();
        assert!(served > 0, "{}: nothing served", cluster.name());
        assert!(
            !s.stats.lock().unwrap().is_empty(),
            "{}: queued stats not served",
            cluster.name()
        );
        assert!(
            !s.logs.lock().unwrap().is_empty(),
            "{}: queued logs not served",
            cluster.name()
        );
        s.assert_all_on(poller_id);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn error_cb_reports_a_dead_broker_inside_flush_on_the_flushing_thread() {
    let s = Seen::default();
    let conf = kf_config_new();
    for (k, v) in [
        ("bootstrap.servers", "127.0.0.1:1"),
        ("message.timeout.ms", "2000"),
        ("reconnect.backoff.ms", "50"),
        ("reconnect.backoff.max.ms", "200"),
    ] {
        ok(kf_config_set(conf, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    register_all(conf, &s);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let t = cs("never-delivered");
    ok(kf_producer_produce(
        p,
        t.as_ptr(),
        KF_PARTITION_UA,
        null(),
        0,
        b"x".as_ptr(),
        1,
        null(),
        0,
        None,
        null_mut(),
    ));
    let started = Instant::now();
    let mut remaining = 9;
    ok(kf_producer_flush(p, 15_000, &mut remaining));
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "flush did not end with the message timeout"
    );
    assert_eq!(remaining, 0);
    let errors = s.errors.lock().unwrap().clone();
    assert!(
        errors
            .iter()
            .any(|e| e.1 == KF_ERR__TRANSPORT || e.1 == KF_ERR__ALL_BROKERS_DOWN),
        "no transport / all-brokers-down error: {errors:?}"
    );
    assert!(errors.iter().all(|e| !e.2.is_empty() && !e.3), "{errors:?}");
    assert_eq!(
        s.deliveries
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.1)
            .collect::<Vec<_>>(),
        vec![KF_ERR__MSG_TIMED_OUT]
    );
    s.assert_all_on(me());
    ok(kf_producer_destroy(p));
}

#[test]
fn error_cb_on_a_consumer_is_served_by_consumer_poll() {
    let s = Seen::default();
    let conf = kf_config_new();
    for (k, v) in [
        ("bootstrap.servers", "127.0.0.1:1"),
        ("group.id", &unique("g")),
        ("reconnect.backoff.ms", "50"),
        ("reconnect.backoff.max.ms", "200"),
    ] {
        ok(kf_config_set(conf, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    ok(kf_config_set_error_cb(
        conf,
        Some(on_error),
        s.opaque(),
        None,
    ));
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    ok(kf_consumer_subscribe(
        c,
        [cs("t").as_ptr()].as_ptr(),
        1,
        null(),
    ));
    let found = poll_consumer_until(c, Duration::from_secs(10), || {
        s.errors
            .lock()
            .unwrap()
            .iter()
            .any(|e| e.1 == KF_ERR__TRANSPORT || e.1 == KF_ERR__ALL_BROKERS_DOWN)
    });
    assert!(found, "no transport error: {:?}", s.errors.lock().unwrap());
    s.assert_all_on(me());
    ok(kf_consumer_destroy(c)); // no close: the group was never joined
}

#[test]
fn log_cb_lines_arrive_with_facility_and_level_on_the_polling_thread() {
    for cluster in Cluster::both() {
        let s = Seen::default();
        let conf = cluster.config(&[("debug", "broker,protocol"), ("log_level", "7")]);
        ok(kf_config_set_log_cb(conf, Some(on_log), s.opaque(), None));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        // A metadata request makes protocol traffic; list_topics also serves callbacks.
        let mut md = null_mut();
        ok(kf_producer_list_topics(p, null(), 5000, &mut md));
        kf_metadata_destroy(md);
        let got = poll_producer_until(p, Duration::from_secs(10), || {
            let logs = s.logs.lock().unwrap();
            logs.iter().any(|l| l.2 == "SEND") && logs.iter().any(|l| l.2 == "RECV")
        });
        let logs = s.logs.lock().unwrap().clone();
        assert!(
            got,
            "{}: no SEND/RECV protocol lines in {} lines",
            cluster.name(),
            logs.len()
        );
        for (_, level, fac, msg) in &logs {
            assert!((0..=7).contains(level), "level {level}");
            assert!(!fac.is_empty() && fac != "<NULL>", "empty facility: {msg}");
            assert!(msg != "<NULL>");
        }
        assert!(logs.iter().any(|l| l.1 == 7), "no debug-level (7) line");
        assert!(
            logs.iter()
                .any(|l| l.3.contains("127.0.0.1") || l.3.contains("mock")),
            "{:?}",
            &logs[..logs.len().min(5)]
        );
        s.assert_all_on(me());
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn log_cb_on_a_consumer_is_served_by_consumer_poll() {
    for cluster in Cluster::both() {
        let s = Seen::default();
        let topic = unique("log");
        cluster.create_topic(&topic, 1);
        let conf = cluster.config(&[("debug", "cgrp,consumer"), ("group.id", &unique("g"))]);
        ok(kf_config_set_log_cb(conf, Some(on_log), s.opaque(), None));
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        ok(kf_consumer_subscribe(
            c,
            [cs(&topic).as_ptr()].as_ptr(),
            1,
            null(),
        ));
        let got = poll_consumer_until(c, Duration::from_secs(15), || {
            s.logs.lock().unwrap().iter().any(|l| {
                l.2 == "CGRPJOINSTATE" || l.2 == "JOIN" || l.2 == "HEARTBEAT" || l.2 == "ASSIGN"
            })
        });
        assert!(
            got,
            "{}: no group log lines: {:?}",
            cluster.name(),
            s.logs
                .lock()
                .unwrap()
                .iter()
                .map(|l| l.2.clone())
                .collect::<std::collections::BTreeSet<_>>()
        );
        ok(kf_consumer_close(c, -1));
        s.assert_all_on(me());
        ok(kf_consumer_destroy(c));
    }
}

/// Sets (or removes) a producer_byte_rate quota for one client.id on the real broker.
fn quota(client_id: &str, add: bool) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/kafka/cli.sh");
    let bs = Cluster::broker().bootstrap.clone();
    let mut cmd = std::process::Command::new(script);
    cmd.args(["configs", "--bootstrap-server", &bs, "--alter"]);
    if add {
        cmd.args(["--add-config", "producer_byte_rate=1024"]);
    } else {
        cmd.args(["--delete-config", "producer_byte_rate"]);
    }
    cmd.args(["--entity-type", "clients", "--entity-name", client_id]);
    let out = cmd.output().expect("run scripts/kafka/cli.sh");
    assert!(
        out.status.success(),
        "cli.sh configs failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

struct QuotaGuard(String);
impl Drop for QuotaGuard {
    fn drop(&mut self) {
        quota(&self.0, false);
    }
}

#[test]
fn throttle_cb_fires_under_a_real_broker_quota() {
    let cluster = Cluster::broker();
    let topic = unique("throttle");
    cluster.create_topic(&topic, 1);
    let id = unique("throttled-client");
    quota(&id, true);
    let _guard = QuotaGuard(id.clone());

    // The broker id the throttle event must name.
    let s = Seen::default();
    let conf = cluster.config(&[("client.id", &id), ("linger.ms", "5")]);
    register_all(conf, &s);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(&topic).as_ptr(),
        5000,
        &mut md,
    ));
    let leader = kf_metadata_partition_leader(md, 0, 0);
    kf_metadata_destroy(md);
    assert!(leader >= 0);

    // Keep producing 4 KiB at a time (far above 1 KiB/s) until the broker throttles us.
    let value = vec![b'q'; 1024];
    let t = cs(&topic);
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut produced = 0;
    while s.throttles.lock().unwrap().iter().all(|t| t.3 <= 0) && Instant::now() < deadline {
        if kf_producer_len(p) < 64 {
            for _ in 0..4 {
                ok(kf_producer_produce(
                    p,
                    t.as_ptr(),
                    0,
                    null(),
                    0,
                    value.as_ptr(),
                    value.len(),
                    null(),
                    0,
                    None,
                    null_mut(),
                ));
                produced += 1;
            }
        }
        ok(kf_producer_poll(p, 100, null_mut()));
    }
    let throttles = s.throttles.lock().unwrap().clone();
    let hit = throttles
        .iter()
        .find(|t| t.3 > 0)
        .unwrap_or_else(|| panic!("no throttle after {produced} KiB: {throttles:?}"))
        .clone();
    let bootstrap = std::env::var("KAFKA_BOOTSTRAP_SERVERS").unwrap();
    assert!(
        hit.1.contains(&bootstrap),
        "broker name {:?} (bootstrap {bootstrap})",
        hit.1
    );
    assert_eq!(hit.2, leader, "broker id");
    assert_eq!(hit.2, 1, "the test broker's node id");
    s.assert_all_on(me());
    ok(kf_producer_purge(p, true, true, false));
    ok(kf_producer_destroy(p));
}

// librdkafka's mock cluster always answers ThrottleTimeMs = 0 (rdkafka_mock_handlers.c), so
// throttling is tested on the real broker only.

unsafe extern "C" fn reentrant_stats(opaque: *mut c_void, _json: *const c_char, _len: usize) {
    // opaque: (producer pointer slot, results)
    let st = &*(opaque as *const Reentry);
    let p = *st.producer.lock().unwrap() as *mut kf_producer_t;
    if p.is_null() {
        return;
    }
    let mut r = st.results.lock().unwrap();
    let code = |e: *mut kf_error_t| {
        let c = kf_error_code(e);
        kf_error_destroy(e);
        c
    };
    r.push(code(kf_producer_poll(p, 0, null_mut())));
    r.push(code(kf_producer_flush(p, 0, null_mut())));
    r.push(code(kf_producer_destroy(p)));
}

#[derive(Default)]
struct Reentry {
    producer: Mutex<usize>,
    results: Mutex<Vec<i32>>,
}

#[test]
fn poll_flush_destroy_from_inside_a_callback_fail_with_state_instead_of_deadlocking() {
    let cluster = Cluster::mock(1);
    let st = Reentry::default();
    let conf = cluster.config(&[("statistics.interval.ms", "100")]);
    ok(kf_config_set_stats_cb(
        conf,
        Some(reentrant_stats),
        &st as *const Reentry as *mut c_void,
        None,
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);
    *st.producer.lock().unwrap() = p as usize;
    let deadline = Instant::now() + Duration::from_secs(10);
    while st.results.lock().unwrap().is_empty() && Instant::now() < deadline {
        ok(kf_producer_poll(p, 50, null_mut()));
    }
    *st.producer.lock().unwrap() = 0;
    let r = st.results.lock().unwrap().clone();
    assert!(r.len() >= 3, "callback never ran");
    assert_eq!(&r[..3], &[KF_ERR__STATE; 3]);
    // The producer survived its callback's destroy attempt.
    let mut remaining = 1;
    ok(kf_producer_flush(p, 1000, &mut remaining));
    ok(kf_producer_destroy(p));
}
