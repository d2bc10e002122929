//! Producer through the C ABI, on the real broker and the mock cluster.
mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn harness_round_trip_on_both_clusters() {
    for cluster in Cluster::both() {
        let topic = unique("harness");
        cluster.create_topic(&topic, 1);
        let values: Vec<Vec<u8>> = (0..10).map(|i| format!("value-{i}").into_bytes()).collect();
        produce_values(&cluster, &topic, 0, &values);
        let conf = cluster.config(&[
            ("group.id", &unique("g")),
            ("auto.offset.reset", "earliest"),
        ]);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        ok(kf_consumer_subscribe(
            c,
            [cs(&topic).as_ptr()].as_ptr(),
            1,
            null(),
        ));
        let (msgs, _) = consume_n(c, 10, Duration::from_secs(30));
        assert_eq!(
            msgs.iter()
                .map(|m| m.value.clone().unwrap())
                .collect::<Vec<_>>(),
            values,
            "on {}",
            cluster.name()
        );
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_destroy(c));
        let _ = null_mut::<u8>();
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers local to the producer tests.
// ---------------------------------------------------------------------------------------------

type Headers<'a> = &'a [(&'a str, Option<&'a [u8]>)];

/// One delivery report, copied out of the callback.
#[derive(Debug, Clone)]
struct Report {
    err: i32,
    err_name: String,
    msg_err: i32,
    latency: i64,
    msg: Msg,
}

/// Collects delivery reports; pass `recorder.opaque()` as a callback opaque. The callback runs
/// on whichever thread serves the producer, so the vector is behind a mutex.
#[derive(Default)]
struct Recorder {
    reports: Mutex<Vec<Report>>,
    /// The threads the callback ran on.
    threads: Mutex<BTreeSet<String>>,
}

impl Recorder {
    fn opaque(&self) -> *mut c_void {
        self as *const Recorder as *mut c_void
    }
    fn reports(&self) -> Vec<Report> {
        self.reports.lock().unwrap().clone()
    }
    fn len(&self) -> usize {
        self.reports.lock().unwrap().len()
    }
}

unsafe extern "C" fn record(opaque: *mut c_void, m: *const kf_message_t, e: *const kf_error_t) {
    let r = &*(opaque as *const Recorder);
    let rep = Report {
        err: kf_error_code(e),
        err_name: text(kf_error_name(e)),
        msg_err: kf_message_error_code(m),
        latency: kf_message_latency(m),
        msg: Msg::from_c(m),
    };
    r.reports.lock().unwrap().push(rep);
    r.threads
        .lock()
        .unwrap()
        .insert(format!("{:?}", std::thread::current().id()));
}

/// A producer handle that may cross threads (kf_producer_t is documented thread-safe).
#[derive(Clone, Copy)]
struct Shared(*mut kf_producer_t);
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

fn ptr_len(b: Option<&[u8]>) -> (*const u8, usize) {
    match b {
        None => (null(), 0),
        Some(b) => (b.as_ptr(), b.len()),
    }
}

fn make_headers(h: Headers) -> *mut kf_headers_t {
    let hs = kf_headers_new(h.len());
    for (name, v) in h {
        let (vp, vl) = ptr_len(*v);
        ok(kf_headers_add(hs, cs(name).as_ptr(), vp, vl));
    }
    hs
}

fn owned_headers(h: Headers) -> Vec<(String, Option<Vec<u8>>)> {
    h.iter()
        .map(|(n, v)| (n.to_string(), v.map(|v| v.to_vec())))
        .collect()
}

/// kf_producer_produce with Rust arguments; returns the raw result.
#[allow(clippy::too_many_arguments)]
fn produce(
    p: *mut kf_producer_t,
    topic: &str,
    partition: i32,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: Headers,
    timestamp_ms: i64,
    cb: Option<&Recorder>,
) -> *mut kf_error_t {
    let (kp, kl) = ptr_len(key);
    let (vp, vl) = ptr_len(value);
    let hs = if headers.is_empty() {
        null_mut()
    } else {
        make_headers(headers)
    };
    let e = kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        partition,
        kp,
        kl,
        vp,
        vl,
        hs,
        timestamp_ms,
        cb.map(|_| record as unsafe extern "C" fn(_, _, _)),
        cb.map_or(null_mut(), |r| r.opaque()),
    );
    // produce copied the headers: the caller still owns (and frees) its list.
    kf_headers_destroy(hs);
    e
}

/// A producer whose global on_delivery records into `global` (when given).
fn producer_with(
    cluster: &Cluster,
    props: &[(&str, &str)],
    global: Option<&Recorder>,
) -> *mut kf_producer_t {
    let conf = cluster.config(props);
    if let Some(g) = global {
        ok(kf_config_set_delivery_cb(
            conf,
            Some(record),
            g.opaque(),
            None,
        ));
    }
    let p = new_producer(conf);
    kf_config_destroy(conf);
    p
}

#[track_caller]
fn flush_all(p: *mut kf_producer_t) {
    let mut remaining = usize::MAX;
    ok(kf_producer_flush(p, 30_000, &mut remaining));
    assert_eq!(remaining, 0, "flush left messages undelivered");
    assert_eq!(kf_producer_len(p), 0);
}

/// Polls until `rec` holds `n` reports (or 15 s pass).
fn poll_until(p: *mut kf_producer_t, rec: &Recorder, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while rec.len() < n && Instant::now() < deadline {
        ok(kf_producer_poll(p, 100, null_mut()));
    }
    assert_eq!(rec.len(), n, "delivery reports: {:?}", rec.reports());
}

/// Reads `n` messages from the start of the given partitions (assign, no group).
fn consume_from(cluster: &Cluster, parts: &[(&str, i32)], n: usize) -> Vec<Msg> {
    let conf = cluster.config(&[("group.id", &unique("g")), ("enable.auto.commit", "false")]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let items: Vec<(&str, i32, i64)> = parts
        .iter()
        .map(|(t, p)| (*t, *p, KF_OFFSET_BEGINNING))
        .collect();
    let l = tp_list(&items);
    ok(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
    let (msgs, _) = consume_n(c, n, Duration::from_secs(30));
    // Nothing beyond the expected messages.
    let (extra, _) = consume_n(c, 1, Duration::from_millis(500));
    assert!(extra.is_empty(), "unexpected extra messages: {extra:?}");
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    assert_eq!(msgs.len(), n, "consumed {msgs:?}");
    msgs
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---------------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------------

#[test]
fn round_trip_keeps_key_value_headers_timestamps_and_nulls() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("roundtrip");
        cluster.create_topic(&topic, 1);
        let p = producer_with(&cluster, &[], None);
        let explicit_ts = now_ms() - 86_400_000 + 123; // a day ago, not a round number
        let binary: Vec<u8> = (0..=255u8).chain([0, 0, 0]).collect();
        let empty: &[u8] = &[];
        let bin_headers = [("bin", Some(&binary[..]))];
        let dup_headers: Headers = &[
            ("a", Some(b"1")),
            ("b", None),
            ("a", Some(b"2")),
            ("e", Some(empty)),
            ("z", Some(b"\x00\xff")),
        ];
        // (key, value, headers, timestamp)
        #[allow(clippy::type_complexity)]
        let cases: Vec<(Option<&[u8]>, Option<&[u8]>, Headers, i64)> = vec![
            (Some(b"key-0"), Some(b"value-0"), dup_headers, explicit_ts),
            (None, None, &[], 0),
            (Some(empty), Some(empty), &[], 0),
            (None, Some(empty), &[("only-null", None)], 0),
            (Some(empty), None, &[], explicit_ts + 1),
            (Some(&binary), Some(&binary), &bin_headers, 0),
        ];
        let before = now_ms();
        for (k, v, h, ts) in &cases {
            ok(produce(p, &topic, 0, *k, *v, h, *ts, None));
        }
        flush_all(p);
        let after = now_ms();
        ok(kf_producer_destroy(p));

        let msgs = consume_from(&cluster, &[(&topic, 0)], cases.len());
        for (i, (m, (k, v, h, ts))) in msgs.iter().zip(&cases).enumerate() {
            assert_eq!(m.topic, topic, "{on} #{i}");
            assert_eq!(m.partition, 0, "{on} #{i}");
            assert_eq!(m.offset, i as i64, "{on} #{i}");
            assert_eq!(m.key, k.map(|k| k.to_vec()), "{on} #{i}: key");
            assert_eq!(m.value, v.map(|v| v.to_vec()), "{on} #{i}: value");
            assert_eq!(m.headers, owned_headers(h), "{on} #{i}: headers");
            assert_eq!(m.timestamp_type, KF_TIMESTAMP_CREATE_TIME, "{on} #{i}");
            if *ts != 0 {
                assert_eq!(m.timestamp, *ts, "{on} #{i}: explicit timestamp");
            } else {
                assert!(
                    m.timestamp >= before - 1000 && m.timestamp <= after + 1000,
                    "{on} #{i}: timestamp {} not within [{before}, {after}]",
                    m.timestamp
                );
            }
        }
    }
}

#[test]
fn produce_rejects_invalid_arguments() {
    let cluster = Cluster::mock(1);
    let p = producer_with(&cluster, &[], None);
    let t = cs("t");
    let v = b"x";
    // NULL producer, NULL topic, NULL buffers with a length.
    let (code, msg) = err(kf_producer_produce(
        null_mut(),
        t.as_ptr(),
        0,
        null(),
        0,
        v.as_ptr(),
        1,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("producer"), "{msg}");
    let (code, msg) = err(kf_producer_produce(
        p,
        null(),
        0,
        null(),
        0,
        v.as_ptr(),
        1,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("topic"), "{msg}");
    let (code, msg) = err(kf_producer_produce(
        p,
        t.as_ptr(),
        0,
        null(),
        3,
        v.as_ptr(),
        1,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("key"), "{msg}");
    let (code, msg) = err(kf_producer_produce(
        p,
        t.as_ptr(),
        0,
        null(),
        0,
        null(),
        4,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("value"), "{msg}");
    let bad_topic = [0xffu8, 0xfe, 0];
    let (code, msg) = err(kf_producer_produce(
        p,
        bad_topic.as_ptr() as *const _,
        0,
        null(),
        0,
        null(),
        0,
        null(),
        0,
        None,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("UTF-8"), "{msg}");
    assert_eq!(kf_producer_len(p), 0, "nothing was enqueued");
    assert_eq!(kf_producer_len(null()), 0);
    ok(kf_producer_destroy(p));
    ok(kf_producer_destroy(null_mut()));
}

// ---------------------------------------------------------------------------------------------
// Delivery callbacks
// ---------------------------------------------------------------------------------------------

#[test]
fn per_message_callbacks_and_global_on_delivery() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("dr");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let (a, b) = (Recorder::default(), Recorder::default());
        let p = producer_with(&cluster, &[("linger.ms", "0")], Some(&global));
        // Ten messages in order: which callback each one names.
        let plan = ["g", "a", "g", "b", "a", "g", "g", "b", "a", "g"];
        for (i, who) in plan.iter().enumerate() {
            let v = format!("{who}-{i}");
            let cb = match *who {
                "a" => Some(&a),
                "b" => Some(&b),
                _ => None,
            };
            ok(produce(
                p,
                &topic,
                0,
                Some(format!("k{i}").as_bytes()),
                Some(v.as_bytes()),
                &[("i", Some(i.to_string().as_bytes()))],
                0,
                cb,
            ));
        }
        // Callbacks run only inside poll or flush, never on librdkafka's threads.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            global.len() + a.len() + b.len(),
            0,
            "{on}: ran outside poll"
        );
        flush_all(p);
        let main = format!("{:?}", std::thread::current().id());
        for r in [&global, &a, &b] {
            let th = r.threads.lock().unwrap().clone();
            assert!(
                th.is_empty() || th == BTreeSet::from([main.clone()]),
                "{th:?}"
            );
        }

        let mut by_value = BTreeMap::new();
        for (who, rec) in [("g", &global), ("a", &a), ("b", &b)] {
            let reps = rec.reports();
            let expected: Vec<usize> = (0..plan.len()).filter(|&i| plan[i] == who).collect();
            assert_eq!(reps.len(), expected.len(), "{on}: {who} got {reps:?}");
            for (r, i) in reps.iter().zip(&expected) {
                // Reports of one partition arrive in produce order.
                let v = format!("{who}-{i}");
                assert_eq!(r.msg.value.as_deref(), Some(v.as_bytes()), "{on}: {who}");
                assert_eq!(r.msg.key, Some(format!("k{i}").into_bytes()));
                assert_eq!(
                    r.msg.headers,
                    vec![("i".to_string(), Some(i.to_string().into_bytes()))]
                );
                assert_eq!((r.err, r.msg_err, r.err_name.as_str()), (0, 0, "NO_ERROR"));
                assert_eq!(r.msg.topic, topic);
                assert_eq!(r.msg.partition, 0);
                assert!(r.latency >= 0, "{on}: latency {}", r.latency);
                by_value.insert(r.msg.offset, v);
            }
        }
        // Ten distinct offsets 0..9, each the one the message was really written at.
        assert_eq!(
            by_value.keys().copied().collect::<Vec<_>>(),
            (0..10).collect::<Vec<i64>>()
        );
        ok(kf_producer_destroy(p));
        let msgs = consume_from(&cluster, &[(&topic, 0)], plan.len());
        for m in msgs {
            assert_eq!(
                m.value.as_deref(),
                Some(by_value[&m.offset].as_bytes()),
                "{on}: the report's offset holds another message"
            );
        }
    }
}

#[test]
fn delivery_reports_carry_the_partition_they_were_written_to() {
    for cluster in Cluster::both() {
        let topic = unique("drpart");
        cluster.create_topic(&topic, 3);
        let global = Recorder::default();
        let p = producer_with(&cluster, &[], Some(&global));
        for part in [2, 0, 1, 2, 2] {
            ok(produce(
                p,
                &topic,
                part,
                None,
                Some(format!("p{part}").as_bytes()),
                &[],
                0,
                None,
            ));
        }
        flush_all(p);
        let reps = global.reports();
        let got: Vec<(i32, i64)> = reps
            .iter()
            .map(|r| (r.msg.partition, r.msg.offset))
            .collect();
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            vec![(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)],
            "{}",
            cluster.name()
        );
        for r in &reps {
            assert_eq!(
                r.msg.value,
                Some(format!("p{}", r.msg.partition).into_bytes())
            );
        }
        ok(kf_producer_destroy(p));
    }
}

// ---------------------------------------------------------------------------------------------
// Error paths
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_topic_is_reported_without_auto_creation() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("missing"); // never created
        let global = Recorder::default();
        let p = producer_with(
            &cluster,
            &[
                ("allow.auto.create.topics", "false"),
                ("message.timeout.ms", "5000"),
                ("topic.metadata.propagation.max.ms", "100"),
            ],
            Some(&global),
        );
        ok(produce(
            p,
            &topic,
            KF_PARTITION_UA,
            None,
            Some(b"x"),
            &[],
            0,
            None,
        ));
        let t0 = Instant::now();
        let mut remaining = usize::MAX;
        ok(kf_producer_flush(p, 20_000, &mut remaining));
        assert_eq!(remaining, 0, "{on}");
        assert!(t0.elapsed() < Duration::from_secs(15));
        let reps = global.reports();
        assert_eq!(reps.len(), 1, "{on}: {reps:?}");
        assert!(
            reps[0].err == KF_ERR__UNKNOWN_TOPIC || reps[0].err == KF_ERR_UNKNOWN_TOPIC_OR_PART,
            "{on}: report error {} ({})",
            reps[0].err,
            reps[0].err_name
        );
        assert_eq!(reps[0].msg_err, reps[0].err);
        assert_eq!(reps[0].msg.topic, topic);
        // Now the topic is known not to exist: produce fails at once.
        let (code, _) = err(produce(
            p,
            &topic,
            KF_PARTITION_UA,
            None,
            Some(b"y"),
            &[],
            0,
            None,
        ));
        assert!(
            code == KF_ERR__UNKNOWN_TOPIC || code == KF_ERR_UNKNOWN_TOPIC_OR_PART,
            "{on}: produce error {code}"
        );
        ok(kf_producer_destroy(p));

        // The topic was not auto-created by the attempt.
        let p = producer_with(&cluster, &[("allow.auto.create.topics", "false")], None);
        let mut md = null_mut();
        ok(kf_producer_list_topics(
            p,
            cs(&topic).as_ptr(),
            10_000,
            &mut md,
        ));
        assert_eq!(
            kf_metadata_topic_error_code(md, 0),
            KF_ERR_UNKNOWN_TOPIC_OR_PART,
            "{on}"
        );
        kf_metadata_destroy(md);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn oversized_message_fails_at_produce() {
    for cluster in Cluster::both() {
        let topic = unique("big");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let per_msg = Recorder::default();
        let p = producer_with(&cluster, &[("message.max.bytes", "10000")], Some(&global));
        let big = vec![7u8; 20_000];
        let e = produce(p, &topic, 0, None, Some(&big), &[], 0, Some(&per_msg));
        assert!(!e.is_null());
        assert_eq!(text(kf_error_name(e)), "MSG_SIZE_TOO_LARGE");
        let (code, _) = err(e);
        assert_eq!(code, KF_ERR_MSG_SIZE_TOO_LARGE, "{}", cluster.name());
        // A key that pushes the message over the limit too.
        let (code, _) = err(produce(p, &topic, 0, Some(&big), None, &[], 0, None));
        assert_eq!(code, KF_ERR_MSG_SIZE_TOO_LARGE);
        assert_eq!(kf_producer_len(p), 0);
        // A message under the limit still goes through.
        ok(produce(
            p,
            &topic,
            0,
            None,
            Some(&big[..5000]),
            &[],
            0,
            None,
        ));
        flush_all(p);
        assert_eq!(global.len(), 1);
        assert_eq!(global.reports()[0].err, 0);
        assert_eq!(per_msg.len(), 0, "a refused message must never be reported");
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn full_local_queue_returns_queue_full_until_served() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("qfull");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let p = producer_with(
            &cluster,
            &[("queue.buffering.max.messages", "5")],
            Some(&global),
        );
        for i in 0..5 {
            ok(produce(
                p,
                &topic,
                0,
                None,
                Some(format!("m{i}").as_bytes()),
                &[],
                0,
                None,
            ));
        }
        assert_eq!(kf_producer_len(p), 5, "{on}");
        let per_msg = Recorder::default();
        let e = produce(p, &topic, 0, None, Some(b"m5"), &[], 0, Some(&per_msg));
        assert!(
            !e.is_null(),
            "{on}: sixth message enqueued despite the limit"
        );
        assert_eq!(text(kf_error_name(e)), "_QUEUE_FULL");
        assert!(kf_error_is_retriable(e) || !kf_error_is_fatal(e));
        let (code, _) = err(e);
        assert_eq!(code, KF_ERR__QUEUE_FULL, "{on}");
        assert_eq!(text(kf_error_code_name(KF_ERR__QUEUE_FULL)), "_QUEUE_FULL");
        // Still full until the delivery reports are served: the count includes them.
        std::thread::sleep(Duration::from_millis(500));
        let (code, _) = err(produce(p, &topic, 0, None, Some(b"m5"), &[], 0, None));
        assert_eq!(code, KF_ERR__QUEUE_FULL, "{on}");
        flush_all(p);
        assert_eq!(global.len(), 5);
        for i in 5..10 {
            ok(produce(
                p,
                &topic,
                0,
                None,
                Some(format!("m{i}").as_bytes()),
                &[],
                0,
                None,
            ));
        }
        flush_all(p);
        assert_eq!(global.len(), 10);
        assert!(global.reports().iter().all(|r| r.err == 0));
        assert_eq!(per_msg.len(), 0);
        ok(kf_producer_destroy(p));
        let msgs = consume_from(&cluster, &[(&topic, 0)], 10);
        let vals: Vec<_> = msgs.iter().map(|m| m.value.clone().unwrap()).collect();
        let want: Vec<_> = (0..10).map(|i| format!("m{i}").into_bytes()).collect();
        assert_eq!(vals, want, "{on}");
    }
}

#[test]
fn unknown_partition_of_a_known_topic() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("onepart");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let p = producer_with(&cluster, &[("message.timeout.ms", "10000")], Some(&global));
        // Make the producer learn the topic's partition count first.
        let mut md = null_mut();
        ok(kf_producer_list_topics(
            p,
            cs(&topic).as_ptr(),
            10_000,
            &mut md,
        ));
        assert_eq!(kf_metadata_partition_count(md, 0), 1);
        kf_metadata_destroy(md);
        let e = produce(p, &topic, 99, None, Some(b"x"), &[], 0, None);
        assert!(!e.is_null(), "{on}: partition 99 accepted");
        assert_eq!(text(kf_error_name(e)), "_UNKNOWN_PARTITION");
        let (code, _) = err(e);
        assert_eq!(code, KF_ERR__UNKNOWN_PARTITION, "{on}");
        assert_eq!(kf_producer_len(p), 0);
        flush_all(p);
        assert_eq!(global.len(), 0);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn unknown_partition_before_metadata_is_reported_on_delivery() {
    // Produced before the producer knows the topic: the message waits for metadata, then fails
    // through its delivery report rather than at produce.
    for cluster in Cluster::both() {
        let topic = unique("onepart-late");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let p = producer_with(&cluster, &[("message.timeout.ms", "10000")], Some(&global));
        let e = produce(p, &topic, 99, None, Some(b"x"), &[], 0, None);
        if e.is_null() {
            flush_all(p);
            let reps = global.reports();
            assert_eq!(reps.len(), 1);
            assert_eq!(reps[0].err, KF_ERR__UNKNOWN_PARTITION, "{}", cluster.name());
            assert_eq!(reps[0].err_name, "_UNKNOWN_PARTITION");
        } else {
            let (code, _) = err(e);
            assert_eq!(code, KF_ERR__UNKNOWN_PARTITION, "{}", cluster.name());
        }
        ok(kf_producer_destroy(p));
    }
}

// ---------------------------------------------------------------------------------------------
// produce_batch
// ---------------------------------------------------------------------------------------------

#[test]
fn produce_batch_reports_per_message_errors_and_keeps_headers() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let ta = unique("batch-a");
        let tb = unique("batch-b");
        cluster.create_topic(&ta, 2);
        cluster.create_topic(&tb, 1);
        let global = Recorder::default();
        let own = Recorder::default();
        let refused = Recorder::default();
        let p = producer_with(&cluster, &[("message.max.bytes", "10000")], Some(&global));

        let big = vec![1u8; 20_000];
        let empty: &[u8] = &[];
        let h0: Headers = &[("h", Some(b"0")), ("n", None)];
        let h1: Headers = &[("h", Some(b"1")), ("h", Some(b"1b")), ("e", Some(empty))];
        let h4: Headers = &[("x", Some(b"four"))];
        let hbad: Headers = &[("bad", Some(b"!"))];
        let (v0, v1, v4, vbad) = (
            header_views(h0),
            header_views(h1),
            header_views(h4),
            header_views(hbad),
        );
        let (hs0, hs1, hs4, hsbad) = (&v0.1[..], &v1.1[..], &v4.1[..], &vbad.1[..]);
        let none: &[kf_header_view_t] = &[];
        let (cta, ctb) = (cs(&ta), cs(&tb));
        let ts = now_ms() - 3_600_000;
        let msg = |topic: *const std::os::raw::c_char,
                   partition: i32,
                   key: Option<&[u8]>,
                   value: Option<&[u8]>,
                   headers: &[kf_header_view_t],
                   timestamp_ms: i64,
                   rec: Option<&Recorder>| {
            let (kp, kl) = ptr_len(key);
            let (vp, vl) = ptr_len(value);
            kf_produce_message_t {
                size: std::mem::size_of::<kf_produce_message_t>(),
                topic,
                partition,
                key: kp,
                key_len: kl,
                value: vp,
                value_len: vl,
                headers: if headers.is_empty() {
                    null()
                } else {
                    headers.as_ptr()
                },
                header_count: headers.len(),
                timestamp_ms,
                on_delivery: rec.map(|_| record as unsafe extern "C" fn(_, _, _)),
                opaque: rec.map_or(null_mut(), |r| r.opaque()),
                free_value: None,
                free_opaque: null_mut(),
                err: -12345,
            }
        };
        let mut batch = vec![
            msg(cta.as_ptr(), 0, Some(b"a0"), Some(b"v0"), hs0, 0, None),
            msg(cta.as_ptr(), 1, Some(b"a1"), Some(b"v1"), hs1, ts, None),
            // Oversized, with its own callback: refused, so never reported.
            msg(cta.as_ptr(), 0, None, Some(&big), hsbad, 0, Some(&refused)),
            // NULL topic.
            msg(null(), 0, None, Some(b"nt"), hsbad, 0, Some(&refused)),
            msg(
                ctb.as_ptr(),
                0,
                Some(b"b0"),
                Some(b"v4"),
                hs4,
                0,
                Some(&own),
            ),
            // NULL value with a length.
            msg(ctb.as_ptr(), 0, None, None, none, 0, None),
            msg(ctb.as_ptr(), 0, None, None, none, ts + 5, None),
        ];
        // Make message 5 a NULL pointer with length 3.
        batch[5].value = null();
        batch[5].value_len = 3;
        let mut enqueued = usize::MAX;
        ok(kf_producer_produce_batch(
            p,
            batch.as_mut_ptr(),
            batch.len(),
            &mut enqueued,
        ));
        let errs: Vec<i32> = batch.iter().map(|m| m.err).collect();
        assert_eq!(
            errs,
            vec![
                0,
                0,
                KF_ERR_MSG_SIZE_TOO_LARGE,
                KF_ERR__INVALID_ARG,
                0,
                KF_ERR__INVALID_ARG,
                0
            ],
            "{on}"
        );
        assert_eq!(enqueued, 4);
        flush_all(p);
        assert_eq!(refused.len(), 0, "{on}: a refused message was reported");
        assert_eq!(own.len(), 1);
        assert_eq!(own.reports()[0].msg.value.as_deref(), Some(&b"v4"[..]));
        let g = global.reports();
        assert_eq!(g.len(), 3, "{on}: {g:?}");
        assert!(g.iter().chain(own.reports().iter()).all(|r| r.err == 0));

        let msgs = consume_from(&cluster, &[(&ta, 0), (&ta, 1), (&tb, 0)], 4);
        let find = |t: &str, p: i32, off: i64| {
            msgs.iter()
                .find(|m| m.topic == t && m.partition == p && m.offset == off)
                .unwrap_or_else(|| panic!("{on}: no message at {t}[{p}]@{off}: {msgs:?}"))
                .clone()
        };
        let m0 = find(&ta, 0, 0);
        assert_eq!(
            (m0.key.as_deref(), m0.value.as_deref()),
            (Some(&b"a0"[..]), Some(&b"v0"[..]))
        );
        assert_eq!(m0.headers, owned_headers(h0));
        let m1 = find(&ta, 1, 0);
        assert_eq!(m1.value.as_deref(), Some(&b"v1"[..]));
        assert_eq!(m1.headers, owned_headers(h1));
        assert_eq!(
            (m1.timestamp, m1.timestamp_type),
            (ts, KF_TIMESTAMP_CREATE_TIME)
        );
        let m4 = find(&tb, 0, 0);
        assert_eq!(m4.key.as_deref(), Some(&b"b0"[..]));
        assert_eq!(m4.headers, owned_headers(h4));
        let m6 = find(&tb, 0, 1);
        assert_eq!((m6.key.clone(), m6.value.clone()), (None, None));
        assert!(m6.headers.is_empty());
        assert_eq!(m6.timestamp, ts + 5);

        // Whole-call argument errors.
        let (code, _) = err(kf_producer_produce_batch(
            null_mut(),
            batch.as_mut_ptr(),
            1,
            null_mut(),
        ));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        let (code, _) = err(kf_producer_produce_batch(p, null_mut(), 2, null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        let mut n = 99;
        ok(kf_producer_produce_batch(p, null_mut(), 0, &mut n));
        assert_eq!(n, 0);
        ok(kf_producer_destroy(p));
    }
}

/// Messages without headers or timestamp, consecutive to one topic and partition, go to
/// librdkafka in one batch call: each keeps its key (null or empty), value, own delivery
/// callback and order, and a refused one in the middle of a run gets its own error.
#[test]
fn produce_batch_runs_keep_keys_callbacks_order_and_errors() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let ta = unique("run-a");
        let tb = unique("run-b");
        cluster.create_topic(&ta, 2);
        cluster.create_topic(&tb, 1);
        let global = Recorder::default();
        let own = Recorder::default();
        let refused = Recorder::default();
        let p = producer_with(&cluster, &[("message.max.bytes", "10000")], Some(&global));
        // Two copies of one name: a run is one topic, whatever the pointer.
        let (cta, cta2, ctb) = (cs(&ta), cs(&ta), cs(&tb));
        let big = vec![7u8; 20_000];
        let empty: &[u8] = &[];
        let msg = |topic: &std::ffi::CString,
                   partition: i32,
                   key: Option<&[u8]>,
                   value: Option<&[u8]>,
                   rec: Option<&Recorder>| {
            let (kp, kl) = ptr_len(key);
            let (vp, vl) = ptr_len(value);
            kf_produce_message_t {
                size: std::mem::size_of::<kf_produce_message_t>(),
                topic: topic.as_ptr(),
                partition,
                key: kp,
                key_len: kl,
                value: vp,
                value_len: vl,
                headers: null(),
                header_count: 0,
                timestamp_ms: 0,
                on_delivery: rec.map(|_| record as unsafe extern "C" fn(_, _, _)),
                opaque: rec.map_or(null_mut(), |r| r.opaque()),
                free_value: None,
                free_opaque: null_mut(),
                err: -12345,
            }
        };
        let mut batch = vec![
            msg(&cta, 0, Some(b"k0"), Some(b"r0"), None),
            msg(&cta2, 0, None, Some(b"r1"), Some(&own)),
            msg(&cta, 0, None, Some(&big), Some(&refused)),
            msg(&cta2, 0, Some(empty), Some(b"r3"), None),
            msg(&cta, 1, None, Some(b"r4"), Some(&own)),
            msg(&ctb, 0, Some(b"k5"), None, None),
            msg(&ctb, 0, None, Some(empty), None),
            msg(&cta, KF_PARTITION_UA, None, Some(b"r7"), None),
        ];
        let mut enqueued = usize::MAX;
        ok(kf_producer_produce_batch(
            p,
            batch.as_mut_ptr(),
            batch.len(),
            &mut enqueued,
        ));
        let errs: Vec<i32> = batch.iter().map(|m| m.err).collect();
        assert_eq!(
            errs,
            vec![0, 0, KF_ERR_MSG_SIZE_TOO_LARGE, 0, 0, 0, 0, 0],
            "{on}"
        );
        assert_eq!(enqueued, 7, "{on}");
        flush_all(p);
        assert_eq!(refused.len(), 0, "{on}: a refused message was reported");
        let mut mine: Vec<_> = own.reports().iter().map(|r| r.msg.value.clone()).collect();
        mine.sort();
        assert_eq!(
            mine,
            vec![Some(b"r1".to_vec()), Some(b"r4".to_vec())],
            "{on}"
        );
        assert_eq!(global.len(), 5, "{on}: {:?}", global.reports());
        assert!(global
            .reports()
            .iter()
            .chain(own.reports().iter())
            .all(|r| r.err == 0));

        let msgs = consume_from(&cluster, &[(&ta, 0), (&ta, 1), (&tb, 0)], 7);
        type KeyValue = (Option<Vec<u8>>, Option<Vec<u8>>);
        let at = |t: &str, p: i32| -> Vec<KeyValue> {
            let mut v: Vec<_> = msgs
                .iter()
                .filter(|m| m.topic == t && m.partition == p)
                .map(|m| (m.offset, m.key.clone(), m.value.clone()))
                .collect();
            v.sort();
            v.into_iter().map(|(_, k, v)| (k, v)).collect()
        };
        let kv =
            |k: Option<&[u8]>, v: Option<&[u8]>| (k.map(|k| k.to_vec()), v.map(|v| v.to_vec()));
        let a0 = at(&ta, 0);
        assert_eq!(
            a0[..3],
            [
                kv(Some(b"k0"), Some(b"r0")),
                kv(None, Some(b"r1")),
                kv(Some(empty), Some(b"r3"))
            ],
            "{on}: {msgs:?}"
        );
        let a1 = at(&ta, 1);
        assert_eq!(a1[0], kv(None, Some(b"r4")), "{on}: {msgs:?}");
        // r7 went to whichever partition the partitioner chose, after the others there.
        let rest: Vec<_> = a0[3..].iter().chain(&a1[1..]).cloned().collect();
        assert_eq!(rest, vec![kv(None, Some(b"r7"))], "{on}: {msgs:?}");
        assert_eq!(
            at(&tb, 0),
            vec![kv(Some(b"k5"), None), kv(None, Some(empty))],
            "{on}"
        );
        ok(kf_producer_destroy(p));
    }
}

// ---------------------------------------------------------------------------------------------
// flush, len, purge
// ---------------------------------------------------------------------------------------------

#[test]
fn len_counts_queued_messages_and_flush_drains_them() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("len");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        // A long linger keeps the messages queued until flush.
        let p = producer_with(&cluster, &[("linger.ms", "60000")], Some(&global));
        assert_eq!(kf_producer_len(p), 0);
        for i in 0..7 {
            ok(produce(p, &topic, 0, None, Some(&[i]), &[], 0, None));
            assert_eq!(kf_producer_len(p), i as usize + 1, "{on}");
        }
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            kf_producer_len(p),
            7,
            "{on}: lingering messages left the queue"
        );
        let t0 = Instant::now();
        flush_all(p);
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "{on}: flush waited for linger.ms"
        );
        assert_eq!(global.len(), 7);
        // Nothing left: flush(0) returns 0 at once.
        let mut remaining = usize::MAX;
        ok(kf_producer_flush(p, 0, &mut remaining));
        assert_eq!(remaining, 0);
        let (code, _) = err(kf_producer_flush(null_mut(), 0, null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn flush_timeout_returns_remaining_while_broker_is_down() {
    let cluster = Cluster::mock(1);
    let topic = unique("down");
    cluster.create_topic(&topic, 1);
    let global = Recorder::default();
    let p = producer_with(
        &cluster,
        &[
            ("reconnect.backoff.ms", "50"),
            ("reconnect.backoff.max.ms", "200"),
        ],
        Some(&global),
    );
    // Connected and leader known.
    ok(produce(p, &topic, 0, None, Some(b"first"), &[], 0, None));
    flush_all(p);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    for i in 0..3 {
        ok(produce(
            p,
            &topic,
            0,
            None,
            Some(format!("d{i}").as_bytes()),
            &[],
            0,
            None,
        ));
    }
    let t0 = Instant::now();
    let mut remaining = 0;
    ok(kf_producer_flush(p, 500, &mut remaining));
    let took = t0.elapsed();
    assert_eq!(remaining, 3, "messages delivered to a downed broker?");
    assert!(
        took >= Duration::from_millis(450),
        "flush returned after {took:?}"
    );
    assert!(took < Duration::from_secs(5), "flush(500) took {took:?}");
    assert_eq!(kf_producer_len(p), 3);
    assert_eq!(global.len(), 1);
    ok(kf_mock_cluster_broker_up(cluster.mock, 1));
    let mut remaining = usize::MAX;
    ok(kf_producer_flush(p, 20_000, &mut remaining));
    assert_eq!(remaining, 0);
    assert_eq!(kf_producer_len(p), 0);
    let reps = global.reports();
    assert_eq!(reps.len(), 4);
    assert!(reps.iter().all(|r| r.err == 0), "{reps:?}");
    let offsets: Vec<i64> = reps.iter().map(|r| r.msg.offset).collect();
    assert_eq!(offsets, vec![0, 1, 2, 3]);
    ok(kf_producer_destroy(p));
}

#[test]
fn purge_queued_messages_reports_purge_queue() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("purge");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let own = Recorder::default();
        let p = producer_with(&cluster, &[("linger.ms", "60000")], Some(&global));
        for i in 0..5 {
            let cb = if i == 2 { Some(&own) } else { None };
            ok(produce(p, &topic, 0, None, Some(&[i]), &[], 0, cb));
        }
        assert_eq!(kf_producer_len(p), 5);
        // Blocking purge of the local queue.
        ok(kf_producer_purge(p, true, false, true));
        assert_eq!(global.len() + own.len(), 0, "{on}: reports before poll");
        poll_until(p, &global, 4);
        assert_eq!(own.len(), 1);
        for r in global.reports().iter().chain(own.reports().iter()) {
            assert_eq!(r.err, KF_ERR__PURGE_QUEUE, "{on}: {r:?}");
            assert_eq!(r.err_name, "_PURGE_QUEUE");
            assert_eq!(r.msg_err, KF_ERR__PURGE_QUEUE);
        }
        assert_eq!(own.reports()[0].msg.value, Some(vec![2]));
        assert_eq!(kf_producer_len(p), 0);

        // Non-blocking purge.
        let global2 = Recorder::default();
        for i in 0..3 {
            ok(produce(
                p,
                &topic,
                0,
                None,
                Some(&[10 + i]),
                &[],
                0,
                Some(&global2),
            ));
        }
        ok(kf_producer_purge(p, true, false, false));
        poll_until(p, &global2, 3);
        assert!(global2
            .reports()
            .iter()
            .all(|r| r.err == KF_ERR__PURGE_QUEUE));
        let mut vals: Vec<u8> = global2
            .reports()
            .iter()
            .map(|r| r.msg.value.as_ref().unwrap()[0])
            .collect();
        vals.sort();
        assert_eq!(vals, vec![10, 11, 12]);

        // Purging nothing is fine, and the producer still delivers afterwards.
        ok(kf_producer_purge(p, true, true, true));
        ok(produce(p, &topic, 0, None, Some(b"after"), &[], 0, None));
        flush_all(p);
        let last = global.reports().last().unwrap().clone();
        assert_eq!(
            (last.err, last.msg.offset),
            (0, 0),
            "{on}: purged messages were written?"
        );
        let (code, _) = err(kf_producer_purge(null_mut(), true, true, true));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        ok(kf_producer_destroy(p));
        let msgs = consume_from(&cluster, &[(&topic, 0)], 1);
        assert_eq!(msgs[0].value.as_deref(), Some(&b"after"[..]));
    }
}

// ---------------------------------------------------------------------------------------------
// list_topics
// ---------------------------------------------------------------------------------------------

fn check_topic_metadata(
    on: &str,
    md: *const kf_metadata_t,
    t: usize,
    name: &str,
    parts: usize,
    rf: usize,
) {
    let brokers: BTreeSet<i32> = (0..kf_metadata_broker_count(md))
        .map(|b| kf_metadata_broker_id(md, b))
        .collect();
    assert_eq!(text(kf_metadata_topic_name(md, t)), name);
    assert_eq!(kf_metadata_topic_error_code(md, t), 0, "{on}: {name}");
    assert_eq!(kf_metadata_partition_count(md, t), parts, "{on}: {name}");
    let mut ids = Vec::new();
    for p in 0..parts {
        ids.push(kf_metadata_partition_id(md, t, p));
        assert_eq!(kf_metadata_partition_error_code(md, t, p), 0);
        let leader = kf_metadata_partition_leader(md, t, p);
        assert!(
            brokers.contains(&leader),
            "{on}: leader {leader} not in {brokers:?}"
        );
        assert_eq!(kf_metadata_partition_replica_count(md, t, p), rf, "{on}");
        let replicas: BTreeSet<i32> = (0..rf)
            .map(|r| kf_metadata_partition_replica(md, t, p, r))
            .collect();
        assert_eq!(replicas.len(), rf, "{on}: replicas repeat");
        assert!(replicas.is_subset(&brokers));
        assert!(replicas.contains(&leader));
        let isr_n = kf_metadata_partition_isr_count(md, t, p);
        assert!(isr_n >= 1 && isr_n <= rf, "{on}: isr count {isr_n}");
        let isrs: BTreeSet<i32> = (0..isr_n)
            .map(|i| kf_metadata_partition_isr(md, t, p, i))
            .collect();
        assert!(
            isrs.is_subset(&replicas) && isrs.contains(&leader),
            "{on}: isr {isrs:?}"
        );
        // Out of range.
        assert_eq!(kf_metadata_partition_replica(md, t, p, rf), -1);
        assert_eq!(kf_metadata_partition_isr(md, t, p, isr_n), -1);
    }
    ids.sort();
    assert_eq!(ids, (0..parts as i32).collect::<Vec<_>>(), "{on}");
    assert_eq!(kf_metadata_partition_id(md, t, parts), -1);
    assert_eq!(kf_metadata_partition_leader(md, t, parts), -1);
}

fn check_brokers(on: &str, md: *const kf_metadata_t, bootstrap: &str) {
    let mut addrs = BTreeSet::new();
    let n = kf_metadata_broker_count(md);
    for b in 0..n {
        assert!(kf_metadata_broker_id(md, b) >= 0);
        addrs.insert(format!(
            "{}:{}",
            text(kf_metadata_broker_host(md, b)),
            kf_metadata_broker_port(md, b)
        ));
    }
    let want: BTreeSet<String> = bootstrap.split(',').map(|s| s.trim().to_string()).collect();
    assert_eq!(addrs, want, "{on}: broker addresses");
    let ids: BTreeSet<i32> = (0..n).map(|b| kf_metadata_broker_id(md, b)).collect();
    assert_eq!(ids.len(), n, "{on}: duplicate broker ids");
    // The answering broker: a known one ("host:port/<id>"), or a bootstrap connection that
    // has no id yet ("host:port/bootstrap", id -1), as librdkafka reports it.
    let orig = kf_metadata_orig_broker_id(md);
    let orig_name = text(kf_metadata_orig_broker_name(md));
    let (addr, suffix) = orig_name
        .rsplit_once('/')
        .unwrap_or_else(|| panic!("{orig_name}"));
    assert!(want.contains(addr), "{on}: orig broker {orig_name}");
    assert!(
        (orig == -1 && suffix == "bootstrap")
            || (ids.contains(&orig) && suffix == orig.to_string()),
        "{on}: orig broker {orig} ({orig_name}) not in {ids:?}"
    );
    assert_eq!(kf_metadata_broker_id(md, n), -1);
    assert!(kf_metadata_broker_host(md, n).is_null());
    assert_eq!(kf_metadata_broker_port(md, n), -1);
}

#[test]
fn list_topics_all_one_and_unknown() {
    let mut clusters = Cluster::both();
    clusters.push(Cluster::mock(3));
    for cluster in clusters {
        let on = format!("{} ({})", cluster.name(), cluster.bootstrap);
        let topic = unique("meta");
        // Three replicas on the three-broker mock cluster.
        let rf = if cluster.is_mock() && cluster.bootstrap.contains(',') {
            ok(kf_mock_cluster_topic_create(
                cluster.mock,
                cs(&topic).as_ptr(),
                3,
                3,
            ));
            3
        } else {
            cluster.create_topic(&topic, 3);
            1
        };
        let p = producer_with(&cluster, &[("allow.auto.create.topics", "false")], None);
        // Wait until every partition has a leader (the three-broker topic was made directly).
        let deadline = Instant::now() + Duration::from_secs(20);
        let md = loop {
            let mut md = null_mut();
            ok(kf_producer_list_topics(
                p,
                cs(&topic).as_ptr(),
                10_000,
                &mut md,
            ));
            if kf_metadata_topic_error_code(md, 0) == 0
                && kf_metadata_partition_count(md, 0) == 3
                && (0..3).all(|i| kf_metadata_partition_leader(md, 0, i) >= 0)
            {
                break md;
            }
            kf_metadata_destroy(md);
            assert!(Instant::now() < deadline, "{on}: no leaders");
            std::thread::sleep(Duration::from_millis(100));
        };
        // One topic.
        assert_eq!(kf_metadata_topic_count(md), 1, "{on}");
        check_brokers(&on, md, &cluster.bootstrap);
        check_topic_metadata(&on, md, 0, &topic, 3, rf);
        assert!(kf_metadata_topic_name(md, 1).is_null());
        assert_eq!(kf_metadata_topic_error_code(md, 1), KF_ERR__INVALID_ARG);
        assert_eq!(kf_metadata_partition_count(md, 1), 0);
        kf_metadata_destroy(md);

        // All topics: ours is among them, with the same details.
        let mut md = null_mut();
        ok(kf_producer_list_topics(p, null(), 10_000, &mut md));
        check_brokers(&on, md, &cluster.bootstrap);
        let names: Vec<String> = (0..kf_metadata_topic_count(md))
            .map(|t| text(kf_metadata_topic_name(md, t)))
            .collect();
        let t = names
            .iter()
            .position(|n| *n == topic)
            .unwrap_or_else(|| panic!("{on}: {topic} not in {names:?}"));
        check_topic_metadata(&on, md, t, &topic, 3, rf);
        kf_metadata_destroy(md);

        // Unknown topic, auto-creation off: the topic carries the error, the call succeeds.
        let missing = unique("meta-missing");
        let mut md = null_mut();
        ok(kf_producer_list_topics(
            p,
            cs(&missing).as_ptr(),
            10_000,
            &mut md,
        ));
        assert_eq!(kf_metadata_topic_count(md), 1);
        assert_eq!(text(kf_metadata_topic_name(md, 0)), missing);
        assert_eq!(
            kf_metadata_topic_error_code(md, 0),
            KF_ERR_UNKNOWN_TOPIC_OR_PART,
            "{on}"
        );
        assert_eq!(kf_metadata_partition_count(md, 0), 0);
        kf_metadata_destroy(md);

        // Argument errors.
        let (code, _) = err(kf_producer_list_topics(p, null(), 1000, null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        let mut md = null_mut();
        let (code, _) = err(kf_producer_list_topics(null_mut(), null(), 1000, &mut md));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        assert!(md.is_null());
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn list_topics_times_out_when_the_broker_is_down() {
    let cluster = Cluster::mock(1);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    let p = producer_with(&cluster, &[], None);
    let mut md = null_mut();
    let t0 = Instant::now();
    let (code, _) = err(kf_producer_list_topics(p, null(), 500, &mut md));
    assert!(
        code == KF_ERR__TIMED_OUT || code == KF_ERR__TRANSPORT,
        "error {code}"
    );
    assert!(md.is_null());
    assert!(t0.elapsed() < Duration::from_secs(5));
    ok(kf_producer_destroy(p));
}

// ---------------------------------------------------------------------------------------------
// SASL credentials
// ---------------------------------------------------------------------------------------------

#[test]
fn set_sasl_credentials_replaces_a_wrong_password() {
    let plain = Cluster::broker();
    let topic = unique("sasl-creds");
    plain.create_topic(&topic, 1);
    let sasl_bs = std::env::var("KAFKA_SASL_BOOTSTRAP_SERVERS")
        .expect("KAFKA_SASL_BOOTSTRAP_SERVERS is not set: source /tmp/kafkaffi-kafka/env");
    let user = std::env::var("KAFKA_SASL_PLAIN_USER").unwrap_or("plainuser".into());
    let pass = std::env::var("KAFKA_SASL_PLAIN_PASSWORD").unwrap_or("plain-secret".into());
    let sasl = Cluster {
        bootstrap: sasl_bs,
        mock: null_mut(),
    };
    let global = Recorder::default();
    // Created with a wrong password: it cannot authenticate until the credentials are replaced.
    let p = producer_with(
        &sasl,
        &[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.username", &user),
            ("sasl.password", "wrong-password"),
            ("reconnect.backoff.ms", "100"),
            ("reconnect.backoff.max.ms", "300"),
            ("log_level", "0"),
        ],
        Some(&global),
    );
    ok(produce(p, &topic, 0, None, Some(b"before"), &[], 0, None));
    let mut remaining = 0;
    ok(kf_producer_flush(p, 1500, &mut remaining));
    assert_eq!(remaining, 1, "delivered with a wrong password?");

    // NULL arguments fail and change nothing.
    let (code, msg) = err(kf_producer_set_sasl_credentials(
        p,
        null(),
        cs(&pass).as_ptr(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("username"), "{msg}");
    let (code, msg) = err(kf_producer_set_sasl_credentials(
        p,
        cs(&user).as_ptr(),
        null(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("password"), "{msg}");
    let (code, _) = err(kf_producer_set_sasl_credentials(
        null_mut(),
        cs(&user).as_ptr(),
        cs(&pass).as_ptr(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);

    ok(kf_producer_set_sasl_credentials(
        p,
        cs(&user).as_ptr(),
        cs(&pass).as_ptr(),
    ));
    let mut remaining = usize::MAX;
    ok(kf_producer_flush(p, 30_000, &mut remaining));
    assert_eq!(remaining, 0, "the new credentials were not used");
    let reps = global.reports();
    assert_eq!(reps.len(), 1);
    assert_eq!(reps[0].err, 0, "{reps:?}");
    ok(kf_producer_destroy(p));
    let msgs = consume_from(&plain, &[(&topic, 0)], 1);
    assert_eq!(msgs[0].value.as_deref(), Some(&b"before"[..]));
}

// ---------------------------------------------------------------------------------------------
// wake, event fd
// ---------------------------------------------------------------------------------------------

/// Runs `call` on another thread until it fails, wakes the producer after 300 ms and returns
/// (error code, time from the wake-up to the return).
fn wake_blocked(
    p: *mut kf_producer_t,
    call: fn(*mut kf_producer_t) -> *mut kf_error_t,
) -> (i32, Duration) {
    let sp = Shared(p);
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let sp = sp;
        started_tx.send(()).unwrap();
        let e = call(sp.0);
        let code = kf_error_code(e); // 0 when the call returned without an error
        kf_error_destroy(e);
        let _ = done_tx.send((code, Instant::now()));
    });
    started_rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    if let Ok((code, _)) = done_rx.try_recv() {
        panic!("the blocking call returned (error {code}) before the wake-up");
    }
    let woke = Instant::now();
    ok(kf_producer_wake(p));
    // Bounded: a wake-up that does not work fails the test instead of hanging it (the blocked
    // thread and its producer are leaked then).
    let (code, done) = done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the blocking call was not woken up");
    (code, done.saturating_duration_since(woke))
}

#[test]
fn wake_interrupts_a_blocking_poll() {
    for cluster in Cluster::both() {
        let p = producer_with(&cluster, &[], None);
        let (code, took) = wake_blocked(p, |p| kf_producer_poll(p, -1, null_mut()));
        assert_eq!(code, KF_ERR__INTR, "{}", cluster.name());
        assert!(
            took < Duration::from_secs(1),
            "poll returned {took:?} after the wake-up"
        );
        // The wake-up was consumed: the next poll does not fail.
        ok(kf_producer_poll(p, 0, null_mut()));
        // A wake-up with nothing blocked is latched for the next call, once.
        ok(kf_producer_wake(p));
        let t0 = Instant::now();
        let (code, _) = err(kf_producer_poll(p, 5000, null_mut()));
        assert_eq!(code, KF_ERR__INTR);
        assert!(t0.elapsed() < Duration::from_secs(1));
        ok(kf_producer_poll(p, 0, null_mut()));
        let (code, _) = err(kf_producer_wake(null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn wake_interrupts_a_blocking_flush_with_the_broker_down() {
    let cluster = Cluster::mock(1);
    let topic = unique("wakeflush");
    cluster.create_topic(&topic, 1);
    let global = Recorder::default();
    let p = producer_with(
        &cluster,
        &[
            ("reconnect.backoff.ms", "50"),
            ("reconnect.backoff.max.ms", "200"),
        ],
        Some(&global),
    );
    ok(produce(p, &topic, 0, None, Some(b"up"), &[], 0, None));
    flush_all(p);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    ok(produce(p, &topic, 0, None, Some(b"down"), &[], 0, None));
    let (code, took) = wake_blocked(p, |p| kf_producer_flush(p, -1, null_mut()));
    assert_eq!(code, KF_ERR__INTR);
    assert!(
        took < Duration::from_secs(1),
        "flush returned {took:?} after the wake-up"
    );
    assert_eq!(kf_producer_len(p), 1, "the message is still pending");
    ok(kf_mock_cluster_broker_up(cluster.mock, 1));
    flush_all(p);
    let reps = global.reports();
    assert_eq!(reps.len(), 2);
    assert_eq!((reps[1].err, reps[1].msg.offset), (0, 1));
    ok(kf_producer_destroy(p));
}

fn readable(fd: i32, timeout_ms: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
    assert!(n >= 0, "poll: {}", std::io::Error::last_os_error());
    n == 1 && (pfd.revents & libc::POLLIN) != 0
}

fn drain(fd: i32) {
    let mut buf = [0u8; 64];
    loop {
        let n = unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) };
        if n <= 0 {
            break;
        }
    }
}

#[test]
fn event_fd_becomes_readable_when_a_delivery_report_is_ready() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("evfd");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let p = producer_with(&cluster, &[("linger.ms", "0")], Some(&global));
        let mut fd = -1;
        ok(kf_producer_event_fd(p, &mut fd));
        assert!(fd >= 0);
        let mut fd2 = -2;
        ok(kf_producer_event_fd(p, &mut fd2));
        assert_eq!(fd, fd2, "the same descriptor every time");
        // Serve anything pending from start-up, then nothing is ready.
        drain(fd);
        ok(kf_producer_poll(p, 0, null_mut()));
        drain(fd);
        for round in 0..3 {
            assert!(
                !readable(fd, 0),
                "{on} round {round}: readable with nothing to serve"
            );
            ok(produce(p, &topic, 0, None, Some(&[round]), &[], 0, None));
            assert!(
                readable(fd, 10_000),
                "{on} round {round}: never became readable"
            );
            // Readable, but the report waits for poll.
            assert_eq!(global.len(), round as usize);
            drain(fd);
            let mut served = 0;
            ok(kf_producer_poll(p, 0, &mut served));
            assert!(served >= 1, "{on}: readable but nothing served");
            assert_eq!(global.len(), round as usize + 1);
            let r = global.reports().last().unwrap().clone();
            assert_eq!(
                (r.err, r.msg.offset, r.msg.value),
                (0, round as i64, Some(vec![round]))
            );
        }
        let (code, _) = err(kf_producer_event_fd(p, null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        let (code, _) = err(kf_producer_event_fd(null_mut(), &mut fd2));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        ok(kf_producer_destroy(p));
    }
}

// ---------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------

#[test]
fn concurrent_produce_from_four_threads_with_one_poller() {
    const THREADS: usize = 4;
    const PER_THREAD: usize = 500;
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("concurrent");
        cluster.create_topic(&topic, 3);
        let global = Arc::new(Recorder::default());
        let own: Vec<Arc<Recorder>> = (0..THREADS)
            .map(|_| Arc::new(Recorder::default()))
            .collect();
        let p = producer_with(&cluster, &[("linger.ms", "5")], Some(&global));
        let sp = Shared(p);
        let done = Arc::new(AtomicBool::new(false));
        let poller = {
            let done = done.clone();
            std::thread::spawn(move || {
                let sp = sp;
                let mut served = 0usize;
                while !done.load(Ordering::SeqCst) {
                    let mut n = 0;
                    ok(kf_producer_poll(sp.0, 50, &mut n));
                    served += n as usize;
                }
                (served, format!("{:?}", std::thread::current().id()))
            })
        };
        let producers: Vec<_> = (0..THREADS)
            .map(|t| {
                let rec = own[t].clone();
                let topic = topic.clone();
                std::thread::spawn(move || {
                    let sp = sp;
                    for i in 0..PER_THREAD {
                        let v = format!("t{t}-{i}");
                        // Every other message names its thread's own callback.
                        let cb = if i % 2 == 0 { Some(&*rec) } else { None };
                        loop {
                            let e = produce(
                                sp.0,
                                &topic,
                                KF_PARTITION_UA,
                                Some(format!("k{i}").as_bytes()),
                                Some(v.as_bytes()),
                                &[("thread", Some(t.to_string().as_bytes()))],
                                0,
                                cb,
                            );
                            if e.is_null() {
                                break;
                            }
                            let (code, msg) = err(e);
                            assert_eq!(code, KF_ERR__QUEUE_FULL, "{msg}");
                            std::thread::sleep(Duration::from_millis(5));
                        }
                    }
                })
            })
            .collect();
        for h in producers {
            h.join().unwrap();
        }
        // Let the poller serve for a while, then stop it and flush the rest here.
        let deadline = Instant::now() + Duration::from_secs(20);
        while kf_producer_len(p) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        done.store(true, Ordering::SeqCst);
        let (served, poller_thread) = poller.join().unwrap();
        flush_all(p);
        assert!(served > 0, "{on}: the poller served nothing");

        let mut all: Vec<Report> = global.reports();
        assert_eq!(all.len(), THREADS * PER_THREAD / 2, "{on}: global reports");
        for (t, rec) in own.iter().enumerate() {
            let reps = rec.reports();
            assert_eq!(reps.len(), PER_THREAD / 2, "{on}: thread {t}'s own reports");
            for r in &reps {
                let v = String::from_utf8(r.msg.value.clone().unwrap()).unwrap();
                let i: usize = v.rsplit('-').next().unwrap().parse().unwrap();
                assert!(
                    v.starts_with(&format!("t{t}-")) && i % 2 == 0,
                    "{on}: {v} reported to thread {t}"
                );
            }
            all.extend(reps);
        }
        for r in [&*global].into_iter().chain(own.iter().map(|r| &**r)) {
            // Callbacks ran on the poller, or on this thread inside the final flush.
            let main = format!("{:?}", std::thread::current().id());
            let th = r.threads.lock().unwrap().clone();
            assert!(
                th.iter().all(|x| *x == main || *x == poller_thread),
                "{th:?}"
            );
        }
        assert!(all.iter().all(|r| r.err == 0), "{on}: delivery errors");
        let values: BTreeSet<Vec<u8>> = all.iter().map(|r| r.msg.value.clone().unwrap()).collect();
        assert_eq!(
            values.len(),
            THREADS * PER_THREAD,
            "{on}: a message was reported twice"
        );
        let positions: BTreeSet<(i32, i64)> = all
            .iter()
            .map(|r| (r.msg.partition, r.msg.offset))
            .collect();
        assert_eq!(
            positions.len(),
            THREADS * PER_THREAD,
            "{on}: two reports at one offset"
        );
        for r in &all {
            let v = String::from_utf8(r.msg.value.clone().unwrap()).unwrap();
            let t = &v[1..v.find('-').unwrap()];
            assert_eq!(
                r.msg.headers,
                vec![("thread".to_string(), Some(t.as_bytes().to_vec()))]
            );
        }
        ok(kf_producer_destroy(p));

        let msgs = consume_from(
            &cluster,
            &[(&topic, 0), (&topic, 1), (&topic, 2)],
            THREADS * PER_THREAD,
        );
        let consumed: BTreeSet<Vec<u8>> = msgs.iter().map(|m| m.value.clone().unwrap()).collect();
        assert_eq!(
            consumed, values,
            "{on}: consumed messages differ from the delivered ones"
        );
        let consumed_pos: BTreeSet<(i32, i64)> =
            msgs.iter().map(|m| (m.partition, m.offset)).collect();
        assert_eq!(consumed_pos, positions);
    }
}

// ---------------------------------------------------------------------------------------------
// Re-entrancy and destroy
// ---------------------------------------------------------------------------------------------

struct Reentrant {
    p: *mut kf_producer_t,
    /// Error codes of poll, flush and destroy called from inside the callback.
    codes: Mutex<Vec<(i32, i32, i32)>>,
}

unsafe extern "C" fn reenter(opaque: *mut c_void, _m: *const kf_message_t, _e: *const kf_error_t) {
    let r = &*(opaque as *const Reentrant);
    let code = |e: *mut kf_error_t| {
        let c = kf_error_code(e);
        kf_error_destroy(e);
        c
    };
    let poll = code(kf_producer_poll(r.p, 0, null_mut()));
    let flush = code(kf_producer_flush(r.p, 0, null_mut()));
    let destroy = code(kf_producer_destroy(r.p));
    r.codes.lock().unwrap().push((poll, flush, destroy));
}

#[test]
fn poll_flush_and_destroy_inside_a_delivery_callback_fail_with_state() {
    for cluster in Cluster::both() {
        let topic = unique("reenter");
        cluster.create_topic(&topic, 1);
        let p = producer_with(&cluster, &[], None);
        let r = Reentrant {
            p,
            codes: Mutex::new(Vec::new()),
        };
        for _ in 0..2 {
            ok(kf_producer_produce(
                p,
                cs(&topic).as_ptr(),
                0,
                null(),
                0,
                b"x".as_ptr(),
                1,
                null(),
                0,
                Some(reenter),
                &r as *const Reentrant as *mut c_void,
            ));
        }
        flush_all(p);
        let codes = r.codes.lock().unwrap().clone();
        assert_eq!(
            codes,
            vec![(KF_ERR__STATE, KF_ERR__STATE, KF_ERR__STATE); 2],
            "{}",
            cluster.name()
        );
        // The producer survived its callback's destroy attempt.
        assert!(kf_producer_fatal_error(p).is_null());
        ok(produce(p, &topic, 0, None, Some(b"y"), &[], 0, None));
        flush_all(p);
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn destroy_drops_pending_messages_without_running_callbacks() {
    for cluster in Cluster::both() {
        let topic = unique("destroy");
        cluster.create_topic(&topic, 1);
        let global = Recorder::default();
        let own = Recorder::default();
        let p = producer_with(&cluster, &[("linger.ms", "60000")], Some(&global));
        for i in 0..4 {
            let cb = if i % 2 == 0 { Some(&own) } else { None };
            ok(produce(p, &topic, 0, None, Some(&[i]), &[], 0, cb));
        }
        assert_eq!(kf_producer_len(p), 4);
        let t0 = Instant::now();
        ok(kf_producer_destroy(p));
        assert!(t0.elapsed() < Duration::from_secs(5), "destroy waited");
        assert_eq!(
            global.len() + own.len(),
            0,
            "{}: destroy ran a callback",
            cluster.name()
        );
    }
}

/// Header views of `h` (the names as C strings, kept alive in the first element).
fn header_views(h: Headers) -> (Vec<std::ffi::CString>, Vec<kf_header_view_t>) {
    let names: Vec<_> = h.iter().map(|(n, _)| cs(n)).collect();
    let views = h
        .iter()
        .zip(&names)
        .map(|((_, v), n)| {
            let (vp, vl) = ptr_len(*v);
            kf_header_view_t {
                name: n.as_ptr(),
                value: vp,
                value_len: vl,
            }
        })
        .collect();
    (names, views)
}
