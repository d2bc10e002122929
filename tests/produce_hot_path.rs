//! The produce hot paths of issue 12: one call per message with header views
//! (kf_producer_send), many messages from one packed buffer (kf_producer_produce_packed), and
//! delivery reports by pull (kf_producer_delivery_reports), with the persistence status. Each
//! behaviour test runs on the real broker and on the mock cluster.
mod common;

use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;

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
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    assert_eq!(msgs.len(), n, "consumed {msgs:?}");
    msgs
}

fn blank() -> kf_produce_message_t {
    kf_produce_message_t {
        size: std::mem::size_of::<kf_produce_message_t>(),
        topic: null(),
        partition: KF_PARTITION_UA,
        key: null(),
        key_len: 0,
        value: null(),
        value_len: 0,
        headers: null(),
        header_count: 0,
        timestamp_ms: 0,
        opaque: null_mut(),
        on_delivery: None,
        free_value: None,
        free_opaque: null_mut(),
        err: 0,
    }
}

fn view(name: &CString, value: Option<&[u8]>) -> kf_header_view_t {
    kf_header_view_t {
        name: name.as_ptr(),
        value: value.map_or(null(), <[u8]>::as_ptr),
        value_len: value.map_or(0, <[u8]>::len),
    }
}

fn pull_producer(cluster: &Cluster, props: &[(&str, &str)]) -> *mut kf_producer_t {
    let conf = cluster.config(props);
    ok(kf_config_set_delivery_report_mode(
        conf,
        KF_DELIVERY_REPORT_MODE_PULL,
    ));
    // A config-level callback must not run in pull mode.
    ok(kf_config_set_delivery_cb(
        conf,
        Some(never_called),
        null_mut(),
        None,
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);
    p
}

unsafe extern "C" fn never_called(_: *mut c_void, _: *const kf_message_t, _: *const kf_error_t) {
    panic!("a delivery callback ran on a producer in pull mode");
}

/// A pulled report, copied out.
#[derive(Debug, Clone)]
struct Pulled {
    opaque: usize,
    topic: String,
    partition: i32,
    offset: i64,
    err: i32,
    status: i32,
    latency_us: i64,
    timestamp_ms: i64,
}

/// Pulls until `n` reports came (or 30 s passed), reading each batch through its stride.
fn pull_n(p: *mut kf_producer_t, n: usize) -> Vec<Pulled> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut out = Vec::new();
    while out.len() < n && Instant::now() < deadline {
        let mut b = null_mut();
        ok(kf_producer_delivery_reports(p, 1000, 200, &mut b));
        let mut count = 0;
        let r = kf_delivery_report_batch_reports(b, &mut count);
        if b.is_null() {
            assert_eq!((r, count), (null(), 0));
            continue;
        }
        assert!(count > 0 && !r.is_null());
        let stride = unsafe { (*r).size };
        assert_eq!(stride, std::mem::size_of::<kf_delivery_report_t>());
        for i in 0..count {
            let e = unsafe { &*((r as *const u8).add(i * stride) as *const kf_delivery_report_t) };
            let topic = text(e.topic);
            assert_eq!(topic.len(), e.topic_len);
            out.push(Pulled {
                opaque: e.opaque as usize,
                topic,
                partition: e.partition,
                offset: e.offset,
                err: e.err,
                status: e.status,
                latency_us: e.latency_us,
                timestamp_ms: e.timestamp_ms,
            });
        }
        kf_delivery_report_batch_destroy(b);
    }
    out
}

/// Gives back a boxed 8-byte zero-copy value; `free_opaque` is the test's counter.
unsafe extern "C" fn release(free_opaque: *mut c_void, value: *mut u8) {
    drop(Box::from_raw(value as *mut [u8; 8]));
    (*(free_opaque as *const AtomicUsize)).fetch_add(1, Ordering::SeqCst);
}

fn counter_opaque(c: &'static AtomicUsize) -> *mut c_void {
    c as *const AtomicUsize as *mut c_void
}

/// kf_producer_send: key, value, two header views (one null), timestamp, in one call; the
/// consumer reads them back exactly. Also: a report's persistence status in a callback.
#[test]
fn send_with_header_views_round_trips() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("send");
        cluster.create_topic(&topic, 1);
        let conf = cluster.config(&[]);
        static STATUS: AtomicUsize = AtomicUsize::new(99);
        unsafe extern "C" fn on_dr(_: *mut c_void, m: *const kf_message_t, _: *const kf_error_t) {
            STATUS.store(kf_message_status(m) as usize, Ordering::SeqCst);
        }
        ok(kf_config_set_delivery_cb(
            conf,
            Some(on_dr),
            null_mut(),
            None,
        ));
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let t = cs(&topic);
        let (h1, h2) = (cs("trace"), cs("nothing"));
        let hv = [view(&h1, Some(b"abc")), view(&h2, None)];
        let ts = 1_700_000_000_000;
        let mut m = blank();
        m.topic = t.as_ptr();
        m.partition = 0;
        m.key = b"k".as_ptr();
        m.key_len = 1;
        m.value = b"hello".as_ptr();
        m.value_len = 5;
        m.headers = hv.as_ptr();
        m.header_count = 2;
        m.timestamp_ms = ts;
        ok(kf_producer_send(p, &m));
        let mut left = 1;
        ok(kf_producer_flush(p, 30_000, &mut left));
        assert_eq!(left, 0, "{on}");
        assert_eq!(
            STATUS.load(Ordering::SeqCst),
            KF_MESSAGE_STATUS_PERSISTED as usize,
            "{on}"
        );
        ok(kf_producer_destroy(p));
        let msgs = consume_from(&cluster, &[(&topic, 0)], 1);
        let got = &msgs[0];
        assert_eq!(got.key.as_deref(), Some(&b"k"[..]), "{on}");
        assert_eq!(got.value.as_deref(), Some(&b"hello"[..]), "{on}");
        assert_eq!(got.timestamp, ts, "{on}");
        assert_eq!(
            got.headers,
            vec![
                ("trace".to_string(), Some(b"abc".to_vec())),
                ("nothing".to_string(), None)
            ],
            "{on}"
        );
    }
}

/// Pull mode: every report comes back once, with its opaque, topic, offset and status; the
/// event fd becomes readable; a zero-copy value is released; a per-message callback is refused;
/// reports met by flush wait for the pull.
#[test]
fn pull_mode_returns_every_report_with_its_opaque() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("pull");
        cluster.create_topic(&topic, 2);
        let p = pull_producer(&cluster, &[("linger.ms", "5")]);
        let mut fd = -1;
        ok(kf_producer_event_fd(p, &mut fd));
        let t = cs(&topic);
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        let before = RELEASED.load(Ordering::SeqCst);
        let n = 200usize;
        for i in 0..n {
            let mut m = blank();
            m.topic = t.as_ptr();
            m.opaque = (i + 1) as *mut c_void;
            let v = format!("v{i}");
            if i % 50 == 0 {
                // Zero copy: released once its report is recorded.
                let b = Box::into_raw(Box::new(*b"zerocopy"));
                m.value = b as *const u8;
                m.value_len = 8;
                m.free_value = Some(release);
                m.free_opaque = counter_opaque(&RELEASED);
                ok(kf_producer_send(p, &m));
            } else {
                m.value = v.as_ptr();
                m.value_len = v.len();
                ok(kf_producer_send(p, &m));
            }
        }
        // A delivery callback is refused in pull mode, and nothing is taken.
        let mut m = blank();
        m.topic = t.as_ptr();
        m.on_delivery = Some(never_called);
        let (code, text) = err(kf_producer_send(p, &m));
        assert_eq!(code, KF_ERR__INVALID_ARG, "{on}: {text}");
        assert!(text.contains("pull"), "{text}");

        // The event fd becomes readable with reports waiting.
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let r = unsafe { libc::poll(&mut pfd, 1, 10_000) };
        assert_eq!(r, 1, "{on}: the event fd did not become readable");

        // Some reports met by flush wait for the pull.
        let mut left = 1;
        ok(kf_producer_flush(p, 30_000, &mut left));
        assert_eq!(left, 0);
        let got = pull_n(p, n);
        assert_eq!(got.len(), n, "{on}");
        let mut opaques: Vec<usize> = got.iter().map(|r| r.opaque).collect();
        opaques.sort();
        assert_eq!(opaques, (1..=n).collect::<Vec<_>>(), "{on}");
        for r in &got {
            assert_eq!(r.err, 0, "{on}: {r:?}");
            assert_eq!(r.topic, topic);
            assert!(r.partition == 0 || r.partition == 1, "{r:?}");
            assert!(r.offset >= 0, "{r:?}");
            assert_eq!(r.status, KF_MESSAGE_STATUS_PERSISTED, "{r:?}");
            assert!(r.latency_us >= 0, "{r:?}");
            assert!(r.timestamp_ms > 0, "{r:?}");
        }
        assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 4, "{on}");
        // Nothing more.
        let mut b = null_mut();
        ok(kf_producer_delivery_reports(p, 10, 0, &mut b));
        assert!(b.is_null(), "{on}");
        // Woken: KF_ERR__INTR, and no report lost.
        ok(kf_producer_wake(p));
        let (code, _) = err(kf_producer_delivery_reports(p, 10, 1000, &mut b));
        assert_eq!(code, KF_ERR__INTR, "{on}");
        ok(kf_producer_destroy(p));
    }
}

/// Pull mode with purge: each purged message has its report (KF_ERR__PURGE_QUEUE, not
/// persisted), and its zero-copy value is released; destroy with messages queued releases the
/// rest. A batch outlives its producer (the topic names stay valid).
#[test]
fn pull_mode_purge_and_destroy_lose_nothing() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let topic = unique("pull-purge");
        cluster.create_topic(&topic, 1);
        // Messages stay in the local queue: a long linger.
        let p = pull_producer(&cluster, &[("linger.ms", "60000")]);
        let t = cs(&topic);
        static RELEASED: AtomicUsize = AtomicUsize::new(0);
        let before = RELEASED.load(Ordering::SeqCst);
        let send = |i: usize| {
            let mut m = blank();
            m.topic = t.as_ptr();
            m.partition = 0;
            m.opaque = (1000 + i) as *mut c_void;
            m.value = Box::into_raw(Box::new(*b"purgeme!")) as *const u8;
            m.value_len = 8;
            m.free_value = Some(release);
            m.free_opaque = counter_opaque(&RELEASED);
            ok(kf_producer_send(p, &m));
        };
        for i in 0..10 {
            send(i);
        }
        ok(kf_producer_purge(p, true, false, true));
        let got = pull_n(p, 10);
        assert_eq!(got.len(), 10, "{on}");
        for r in &got {
            assert_eq!(r.err, KF_ERR__PURGE_QUEUE, "{on}: {r:?}");
            assert_eq!(r.status, KF_MESSAGE_STATUS_NOT_PERSISTED, "{r:?}");
            assert!((1000..1010).contains(&r.opaque), "{r:?}");
        }
        assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 10, "{on}");

        // A batch kept past destroy.
        for i in 10..15 {
            send(i);
        }
        ok(kf_producer_purge(p, true, false, true));
        let mut b = null_mut();
        ok(kf_producer_delivery_reports(p, 2, 5000, &mut b));
        assert!(!b.is_null());
        // Queued but never pulled, and still queued in librdkafka: released by destroy.
        for i in 15..20 {
            send(i);
        }
        ok(kf_producer_destroy(p));
        assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 20, "{on}");
        let mut count = 0;
        let r = kf_delivery_report_batch_reports(b, &mut count);
        assert_eq!(count, 2);
        assert_eq!(text(unsafe { (*r).topic }), topic);
        kf_delivery_report_batch_destroy(b);
    }
}

/// Appends a packed header record.
fn packed_header(buf: &mut Vec<u8>, name: &str, value: Option<&[u8]>) {
    buf.extend_from_slice(&(name.len() as u32).to_le_bytes());
    buf.extend_from_slice(name.as_bytes());
    match value {
        None => buf.extend_from_slice(&KF_PACKED_HEADER_NULL_VALUE.to_le_bytes()),
        Some(v) => {
            buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
            buf.extend_from_slice(v);
        }
    }
}

fn packed(opaque: u64, topic: (usize, usize), partition: i32) -> kf_packed_message_t {
    kf_packed_message_t {
        size: std::mem::size_of::<kf_packed_message_t>(),
        opaque,
        topic_offset: topic.0,
        topic_len: topic.1,
        key_offset: 0,
        key_len: 0,
        value_offset: 0,
        value_len: 0,
        headers_offset: 0,
        headers_len: 0,
        timestamp_ms: 0,
        partition,
        flags: 0,
        err: -12345,
    }
}

/// kf_producer_produce_packed: keys, null keys and values, headers (with a null value),
/// timestamps and two topics from one buffer; a range outside the buffer or a bad headers block
/// fails that message alone; opaques come back in the pulled reports.
#[test]
fn produce_packed_from_one_buffer() {
    for cluster in Cluster::both() {
        let on = cluster.name();
        let (ta, tb) = (unique("packed-a"), unique("packed-b"));
        cluster.create_topic(&ta, 1);
        cluster.create_topic(&tb, 1);
        let p = pull_producer(&cluster, &[]);
        let mut buf = Vec::new();
        let mut put = |b: &[u8]| {
            let off = buf.len();
            buf.extend_from_slice(b);
            (off, b.len())
        };
        let a = put(ta.as_bytes());
        let b = put(tb.as_bytes());
        let k1 = put(b"key1");
        let v1 = put(b"value1");
        let v2 = put(b"value2");
        let mut hdrs = Vec::new();
        packed_header(&mut hdrs, "h1", Some(b"x"));
        packed_header(&mut hdrs, "h2", None);
        packed_header(&mut hdrs, "h3", Some(b""));
        let h = put(&hdrs);
        let bad_h = put(&[9, 0, 0, 0, b'a']); // name length past the block
        let len = buf.len();

        let mut msgs = Vec::new();
        // 0: a, key1/value1 (run with 1 and 2)
        let mut m = packed(11, a, 0);
        (m.key_offset, m.key_len, m.value_offset, m.value_len) = (k1.0, k1.1, v1.0, v1.1);
        msgs.push(m);
        // 1: a, null key, value2
        let mut m = packed(12, a, 0);
        m.flags = KF_PACKED_NULL_KEY;
        (m.value_offset, m.value_len) = v2;
        msgs.push(m);
        // 2: a, out of range value: fails alone
        let mut m = packed(13, a, 0);
        (m.value_offset, m.value_len) = (len - 2, 5);
        msgs.push(m);
        // 3: a, empty key, null value, after the failure
        let mut m = packed(14, a, 0);
        m.flags = KF_PACKED_NULL_VALUE;
        msgs.push(m);
        // 4: b, headers and timestamp
        let mut m = packed(15, b, 0);
        (m.value_offset, m.value_len) = v1;
        (m.headers_offset, m.headers_len) = h;
        m.timestamp_ms = 1_600_000_000_000;
        msgs.push(m);
        // 5: b, bad headers block: fails alone
        let mut m = packed(16, b, 0);
        (m.headers_offset, m.headers_len) = bad_h;
        msgs.push(m);
        // 6: topic range past the end
        msgs.push(packed(17, (len, 1), 0));
        // 7: offset + length overflows
        let mut m = packed(18, a, 0);
        (m.key_offset, m.key_len) = (usize::MAX, 2);
        msgs.push(m);

        let mut enqueued = 0;
        ok(kf_producer_produce_packed(
            p,
            buf.as_ptr(),
            buf.len(),
            msgs.as_mut_ptr(),
            msgs.len(),
            &mut enqueued,
        ));
        let errs: Vec<i32> = msgs.iter().map(|m| m.err).collect();
        let bad = KF_ERR__INVALID_ARG;
        assert_eq!(errs, vec![0, 0, bad, 0, 0, bad, bad, bad], "{on}");
        assert_eq!(enqueued, 4, "{on}");

        let got = pull_n(p, 4);
        let mut ops: Vec<usize> = got.iter().map(|r| r.opaque).collect();
        ops.sort();
        assert_eq!(ops, vec![11, 12, 14, 15], "{on}");
        assert!(got.iter().all(|r| r.err == 0), "{on}: {got:?}");
        ok(kf_producer_destroy(p));

        let ma = consume_from(&cluster, &[(&ta, 0)], 3);
        let kv: Vec<_> = ma
            .iter()
            .map(|m| (m.key.clone(), m.value.clone()))
            .collect();
        assert_eq!(
            kv,
            vec![
                (Some(b"key1".to_vec()), Some(b"value1".to_vec())),
                (None, Some(b"value2".to_vec())),
                (Some(vec![]), None),
            ],
            "{on}"
        );
        let mb = consume_from(&cluster, &[(&tb, 0)], 1);
        assert_eq!(mb[0].timestamp, 1_600_000_000_000);
        assert_eq!(
            mb[0].headers,
            vec![
                ("h1".to_string(), Some(b"x".to_vec())),
                ("h2".to_string(), None),
                ("h3".to_string(), Some(vec![])),
            ],
            "{on}"
        );
    }
}

/// kf_producer_produce_batch with the new struct: header views and a zero-copy value go one by
/// one, the rest in runs; a smaller or differing `size` is refused before anything is sent.
#[test]
fn produce_batch_takes_header_views_and_checks_sizes() {
    let cluster = Cluster::mock(1);
    let topic = unique("batch-views");
    cluster.create_topic(&topic, 1);
    let p = pull_producer(&cluster, &[]);
    let t = cs(&topic);
    let h = cs("h");
    let hv = [view(&h, Some(b"1"))];
    static RELEASED: AtomicUsize = AtomicUsize::new(0);
    let before = RELEASED.load(Ordering::SeqCst);
    let mut msgs: Vec<kf_produce_message_t> = (0..4)
        .map(|i| {
            let mut m = blank();
            m.topic = t.as_ptr();
            m.partition = 0;
            m.value = b"v".as_ptr();
            m.value_len = 1;
            m.opaque = (i + 1) as *mut c_void;
            m.err = -1;
            m
        })
        .collect();
    msgs[1].headers = hv.as_ptr();
    msgs[1].header_count = 1;
    msgs[2].value = Box::into_raw(Box::new(*b"zerocopy")) as *const u8;
    msgs[2].value_len = 8;
    msgs[2].free_value = Some(release);
    msgs[2].free_opaque = counter_opaque(&RELEASED);
    msgs[3].on_delivery = Some(never_called); // refused in pull mode

    // Sizes: differing, then too small: nothing sent.
    msgs[1].size -= 8;
    let (code, m) = err(kf_producer_produce_batch(
        p,
        msgs.as_mut_ptr(),
        4,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG, "{m}");
    msgs[1].size += 8;
    for m in msgs.iter_mut() {
        m.size = 16;
    }
    let (code, m) = err(kf_producer_produce_batch(
        p,
        msgs.as_mut_ptr(),
        4,
        null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG, "{m}");
    assert!(m.contains("size"), "{m}");
    assert_eq!(kf_producer_len(p), 0);
    for m in msgs.iter_mut() {
        m.size = std::mem::size_of::<kf_produce_message_t>();
    }
    let mut n = 0;
    ok(kf_producer_produce_batch(p, msgs.as_mut_ptr(), 4, &mut n));
    assert_eq!(n, 3);
    let errs: Vec<i32> = msgs.iter().map(|m| m.err).collect();
    assert_eq!(errs, vec![0, 0, 0, KF_ERR__INVALID_ARG]);
    let got = pull_n(p, 3);
    let mut ops: Vec<usize> = got.iter().map(|r| r.opaque).collect();
    ops.sort();
    assert_eq!(ops, vec![1, 2, 3]);
    assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 1);
    ok(kf_producer_destroy(p));
    let msgs = consume_from(&cluster, &[(&topic, 0)], 3);
    assert_eq!(
        msgs[1].headers,
        vec![("h".to_string(), Some(b"1".to_vec()))]
    );
}
