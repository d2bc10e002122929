//! ABI misuse that must fail with a clear error, never crash or deadlock: every call on a
//! closed consumer, and poll / consume / close / destroy on a client from inside that client's
//! own callbacks (admin result callbacks, commit callbacks, the serializing and deserializing
//! clients). Producer delivery and stats callbacks and consumer rebalance callbacks are covered
//! by tests/callbacks.rs and tests/c/test_callbacks_thread.c; fork() by tests/c/test_fork.c; NULL
//! arguments by the generated tests/abi test.
mod common;
use common::*;
use std::collections::BTreeSet;
use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The error code of a call, freeing the error (0 on success).
fn code(e: *mut kf_error_t) -> i32 {
    let c = kf_error_code(e);
    kf_error_destroy(e);
    c
}

/// Every kf_consumer_ function of the header that takes the consumer as its first argument
/// (from include/kafkaffi.abi.json, the header's description).
fn header_consumer_functions() -> BTreeSet<String> {
    let abi: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/include/kafkaffi.abi.json"
        ))
        .expect("read include/kafkaffi.abi.json"),
    )
    .expect("include/kafkaffi.abi.json is JSON");
    let mut names = BTreeSet::new();
    for f in abi["functions"].as_array().expect("functions") {
        let name = f["name"].as_str().unwrap_or("");
        let first = &f["params"][0];
        if name.starts_with("kf_consumer_")
            && first["name"] == "consumer"
            && first["type"]["c"] == "kf_consumer_t *"
        {
            names.insert(name.to_string());
        }
    }
    assert!(names.len() > 20, "found only {names:?}");
    names
}

#[test]
fn every_call_on_a_closed_consumer_fails_with_state() {
    for cluster in Cluster::both() {
        let topic = unique("misuse-closed");
        let group = unique("misuse-closed-g");
        cluster.create_topic(&topic, 1);
        produce_values(&cluster, &topic, 0, &[b"one".to_vec()]);
        let conf = cluster.config(&[
            ("group.id", &group),
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ]);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        let tpl = tp_list(&[(&topic, 0, 0)]);
        ok(kf_consumer_assign(c, tpl));
        // A message consumed before the close, for commit and store_offsets afterwards.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut msg: *mut kf_message_t = null_mut();
        while msg.is_null() && Instant::now() < deadline {
            let mut m = null_mut();
            ok(kf_consumer_poll(c, 200, &mut m));
            if !m.is_null() && kf_message_error_code(m) == 0 {
                msg = m;
            } else {
                kf_message_destroy(m);
            }
        }
        assert!(!msg.is_null(), "{}: no message consumed", cluster.name());
        ok(kf_consumer_close(c, -1));

        let t = cs(&topic);
        let topics = [t.as_ptr()];
        let mut out_list = null_mut();
        let mut m = null_mut();
        let mut msgs = [null_mut(); 4];
        let mut n = 0usize;
        let (mut lo, mut hi) = (0i64, 0i64);
        let mut s = null_mut();
        let mut md = null_mut();
        let mut cgmd = null_mut();
        let mut fd = -1;
        let mut batch = null_mut();
        let calls: Vec<(&str, *mut kf_error_t)> = vec![
            (
                "kf_consumer_subscribe",
                kf_consumer_subscribe(c, topics.as_ptr(), 1, null()),
            ),
            ("kf_consumer_unsubscribe", kf_consumer_unsubscribe(c)),
            ("kf_consumer_assign", kf_consumer_assign(c, tpl)),
            ("kf_consumer_unassign", kf_consumer_unassign(c)),
            (
                "kf_consumer_incremental_assign",
                kf_consumer_incremental_assign(c, tpl),
            ),
            (
                "kf_consumer_incremental_unassign",
                kf_consumer_incremental_unassign(c, tpl),
            ),
            (
                "kf_consumer_assignment",
                kf_consumer_assignment(c, &mut out_list),
            ),
            ("kf_consumer_poll", kf_consumer_poll(c, 100, &mut m)),
            (
                "kf_consumer_consume",
                kf_consumer_consume(c, msgs.as_mut_ptr(), 4, 100, &mut n),
            ),
            (
                "kf_consumer_consume_batch",
                kf_consumer_consume_batch(c, 4, 100, 0, &mut batch),
            ),
            (
                "kf_consumer_store_message",
                kf_consumer_store_message(c, msg),
            ),
            (
                "kf_consumer_commit",
                kf_consumer_commit(c, msg, null(), false, -1, null_mut()),
            ),
            (
                "kf_consumer_committed",
                kf_consumer_committed(c, tpl, 1000, &mut out_list),
            ),
            (
                "kf_consumer_position",
                kf_consumer_position(c, tpl, &mut out_list),
            ),
            (
                "kf_consumer_offsets_for_times",
                kf_consumer_offsets_for_times(c, tpl, 1000, &mut out_list),
            ),
            ("kf_consumer_seek", kf_consumer_seek(c, tpl, 1000)),
            ("kf_consumer_pause", kf_consumer_pause(c, tpl)),
            ("kf_consumer_resume", kf_consumer_resume(c, tpl)),
            (
                "kf_consumer_get_watermark_offsets",
                kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 1000, false, &mut lo, &mut hi),
            ),
            (
                "kf_consumer_store_offsets",
                kf_consumer_store_offsets(c, msg, null()),
            ),
            ("kf_consumer_memberid", kf_consumer_memberid(c, &mut s)),
            (
                "kf_consumer_group_metadata",
                kf_consumer_group_metadata(c, &mut cgmd),
            ),
            (
                "kf_consumer_list_topics",
                kf_consumer_list_topics(c, t.as_ptr(), 1000, &mut md),
            ),
            ("kf_consumer_event_fd", kf_consumer_event_fd(c, &mut fd)),
            (
                "kf_consumer_cluster_id",
                kf_consumer_cluster_id(c, 1000, &mut s),
            ),
            (
                "kf_consumer_controller_id",
                kf_consumer_controller_id(c, 1000, &mut fd),
            ),
            (
                "kf_consumer_set_sasl_credentials",
                kf_consumer_set_sasl_credentials(c, t.as_ptr(), t.as_ptr()),
            ),
        ];
        let mut tested: BTreeSet<String> = calls.iter().map(|(f, _)| f.to_string()).collect();
        for (f, e) in calls {
            let (code, text) = err(e);
            assert_eq!(
                code,
                KF_ERR__STATE,
                "{}: {f} after close: {text}",
                cluster.name()
            );
            assert!(
                text.contains(f) && text.contains("closed"),
                "{}: {f}: the message names neither the call nor the closed consumer: {text}",
                cluster.name()
            );
        }
        assert!(m.is_null() && n == 0 && out_list.is_null() && s.is_null() && md.is_null());
        assert!(cgmd.is_null() && fd == -1, "no _out written after close");
        assert!(batch.is_null(), "no batch written after close");
        // The documented no-ops: closing twice (as in the Python client) and waking (nothing
        // to wake); then destroy.
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_close_begin(c));
        assert!(kf_consumer_close_done(c), "closed: close_done says so");
        ok(kf_consumer_wake(c));
        // The accessors still answer: no group any more, nothing lost.
        assert!(!kf_consumer_assignment_lost(c));
        assert!([
            KF_REBALANCE_PROTOCOL_NONE,
            KF_REBALANCE_PROTOCOL_EAGER,
            KF_REBALANCE_PROTOCOL_COOPERATIVE
        ]
        .contains(&kf_consumer_rebalance_protocol(c)));
        tested.extend(
            [
                "kf_consumer_close",
                "kf_consumer_close_begin",
                "kf_consumer_wake",
                "kf_consumer_assignment_lost",
                "kf_consumer_rebalance_protocol",
                "kf_consumer_destroy",
            ]
            .map(String::from),
        );
        // Every consumer call of the header is covered here.
        let missing: Vec<_> = header_consumer_functions()
            .difference(&tested)
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "consumer calls not tested after close: {missing:?}"
        );
        kf_message_destroy(msg);
        kf_topic_partition_list_destroy(tpl);
        ok(kf_consumer_destroy(c));
    }
}

#[test]
fn a_closed_deserializing_consumer_fails_with_state() {
    let cluster = Cluster::mock(1);
    let conf = cluster.config(&[("group.id", &unique("misuse-dc"))]);
    let mut e = null_mut();
    let dc = kf_deserializing_consumer_new(conf, null(), null(), &mut e);
    ok(e);
    kf_config_destroy(conf);
    ok(kf_consumer_close(
        kf_deserializing_consumer_consumer(dc),
        -1,
    ));
    let mut m = null_mut();
    let (c, text) = err(kf_deserializing_consumer_poll(dc, 100, &mut m));
    assert_eq!(c, KF_ERR__STATE, "{text}");
    assert!(text.contains("closed"), "{text}");
    assert!(m.is_null());
    ok(kf_deserializing_consumer_destroy(dc));
}

/// What a consumer's commit callback saw when it called its own consumer.
#[derive(Default)]
struct Reentry {
    client: Mutex<usize>,
    codes: Mutex<Vec<(&'static str, i32)>>,
}

unsafe extern "C" fn commit_reenters(
    opaque: *mut c_void,
    _err: *const kf_error_t,
    _offsets: *const kf_topic_partition_list_t,
) {
    let st = &*(opaque as *const Reentry);
    let c = *st.client.lock().unwrap() as *mut kf_consumer_t;
    if c.is_null() {
        return;
    }
    let mut m = null_mut();
    let mut msgs = [null_mut(); 2];
    let mut n = 0;
    let mut r = st.codes.lock().unwrap();
    r.push(("kf_consumer_poll", code(kf_consumer_poll(c, 0, &mut m))));
    r.push((
        "kf_consumer_consume",
        code(kf_consumer_consume(c, msgs.as_mut_ptr(), 2, 0, &mut n)),
    ));
    let mut batch = null_mut();
    r.push((
        "kf_consumer_consume_batch",
        code(kf_consumer_consume_batch(c, 2, 0, 0, &mut batch)),
    ));
    r.push(("kf_consumer_close", code(kf_consumer_close(c, -1))));
    r.push(("kf_consumer_destroy", code(kf_consumer_destroy(c))));
}

#[test]
fn consumer_poll_consume_close_destroy_inside_its_commit_callback_fail_with_state() {
    for cluster in Cluster::both() {
        let topic = unique("misuse-commit-cb");
        cluster.create_topic(&topic, 1);
        let st = Reentry::default();
        let conf = cluster.config(&[("group.id", &unique("misuse-commit-g"))]);
        ok(kf_config_set_commit_cb(
            conf,
            Some(commit_reenters),
            &st as *const Reentry as *mut c_void,
            None,
        ));
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        *st.client.lock().unwrap() = c as usize;
        let offsets = tp_list(&[(&topic, 0, 0)]);
        ok(kf_consumer_commit(c, null(), offsets, true, -1, null_mut()));
        kf_topic_partition_list_destroy(offsets);
        let deadline = Instant::now() + Duration::from_secs(20);
        while st.codes.lock().unwrap().is_empty() && Instant::now() < deadline {
            let mut m = null_mut();
            ok(kf_consumer_poll(c, 100, &mut m));
            kf_message_destroy(m);
        }
        *st.client.lock().unwrap() = 0;
        let codes = st.codes.lock().unwrap().clone();
        assert_eq!(
            codes.len(),
            5,
            "{}: the commit callback never ran",
            cluster.name()
        );
        for (f, code) in codes {
            assert_eq!(
                code,
                KF_ERR__STATE,
                "{}: {f} inside on_commit",
                cluster.name()
            );
        }
        // The consumer survived: it still polls, then closes and is destroyed normally.
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 0, &mut m));
        kf_message_destroy(m);
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_destroy(c));
    }
}

struct AdminReentry {
    admin: *mut kf_admin_t,
    codes: Mutex<Vec<(&'static str, i32)>>,
}

unsafe extern "C" fn admin_result_reenters(opaque: *mut c_void, result: *mut kf_admin_result_t) {
    let st = &*(opaque as *const AdminReentry);
    let mut served = 0;
    let mut r = st.codes.lock().unwrap();
    r.push((
        "kf_admin_poll",
        code(kf_admin_poll(st.admin, 0, &mut served)),
    ));
    r.push(("kf_admin_destroy", code(kf_admin_destroy(st.admin))));
    kafkaffi::ffi::result::kf_admin_result_destroy(result); // handed over to the callback
}

#[test]
fn admin_poll_and_destroy_inside_its_result_callback_fail_with_state() {
    for cluster in Cluster::both() {
        let conf = cluster.config(&[]);
        let mut e = null_mut();
        let a = kf_admin_new(conf, &mut e);
        ok(e);
        kf_config_destroy(conf);
        let st = AdminReentry {
            admin: a,
            codes: Mutex::new(Vec::new()),
        };
        // Any result will do (the mock cluster has no controller: an error result after the
        // request timeout); the callback runs inside kf_admin_poll().
        let opts = kf_admin_options_new();
        ok(kf_admin_options_set_request_timeout(opts, 2000));
        ok(kf_admin_describe_cluster_async(
            a,
            opts,
            Some(admin_result_reenters),
            &st as *const AdminReentry as *mut c_void,
        ));
        kf_admin_options_destroy(opts);
        let deadline = Instant::now() + Duration::from_secs(20);
        while st.codes.lock().unwrap().is_empty() && Instant::now() < deadline {
            ok(kf_admin_poll(a, 100, null_mut()));
        }
        let codes = st.codes.lock().unwrap().clone();
        assert_eq!(
            codes.len(),
            2,
            "{}: the result callback never ran",
            cluster.name()
        );
        for (f, code) in codes {
            assert_eq!(
                code,
                KF_ERR__STATE,
                "{}: {f} inside the result callback",
                cluster.name()
            );
        }
        // The admin client survived its callback's destroy attempt.
        let mut md = null_mut();
        ok(kf_admin_list_topics(a, null(), 10000, &mut md));
        kf_metadata_destroy(md);
        ok(kf_admin_destroy(a));
    }
}

struct SerdeReentry {
    producer: *mut kf_serializing_producer_t,
    codes: Mutex<Vec<(&'static str, i32)>>,
}

unsafe extern "C" fn delivery_reenters(
    opaque: *mut c_void,
    _msg: *const kf_message_t,
    _err: *const kf_error_t,
) {
    let st = &*(opaque as *const SerdeReentry);
    let inner = kf_serializing_producer_producer(st.producer);
    let mut r = st.codes.lock().unwrap();
    r.push((
        "kf_producer_poll",
        code(kf_producer_poll(inner, 0, null_mut())),
    ));
    r.push((
        "kf_producer_flush",
        code(kf_producer_flush(inner, 0, null_mut())),
    ));
    r.push((
        "kf_serializing_producer_destroy",
        code(kf_serializing_producer_destroy(st.producer)),
    ));
}

#[test]
fn serializing_producer_flush_and_destroy_inside_its_delivery_callback_fail_with_state() {
    for cluster in Cluster::both() {
        let topic = unique("misuse-sp");
        cluster.create_topic(&topic, 1);
        let conf = cluster.config(&[]);
        let mut e = null_mut();
        let sp = kf_serializing_producer_new(conf, null(), null(), &mut e);
        ok(e);
        kf_config_destroy(conf);
        let st = SerdeReentry {
            producer: sp,
            codes: Mutex::new(Vec::new()),
        };
        let t = cs(&topic);
        ok(kf_serializing_producer_produce(
            sp,
            t.as_ptr(),
            0,
            null(),
            0,
            b"v".as_ptr(),
            1,
            null(),
            0,
            Some(delivery_reenters),
            &st as *const SerdeReentry as *mut c_void,
        ));
        let mut left = 1;
        ok(kf_producer_flush(
            kf_serializing_producer_producer(sp),
            20000,
            &mut left,
        ));
        assert_eq!(left, 0, "{}", cluster.name());
        let codes = st.codes.lock().unwrap().clone();
        assert_eq!(
            codes.len(),
            3,
            "{}: the delivery callback never ran",
            cluster.name()
        );
        for (f, code) in codes {
            assert_eq!(
                code,
                KF_ERR__STATE,
                "{}: {f} inside on_delivery",
                cluster.name()
            );
        }
        ok(kf_serializing_producer_destroy(sp));
    }
}
