//! The transactional producer through the C ABI: exactly-once consume-transform-produce on the
//! real broker (across commits, an abort and a restart), read_committed visibility, fencing, the
//! state errors, the idempotent producer's fatal errors, and, with the mock cluster's fault
//! injection, the retriable, abortable and fatal paths and a commit that times out.
mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// A generous timeout for transactional calls that should succeed.
const T: i32 = 30_000;

// ---------------------------------------------------------------------------------------------
// helpers

/// A failed call's error, copied out with its flags.
#[derive(Debug, Clone)]
#[allow(dead_code)] // name and msg show in assertion messages
struct Fail {
    code: i32,
    name: String,
    msg: String,
    retriable: bool,
    fatal: bool,
    abort: bool,
}

impl Fail {
    /// Only the flags librdkafka sets for a plain local error (no retry, abort or fatal).
    fn is_plain(&self) -> bool {
        !self.retriable && !self.fatal && !self.abort
    }
}

fn outcome(e: *mut kf_error_t) -> Result<(), Fail> {
    if e.is_null() {
        return Ok(());
    }
    let f = Fail {
        code: kf_error_code(e),
        name: text(kf_error_name(e)),
        msg: text(kf_error_message(e)),
        retriable: kf_error_is_retriable(e),
        fatal: kf_error_is_fatal(e),
        abort: kf_error_txn_requires_abort(e),
    };
    kf_error_destroy(e);
    Err(f)
}

#[track_caller]
fn fails(e: *mut kf_error_t) -> Fail {
    match outcome(e) {
        Ok(()) => panic!("expected the call to fail, it succeeded"),
        Err(f) => f,
    }
}

/// Expects KF_ERR__STATE with no retriable / abortable / fatal flag.
#[track_caller]
fn state_error(e: *mut kf_error_t, what: &str) -> Fail {
    let f = fails(e);
    assert_eq!(f.code, KF_ERR__STATE, "{what}: {f:?}");
    assert!(f.is_plain(), "{what}: unexpected flags {f:?}");
    f
}

fn me() -> ThreadId {
    std::thread::current().id()
}

/// What the callbacks saw, each with the thread it ran on. Passed by pointer as the opaque.
#[derive(Default)]
struct Seen {
    errors: Mutex<Vec<(ThreadId, i32, bool)>>, // (thread, code, fatal)
    deliveries: Mutex<Vec<(ThreadId, i32, i32, i64)>>, // (thread, error, partition, offset)
    /// While set, the delivery callback calls the transactional functions on this producer and
    /// records what they return.
    probe: AtomicPtr<kf_producer_t>,
    probe_group: AtomicPtr<kf_consumer_group_metadata_t>,
    probed: Mutex<Vec<i32>>,
    /// Delivery callbacks running right now (must never exceed 1).
    running: std::sync::atomic::AtomicUsize,
    overlapped: std::sync::atomic::AtomicBool,
    /// Makes every delivery callback take a millisecond, so reports pile up while one runs.
    slow: std::sync::atomic::AtomicBool,
}

impl Seen {
    fn opaque(&self) -> *mut c_void {
        self as *const Seen as *mut c_void
    }
    fn deliveries(&self) -> Vec<(ThreadId, i32, i32, i64)> {
        self.deliveries.lock().unwrap().clone()
    }
    fn errors(&self) -> Vec<(ThreadId, i32, bool)> {
        self.errors.lock().unwrap().clone()
    }
}

unsafe extern "C" fn on_error(opaque: *mut c_void, e: *const kf_error_t) {
    let s = &*(opaque as *const Seen);
    s.errors
        .lock()
        .unwrap()
        .push((me(), kf_error_code(e), kf_error_is_fatal(e)));
}

unsafe extern "C" fn on_delivery(
    opaque: *mut c_void,
    m: *const kf_message_t,
    e: *const kf_error_t,
) {
    let s = &*(opaque as *const Seen);
    if s.running.fetch_add(1, Ordering::SeqCst) != 0 {
        s.overlapped.store(true, Ordering::SeqCst);
    }
    s.deliveries.lock().unwrap().push((
        me(),
        kf_error_code(e),
        kf_message_partition(m),
        kf_message_offset(m),
    ));
    if s.slow.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(1));
    }
    let p = s.probe.swap(null_mut(), Ordering::SeqCst);
    if !p.is_null() {
        let l = tp_list(&[("t", 0, 1)]);
        let codes = [
            kf_producer_init_transactions(p, 1000),
            kf_producer_begin_transaction(p),
            kf_producer_send_offsets_to_transaction(
                p,
                l,
                s.probe_group.load(Ordering::SeqCst),
                1000,
            ),
            kf_producer_commit_transaction(p, 1000),
            kf_producer_abort_transaction(p, 1000),
        ]
        .map(|e| outcome(e).err().map_or(0, |f| f.code));
        kf_topic_partition_list_destroy(l);
        s.probed.lock().unwrap().extend(codes);
    }
    s.running.fetch_sub(1, Ordering::SeqCst);
}

/// A transactional producer's configuration; with `seen`, error_cb and on_delivery record.
fn txn_config(cluster: &Cluster, txnid: &str, seen: Option<&Seen>) -> *mut kf_config_t {
    let c = cluster.config(&[("transactional.id", txnid)]);
    if let Some(s) = seen {
        ok(kf_config_set_error_cb(c, Some(on_error), s.opaque(), None));
        ok(kf_config_set_delivery_cb(
            c,
            Some(on_delivery),
            s.opaque(),
            None,
        ));
    }
    c
}

fn txn_producer(cluster: &Cluster, txnid: &str, seen: Option<&Seen>) -> *mut kf_producer_t {
    let conf = txn_config(cluster, txnid, seen);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    p
}

fn send(
    p: *mut kf_producer_t,
    topic: &str,
    partition: i32,
    key: &str,
    value: &[u8],
) -> *mut kf_error_t {
    kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        partition,
        key.as_ptr(),
        key.len(),
        value.as_ptr(),
        value.len(),
        null(),
        0,
        None,
        null_mut(),
    )
}

#[track_caller]
fn flush(p: *mut kf_producer_t) {
    let mut remaining = 1;
    ok(kf_producer_flush(p, T, &mut remaining));
    assert_eq!(remaining, 0, "flush left messages");
}

/// A consumer reading `topic` partitions `0..partitions` from the beginning, without a group join.
fn reader(cluster: &Cluster, topic: &str, partitions: i32, isolation: &str) -> *mut kf_consumer_t {
    let conf = cluster.config(&[
        ("group.id", &unique("reader")),
        ("isolation.level", isolation),
        ("enable.auto.commit", "false"),
    ]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let items: Vec<(&str, i32, i64)> = (0..partitions)
        .map(|p| (topic, p, KF_OFFSET_BEGINNING))
        .collect();
    let l = tp_list(&items);
    ok(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
    c
}

fn close(c: *mut kf_consumer_t) {
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
}

/// Every value of `topic` a consumer with `isolation` sees: reads until `expect` arrived, then
/// for one more second to catch anything beyond.
fn values(
    cluster: &Cluster,
    topic: &str,
    partitions: i32,
    isolation: &str,
    expect: usize,
) -> Vec<Msg> {
    let c = reader(cluster, topic, partitions, isolation);
    let (mut msgs, _) = consume_n(c, expect, Duration::from_secs(30));
    let (more, _) = consume_n(c, 1, Duration::from_secs(1));
    msgs.extend(more);
    close(c);
    msgs
}

fn value_text(m: &Msg) -> String {
    String::from_utf8(m.value.clone().unwrap_or_default()).unwrap()
}

/// The group's committed offsets for `topic` partitions `0..partitions`.
fn group_committed(cluster: &Cluster, group: &str, topic: &str, partitions: i32) -> Vec<i64> {
    let conf = cluster.config(&[("group.id", group), ("enable.auto.commit", "false")]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let items: Vec<(&str, i32, i64)> = (0..partitions).map(|p| (topic, p, 0)).collect();
    let l = tp_list(&items);
    let mut out = null_mut();
    ok(kf_consumer_committed(c, l, T, &mut out));
    let offsets = tp_items(out).iter().map(|i| i.offset).collect();
    kf_topic_partition_list_destroy(out);
    kf_topic_partition_list_destroy(l);
    close(c);
    offsets
}

/// A consumer of `group` (no subscription) whose metadata send_offsets_to_transaction needs.
fn group_metadata(
    cluster: &Cluster,
    group: &str,
) -> (*mut kf_consumer_t, *mut kf_consumer_group_metadata_t) {
    let conf = cluster.config(&[("group.id", group), ("enable.auto.commit", "false")]);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let mut g = null_mut();
    ok(kf_consumer_group_metadata(c, &mut g));
    (c, g)
}

/// Commits with the seed's loop: retry while retriable; abortable and fatal errors are returned.
fn commit_retrying(p: *mut kf_producer_t, timeout_ms: i32) -> Result<usize, Fail> {
    let mut retries = 0;
    loop {
        match outcome(kf_producer_commit_transaction(p, timeout_ms)) {
            Ok(()) => return Ok(retries),
            Err(f) if f.retriable && !f.fatal && !f.abort && retries < 20 => retries += 1,
            Err(f) => return Err(f),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// exactly-once consume-transform-produce (real broker)

/// A processor: a read_committed consumer in a group, without auto-commit, and a transactional
/// producer; it commits the consumer's positions with each transaction.
struct Processor {
    c: *mut kf_consumer_t,
    p: *mut kf_producer_t,
}

impl Processor {
    fn start(cluster: &Cluster, input: &str, group: &str, txnid: &str) -> Processor {
        let mut props = vec![
            ("group.id", group),
            ("enable.auto.commit", "false"),
            ("isolation.level", "read_committed"),
            ("auto.offset.reset", "earliest"),
        ];
        props.extend(classic_session_props(cluster));
        let conf = cluster.config(&props);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        ok(kf_consumer_subscribe(
            c,
            [cs(input).as_ptr()].as_ptr(),
            1,
            null(),
        ));
        let p = txn_producer(cluster, txnid, None);
        ok(kf_producer_init_transactions(p, T));
        Processor { c, p }
    }

    /// Up to `k` input messages: stops at `k`, or after a quiet second once some arrived, or
    /// after 20 s (the first read waits for the group join).
    fn read(&self, k: usize) -> Vec<Msg> {
        let start = Instant::now();
        let mut last = Instant::now();
        let mut msgs = Vec::new();
        while msgs.len() < k && start.elapsed() < Duration::from_secs(20) {
            if !msgs.is_empty() && last.elapsed() > Duration::from_secs(1) {
                break;
            }
            let mut m = null_mut();
            ok(kf_consumer_poll(self.c, 200, &mut m));
            if m.is_null() {
                continue;
            }
            let msg = Msg::from_c(m);
            kf_message_destroy(m);
            assert_eq!(msg.error, 0, "consumer error {msg:?}");
            msgs.push(msg);
            last = Instant::now();
        }
        msgs
    }

    /// The transform: the output value is the input value in upper case, keyed by the input's
    /// position so the check can tell which input each output came from.
    fn transform(&self, output: &str, msgs: &[Msg]) {
        for m in msgs {
            let v = value_text(m).to_uppercase();
            ok(send(
                self.p,
                output,
                KF_PARTITION_UA,
                &input_id(m),
                v.as_bytes(),
            ));
        }
    }

    /// Adds the consumer's positions (next offsets to read) to the transaction.
    fn send_offsets(&self) -> Result<(), Fail> {
        let mut assigned = null_mut();
        ok(kf_consumer_assignment(self.c, &mut assigned));
        let mut positions = null_mut();
        ok(kf_consumer_position(self.c, assigned, &mut positions));
        let mut g = null_mut();
        ok(kf_consumer_group_metadata(self.c, &mut g));
        let r = outcome(kf_producer_send_offsets_to_transaction(
            self.p, positions, g, -1,
        ));
        kf_consumer_group_metadata_destroy(g);
        kf_topic_partition_list_destroy(positions);
        kf_topic_partition_list_destroy(assigned);
        r
    }

    /// After an abort: back to the group's committed offsets (the start where none).
    fn rewind(&self) {
        let mut assigned = null_mut();
        ok(kf_consumer_assignment(self.c, &mut assigned));
        let mut committed = null_mut();
        ok(kf_consumer_committed(self.c, assigned, T, &mut committed));
        for i in 0..kf_topic_partition_list_count(committed) {
            if kf_topic_partition_list_offset(committed, i) < 0 {
                ok(kf_topic_partition_list_set_offset(
                    committed,
                    i,
                    KF_OFFSET_BEGINNING,
                ));
            }
        }
        ok(kf_consumer_seek(self.c, committed, T));
        kf_topic_partition_list_destroy(committed);
        kf_topic_partition_list_destroy(assigned);
    }

    fn stop(self) {
        close(self.c);
        ok(kf_producer_destroy(self.p));
    }

    /// Dies in the middle of a transaction: its messages are written, nothing is committed or
    /// aborted.
    fn crash(self) {
        flush(self.p);
        ok(kf_producer_destroy(self.p));
        close(self.c);
    }
}

fn input_id(m: &Msg) -> String {
    format!("{}-{}", m.partition, m.offset)
}

#[test]
fn consume_transform_produce_is_exactly_once_across_commits_an_abort_and_a_restart() {
    let cluster = Cluster::broker();
    let (input, output) = (unique("eos-in"), unique("eos-out"));
    cluster.create_topic(&input, 3);
    cluster.create_topic(&output, 2);
    const PER_PARTITION: usize = 30;
    const N: usize = 3 * PER_PARTITION;
    const K: usize = 10;
    let mut expected = BTreeMap::new(); // input id -> expected output value
    for part in 0..3 {
        let vals: Vec<Vec<u8>> = (0..PER_PARTITION)
            .map(|i| format!("value-{part}-{i}").into_bytes())
            .collect();
        produce_values(&cluster, &input, part, &vals);
        for (i, v) in vals.iter().enumerate() {
            let v = String::from_utf8(v.clone()).unwrap().to_uppercase();
            expected.insert(format!("{part}-{i}"), v);
        }
    }
    let (group, txnid) = (unique("eos-group"), unique("eos-txn"));

    let mut proc = Processor::start(&cluster, &input, &group, &txnid);
    let mut committed: BTreeSet<String> = BTreeSet::new();
    let mut aborted_outputs = 0;
    let (mut txn, mut aborted, mut restarted) = (0, false, false);
    let deadline = Instant::now() + Duration::from_secs(120);
    while committed.len() < N {
        assert!(
            Instant::now() < deadline,
            "only {} of {N} inputs committed",
            committed.len()
        );
        txn += 1;
        ok(kf_producer_begin_transaction(proc.p));
        let msgs = proc.read(K);
        proc.transform(&output, &msgs);
        if txn == 2 {
            // Abort in the middle: the outputs are written, then aborted; the input is read
            // again from the committed offsets.
            assert!(!msgs.is_empty(), "nothing to abort");
            flush(proc.p);
            ok(kf_producer_abort_transaction(proc.p, T));
            proc.rewind();
            aborted_outputs += msgs.len();
            aborted = true;
            continue;
        }
        if txn == 4 {
            // The processor dies with its transaction open, and restarts with the same
            // transactional.id and group: init_transactions aborts the open transaction.
            assert!(!msgs.is_empty(), "nothing in flight at the crash");
            proc.crash();
            aborted_outputs += msgs.len();
            proc = Processor::start(&cluster, &input, &group, &txnid);
            restarted = true;
            continue;
        }
        proc.send_offsets()
            .unwrap_or_else(|f| panic!("send_offsets in transaction {txn}: {f:?}"));
        commit_retrying(proc.p, -1).unwrap_or_else(|f| panic!("commit {txn}: {f:?}"));
        for m in &msgs {
            assert!(
                committed.insert(input_id(m)),
                "input {} committed twice (transaction {txn})",
                input_id(m)
            );
        }
    }
    proc.stop();
    assert!(
        aborted && restarted && txn > 4,
        "the run skipped a phase (txn {txn})"
    );

    // The group's offsets went forward with the transactions: everything is consumed.
    assert_eq!(
        group_committed(&cluster, &group, &input, 3),
        vec![PER_PARTITION as i64; 3]
    );

    // read_committed: every input exactly once, transformed.
    let out = values(&cluster, &output, 2, "read_committed", N);
    let mut seen = BTreeMap::new();
    for m in &out {
        let key = String::from_utf8(m.key.clone().unwrap()).unwrap();
        assert!(
            seen.insert(key.clone(), value_text(m)).is_none(),
            "output for {key} twice"
        );
    }
    assert_eq!(out.len(), N);
    assert_eq!(seen, expected);

    // read_uncommitted also sees the outputs of the aborted and the crashed transaction.
    let all = values(
        &cluster,
        &output,
        2,
        "read_uncommitted",
        N + aborted_outputs,
    );
    assert_eq!(all.len(), N + aborted_outputs);
}

// ---------------------------------------------------------------------------------------------
// visibility, fencing, state errors

#[test]
fn an_aborted_transaction_is_seen_by_read_uncommitted_only() {
    let cluster = Cluster::broker();
    let topic = unique("txn-abort");
    cluster.create_topic(&topic, 1);
    let p = txn_producer(&cluster, &unique("txn-abort"), None);
    ok(kf_producer_init_transactions(p, T));

    ok(kf_producer_begin_transaction(p));
    for v in ["aborted-1", "aborted-2", "aborted-3"] {
        ok(send(p, &topic, 0, "k", v.as_bytes()));
    }
    flush(p); // written to the log, then aborted
    ok(kf_producer_abort_transaction(p, T));

    ok(kf_producer_begin_transaction(p));
    for v in ["committed-1", "committed-2"] {
        ok(send(p, &topic, 0, "k", v.as_bytes()));
    }
    ok(kf_producer_commit_transaction(p, T));
    ok(kf_producer_destroy(p));

    let committed: Vec<String> = values(&cluster, &topic, 1, "read_committed", 2)
        .iter()
        .map(value_text)
        .collect();
    assert_eq!(committed, ["committed-1", "committed-2"]);
    let all: Vec<String> = values(&cluster, &topic, 1, "read_uncommitted", 5)
        .iter()
        .map(value_text)
        .collect();
    assert_eq!(
        all,
        [
            "aborted-1",
            "aborted-2",
            "aborted-3",
            "committed-1",
            "committed-2"
        ]
    );
}

#[test]
fn a_second_producer_with_the_same_transactional_id_fences_the_first() {
    let cluster = Cluster::broker();
    let topic = unique("txn-fence");
    cluster.create_topic(&topic, 1);
    let txnid = unique("txn-fence");
    let seen = Seen::default();
    let p1 = txn_producer(&cluster, &txnid, Some(&seen));
    ok(kf_producer_init_transactions(p1, T));
    ok(kf_producer_begin_transaction(p1));
    ok(send(p1, &topic, 0, "k", b"from-p1"));
    flush(p1);
    assert!(kf_producer_fatal_error(p1).is_null());

    // The newer producer fences the first and aborts its open transaction.
    let p2 = txn_producer(&cluster, &txnid, None);
    ok(kf_producer_init_transactions(p2, T));

    let fenced = [
        KF_ERR__FENCED,
        KF_ERR_PRODUCER_FENCED,
        KF_ERR_INVALID_PRODUCER_EPOCH,
    ];
    let f = fails(kf_producer_commit_transaction(p1, T));
    assert!(f.fatal && !f.retriable, "{f:?}");
    assert!(fenced.contains(&f.code), "{f:?}");
    // The original fatal error can be fetched from the producer, and error_cb got it flagged.
    let fe = kf_producer_fatal_error(p1);
    assert!(!fe.is_null());
    assert!(kf_error_is_fatal(fe));
    assert_eq!(kf_error_code(fe), f.code);
    kf_error_destroy(fe);
    let _ = outcome(kf_producer_poll(p1, 100, null_mut()));
    assert!(
        seen.errors()
            .iter()
            .any(|e| e.2 && e.1 == f.code && e.0 == me()),
        "error_cb did not get the fatal error on this thread: {:?}",
        seen.errors()
    );
    // Everything transactional on the fenced producer now fails fatally.
    let b = fails(kf_producer_begin_transaction(p1));
    assert!(b.fatal, "{b:?}");
    let a = fails(kf_producer_abort_transaction(p1, T));
    assert!(a.fatal, "{a:?}");
    assert!(outcome(send(p1, &topic, 0, "k", b"late")).is_err());
    ok(kf_producer_destroy(p1));

    // The newer producer works.
    ok(kf_producer_begin_transaction(p2));
    ok(send(p2, &topic, 0, "k", b"from-p2"));
    ok(kf_producer_commit_transaction(p2, T));
    ok(kf_producer_destroy(p2));
    let got: Vec<String> = values(&cluster, &topic, 1, "read_committed", 1)
        .iter()
        .map(value_text)
        .collect();
    assert_eq!(got, ["from-p2"]);
}

#[test]
fn transactional_calls_out_of_order_fail_with_state_errors() {
    for cluster in Cluster::both() {
        let topic = unique("txn-state");
        cluster.create_topic(&topic, 1);
        let (c, g) = group_metadata(&cluster, &unique("txn-state"));
        let offsets = tp_list(&[(&topic, 0, 1)]);
        let p = txn_producer(&cluster, &unique("txn-state"), None);

        // Before init_transactions.
        state_error(kf_producer_begin_transaction(p), "begin before init");
        state_error(
            kf_producer_commit_transaction(p, 1000),
            "commit before init",
        );
        state_error(kf_producer_abort_transaction(p, 1000), "abort before init");
        state_error(
            kf_producer_send_offsets_to_transaction(p, offsets, g, 1000),
            "send_offsets before init",
        );
        let f = fails(send(p, &topic, 0, "k", b"v"));
        assert_eq!(f.code, KF_ERR__STATE, "produce before init: {f:?}");

        ok(kf_producer_init_transactions(p, T));
        state_error(kf_producer_init_transactions(p, T), "init twice");
        // Outside a transaction.
        let f = fails(send(p, &topic, 0, "k", b"v"));
        assert_eq!(
            f.code, KF_ERR__STATE,
            "produce outside a transaction: {f:?}"
        );
        state_error(
            kf_producer_commit_transaction(p, 1000),
            "commit without begin",
        );
        state_error(
            kf_producer_abort_transaction(p, 1000),
            "abort without begin",
        );
        state_error(
            kf_producer_send_offsets_to_transaction(p, offsets, g, 1000),
            "send_offsets without begin",
        );
        assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

        // In a transaction: a second begin fails; the transaction still commits.
        ok(kf_producer_begin_transaction(p));
        state_error(kf_producer_begin_transaction(p), "begin twice");
        ok(send(p, &topic, 0, "k", b"v"));
        ok(kf_producer_commit_transaction(p, T));
        state_error(kf_producer_commit_transaction(p, 1000), "commit twice");
        ok(kf_producer_destroy(p));

        // A producer without transactional.id.
        let conf = cluster.config(&[]);
        let plain = new_producer(conf);
        kf_config_destroy(conf);
        for (what, e) in [
            ("init", kf_producer_init_transactions(plain, 1000)),
            ("begin", kf_producer_begin_transaction(plain)),
            ("commit", kf_producer_commit_transaction(plain, 1000)),
        ] {
            let f = fails(e);
            assert_eq!(
                f.code, KF_ERR__NOT_CONFIGURED,
                "{what} without transactional.id: {f:?}"
            );
        }
        ok(kf_producer_destroy(plain));
        kf_topic_partition_list_destroy(offsets);
        kf_consumer_group_metadata_destroy(g);
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// callbacks during transactional calls

#[test]
fn delivery_reports_of_commit_and_abort_run_on_the_calling_thread_one_at_a_time() {
    let cluster = Cluster::mock(1);
    let topic = unique("txn-dr");
    cluster.create_topic(&topic, 3);
    let seen = Seen::default();
    let p = txn_producer(&cluster, &unique("txn-dr"), Some(&seen));
    ok(kf_producer_init_transactions(p, T));

    for round in 0..3 {
        // Committed: every report arrives during the commit, with no poll in between.
        seen.deliveries.lock().unwrap().clear();
        ok(kf_producer_begin_transaction(p));
        for i in 0..300 {
            ok(send(p, &topic, i % 3, "k", b"v"));
        }
        ok(kf_producer_commit_transaction(p, T));
        let d = seen.deliveries();
        assert_eq!(d.len(), 300, "round {round}: reports served by the commit");
        assert!(
            d.iter().all(|r| r.0 == me() && r.1 == 0),
            "round {round}: {d:?}"
        );
        for part in 0..3 {
            let offs: Vec<i64> = d.iter().filter(|r| r.2 == part).map(|r| r.3).collect();
            assert!(
                offs.windows(2).all(|w| w[0] < w[1]),
                "out of order: {offs:?}"
            );
        }

        // Aborted: the in-flight messages are reported during the abort. The partitions join
        // the transaction first; then the broker answers slowly, so the reports arrive one
        // request at a time while librdkafka's abort waits for them (serving them itself, on
        // the thread running it: kafkaffi hands them to this thread), and each report is slow,
        // so they pile up.
        ok(kf_producer_begin_transaction(p));
        for part in 0..3 {
            ok(send(p, &topic, part, "k", b"v"));
        }
        flush(p);
        seen.deliveries.lock().unwrap().clear();
        ok(kf_mock_cluster_broker_set_rtt(cluster.mock, 1, 300));
        seen.slow.store(true, Ordering::SeqCst);
        for i in 0..300 {
            ok(send(p, &topic, i % 3, "k", b"v"));
            if i % 30 == 29 {
                std::thread::sleep(Duration::from_millis(15)); // one request after another
            }
        }
        ok(kf_producer_abort_transaction(p, T));
        ok(kf_mock_cluster_broker_set_rtt(cluster.mock, 1, 0));
        seen.slow.store(false, Ordering::SeqCst);
        let d = seen.deliveries();
        assert_eq!(d.len(), 300, "round {round}: reports served by the abort");
        assert!(
            d.iter().all(|r| r.0 == me()),
            "round {round}: a report ran elsewhere"
        );
        assert!(
            d.iter()
                .all(|r| [0, KF_ERR__PURGE_QUEUE, KF_ERR__PURGE_INFLIGHT].contains(&r.1)),
            "{:?}",
            d.iter().map(|r| r.1).collect::<BTreeSet<_>>()
        );
    }
    assert!(
        !seen.overlapped.load(Ordering::SeqCst),
        "two delivery callbacks ran at once"
    );

    // From inside one of the producer's callbacks, every transactional call is refused.
    let (c, g) = group_metadata(&cluster, &unique("txn-dr"));
    seen.probe_group.store(g, Ordering::SeqCst);
    ok(kf_producer_begin_transaction(p));
    ok(send(p, &topic, 0, "k", b"v"));
    seen.probe.store(p, Ordering::SeqCst);
    flush(p);
    assert!(
        seen.probe.load(Ordering::SeqCst).is_null(),
        "the probe did not run"
    );
    assert_eq!(*seen.probed.lock().unwrap(), vec![KF_ERR__STATE; 5]);
    ok(kf_producer_commit_transaction(p, T));
    ok(kf_producer_destroy(p));
    kf_consumer_group_metadata_destroy(g);
    close(c);
}

#[test]
fn init_transactions_times_out_retriably_serving_error_cb_and_resumes() {
    let cluster = Cluster::mock(1);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    let seen = Seen::default();
    let conf = txn_config(&cluster, &unique("txn-init"), Some(&seen));
    ok(kf_config_set(
        conf,
        cs("reconnect.backoff.max.ms").as_ptr(),
        cs("200").as_ptr(),
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);

    let f = fails(kf_producer_init_transactions(p, 2000));
    assert!(f.retriable && !f.fatal && !f.abort, "{f:?}");
    // error_cb ran during the call, on this thread (no poll happened).
    let errs = seen.errors();
    assert!(
        !errs.is_empty(),
        "no error_cb served while init_transactions waited"
    );
    assert!(errs.iter().all(|e| e.0 == me() && !e.2), "{errs:?}");

    ok(kf_mock_cluster_broker_up(cluster.mock, 1));
    ok(kf_producer_init_transactions(p, T)); // resumes the initialization
    ok(kf_producer_begin_transaction(p));
    ok(kf_producer_commit_transaction(p, T));
    ok(kf_producer_destroy(p));
}

#[test]
fn an_idempotent_producers_fatal_error_reaches_error_cb_and_fatal_error() {
    let cluster = Cluster::mock(1);
    let topic = unique("idemp");
    cluster.create_topic(&topic, 1);
    let seen = Seen::default();
    let conf = cluster.config(&[("enable.idempotence", "true")]);
    ok(kf_config_set_error_cb(
        conf,
        Some(on_error),
        seen.opaque(),
        None,
    ));
    ok(kf_config_set_delivery_cb(
        conf,
        Some(on_delivery),
        seen.opaque(),
        None,
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);
    // One message first, so the producer has its id and the next request is in sequence.
    ok(send(p, &topic, 0, "k", b"first"));
    flush(p);
    assert!(kf_producer_fatal_error(p).is_null());

    // The broker rejects the head-of-line request's sequence: the idempotent producer can no
    // longer guarantee order or once-ness, which librdkafka makes fatal.
    ok(kf_mock_cluster_push_request_errors(
        cluster.mock,
        KF_APIKEY_PRODUCE,
        [KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER].as_ptr(),
        1,
    ));
    ok(send(p, &topic, 0, "k", b"second"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.errors().iter().any(|e| e.2) && Instant::now() < deadline {
        let _ = outcome(kf_producer_poll(p, 100, null_mut()));
    }
    let errs = seen.errors();
    let fatal: Vec<_> = errs.iter().filter(|e| e.2).collect();
    assert_eq!(fatal.len(), 1, "{errs:?}");
    // error_cb gets the original error, not KF_ERR__FATAL, on the polling thread.
    assert_eq!(fatal[0].1, KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert_eq!(fatal[0].0, me());
    let fe = kf_producer_fatal_error(p);
    assert!(!fe.is_null());
    assert_eq!(kf_error_code(fe), KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert!(kf_error_is_fatal(fe));
    kf_error_destroy(fe);
    // The producer refuses new messages with the same fatal error.
    let f = fails(send(p, &topic, 0, "k", b"third"));
    assert!(
        f.fatal && f.code == KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
        "{f:?}"
    );
    ok(kf_producer_destroy(p));
}

// ---------------------------------------------------------------------------------------------
// fault injection on the mock cluster
//
// The mock cluster speaks the transaction protocol but keeps no transactional state: it does not
// store offsets sent with TxnOffsetCommit and does not filter aborted messages for
// read_committed. These tests therefore check what the client does (errors, their flags, and
// that each message is written once); the real-broker tests above check the outcomes.

/// A transaction with one message and offsets for `group`, left open.
fn open_transaction(
    p: *mut kf_producer_t,
    topic: &str,
    g: *const kf_consumer_group_metadata_t,
    offset: i64,
) -> Result<(), Fail> {
    ok(kf_producer_begin_transaction(p));
    ok(send(p, topic, 0, "k", format!("v{offset}").as_bytes()));
    let l = tp_list(&[(topic, 0, offset)]);
    let r = outcome(kf_producer_send_offsets_to_transaction(p, l, g, 10_000));
    kf_topic_partition_list_destroy(l);
    r
}

#[test]
fn retriable_errors_are_retried_or_surface_retriable_and_the_retried_call_succeeds() {
    let cluster = Cluster::mock(3);
    let topic = unique("txn-retry");
    cluster.create_topic(&topic, 1);
    let group = unique("txn-retry");
    let (c, g) = group_metadata(&cluster, &group);
    let txnid = unique("txn-retry");
    ok(kf_mock_cluster_coordinator_set(
        cluster.mock,
        cs("transaction").as_ptr(),
        cs(&txnid).as_ptr(),
        1,
    ));
    let p = txn_producer(&cluster, &txnid, None);
    ok(kf_producer_init_transactions(p, T));
    let m = cluster.mock;
    let push = |api, errs: &[i32]| {
        ok(kf_mock_cluster_push_request_errors(
            m,
            api,
            errs.as_ptr(),
            errs.len(),
        ))
    };

    // A few retriable errors on every transactional request: librdkafka retries them itself.
    push(
        KF_APIKEY_ADD_PARTITIONS_TO_TXN,
        &[
            KF_ERR_CONCURRENT_TRANSACTIONS,
            KF_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        ],
    );
    push(
        KF_APIKEY_ADD_OFFSETS_TO_TXN,
        &[
            KF_ERR_COORDINATOR_NOT_AVAILABLE,
            KF_ERR_CONCURRENT_TRANSACTIONS,
        ],
    );
    push(
        KF_APIKEY_TXN_OFFSET_COMMIT,
        &[KF_ERR_COORDINATOR_LOAD_IN_PROGRESS],
    );
    push(
        KF_APIKEY_END_TXN,
        &[KF_ERR_COORDINATOR_NOT_AVAILABLE, KF_ERR_NOT_COORDINATOR],
    );
    open_transaction(p, &topic, g, 1).unwrap();
    ok(kf_producer_commit_transaction(p, T));

    // Retriable errors that outlast the call's timeout surface with the retriable flag; the
    // same call, retried with the same arguments once they stop, succeeds.
    ok(kf_producer_begin_transaction(p));
    ok(send(p, &topic, 0, "k", b"v2"));
    push(
        KF_APIKEY_ADD_OFFSETS_TO_TXN,
        &[KF_ERR_COORDINATOR_LOAD_IN_PROGRESS; 200],
    );
    let l = tp_list(&[(&topic, 0, 2)]);
    let f = fails(kf_producer_send_offsets_to_transaction(p, l, g, 1500));
    assert!(f.retriable && !f.abort && !f.fatal, "{f:?}");
    ok(kf_mock_cluster_clear_request_errors(
        m,
        KF_APIKEY_ADD_OFFSETS_TO_TXN,
    ));
    ok(kf_producer_send_offsets_to_transaction(p, l, g, T));
    kf_topic_partition_list_destroy(l);
    ok(kf_producer_commit_transaction(p, T));

    // The coordinator moves to broker 3 in the middle of a transaction: EndTxn answers
    // NOT_COORDINATOR on the old one, librdkafka looks the coordinator up again, and the
    // commit succeeds (after retries that surface as retriable errors, if any).
    open_transaction(p, &topic, g, 3).unwrap();
    ok(kf_mock_cluster_coordinator_set(
        m,
        cs("transaction").as_ptr(),
        cs(&txnid).as_ptr(),
        3,
    ));
    push(KF_APIKEY_END_TXN, &[KF_ERR_NOT_COORDINATOR]);
    let retries = commit_retrying(p, 5000).unwrap_or_else(|f| panic!("commit: {f:?}"));
    eprintln!("commit after the coordinator moved: {retries} retriable error(s) surfaced");
    assert!(retries < 20);
    // And the next transaction runs against the new coordinator.
    open_transaction(p, &topic, g, 4).unwrap();
    ok(kf_producer_commit_transaction(p, T));

    let msgs = values(&cluster, &topic, 1, "read_committed", 4);
    let got: Vec<String> = msgs.iter().map(value_text).collect();
    assert_eq!(
        got,
        ["v1", "v2", "v3", "v4"],
        "each committed message exactly once"
    );
    ok(kf_producer_destroy(p));
    kf_consumer_group_metadata_destroy(g);
    close(c);
}

#[test]
fn abortable_errors_require_abort_and_the_next_transaction_succeeds() {
    let cluster = Cluster::mock(1);
    let topic = unique("txn-abortable");
    cluster.create_topic(&topic, 1);
    let group = unique("txn-abortable");
    let (c, g) = group_metadata(&cluster, &group);
    let p = txn_producer(&cluster, &unique("txn-abortable"), None);
    ok(kf_producer_init_transactions(p, T));
    let m = cluster.mock;
    let push = |api, errs: &[i32]| {
        ok(kf_mock_cluster_push_request_errors(
            m,
            api,
            errs.as_ptr(),
            errs.len(),
        ))
    };
    let abortable = |f: &Fail| f.abort && !f.fatal && !f.retriable;

    // TxnOffsetCommit refused by the group coordinator: send_offsets reports an abortable error.
    push(
        KF_APIKEY_TXN_OFFSET_COMMIT,
        &[KF_ERR_GROUP_AUTHORIZATION_FAILED],
    );
    let f = open_transaction(p, &topic, g, 1).unwrap_err();
    assert!(abortable(&f), "{f:?}");
    assert_eq!(f.code, KF_ERR_GROUP_AUTHORIZATION_FAILED);
    // Commit is refused with the same abortable error until the transaction is aborted.
    let f = fails(kf_producer_commit_transaction(p, T));
    assert!(abortable(&f), "{f:?}");
    // So is a new transaction: the error comes back, still abortable.
    let f = fails(kf_producer_begin_transaction(p));
    assert!(abortable(&f), "begin before the abort: {f:?}");
    ok(kf_producer_abort_transaction(p, T));
    open_transaction(p, &topic, g, 2).unwrap();
    ok(kf_producer_commit_transaction(p, T));

    // AddOffsetsToTxn refused: abortable.
    push(
        KF_APIKEY_ADD_OFFSETS_TO_TXN,
        &[KF_ERR_GROUP_AUTHORIZATION_FAILED],
    );
    let f = open_transaction(p, &topic, g, 3).unwrap_err();
    assert!(abortable(&f), "{f:?}");
    ok(kf_producer_abort_transaction(p, T));

    // AddPartitionsToTxn refused: the message fails and the commit reports an abortable error.
    push(
        KF_APIKEY_ADD_PARTITIONS_TO_TXN,
        &[KF_ERR_TOPIC_AUTHORIZATION_FAILED],
    );
    ok(kf_producer_begin_transaction(p));
    ok(send(p, &topic, 0, "k", b"refused"));
    let f = fails(kf_producer_commit_transaction(p, T));
    assert!(abortable(&f), "{f:?}");
    ok(kf_producer_abort_transaction(p, T));

    // EndTxn with an unhandled error: abortable.
    push(KF_APIKEY_END_TXN, &[KF_ERR_INVALID_RECORD]);
    open_transaction(p, &topic, g, 5).unwrap();
    let f = fails(kf_producer_commit_transaction(p, T));
    assert!(abortable(&f), "{f:?}");
    ok(kf_producer_abort_transaction(p, T));

    // After all that the producer is healthy: a transaction commits.
    open_transaction(p, &topic, g, 6).unwrap();
    ok(kf_producer_commit_transaction(p, T));
    assert!(kf_producer_fatal_error(p).is_null());
    ok(kf_producer_destroy(p));
    kf_consumer_group_metadata_destroy(g);
    close(c);
}

#[test]
fn a_fenced_end_txn_is_fatal() {
    let cluster = Cluster::mock(1);
    let topic = unique("txn-fatal");
    cluster.create_topic(&topic, 1);
    let (c, g) = group_metadata(&cluster, &unique("txn-fatal"));
    let seen = Seen::default();
    let p = txn_producer(&cluster, &unique("txn-fatal"), Some(&seen));
    ok(kf_producer_init_transactions(p, T));
    ok(kf_mock_cluster_push_request_errors(
        cluster.mock,
        KF_APIKEY_END_TXN,
        [KF_ERR_PRODUCER_FENCED].as_ptr(),
        1,
    ));
    open_transaction(p, &topic, g, 1).unwrap();
    let f = fails(kf_producer_commit_transaction(p, T));
    assert!(f.fatal && !f.retriable, "{f:?}");
    let fe = kf_producer_fatal_error(p);
    assert!(!fe.is_null() && kf_error_is_fatal(fe));
    assert_eq!(kf_error_code(fe), f.code);
    kf_error_destroy(fe);
    // error_cb saw it too, flagged fatal, on this thread.
    let _ = outcome(kf_producer_poll(p, 100, null_mut()));
    assert!(
        seen.errors()
            .iter()
            .any(|e| e.2 && e.1 == f.code && e.0 == me()),
        "{:?}",
        seen.errors()
    );
    assert!(fails(kf_producer_begin_transaction(p)).fatal);
    ok(kf_producer_destroy(p));
    kf_consumer_group_metadata_destroy(g);
    close(c);
}

#[test]
fn a_commit_that_times_out_is_retried_and_commits_exactly_once() {
    let cluster = Cluster::mock(3);
    let topic = unique("txn-timeout");
    cluster.create_topic(&topic, 1);
    let group = unique("txn-timeout");
    let (c, g) = group_metadata(&cluster, &group);
    let txnid = unique("txn-timeout");
    let m = cluster.mock;
    ok(kf_mock_cluster_coordinator_set(
        m,
        cs("transaction").as_ptr(),
        cs(&txnid).as_ptr(),
        2,
    ));
    let p = txn_producer(&cluster, &txnid, None);
    ok(kf_producer_init_transactions(p, T));

    ok(kf_producer_begin_transaction(p));
    for i in 0..5 {
        ok(send(p, &topic, 0, "k", format!("m{i}").as_bytes()));
    }
    let l = tp_list(&[(&topic, 0, 5)]);
    ok(kf_producer_send_offsets_to_transaction(p, l, g, T));
    kf_topic_partition_list_destroy(l);

    // The coordinator answers EndTxn only after 3 s: a commit with 1 s times out, retriable,
    // with the outcome unknown.
    ok(kf_mock_cluster_push_broker_request_error(
        m,
        2,
        KF_APIKEY_END_TXN,
        0,
        3000,
    ));
    let start = Instant::now();
    let f = fails(kf_producer_commit_transaction(p, 1000));
    assert!(start.elapsed() < Duration::from_millis(2500));
    assert_eq!(f.code, KF_ERR__TIMED_OUT, "{f:?}");
    assert!(f.retriable && !f.abort && !f.fatal, "{f:?}");
    // librdkafka refuses to move on while the commit is unresolved.
    let b = fails(kf_producer_begin_transaction(p));
    assert!(
        b.code == KF_ERR__CONFLICT || b.code == KF_ERR__STATE,
        "{b:?}"
    );
    let a = fails(kf_producer_abort_transaction(p, 1000));
    assert_eq!(a.code, KF_ERR__CONFLICT, "{a:?}");

    // The documented recovery: the same commit again, which resumes the one in progress.
    ok(kf_producer_commit_transaction(p, T));
    assert!(
        start.elapsed() >= Duration::from_millis(2900),
        "commit did not wait for EndTxn"
    );

    // The next transaction is a new one; nothing is committed twice.
    ok(kf_producer_begin_transaction(p));
    ok(send(p, &topic, 0, "k", b"m5"));
    ok(kf_producer_commit_transaction(p, T));
    ok(kf_producer_destroy(p));
    let got: Vec<String> = values(&cluster, &topic, 1, "read_committed", 6)
        .iter()
        .map(value_text)
        .collect();
    assert_eq!(got, ["m0", "m1", "m2", "m3", "m4", "m5"]);
    kf_consumer_group_metadata_destroy(g);
    close(c);
}

/// Commits with a 0 ms timeout until one times out (on a local broker even 1 ms is enough for a
/// whole commit); a commit that makes it anyway is followed by `reopen`, which opens the next.
fn commit_until_it_times_out(p: *mut kf_producer_t, mut reopen: impl FnMut()) -> Fail {
    for _ in 0..10 {
        match outcome(kf_producer_commit_transaction(p, 0)) {
            Ok(()) => reopen(),
            Err(f) => return f,
        }
    }
    panic!("ten commits with a 0 ms timeout all succeeded");
}

#[test]
fn a_timed_out_commit_on_the_broker_is_recovered_by_retrying_or_by_recreating_the_producer() {
    let cluster = Cluster::broker();
    let topic = unique("txn-recover");
    cluster.create_topic(&topic, 1);
    let group = unique("txn-recover");
    let (c, g) = group_metadata(&cluster, &group);
    let txnid = unique("txn-recover");
    let mut next = 0i64; // offsets sent so far (one message and offset per transaction)
    let mut open = |p: *mut kf_producer_t| {
        next += 1;
        open_transaction(p, &topic, g, next).unwrap();
        flush(p); // so that the commit's time goes to EndTxn
        next
    };

    // Recovery 1: the same commit again.
    let p = txn_producer(&cluster, &txnid, None);
    ok(kf_producer_init_transactions(p, T));
    let mut sent = open(p);
    let f = commit_until_it_times_out(p, || sent = open(p));
    assert!(f.retriable && !f.abort && !f.fatal, "{f:?}");
    assert_eq!(f.code, KF_ERR__TIMED_OUT, "{f:?}");
    ok(kf_producer_commit_transaction(p, T));
    assert_eq!(group_committed(&cluster, &group, &topic, 1), [sent]);
    let got: Vec<String> = values(&cluster, &topic, 1, "read_committed", sent as usize)
        .iter()
        .map(value_text)
        .collect();
    let want: Vec<String> = (1..=sent).map(|i| format!("v{i}")).collect();
    assert_eq!(
        got, want,
        "every committed transaction's message exactly once"
    );

    // Recovery 2: a new producer with the same transactional.id. The group's committed offsets
    // and the visible messages agree on whether the timed-out transaction committed.
    sent = open(p);
    let f = commit_until_it_times_out(p, || sent = open(p));
    assert!(f.retriable, "{f:?}");
    ok(kf_producer_destroy(p));
    let p = txn_producer(&cluster, &txnid, None);
    ok(kf_producer_init_transactions(p, T));
    let offset = group_committed(&cluster, &group, &topic, 1)[0];
    assert!(
        offset == sent || offset == sent - 1,
        "committed {offset}, sent {sent}"
    );
    eprintln!(
        "timed-out transaction {}",
        if offset == sent {
            "committed"
        } else {
            "aborted"
        }
    );
    let got: Vec<String> = values(&cluster, &topic, 1, "read_committed", offset as usize)
        .iter()
        .map(value_text)
        .collect();
    let want: Vec<String> = (1..=offset).map(|i| format!("v{i}")).collect();
    assert_eq!(
        got, want,
        "visible messages disagree with the committed offset"
    );
    // The new producer carries on.
    ok(kf_producer_begin_transaction(p));
    ok(send(p, &topic, 0, "k", b"after"));
    ok(kf_producer_commit_transaction(p, T));
    ok(kf_producer_destroy(p));
    kf_consumer_group_metadata_destroy(g);
    close(c);
}
