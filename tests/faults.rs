//! Faults with counts (issue 7, item 1): every scenario drives kafkaffi through its C ABI while a
//! fault happens, then prints per partition how many messages were sent, acknowledged, consumed,
//! duplicated, lost and consumed out of order, and asserts that no acknowledged message is lost,
//! that nothing is duplicated where idempotence or transactions promise it, and that every
//! partition is read in order.
//!
//! `real_*` tests need the 3-node cluster of scripts/cluster/start.sh (KAFKA_CLUSTER_* from
//! /tmp/kafkaffi-cluster/env; they fail, never skip, without it): run them with
//! scripts/faults.sh [--long]. They take turns (they kill brokers). `mock_*` tests use
//! librdkafka's mock cluster and run anywhere.
//!
//! Knobs: KAFKAFFI_FAULTS_MESSAGES (messages per scenario, default 2000) and
//! KAFKAFFI_FAULTS_RATE (messages per second the producer is paced at, default 500).
mod common;

use common::*;
use kafkaffi::ffi::inputs::*;
use kafkaffi::ffi::result::*;
use std::collections::{BTreeMap, HashSet};
use std::os::raw::c_void;
use std::process::Command;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const PARTITIONS: i32 = 3;

fn messages() -> usize {
    std::env::var("KAFKAFFI_FAULTS_MESSAGES")
        .ok()
        .map(|v| v.parse().expect("KAFKAFFI_FAULTS_MESSAGES: a number"))
        .unwrap_or(2000)
}

fn rate() -> f64 {
    std::env::var("KAFKAFFI_FAULTS_RATE")
        .ok()
        .map(|v| v.parse().expect("KAFKAFFI_FAULTS_RATE: a number"))
        .unwrap_or(500.0)
}

fn log(what: &str) {
    eprintln!("[{}] {what}", chrono_now());
}

/// Runs `f` and logs its duration when it took longer than 2 s: in the exactly-once scenarios a
/// stall must say which call it was in.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    if t.elapsed() > Duration::from_secs(2) {
        log(&format!("slow call: {what} took {:.1?}", t.elapsed()));
    }
    r
}

fn chrono_now() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{}.{:03}", t.as_secs() % 100_000, t.subsec_millis())
}

// ---------------------------------------------------------------------------------------------
// The real 3-node cluster.

/// Real-cluster scenarios take turns: they kill and pause brokers.
static REAL: Mutex<()> = Mutex::new(());

struct Real {
    bootstrap: String,
    script: String,
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl Real {
    /// The cluster of scripts/cluster/start.sh with every node up. Panics (never skips) when it
    /// is not configured.
    fn get() -> Real {
        let turn = REAL.lock().unwrap_or_else(|e| e.into_inner());
        let bootstrap = std::env::var("KAFKA_CLUSTER_BOOTSTRAP_SERVERS").expect(
            "KAFKA_CLUSTER_BOOTSTRAP_SERVERS is not set: the real_* fault scenarios need the \
             3-node cluster. Run scripts/faults.sh, or scripts/cluster/start.sh and \
             `source /tmp/kafkaffi-cluster/env`",
        );
        let script = std::env::var("KAFKA_CLUSTER_BROKER_SCRIPT")
            .expect("KAFKA_CLUSTER_BROKER_SCRIPT is not set: source /tmp/kafkaffi-cluster/env");
        let r = Real {
            bootstrap,
            script,
            _turn: turn,
        };
        // A scenario that failed half-way may have left a node down or paused.
        for n in 1..=3 {
            if r.pid(n).is_empty() {
                r.broker("start", n);
            } else {
                r.broker("resume", n);
            }
        }
        r
    }

    fn cluster(&self) -> Cluster {
        Cluster {
            bootstrap: self.bootstrap.clone(),
            mock: null_mut(),
        }
    }

    fn broker(&self, cmd: &str, n: i32) {
        let t = Instant::now();
        let st = Command::new(&self.script)
            .args([cmd, &n.to_string()])
            .status()
            .unwrap();
        assert!(st.success(), "broker.sh {cmd} {n} failed");
        log(&format!("broker.sh {cmd} {n}: {:?}", t.elapsed()));
    }

    fn pid(&self, n: i32) -> String {
        let o = Command::new(&self.script)
            .args(["pid", &n.to_string()])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }
}

fn admin(bootstrap: &str) -> *mut kf_admin_t {
    let c = kf_config_new();
    ok(kf_config_set(
        c,
        cs("bootstrap.servers").as_ptr(),
        cs(bootstrap).as_ptr(),
    ));
    let mut e = null_mut();
    let a = kf_admin_new(c, &mut e);
    ok(e);
    kf_config_destroy(c);
    a
}

/// Admin options with a 10 s request timeout (and operation timeout, where it applies).
fn admin_options(operation: bool) -> *mut kf_admin_options_t {
    let o = kf_admin_options_new();
    ok(kf_admin_options_set_request_timeout(o, 10_000));
    if operation {
        ok(kf_admin_options_set_operation_timeout(o, 10_000));
    }
    o
}

/// Creates a topic with replication factor 3 on the real cluster and waits for its leaders.
fn create_rf3_topic(cluster: &Cluster, name: &str) {
    let a = admin(&cluster.bootstrap);
    let mut e = null_mut();
    let t = kf_new_topic_new(cs(name).as_ptr(), PARTITIONS, 3, &mut e);
    ok(e);
    let o = admin_options(true);
    let mut res = null_mut();
    ok(kf_admin_create_topics(a, &(t as *const _), 1, o, &mut res));
    assert_eq!(kf_admin_result_item_error_code(res, 0), 0, "create {name}");
    kf_admin_result_destroy(res);
    kf_admin_options_destroy(o);
    kf_new_topic_destroy(t);
    ok(kf_admin_destroy(a));
    wait_for_leaders(cluster, name);
}

/// Per partition: (leader, replicas, isr count) of a topic, from describe_topics. A topic just
/// created may be unknown for a moment to the broker asked (KRaft propagates metadata to each
/// broker on its own time): that answer is asked again for up to 30 s.
fn describe(bootstrap: &str, topic: &str) -> Vec<(i32, Vec<i32>, usize)> {
    let a = admin(bootstrap);
    let o = admin_options(false);
    let mut res = null_mut();
    let name = cs(topic);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        ok(kf_admin_describe_topics(a, &name.as_ptr(), 1, o, &mut res));
        let code = kf_admin_result_item_error_code(res, 0);
        if code == KF_ERR_UNKNOWN_TOPIC_OR_PART && Instant::now() < deadline {
            kf_admin_result_destroy(res);
            thread::sleep(Duration::from_millis(200));
            continue;
        }
        assert_eq!(code, 0, "describe {topic}");
        break;
    }
    let d = kf_admin_result_item_topic_description(res, 0);
    let out = (0..kf_topic_description_partition_count(d))
        .map(|p| {
            let l = kf_topic_description_partition_leader(d, p);
            let leader = if l.is_null() { -1 } else { kf_node_id(l) };
            let replicas = (0..kf_topic_description_partition_replica_count(d, p))
                .map(|r| kf_node_id(kf_topic_description_partition_replica(d, p, r)))
                .collect();
            (
                leader,
                replicas,
                kf_topic_description_partition_isr_count(d, p),
            )
        })
        .collect();
    kf_admin_result_destroy(res);
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
    out
}

fn wait_for_leaders(cluster: &Cluster, topic: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = describe(&cluster.bootstrap, topic);
        if d.len() == PARTITIONS as usize && d.iter().all(|(l, _, isr)| *l > 0 && *isr == 3) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{topic}: no leaders/full ISR: {d:?}"
        );
        thread::sleep(Duration::from_millis(200));
    }
}

/// Waits until every partition of `topic` has all 3 replicas in its ISR again (after a fault).
fn wait_full_isr(bootstrap: &str, topic: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !describe(bootstrap, topic)
        .iter()
        .all(|(l, _, isr)| *l > 0 && *isr == 3)
    {
        assert!(Instant::now() < deadline, "{topic}: ISR did not recover");
        thread::sleep(Duration::from_millis(500));
    }
}

fn group_coordinator(bootstrap: &str, group: &str) -> i32 {
    let a = admin(bootstrap);
    let o = admin_options(false);
    let mut res = null_mut();
    let g = cs(group);
    ok(kf_admin_describe_consumer_groups(
        a,
        &g.as_ptr(),
        1,
        o,
        &mut res,
    ));
    let d = kf_admin_result_item_consumer_group_description(res, 0);
    assert!(!d.is_null(), "describe group {group}");
    let id = kf_node_id(kf_consumer_group_description_coordinator(d));
    kf_admin_result_destroy(res);
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
    id
}

// ---------------------------------------------------------------------------------------------
// Counting.

/// Message values are "<partition>:<sequence>" with a sequence per partition.
fn value_of(p: i32, seq: u64) -> String {
    format!("{p}:{seq:09}")
}

fn parse_value(v: &[u8]) -> (i32, u64) {
    let s = std::str::from_utf8(v).expect("utf8 value");
    let s = s.strip_prefix("out-").unwrap_or(s);
    let (p, q) = s.split_once(':').expect("p:seq value");
    (p.parse().unwrap(), q.parse().unwrap())
}

#[derive(Debug, Default, Clone)]
struct Row {
    sent: usize,
    acked: usize,
    consumed: usize,
    duplicated: usize,
    lost: usize,
    out_of_order: usize,
}

/// What one scenario saw: per partition, the sequences sent and acknowledged, and the sequences
/// consumed in consumption order.
#[derive(Default)]
struct Ledger {
    sent: Vec<u64>,
    acked: Vec<HashSet<u64>>,
    consumed: Vec<Vec<u64>>,
    notes: Vec<String>,
    max_latency_ms: i64,
    /// Offsets of the consumed messages, parallel to `consumed` (when known).
    offsets: Vec<Vec<i64>>,
    /// The producer's warning log lines by facility.
    warnings: BTreeMap<String, usize>,
}

impl Ledger {
    fn new() -> Ledger {
        Ledger {
            sent: vec![0; PARTITIONS as usize],
            acked: vec![HashSet::new(); PARTITIONS as usize],
            consumed: vec![Vec::new(); PARTITIONS as usize],
            notes: Vec::new(),
            max_latency_ms: 0,
            offsets: vec![Vec::new(); PARTITIONS as usize],
            warnings: BTreeMap::new(),
        }
    }

    fn rows(&self) -> Vec<Row> {
        (0..PARTITIONS as usize)
            .map(|p| {
                let mut seen = HashSet::new();
                let (mut dup, mut ooo, mut max) = (0, 0, None::<u64>);
                for &s in &self.consumed[p] {
                    if !seen.insert(s) {
                        dup += 1;
                        continue;
                    }
                    if max.is_some_and(|m| s < m) {
                        ooo += 1;
                    }
                    max = max.max(Some(s));
                }
                Row {
                    sent: self.sent[p] as usize,
                    acked: self.acked[p].len(),
                    consumed: self.consumed[p].len(),
                    duplicated: dup,
                    lost: self.acked[p].iter().filter(|s| !seen.contains(s)).count(),
                    out_of_order: ooo,
                }
            })
            .collect()
    }

    /// Prints the table and asserts: nothing acknowledged lost, nothing out of order, no
    /// duplicate when `exactly_once`.
    fn report(&self, scenario: &str, exactly_once: bool) {
        let rows = self.rows();
        let mut out = format!(
            "\n== {scenario}\n{:>9} {:>8} {:>8} {:>8} {:>10} {:>6} {:>12}\n",
            "partition", "sent", "acked", "consumed", "duplicated", "lost", "out_of_order"
        );
        let mut tot = Row::default();
        for (p, r) in rows.iter().enumerate() {
            out += &format!(
                "{p:>9} {:>8} {:>8} {:>8} {:>10} {:>6} {:>12}\n",
                r.sent, r.acked, r.consumed, r.duplicated, r.lost, r.out_of_order
            );
            tot.sent += r.sent;
            tot.acked += r.acked;
            tot.consumed += r.consumed;
            tot.duplicated += r.duplicated;
            tot.lost += r.lost;
            tot.out_of_order += r.out_of_order;
        }
        out += &format!(
            "{:>9} {:>8} {:>8} {:>8} {:>10} {:>6} {:>12}\n",
            "total", tot.sent, tot.acked, tot.consumed, tot.duplicated, tot.lost, tot.out_of_order
        );
        for n in &self.notes {
            out += &format!("  {n}\n");
        }
        for p in 0..PARTITIONS as usize {
            let seen: HashSet<u64> = self.consumed[p].iter().copied().collect();
            let mut lost: Vec<u64> = self.acked[p]
                .iter()
                .filter(|s| !seen.contains(s))
                .copied()
                .collect();
            lost.sort();
            if !lost.is_empty() {
                out += &format!(
                    "  LOST in partition {p}: sequences {:?}\n",
                    &lost[..lost.len().min(20)]
                );
                // Where it should have been: the consumed (sequence, offset) pairs around it.
                if let Some(i) = self.consumed[p].iter().position(|s| *s > lost[0]) {
                    let lo = i.saturating_sub(3);
                    let hi = (i + 3).min(self.consumed[p].len());
                    let around: Vec<(u64, i64)> = (lo..hi)
                        .map(|j| (self.consumed[p][j], *self.offsets[p].get(j).unwrap_or(&-1)))
                        .collect();
                    out += &format!("    consumed (sequence, offset) around it: {around:?}\n");
                }
            }
        }
        // One write, so parallel scenarios do not interleave their tables.
        print!("{out}");
        assert!(tot.acked > 0, "{scenario}: nothing acknowledged");
        assert_eq!(tot.lost, 0, "{scenario}: acknowledged messages lost");
        assert_eq!(tot.out_of_order, 0, "{scenario}: out of order");
        if exactly_once {
            assert_eq!(tot.duplicated, 0, "{scenario}: duplicates");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Producing and consuming while a fault runs.

/// Progress shared with a fault thread.
#[derive(Default)]
struct Progress {
    done: AtomicUsize,
}

impl Progress {
    fn wait_for(&self, n: usize) {
        while self.done.load(Ordering::Relaxed) < n {
            thread::sleep(Duration::from_millis(10));
        }
    }
}

struct Delivery {
    acked: Vec<HashSet<u64>>,
    errors: BTreeMap<String, usize>,
    max_latency_us: i64,
}

unsafe extern "C" fn on_delivery(
    opaque: *mut c_void,
    m: *const kf_message_t,
    e: *const kf_error_t,
) {
    let d = &*(opaque as *const Mutex<Delivery>);
    let mut d = d.lock().unwrap();
    if e.is_null() {
        let mut len = 0;
        let v = kf_message_value(m, &mut len);
        let (p, seq) = parse_value(std::slice::from_raw_parts(v, len));
        assert_eq!(p, kf_message_partition(m));
        d.acked[p as usize].insert(seq);
        d.max_latency_us = d.max_latency_us.max(kf_message_latency(m));
    } else {
        *d.errors.entry(text(kf_error_name(e))).or_default() += 1;
    }
}

/// Counts librdkafka log lines by facility (REQTMOUT: requests that timed out, FAIL: lost
/// connections, ...), warnings and worse only.
unsafe extern "C" fn count_log(
    opaque: *mut c_void,
    level: std::os::raw::c_int,
    facility: *const std::os::raw::c_char,
    _message: *const std::os::raw::c_char,
) {
    if level <= 4 {
        let d = &*(opaque as *const Mutex<BTreeMap<String, usize>>);
        *d.lock().unwrap().entry(text(facility)).or_default() += 1;
    }
}

unsafe extern "C" fn count_error(opaque: *mut c_void, e: *const kf_error_t) {
    let d = &*(opaque as *const Mutex<BTreeMap<String, usize>>);
    *d.lock().unwrap().entry(text(kf_error_name(e))).or_default() += 1;
}

/// Produces `n` messages round-robin over the partitions at `rate` per second, serving delivery
/// reports, then flushes. Updates `progress` with the number produced. Returns the ledger with
/// sent and acked filled in.
fn produce_paced(
    cluster: &Cluster,
    topic: &str,
    props: &[(&str, &str)],
    n: usize,
    rate: f64,
    progress: &Progress,
) -> Ledger {
    let conf = cluster.config(props);
    let errors: &'static Mutex<BTreeMap<String, usize>> = Box::leak(Box::default());
    ok(kf_config_set_error_cb(
        conf,
        Some(count_error),
        errors as *const _ as *mut c_void,
        None,
    ));
    let logs: &'static Mutex<BTreeMap<String, usize>> = Box::leak(Box::default());
    ok(kf_config_set_log_cb(
        conf,
        Some(count_log),
        logs as *const _ as *mut c_void,
        None,
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let d = Mutex::new(Delivery {
        acked: vec![HashSet::new(); PARTITIONS as usize],
        errors: BTreeMap::new(),
        max_latency_us: 0,
    });
    let mut ledger = Ledger::new();
    let t = cs(topic);
    let start = Instant::now();
    for i in 0..n {
        let part = (i % PARTITIONS as usize) as i32;
        let seq = ledger.sent[part as usize];
        let v = value_of(part, seq);
        loop {
            let e = kf_producer_produce(
                p,
                t.as_ptr(),
                part,
                null(),
                0,
                v.as_ptr(),
                v.len(),
                null(),
                0,
                Some(on_delivery),
                &d as *const _ as *mut c_void,
            );
            if e.is_null() {
                break;
            }
            let (code, msg) = err(e);
            assert_eq!(code, KF_ERR__QUEUE_FULL, "produce: {msg}");
            ok(timed("poll on a full queue", || {
                kf_producer_poll(p, 100, null_mut())
            }));
        }
        ledger.sent[part as usize] += 1;
        progress.done.store(i + 1, Ordering::Relaxed);
        ok(kf_producer_poll(p, 0, null_mut()));
        let due = start + Duration::from_secs_f64((i + 1) as f64 / rate);
        if let Some(w) = due.checked_duration_since(Instant::now()) {
            thread::sleep(w);
        }
    }
    let produced = start.elapsed();
    let mut remaining = 1;
    ok(kf_producer_flush(p, 180_000, &mut remaining));
    assert_eq!(remaining, 0, "flush left messages");
    ok(kf_producer_destroy(p));
    let d = d.into_inner().unwrap();
    ledger.acked = d.acked;
    ledger.max_latency_ms = d.max_latency_us / 1000;
    ledger.notes.push(format!(
        "produced in {produced:.1?}, flushed after {:.1?}; max delivery latency {} ms; delivery errors {:?}; error_cb {:?}; producer warnings by facility {:?}",
        start.elapsed(),
        d.max_latency_us / 1000,
        d.errors,
        errors.lock().unwrap(),
        logs.lock().unwrap()
    ));
    ledger.warnings = logs.lock().unwrap().clone();
    ledger
}

fn idempotent_props() -> Vec<(&'static str, &'static str)> {
    vec![
        ("enable.idempotence", "true"),
        ("acks", "all"),
        ("linger.ms", "5"),
        ("message.timeout.ms", "180000"),
    ]
}

/// Per partition: consumed sequences and their offsets; error events by code.
type ReaderResult = (Vec<Vec<u64>>, Vec<Vec<i64>>, BTreeMap<i32, usize>);

/// A consumer thread reading every partition of `topic` from the beginning (read_committed)
/// until it has every sequence in `target` (set once production ends) or 60 s after that, plus
/// one second to catch late duplicates. Returns the consumed sequences per partition.
struct Reader {
    target: Arc<Mutex<Option<Vec<HashSet<u64>>>>>,
    handle: thread::JoinHandle<ReaderResult>,
}

impl Reader {
    fn start(bootstrap: &str, topic: &str, props: &[(&str, &str)]) -> Reader {
        let target: Arc<Mutex<Option<Vec<HashSet<u64>>>>> = Arc::default();
        let t2 = target.clone();
        let bootstrap = bootstrap.to_string();
        let topic = topic.to_string();
        let props: Vec<(String, String)> = props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let handle = thread::spawn(move || {
            let cl = Cluster {
                bootstrap,
                mock: null_mut(),
            };
            let mut all: Vec<(&str, &str)> = vec![
                ("group.id", "faults-reader"),
                ("enable.auto.commit", "false"),
                ("isolation.level", "read_committed"),
            ];
            all.extend(props.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let conf = cl.config(&all);
            let c = new_consumer(conf);
            kf_config_destroy(conf);
            let items: Vec<(&str, i32, i64)> = (0..PARTITIONS)
                .map(|p| (topic.as_str(), p, KF_OFFSET_BEGINNING))
                .collect();
            let l = tp_list(&items);
            ok(kf_consumer_assign(c, l));
            kf_topic_partition_list_destroy(l);
            let mut got: Vec<Vec<u64>> = vec![Vec::new(); PARTITIONS as usize];
            let mut offs: Vec<Vec<i64>> = vec![Vec::new(); PARTITIONS as usize];
            let mut seen: Vec<HashSet<u64>> = vec![HashSet::new(); PARTITIONS as usize];
            let mut errs = BTreeMap::new();
            let mut deadline: Option<Instant> = None;
            let mut grace: Option<Instant> = None;
            loop {
                let mut m = null_mut();
                ok(kf_consumer_poll(c, 100, &mut m));
                if !m.is_null() {
                    let code = kf_message_error_code(m);
                    if code == 0 {
                        let mut len = 0;
                        let v = kf_message_value(m, &mut len);
                        let (p, seq) = parse_value(unsafe { std::slice::from_raw_parts(v, len) });
                        assert_eq!(p, kf_message_partition(m));
                        got[p as usize].push(seq);
                        offs[p as usize].push(kf_message_offset(m));
                        seen[p as usize].insert(seq);
                    } else {
                        *errs.entry(code).or_default() += 1;
                    }
                    kf_message_destroy(m);
                }
                if let Some(g) = grace {
                    if Instant::now() > g {
                        break;
                    }
                    continue;
                }
                if let Some(t) = t2.lock().unwrap().as_ref() {
                    let d = *deadline.get_or_insert(Instant::now() + Duration::from_secs(60));
                    let complete =
                        (0..PARTITIONS as usize).all(|p| t[p].iter().all(|s| seen[p].contains(s)));
                    if complete || Instant::now() > d {
                        grace = Some(Instant::now() + Duration::from_secs(1));
                    }
                }
            }
            ok(kf_consumer_close(c, -1));
            ok(kf_consumer_destroy(c));
            (got, offs, errs)
        });
        Reader { target, handle }
    }

    fn finish(self, ledger: &mut Ledger) {
        *self.target.lock().unwrap() = Some(ledger.acked.clone());
        let (got, offs, errs) = self.handle.join().expect("reader thread");
        ledger.consumed = got;
        ledger.offsets = offs;
        if !errs.is_empty() {
            ledger
                .notes
                .push(format!("consumer error events (code: count): {errs:?}"));
        }
    }
}

/// Produces (idempotent, acks=all) while a consumer reads and `fault` runs on its own thread
/// with the progress; prints the table and asserts exactly-once delivery in order.
fn produce_consume_with_fault(
    scenario: &str,
    cluster: &Cluster,
    topic: &str,
    producer_props: &[(&str, &str)],
    fault: impl FnOnce(&Progress, usize) -> Vec<String> + Send,
) -> Ledger {
    let n = messages();
    let progress = Progress::default();
    let reader = Reader::start(&cluster.bootstrap, topic, &[]);
    let (mut ledger, notes) = thread::scope(|s| {
        let f = s.spawn(|| fault(&progress, n));
        let ledger = produce_paced(cluster, topic, producer_props, n, rate(), &progress);
        (ledger, f.join().expect("fault thread"))
    });
    reader.finish(&mut ledger);
    ledger.notes.extend(notes);
    let rows = ledger.rows();
    let sent: u64 = ledger.sent.iter().sum();
    let acked: usize = rows.iter().map(|r| r.acked).sum();
    ledger.report(scenario, true);
    assert_eq!(
        acked as u64, sent,
        "{scenario}: not every message acknowledged"
    );
    ledger
}

// ---------------------------------------------------------------------------------------------
// Real cluster scenarios.

#[test]
fn real_broker_killed_and_restarted_during_idempotent_production() {
    let real = Real::get();
    let cluster = real.cluster();
    let topic = unique("faults-kill");
    create_rf3_topic(&cluster, &topic);
    let victim = describe(&real.bootstrap, &topic)[0].0;
    produce_consume_with_fault(
        &format!(
            "real: broker {victim} (leader of partition 0) SIGKILLed at 30%, restarted 4 s later"
        ),
        &cluster,
        &topic,
        &idempotent_props(),
        |progress, n| {
            progress.wait_for(n * 3 / 10);
            real.broker("kill", victim);
            let killed = Instant::now();
            thread::sleep(Duration::from_secs(4));
            real.broker("start", victim);
            vec![format!("broker {victim} down for {:.1?}", killed.elapsed())]
        },
    );
    wait_full_isr(&real.bootstrap, &topic);
}

#[test]
fn real_broker_paused_and_resumed_times_out_and_recovers_without_duplicates() {
    let real = Real::get();
    let cluster = real.cluster();
    let topic = unique("faults-pause");
    create_rf3_topic(&cluster, &topic);
    let victim = describe(&real.bootstrap, &topic)[0].0;
    let mut props = idempotent_props();
    // In-flight requests time out after 2 s (socket.timeout.ms caps a Produce request's wait;
    // request.timeout.ms is the broker's wait for the ISR's acks).
    props.push(("request.timeout.ms", "2000"));
    props.push(("socket.timeout.ms", "2000"));
    let ledger = produce_consume_with_fault(
        &format!(
            "real: broker {victim} (leader of partition 0) SIGSTOPped at 30% for 8 s, then SIGCONT"
        ),
        &cluster,
        &topic,
        &props,
        |progress, n| {
            progress.wait_for(n * 3 / 10);
            real.broker("pause", victim);
            thread::sleep(Duration::from_secs(8));
            real.broker("resume", victim);
            let leaders = describe(&real.bootstrap, &topic);
            vec![format!(
                "leaders after resume: {:?}",
                leaders.iter().map(|l| l.0).collect::<Vec<_>>()
            )]
        },
    );
    // The pause was felt: requests timed out (2 s) and deliveries waited for the recovery.
    assert!(
        ledger.warnings.get("REQTMOUT").is_some_and(|n| *n > 0),
        "no request timed out: {:?}",
        ledger.warnings
    );
    assert!(
        ledger.max_latency_ms >= 2000,
        "max delivery latency {} ms: the pause did not stall anything",
        ledger.max_latency_ms
    );
    wait_full_isr(&real.bootstrap, &topic);
}

/// Moves every partition's leadership to the next broker: rotates the replica lists with
/// kafka-reassign-partitions, then runs a preferred leader election through kafkaffi's admin API.
fn rotate_leaders(real: &Real, topic: &str) -> String {
    let before = describe(&real.bootstrap, topic);
    let parts: Vec<String> = before
        .iter()
        .enumerate()
        .map(|(p, (_, r, _))| {
            let mut r = r.clone();
            r.rotate_left(1);
            format!(r#"{{"topic":"{topic}","partition":{p},"replicas":{r:?}}}"#)
        })
        .collect();
    let file = std::env::temp_dir().join(format!("{topic}-reassign.json"));
    std::fs::write(
        &file,
        format!(r#"{{"version":1,"partitions":[{}]}}"#, parts.join(",")),
    )
    .unwrap();
    let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kafka/cli.sh");
    let out = Command::new(&cli)
        .args([
            "org.apache.kafka.tools.reassign.ReassignPartitionsCommand",
            "--bootstrap-server",
            &real.bootstrap,
            "--reassignment-json-file",
        ])
        .arg(&file)
        .arg("--execute")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "reassign: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let a = admin(&real.bootstrap);
    let items: Vec<(&str, i32, i64)> = (0..PARTITIONS).map(|p| (topic, p, 0)).collect();
    let l = tp_list(&items);
    loop {
        let o = admin_options(true);
        let mut res = null_mut();
        let e = kf_admin_elect_leaders(a, KF_ELECTION_TYPE_PREFERRED, l, o, &mut res);
        kf_admin_options_destroy(o);
        if e.is_null() {
            kf_admin_result_destroy(res);
        } else {
            kf_error_destroy(e);
        }
        let now = describe(&real.bootstrap, topic);
        if now.iter().all(|(l, r, _)| *l == r[0]) {
            kf_topic_partition_list_destroy(l);
            ok(kf_admin_destroy(a));
            return format!(
                "leaders {:?} -> {:?}",
                before.iter().map(|b| b.0).collect::<Vec<_>>(),
                now.iter().map(|b| b.0).collect::<Vec<_>>()
            );
        }
        assert!(
            Instant::now() < deadline,
            "leadership did not move: {now:?}"
        );
        thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn real_partition_leadership_moved_while_producing_and_consuming() {
    let real = Real::get();
    let cluster = real.cluster();
    let topic = unique("faults-leader");
    create_rf3_topic(&cluster, &topic);
    produce_consume_with_fault(
        "real: every partition's leadership moved (reassign + preferred election) at 25% and 60%",
        &cluster,
        &topic,
        &idempotent_props(),
        |progress, n| {
            progress.wait_for(n / 4);
            let a = rotate_leaders(&real, &topic);
            progress.wait_for(n * 6 / 10);
            let b = rotate_leaders(&real, &topic);
            vec![a, b]
        },
    );
}

/// Fills every partition of `topic` with `per_partition` messages (idempotent producer).
fn fill(cluster: &Cluster, topic: &str, n: usize) -> Ledger {
    produce_paced(
        cluster,
        topic,
        &idempotent_props(),
        n,
        f64::INFINITY,
        &Progress::default(),
    )
}

/// A group member that consumes `topic` (subscribe, classic protocol) and commits synchronously
/// every `every` messages while `fault` runs. Asserts that no committed offset goes backwards,
/// that no commit is ever ahead of what was consumed, that every message is consumed and that
/// the group's final committed offsets are the end offsets.
fn group_commits_with_fault(
    scenario: &str,
    cluster: &Cluster,
    topic: &str,
    mut ledger: Ledger,
    extra_props: &[(&str, &str)],
    fault: impl FnOnce(&Progress, usize, &str) -> Vec<String> + Send,
) {
    let total: u64 = ledger.sent.iter().sum();
    let group = unique("faults-group");
    let mut props = classic_session_props(cluster);
    props.extend([
        ("group.id", group.as_str()),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
    ]);
    props.extend_from_slice(extra_props);
    let conf = cluster.config(&props);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let t = cs(topic);
    ok(kf_consumer_subscribe(c, &t.as_ptr(), 1, null()));
    let progress = Progress::default();
    let every = 50;
    let pace = rate();
    let (commit_ok, commit_failed, max_offset_consumed, committed) = thread::scope(|s| {
        let f = s.spawn(|| fault(&progress, total as usize, &group));
        let mut seen = vec![HashSet::new(); PARTITIONS as usize];
        let mut max_off = vec![-1i64; PARTITIONS as usize];
        let mut committed = vec![-1i64; PARTITIONS as usize];
        let (mut commit_ok, mut commit_failed) = (0usize, BTreeMap::<String, usize>::new());
        let start = Instant::now();
        let deadline = start + Duration::from_secs(120 + (total as f64 / pace) as u64);
        let mut since_commit = 0;
        let check =
            |committed: &mut Vec<i64>, list: *const kf_topic_partition_list_t, max_off: &[i64]| {
                for it in tp_items(list) {
                    if it.error != 0 || it.offset < 0 {
                        continue;
                    }
                    let p = it.partition as usize;
                    assert!(
                        it.offset >= committed[p],
                        "{scenario}: committed offset of partition {p} went backwards: {} -> {}",
                        committed[p],
                        it.offset
                    );
                    assert!(
                    it.offset <= max_off[p] + 1,
                    "{scenario}: committed offset {} of partition {p} is past the last consumed {}",
                    it.offset,
                    max_off[p]
                );
                    committed[p] = it.offset;
                }
            };
        loop {
            let complete = seen.iter().map(|s| s.len() as u64).sum::<u64>() == total;
            let caught_up = (0..PARTITIONS as usize).all(|p| committed[p] == max_off[p] + 1);
            if complete && caught_up {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{scenario}: did not consume everything in time"
            );
            let mut m = null_mut();
            ok(kf_consumer_poll(c, 100, &mut m));
            if !m.is_null() {
                if kf_message_error_code(m) == 0 {
                    let p = kf_message_partition(m) as usize;
                    let mut len = 0;
                    let v = kf_message_value(m, &mut len);
                    let (vp, seq) = parse_value(unsafe { std::slice::from_raw_parts(v, len) });
                    assert_eq!(vp as usize, p);
                    ledger.consumed[p].push(seq);
                    seen[p].insert(seq);
                    max_off[p] = max_off[p].max(kf_message_offset(m));
                    since_commit += 1;
                    progress.done.fetch_add(1, Ordering::Relaxed);
                }
                kf_message_destroy(m);
                let due = start
                    + Duration::from_secs_f64(progress.done.load(Ordering::Relaxed) as f64 / pace);
                if let Some(w) = due.checked_duration_since(Instant::now()) {
                    thread::sleep(w);
                }
            }
            if since_commit >= every || (complete && !caught_up) {
                let mut out = null_mut();
                let e = kf_consumer_commit(c, null(), null(), false, -1, &mut out);
                if e.is_null() {
                    commit_ok += 1;
                    since_commit = 0;
                    check(&mut committed, out, &max_off);
                    kf_topic_partition_list_destroy(out);
                } else {
                    // _NO_OFFSET: nothing to commit (e.g. the assignment was lost to a
                    // rebalance; what was consumed since the last commit comes again).
                    if kf_error_code(e) == KF_ERR__NO_OFFSET {
                        since_commit = 0;
                    }
                    *commit_failed.entry(text(kf_error_name(e))).or_default() += 1;
                    kf_error_destroy(e);
                    kf_topic_partition_list_destroy(out);
                    thread::sleep(Duration::from_millis(100));
                }
                // What the coordinator says must never go backwards either.
                if commit_ok % 10 == 0 {
                    let items: Vec<(&str, i32, i64)> = (0..PARTITIONS)
                        .map(|p| (topic, p, KF_OFFSET_INVALID))
                        .collect();
                    let l = tp_list(&items);
                    let mut res = null_mut();
                    let e = kf_consumer_committed(c, l, 5000, &mut res);
                    if e.is_null() {
                        check(&mut committed, res, &max_off);
                        kf_topic_partition_list_destroy(res);
                    } else {
                        kf_error_destroy(e);
                    }
                    kf_topic_partition_list_destroy(l);
                }
            }
        }
        let notes = f.join().expect("fault thread");
        ((commit_ok, commit_failed, max_off, committed), notes)
    })
    .0;
    // The group's committed offsets are the end offsets: nothing was skipped or left behind.
    let items: Vec<(&str, i32, i64)> = (0..PARTITIONS)
        .map(|p| (topic, p, KF_OFFSET_INVALID))
        .collect();
    let l = tp_list(&items);
    let mut res = null_mut();
    ok(kf_consumer_committed(c, l, 30_000, &mut res));
    let finals = tp_items(res);
    kf_topic_partition_list_destroy(res);
    kf_topic_partition_list_destroy(l);
    for it in &finals {
        let (mut lo, mut hi) = (0, 0);
        ok(kf_consumer_get_watermark_offsets(
            c,
            t.as_ptr(),
            it.partition,
            10_000,
            false,
            &mut lo,
            &mut hi,
        ));
        assert_eq!(
            it.offset, hi,
            "{scenario}: partition {} committed {} but ends at {hi}",
            it.partition, it.offset
        );
    }
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    ledger.notes.push(format!(
        "commits: {commit_ok} ok, failed {commit_failed:?}; final committed {:?} (= end offsets); last consumed offsets {max_offset_consumed:?}; committed offsets never went backwards",
        finals.iter().map(|i| i.offset).collect::<Vec<_>>()
    ));
    let _ = committed;
    // At-least-once: a rebalance may deliver again what was consumed after the last commit.
    ledger.report(scenario, false);
}

#[test]
fn real_group_coordinator_killed_while_the_group_commits() {
    let real = Real::get();
    let cluster = real.cluster();
    let topic = unique("faults-group");
    create_rf3_topic(&cluster, &topic);
    let ledger = fill(&cluster, &topic, messages());
    let bootstrap = real.bootstrap.clone();
    group_commits_with_fault(
        "real: the group coordinator's broker SIGKILLed at 30% of consumption, restarted 4 s later",
        &cluster,
        &topic,
        ledger,
        &[],
        |progress, n, group| {
            progress.wait_for(n * 3 / 10);
            let coord = group_coordinator(&bootstrap, group);
            real.broker("kill", coord);
            thread::sleep(Duration::from_secs(4));
            real.broker("start", coord);
            let now = group_coordinator(&bootstrap, group);
            vec![format!(
                "group coordinator {coord} killed; coordinator now {now}"
            )]
        },
    );
    wait_full_isr(&real.bootstrap, &topic);
}

/// The transaction coordinator: with transaction.state.log.num.partitions=1, the leader of
/// __transaction_state-0.
fn txn_coordinator(bootstrap: &str) -> i32 {
    describe(bootstrap, "__transaction_state")[0].0
}

/// An exactly-once consume-transform-produce loop (assign, read_committed, one transaction per
/// batch of 50 with send_offsets_to_transaction; on an abortable error abort and rewind to the
/// group's committed offsets, on a fatal one a new producer with the same transactional.id)
/// over `input` while `fault` runs with the progress (inputs processed). Then prints the table
/// (sent = acked = input, consumed = read_committed output) and asserts every input is in the
/// output exactly once and in order.
fn eos_with_fault(
    scenario: &str,
    cluster: &Cluster,
    input: &str,
    output: &str,
    abort_every: Option<usize>,
    fault: impl FnOnce(&Progress, usize) -> Vec<String> + Send,
) -> (usize, usize, usize) {
    let mut ledger = fill(cluster, input, messages());
    let group = unique("faults-eos-group");
    let txnid = unique("faults-eos-txn");
    let total: u64 = ledger.sent.iter().sum();

    // Make sure the transaction coordinator exists before measuring who it is.
    let new_txn_producer = || {
        let conf = cluster.config(&[
            ("transactional.id", txnid.as_str()),
            ("transaction.timeout.ms", "60000"),
            ("linger.ms", "5"),
        ]);
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let e = timed("init_transactions", || {
                kf_producer_init_transactions(p, 30_000)
            });
            if e.is_null() {
                break;
            }
            assert!(
                kf_error_is_retriable(e),
                "init_transactions: {}",
                text(kf_error_message(e))
            );
            kf_error_destroy(e);
            assert!(
                Instant::now() < deadline,
                "init_transactions did not succeed"
            );
        }
        p
    };
    let mut p = new_txn_producer();
    let conf = cluster.config(&[
        ("group.id", group.as_str()),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
        ("isolation.level", "read_committed"),
    ]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let assigned: Vec<(&str, i32, i64)> = (0..PARTITIONS)
        .map(|pp| (input, pp, KF_OFFSET_INVALID))
        .collect();
    let l = tp_list(&assigned);
    ok(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);

    // Rewinds the consumer to the group's committed offsets (start when none).
    let rewind = |c: *mut kf_consumer_t| {
        let l = tp_list(&assigned);
        let mut res = null_mut();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let e = timed("committed", || {
                kf_consumer_committed(c, l, 10_000, &mut res)
            });
            if e.is_null() {
                break;
            }
            kf_error_destroy(e);
            assert!(Instant::now() < deadline, "committed() kept failing");
        }
        let committed: Vec<i64> = tp_items(res).iter().map(|i| i.offset.max(-1)).collect();
        let items: Vec<(String, i32, i64)> = tp_items(res)
            .into_iter()
            .map(|i| {
                (
                    i.topic,
                    i.partition,
                    if i.offset < 0 {
                        KF_OFFSET_BEGINNING
                    } else {
                        i.offset
                    },
                )
            })
            .collect();
        kf_topic_partition_list_destroy(res);
        kf_topic_partition_list_destroy(l);
        let refs: Vec<(&str, i32, i64)> =
            items.iter().map(|(t, p, o)| (t.as_str(), *p, *o)).collect();
        let s = tp_list(&refs);
        ok(timed("seek", || kf_consumer_seek(c, s, 10_000)));
        kf_topic_partition_list_destroy(s);
        committed
    };

    let progress = Progress::default();
    let (mut commits, mut aborts, mut restarts, mut retries) = (0, 0, 0, 0);
    let mut voluntary_aborts = 0;
    let mut slowest = Duration::ZERO;
    let out = cs(output);
    let batch = 50;
    let pace = rate();
    let notes = thread::scope(|s| {
        let f = s.spawn(|| fault(&progress, total as usize));
        let start = Instant::now();
        let deadline = start + Duration::from_secs(180 + (total as f64 / pace) as u64);
        // Processed = committed positions reached the end of every input partition.
        let mut done_positions = vec![-1i64; PARTITIONS as usize];
        // When the consumer last returned a message; an idle spell of 10 s is logged.
        let mut last_message = Instant::now();
        loop {
            assert!(
                Instant::now() < deadline,
                "processor did not finish in time"
            );
            if done_positions
                .iter()
                .zip(&ledger.sent)
                .all(|(d, s)| *d == *s as i64)
            {
                break;
            }
            // Read a batch.
            let mut msgs = Vec::new();
            let until = Instant::now() + Duration::from_millis(300);
            while msgs.len() < batch && Instant::now() < until {
                let mut m = null_mut();
                ok(kf_consumer_poll(c, 50, &mut m));
                if m.is_null() {
                    continue;
                }
                if kf_message_error_code(m) == 0 {
                    msgs.push(Msg::from_c(m));
                }
                kf_message_destroy(m);
            }
            if msgs.is_empty() {
                if last_message.elapsed() > Duration::from_secs(10) {
                    log(&format!(
                        "no input for {:.0?}; committed positions {done_positions:?} of {:?}",
                        last_message.elapsed(),
                        ledger.sent
                    ));
                    last_message = Instant::now();
                }
                continue;
            }
            last_message = Instant::now();
            // One transaction per batch.
            let txn_start = Instant::now();
            let result: Result<bool, *mut kf_error_t> = (|| {
                let e = timed("begin_transaction", || kf_producer_begin_transaction(p));
                if !e.is_null() {
                    return Err(e);
                }
                for m in &msgs {
                    let v = format!(
                        "out-{}",
                        std::str::from_utf8(m.value.as_ref().unwrap()).unwrap()
                    );
                    loop {
                        let e = kf_producer_produce(
                            p,
                            out.as_ptr(),
                            m.partition,
                            null(),
                            0,
                            v.as_ptr(),
                            v.len(),
                            null(),
                            0,
                            None,
                            null_mut(),
                        );
                        if e.is_null() {
                            break;
                        }
                        if kf_error_code(e) == KF_ERR__QUEUE_FULL {
                            kf_error_destroy(e);
                            ok(timed("poll on a full queue", || {
                                kf_producer_poll(p, 100, null_mut())
                            }));
                            continue;
                        }
                        return Err(e);
                    }
                }
                let mut pos = vec![-1i64; PARTITIONS as usize];
                for m in &msgs {
                    pos[m.partition as usize] = m.offset + 1;
                }
                let items: Vec<(&str, i32, i64)> = (0..PARTITIONS)
                    .filter(|pp| pos[*pp as usize] >= 0)
                    .map(|pp| (input, pp, pos[pp as usize]))
                    .collect();
                let l = tp_list(&items);
                let mut gm = null_mut();
                ok(kf_consumer_group_metadata(c, &mut gm));
                let mut r = Ok(());
                loop {
                    let e = timed("send_offsets_to_transaction", || {
                        kf_producer_send_offsets_to_transaction(p, l, gm, 30_000)
                    });
                    if e.is_null() {
                        break;
                    }
                    if retry_in_transaction(e, txn_start) {
                        kf_error_destroy(e);
                        retries += 1;
                        continue;
                    }
                    r = Err(e);
                    break;
                }
                kf_consumer_group_metadata_destroy(gm);
                kf_topic_partition_list_destroy(l);
                r?;
                // Every `abort_every`-th transaction is aborted on purpose: its output must never
                // be seen and its input is processed again after the rewind.
                if abort_every.is_some_and(|k| (commits + voluntary_aborts + 1) % k == 0) {
                    return Ok(false);
                }
                loop {
                    let e = timed("commit_transaction", || {
                        kf_producer_commit_transaction(p, 30_000)
                    });
                    if e.is_null() {
                        break;
                    }
                    if retry_in_transaction(e, txn_start) {
                        kf_error_destroy(e);
                        retries += 1;
                        continue;
                    }
                    return Err(e);
                }
                for (pp, o) in pos.iter().enumerate() {
                    if *o >= 0 {
                        done_positions[pp] = *o;
                    }
                }
                Ok(true)
            })();
            match result {
                Ok(false) => {
                    if !abort_in_time(p, txn_start, &mut retries) {
                        let _ = timed("producer destroy", || kf_producer_destroy(p));
                        p = new_txn_producer();
                        restarts += 1;
                    }
                    voluntary_aborts += 1;
                    done_positions = rewind(c);
                }
                Ok(true) => {
                    commits += 1;
                    slowest = slowest.max(txn_start.elapsed());
                    progress.done.fetch_add(msgs.len(), Ordering::Relaxed);
                    let due = start
                        + Duration::from_secs_f64(
                            progress.done.load(Ordering::Relaxed) as f64 / pace,
                        );
                    if let Some(w) = due.checked_duration_since(Instant::now()) {
                        thread::sleep(w);
                    }
                }
                Err(e) => {
                    let what = format!("{}: {}", text(kf_error_name(e)), text(kf_error_message(e)));
                    log(&format!("transaction failed: {what}"));
                    if kf_error_is_fatal(e) || !kf_error_txn_requires_abort(e) {
                        // A fatal error (or one we cannot abort from): a new producer with the
                        // same transactional.id fences this one and resolves its transaction.
                        kf_error_destroy(e);
                        let _ = timed("producer destroy", || kf_producer_destroy(p));
                        p = new_txn_producer();
                        restarts += 1;
                    } else {
                        kf_error_destroy(e);
                        if !abort_in_time(p, txn_start, &mut retries) {
                            let _ = timed("producer destroy", || kf_producer_destroy(p));
                            p = new_txn_producer();
                            restarts += 1;
                        }
                        aborts += 1;
                    }
                    // What the group committed is what is done.
                    done_positions = rewind(c);
                }
            }
        }
        f.join().expect("fault thread")
    });
    ok(kf_producer_destroy(p));
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    // Every input was processed (its offset committed with a transaction).
    for pp in 0..PARTITIONS as usize {
        ledger.acked[pp] = (0..ledger.sent[pp]).collect();
    }
    // The read_committed output holds every input exactly once, in order.
    let reader = Reader::start(&cluster.bootstrap, output, &[]);
    reader.finish(&mut ledger);
    ledger.notes.extend(notes);
    ledger.notes.push(format!(
        "transactions: {commits} committed (slowest {slowest:.1?}), {voluntary_aborts} aborted on purpose, {aborts} aborted after an error, {restarts} producer restarts, {retries} retried calls; sent/acked = input, consumed = read_committed output"
    ));
    ledger.report(scenario, true);
    (commits, aborts, restarts)
}

/// Aborts the current transaction, retrying retriable failures by the rule of
/// retry_in_transaction(). False when it gave up: the caller then replaces the producer (a new
/// one under the same transactional.id fences this one and settles its transaction), as for a
/// commit that never gets through. Unbounded retries here once stalled a CI run for ten minutes
/// after the coordinator's broker came back.
fn abort_in_time(p: *mut kf_producer_t, txn_start: Instant, retries: &mut usize) -> bool {
    loop {
        let e = timed("abort_transaction", || {
            kf_producer_abort_transaction(p, 30_000)
        });
        if e.is_null() {
            return true;
        }
        assert!(
            kf_error_is_retriable(e) || kf_error_is_fatal(e),
            "abort failed: {}",
            text(kf_error_message(e))
        );
        let retry = retry_in_transaction(e, txn_start);
        if !retry {
            log(&format!("abort failed: {}", text(kf_error_message(e))));
        }
        kf_error_destroy(e);
        if !retry {
            return false;
        }
        *retries += 1;
    }
}

/// Whether the processor retries a transactional call that failed with `e`: a retriable error
/// that needs no abort, while the transaction is younger than its timeout (60 s). Past that the
/// coordinator aborts it anyway; the processor then gives up like a real one would, with a
/// new producer under the same transactional.id, which fences the old one and settles its
/// transaction. (In one CI dry run, after the coordinator's broker came back, librdkafka kept
/// answering retriable errors for ten minutes until it was fenced.)
fn retry_in_transaction(e: *mut kf_error_t, txn_start: Instant) -> bool {
    let retry =
        kf_error_is_retriable(e) && !kf_error_txn_requires_abort(e) && !kf_error_is_fatal(e);
    if retry && txn_start.elapsed() > Duration::from_secs(60) {
        log(&format!(
            "giving up on a transaction after {:.0?}: {}",
            txn_start.elapsed(),
            text(kf_error_message(e))
        ));
        return false;
    }
    retry
}

// Ignored in the default run: after the coordinator's broker restarts, the processor stalls for
// up to 600 s inside rd_kafka_send_offsets_to_transaction(), then is fenced and misses its
// deadline (in each of the last 5 runs that reached the fault, with the code before the
// restructure as after it). A stack taken during the stall shows librdkafka 2.12.1 waiting in
// rd_kafka_txn_op_req0() with no timeout: the coordinator request under it is never timed out
// (librdkafka #5456, and #5511 for a coordinator that left the metadata; fix proposed in
// librdkafka PR #5457). kafkaffi must end such a call at its timeout itself (issue 12, item 6).
// scripts/faults.sh still runs it.
#[test]
#[ignore = "librdkafka's send_offsets_to_transaction ignores its timeout after a coordinator restart (librdkafka #5456); see issue 12"]
fn real_transaction_coordinator_killed_during_an_exactly_once_processor() {
    let real = Real::get();
    let cluster = real.cluster();
    let input = unique("faults-eos-in");
    let output = unique("faults-eos-out");
    create_rf3_topic(&cluster, &input);
    create_rf3_topic(&cluster, &output);
    eos_with_fault(
        "real: the transaction coordinator's broker SIGKILLed at 30% of an exactly-once consume-transform-produce loop (every 10th transaction aborted on purpose), restarted 4 s later",
        &cluster,
        &input,
        &output,
        Some(10),
        |progress, n| {
            progress.wait_for(n * 3 / 10);
            let coord = txn_coordinator(&real.bootstrap);
            real.broker("kill", coord);
            thread::sleep(Duration::from_secs(4));
            real.broker("start", coord);
            vec![format!(
                "transaction coordinator {coord} killed at 30%; coordinator now {}",
                txn_coordinator(&real.bootstrap)
            )]
        },
    );
    wait_full_isr(&real.bootstrap, &input);
}

// ---------------------------------------------------------------------------------------------
// Mock cluster scenarios: what a real cluster cannot easily do.

fn mock3(topic: &str) -> Cluster {
    let cluster = Cluster::mock(3);
    ok(kf_mock_cluster_topic_create(
        cluster.mock,
        cs(topic).as_ptr(),
        PARTITIONS,
        3,
    ));
    cluster
}

/// The mock cluster handle, for fault threads (librdkafka's mock cluster API is thread-safe).
#[derive(Clone, Copy)]
struct Mock(*mut kf_mock_cluster_t);
unsafe impl Send for Mock {}
unsafe impl Sync for Mock {}
impl Mock {
    fn get(self) -> *mut kf_mock_cluster_t {
        self.0
    }
}

fn push_errors(mock: Mock, api: i16, errors: &[i32]) {
    ok(kf_mock_cluster_push_request_errors(
        mock.get(),
        api,
        errors.as_ptr(),
        errors.len(),
    ));
}

fn mock_leader(cluster: &Cluster, topic: &str, partition: i32) -> i32 {
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(topic).as_ptr(),
        5000,
        &mut md,
    ));
    let l = kf_metadata_partition_leader(md, 0, partition as usize);
    kf_metadata_destroy(md);
    ok(kf_producer_destroy(p));
    l
}

#[test]
fn mock_produce_request_errors() {
    let topic = unique("faults-mock-produce");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    // The mock checks producer sequence numbers for transactional producers only: with several
    // requests in flight, a failed one (even NOT_LEADER) is followed by a later one that the
    // mock accepts where Kafka answers OUT_OF_ORDER_SEQUENCE_NUMBER, and librdkafka then
    // acknowledges the failed batch implicitly (it must have been written, on a real broker)
    // although the mock never wrote it: the table shows those as lost. One request in flight
    // keeps the mock honest; the real-cluster scenarios cover pipelined requests.
    let mut props = idempotent_props();
    props.push(("max.in.flight.requests.per.connection", "1"));
    let errors = [
        KF_ERR_NOT_LEADER_FOR_PARTITION,
        KF_ERR_NOT_ENOUGH_REPLICAS,
        KF_ERR_REQUEST_TIMED_OUT,
        KF_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        KF_ERR_UNKNOWN_TOPIC_OR_PART,
        KF_ERR_NOT_LEADER_FOR_PARTITION,
    ];
    produce_consume_with_fault(
        "mock: Produce fails with NOT_LEADER, NOT_ENOUGH_REPLICAS(_AFTER_APPEND), REQUEST_TIMED_OUT, UNKNOWN_TOPIC_OR_PART at 0%, 30% and 60% (1 request in flight)",
        &cluster,
        &topic,
        &props,
        |progress, n| {
            for at in [0, 3, 6] {
                progress.wait_for(n * at / 10);
                push_errors(mock, KF_APIKEY_PRODUCE, &errors);
            }
            vec![format!("{} Produce errors injected", errors.len() * 3)]
        },
    );
}

#[test]
fn mock_fetch_request_errors() {
    let topic = unique("faults-mock-fetch");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    let errors = [
        KF_ERR_NOT_LEADER_FOR_PARTITION,
        KF_ERR_UNKNOWN_TOPIC_OR_PART,
        KF_ERR_UNKNOWN_LEADER_EPOCH,
        KF_ERR_NOT_LEADER_FOR_PARTITION,
        KF_ERR_REQUEST_TIMED_OUT,
    ];
    produce_consume_with_fault(
        "mock: Fetch fails with NOT_LEADER, UNKNOWN_TOPIC_OR_PART, UNKNOWN_LEADER_EPOCH, REQUEST_TIMED_OUT at 10%, 40% and 70%",
        &cluster,
        &topic,
        &idempotent_props(),
        |progress, n| {
            for at in [1, 4, 7] {
                progress.wait_for(n * at / 10);
                push_errors(mock, KF_APIKEY_FETCH, &errors);
            }
            vec![format!("{} Fetch errors injected", errors.len() * 3)]
        },
    );
}

#[test]
fn mock_round_trip_delay() {
    let topic = unique("faults-mock-rtt");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    produce_consume_with_fault(
        "mock: every broker's round trip delayed by 400 ms from 20% to 70%",
        &cluster,
        &topic,
        &idempotent_props(),
        |progress, n| {
            progress.wait_for(n * 2 / 10);
            ok(kf_mock_cluster_broker_set_rtt(mock.get(), -1, 400));
            progress.wait_for(n * 7 / 10);
            ok(kf_mock_cluster_broker_set_rtt(mock.get(), -1, 0));
            vec![]
        },
    );
}

#[test]
fn mock_broker_down_and_up() {
    let topic = unique("faults-mock-down");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    let victim = mock_leader(&cluster, &topic, 0);
    produce_consume_with_fault(
        &format!("mock: broker {victim} (leader of partition 0) down at 30% for 3 s"),
        &cluster,
        &topic,
        &idempotent_props(),
        |progress, n| {
            progress.wait_for(n * 3 / 10);
            ok(kf_mock_cluster_broker_down(mock.get(), victim));
            thread::sleep(Duration::from_secs(3));
            ok(kf_mock_cluster_broker_up(mock.get(), victim));
            vec![]
        },
    );
}

#[test]
fn mock_offset_commit_errors() {
    let topic = unique("faults-mock-commit");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    let ledger = fill(&cluster, &topic, messages());
    let errors = [
        KF_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        KF_ERR_NOT_COORDINATOR,
        KF_ERR_COORDINATOR_NOT_AVAILABLE,
        KF_ERR_REQUEST_TIMED_OUT,
        KF_ERR_REBALANCE_IN_PROGRESS,
    ];
    group_commits_with_fault(
        "mock: OffsetCommit fails with COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REQUEST_TIMED_OUT, REBALANCE_IN_PROGRESS at 30% and 60%",
        &cluster,
        &topic,
        ledger,
        &[],
        |progress, n, _| {
            for at in [3, 6] {
                progress.wait_for(n * at / 10);
                push_errors(mock, KF_APIKEY_OFFSET_COMMIT, &errors);
            }
            vec![]
        },
    );
}

#[test]
fn mock_join_group_errors() {
    let topic = unique("faults-mock-join");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    let ledger = fill(&cluster, &topic, messages());
    // Pushed before the group exists: the first joins fail.
    push_errors(
        mock,
        KF_APIKEY_JOIN_GROUP,
        &[
            KF_ERR_COORDINATOR_LOAD_IN_PROGRESS,
            KF_ERR_NOT_COORDINATOR,
            KF_ERR_COORDINATOR_NOT_AVAILABLE,
        ],
    );
    group_commits_with_fault(
        "mock: JoinGroup fails with COORDINATOR_LOAD_IN_PROGRESS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE",
        &cluster,
        &topic,
        ledger,
        &[],
        |_, _, _| vec![],
    );
}

#[test]
fn mock_heartbeat_errors() {
    let topic = unique("faults-mock-heartbeat");
    let cluster = mock3(&topic);
    let mock = Mock(cluster.mock);
    let ledger = fill(&cluster, &topic, messages());
    group_commits_with_fault(
        "mock: Heartbeat fails with REBALANCE_IN_PROGRESS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE at 30% (the member rejoins)",
        &cluster,
        &topic,
        ledger,
        &[],
        |progress, n, _| {
            progress.wait_for(n * 3 / 10);
            push_errors(mock,
                KF_APIKEY_HEARTBEAT,
                &[
                    KF_ERR_REBALANCE_IN_PROGRESS,
                    KF_ERR_NOT_COORDINATOR,
                    KF_ERR_COORDINATOR_NOT_AVAILABLE,
                ],
            );
            vec![]
        },
    );
}

#[test]
fn mock_transaction_request_errors() {
    let input = unique("faults-mock-eos-in");
    let output = unique("faults-mock-eos-out");
    let cluster = mock3(&input);
    ok(kf_mock_cluster_topic_create(
        cluster.mock,
        cs(&output).as_ptr(),
        PARTITIONS,
        3,
    ));
    let mock = Mock(cluster.mock);
    // Retriable errors only: the mock keeps no transactional state (EndTxn writes no markers and
    // TxnOffsetCommit stores no offsets), so an aborted transaction cannot be checked on it; the
    // real-cluster scenario aborts transactions.
    let (_, aborts, restarts) = eos_with_fault(
        "mock: exactly-once loop; AddPartitionsToTxn, TxnOffsetCommit and EndTxn fail with retriable errors at 30% and 60%",
        &cluster,
        &input,
        &output,
        None,
        |progress, n| {
            for at in [3, 6] {
                progress.wait_for(n * at / 10);
                push_errors(
                    mock,
                    KF_APIKEY_ADD_PARTITIONS_TO_TXN,
                    &[KF_ERR_COORDINATOR_LOAD_IN_PROGRESS, KF_ERR_NOT_COORDINATOR],
                );
                push_errors(
                    mock,
                    KF_APIKEY_TXN_OFFSET_COMMIT,
                    &[KF_ERR_COORDINATOR_NOT_AVAILABLE, KF_ERR_UNKNOWN_TOPIC_OR_PART],
                );
                push_errors(
                    mock,
                    KF_APIKEY_END_TXN,
                    &[KF_ERR_NOT_COORDINATOR, KF_ERR_CONCURRENT_TRANSACTIONS],
                );
            }
            vec!["12 transactional request errors injected".to_string()]
        },
    );
    assert_eq!((aborts, restarts), (0, 0), "retriable errors are retried");
}
