//! Serving callbacks only in poll (kafkaffi.callbacks.in.poll), the non-blocking close and
//! flush, and wake-ups that end every blocking call (also from a signal handler); on the real
//! broker and the mock cluster.
mod common;
use common::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// What callbacks saw, each entry with the thread it ran on and when.
#[derive(Default)]
struct Seen {
    deliveries: Mutex<Vec<ThreadId>>,
    logs: Mutex<Vec<ThreadId>>,
    errors: Mutex<Vec<ThreadId>>,
    stats: Mutex<Vec<(ThreadId, Instant)>>,
    assigned: Mutex<Vec<(ThreadId, usize)>>,
    revoked: Mutex<Vec<(ThreadId, usize)>>,
}

impl Seen {
    fn opaque(&self) -> *mut c_void {
        self as *const Seen as *mut c_void
    }
    fn all_threads(&self) -> Vec<ThreadId> {
        let mut t = self.deliveries.lock().unwrap().clone();
        t.extend(self.logs.lock().unwrap().iter());
        t.extend(self.errors.lock().unwrap().iter());
        t.extend(self.stats.lock().unwrap().iter().map(|s| s.0));
        t.extend(self.assigned.lock().unwrap().iter().map(|s| s.0));
        t.extend(self.revoked.lock().unwrap().iter().map(|s| s.0));
        t
    }
    #[track_caller]
    fn assert_all_on(&self, who: &str, poller: ThreadId) {
        let t = self.all_threads();
        assert!(!t.is_empty(), "{who}: no callback ran");
        assert!(
            t.iter().all(|x| *x == poller),
            "{who}: a callback ran off the polling thread {poller:?}: {t:?}"
        );
    }
}

fn seen<'a>(o: *mut c_void) -> &'a Seen {
    unsafe { &*(o as *const Seen) }
}
fn me() -> ThreadId {
    std::thread::current().id()
}

unsafe extern "C" fn on_delivery(o: *mut c_void, _m: *const kf_message_t, _e: *const kf_error_t) {
    seen(o).deliveries.lock().unwrap().push(me());
}
unsafe extern "C" fn on_log(o: *mut c_void, _l: c_int, _f: *const c_char, _m: *const c_char) {
    seen(o).logs.lock().unwrap().push(me());
}
unsafe extern "C" fn on_error(o: *mut c_void, _e: *const kf_error_t) {
    seen(o).errors.lock().unwrap().push(me());
}
unsafe extern "C" fn on_stats(o: *mut c_void, _j: *const c_char, _n: usize) {
    seen(o).stats.lock().unwrap().push((me(), Instant::now()));
}
unsafe extern "C" fn on_assign(
    o: *mut c_void,
    _c: *mut kf_consumer_t,
    p: *const kf_topic_partition_list_t,
) {
    let n = kf_topic_partition_list_count(p);
    seen(o).assigned.lock().unwrap().push((me(), n));
}
unsafe extern "C" fn on_revoke(
    o: *mut c_void,
    _c: *mut kf_consumer_t,
    p: *const kf_topic_partition_list_t,
) {
    let n = kf_topic_partition_list_count(p);
    seen(o).revoked.lock().unwrap().push((me(), n));
}

/// A raw pointer moved to another thread in a test.
struct P<T>(*mut T);
impl<T> Clone for P<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for P<T> {}
unsafe impl<T> Send for P<T> {}
impl<T> P<T> {
    fn get(self) -> *mut T {
        self.0
    }
}

fn code_of(e: *mut kf_error_t) -> i32 {
    if e.is_null() {
        0
    } else {
        let c = kf_error_code(e);
        kf_error_destroy(e);
        c
    }
}

fn readable(fd: c_int) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    unsafe { libc::poll(&mut p, 1, 0) == 1 }
}

#[test]
fn the_serve_in_poll_setting_is_checked_and_readable() {
    let c = kf_config_new();
    let key = c"kafkaffi.callbacks.in.poll";
    let (code, msg) = err(kf_config_set(c, key.as_ptr(), c"yes".as_ptr()));
    assert_eq!(code, KF_ERR__INVALID_ARG, "{msg}");
    assert!(msg.contains("kafkaffi.callbacks.in.poll"), "{msg}");
    let mut v = null_mut();
    ok(kf_config_get(c, key.as_ptr(), &mut v));
    assert_eq!(text(v), "false", "the default");
    kf_string_free(v);
    ok(kf_config_set(c, key.as_ptr(), c"true".as_ptr()));
    ok(kf_config_get(c, key.as_ptr(), &mut v));
    assert_eq!(text(v), "true");
    kf_string_free(v);
    // A copy keeps it.
    let d = kf_config_dup(c);
    ok(kf_config_get(d, key.as_ptr(), &mut v));
    assert_eq!(text(v), "true");
    kf_string_free(v);
    kf_config_destroy(d);
    kf_config_destroy(c);
}

/// A producer in serve-in-poll mode: a flush on a worker thread serves nothing there, not even
/// when nobody polls; the reports wait for the polling thread, and the event fd says so.
#[test]
fn serve_in_poll_flush_on_a_worker_runs_no_callback_there() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("serve-flush");
        cluster.create_topic(&topic, 1);
        let s = Box::new(Seen::default());
        // A second, dead bootstrap address: connection errors and log lines to serve too.
        let conf = cluster.config(&[
            ("kafkaffi.callbacks.in.poll", "true"),
            ("debug", "msg"),
            ("linger.ms", "50"),
        ]);
        let bs = format!("{},127.0.0.1:1", cluster.bootstrap);
        ok(kf_config_set(
            conf,
            c"bootstrap.servers".as_ptr(),
            cs(&bs).as_ptr(),
        ));
        ok(kf_config_set_delivery_cb(
            conf,
            Some(on_delivery),
            s.opaque(),
            None,
        ));
        ok(kf_config_set_log_cb(conf, Some(on_log), s.opaque(), None));
        ok(kf_config_set_error_cb(
            conf,
            Some(on_error),
            s.opaque(),
            None,
        ));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let mut fd = -1;
        ok(kf_producer_event_fd(p, &mut fd));
        // What was queued before the fd existed does not make it readable: serve it once.
        let mut served = 1;
        while served > 0 {
            ok(kf_producer_poll(p, 0, &mut served));
        }
        s.logs.lock().unwrap().clear();
        s.errors.lock().unwrap().clear();
        let t = cs(&topic);
        const N: usize = 200;
        for i in 0..N {
            let v = format!("v{i}");
            ok(kf_producer_produce(
                p,
                t.as_ptr(),
                0,
                null(),
                0,
                v.as_ptr(),
                v.len(),
                null(),
                0,
                None,
                null_mut(),
            ));
        }
        // Nobody polls: the flush on the worker runs nothing and times out, the reports
        // waiting for a poll.
        let pp = P(p);
        let worker = std::thread::spawn(move || {
            let mut remaining = usize::MAX;
            let code = code_of(kf_producer_flush(pp.get(), 3000, &mut remaining));
            (me(), code, remaining)
        });
        let (worker_id, code, remaining) = worker.join().unwrap();
        assert_eq!(code, 0, "{who}: flush (a timeout is no error)");
        assert!(remaining > 0, "{who}: the reports are not served");
        assert!(
            s.all_threads().is_empty(),
            "{who}: a callback ran while nobody polled: {:?} (worker {worker_id:?})",
            s.all_threads()
        );
        assert!(kf_producer_len(p) > 0, "{who}: the reports wait for poll");
        assert!(!kf_producer_flush_done(p), "{who}: reports not served yet");
        assert!(readable(fd), "{who}: the event fd says there is work");
        // A second flush on a worker, now while this thread polls.
        let worker = std::thread::spawn(move || {
            let mut remaining = usize::MAX;
            let code = code_of(kf_producer_flush(pp.get(), 30_000, &mut remaining));
            (code, remaining)
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        while !(worker.is_finished() && kf_producer_flush_done(p)) {
            assert!(
                Instant::now() < deadline,
                "{who}: reports not served in time"
            );
            let mut buf = [0u8; 64];
            while unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, 64) } > 0 {}
            ok(kf_producer_poll(p, 50, null_mut()));
        }
        assert_eq!(worker.join().unwrap(), (0, 0), "{who}");
        assert_eq!(s.deliveries.lock().unwrap().len(), N, "{who}");
        assert!(
            !s.logs.lock().unwrap().is_empty(),
            "{who}: log lines served"
        );
        s.assert_all_on(who, me());
        ok(kf_producer_destroy(p));
    }
}

/// A transaction committed on a worker in serve-in-poll mode: the delivery reports that
/// librdkafka's commit pops are handed to the polling thread.
#[test]
fn serve_in_poll_transaction_on_a_worker_delivers_on_the_polling_thread() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("serve-txn");
        cluster.create_topic(&topic, 1);
        let s = Box::new(Seen::default());
        let txid = unique("serve-txid");
        let conf = cluster.config(&[
            ("kafkaffi.callbacks.in.poll", "true"),
            ("transactional.id", &txid),
        ]);
        ok(kf_config_set_delivery_cb(
            conf,
            Some(on_delivery),
            s.opaque(),
            None,
        ));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let pp = P(p);
        let t = cs(&topic);
        let tp = P(t.as_ptr() as *mut c_char);
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let d2 = done.clone();
        let worker = std::thread::spawn(move || {
            let p = pp.get();
            let r = (|| {
                let c = code_of(kf_producer_init_transactions(p, 30_000));
                if c != 0 {
                    return ("init", c);
                }
                let c = code_of(kf_producer_begin_transaction(p));
                if c != 0 {
                    return ("begin", c);
                }
                for i in 0..20 {
                    let v = format!("t{i}");
                    let c = code_of(kf_producer_produce(
                        p,
                        tp.get(),
                        0,
                        null(),
                        0,
                        v.as_ptr(),
                        v.len(),
                        null(),
                        0,
                        None,
                        null_mut(),
                    ));
                    if c != 0 {
                        return ("produce", c);
                    }
                }
                ("commit", code_of(kf_producer_commit_transaction(p, 30_000)))
            })();
            d2.store(true, Ordering::SeqCst);
            (me(), r)
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done.load(Ordering::SeqCst) || kf_producer_len(p) > 0 {
            assert!(
                Instant::now() < deadline,
                "{who}: transaction not done in time"
            );
            ok(kf_producer_poll(p, 20, null_mut()));
        }
        let (worker_id, r) = worker.join().unwrap();
        assert_eq!(r, ("commit", 0), "{who}");
        assert_eq!(s.deliveries.lock().unwrap().len(), 20, "{who}");
        assert!(!s.all_threads().contains(&worker_id), "{who}");
        s.assert_all_on(who, me());
        ok(kf_producer_destroy(p));
    }
}

fn group_consumer(
    cluster: &Cluster,
    s: &Seen,
    props: &[(&str, &str)],
    topic: &str,
) -> *mut kf_consumer_t {
    let group = unique("serve-group");
    let mut all = vec![
        ("group.id", group.as_str()),
        ("auto.offset.reset", "earliest"),
    ];
    all.extend_from_slice(props);
    all.extend(classic_session_props(cluster));
    let conf = cluster.config(&all);
    ok(kf_config_set_stats_cb(
        conf,
        Some(on_stats),
        s.opaque(),
        None,
    ));
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let t = cs(topic);
    let cbs = kf_rebalance_callbacks_t {
        on_assign: Some(on_assign),
        on_revoke: Some(on_revoke),
        on_lost: None,
        opaque: s.opaque(),
        free_opaque: None,
    };
    ok(kf_consumer_subscribe(c, [t.as_ptr()].as_ptr(), 1, &cbs));
    c
}

/// Polls until the first message arrives (the group is joined and an offset is there to commit).
fn poll_first_message(c: *mut kf_consumer_t, who: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "{who}: no message in time");
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 100, &mut m));
        if !m.is_null() {
            let data = kf_message_error_code(m) == 0;
            kf_message_destroy(m);
            if data {
                return;
            }
        }
    }
}

/// kf_consumer_close_begin() returns at once; poll serves the revoke and hands out no message;
/// kf_consumer_close_done() says when the group is left. Then, in serve-in-poll mode, a blocking
/// close on a worker thread while this thread polls.
#[test]
fn close_begin_is_served_by_poll_and_close_done_says_when() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("serve-close");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &[b"a".to_vec(), b"b".to_vec()]);
        for in_poll in [false, true] {
            let s = Box::new(Seen::default());
            let mode = if in_poll { "true" } else { "false" };
            let c = group_consumer(
                &cluster,
                &s,
                &[("kafkaffi.callbacks.in.poll", mode)],
                &topic,
            );
            poll_first_message(c, who);
            let mut fd = -1;
            ok(kf_consumer_event_fd(c, &mut fd));
            assert!(!kf_consumer_close_done(c), "{who}: not closing yet");
            if !in_poll {
                let t0 = Instant::now();
                ok(kf_consumer_close_begin(c));
                assert!(
                    t0.elapsed() < Duration::from_millis(500),
                    "{who}: close_begin blocked"
                );
                assert!(
                    s.revoked.lock().unwrap().is_empty(),
                    "{who}: nothing served yet"
                );
                let deadline = Instant::now() + Duration::from_secs(30);
                while !kf_consumer_close_done(c) {
                    assert!(Instant::now() < deadline, "{who}: close not done in time");
                    let mut m = null_mut();
                    ok(kf_consumer_poll(c, 100, &mut m));
                    assert!(m.is_null(), "{who}: a message during close");
                }
            } else {
                // The close blocks a worker; this thread serves the revoke.
                let cp = P(c);
                let worker = std::thread::spawn(move || {
                    (me(), code_of(kf_consumer_close(cp.get(), 30_000)))
                });
                let deadline = Instant::now() + Duration::from_secs(30);
                while !worker.is_finished() {
                    assert!(Instant::now() < deadline, "{who}: close not done in time");
                    let mut m = null_mut();
                    let e = kf_consumer_poll(c, 100, &mut m);
                    if !e.is_null() {
                        // The close finished between the check and the poll.
                        assert!(kf_consumer_close_done(c), "{who}");
                        kf_error_destroy(e);
                        break;
                    }
                    // (A message may still come before the worker has begun the close.)
                    if !m.is_null() {
                        kf_message_destroy(m);
                    }
                }
                let (worker_id, code) = worker.join().unwrap();
                assert_eq!(code, 0, "{who}: close on the worker");
                assert!(
                    !s.all_threads().contains(&worker_id),
                    "{who}: ran on the closing worker"
                );
                assert!(kf_consumer_close_done(c));
            }
            let revoked = s.revoked.lock().unwrap().clone();
            assert_eq!(revoked.len(), 1, "{who}: the final revoke: {revoked:?}");
            assert!(revoked[0].1 > 0, "{who}: revoke of the assignment");
            s.assert_all_on(who, me());
            // Closed: poll says so; close again is harmless.
            let mut m = null_mut();
            assert_eq!(
                code_of(kf_consumer_poll(c, 0, &mut m)),
                KF_ERR__STATE,
                "{who}"
            );
            ok(kf_consumer_close(c, -1));
            ok(kf_consumer_close_begin(c));
            ok(kf_consumer_destroy(c));
        }
    }
}

/// Main-queue callbacks (here stats_cb, every 100 ms) are served during a close that waits for
/// a slow coordinator (the commit of enable.auto.commit and the leave), in either mode: by the
/// closing thread, or by the polling thread in serve-in-poll mode.
#[test]
fn close_serves_main_queue_callbacks_during_the_close_in_either_mode() {
    let cluster = Cluster::mock(1);
    let topic = unique("serve-close-main");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[b"a".to_vec()]);
    for in_poll in [false, true] {
        let who = if in_poll { "serve-in-poll" } else { "default" };
        let s = Box::new(Seen::default());
        let c = group_consumer(
            &cluster,
            &s,
            &[
                (
                    "kafkaffi.callbacks.in.poll",
                    if in_poll { "true" } else { "false" },
                ),
                ("statistics.interval.ms", "100"),
                ("enable.auto.commit", "true"),
            ],
            &topic,
        );
        poll_first_message(c, who);
        ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 1500));
        let mark = s.stats.lock().unwrap().len();
        let t0 = Instant::now();
        let (closer, t1) = if !in_poll {
            ok(kf_consumer_close(c, 30_000));
            (me(), Instant::now())
        } else {
            let cp = P(c);
            let worker = std::thread::spawn(move || {
                let code = code_of(kf_consumer_close(cp.get(), 30_000));
                (me(), code, Instant::now())
            });
            while !worker.is_finished() {
                let mut m = null_mut();
                let e = kf_consumer_poll(c, 50, &mut m);
                if !e.is_null() {
                    kf_error_destroy(e);
                    break;
                }
            }
            let (id, code, t1) = worker.join().unwrap();
            assert_eq!(code, 0, "{who}: close");
            (id, t1)
        };
        ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 0));
        let took = t1 - t0;
        assert!(
            took >= Duration::from_millis(1000),
            "{who}: the close was not slow: {took:?}"
        );
        let during: Vec<_> = s.stats.lock().unwrap()[mark..]
            .iter()
            .filter(|(_, at)| *at > t0 && *at < t1)
            .cloned()
            .collect();
        assert!(
            during.len() >= 3,
            "{who}: stats callbacks during a {took:?} close: {}",
            during.len()
        );
        let poller = me();
        assert!(
            during.iter().all(|(t, _)| *t == poller),
            "{who}: {during:?}"
        );
        if in_poll {
            assert!(
                !s.all_threads().contains(&closer),
                "{who}: ran on the closing worker"
            );
        }
        ok(kf_consumer_destroy(c));
    }
}

/// Waits `after`, then wakes `c` from another thread.
fn wake_later(c: *mut kf_consumer_t, after: Duration) -> std::thread::JoinHandle<()> {
    let cp = P(c);
    std::thread::spawn(move || {
        std::thread::sleep(after);
        ok(kf_consumer_wake(cp.get()));
    })
}

/// With the coordinator slowed down to 20 s, a synchronous commit, committed, offsets_for_times,
/// the watermark query and list_topics all end at once on a wake-up, and the commit ends at its
/// timeout.
#[test]
fn wake_ends_every_blocking_consumer_call_and_commit_takes_a_timeout() {
    let cluster = Cluster::mock(1);
    let topic = unique("serve-wake");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[b"a".to_vec()]);
    let s = Box::new(Seen::default());
    let c = group_consumer(&cluster, &s, &[("enable.auto.commit", "false")], &topic);
    poll_first_message(c, "mock");
    ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 20_000));
    let t = cs(&topic);
    let l = tp_list(&[(&topic, 0, 1)]);
    type Call<'a> = (&'a str, Box<dyn Fn() -> *mut kf_error_t + 'a>);
    let calls: Vec<Call> = vec![
        (
            "commit",
            Box::new(|| kf_consumer_commit(c, null(), l, false, -1, null_mut())),
        ),
        (
            "committed",
            Box::new(|| {
                let mut out = null_mut();
                kf_consumer_committed(c, l, 60_000, &mut out)
            }),
        ),
        (
            "offsets_for_times",
            Box::new(|| {
                let mut out = null_mut();
                kf_consumer_offsets_for_times(c, l, 60_000, &mut out)
            }),
        ),
        (
            "get_watermark_offsets",
            Box::new(|| {
                let (mut lo, mut hi) = (0, 0);
                kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 60_000, false, &mut lo, &mut hi)
            }),
        ),
        (
            "list_topics",
            Box::new(|| {
                let mut md = null_mut();
                kf_consumer_list_topics(c, null(), 60_000, &mut md)
            }),
        ),
    ];
    for (name, f) in &calls {
        let waker = wake_later(c, Duration::from_millis(300));
        let t0 = Instant::now();
        let code = code_of(f());
        let took = t0.elapsed();
        waker.join().unwrap();
        assert_eq!(code, KF_ERR__INTR, "{name}: woken");
        assert!(
            took < Duration::from_secs(3),
            "{name}: took {took:?} to end after the wake-up"
        );
    }
    // A synchronous commit with a timeout ends at it.
    let t0 = Instant::now();
    let code = code_of(kf_consumer_commit(c, null(), l, false, 500, null_mut()));
    let took = t0.elapsed();
    assert_eq!(code, KF_ERR__TIMED_OUT, "commit with a timeout");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(2),
        "{took:?}"
    );
    // A close that waits for the slow coordinator ends on a wake-up too; it goes on, and a
    // second close finishes it once the coordinator answers again.
    let waker = wake_later(c, Duration::from_millis(300));
    let t0 = Instant::now();
    let code = code_of(kf_consumer_close(c, -1));
    waker.join().unwrap();
    assert_eq!(code, KF_ERR__INTR, "close woken");
    assert!(t0.elapsed() < Duration::from_secs(3));
    ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 0));
    ok(kf_consumer_close(c, 60_000));
    assert!(kf_consumer_close_done(c));
    kf_topic_partition_list_destroy(l);
    // Destroy waits for the abandoned queries (each within its own timeout: the coordinator
    // answers now).
    ok(kf_consumer_destroy(c));
}

static SIGNAL_CONSUMER: AtomicPtr<kf_consumer_t> = AtomicPtr::new(null_mut());
static SIGNALS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

extern "C" fn on_sigint(_sig: c_int) {
    SIGNALS.fetch_add(1, Ordering::SeqCst);
    let c = SIGNAL_CONSUMER.load(Ordering::SeqCst);
    if !c.is_null() {
        // Async-signal-safe: returns NULL for a consumer that is not NULL.
        let _ = kf_consumer_wake(c);
    }
}

/// A real SIGINT, delivered to the thread blocked in a synchronous commit, whose handler calls
/// kf_consumer_wake(): the commit returns KF_ERR__INTR at once.
#[test]
fn a_sigint_handler_may_wake_a_blocked_commit() {
    for cluster in [Cluster::mock(1), Cluster::broker()] {
        let who = cluster.name();
        let topic = unique("serve-sigint");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"a".to_vec()]);
        let s = Box::new(Seen::default());
        let c = group_consumer(&cluster, &s, &[("enable.auto.commit", "false")], &topic);
        poll_first_message(c, who);
        SIGNAL_CONSUMER.store(c, Ordering::SeqCst);
        let before = SIGNALS.load(Ordering::SeqCst);
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigint as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            assert_eq!(libc::sigaction(libc::SIGINT, &sa, &mut old), 0);
            let target = libc::pthread_self() as usize;
            let killer = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                libc::pthread_kill(target as libc::pthread_t, libc::SIGINT);
            });
            let t0 = Instant::now();
            let code = if cluster.is_mock() {
                // The coordinator answers after 20 s: the commit waits on the mock cluster.
                ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 20_000));
                let l = tp_list(&[(&topic, 0, 1)]);
                let code = code_of(kf_consumer_commit(c, null(), l, false, -1, null_mut()));
                kf_topic_partition_list_destroy(l);
                code
            } else {
                // The real broker answers a commit at once: wait in a poll of a topic with
                // nothing more to read, then in a commit loop, until the signal ends one.
                let mut code = 0;
                while code == 0 && t0.elapsed() < Duration::from_secs(10) {
                    let l = tp_list(&[(&topic, 0, 1)]);
                    code = code_of(kf_consumer_commit(c, null(), l, false, 5000, null_mut()));
                    kf_topic_partition_list_destroy(l);
                    if code == 0 {
                        let mut m = null_mut();
                        code = code_of(kf_consumer_poll(c, 50, &mut m));
                        if !m.is_null() {
                            kf_message_destroy(m);
                        }
                    }
                }
                code
            };
            let took = t0.elapsed();
            killer.join().unwrap();
            libc::sigaction(libc::SIGINT, &old, null_mut());
            SIGNAL_CONSUMER.store(null_mut(), Ordering::SeqCst);
            assert_eq!(
                SIGNALS.load(Ordering::SeqCst),
                before + 1,
                "{who}: the handler ran"
            );
            assert_eq!(code, KF_ERR__INTR, "{who}: woken by the signal");
            assert!(took < Duration::from_secs(3), "{who}: {took:?}");
            if cluster.is_mock() {
                ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 0));
            }
        }
        ok(kf_consumer_close(c, 60_000));
        ok(kf_consumer_destroy(c));
    }
}

/// In serve-in-poll mode a close on a worker waits for a poll that never comes: a wake-up
/// ends it (real broker and mock cluster), and a later poll finishes the close.
#[test]
fn wake_ends_a_close_waiting_for_the_polling_thread() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("serve-close-wake");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"a".to_vec()]);
        let s = Box::new(Seen::default());
        let c = group_consumer(
            &cluster,
            &s,
            &[("kafkaffi.callbacks.in.poll", "true")],
            &topic,
        );
        poll_first_message(c, who);
        let cp = P(c);
        let worker = std::thread::spawn(move || {
            let t0 = Instant::now();
            (code_of(kf_consumer_close(cp.get(), -1)), t0.elapsed())
        });
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            !worker.is_finished(),
            "{who}: the close waits for the revoke to be served"
        );
        ok(kf_consumer_wake(c));
        let (code, took) = worker.join().unwrap();
        assert_eq!(code, KF_ERR__INTR, "{who}");
        assert!(took < Duration::from_secs(3), "{who}: {took:?}");
        assert!(s.revoked.lock().unwrap().is_empty(), "{who}: nobody polled");
        let deadline = Instant::now() + Duration::from_secs(30);
        while !kf_consumer_close_done(c) {
            assert!(Instant::now() < deadline, "{who}: the close did not finish");
            let mut m = null_mut();
            let code = code_of(kf_consumer_poll(c, 100, &mut m));
            assert!(code == 0 || code == KF_ERR__STATE, "{who}: {code}");
        }
        assert_eq!(s.revoked.lock().unwrap().len(), 1, "{who}");
        s.assert_all_on(who, me());
        ok(kf_consumer_destroy(c));
    }
}

/// kf_producer_flush_begin() returns at once; polling until kf_producer_flush_done() delivers
/// everything; the event fd is readable when a flush begins with nothing outstanding.
#[test]
fn flush_begin_and_flush_done() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("serve-flush-begin");
        cluster.create_topic(&topic, 1);
        for in_poll in ["false", "true"] {
            let s = Box::new(Seen::default());
            let conf = cluster.config(&[
                ("kafkaffi.callbacks.in.poll", in_poll),
                ("linger.ms", "200"),
            ]);
            ok(kf_config_set_delivery_cb(
                conf,
                Some(on_delivery),
                s.opaque(),
                None,
            ));
            let p = new_producer(conf);
            kf_config_destroy(conf);
            let mut fd = -1;
            ok(kf_producer_event_fd(p, &mut fd));
            ok(kf_producer_flush_begin(p));
            assert!(kf_producer_flush_done(p), "{who}: nothing to flush");
            assert!(
                readable(fd),
                "{who}: flush_begin with nothing outstanding pokes the fd"
            );
            let mut buf = [0u8; 64];
            while unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, 64) } > 0 {}
            let t = cs(&topic);
            for i in 0..10 {
                let v = format!("f{i}");
                ok(kf_producer_produce(
                    p,
                    t.as_ptr(),
                    0,
                    null(),
                    0,
                    v.as_ptr(),
                    v.len(),
                    null(),
                    0,
                    None,
                    null_mut(),
                ));
            }
            let t0 = Instant::now();
            ok(kf_producer_flush_begin(p));
            assert!(
                t0.elapsed() < Duration::from_millis(500),
                "{who}: flush_begin blocked"
            );
            assert!(!kf_producer_flush_done(p), "{who}");
            let deadline = Instant::now() + Duration::from_secs(30);
            while !kf_producer_flush_done(p) {
                assert!(Instant::now() < deadline, "{who}: flush not done");
                ok(kf_producer_poll(p, 50, null_mut()));
            }
            assert_eq!(s.deliveries.lock().unwrap().len(), 10, "{who}");
            s.assert_all_on(who, me());
            ok(kf_producer_destroy(p));
        }
    }
}

/// The case: consumers with partition.assignment.strategy=cooperative-sticky, each
/// committing every message synchronously while messages keep arriving and the group
/// rebalances (a second member joins, leaves, a third joins). Every commit, given a timeout,
/// returns within it (plus scheduling slack), whatever librdkafka does with it.
#[test]
fn cooperative_sticky_sync_commits_return_within_their_timeout() {
    let cluster = Cluster::broker();
    let topic = unique("serve-coop");
    cluster.create_topic(&topic, 4);
    let group = unique("serve-coop-group");
    let props = [
        ("group.id", group.as_str()),
        ("auto.offset.reset", "earliest"),
        ("enable.auto.commit", "false"),
        ("partition.assignment.strategy", "cooperative-sticky"),
        ("session.timeout.ms", "6000"),
        ("heartbeat.interval.ms", "500"),
    ];
    // A producer feeding every partition for the whole test.
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let pconf = cluster.config(&[("linger.ms", "5")]);
    let p = P(new_producer(pconf));
    kf_config_destroy(pconf);
    let feeder = {
        let stop = stop.clone();
        let t = cs(&topic);
        std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let v = format!("m{i}");
                ok(kf_producer_produce(
                    p.get(),
                    t.as_ptr(),
                    (i % 4) as i32,
                    null(),
                    0,
                    v.as_ptr(),
                    v.len(),
                    null(),
                    0,
                    None,
                    null_mut(),
                ));
                ok(kf_producer_poll(p.get(), 5, null_mut()));
                i += 1;
            }
            ok(kf_producer_flush(p.get(), 10_000, null_mut()));
            ok(kf_producer_destroy(p.get()));
        })
    };
    const TIMEOUT_MS: c_int = 2000;
    // A member: joins after `delay`, consumes and commits every message for `secs`, closes.
    let member = |delay: u64, secs: u64| {
        let conf = cluster.config(&props);
        let t = cs(&topic);
        let conf = P(conf);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(delay));
            let c = new_consumer(conf.get());
            kf_config_destroy(conf.get());
            ok(kf_consumer_subscribe(c, [t.as_ptr()].as_ptr(), 1, null()));
            let end = Instant::now() + Duration::from_secs(secs);
            let mut commits = Vec::new();
            while Instant::now() < end {
                let mut m = null_mut();
                ok(kf_consumer_poll(c, 100, &mut m));
                if m.is_null() {
                    continue;
                }
                if kf_message_error_code(m) == 0 {
                    let t0 = Instant::now();
                    let code = code_of(kf_consumer_commit(
                        c,
                        m,
                        null(),
                        false,
                        TIMEOUT_MS,
                        null_mut(),
                    ));
                    commits.push((code, t0.elapsed()));
                }
                kf_message_destroy(m);
            }
            let t0 = Instant::now();
            let code = code_of(kf_consumer_close(c, 20_000));
            assert!(code == 0 || code == KF_ERR__TIMED_OUT, "close: {code}");
            assert!(
                t0.elapsed() < Duration::from_secs(21),
                "close past its timeout"
            );
            ok(kf_consumer_destroy(c));
            commits
        })
    };
    let a = member(0, 16);
    let b = member(3, 5);
    let c = member(9, 6);
    let mut all = a.join().unwrap();
    all.extend(b.join().unwrap());
    all.extend(c.join().unwrap());
    stop.store(true, Ordering::SeqCst);
    feeder.join().unwrap();
    let max = all.iter().map(|c| c.1).max().unwrap_or_default();
    let failed = all.iter().filter(|c| c.0 != 0).count();
    eprintln!(
        "cooperative-sticky: {} sync commits, {failed} failed, slowest {max:?}",
        all.len()
    );
    assert!(all.len() >= 100, "commits made: {}", all.len());
    let slack = Duration::from_millis(TIMEOUT_MS as u64 + 1000);
    for (code, took) in &all {
        assert!(*took < slack, "a commit took {took:?} (code {code})");
    }
    let ok_commits = all.iter().filter(|(c, _)| *c == 0).count();
    assert!(ok_commits > 0, "no commit succeeded");
}

/// The producer's and the admin client's blocking calls end on a wake-up too: list_topics and
/// init_transactions with every broker answering after 20 s, and kf_admin_list_topics().
#[test]
fn wake_ends_producer_transaction_and_list_topics_and_admin_list_topics() {
    let cluster = Cluster::mock(1);
    let topic = unique("serve-wake-p");
    cluster.create_topic(&topic, 1);
    let txid = unique("serve-wake-txid");
    let conf = cluster.config(&[("transactional.id", &txid)]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut e = null_mut();
    let aconf = cluster.config(&[]);
    let a = kf_admin_new(aconf, &mut e);
    ok(e);
    kf_config_destroy(aconf);
    ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 20_000));
    let (pp, ap) = (P(p), P(a));
    type Call = (
        &'static str,
        Box<dyn Fn() -> *mut kf_error_t>,
        Box<dyn Fn() + Send>,
    );
    let calls: Vec<Call> = vec![
        (
            "producer list_topics",
            Box::new(move || {
                let mut md = null_mut();
                kf_producer_list_topics(pp.get(), null(), 60_000, &mut md)
            }),
            Box::new(move || ok(kf_producer_wake(pp.get()))),
        ),
        (
            "init_transactions",
            Box::new(move || kf_producer_init_transactions(pp.get(), 60_000)),
            Box::new(move || ok(kf_producer_wake(pp.get()))),
        ),
        (
            "admin list_topics",
            Box::new(move || {
                let mut md = null_mut();
                kf_admin_list_topics(ap.get(), null(), 60_000, &mut md)
            }),
            Box::new(move || ok(kf_admin_wake(ap.get()))),
        ),
    ];
    for (name, call, wake) in calls {
        let waker = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            wake();
        });
        let t0 = Instant::now();
        let code = code_of(call());
        let took = t0.elapsed();
        waker.join().unwrap();
        assert_eq!(code, KF_ERR__INTR, "{name}: woken");
        assert!(took < Duration::from_secs(3), "{name}: took {took:?}");
    }
    // With the brokers answering again, the interrupted transaction init resumes.
    ok(kf_mock_cluster_broker_set_rtt(cluster.mock, -1, 0));
    ok(kf_producer_init_transactions(p, 60_000));
    ok(kf_admin_destroy(a));
    ok(kf_producer_destroy(p));
}
