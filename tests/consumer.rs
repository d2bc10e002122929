//! The consumer through the C ABI: commits (sync, async, from a message, from a list with
//! metadata, current positions), committed, position, seek, pause/resume, watermarks,
//! offsets_for_times, store_offsets, group metadata, list_topics, partition EOF, batch consume
//! (and librdkafka #4844), wake and the event fd; on the real broker and the mock cluster.
mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// A consumer in its own new group with manual commits, plus `extra` properties.
fn consumer(cluster: &Cluster, extra: &[(&str, &str)]) -> *mut kf_consumer_t {
    consumer_in(cluster, &unique("g"), extra, None)
}

fn consumer_in(
    cluster: &Cluster,
    group: &str,
    extra: &[(&str, &str)],
    commits: Option<&CommitRec>,
) -> *mut kf_consumer_t {
    let mut props = vec![
        ("group.id", group),
        ("enable.auto.commit", "false"),
        ("auto.offset.reset", "earliest"),
    ];
    props.extend_from_slice(extra);
    let conf = cluster.config(&props);
    if let Some(rec) = commits {
        ok(kf_config_set_commit_cb(
            conf,
            Some(on_commit),
            rec as *const CommitRec as *mut c_void,
            None,
        ));
    }
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    c
}

fn assign(c: *mut kf_consumer_t, items: &[(&str, i32, i64)]) {
    let l = tp_list(items);
    ok(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
}

fn subscribe(c: *mut kf_consumer_t, topic: &str) {
    let t = cs(topic);
    ok(kf_consumer_subscribe(c, [t.as_ptr()].as_ptr(), 1, null()));
}

fn values(prefix: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{prefix}-{i}").into_bytes())
        .collect()
}

/// Calls `f` with a fresh list built from `items` and returns the items of the list it gives back.
fn query(
    items: &[(&str, i32, i64)],
    f: impl FnOnce(
        *const kf_topic_partition_list_t,
        *mut *mut kf_topic_partition_list_t,
    ) -> *mut kf_error_t,
) -> Vec<TpItem> {
    let l = tp_list(items);
    let mut out = null_mut();
    ok(f(l, &mut out));
    kf_topic_partition_list_destroy(l);
    assert!(!out.is_null());
    let r = tp_items(out);
    kf_topic_partition_list_destroy(out);
    r
}

fn committed(c: *mut kf_consumer_t, items: &[(&str, i32, i64)]) -> Vec<TpItem> {
    query(items, |l, out| kf_consumer_committed(c, l, 10_000, out))
}

fn position(c: *mut kf_consumer_t, items: &[(&str, i32, i64)]) -> Vec<i64> {
    query(items, |l, out| kf_consumer_position(c, l, out))
        .iter()
        .map(|i| i.offset)
        .collect()
}

/// Polls single messages until `n` data messages arrived; returns the raw messages (caller
/// destroys them).
fn poll_raw(c: *mut kf_consumer_t, n: usize, timeout: Duration) -> Vec<*mut kf_message_t> {
    let deadline = Instant::now() + timeout;
    let mut out = Vec::new();
    while out.len() < n && Instant::now() < deadline {
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 200, &mut m));
        if m.is_null() {
            continue;
        }
        if kf_message_error_code(m) == 0 {
            out.push(m);
        } else {
            kf_message_destroy(m);
        }
    }
    out
}

fn close(c: *mut kf_consumer_t) {
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
}

// ---------------------------------------------------------------------------------------------
// on_commit recording
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct CommitRec {
    calls: Mutex<Vec<(i32, Vec<TpItem>, ThreadId)>>,
}

unsafe extern "C" fn on_commit(
    op: *mut c_void,
    e: *const kf_error_t,
    l: *const kf_topic_partition_list_t,
) {
    let rec = &*(op as *const CommitRec);
    rec.calls
        .lock()
        .unwrap()
        .push((kf_error_code(e), tp_items(l), std::thread::current().id()));
}

// ---------------------------------------------------------------------------------------------
// Commits
// ---------------------------------------------------------------------------------------------

#[test]
fn commit_sync_from_message_list_and_positions_then_committed() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("commit");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("a", 5));
        produce_values(&cluster, &topic, 1, &values("b", 5));
        let c = consumer(&cluster, &[]);
        let t = topic.as_str();

        // Nothing consumed, nothing stored: nothing to commit.
        assign(
            c,
            &[(t, 0, KF_OFFSET_BEGINNING), (t, 1, KF_OFFSET_BEGINNING)],
        );
        let (code, _) = err(kf_consumer_commit(c, null(), null(), false, -1, null_mut()));
        assert_eq!(code, KF_ERR__NO_OFFSET, "{who}");
        assert_eq!(
            position(c, &[(t, 0, 0), (t, 1, 0)]),
            vec![KF_OFFSET_INVALID; 2],
            "{who}"
        );
        assert_eq!(
            committed(c, &[(t, 0, 0), (t, 1, 0)])
                .iter()
                .map(|i| i.offset)
                .collect::<Vec<_>>(),
            vec![KF_OFFSET_INVALID; 2],
            "{who}: nothing committed yet"
        );

        let msgs = poll_raw(c, 10, Duration::from_secs(30));
        assert_eq!(msgs.len(), 10, "{who}");
        assert_eq!(
            position(c, &[(t, 0, 0), (t, 1, 0)]),
            vec![5, 5],
            "{who}: positions after consuming"
        );

        // From a message: the offset after it, with its leader epoch.
        let m = *msgs
            .iter()
            .find(|&&m| kf_message_partition(m) == 0 && kf_message_offset(m) == 2)
            .unwrap();
        let epoch = kf_message_leader_epoch(m);
        if !cluster.is_mock() {
            assert!(epoch >= 0, "{who}: a real broker reports the leader epoch");
        }
        let mut out = null_mut();
        ok(kf_consumer_commit(c, m, null(), false, -1, &mut out));
        let items = tp_items(out);
        kf_topic_partition_list_destroy(out);
        assert_eq!(items.len(), 1, "{who}");
        assert_eq!(
            (
                items[0].topic.as_str(),
                items[0].partition,
                items[0].offset,
                items[0].error
            ),
            (t, 0, 3, 0),
            "{who}"
        );
        let got = committed(c, &[(t, 0, 0), (t, 1, 0)]);
        assert_eq!(got[0].offset, 3, "{who}");
        assert_eq!(got[1].offset, KF_OFFSET_INVALID, "{who}");
        if !cluster.is_mock() {
            assert_eq!(got[0].leader_epoch, epoch, "{who}: committed leader epoch");
        }

        // From an explicit list, with metadata (Kafka keeps commit metadata as a UTF-8 string).
        let l = tp_list(&[(t, 0, 4), (t, 1, 2)]);
        ok(kf_topic_partition_list_set_metadata(
            l,
            0,
            b"meta-0".as_ptr(),
            6,
        ));
        let bin = "métadonnée ✓".as_bytes();
        ok(kf_topic_partition_list_set_metadata(
            l,
            1,
            bin.as_ptr(),
            bin.len(),
        ));
        let mut out = null_mut();
        ok(kf_consumer_commit(c, null(), l, false, -1, &mut out));
        kf_topic_partition_list_destroy(l);
        let items = tp_items(out);
        kf_topic_partition_list_destroy(out);
        assert_eq!(
            items
                .iter()
                .map(|i| (i.partition, i.offset, i.error))
                .collect::<Vec<_>>(),
            vec![(0, 4, 0), (1, 2, 0)],
            "{who}: per-partition results"
        );
        let got = committed(c, &[(t, 0, 0), (t, 1, 0)]);
        assert_eq!(
            got.iter().map(|i| i.offset).collect::<Vec<_>>(),
            vec![4, 2],
            "{who}"
        );
        assert_eq!(
            got[0].metadata.as_deref(),
            Some(&b"meta-0"[..]),
            "{who}: metadata round-trip"
        );
        assert_eq!(
            got[1].metadata.as_deref(),
            Some(bin),
            "{who}: UTF-8 metadata round-trip"
        );
        assert!(got.iter().all(|i| i.error == 0), "{who}");

        // Current positions (NULL, NULL): 5 and 5, the committed_out list says so.
        let mut out = null_mut();
        ok(kf_consumer_commit(c, null(), null(), false, -1, &mut out));
        let items = tp_items(out);
        kf_topic_partition_list_destroy(out);
        let mut pos: Vec<_> = items
            .iter()
            .map(|i| (i.topic.clone(), i.partition, i.offset, i.error))
            .collect();
        pos.sort();
        assert_eq!(
            pos,
            vec![(topic.clone(), 0, 5, 0), (topic.clone(), 1, 5, 0)],
            "{who}"
        );
        let got = committed(c, &[(t, 0, 0), (t, 1, 0)]);
        assert_eq!(
            got.iter().map(|i| i.offset).collect::<Vec<_>>(),
            vec![5, 5],
            "{who}"
        );
        // committed_out may be NULL.
        ok(kf_consumer_commit(c, m, null(), false, -1, null_mut()));
        assert_eq!(
            committed(c, &[(t, 0, 0)])[0].offset,
            3,
            "{who}: commits can move backwards"
        );

        for m in msgs {
            kf_message_destroy(m);
        }
        close(c);

        // A new consumer of the group starts at the committed offsets.
        let group2 = unique("g");
        let c = consumer_in(&cluster, &group2, &[], None);
        let l = tp_list(&[(t, 0, 1), (t, 1, 4)]);
        ok(kf_consumer_commit(c, null(), l, false, -1, null_mut()));
        kf_topic_partition_list_destroy(l);
        assign(c, &[(t, 0, KF_OFFSET_STORED), (t, 1, KF_OFFSET_STORED)]);
        let (got, _) = consume_n(c, 5, Duration::from_secs(30));
        let mut seen: Vec<_> = got.iter().map(|m| (m.partition, m.offset)).collect();
        seen.sort();
        assert_eq!(seen, vec![(0, 1), (0, 2), (0, 3), (0, 4), (1, 4)], "{who}");
        close(c);
    }
}

#[test]
fn commit_async_reports_to_on_commit_with_per_partition_errors() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("acommit");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("a", 3));
        let rec = Box::new(CommitRec::default());
        let c = consumer_in(&cluster, &unique("g"), &[], Some(&rec));
        let t = topic.as_str();
        assign(c, &[(t, 0, KF_OFFSET_BEGINNING)]);
        let msgs = poll_raw(c, 3, Duration::from_secs(30));
        assert_eq!(msgs.len(), 3, "{who}");

        // Asynchronous, from a message: returns at once, on_commit reports it inside poll.
        ok(kf_consumer_commit(c, msgs[1], null(), true, -1, null_mut()));
        let wait_calls_for = |n: usize, timeout: Duration| {
            let deadline = Instant::now() + timeout;
            while rec.calls.lock().unwrap().len() < n && Instant::now() < deadline {
                let mut m = null_mut();
                ok(kf_consumer_poll(c, 100, &mut m));
                kf_message_destroy(m);
            }
            rec.calls.lock().unwrap().clone()
        };
        let wait_calls = |n: usize| wait_calls_for(n, Duration::from_secs(20));
        let calls = wait_calls(1);
        assert_eq!(calls.len(), 1, "{who}");
        let (code, items, thread) = &calls[0];
        assert_eq!(*code, 0, "{who}");
        assert_eq!(
            *thread,
            std::thread::current().id(),
            "{who}: on_commit ran on another thread"
        );
        assert_eq!(
            items
                .iter()
                .map(|i| (i.topic.as_str(), i.partition, i.offset, i.error))
                .collect::<Vec<_>>(),
            vec![(t, 0, 2, 0)],
            "{who}"
        );
        assert_eq!(committed(c, &[(t, 0, 0)])[0].offset, 2, "{who}");

        // Asynchronous current positions.
        ok(kf_consumer_commit(c, null(), null(), true, -1, null_mut()));
        let calls = wait_calls(2);
        assert_eq!(calls.len(), 2, "{who}");
        assert_eq!(calls[1].0, 0, "{who}");
        assert_eq!(
            calls[1]
                .1
                .iter()
                .map(|i| (i.partition, i.offset))
                .collect::<Vec<_>>(),
            vec![(0, 3)],
            "{who}"
        );

        // One good partition and one of a topic that does not exist: on_commit gets the error
        // and the list with per-partition errors; the good partition is committed all the same.
        // (librdkafka then marks every partition of the list with the request's error, so only
        // the failed one's error is asserted.)
        let missing = unique("missing");
        let l = tp_list(&[(t, 1, 1), (&missing, 0, 7)]);
        ok(kf_consumer_commit(c, null(), l, true, -1, null_mut()));
        let calls = wait_calls(3);
        assert_eq!(calls.len(), 3, "{who}");
        let (code, items, _) = &calls[2];
        assert_eq!(*code, KF_ERR_UNKNOWN_TOPIC_OR_PART, "{who}: {items:?}");
        let errs: BTreeMap<_, _> = items
            .iter()
            .map(|i| ((i.topic.clone(), i.partition), (i.offset, i.error)))
            .collect();
        assert_eq!(errs.len(), 2, "{who}: {items:?}");
        assert_eq!(
            errs[&(missing.clone(), 0)],
            (7, KF_ERR_UNKNOWN_TOPIC_OR_PART),
            "{who}: {items:?}"
        );
        assert_eq!(errs[&(topic.clone(), 1)].0, 1, "{who}: {items:?}");
        assert_eq!(committed(c, &[(t, 1, 0)])[0].offset, 1, "{who}");

        // The same synchronously: the call fails with the partition's error.
        let (code, msg) = err(kf_consumer_commit(c, null(), l, false, -1, null_mut()));
        assert_eq!(code, KF_ERR_UNKNOWN_TOPIC_OR_PART, "{who}: {msg}");
        kf_topic_partition_list_destroy(l);
        // Synchronous commits do not go to on_commit.
        assert_eq!(
            wait_calls_for(4, Duration::from_millis(1000)).len(),
            3,
            "{who}"
        );

        for m in msgs {
            kf_message_destroy(m);
        }
        close(c);
        drop(rec);
    }
}

// ---------------------------------------------------------------------------------------------
// Positions, seek, pause / resume
// ---------------------------------------------------------------------------------------------

#[test]
fn seek_with_leader_epoch_from_message() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("seek");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &values("v", 6));
        let c = consumer(&cluster, &[]);
        let t = topic.as_str();
        assign(c, &[(t, 0, KF_OFFSET_BEGINNING)]);
        let msgs = poll_raw(c, 6, Duration::from_secs(30));
        assert_eq!(msgs.len(), 6, "{who}");
        assert_eq!(position(c, &[(t, 0, 0)]), vec![6], "{who}");

        // Back to offset 1 with the leader epoch of message 1.
        let l = tp_list(&[(t, 0, 1)]);
        let epoch = kf_message_leader_epoch(msgs[1]);
        ok(kf_topic_partition_list_set_leader_epoch(l, 0, epoch));
        ok(kf_consumer_seek(c, l, 5000));
        kf_topic_partition_list_destroy(l);
        let (again, _) = consume_n(c, 5, Duration::from_secs(30));
        assert_eq!(
            again.iter().map(|m| m.offset).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5],
            "{who}"
        );
        assert_eq!(again[0].value.as_deref(), Some(&b"v-1"[..]), "{who}");
        assert_eq!(position(c, &[(t, 0, 0)]), vec![6], "{who}");

        // Seek without waiting (timeout 0) to the beginning.
        let l = tp_list(&[(t, 0, KF_OFFSET_BEGINNING)]);
        ok(kf_consumer_seek(c, l, 0));
        kf_topic_partition_list_destroy(l);
        let (again, _) = consume_n(c, 6, Duration::from_secs(30));
        assert_eq!(
            again.iter().map(|m| m.offset).collect::<Vec<_>>(),
            (0..6).collect::<Vec<_>>(),
            "{who}"
        );

        // A partition that is not assigned: the error names it.
        let l = tp_list(&[(t, 3, 0)]);
        let (code, msg) = err(kf_consumer_seek(c, l, 1000));
        kf_topic_partition_list_destroy(l);
        assert_ne!(code, 0);
        assert!(msg.contains(&format!("{t}[3]")), "{who}: {msg}");

        for m in msgs {
            kf_message_destroy(m);
        }
        close(c);
    }
}

#[test]
fn pause_stops_a_partition_and_resume_continues_it() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("pause");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("a", 10));
        produce_values(&cluster, &topic, 1, &values("b", 10));
        let c = consumer(&cluster, &[]);
        let t = topic.as_str();
        assign(
            c,
            &[(t, 0, KF_OFFSET_BEGINNING), (t, 1, KF_OFFSET_BEGINNING)],
        );
        let mut p0: Vec<i64> = Vec::new();
        let mut p1: Vec<i64> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while p0.len() < 3 && Instant::now() < deadline {
            let (m, _) = consume_n(c, 1, Duration::from_millis(200));
            for m in m {
                if m.partition == 0 {
                    p0.push(m.offset)
                } else {
                    p1.push(m.offset)
                }
            }
        }
        assert_eq!(p0, vec![0, 1, 2], "{who}");

        let l = tp_list(&[(t, 0, 0)]);
        ok(kf_consumer_pause(c, l));
        // Paused: partition 0 yields nothing, partition 1 goes on to its end.
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(1500) || p1.len() < 10 {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "{who}: partition 1 stalled"
            );
            let (m, _) = consume_n(c, 1, Duration::from_millis(100));
            for m in m {
                assert_eq!(
                    m.partition, 1,
                    "{who}: a paused partition yielded offset {}",
                    m.offset
                );
                p1.push(m.offset);
            }
        }
        assert_eq!(p1, (0..10).collect::<Vec<_>>(), "{who}");
        assert_eq!(
            position(c, &[(t, 0, 0)]),
            vec![3],
            "{who}: position of the paused partition"
        );

        // Resumed: partition 0 continues where the application stopped, no gap, no repeat.
        ok(kf_consumer_resume(c, l));
        kf_topic_partition_list_destroy(l);
        let (rest, _) = consume_n(c, 7, Duration::from_secs(30));
        assert_eq!(
            rest.iter()
                .map(|m| (m.partition, m.offset))
                .collect::<Vec<_>>(),
            (3..10).map(|o| (0, o)).collect::<Vec<_>>(),
            "{who}"
        );
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// Watermarks, offsets for times
// ---------------------------------------------------------------------------------------------

#[test]
fn watermark_offsets_queried_and_cached() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("wm");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("v", 7));
        let c = consumer(&cluster, &[]);
        let tc = cs(&topic);
        let (mut lo, mut hi) = (99, 99);
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            0,
            10_000,
            false,
            &mut lo,
            &mut hi,
        ));
        assert_eq!((lo, hi), (0, 7), "{who}: queried");
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            1,
            10_000,
            false,
            &mut lo,
            &mut hi,
        ));
        assert_eq!((lo, hi), (0, 0), "{who}: queried, empty partition");
        // Not fetched yet: the cached values are unknown.
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            0,
            0,
            true,
            &mut lo,
            &mut hi,
        ));
        assert_eq!(
            (lo, hi),
            (KF_OFFSET_INVALID, KF_OFFSET_INVALID),
            "{who}: cached before fetching"
        );

        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        let (m, _) = consume_n(c, 7, Duration::from_secs(30));
        assert_eq!(m.len(), 7, "{who}");
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            0,
            0,
            true,
            &mut lo,
            &mut hi,
        ));
        assert_eq!(hi, 7, "{who}: cached high watermark after fetching");
        assert!(lo == 0 || lo == KF_OFFSET_INVALID, "{who}: cached low {lo}");

        // More messages: the cache follows the fetcher, the query the broker.
        produce_values(&cluster, &topic, 0, &values("w", 3));
        let (m, _) = consume_n(c, 3, Duration::from_secs(30));
        assert_eq!(m.len(), 3, "{who}");
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            0,
            0,
            true,
            &mut lo,
            &mut hi,
        ));
        assert_eq!(hi, 10, "{who}: cached");
        ok(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            0,
            10_000,
            false,
            &mut lo,
            &mut hi,
        ));
        assert_eq!((lo, hi), (0, 10), "{who}: queried");

        // An unknown partition.
        let (code, _) = err(kf_consumer_get_watermark_offsets(
            c,
            tc.as_ptr(),
            9,
            5000,
            false,
            &mut lo,
            &mut hi,
        ));
        assert_ne!(code, 0, "{who}");
        close(c);
    }
}

/// Produces `values` to `topic`/`partition` with explicit create timestamps.
fn produce_at(cluster: &Cluster, topic: &str, partition: i32, stamps: &[i64]) {
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut d = Deliveries::default();
    let t = cs(topic);
    for (i, ts) in stamps.iter().enumerate() {
        let v = format!("at-{i}");
        ok(kf_producer_produce(
            p,
            t.as_ptr(),
            partition,
            null(),
            0,
            v.as_ptr(),
            v.len(),
            null(),
            *ts,
            Some(record_delivery),
            &mut d as *mut Deliveries as *mut c_void,
        ));
    }
    let mut remaining = 1;
    ok(kf_producer_flush(p, 30_000, &mut remaining));
    assert_eq!(remaining, 0);
    assert!(d.reports.iter().all(|r| r.0 == 0), "{:?}", d.reports);
    ok(kf_producer_destroy(p));
}

/// The real broker only: librdkafka's mock cluster answers every timestamp lookup with -1
/// (its ListOffsets handler has "FIXME: by timestamp").
#[test]
fn offsets_for_times_finds_offsets_by_timestamp() {
    let cluster = Cluster::broker();
    let topic = unique("times");
    cluster.create_topic(&topic, 1);
    let base = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 3_600_000;
    let stamps: Vec<i64> = (0..5).map(|i| base + i * 1000).collect();
    produce_at(&cluster, &topic, 0, &stamps);
    let c = consumer(&cluster, &[]);
    let t = topic.as_str();
    let find = |ts: i64| {
        let r = query(&[(t, 0, ts)], |l, out| {
            kf_consumer_offsets_for_times(c, l, 10_000, out)
        });
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].error, 0, "{r:?}");
        r[0].offset
    };
    assert_eq!(find(base - 10_000), 0, "before every message");
    assert_eq!(find(base), 0, "exactly the first");
    assert_eq!(find(base + 2000), 2, "exactly the third");
    assert_eq!(find(base + 2500), 3, "between the third and the fourth");
    assert_eq!(find(base + 4000), 4, "the last");
    assert_eq!(find(base + 60_000), KF_OFFSET_END, "after every message");

    // The consumer reads from the offset found, with the timestamps given.
    assign(c, &[(t, 0, find(base + 2500))]);
    let (m, _) = consume_n(c, 2, Duration::from_secs(30));
    assert_eq!(
        m.iter()
            .map(|m| (m.offset, m.timestamp, m.timestamp_type))
            .collect::<Vec<_>>(),
        vec![
            (3, stamps[3], KF_TIMESTAMP_CREATE_TIME),
            (4, stamps[4], KF_TIMESTAMP_CREATE_TIME)
        ]
    );
    close(c);
}

// ---------------------------------------------------------------------------------------------
// store_offsets
// ---------------------------------------------------------------------------------------------

#[test]
fn store_offsets_then_commit_commits_exactly_the_stored_offsets() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("store");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("a", 5));
        produce_values(&cluster, &topic, 1, &values("b", 5));
        let t = topic.as_str();
        let c = consumer(&cluster, &[("enable.auto.offset.store", "false")]);
        assign(
            c,
            &[(t, 0, KF_OFFSET_BEGINNING), (t, 1, KF_OFFSET_BEGINNING)],
        );
        let msgs = poll_raw(c, 10, Duration::from_secs(30));
        assert_eq!(msgs.len(), 10, "{who}");
        // Consumed everything, stored nothing: nothing to commit.
        assert_eq!(
            err(kf_consumer_commit(c, null(), null(), false, -1, null_mut())).0,
            KF_ERR__NO_OFFSET,
            "{who}"
        );

        // From a message (p0 offset 2 -> 3) and from a list (p1 -> 4).
        let m = *msgs
            .iter()
            .find(|&&m| kf_message_partition(m) == 0 && kf_message_offset(m) == 2)
            .unwrap();
        ok(kf_consumer_store_offsets(c, m, null()));
        let l = tp_list(&[(t, 1, 4)]);
        ok(kf_consumer_store_offsets(c, null(), l));
        kf_topic_partition_list_destroy(l);
        let mut out = null_mut();
        ok(kf_consumer_commit(c, null(), null(), false, -1, &mut out));
        let mut items: Vec<_> = tp_items(out)
            .iter()
            .map(|i| (i.partition, i.offset, i.error))
            .collect();
        kf_topic_partition_list_destroy(out);
        items.sort();
        assert_eq!(
            items,
            vec![(0, 3, 0), (1, 4, 0)],
            "{who}: committed the stored offsets, not the positions"
        );
        let got = committed(c, &[(t, 0, 0), (t, 1, 0)]);
        assert_eq!(
            got.iter().map(|i| i.offset).collect::<Vec<_>>(),
            vec![3, 4],
            "{who}"
        );
        assert_eq!(position(c, &[(t, 0, 0), (t, 1, 0)]), vec![5, 5], "{who}");

        // A partition that is not assigned cannot be stored.
        let l = tp_list(&[(t, 5, 1)]);
        let (code, _) = err(kf_consumer_store_offsets(c, null(), l));
        kf_topic_partition_list_destroy(l);
        assert_eq!(code, KF_ERR__STATE, "{who}");
        // Neither a message nor a list.
        assert_eq!(
            err(kf_consumer_store_offsets(c, null(), null())).0,
            KF_ERR__INVALID_ARG,
            "{who}"
        );
        for m in msgs {
            kf_message_destroy(m);
        }
        close(c);

        // With enable.auto.offset.store=true, storing by hand is refused.
        let c = consumer(&cluster, &[]);
        assign(c, &[(t, 0, KF_OFFSET_BEGINNING)]);
        let l = tp_list(&[(t, 0, 1)]);
        assert_eq!(
            err(kf_consumer_store_offsets(c, null(), l)).0,
            KF_ERR__INVALID_ARG,
            "{who}"
        );
        kf_topic_partition_list_destroy(l);
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// Group metadata, list_topics
// ---------------------------------------------------------------------------------------------

#[test]
fn group_metadata_and_list_topics() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("md");
        cluster.create_topic(&topic, 3);
        let c = consumer(&cluster, &[]);
        let mut cg = null_mut();
        ok(kf_consumer_group_metadata(c, &mut cg));
        assert!(!cg.is_null(), "{who}");
        kf_consumer_group_metadata_destroy(cg);

        let tc = cs(&topic);
        let mut md = null_mut();
        ok(kf_consumer_list_topics(c, tc.as_ptr(), 10_000, &mut md));
        assert_eq!(kf_metadata_topic_count(md), 1, "{who}");
        assert_eq!(text(kf_metadata_topic_name(md, 0)), topic, "{who}");
        assert_eq!(kf_metadata_topic_error_code(md, 0), 0, "{who}");
        assert_eq!(kf_metadata_partition_count(md, 0), 3, "{who}");
        let ids: BTreeSet<i32> = (0..3).map(|p| kf_metadata_partition_id(md, 0, p)).collect();
        assert_eq!(ids, (0..3).collect(), "{who}");
        assert!(kf_metadata_broker_count(md) >= 1, "{who}");
        kf_metadata_destroy(md);

        let mut md = null_mut();
        ok(kf_consumer_list_topics(c, null(), 10_000, &mut md));
        let names: BTreeSet<String> = (0..kf_metadata_topic_count(md))
            .map(|i| text(kf_metadata_topic_name(md, i)))
            .collect();
        assert!(names.contains(&topic), "{who}: all topics include {topic}");
        kf_metadata_destroy(md);
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// Partition EOF
// ---------------------------------------------------------------------------------------------

#[test]
fn partition_eof_event_at_the_end_of_each_partition() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("eof");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("v", 3));
        let c = consumer(&cluster, &[("enable.partition.eof", "true")]);
        let t = topic.as_str();
        assign(
            c,
            &[(t, 0, KF_OFFSET_BEGINNING), (t, 1, KF_OFFSET_BEGINNING)],
        );
        let mut data = Vec::new();
        let mut eofs = BTreeMap::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while eofs.len() < 2 && Instant::now() < deadline {
            let mut m = null_mut();
            ok(kf_consumer_poll(c, 200, &mut m));
            if m.is_null() {
                continue;
            }
            let code = kf_message_error_code(m);
            if code == 0 {
                data.push(kf_message_offset(m));
            } else {
                assert_eq!(code, KF_ERR__PARTITION_EOF, "{who}");
                let e = kf_message_error(m);
                assert_eq!(text(kf_error_name(e)), "_PARTITION_EOF", "{who}");
                assert_eq!(kf_error_code(e), KF_ERR__PARTITION_EOF);
                kf_error_destroy(e);
                assert_eq!(text(kf_message_topic(m)), topic, "{who}");
                eofs.insert(kf_message_partition(m), kf_message_offset(m));
            }
            kf_message_destroy(m);
        }
        assert_eq!(data, vec![0, 1, 2], "{who}");
        assert_eq!(
            eofs,
            BTreeMap::from([(0, 3), (1, 0)]),
            "{who}: EOF at the end of each partition"
        );

        // New messages, then a new EOF at the new end.
        produce_values(&cluster, &topic, 1, &values("w", 2));
        let mut seq = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while seq.len() < 3 && Instant::now() < deadline {
            let (mut m, mut e) = (Vec::new(), Vec::new());
            let mut raw = null_mut();
            ok(kf_consumer_poll(c, 200, &mut raw));
            if raw.is_null() {
                continue;
            }
            let msg = Msg::from_c(raw);
            kf_message_destroy(raw);
            if msg.error == 0 {
                m.push(msg)
            } else {
                e.push(msg)
            }
            seq.extend(m.into_iter().map(|m| (m.partition, m.offset, 0)));
            seq.extend(e.into_iter().map(|m| (m.partition, m.offset, m.error)));
        }
        assert_eq!(
            seq,
            vec![(1, 0, 0), (1, 1, 0), (1, 2, KF_ERR__PARTITION_EOF)],
            "{who}"
        );
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// Batch consume
// ---------------------------------------------------------------------------------------------

/// kf_consumer_consume into a Vec of owned messages.
fn consume_batch(c: *mut kf_consumer_t, max: usize, timeout_ms: i32) -> (Vec<Msg>, Duration) {
    let mut slots = vec![null_mut(); max];
    let mut n = usize::MAX;
    let t = Instant::now();
    ok(kf_consumer_consume(
        c,
        slots.as_mut_ptr(),
        max,
        timeout_ms,
        &mut n,
    ));
    let took = t.elapsed();
    assert!(n <= max);
    let msgs = slots[..n]
        .iter()
        .map(|&m| {
            assert!(!m.is_null());
            let msg = Msg::from_c(m);
            kf_message_destroy(m);
            msg
        })
        .collect();
    (msgs, took)
}

#[test]
fn consume_batch_returns_up_to_n_and_respects_the_timeout() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("batch");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &values("v", 25));
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);

        let (a, _) = consume_batch(c, 10, 30_000);
        assert_eq!(
            a.iter().map(|m| m.offset).collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>(),
            "{who}"
        );
        let (b, _) = consume_batch(c, 10, 30_000);
        assert_eq!(
            b.iter().map(|m| m.offset).collect::<Vec<_>>(),
            (10..20).collect::<Vec<_>>(),
            "{who}"
        );
        assert_eq!(b[0].value.as_deref(), Some(&b"v-10"[..]), "{who}");
        // Only 5 left: they come back once the timeout has passed.
        let (rest, took) = consume_batch(c, 10, 1000);
        assert_eq!(
            rest.iter().map(|m| m.offset).collect::<Vec<_>>(),
            (20..25).collect::<Vec<_>>(),
            "{who}"
        );
        assert!(
            took >= Duration::from_millis(900) && took < Duration::from_secs(3),
            "{who}: took {took:?}"
        );
        // Nothing left: empty after the timeout.
        let (none, took) = consume_batch(c, 10, 500);
        assert!(none.is_empty(), "{who}");
        assert!(
            took >= Duration::from_millis(450) && took < Duration::from_secs(3),
            "{who}: took {took:?}"
        );
        // max_messages 0 and timeout 0 return at once.
        let mut n = 7;
        ok(kf_consumer_consume(c, null_mut(), 0, 5000, &mut n));
        assert_eq!(n, 0);
        let (none, took) = consume_batch(c, 10, 0);
        assert!(
            none.is_empty() && took < Duration::from_millis(500),
            "{who}: took {took:?}"
        );
        close(c);
    }
}

/// kf_consumer_consume stores the offset after each message it returns (so a commit of the
/// current offsets commits exactly what was received), and nothing with
/// enable.auto.offset.store=false.
#[test]
fn consume_stores_what_it_returns_unless_auto_offset_store_is_off() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("cstore");
        cluster.create_topic(&topic, 2);
        produce_values(&cluster, &topic, 0, &values("a", 5));
        produce_values(&cluster, &topic, 1, &values("b", 5));
        let t = topic.as_str();
        for store in [true, false] {
            let props: &[(&str, &str)] = if store {
                &[]
            } else {
                &[("enable.auto.offset.store", "false")]
            };
            let c = consumer(&cluster, props);
            assign(
                c,
                &[(t, 0, KF_OFFSET_BEGINNING), (t, 1, KF_OFFSET_BEGINNING)],
            );
            let mut got: Vec<Msg> = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(30);
            while got.len() < 7 && Instant::now() < deadline {
                let (b, _) = consume_batch(c, 7 - got.len(), 1000);
                got.extend(b);
            }
            assert_eq!(got.len(), 7, "{who}");
            let mut next = [0i64; 2];
            for m in &got {
                next[m.partition as usize] = next[m.partition as usize].max(m.offset + 1);
            }
            let res = kf_consumer_commit(c, null(), null(), false, -1, null_mut());
            if store {
                ok(res);
                let got = committed(c, &[(t, 0, 0), (t, 1, 0)]);
                assert_eq!(
                    got.iter().map(|i| i.offset).collect::<Vec<_>>(),
                    next.to_vec(),
                    "{who}: committed the offsets after the messages returned"
                );
            } else {
                assert_eq!(err(res).0, KF_ERR__NO_OFFSET, "{who}: nothing was stored");
            }
            close(c);
        }
    }
}

/// librdkafka #4844: batch consumption with auto-commit must never commit past what the
/// application received. Consume K messages in batches, close, and a new member of the group
/// resumes exactly after them.
#[test]
fn auto_commit_with_batches_never_commits_past_received_4844() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("b4844");
        cluster.create_topic(&topic, 3);
        for p in 0..3 {
            produce_values(&cluster, &topic, p, &values(&format!("p{p}"), 300));
        }
        let group = unique("g-4844");
        let mut props = classic_session_props(&cluster);
        props.extend([
            ("enable.auto.commit", "true"),
            ("auto.commit.interval.ms", "50"),
            ("fetch.wait.max.ms", "50"),
        ]);
        let c = consumer_in(&cluster, &group, &props, None);
        subscribe(c, &topic);
        const K: usize = 437;
        const N: usize = 64;
        let mut first: Vec<Msg> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while first.len() < K {
            assert!(
                Instant::now() < deadline,
                "{who}: only {} of {K} messages",
                first.len()
            );
            let (b, _) = consume_batch(c, N.min(K - first.len()), 1000);
            first.extend(b);
        }
        assert_eq!(first.len(), K);
        // Let several auto-commits run (they must commit only what was received), then close.
        std::thread::sleep(Duration::from_millis(500));
        close(c);

        let mut next = [0i64; 3];
        for m in &first {
            assert_eq!(
                m.offset, next[m.partition as usize],
                "{who}: partition {} out of order",
                m.partition
            );
            next[m.partition as usize] += 1;
        }
        let c = consumer_in(&cluster, &group, &props, None);
        let t = topic.as_str();
        let got = committed(c, &[(t, 0, 0), (t, 1, 0), (t, 2, 0)]);
        let want: Vec<i64> = next
            .iter()
            .map(|&n| if n == 0 { KF_OFFSET_INVALID } else { n })
            .collect();
        assert_eq!(
            got.iter().map(|i| i.offset).collect::<Vec<_>>(),
            want,
            "{who}: committed offsets"
        );

        subscribe(c, &topic);
        let mut second: Vec<Msg> = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while second.len() < 900 - K {
            assert!(
                Instant::now() < deadline,
                "{who}: only {} of {} messages",
                second.len(),
                900 - K
            );
            let (b, _) = consume_batch(c, N, 1000);
            second.extend(b);
        }
        let (extra, _) = consume_batch(c, N, 500);
        assert!(extra.is_empty(), "{who}: {} messages twice", extra.len());
        for p in 0..3 {
            let offs: Vec<i64> = second
                .iter()
                .filter(|m| m.partition == p)
                .map(|m| m.offset)
                .collect();
            assert_eq!(
                offs,
                (next[p as usize]..300).collect::<Vec<_>>(),
                "{who}: partition {p} resumes at {}",
                next[p as usize]
            );
        }
        close(c);
    }
}

// ---------------------------------------------------------------------------------------------
// Wake-up and the event fd
// ---------------------------------------------------------------------------------------------

struct SendConsumer(*mut kf_consumer_t);
unsafe impl Send for SendConsumer {}

#[test]
fn wake_interrupts_blocking_poll_and_consume() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("wake");
        cluster.create_topic(&topic, 1);
        let c = consumer(&cluster, &[]);
        assign(c, &[(&topic, 0, KF_OFFSET_END)]);
        for consume in [false, true] {
            let sc = SendConsumer(c);
            let h = std::thread::spawn(move || {
                let sc = sc;
                let t = Instant::now();
                let e = if consume {
                    let mut slots = [null_mut(); 8];
                    let mut n = 0;
                    kf_consumer_consume(sc.0, slots.as_mut_ptr(), 8, -1, &mut n)
                } else {
                    let mut m = null_mut();
                    kf_consumer_poll(sc.0, -1, &mut m)
                };
                (
                    kf_error_code(e),
                    {
                        kf_error_destroy(e);
                        Instant::now()
                    },
                    t,
                )
            });
            std::thread::sleep(Duration::from_millis(500));
            let woke = Instant::now();
            ok(kf_consumer_wake(c));
            let (code, returned, started) = h.join().unwrap();
            assert_eq!(code, KF_ERR__INTR, "{who}: consume={consume}");
            assert!(
                returned.duration_since(started) >= Duration::from_millis(400),
                "{who}: returned before the wake-up"
            );
            assert!(
                returned.duration_since(woke) < Duration::from_secs(1),
                "{who}: consume={consume}: took {:?}",
                returned.duration_since(woke)
            );
        }
        // A wake-up with nothing blocked makes the next call return KF_ERR__INTR at once, once.
        ok(kf_consumer_wake(c));
        let mut m = null_mut();
        assert_eq!(
            err(kf_consumer_poll(c, 5000, &mut m)).0,
            KF_ERR__INTR,
            "{who}"
        );
        let t = Instant::now();
        ok(kf_consumer_poll(c, 200, &mut m));
        assert!(
            m.is_null() && t.elapsed() >= Duration::from_millis(150),
            "{who}"
        );
        close(c);
    }
}

#[test]
fn event_fd_becomes_readable_when_a_message_is_available() {
    for cluster in Cluster::both() {
        let who = cluster.name();
        let topic = unique("evfd");
        cluster.create_topic(&topic, 1);
        let c = consumer(&cluster, &[]);
        let mut fd = -1;
        ok(kf_consumer_event_fd(c, &mut fd));
        assert!(fd >= 0);
        let mut fd2 = -1;
        ok(kf_consumer_event_fd(c, &mut fd2));
        assert_eq!(fd, fd2, "{who}: the same descriptor every time");
        assign(c, &[(&topic, 0, KF_OFFSET_BEGINNING)]);
        produce_values(&cluster, &topic, 0, &[b"wake me".to_vec()]);

        // An event loop: wait for the fd, drain it, poll without blocking.
        let mut got = Vec::new();
        let mut wakeups = 0;
        let deadline = Instant::now() + Duration::from_secs(30);
        while got.is_empty() {
            assert!(
                Instant::now() < deadline,
                "{who}: no message through the event fd"
            );
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let r = unsafe { libc::poll(&mut pfd, 1, 10_000) };
            if r <= 0 {
                continue;
            }
            wakeups += 1;
            let mut buf = [0u8; 64];
            while unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) } > 0 {}
            loop {
                let mut m = null_mut();
                ok(kf_consumer_poll(c, 0, &mut m));
                if m.is_null() {
                    break;
                }
                let msg = Msg::from_c(m);
                kf_message_destroy(m);
                if msg.error == 0 {
                    got.push(msg);
                }
            }
        }
        assert!(wakeups >= 1);
        assert_eq!(got.len(), 1, "{who}");
        assert_eq!(got[0].value.as_deref(), Some(&b"wake me"[..]), "{who}");
        close(c);
    }
}
