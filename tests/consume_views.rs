//! One call per message on the consume path, through the C ABI: kf_message_view() (every field
//! of a consumed message, a delivery report and an error event, against the per-field
//! accessors), the batch handle of kf_consumer_consume_batch() (views and header views in
//! contiguous arrays, other view sizes), KF_CONSUME_DEFER_STORE with kf_consumer_store_message()
//! and auto-commit, and kf_error_info(); on the real broker and the mock cluster.
mod common;
use common::*;

use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

const VIEW: usize = std::mem::size_of::<kf_message_view_t>();

fn new_view() -> kf_message_view_t {
    let mut v: kf_message_view_t = unsafe { std::mem::zeroed() };
    v.size = VIEW;
    v
}

fn bytes(p: *const u8, n: usize) -> Option<Vec<u8>> {
    if p.is_null() {
        assert_eq!(n, 0, "a NULL pointer with a length");
        None
    } else {
        Some(unsafe { std::slice::from_raw_parts(p, n) }.to_vec())
    }
}

fn header_views(v: &kf_message_view_t) -> Vec<(String, Option<Vec<u8>>)> {
    if v.header_count == 0 {
        assert!(v.headers.is_null(), "headers not NULL without headers");
        return Vec::new();
    }
    let hs = unsafe { std::slice::from_raw_parts(v.headers, v.header_count) };
    hs.iter()
        .map(|h| (text(h.name), bytes(h.value, h.value_len)))
        .collect()
}

/// The view as a Msg, to compare with Msg::from_c() (the per-field accessors).
fn msg_of_view(v: &kf_message_view_t) -> Msg {
    Msg {
        topic: if v.topic.is_null() {
            String::new()
        } else {
            text(v.topic)
        },
        partition: v.partition,
        offset: v.offset,
        key: bytes(v.key, v.key_len),
        value: bytes(v.value, v.value_len),
        headers: header_views(v),
        timestamp: v.timestamp,
        timestamp_type: v.timestamp_type,
        error: v.error_code,
    }
}

/// The view of `m` with room for 8 headers (the array must outlive the view's use).
fn view(m: *const kf_message_t, hs: &mut [kf_header_view_t; 8]) -> kf_message_view_t {
    let mut v = new_view();
    ok(kf_message_view(m, &mut v, hs.as_mut_ptr(), hs.len()));
    assert_eq!(v.size, VIEW);
    assert_eq!(v.message, m);
    v
}

fn no_headers() -> [kf_header_view_t; 8] {
    [kf_header_view_t {
        name: null(),
        value: null(),
        value_len: 0,
    }; 8]
}

/// Produces the test messages: keys null, empty and set; values null, empty and set; headers
/// none, three (a repeated name and a null value) and one; a fixed timestamp on the last.
fn produce_variety(cluster: &Cluster, topic: &str) {
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let t = cs(topic);
    let h3 = kf_headers_new(3);
    ok(kf_headers_add(h3, cs("a").as_ptr(), b"1".as_ptr(), 1));
    ok(kf_headers_add(h3, cs("a").as_ptr(), null(), 0));
    ok(kf_headers_add(h3, cs("b").as_ptr(), b"".as_ptr(), 0));
    let h1 = kf_headers_new(1);
    ok(kf_headers_add(h1, cs("only").as_ptr(), b"x".as_ptr(), 1));
    let cases: [(Option<&[u8]>, Option<&[u8]>, *const kf_headers_t, i64); 3] = [
        (None, Some(b"v0"), null(), 0),
        (Some(b""), None, h3, 0),
        (Some(b"k2"), Some(b""), h1, 1_700_000_000_123),
    ];
    for (k, v, h, ts) in cases {
        let (kp, kl) = k.map_or((null(), 0), |k| (k.as_ptr(), k.len()));
        let (vp, vl) = v.map_or((null(), 0), |v| (v.as_ptr(), v.len()));
        ok(kf_producer_produce(
            p,
            t.as_ptr(),
            0,
            kp,
            kl,
            vp,
            vl,
            h,
            ts,
            None,
            null_mut(),
        ));
    }
    let mut remaining = 1;
    ok(kf_producer_flush(p, 30_000, &mut remaining));
    assert_eq!(remaining, 0);
    kf_headers_destroy(h1);
    kf_headers_destroy(h3);
    ok(kf_producer_destroy(p));
}

fn consumer(cluster: &Cluster, extra: &[(&str, &str)]) -> *mut kf_consumer_t {
    let group = unique("g-views");
    let mut props = vec![
        ("group.id", group.as_str()),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
    ];
    props.extend_from_slice(extra);
    let conf = cluster.config(&props);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    c
}

fn assign(c: *mut kf_consumer_t, items: &[(&str, i32, i64)]) {
    let l = tp_list(items);
    ok(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
}

fn close(c: *mut kf_consumer_t) {
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
}

/// Polls until a data message arrives (error events are destroyed).
fn poll_data(c: *mut kf_consumer_t, who: &str) -> *mut kf_message_t {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 200, &mut m));
        if !m.is_null() && kf_message_error_code(m) == 0 {
            return m;
        }
        kf_message_destroy(m);
    }
    panic!("{who}: no message in 30 s");
}

#[test]
fn view_reads_every_field_of_a_consumed_message() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("view");
        cluster.create_topic(&topic, 1);
        produce_variety(&cluster, &topic);
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        for i in 0..3 {
            let m = poll_data(c, who);
            let mut hs = no_headers();
            let v = view(m, &mut hs);
            assert_eq!(msg_of_view(&v), Msg::from_c(m), "{who}: message {i}");
            assert_eq!(v.offset, i, "{who}");
            assert_eq!(v.leader_epoch, kf_message_leader_epoch(m), "{who}");
            assert_eq!(v.status, KF_MESSAGE_STATUS_PERSISTED, "{who}");
            assert_eq!(v.latency_us, -1, "{who}: a consumed message has no latency");
            assert_eq!(v.header_count, v.header_total, "{who}");
            match i {
                0 => {
                    assert!(v.key.is_null(), "{who}: null key");
                    assert_eq!(v.header_count, 0, "{who}");
                }
                1 => {
                    assert!(!v.key.is_null() && v.key_len == 0, "{who}: empty key");
                    assert!(v.value.is_null(), "{who}: null value");
                    assert_eq!(
                        header_views(&v),
                        vec![
                            ("a".to_string(), Some(b"1".to_vec())),
                            ("a".to_string(), None),
                            ("b".to_string(), Some(Vec::new())),
                        ],
                        "{who}"
                    );
                    // The views point into the caller's array.
                    assert_eq!(v.headers, hs.as_ptr() as *const kf_header_view_t);
                    // Too small an array: what fits, and the total to retry with.
                    let mut small = no_headers();
                    let mut w = new_view();
                    ok(kf_message_view(m, &mut w, small.as_mut_ptr(), 2));
                    assert_eq!((w.header_count, w.header_total), (2, 3), "{who}");
                    assert_eq!(header_views(&w), header_views(&v)[..2].to_vec(), "{who}");
                    assert!(small[2].name.is_null(), "{who}: wrote past headers_cap");
                    // No array: no header views, the total still known.
                    let mut w = new_view();
                    ok(kf_message_view(m, &mut w, null_mut(), 0));
                    assert_eq!((w.header_count, w.header_total), (0, 3), "{who}");
                    assert!(w.headers.is_null(), "{who}");
                }
                _ => {
                    assert_eq!(v.timestamp, 1_700_000_000_123, "{who}");
                    assert_eq!(v.timestamp_type, KF_TIMESTAMP_CREATE_TIME, "{who}");
                    assert!(!v.value.is_null() && v.value_len == 0, "{who}: empty value");
                }
            }
            kf_message_destroy(m);
        }
        close(c);
    }
}

#[test]
fn view_of_an_error_event() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("view-eof");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"x".to_vec()]);
        let c = consumer(&cluster, &[("enable.partition.eof", "true")]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert!(Instant::now() < deadline, "{who}: no _PARTITION_EOF");
            let mut m = null_mut();
            ok(kf_consumer_poll(c, 200, &mut m));
            if m.is_null() {
                continue;
            }
            let mut hs = no_headers();
            let v = view(m, &mut hs);
            let code = v.error_code;
            if code != 0 {
                assert_eq!(code, KF_ERR__PARTITION_EOF, "{who}");
                assert_eq!(msg_of_view(&v), Msg::from_c(m), "{who}");
                assert_eq!(
                    (v.timestamp, v.timestamp_type),
                    (-1, KF_TIMESTAMP_NOT_AVAILABLE),
                    "{who}"
                );
                assert_eq!(v.offset, 1, "{who}: the end offset");
                // The value is the error's text, as kf_message_value() says.
                let e = kf_message_error(m);
                assert!(!text(kf_error_message(e)).is_empty());
                kf_error_destroy(e);
                // A message with an error is never stored.
                ok(kf_consumer_store_message(c, m));
            }
            kf_message_destroy(m);
            if code != 0 {
                break;
            }
        }
        close(c);
    }
}

/// What the delivery callback saw through kf_message_view().
#[derive(Default)]
struct Reports {
    views: Vec<(i32, i64, i64, i32, i32, bool)>, // error, offset, latency, status, headers, msg
}

unsafe extern "C" fn view_delivery(op: *mut c_void, m: *const kf_message_t, _e: *const kf_error_t) {
    let r = &mut *(op as *mut Reports);
    let mut hs = no_headers();
    let mut v = new_view();
    ok(kf_message_view(m, &mut v, hs.as_mut_ptr(), hs.len()));
    let same = msg_of_view(&v) == Msg::from_c(m) && kf_message_latency(m) >= v.latency_us;
    r.views.push((
        v.error_code,
        v.offset,
        v.latency_us,
        v.status,
        v.header_count as i32,
        same,
    ));
}

#[test]
fn view_of_a_delivery_report_has_latency_and_status() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("view-dr");
        cluster.create_topic(&topic, 1);
        let conf = cluster.config(&[]);
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let mut rep = Reports::default();
        let t = cs(&topic);
        let h = kf_headers_new(1);
        ok(kf_headers_add(h, cs("h").as_ptr(), b"v".as_ptr(), 1));
        for i in 0..2 {
            ok(kf_producer_produce(
                p,
                t.as_ptr(),
                0,
                null(),
                0,
                b"value".as_ptr(),
                5,
                if i == 1 { h } else { null() },
                0,
                Some(view_delivery),
                &mut rep as *mut Reports as *mut c_void,
            ));
        }
        kf_headers_destroy(h);
        let mut remaining = 1;
        ok(kf_producer_flush(p, 30_000, &mut remaining));
        assert_eq!(remaining, 0);
        assert_eq!(rep.views.len(), 2, "{who}");
        for (i, &(err, off, lat, status, nh, same)) in rep.views.iter().enumerate() {
            assert_eq!(err, 0, "{who}");
            assert_eq!(off, i as i64, "{who}");
            assert!(lat >= 0, "{who}: latency {lat}");
            assert_eq!(status, KF_MESSAGE_STATUS_PERSISTED, "{who}");
            assert_eq!(nh, i as i32, "{who}: headers of a delivery report");
            assert!(same, "{who}: the view differs from the accessors");
        }
        ok(kf_producer_destroy(p));
    }
}

#[test]
fn view_size_is_checked_and_never_overrun() {
    let cluster = Cluster::mock(1);
    let topic = unique("view-size");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[b"x".to_vec()]);
    let c = consumer(&cluster, &[]);
    assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
    let m = poll_data(c, "mock");

    // A size below the first published one: refused, nothing written.
    let mut v = new_view();
    v.size = VIEW - 8;
    v.offset = 12345;
    let (code, msg) = err(kf_message_view(m, &mut v, null_mut(), 0));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(
        msg.contains("kf_message_view") && msg.contains("size"),
        "{msg}"
    );
    assert_eq!((v.size, v.offset), (VIEW - 8, 12345));

    // A newer caller's larger struct: the known part filled, the rest untouched, size says so.
    #[repr(C)]
    struct Newer {
        v: kf_message_view_t,
        extra: [u64; 4],
    }
    let mut n = Newer {
        v: new_view(),
        extra: [0xAB; 4],
    };
    n.v.size = std::mem::size_of::<Newer>();
    ok(kf_message_view(m, &mut n.v, null_mut(), 0));
    assert_eq!(n.v.size, VIEW);
    assert_eq!(n.extra, [0xAB; 4]);
    assert_eq!(n.v.offset, 0);
    assert_eq!(bytes(n.v.value, n.v.value_len), Some(b"x".to_vec()));
    kf_message_destroy(m);
    close(c);
}

/// kf_consumer_consume_batch() until `n` messages or `timeout`; returns each batch's messages
/// as Msg (checked against the per-field accessors) and the batches themselves.
fn consume_batches(
    c: *mut kf_consumer_t,
    n: usize,
    max: usize,
    flags: u32,
    timeout: Duration,
    who: &str,
) -> (Vec<Msg>, Vec<*mut kf_message_batch_t>) {
    let deadline = Instant::now() + timeout;
    let (mut msgs, mut batches) = (Vec::new(), Vec::new());
    while msgs.len() < n && Instant::now() < deadline {
        let mut b = null_mut();
        ok(kf_consumer_consume_batch(c, max, 500, flags, &mut b));
        if b.is_null() {
            continue;
        }
        let mut count = 0;
        let views = kf_message_batch_views(b, VIEW, &mut count);
        assert!(!views.is_null() && count > 0 && count <= max, "{who}");
        assert_eq!(kf_message_batch_count(b), count, "{who}");
        let views = unsafe { std::slice::from_raw_parts(views, count) };
        for v in views {
            assert_eq!(v.size, VIEW);
            assert_eq!(v.header_count, v.header_total, "{who}");
            let m = msg_of_view(v);
            assert_eq!(m, Msg::from_c(v.message), "{who}: view vs accessors");
            msgs.push(m);
        }
        batches.push(b);
    }
    (msgs, batches)
}

#[test]
fn batch_holds_every_view_and_header_view() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("batch-views");
        cluster.create_topic(&topic, 1);
        produce_variety(&cluster, &topic);
        produce_variety(&cluster, &topic);
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        let (msgs, batches) = consume_batches(c, 6, 100, 0, Duration::from_secs(30), who);
        assert_eq!(
            msgs.iter().map(|m| m.offset).collect::<Vec<_>>(),
            (0..6).collect::<Vec<_>>(),
            "{who}"
        );
        assert_eq!(msgs[1].headers.len(), 3, "{who}");
        assert_eq!(msgs[4].headers.len(), 3, "{who}");
        for b in &batches {
            let mut count = 0;
            let views = kf_message_batch_views(*b, VIEW, &mut count);
            let views = unsafe { std::slice::from_raw_parts(views, count) };
            // The header views of the whole batch are one array, message after message.
            let with: Vec<&kf_message_view_t> =
                views.iter().filter(|v| v.header_count > 0).collect();
            for w in with.windows(2) {
                assert_eq!(
                    unsafe { w[0].headers.add(w[0].header_count) },
                    w[1].headers,
                    "{who}: header views not contiguous"
                );
            }
            // The view of a batch message through kf_message_view() is the same.
            for v in views {
                let mut hs = no_headers();
                let single = view(v.message, &mut hs);
                assert_eq!(msg_of_view(&single), msg_of_view(v), "{who}");
                assert_eq!(single.leader_epoch, v.leader_epoch, "{who}");
                assert_eq!(v.status, KF_MESSAGE_STATUS_PERSISTED, "{who}");
                assert_eq!(v.latency_us, -1, "{who}");
            }
            // Another caller's view size: a larger stride, each element filled as far as this
            // library knows, with its size; the same data.
            let big = VIEW + 16;
            let mut n2 = 0;
            let p = kf_message_batch_views(*b, big, &mut n2) as *const u8;
            assert!(!p.is_null());
            assert_eq!(n2, count, "{who}");
            for (i, v) in views.iter().enumerate() {
                let e = unsafe { &*(p.add(i * big) as *const kf_message_view_t) };
                assert_eq!(e.size, VIEW, "{who}");
                assert_eq!(msg_of_view(e), msg_of_view(v), "{who}");
                let tail = unsafe { std::slice::from_raw_parts(p.add(i * big + VIEW), 16) };
                assert!(tail.iter().all(|&b| b == 0), "{who}: tail not zeroed");
            }
            // Asked again: the same array.
            assert_eq!(kf_message_batch_views(*b, big, &mut n2) as *const u8, p);
            // Too small, or misaligned: NULL and a count of 0.
            for bad in [VIEW - 8, VIEW + 4, 0] {
                let mut n3 = 99;
                assert!(kf_message_batch_views(*b, bad, &mut n3).is_null(), "{bad}");
                assert_eq!(n3, 0);
            }
            kf_message_batch_destroy(*b);
        }
        // Nothing left: no batch, after the timeout.
        let mut b = null_mut();
        let t = Instant::now();
        ok(kf_consumer_consume_batch(c, 10, 300, 0, &mut b));
        assert!(b.is_null(), "{who}: a batch with nothing to read");
        assert!(
            t.elapsed() >= Duration::from_millis(250),
            "{who}: did not wait"
        );
        // max_messages 0: nothing read, no batch, at once.
        ok(kf_consumer_consume_batch(c, 0, -1, 0, &mut b));
        assert!(b.is_null());
        close(c);
    }
}

/// A batch much larger than one read of librdkafka's queue (the slots grow as messages come),
/// limited to max_messages; batches destroyed on this thread and on others.
#[test]
fn batch_grows_up_to_max_messages() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("batch-big");
        cluster.create_topic(&topic, 1);
        let vals: Vec<Vec<u8>> = (0..3000).map(|i| format!("v{i}").into_bytes()).collect();
        produce_values(&cluster, &topic, 0, &vals);
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        let mut all = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while all.len() < 3000 {
            assert!(Instant::now() < deadline, "{who}: {} of 3000", all.len());
            let mut b = null_mut();
            ok(kf_consumer_consume_batch(c, 2500, 1000, 0, &mut b));
            let mut n = 0;
            let views = kf_message_batch_views(b, VIEW, &mut n);
            assert!(n <= 2500, "{who}: {n} > max_messages");
            if n > 0 {
                let views = unsafe { std::slice::from_raw_parts(views, n) };
                all.extend(
                    views
                        .iter()
                        .map(|v| (v.offset, bytes(v.value, v.value_len))),
                );
            }
            // Every other batch is destroyed on another thread (its arrays are kept for that
            // thread's next batch, not this one's).
            if all.len() % 2 == 0 {
                kf_message_batch_destroy(b);
            } else {
                let sb = SendBatch(b);
                std::thread::spawn(move || {
                    let sb = sb;
                    kf_message_batch_destroy(sb.0)
                })
                .join()
                .unwrap();
            }
        }
        let want: Vec<(i64, Option<Vec<u8>>)> = (0..3000)
            .map(|i| (i as i64, Some(vals[i].clone())))
            .collect();
        assert_eq!(all, want, "{who}");
        close(c);
    }
}

fn committed_offsets(c: *mut kf_consumer_t, topic: &str, parts: i32) -> Vec<i64> {
    let items: Vec<(&str, i32, i64)> = (0..parts).map(|p| (topic, p, 0)).collect();
    let l = tp_list(&items);
    let mut out = null_mut();
    ok(kf_consumer_committed(c, l, 10_000, &mut out));
    kf_topic_partition_list_destroy(l);
    let r = tp_items(out).iter().map(|i| i.offset).collect();
    kf_topic_partition_list_destroy(out);
    r
}

/// KF_CONSUME_DEFER_STORE: read far ahead, hand over (store) only some messages, let several
/// auto-commits run: the group's committed offsets are exactly after the messages stored, never
/// after those only prefetched. Without the flag, every message returned is stored (and
/// kf_consumer_store_message() is not called: it would move the stored offsets back).
#[test]
fn defer_store_auto_commit_never_commits_past_what_was_stored() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        for defer in [true, false] {
            let topic = unique("defer");
            cluster.create_topic(&topic, 2);
            for p in 0..2 {
                let vals: Vec<Vec<u8>> =
                    (0..200).map(|i| format!("p{p}-{i}").into_bytes()).collect();
                produce_values(&cluster, &topic, p, &vals);
            }
            let group = unique("g-defer");
            let mut props = classic_session_props(&cluster);
            props.extend([
                ("group.id", group.as_str()),
                ("enable.auto.commit", "true"),
                ("auto.commit.interval.ms", "50"),
                ("auto.offset.reset", "earliest"),
            ]);
            let conf = cluster.config(&props);
            let c = new_consumer(conf);
            kf_config_destroy(conf);
            let t = cs(&topic);
            ok(kf_consumer_subscribe(c, [t.as_ptr()].as_ptr(), 1, null()));
            let flags = if defer { KF_CONSUME_DEFER_STORE } else { 0 };
            let (msgs, batches) = consume_batches(c, 400, 400, flags, Duration::from_secs(60), who);
            assert_eq!(msgs.len(), 400, "{who}: defer={defer}");
            // Hand over the first 37 messages of each partition only.
            let mut handed = [0i64; 2];
            for b in &batches {
                let mut n = 0;
                let views = kf_message_batch_views(*b, VIEW, &mut n);
                for v in unsafe { std::slice::from_raw_parts(views, n) } {
                    let p = v.partition as usize;
                    if handed[p] < 37 {
                        assert_eq!(v.offset, handed[p], "{who}: order");
                        if defer {
                            ok(kf_consumer_store_message(c, v.message));
                        }
                        handed[p] += 1;
                    }
                }
            }
            assert_eq!(handed, [37, 37], "{who}");
            // Several auto-commits run meanwhile (while the consumer is served).
            let until = Instant::now() + Duration::from_millis(600);
            while Instant::now() < until {
                let mut b = null_mut();
                ok(kf_consumer_consume_batch(c, 10, 100, flags, &mut b));
                assert!(b.is_null(), "{who}: more messages than produced");
            }
            let got = committed_offsets(c, &topic, 2);
            let want = if defer { vec![37, 37] } else { vec![200, 200] };
            assert_eq!(got, want, "{who}: defer={defer}: committed while open");
            for b in batches {
                kf_message_batch_destroy(b);
            }
            close(c); // commits the stored offsets once more on leaving
            let conf = cluster.config(&[("group.id", group.as_str())]);
            let c = new_consumer(conf);
            kf_config_destroy(conf);
            assert_eq!(
                committed_offsets(c, &topic, 2),
                want,
                "{who}: defer={defer}: committed after close"
            );
            close(c);
        }
    }
}

/// kf_consumer_store_message() follows enable.auto.offset.store: with it false the
/// application stores offsets itself, so nothing is stored for it.
#[test]
fn store_message_stores_nothing_when_auto_offset_store_is_off() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("store-off");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"a".to_vec(), b"b".to_vec()]);
        let c = consumer(&cluster, &[("enable.auto.offset.store", "false")]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        let (msgs, batches) = consume_batches(c, 2, 10, 0, Duration::from_secs(30), who);
        assert_eq!(msgs.len(), 2);
        for b in &batches {
            let mut n = 0;
            let views = kf_message_batch_views(*b, VIEW, &mut n);
            for v in unsafe { std::slice::from_raw_parts(views, n) } {
                ok(kf_consumer_store_message(c, v.message));
            }
        }
        // Nothing stored: a commit of the stored offsets has nothing to commit.
        let (code, _) = err(kf_consumer_commit(c, null(), null(), false, -1, null_mut()));
        assert_eq!(code, KF_ERR__NO_OFFSET, "{who}");
        for b in batches {
            kf_message_batch_destroy(b);
        }
        close(c);
    }
}

struct SendConsumer(*mut kf_consumer_t);
unsafe impl Send for SendConsumer {}

struct SendBatch(*mut kf_message_batch_t);
unsafe impl Send for SendBatch {}

#[test]
fn wake_interrupts_consume_batch() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("wake-batch");
        cluster.create_topic(&topic, 1);
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_END)]);
        let sc = SendConsumer(c);
        let h = std::thread::spawn(move || {
            let sc = sc;
            let mut b = null_mut();
            let e = kf_consumer_consume_batch(sc.0, 100, -1, 0, &mut b);
            (kf_error_code(e), {
                kf_error_destroy(e);
                b.is_null()
            })
        });
        std::thread::sleep(Duration::from_millis(300));
        ok(kf_consumer_wake(c));
        let (code, none) = h.join().unwrap();
        assert_eq!(code, KF_ERR__INTR, "{who}");
        assert!(none, "{who}: batch_out written on failure");
        close(c);
    }
}

#[test]
fn error_info_reads_everything_in_one_call() {
    let info_of = |e: *const kf_error_t| {
        let mut i: kf_error_info_t = unsafe { std::mem::zeroed() };
        i.size = std::mem::size_of::<kf_error_info_t>();
        ok(kf_error_info(e, &mut i));
        assert_eq!(i.size, std::mem::size_of::<kf_error_info_t>());
        assert_eq!(i.code, kf_error_code(e));
        assert_eq!(i.name, kf_error_name(e));
        assert_eq!(i.message, kf_error_message(e), "borrowed from the error");
        assert_eq!(i.retriable, kf_error_is_retriable(e));
        assert_eq!(i.fatal, kf_error_is_fatal(e));
        assert_eq!(i.txn_requires_abort, kf_error_txn_requires_abort(e));
        i
    };
    // An invalid-argument error from a real call.
    let e = kf_config_set(null_mut(), cs("a").as_ptr(), cs("b").as_ptr());
    let i = info_of(e);
    assert_eq!(i.code, KF_ERR__INVALID_ARG);
    assert_eq!(text(i.name), "_INVALID_ARG");
    assert!(text(i.message).contains("kf_config_set"));
    assert!(!i.retriable && !i.fatal && !i.txn_requires_abort);

    // Too small a size: refused, nothing written.
    let mut small: kf_error_info_t = unsafe { std::mem::zeroed() };
    small.size = 8;
    small.code = 77;
    let (code, msg) = err(kf_error_info(e, &mut small));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(
        msg.contains("kf_error_info") && msg.contains("info_out"),
        "{msg}"
    );
    assert_eq!((small.size, small.code), (8, 77));
    kf_error_destroy(e);

    // A fatal error: the mock cluster rejects the idempotent producer's sequence, which
    // librdkafka makes fatal (as in tests/transactions.rs).
    let cluster = Cluster::mock(1);
    let topic = unique("einfo");
    cluster.create_topic(&topic, 1);
    let conf = cluster.config(&[("enable.idempotence", "true")]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let t = cs(&topic);
    let send = |v: &[u8]| {
        kf_producer_produce(
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
        )
    };
    ok(send(b"first"));
    let mut remaining = 1;
    ok(kf_producer_flush(p, 10_000, &mut remaining));
    ok(kf_mock_cluster_push_request_errors(
        cluster.mock,
        KF_APIKEY_PRODUCE,
        [KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER].as_ptr(),
        1,
    ));
    ok(send(b"second"));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut fe: *mut kf_error_t = null_mut();
    while fe.is_null() && Instant::now() < deadline {
        let e = kf_producer_poll(p, 100, null_mut());
        kf_error_destroy(e);
        fe = kf_producer_fatal_error(p);
    }
    assert!(!fe.is_null(), "no fatal error");
    let i = info_of(fe);
    assert!(i.fatal, "fatal flag");
    assert_eq!(i.code, KF_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert_eq!(text(i.name), "OUT_OF_ORDER_SEQUENCE_NUMBER");
    kf_error_destroy(fe);
    ok(kf_producer_destroy(p));
}
