//! Invalid arguments (NULL handles, NULL or non-UTF-8 strings, NULL outputs, indexes out of
//! range) to the configuration, producer, transaction, consumer, message, header, partition
//! list, metadata and mock cluster functions. invalid_args_coverage.rs checks that the
//! invalid_args_*.rs files together call every exported function.
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Mutex;

#[test]
fn invalid_args_config() {
    let conf = own(kf_config_new());
    let c = conf.get();
    const S: &str = "kf_config_set";
    inv(
        kf_config_set(null_mut(), cs("a").as_ptr(), cs("b").as_ptr()),
        &[S, "config"],
    );
    inv(kf_config_set(c, null(), cs("b").as_ptr()), &[S, "key"]);
    inv(
        kf_config_set(c, cs("client.id").as_ptr(), null()),
        &[S, "value"],
    );
    inv(
        kf_config_set(c, bad_utf8(), cs("b").as_ptr()),
        &[S, "key", "UTF-8"],
    );
    inv(
        kf_config_set(c, cs("client.id").as_ptr(), bad_utf8()),
        &[S, "value", "UTF-8"],
    );
    const J: &str = "kf_config_set_json";
    inv(
        kf_config_set_json(null_mut(), cs("{}").as_ptr()),
        &[J, "config"],
    );
    inv(kf_config_set_json(c, null()), &[J, "json"]);
    inv(kf_config_set_json(c, bad_utf8()), &[J, "json", "UTF-8"]);
    const G: &str = "kf_config_get";
    let mut out: *mut c_char = null_mut();
    inv(
        kf_config_get(null(), cs("client.id").as_ptr(), &mut out),
        &[G, "config"],
    );
    inv(kf_config_get(c, null(), &mut out), &[G, "key"]);
    inv(kf_config_get(c, bad_utf8(), &mut out), &[G, "key", "UTF-8"]);
    inv(
        kf_config_get(c, cs("client.id").as_ptr(), null_mut()),
        &[G, "value_out"],
    );
    assert!(out.is_null(), "value_out written on failure");
    assert!(kf_config_dup(null()).is_null());
    for (f, e) in [
        (
            "kf_config_set_error_cb",
            kf_config_set_error_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_throttle_cb",
            kf_config_set_throttle_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_stats_cb",
            kf_config_set_stats_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_oauth_cb",
            kf_config_set_oauth_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_delivery_cb",
            kf_config_set_delivery_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_commit_cb",
            kf_config_set_commit_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_log_cb",
            kf_config_set_log_cb(null_mut(), None, null_mut(), None),
        ),
        (
            "kf_config_set_opaque_release_cb",
            kf_config_set_opaque_release_cb(null_mut(), None, null_mut(), None),
        ),
    ] {
        inv(e, &[f, "config"]);
    }
    kf_config_destroy(null_mut());
}

#[test]
fn invalid_args_throttle_event_and_oauth_token_outside_a_callback() {
    assert!(kf_throttle_event_broker_name(null()).is_null());
    assert_eq!(kf_throttle_event_broker_id(null()), -1);
    assert_eq!(kf_throttle_event_throttle_time_ms(null()), -1);
    inv(
        kf_oauth_token_set(
            null_mut(),
            cs("t").as_ptr(),
            0,
            cs("p").as_ptr(),
            null(),
            null(),
            0,
        ),
        &["kf_oauth_token_set", "token"],
    );
    inv(
        kf_oauth_token_fail(null_mut(), cs("r").as_ptr()),
        &["kf_oauth_token_fail", "token"],
    );
}

/// What the oauth_cb below saw: the result of each bad call, by label.
#[derive(Default)]
struct OauthProbe {
    results: Vec<(&'static str, i32, String)>,
}

unsafe extern "C" fn probing_oauth_cb(
    opaque: *mut c_void,
    _config: *const c_char,
    token: *mut kf_oauth_token_t,
) {
    let probe = &mut *(opaque as *mut OauthProbe);
    let mut record = |label: &'static str, e: *mut kf_error_t| {
        let r = if e.is_null() {
            (label, 0, String::new())
        } else {
            let r = (label, kf_error_code(e), text(kf_error_message(e)));
            kf_error_destroy(e);
            r
        };
        probe.results.push(r);
    };
    let future = now_ms() + 60_000;
    let (tok, who) = (c"a.b.".as_ptr(), c"admin".as_ptr());
    let keys = [c"traceId".as_ptr()];
    let vals = [c"x".as_ptr()];
    let null_key = [null::<c_char>()];
    let bad_key = [bad_utf8()];
    record(
        "null token_value",
        kf_oauth_token_set(token, null(), future, who, null(), null(), 0),
    );
    record(
        "bad token_value",
        kf_oauth_token_set(token, bad_utf8(), future, who, null(), null(), 0),
    );
    record(
        "null principal",
        kf_oauth_token_set(token, tok, future, null(), null(), null(), 0),
    );
    record(
        "bad principal",
        kf_oauth_token_set(token, tok, future, bad_utf8(), null(), null(), 0),
    );
    record(
        "null keys",
        kf_oauth_token_set(token, tok, future, who, null(), vals.as_ptr(), 1),
    );
    record(
        "null values",
        kf_oauth_token_set(token, tok, future, who, keys.as_ptr(), null(), 1),
    );
    record(
        "null key",
        kf_oauth_token_set(token, tok, future, who, null_key.as_ptr(), vals.as_ptr(), 1),
    );
    record(
        "bad key",
        kf_oauth_token_set(token, tok, future, who, bad_key.as_ptr(), vals.as_ptr(), 1),
    );
    record("null reason", kf_oauth_token_fail(token, null()));
    record("bad reason", kf_oauth_token_fail(token, bad_utf8()));
    // librdkafka refuses an expired token and a reserved extension name; the message says why.
    record(
        "expired",
        kf_oauth_token_set(token, tok, now_ms() - 1000, who, null(), null(), 0),
    );
    let auth = [c"auth".as_ptr()];
    record(
        "reserved extension",
        kf_oauth_token_set(token, tok, future, who, auth.as_ptr(), vals.as_ptr(), 1),
    );
    // Finally a valid answer.
    record(
        "valid",
        kf_oauth_token_set(token, tok, future, who, keys.as_ptr(), vals.as_ptr(), 1),
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn invalid_args_oauth_token_inside_the_callback() {
    let mut probe = OauthProbe::default();
    let c = config(&[
        ("bootstrap.servers", "127.0.0.1:1"),
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "OAUTHBEARER"),
    ]);
    ok(kf_config_set_oauth_cb(
        c.get(),
        Some(probing_oauth_cb),
        &mut probe as *mut OauthProbe as *mut c_void,
        None,
    ));
    // The first token is asked for while the producer is created.
    ok(own(new_producer(c.get())).destroy());
    drop(c);
    let by = |label: &str| {
        probe
            .results
            .iter()
            .find(|r| r.0 == label)
            .unwrap_or_else(|| panic!("{label} not called: oauth_cb did not run?"))
            .clone()
    };
    for (label, needle) in [
        ("null token_value", "token_value"),
        ("bad token_value", "token_value"),
        ("null principal", "principal"),
        ("bad principal", "principal"),
        ("null keys", "extension_keys"),
        ("null values", "extension_values"),
        ("null key", "extension key"),
        ("bad key", "extension key"),
        ("null reason", "reason"),
        ("bad reason", "reason"),
    ] {
        let (_, code, msg) = by(label);
        assert_eq!(code, KF_ERR__INVALID_ARG, "{label}: {msg}");
        assert!(
            msg.contains(needle),
            "{label}: {msg:?} does not name {needle}"
        );
    }
    for label in ["expired", "reserved extension"] {
        let (_, code, msg) = by(label);
        assert_ne!(code, 0, "{label} accepted");
        assert!(!msg.is_empty(), "{label}");
    }
    assert_eq!(by("valid").1, 0, "valid token refused: {}", by("valid").2);
}

#[test]
fn invalid_args_producer() {
    let cluster = Cluster::mock(1);
    let producer = cluster.producer(&[]);
    let p = producer.get();

    let mut e = null_mut();
    assert!(kf_producer_new(null(), &mut e).is_null());
    inv(e, &["kf_producer_new", "config"]);
    assert!(kf_producer_new(null(), null_mut()).is_null());
    ok(kf_producer_destroy(null_mut()));

    const P: &str = "kf_producer_produce";
    let t = cs("t");
    let produce = |p, topic, key: *const u8, klen, val: *const u8, vlen| {
        kf_producer_produce(
            p,
            topic,
            KF_PARTITION_UA,
            key,
            klen,
            val,
            vlen,
            null(),
            0,
            None,
            null_mut(),
        )
    };
    inv(
        produce(null_mut(), t.as_ptr(), null(), 0, null(), 0),
        &[P, "producer"],
    );
    inv(produce(p, null(), null(), 0, null(), 0), &[P, "topic"]);
    inv(
        produce(p, bad_utf8(), null(), 0, null(), 0),
        &[P, "topic", "UTF-8"],
    );
    inv(produce(p, t.as_ptr(), null(), 3, null(), 0), &[P, "key"]);
    inv(produce(p, t.as_ptr(), null(), 0, null(), 3), &[P, "value"]);
    assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

    // Zero-copy: every refused call leaves the value with the caller (free_value not run).
    const Z: &str = "kf_producer_produce_zerocopy";
    let released = counter();
    let mut buf = *b"zero";
    let zc = |p, topic, key: *const u8, klen, val: *mut u8, vlen, free: kf_release_fn| {
        kf_producer_produce_zerocopy(
            p,
            topic,
            KF_PARTITION_UA,
            key,
            klen,
            val,
            vlen,
            free,
            as_opaque(released),
            null(),
            0,
            None,
            null_mut(),
        )
    };
    let v = buf.as_mut_ptr();
    inv(
        zc(null_mut(), t.as_ptr(), null(), 0, v, 4, Some(count_release)),
        &[Z, "producer"],
    );
    inv(
        zc(p, null(), null(), 0, v, 4, Some(count_release)),
        &[Z, "topic"],
    );
    inv(
        zc(p, bad_utf8(), null(), 0, v, 4, Some(count_release)),
        &[Z, "topic", "UTF-8"],
    );
    inv(zc(p, t.as_ptr(), null(), 0, v, 4, None), &[Z, "free_value"]);
    inv(
        zc(p, t.as_ptr(), null(), 2, v, 4, Some(count_release)),
        &[Z, "key"],
    );
    inv(
        zc(p, t.as_ptr(), null(), 0, null_mut(), 4, Some(count_release)),
        &[Z, "value"],
    );
    assert_eq!(
        released.calls.load(SeqCst),
        0,
        "free_value ran for a refused message"
    );
    assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

    const B: &str = "kf_producer_produce_batch";
    let mut n = 99usize;
    inv(
        kf_producer_produce_batch(null_mut(), null_mut(), 0, &mut n),
        &[B, "producer"],
    );
    inv(
        kf_producer_produce_batch(p, null_mut(), 2, &mut n),
        &[B, "messages"],
    );
    let msg = |topic: *const c_char, value: *const u8, len: usize| kf_produce_message_t {
        size: std::mem::size_of::<kf_produce_message_t>(),
        topic,
        partition: KF_PARTITION_UA,
        key: null(),
        key_len: 0,
        value,
        value_len: len,
        headers: null(),
        header_count: 0,
        timestamp_ms: 0,
        opaque: null_mut(),
        on_delivery: None,
        free_value: None,
        free_opaque: null_mut(),
        err: 12345,
    };
    let mut batch = [
        msg(null(), null(), 0),
        msg(bad_utf8(), null(), 0),
        msg(t.as_ptr(), null(), 5),
    ];
    ok(kf_producer_produce_batch(
        p,
        batch.as_mut_ptr(),
        batch.len(),
        &mut n,
    ));
    assert_eq!(n, 0);
    assert!(
        batch.iter().all(|m| m.err == KF_ERR__INVALID_ARG),
        "{:?}",
        batch.iter().map(|m| m.err).collect::<Vec<_>>()
    );
    // Every element must have the first one's size (the array's stride); nothing is enqueued.
    let mut mixed = [msg(t.as_ptr(), null(), 0), msg(t.as_ptr(), null(), 0)];
    mixed[1].size -= 8;
    inv(
        kf_producer_produce_batch(p, mixed.as_mut_ptr(), mixed.len(), &mut n),
        &[B, "messages[1].size", "same size"],
    );
    assert_eq!(
        kf_producer_len(p),
        0,
        "a message of a refused batch was enqueued"
    );

    inv(
        kf_producer_poll(null_mut(), 0, null_mut()),
        &["kf_producer_poll", "producer"],
    );
    inv(
        kf_producer_flush(null_mut(), 0, null_mut()),
        &["kf_producer_flush", "producer"],
    );
    inv(
        kf_producer_purge(null_mut(), true, true, false),
        &["kf_producer_purge", "producer"],
    );
    assert_eq!(kf_producer_len(null()), 0);

    const L: &str = "kf_producer_list_topics";
    let mut md = null_mut();
    inv(
        kf_producer_list_topics(null_mut(), null(), 100, &mut md),
        &[L, "producer"],
    );
    inv(
        kf_producer_list_topics(p, bad_utf8(), 100, &mut md),
        &[L, "topic", "UTF-8"],
    );
    inv(
        kf_producer_list_topics(p, null(), 100, null_mut()),
        &[L, "metadata_out"],
    );
    assert!(md.is_null());

    const S: &str = "kf_producer_set_sasl_credentials";
    let (u, pw) = (cs("u"), cs("p"));
    inv(
        kf_producer_set_sasl_credentials(null_mut(), u.as_ptr(), pw.as_ptr()),
        &[S, "producer"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, null(), pw.as_ptr()),
        &[S, "username"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, u.as_ptr(), null()),
        &[S, "password"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, bad_utf8(), pw.as_ptr()),
        &[S, "username", "UTF-8"],
    );
    inv(
        kf_producer_set_sasl_credentials(p, u.as_ptr(), bad_utf8()),
        &[S, "password", "UTF-8"],
    );

    let mut fd: c_int = -7;
    inv(
        kf_producer_event_fd(null_mut(), &mut fd),
        &["kf_producer_event_fd", "producer"],
    );
    inv(
        kf_producer_event_fd(p, null_mut()),
        &["kf_producer_event_fd", "fd_out"],
    );
    assert_eq!(fd, -7);
    inv(
        kf_producer_wake(null_mut()),
        &["kf_producer_wake", "producer"],
    );
    inv(
        kf_producer_flush_begin(null_mut()),
        &["kf_producer_flush_begin", "producer"],
    );
    assert!(!kf_producer_flush_done(null()), "NULL producer: false");
    assert!(kf_producer_fatal_error(null()).is_null());

    // The producer still works after all that.
    let mut remaining = 1;
    ok(kf_producer_flush(p, 1000, &mut remaining));
    assert_eq!(remaining, 0);
}

#[test]
fn invalid_args_transactions() {
    use kafkaffi::ffi::*;
    let cluster = Cluster::mock(1);
    let producer = cluster.producer(&[("transactional.id", &unique("inv-txn"))]);
    let p = producer.get();
    let consumer = cluster.consumer(&[("group.id", "inv-txn-group")]);
    let mut g = null_mut();
    ok(kf_consumer_group_metadata(consumer.get(), &mut g));
    let group_metadata = own(g);
    let offsets = own(tp_list(&[("t", 0, 5)]));
    let (g, l) = (group_metadata.get(), offsets.get());
    let n = null_mut::<kf_producer_t>();

    inv(
        kf_producer_init_transactions(n, 1000),
        &["kf_producer_init_transactions", "producer"],
    );
    inv(
        kf_producer_begin_transaction(n),
        &["kf_producer_begin_transaction", "producer"],
    );
    const SO: &str = "kf_producer_send_offsets_to_transaction";
    inv(
        kf_producer_send_offsets_to_transaction(n, l, g, 1000),
        &[SO, "producer"],
    );
    inv(
        kf_producer_send_offsets_to_transaction(p, null(), g, 1000),
        &[SO, "offsets"],
    );
    inv(
        kf_producer_send_offsets_to_transaction(p, l, null(), 1000),
        &[SO, "group_metadata"],
    );
    inv(
        kf_producer_commit_transaction(n, 1000),
        &["kf_producer_commit_transaction", "producer"],
    );
    inv(
        kf_producer_abort_transaction(n, 1000),
        &["kf_producer_abort_transaction", "producer"],
    );

    // Still usable: the transactional calls work after all that.
    ok(kf_producer_init_transactions(p, 30_000));
    ok(kf_producer_begin_transaction(p));
    ok(kf_producer_abort_transaction(p, 30_000));
    ok(kf_consumer_close(consumer.get(), -1));
}

#[test]
fn invalid_args_consumer() {
    let cluster = Cluster::mock(1);
    let topic = unique("inv");
    cluster.create_topic(&topic, 1);
    let consumer = cluster.consumer(&[("group.id", &unique("g"))]);
    let c = consumer.get();

    let mut e = null_mut();
    assert!(kf_consumer_new(null(), &mut e).is_null());
    inv(e, &["kf_consumer_new", "config"]);
    assert!(kf_consumer_new(null(), null_mut()).is_null());
    ok(kf_consumer_destroy(null_mut()));

    let owned_list = own(tp_list(&[(&topic, 0, 0)]));
    let list = owned_list.get();
    let mut out_list: *mut kf_topic_partition_list_t = null_mut();
    let n = null_mut::<kf_consumer_t>();

    inv(kf_consumer_close(n, -1), &["kf_consumer_close", "consumer"]);
    const SUB: &str = "kf_consumer_subscribe";
    let t = cs(&topic);
    inv(
        kf_consumer_subscribe(n, [t.as_ptr()].as_ptr(), 1, null()),
        &[SUB, "consumer"],
    );
    inv(
        kf_consumer_subscribe(c, null(), 1, null()),
        &[SUB, "topics"],
    );
    inv(
        kf_consumer_subscribe(c, [t.as_ptr(), null()].as_ptr(), 2, null()),
        &[SUB, "topic"],
    );
    inv(
        kf_consumer_subscribe(c, [bad_utf8()].as_ptr(), 1, null()),
        &[SUB, "topic", "UTF-8"],
    );
    let cbs = kf_rebalance_callbacks_t {
        on_assign: Some(noop_rebalance),
        on_revoke: None,
        on_lost: None,
        opaque: null_mut(),
        free_opaque: None,
    };
    inv(
        kf_consumer_subscribe(c, [bad_utf8()].as_ptr(), 1, &cbs),
        &[SUB, "topic"],
    );
    inv(
        kf_consumer_unsubscribe(n),
        &["kf_consumer_unsubscribe", "consumer"],
    );

    for (f, e) in [
        ("kf_consumer_assign", kf_consumer_assign(n, list)),
        (
            "kf_consumer_incremental_assign",
            kf_consumer_incremental_assign(n, list),
        ),
        (
            "kf_consumer_incremental_unassign",
            kf_consumer_incremental_unassign(n, list),
        ),
        ("kf_consumer_unassign", kf_consumer_unassign(n)),
        (
            "kf_consumer_assignment",
            kf_consumer_assignment(n, &mut out_list),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(n, list, 100, &mut out_list),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(n, list, &mut out_list),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(n, list, 100, &mut out_list),
        ),
        ("kf_consumer_seek", kf_consumer_seek(n, list, 0)),
        ("kf_consumer_pause", kf_consumer_pause(n, list)),
        ("kf_consumer_resume", kf_consumer_resume(n, list)),
        (
            "kf_consumer_store_offsets",
            kf_consumer_store_offsets(n, null(), list),
        ),
        (
            "kf_consumer_commit",
            kf_consumer_commit(n, null(), list, false, -1, null_mut()),
        ),
        ("kf_consumer_wake", kf_consumer_wake(n)),
        ("kf_consumer_close_begin", kf_consumer_close_begin(n)),
    ] {
        inv(e, &[f, "consumer"]);
    }
    assert!(!kf_consumer_close_done(null()), "NULL consumer: false");
    for (f, e) in [
        ("kf_consumer_assign", kf_consumer_assign(c, null())),
        (
            "kf_consumer_incremental_assign",
            kf_consumer_incremental_assign(c, null()),
        ),
        (
            "kf_consumer_incremental_unassign",
            kf_consumer_incremental_unassign(c, null()),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(c, null(), 100, &mut out_list),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(c, null(), &mut out_list),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(c, null(), 100, &mut out_list),
        ),
        ("kf_consumer_seek", kf_consumer_seek(c, null(), 0)),
        ("kf_consumer_pause", kf_consumer_pause(c, null())),
        ("kf_consumer_resume", kf_consumer_resume(c, null())),
    ] {
        inv(e, &[f, "partitions"]);
    }
    inv(
        kf_consumer_store_offsets(c, null(), null()),
        &["kf_consumer_store_offsets", "offsets"],
    );
    for (f, e) in [
        (
            "kf_consumer_assignment",
            kf_consumer_assignment(c, null_mut()),
        ),
        (
            "kf_consumer_committed",
            kf_consumer_committed(c, list, 100, null_mut()),
        ),
        (
            "kf_consumer_position",
            kf_consumer_position(c, list, null_mut()),
        ),
        (
            "kf_consumer_offsets_for_times",
            kf_consumer_offsets_for_times(c, list, 100, null_mut()),
        ),
    ] {
        inv(e, &[f, "_out"]);
    }
    assert!(
        out_list.is_null(),
        "an _out parameter was written on failure"
    );

    let mut m = null_mut();
    inv(
        kf_consumer_poll(n, 0, &mut m),
        &["kf_consumer_poll", "consumer"],
    );
    inv(
        kf_consumer_poll(c, 0, null_mut()),
        &["kf_consumer_poll", "message_out"],
    );
    const CONS: &str = "kf_consumer_consume";
    let mut slots = [null_mut::<kf_message_t>(); 4];
    let mut count = 77usize;
    inv(
        kf_consumer_consume(n, slots.as_mut_ptr(), 4, 0, &mut count),
        &[CONS, "consumer"],
    );
    inv(
        kf_consumer_consume(c, slots.as_mut_ptr(), 4, 0, null_mut()),
        &[CONS, "count_out"],
    );
    inv(
        kf_consumer_consume(c, null_mut(), 4, 0, &mut count),
        &[CONS, "messages"],
    );
    assert_eq!(count, 77);

    const W: &str = "kf_consumer_get_watermark_offsets";
    let (mut lo, mut hi) = (-5i64, -5i64);
    inv(
        kf_consumer_get_watermark_offsets(n, t.as_ptr(), 0, 100, false, &mut lo, &mut hi),
        &[W, "consumer"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, null(), 0, 100, false, &mut lo, &mut hi),
        &[W, "topic"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, bad_utf8(), 0, 100, false, &mut lo, &mut hi),
        &[W, "topic", "UTF-8"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 100, false, null_mut(), &mut hi),
        &[W, "low_out"],
    );
    inv(
        kf_consumer_get_watermark_offsets(c, t.as_ptr(), 0, 100, false, &mut lo, null_mut()),
        &[W, "high_out"],
    );
    assert_eq!((lo, hi), (-5, -5));

    let mut s: *mut c_char = null_mut();
    inv(
        kf_consumer_memberid(n, &mut s),
        &["kf_consumer_memberid", "consumer"],
    );
    inv(
        kf_consumer_memberid(c, null_mut()),
        &["kf_consumer_memberid", "memberid_out"],
    );
    let mut g = null_mut();
    inv(
        kf_consumer_group_metadata(n, &mut g),
        &["kf_consumer_group_metadata", "consumer"],
    );
    inv(
        kf_consumer_group_metadata(c, null_mut()),
        &["kf_consumer_group_metadata", "metadata_out"],
    );
    kf_consumer_group_metadata_destroy(null_mut());
    const L: &str = "kf_consumer_list_topics";
    let mut md = null_mut();
    inv(
        kf_consumer_list_topics(n, null(), 100, &mut md),
        &[L, "consumer"],
    );
    inv(
        kf_consumer_list_topics(c, bad_utf8(), 100, &mut md),
        &[L, "topic", "UTF-8"],
    );
    inv(
        kf_consumer_list_topics(c, null(), 100, null_mut()),
        &[L, "metadata_out"],
    );
    let mut fd: c_int = -7;
    inv(
        kf_consumer_event_fd(n, &mut fd),
        &["kf_consumer_event_fd", "consumer"],
    );
    inv(
        kf_consumer_event_fd(c, null_mut()),
        &["kf_consumer_event_fd", "fd_out"],
    );
    assert_eq!(fd, -7);
    assert!(s.is_null() && g.is_null() && md.is_null() && m.is_null());

    // Still usable: assign and read back the assignment.
    ok(kf_consumer_assign(c, list));
    ok(kf_consumer_assignment(c, &mut out_list));
    let assigned = own(out_list);
    assert_eq!(kf_topic_partition_list_count(assigned.get()), 1);
    ok(kf_consumer_close(c, -1));
}

#[test]
fn invalid_args_message_accessors_on_null() {
    kf_message_destroy(null_mut());
    let m: *const kf_message_t = null();
    assert!(kf_message_topic(m).is_null());
    assert_eq!(kf_message_partition(m), KF_PARTITION_UA);
    assert_eq!(kf_message_offset(m), KF_OFFSET_INVALID);
    let mut len = 99usize;
    assert!(kf_message_key(m, &mut len).is_null());
    assert_eq!(len, 0);
    len = 99;
    assert!(kf_message_value(m, &mut len).is_null());
    assert_eq!(len, 0);
    assert!(kf_message_key(m, null_mut()).is_null());
    assert!(kf_message_value(m, null_mut()).is_null());
    assert_eq!(kf_message_len(m), 0);
    let mut ts_type: c_int = 99;
    assert_eq!(kf_message_timestamp(m, &mut ts_type), -1);
    assert_eq!(ts_type, KF_TIMESTAMP_NOT_AVAILABLE);
    assert_eq!(kf_message_timestamp(m, null_mut()), -1);
    assert_eq!(kf_message_latency(m), -1);
    assert_eq!(kf_message_leader_epoch(m), -1);
    assert!(kf_message_headers(m).is_null());
    assert_eq!(kf_message_error_code(m), 0);
    assert!(kf_message_error(m).is_null());
}

#[test]
fn invalid_args_headers() {
    let headers = own(kf_headers_new(0));
    let h = headers.get();
    assert!(!h.is_null());
    const A: &str = "kf_headers_add";
    let name = cs("n");
    inv(
        kf_headers_add(null_mut(), name.as_ptr(), null(), 0),
        &[A, "headers"],
    );
    inv(kf_headers_add(h, null(), null(), 0), &[A, "name"]);
    inv(
        kf_headers_add(h, bad_utf8(), null(), 0),
        &[A, "name", "UTF-8"],
    );
    inv(kf_headers_add(h, name.as_ptr(), null(), 4), &[A, "value"]);
    assert_eq!(kf_headers_count(h), 0, "a refused header was added");
    assert_eq!(kf_headers_count(null()), 0);
    ok(kf_headers_add(h, name.as_ptr(), b"v".as_ptr(), 1));

    const G: &str = "kf_headers_get";
    let (mut n, mut v, mut l) = (null(), null(), 0usize);
    inv(
        kf_headers_get(null(), 0, &mut n, &mut v, &mut l),
        &[G, "headers"],
    );
    // All _out pointers of kf_headers_get are optional.
    ok(kf_headers_get(h, 0, null_mut(), null_mut(), null_mut()));
    let (code, _) = err(kf_headers_get(h, 5, &mut n, &mut v, &mut l));
    assert_eq!(code, KF_ERR__NOENT);
    const L: &str = "kf_headers_get_last";
    inv(
        kf_headers_get_last(null(), name.as_ptr(), &mut v, &mut l),
        &[L, "headers"],
    );
    inv(kf_headers_get_last(h, null(), &mut v, &mut l), &[L, "name"]);
    inv(
        kf_headers_get_last(h, bad_utf8(), &mut v, &mut l),
        &[L, "name", "UTF-8"],
    );
    ok(kf_headers_get_last(
        h,
        name.as_ptr(),
        null_mut(),
        null_mut(),
    ));
    kf_headers_destroy(null_mut());
}

#[test]
fn invalid_args_topic_partition_list() {
    let list = own(kf_topic_partition_list_new(0));
    let l = list.get();
    assert!(!l.is_null());
    const A: &str = "kf_topic_partition_list_add";
    let t = cs("t");
    let mut idx = 99usize;
    inv(
        kf_topic_partition_list_add(null_mut(), t.as_ptr(), 0, &mut idx),
        &[A, "list"],
    );
    inv(
        kf_topic_partition_list_add(l, null(), 0, &mut idx),
        &[A, "topic"],
    );
    inv(
        kf_topic_partition_list_add(l, bad_utf8(), 0, &mut idx),
        &[A, "topic", "UTF-8"],
    );
    assert_eq!(idx, 99);
    assert_eq!(kf_topic_partition_list_count(l), 0);
    ok(kf_topic_partition_list_add(l, t.as_ptr(), 3, null_mut())); // index_out is optional
    const F: &str = "kf_topic_partition_list_find";
    inv(
        kf_topic_partition_list_find(null(), t.as_ptr(), 3, &mut idx),
        &[F, "list"],
    );
    inv(
        kf_topic_partition_list_find(l, null(), 3, &mut idx),
        &[F, "topic"],
    );
    inv(
        kf_topic_partition_list_find(l, bad_utf8(), 3, &mut idx),
        &[F, "topic", "UTF-8"],
    );
    inv(
        kf_topic_partition_list_find(l, t.as_ptr(), 3, null_mut()),
        &[F, "index_out"],
    );
    ok(kf_topic_partition_list_find(l, t.as_ptr(), 3, &mut idx));
    assert_eq!(idx, 0);

    const O: &str = "kf_topic_partition_list_set_offset";
    inv(
        kf_topic_partition_list_set_offset(null_mut(), 0, 5),
        &[O, "list"],
    );
    inv(kf_topic_partition_list_set_offset(l, 1, 5), &[O, "index"]);
    const M: &str = "kf_topic_partition_list_set_metadata";
    inv(
        kf_topic_partition_list_set_metadata(null_mut(), 0, b"m".as_ptr(), 1),
        &[M, "list"],
    );
    inv(
        kf_topic_partition_list_set_metadata(l, 1, b"m".as_ptr(), 1),
        &[M, "index"],
    );
    inv(
        kf_topic_partition_list_set_metadata(l, 0, null(), 3),
        &[M, "metadata"],
    );
    const E: &str = "kf_topic_partition_list_set_leader_epoch";
    inv(
        kf_topic_partition_list_set_leader_epoch(null_mut(), 0, 1),
        &[E, "list"],
    );
    inv(
        kf_topic_partition_list_set_leader_epoch(l, 1, 1),
        &[E, "index"],
    );

    // Accessors: NULL list and index out of range give the documented fallbacks.
    for list in [null::<kf_topic_partition_list_t>(), l as *const _] {
        let i = if list.is_null() { 0 } else { 1 };
        assert!(kf_topic_partition_list_topic(list, i).is_null());
        assert_eq!(kf_topic_partition_list_partition(list, i), KF_PARTITION_UA);
        assert_eq!(kf_topic_partition_list_offset(list, i), KF_OFFSET_INVALID);
        let mut len = 9usize;
        assert!(kf_topic_partition_list_metadata(list, i, &mut len).is_null());
        assert_eq!(len, 0);
        assert_eq!(kf_topic_partition_list_leader_epoch(list, i), -1);
        assert_eq!(
            kf_topic_partition_list_error_code(list, i),
            KF_ERR__INVALID_ARG
        );
    }
    assert_eq!(kf_topic_partition_list_count(null()), 0);
    assert!(kf_topic_partition_list_copy(null()).is_null());
    kf_topic_partition_list_destroy(null_mut());
    // The list is intact.
    assert_eq!(kf_topic_partition_list_count(l), 1);
    assert_eq!(kf_topic_partition_list_partition(l, 0), 3);
}

#[test]
fn invalid_args_metadata_accessors_on_null() {
    kf_metadata_destroy(null_mut());
    let m: *const kf_metadata_t = null();
    assert_eq!(kf_metadata_orig_broker_id(m), -1);
    assert!(kf_metadata_orig_broker_name(m).is_null());
    assert_eq!(kf_metadata_broker_count(m), 0);
    assert_eq!(kf_metadata_broker_id(m, 0), -1);
    assert!(kf_metadata_broker_host(m, 0).is_null());
    assert_eq!(kf_metadata_broker_port(m, 0), -1);
    assert_eq!(kf_metadata_topic_count(m), 0);
    assert!(kf_metadata_topic_name(m, 0).is_null());
    assert_eq!(kf_metadata_topic_error_code(m, 0), KF_ERR__INVALID_ARG);
    assert_eq!(kf_metadata_partition_count(m, 0), 0);
    assert_eq!(kf_metadata_partition_id(m, 0, 0), -1);
    assert_eq!(kf_metadata_partition_leader(m, 0, 0), -1);
    assert_eq!(
        kf_metadata_partition_error_code(m, 0, 0),
        KF_ERR__INVALID_ARG
    );
    assert_eq!(kf_metadata_partition_replica_count(m, 0, 0), 0);
    assert_eq!(kf_metadata_partition_replica(m, 0, 0, 0), -1);
    assert_eq!(kf_metadata_partition_isr_count(m, 0, 0), 0);
    assert_eq!(kf_metadata_partition_isr(m, 0, 0, 0), -1);
}

#[test]
fn invalid_args_metadata_indexes_out_of_range() {
    let cluster = Cluster::mock(1);
    let topic = unique("md");
    cluster.create_topic(&topic, 1);
    let p = cluster.producer(&[]);
    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p.get(),
        cs(&topic).as_ptr(),
        5000,
        &mut md,
    ));
    let _metadata = own(md);
    assert_eq!(kf_metadata_topic_count(md), 1);
    assert_eq!(kf_metadata_broker_id(md, 1), -1);
    assert!(kf_metadata_broker_host(md, 1).is_null());
    assert_eq!(kf_metadata_broker_port(md, usize::MAX), -1);
    assert!(kf_metadata_topic_name(md, 1).is_null());
    assert_eq!(kf_metadata_topic_error_code(md, 1), KF_ERR__INVALID_ARG);
    assert_eq!(kf_metadata_partition_count(md, 1), 0);
    assert_eq!(kf_metadata_partition_id(md, 0, 1), -1);
    assert_eq!(kf_metadata_partition_leader(md, 0, 1), -1);
    assert_eq!(
        kf_metadata_partition_error_code(md, 0, 1),
        KF_ERR__INVALID_ARG
    );
    assert_eq!(kf_metadata_partition_replica_count(md, 0, 1), 0);
    assert_eq!(kf_metadata_partition_replica(md, 0, 0, 5), -1);
    assert_eq!(kf_metadata_partition_isr_count(md, 0, 1), 0);
    assert_eq!(kf_metadata_partition_isr(md, 0, 0, 5), -1);
    // In range, for contrast.
    assert_eq!(kf_metadata_partition_id(md, 0, 0), 0);
}

#[test]
fn invalid_args_mock_cluster() {
    let mut e = null_mut();
    assert!(kf_mock_cluster_new(0, &mut e).is_null());
    inv(e, &["broker"]);
    assert!(kf_mock_cluster_new(-3, null_mut()).is_null());
    kf_mock_cluster_destroy(null_mut());
    assert!(kf_mock_cluster_bootstrap_servers(null()).is_null());

    let mock = own(kf_mock_cluster_new(1, null_mut()));
    let m = mock.get();
    assert!(!m.is_null());
    let n = null_mut::<kf_mock_cluster_t>();
    let t = cs("t");
    const TC: &str = "kf_mock_cluster_topic_create";
    inv(
        kf_mock_cluster_topic_create(n, t.as_ptr(), 1, 1),
        &[TC, "cluster"],
    );
    inv(
        kf_mock_cluster_topic_create(m, null(), 1, 1),
        &[TC, "topic"],
    );
    inv(
        kf_mock_cluster_topic_create(m, bad_utf8(), 1, 1),
        &[TC, "topic", "UTF-8"],
    );
    inv(
        kf_mock_cluster_broker_down(n, 1),
        &["kf_mock_cluster_broker_down", "cluster"],
    );
    inv(
        kf_mock_cluster_broker_up(n, 1),
        &["kf_mock_cluster_broker_up", "cluster"],
    );
    inv(
        kf_mock_cluster_broker_set_rtt(n, 1, 5),
        &["kf_mock_cluster_broker_set_rtt", "cluster"],
    );
    const PE: &str = "kf_mock_cluster_push_request_errors";
    inv(
        kf_mock_cluster_push_request_errors(n, KF_APIKEY_PRODUCE, [0].as_ptr(), 1),
        &[PE, "cluster"],
    );
    inv(
        kf_mock_cluster_push_request_errors(m, KF_APIKEY_PRODUCE, null(), 2),
        &[PE, "errors"],
    );
    inv(
        kf_mock_cluster_push_broker_request_error(n, 1, KF_APIKEY_PRODUCE, 0, 0),
        &["kf_mock_cluster_push_broker_request_error", "cluster"],
    );
    inv(
        kf_mock_cluster_clear_request_errors(n, KF_APIKEY_PRODUCE),
        &["kf_mock_cluster_clear_request_errors", "cluster"],
    );
    const PL: &str = "kf_mock_cluster_partition_set_leader";
    inv(
        kf_mock_cluster_partition_set_leader(n, t.as_ptr(), 0, 1),
        &[PL, "cluster"],
    );
    inv(
        kf_mock_cluster_partition_set_leader(m, null(), 0, 1),
        &[PL, "topic"],
    );
    inv(
        kf_mock_cluster_partition_set_leader(m, bad_utf8(), 0, 1),
        &[PL, "topic", "UTF-8"],
    );
    const CO: &str = "kf_mock_cluster_coordinator_set";
    let (g, k) = (cs("group"), cs("k"));
    inv(
        kf_mock_cluster_coordinator_set(n, g.as_ptr(), k.as_ptr(), 1),
        &[CO, "cluster"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, null(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, bad_utf8(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, cs("bogus").as_ptr(), k.as_ptr(), 1),
        &[CO, "key_type"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, g.as_ptr(), null(), 1),
        &[CO, "key"],
    );
    inv(
        kf_mock_cluster_coordinator_set(m, g.as_ptr(), bad_utf8(), 1),
        &[CO, "key", "UTF-8"],
    );
    // Still usable.
    ok(kf_mock_cluster_topic_create(m, t.as_ptr(), 1, 1));
}

/// Many threads hammering the argument checks at once: errors are independent objects.
#[test]
fn invalid_args_from_many_threads() {
    let seen = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..500 {
                    inv(kf_producer_poll(null_mut(), 0, null_mut()), &["producer"]);
                    inv(
                        kf_config_set(null_mut(), null(), null()),
                        &["kf_config_set", "config"],
                    );
                }
                *seen.lock().unwrap() += 1;
            });
        }
    });
    assert_eq!(*seen.lock().unwrap(), 4);
}

/// The one-call, packed and pull-mode produce functions of issue 12.
#[test]
fn invalid_args_produce_hot_paths() {
    let cluster = Cluster::mock(1);
    let topic = unique("inv-hot");
    cluster.create_topic(&topic, 1);
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    const S: &str = "kf_producer_send";
    let t = cs(&topic);
    let blank = || kf_produce_message_t {
        size: std::mem::size_of::<kf_produce_message_t>(),
        topic: t.as_ptr(),
        partition: 0,
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
    };
    let m = blank();
    inv(kf_producer_send(null_mut(), &m), &[S, "producer"]);
    inv(kf_producer_send(p, null()), &[S, "msg"]);
    let mut m = blank();
    m.size = 8;
    inv(kf_producer_send(p, &m), &[S, "size"]);
    let mut m = blank();
    m.topic = null();
    inv(kf_producer_send(p, &m), &[S, "topic"]);
    m.topic = bad_utf8();
    inv(kf_producer_send(p, &m), &[S, "UTF-8"]);
    let mut m = blank();
    m.key_len = 3;
    inv(kf_producer_send(p, &m), &[S, "key"]);
    let mut m = blank();
    m.value_len = 3;
    inv(kf_producer_send(p, &m), &[S, "value"]);
    let mut m = blank();
    m.header_count = 2;
    inv(kf_producer_send(p, &m), &[S, "headers"]);
    let h = cs("h");
    let mut hv = [kf_header_view_t {
        name: null(),
        value: null(),
        value_len: 0,
    }];
    m.headers = hv.as_ptr();
    m.header_count = 1;
    inv(kf_producer_send(p, &m), &[S, "name"]);
    hv[0].name = bad_utf8();
    m.headers = hv.as_ptr();
    inv(kf_producer_send(p, &m), &["UTF-8"]);
    hv[0].name = h.as_ptr();
    hv[0].value_len = 4;
    m.headers = hv.as_ptr();
    inv(kf_producer_send(p, &m), &["value", "NULL"]);
    assert_eq!(kf_producer_len(p), 0, "a refused message was enqueued");

    const P: &str = "kf_producer_produce_packed";
    let buf = topic.as_bytes();
    let mut pm = [kf_packed_message_t {
        size: std::mem::size_of::<kf_packed_message_t>(),
        opaque: 1,
        topic_offset: 0,
        topic_len: buf.len(),
        key_offset: 0,
        key_len: 0,
        value_offset: 0,
        value_len: 0,
        headers_offset: 0,
        headers_len: 0,
        timestamp_ms: 0,
        partition: 0,
        flags: KF_PACKED_NULL_KEY | KF_PACKED_NULL_VALUE,
        err: 0,
    }];
    let mut n = 42;
    inv(
        kf_producer_produce_packed(
            null_mut(),
            buf.as_ptr(),
            buf.len(),
            pm.as_mut_ptr(),
            1,
            &mut n,
        ),
        &[P, "producer"],
    );
    inv(
        kf_producer_produce_packed(p, null(), 4, pm.as_mut_ptr(), 1, &mut n),
        &[P, "buf"],
    );
    inv(
        kf_producer_produce_packed(p, buf.as_ptr(), buf.len(), null_mut(), 1, &mut n),
        &[P, "msgs"],
    );
    pm[0].size = 8;
    inv(
        kf_producer_produce_packed(p, buf.as_ptr(), buf.len(), pm.as_mut_ptr(), 1, &mut n),
        &[P, "size"],
    );
    assert_eq!(n, 42, "enqueued_out untouched on error");
    pm[0].size = std::mem::size_of::<kf_packed_message_t>();
    // Every element must have the first one's size (the array's stride).
    // A plain C struct (no Copy derive): copied bitwise.
    let mut two = unsafe { [std::ptr::read(&pm[0]), std::ptr::read(&pm[0])] };
    two[1].size -= 8;
    inv(
        kf_producer_produce_packed(p, buf.as_ptr(), buf.len(), two.as_mut_ptr(), 2, &mut n),
        &[P, "msgs[1].size", "same size"],
    );
    assert_eq!(n, 42, "enqueued_out untouched on error");
    // Out of range: the topic runs one byte past the buffer.
    pm[0].topic_len = buf.len() + 1;
    ok(kf_producer_produce_packed(
        p,
        buf.as_ptr(),
        buf.len(),
        pm.as_mut_ptr(),
        1,
        &mut n,
    ));
    assert_eq!((n, pm[0].err), (0, KF_ERR__INVALID_ARG));
    pm[0].topic_len = buf.len();
    pm[0].flags = KF_PACKED_NULL_KEY;
    pm[0].value_offset = usize::MAX;
    pm[0].value_len = 1;
    ok(kf_producer_produce_packed(
        p,
        buf.as_ptr(),
        buf.len(),
        pm.as_mut_ptr(),
        1,
        &mut n,
    ));
    assert_eq!((n, pm[0].err), (0, KF_ERR__INVALID_ARG));
    ok(kf_producer_produce_packed(
        p,
        null(),
        0,
        null_mut(),
        0,
        &mut n,
    ));
    assert_eq!(n, 0);

    const D: &str = "kf_producer_delivery_reports";
    let mut b = null_mut();
    inv(
        kf_producer_delivery_reports(null_mut(), 1, 0, &mut b),
        &[D, "producer"],
    );
    inv(
        kf_producer_delivery_reports(p, 1, 0, null_mut()),
        &[D, "batch_out"],
    );
    let (code, msg) = err(kf_producer_delivery_reports(p, 1, 0, &mut b));
    assert_eq!(code, KF_ERR__STATE, "{msg}");
    assert!(b.is_null());
    let mut count = 7;
    assert!(kf_delivery_report_batch_reports(null(), &mut count).is_null());
    assert_eq!(count, 0);
    assert!(kf_delivery_report_batch_reports(null(), null_mut()).is_null());
    kf_delivery_report_batch_destroy(null_mut());
    assert_eq!(kf_message_status(null()), -1);

    const M: &str = "kf_config_set_delivery_report_mode";
    inv(
        kf_config_set_delivery_report_mode(null_mut(), KF_DELIVERY_REPORT_MODE_PULL),
        &[M, "config"],
    );
    inv(kf_config_set_delivery_report_mode(conf, 2), &[M, "mode"]);
    inv(kf_config_set_delivery_report_mode(conf, -1), &[M, "mode"]);
    kf_config_destroy(conf);
    ok(kf_producer_destroy(p));
}
