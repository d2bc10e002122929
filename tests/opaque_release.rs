//! The opaque release (kf_config_set_opaque_release_cb): a client destroyed with work in
//! flight gives each per-call opaque whose callback will never run (a message's delivery opaque,
//! an `_async` admin call's opaque) to the release exactly once, on the destroying thread, and
//! never one whose callback ran. Asynchronous admin results are handed over to their callback,
//! which may keep them past the callback. tests/c/test_opaque_release.c does the same through
//! the header (and runs under valgrind: tests/valgrind/opaque_release.sh).
mod common;
use common::*;
use kafkaffi::ffi::result::*;
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering::SeqCst};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// One per-call opaque: how often its callback ran and how often it was released.
#[derive(Default)]
struct Op {
    called: AtomicUsize,
    released: AtomicUsize,
    /// An admin result handed to the callback, kept past it.
    result: AtomicPtr<kf_admin_result_t>,
}

/// The release registration's opaque: every release seen, by thread.
struct Tracker {
    ops: Vec<Op>,
    releases: AtomicUsize,
    /// Releases of a pointer that is none of `ops`.
    foreign: AtomicUsize,
    threads: Mutex<Vec<ThreadId>>,
    /// The registration's free_opaque calls.
    freed: AtomicUsize,
    /// Zero-copy values given back.
    values_freed: AtomicUsize,
}

impl Tracker {
    fn new(n: usize) -> Box<Tracker> {
        Box::new(Tracker {
            ops: (0..n).map(|_| Op::default()).collect(),
            releases: AtomicUsize::new(0),
            foreign: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
            freed: AtomicUsize::new(0),
            values_freed: AtomicUsize::new(0),
        })
    }
    fn me(&self) -> *mut c_void {
        self as *const Tracker as *mut c_void
    }
    fn op(&self, i: usize) -> *mut c_void {
        &self.ops[i] as *const Op as *mut c_void
    }
    /// (callback runs, releases) of each op in `range`.
    fn counts(&self, range: std::ops::Range<usize>) -> Vec<(usize, usize)> {
        self.ops[range]
            .iter()
            .map(|o| (o.called.load(SeqCst), o.released.load(SeqCst)))
            .collect()
    }
    /// Registers the release on `conf`.
    fn register(&self, conf: *mut kf_config_t) {
        ok(kf_config_set_opaque_release_cb(
            conf,
            Some(on_release),
            self.me(),
            Some(on_free),
        ));
    }
    /// Every release ran on this thread.
    fn assert_released_here(&self) {
        let me = std::thread::current().id();
        let threads = self.threads.lock().unwrap();
        assert!(
            threads.iter().all(|t| *t == me),
            "released on another thread"
        );
        assert_eq!(self.foreign.load(SeqCst), 0, "a pointer that is no opaque");
    }
}

unsafe extern "C" fn on_release(opaque: *mut c_void, released: *mut c_void) {
    let t = &*(opaque as *const Tracker);
    t.releases.fetch_add(1, SeqCst);
    t.threads.lock().unwrap().push(std::thread::current().id());
    let base = t.ops.as_ptr() as usize;
    let at = released as usize;
    let size = std::mem::size_of::<Op>();
    if at >= base && at < base + t.ops.len() * size && (at - base) % size == 0 {
        (*(released as *const Op)).released.fetch_add(1, SeqCst);
    } else {
        t.foreign.fetch_add(1, SeqCst);
    }
}

unsafe extern "C" fn on_free(opaque: *mut c_void) {
    (*(opaque as *const Tracker)).freed.fetch_add(1, SeqCst);
}

unsafe extern "C" fn on_delivery(
    opaque: *mut c_void,
    _m: *const kf_message_t,
    _e: *const kf_error_t,
) {
    (*(opaque as *const Op)).called.fetch_add(1, SeqCst);
}

unsafe extern "C" fn free_value(opaque: *mut c_void, value: *mut u8) {
    (*(opaque as *const Tracker))
        .values_freed
        .fetch_add(1, SeqCst);
    drop(Box::from_raw(value as *mut [u8; 8]));
}

unsafe extern "C" fn on_result(opaque: *mut c_void, r: *mut kf_admin_result_t) {
    let op = &*(opaque as *const Op);
    op.called.fetch_add(1, SeqCst);
    // Handed over: kept past the callback, read and destroyed by the test.
    op.result.store(r, SeqCst);
}

fn produce(p: *mut kf_producer_t, topic: &str, value: &[u8], opaque: *mut c_void) {
    ok(kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        0,
        null(),
        0,
        value.as_ptr(),
        value.len(),
        null(),
        0,
        Some(on_delivery),
        opaque,
    ));
}

fn produce_no_callback(p: *mut kf_producer_t, topic: &str, opaque: *mut c_void) {
    ok(kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        0,
        null(),
        0,
        b"v".as_ptr(),
        1,
        null(),
        0,
        None,
        opaque,
    ));
}

#[test]
fn producer_destroy_releases_what_was_never_reported_on_the_mock_with_its_broker_down() {
    let cluster = Cluster::mock(1);
    let t = unique("rel-down");
    cluster.create_topic(&t, 1);
    // 0..10 delivered and served; 10..20 delivered, never served; 20..40 undelivered (broker
    // down); 40..45 undelivered zero-copy; 45..50 without a callback; 50 refused at produce.
    let tr = Tracker::new(51);
    let conf = cluster.config(&[
        ("message.timeout.ms", "300000"),
        ("message.max.bytes", "10000"),
    ]);
    tr.register(conf);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    for i in 0..10 {
        produce(p, &t, b"served", tr.op(i));
    }
    let mut remaining = 1;
    ok(kf_producer_flush(p, 10_000, &mut remaining));
    assert_eq!(remaining, 0);
    for i in 10..20 {
        produce(p, &t, b"unserved", tr.op(i));
    }
    std::thread::sleep(Duration::from_millis(1000)); // delivered by the mock, not polled
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    for i in 20..40 {
        produce(p, &t, b"undelivered", tr.op(i));
    }
    for i in 40..45 {
        let v = Box::into_raw(Box::new(*b"zerocopy")) as *mut u8;
        ok(kf_producer_produce_zerocopy(
            p,
            cs(&t).as_ptr(),
            0,
            null(),
            0,
            v,
            8,
            Some(free_value),
            tr.me(),
            null(),
            0,
            Some(on_delivery),
            tr.op(i),
        ));
    }
    for i in 45..50 {
        produce_no_callback(p, &t, tr.op(i));
    }
    // Refused at produce: the opaque stays the caller's.
    let big = vec![0u8; 20_000];
    let e = kf_producer_produce(
        p,
        cs(&t).as_ptr(),
        0,
        null(),
        0,
        big.as_ptr(),
        big.len(),
        null(),
        0,
        Some(on_delivery),
        tr.op(50),
    );
    assert_eq!(err(e).0, KF_ERR_MSG_SIZE_TOO_LARGE);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(tr.releases.load(SeqCst), 0, "released before destroy");
    ok(kf_producer_destroy(p));
    assert_eq!(tr.counts(0..10), vec![(1, 0); 10], "served: never released");
    assert_eq!(
        tr.counts(10..45),
        vec![(0, 1); 35],
        "never served: released once"
    );
    assert_eq!(
        tr.counts(45..51),
        vec![(0, 0); 6],
        "no callback, or refused"
    );
    assert_eq!(tr.releases.load(SeqCst), 35);
    assert_eq!(
        tr.values_freed.load(SeqCst),
        5,
        "zero-copy values given back"
    );
    tr.assert_released_here();
    assert_eq!(
        tr.freed.load(SeqCst),
        1,
        "registration freed with its last client"
    );
}

#[test]
fn purged_messages_report_to_their_callback_or_are_released_when_destroyed_unpolled() {
    let cluster = Cluster::mock(1);
    let t = unique("rel-purge");
    cluster.create_topic(&t, 1);
    let tr = Tracker::new(20);
    let conf = cluster.config(&[("message.timeout.ms", "300000")]);
    tr.register(conf);
    let p = new_producer(conf);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    for i in 0..10 {
        produce(p, &t, b"purged", tr.op(i));
    }
    ok(kf_producer_purge(p, true, true, true));
    let deadline = Instant::now() + Duration::from_secs(10);
    while tr.counts(0..10).iter().any(|c| c.0 == 0) {
        assert!(
            Instant::now() < deadline,
            "purged messages were not reported"
        );
        ok(kf_producer_poll(p, 100, null_mut()));
    }
    ok(kf_producer_destroy(p));
    assert_eq!(tr.counts(0..10), vec![(1, 0); 10]);
    assert_eq!(tr.releases.load(SeqCst), 0);
    // Purged, then destroyed before a poll served the purge's reports: released.
    let p = new_producer(conf);
    kf_config_destroy(conf);
    for i in 10..20 {
        produce(p, &t, b"purged", tr.op(i));
    }
    ok(kf_producer_purge(p, true, true, true));
    ok(kf_producer_destroy(p));
    assert_eq!(tr.counts(10..20), vec![(0, 1); 10]);
    assert_eq!(tr.releases.load(SeqCst), 10);
    tr.assert_released_here();
    assert_eq!(tr.freed.load(SeqCst), 1);
}

#[test]
fn producer_destroy_releases_each_unserved_opaque_once_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let t = unique("rel-unserved");
        cluster.create_topic(&t, 1);
        let n = 500;
        let tr = Tracker::new(2 * n);
        let conf = cluster.config(&[]);
        tr.register(conf);
        // Flushed first: every callback runs, nothing is released.
        let p = new_producer(conf);
        for i in 0..n {
            produce(p, &t, b"flushed", tr.op(i));
        }
        let mut remaining = 1;
        ok(kf_producer_flush(p, 30_000, &mut remaining));
        assert_eq!(remaining, 0);
        ok(kf_producer_destroy(p));
        assert_eq!(tr.counts(0..n), vec![(1, 0); n], "{}", cluster.name());
        assert_eq!(tr.releases.load(SeqCst), 0);
        // Destroyed at once, never polled: no callback runs, every opaque is released once,
        // whether its message was delivered, in flight or still queued.
        let p = new_producer(conf);
        kf_config_destroy(conf);
        for i in n..2 * n {
            produce(p, &t, b"destroyed", tr.op(i));
        }
        ok(kf_producer_destroy(p));
        assert_eq!(tr.counts(n..2 * n), vec![(0, 1); n], "{}", cluster.name());
        assert_eq!(tr.releases.load(SeqCst), n);
        tr.assert_released_here();
        assert_eq!(tr.freed.load(SeqCst), 1);
    }
}

#[test]
fn serializing_producer_destroy_releases_unserved_opaques_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let t = unique("rel-serde");
        cluster.create_topic(&t, 1);
        let tr = Tracker::new(20);
        let conf = cluster.config(&[]);
        tr.register(conf);
        let mut e = null_mut();
        let sp = kf_serializing_producer_new(conf, null(), null(), &mut e);
        ok(e);
        kf_config_destroy(conf);
        for i in 0..20 {
            ok(kf_serializing_producer_produce(
                sp,
                cs(&t).as_ptr(),
                0,
                null(),
                0,
                b"v".as_ptr(),
                1,
                null(),
                0,
                Some(on_delivery),
                tr.op(i),
            ));
        }
        ok(kf_serializing_producer_destroy(sp));
        assert_eq!(tr.counts(0..20), vec![(0, 1); 20], "{}", cluster.name());
        tr.assert_released_here();
        assert_eq!(tr.freed.load(SeqCst), 1);
    }
}

fn new_admin(conf: *const kf_config_t) -> *mut kf_admin_t {
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    ok(e);
    assert!(!a.is_null());
    a
}

fn list_offsets_async(
    a: *mut kf_admin_t,
    t: &str,
    opts: *const kf_admin_options_t,
    op: *mut c_void,
) {
    let l = tp_list(&[(t, 0, KF_OFFSET_SPEC_LATEST)]);
    ok(kf_admin_list_offsets_async(a, l, opts, Some(on_result), op));
    kf_topic_partition_list_destroy(l);
}

#[test]
fn admin_results_are_handed_over_and_destroy_releases_calls_in_flight_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let t = unique("rel-admin");
        cluster.create_topic(&t, 1);
        // 0: served (its result kept past the callback); 1..4 ready, never served; 4..8 in
        // flight; 8: refused at the call.
        let tr = Tracker::new(9);
        let conf = cluster.config(&[]);
        tr.register(conf);
        let a = new_admin(conf);
        kf_config_destroy(conf);
        list_offsets_async(a, &t, null(), tr.op(0));
        let deadline = Instant::now() + Duration::from_secs(30);
        while tr.ops[0].called.load(SeqCst) == 0 {
            assert!(Instant::now() < deadline, "the result never came");
            ok(kf_admin_poll(a, 200, null_mut()));
        }
        let r = tr.ops[0].result.swap(null_mut(), SeqCst);
        assert!(!r.is_null());
        assert_eq!(kf_admin_result_operation(r), KF_ADMIN_OP_LIST_OFFSETS);
        assert_eq!(kf_admin_result_item_count(r), 1);
        assert_eq!(text(kf_admin_result_item_name(r, 0)), t);
        assert_eq!(kf_admin_result_item_error_code(r, 0), 0);
        kf_admin_result_destroy(r);
        for i in 1..4 {
            list_offsets_async(a, &t, null(), tr.op(i));
        }
        std::thread::sleep(Duration::from_millis(1500)); // answered, not polled
        if cluster.is_mock() {
            // The broker down: these wait for it for their whole minute.
            ok(kf_mock_cluster_broker_down(cluster.mock, 1));
        }
        let opts = kf_admin_options_new();
        ok(kf_admin_options_set_request_timeout(opts, 60_000));
        for i in 4..8 {
            list_offsets_async(a, &t, opts, tr.op(i));
        }
        // An option the operation does not take: the call fails, the opaque stays ours.
        ok(kf_admin_options_set_validate_only(opts, true));
        let l = tp_list(&[(&t, 0, KF_OFFSET_SPEC_LATEST)]);
        let (code, _) = err(kf_admin_list_offsets_async(
            a,
            l,
            opts,
            Some(on_result),
            tr.op(8),
        ));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        kf_topic_partition_list_destroy(l);
        kf_admin_options_destroy(opts);
        assert_eq!(tr.releases.load(SeqCst), 0, "released before destroy");
        ok(kf_admin_destroy(a));
        assert_eq!(tr.counts(0..1), vec![(1, 0)], "{}", cluster.name());
        assert_eq!(tr.counts(1..8), vec![(0, 1); 7], "{}", cluster.name());
        assert_eq!(tr.counts(8..9), vec![(0, 0)], "{}", cluster.name());
        assert_eq!(tr.releases.load(SeqCst), 7);
        tr.assert_released_here();
        assert_eq!(
            tr.freed.load(SeqCst),
            1,
            "registration freed with its last client"
        );
    }
}

#[test]
fn without_a_release_destroy_drops_opaques_and_a_removed_release_is_freed_at_once() {
    let cluster = Cluster::mock(1);
    let t = unique("rel-none");
    cluster.create_topic(&t, 1);
    let tr = Tracker::new(5);
    let conf = cluster.config(&[]);
    tr.register(conf);
    // Removing the registration frees its opaque at once; clients made afterwards have none.
    ok(kf_config_set_opaque_release_cb(
        conf,
        None,
        tr.me(),
        Some(on_free),
    ));
    assert_eq!(
        tr.freed.load(SeqCst),
        2,
        "the replaced one and the NULL one"
    );
    let p = new_producer(conf);
    kf_config_destroy(conf);
    for i in 0..5 {
        produce(p, &t, b"dropped", tr.op(i));
    }
    ok(kf_producer_destroy(p));
    assert_eq!(tr.counts(0..5), vec![(0, 0); 5]);
    assert_eq!(tr.releases.load(SeqCst), 0);
}

#[test]
fn a_duplicated_config_shares_the_release_until_its_last_client_is_gone() {
    let cluster = Cluster::mock(1);
    let t = unique("rel-dup");
    cluster.create_topic(&t, 1);
    let tr = Tracker::new(4);
    let conf = cluster.config(&[]);
    tr.register(conf);
    let dup = kf_config_dup(conf);
    kf_config_destroy(conf);
    let p1 = new_producer(dup);
    let p2 = new_producer(dup);
    kf_config_destroy(dup);
    for i in 0..2 {
        produce(p1, &t, b"p1", tr.op(i));
        produce(p2, &t, b"p2", tr.op(i + 2));
    }
    ok(kf_producer_destroy(p1));
    assert_eq!(tr.counts(0..4), vec![(0, 1), (0, 1), (0, 0), (0, 0)]);
    assert_eq!(tr.freed.load(SeqCst), 0, "p2 still holds the registration");
    ok(kf_producer_destroy(p2));
    assert_eq!(tr.counts(0..4), vec![(0, 1); 4]);
    assert_eq!(tr.freed.load(SeqCst), 1);
    tr.assert_released_here();
}

/// Pull mode (kf_config_set_delivery_report_mode): the opaque of a report that was never pulled
/// goes to the release at destroy; a pulled one never does.
#[test]
fn pull_mode_destroy_releases_the_opaques_of_reports_never_pulled_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let t = unique("rel-pull");
        cluster.create_topic(&t, 1);
        let n = 200;
        let tr = Tracker::new(n);
        let conf = cluster.config(&[]);
        tr.register(conf);
        ok(kf_config_set_delivery_report_mode(
            conf,
            KF_DELIVERY_REPORT_MODE_PULL,
        ));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        for i in 0..n {
            produce_no_callback(p, &t, tr.op(i));
        }
        let mut remaining = 1;
        ok(kf_producer_flush(p, 30_000, &mut remaining));
        assert_eq!(remaining, 0);
        // Pull the first half (reports come in produce order on one partition).
        let mut pulled = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while pulled.len() < n / 2 {
            assert!(Instant::now() < deadline, "reports did not arrive");
            let mut batch = null_mut();
            ok(kf_producer_delivery_reports(
                p,
                n / 2 - pulled.len(),
                1000,
                &mut batch,
            ));
            if batch.is_null() {
                continue;
            }
            let mut count = 0;
            let r = kf_delivery_report_batch_reports(batch, &mut count);
            let reports = unsafe { std::slice::from_raw_parts(r, count) };
            pulled.extend(reports.iter().map(|r| r.opaque as usize));
            kf_delivery_report_batch_destroy(batch);
        }
        let expected: Vec<usize> = (0..n / 2).map(|i| tr.op(i) as usize).collect();
        assert_eq!(pulled, expected, "{}", cluster.name());
        ok(kf_producer_destroy(p));
        assert_eq!(
            tr.counts(0..n / 2),
            vec![(0, 0); n / 2],
            "{}",
            cluster.name()
        );
        assert_eq!(
            tr.counts(n / 2..n),
            vec![(0, 1); n / 2],
            "{}",
            cluster.name()
        );
        tr.assert_released_here();
        assert_eq!(tr.freed.load(SeqCst), 1);
    }
}
