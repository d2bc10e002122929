//! Invalid arguments to the one-call-per-message consume functions (kf_message_view(),
//! kf_consumer_consume_batch(), the batch accessors, kf_consumer_store_message()) and to
//! kf_error_info(): NULL handles and outputs, sizes below the first published struct size,
//! unknown flags, a closed consumer. Nothing is written on failure.
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::ptr::{null, null_mut};

const VIEW: usize = std::mem::size_of::<kf_message_view_t>();

fn zero_view() -> kf_message_view_t {
    unsafe { std::mem::zeroed() }
}

#[test]
fn invalid_args_message_view() {
    let cluster = Cluster::mock(1);
    let topic = unique("inv-view");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[b"v".to_vec()]);
    let consumer = cluster.consumer(&[
        ("group.id", &unique("g")),
        ("auto.offset.reset", "earliest"),
    ]);
    let c = consumer.get();
    let l = own(tp_list(&[(&topic, 0, KF_OFFSET_BEGINNING)]));
    ok(kf_consumer_assign(c, l.get()));
    let mut m = null_mut();
    for _ in 0..100 {
        ok(kf_consumer_poll(c, 100, &mut m));
        if !m.is_null() {
            break;
        }
    }
    let m = own(m);
    assert!(!m.is_null());

    const F: &str = "kf_message_view";
    let mut v = zero_view();
    v.size = VIEW;
    inv(kf_message_view(null(), &mut v, null_mut(), 0), &[F, "msg"]);
    assert_eq!(v.message, null(), "view written on failure");
    inv(
        kf_message_view(m.get(), null_mut(), null_mut(), 0),
        &[F, "view_out"],
    );
    inv(
        kf_message_view(m.get(), &mut v, null_mut(), 3),
        &[F, "headers", "headers_cap"],
    );
    assert_eq!(v.message, null(), "view written on failure");
    for size in [0, 8, VIEW - 1] {
        let mut v = zero_view();
        v.size = size;
        inv(
            kf_message_view(m.get(), &mut v, null_mut(), 0),
            &[F, "view_out", "size"],
        );
        assert_eq!(v.size, size);
        assert_eq!(v.message, null(), "view written on failure");
    }

    // The batch accessors: NULL batch, NULL count_out, bad sizes.
    let mut n = 7;
    assert!(kf_message_batch_views(null(), VIEW, &mut n).is_null());
    assert_eq!(n, 0);
    assert!(kf_message_batch_views(null(), VIEW, null_mut()).is_null());
    assert_eq!(kf_message_batch_count(null()), 0);
    kf_message_batch_destroy(null_mut());
    produce_values(&cluster, &topic, 0, &[b"w".to_vec()]);
    let mut b = null_mut();
    for _ in 0..100 {
        ok(kf_consumer_consume_batch(c, 10, 100, 0, &mut b));
        if !b.is_null() {
            break;
        }
    }
    assert!(!b.is_null());
    assert!(kf_message_batch_views(b, VIEW, null_mut()).is_null());
    for bad in [0, 8, VIEW - 8, VIEW + 1] {
        let mut n = 7;
        assert!(kf_message_batch_views(b, bad, &mut n).is_null(), "{bad}");
        assert_eq!(n, 0);
    }
    let mut n = 0;
    assert!(!kf_message_batch_views(b, VIEW, &mut n).is_null());
    assert_eq!(n, 1);
    kf_message_batch_destroy(b);
}

#[test]
fn invalid_args_consume_batch_and_store_message() {
    let cluster = Cluster::mock(1);
    let topic = unique("inv-batch");
    cluster.create_topic(&topic, 1);
    produce_values(&cluster, &topic, 0, &[b"v".to_vec()]);
    let consumer = cluster.consumer(&[
        ("group.id", &unique("g")),
        ("auto.offset.reset", "earliest"),
    ]);
    let c = consumer.get();

    const B: &str = "kf_consumer_consume_batch";
    let marker = 0x10 as *mut kf_message_batch_t;
    let mut b = marker;
    inv(
        kf_consumer_consume_batch(null_mut(), 10, 0, 0, &mut b),
        &[B, "consumer"],
    );
    inv(
        kf_consumer_consume_batch(c, 10, 0, 0, null_mut()),
        &[B, "batch_out"],
    );
    inv(
        kf_consumer_consume_batch(c, 10, 0, 0x6, &mut b),
        &[B, "flags", "0x6"],
    );
    inv(
        kf_consumer_consume_batch(c, 10, 0, KF_CONSUME_DEFER_STORE | 0x80, &mut b),
        &[B, "flags", "0x80"],
    );
    assert_eq!(b, marker, "batch_out written on failure");

    // A real message for store_message, then the consumer closed.
    let l = own(tp_list(&[(&topic, 0, KF_OFFSET_BEGINNING)]));
    ok(kf_consumer_assign(c, l.get()));
    let mut batch = null_mut();
    for _ in 0..100 {
        ok(kf_consumer_consume_batch(
            c,
            10,
            100,
            KF_CONSUME_DEFER_STORE,
            &mut batch,
        ));
        if !batch.is_null() {
            break;
        }
    }
    assert!(!batch.is_null());
    let mut n = 0;
    let views = kf_message_batch_views(batch, VIEW, &mut n);
    let msg = unsafe { (*views).message };

    const S: &str = "kf_consumer_store_message";
    inv(kf_consumer_store_message(null_mut(), msg), &[S, "consumer"]);
    inv(kf_consumer_store_message(c, null()), &[S, "message"]);
    ok(kf_consumer_store_message(c, msg));

    ok(kf_consumer_close(c, -1));
    let (code, m) = err(kf_consumer_store_message(c, msg));
    assert_eq!(code, KF_ERR__STATE, "{m}");
    let (code, m) = err(kf_consumer_consume_batch(c, 10, 0, 0, &mut b));
    assert_eq!(code, KF_ERR__STATE, "{m}");
    assert_eq!(b, marker);
    kf_message_batch_destroy(batch);
}

#[test]
fn invalid_args_error_info() {
    const F: &str = "kf_error_info";
    let mut i: kf_error_info_t = unsafe { std::mem::zeroed() };
    i.size = std::mem::size_of::<kf_error_info_t>();
    inv(kf_error_info(null(), &mut i), &[F, "err"]);
    assert!(i.name.is_null(), "info written on failure");
    let e = own(kf_config_set(null_mut(), null(), null()));
    inv(kf_error_info(e.get(), null_mut()), &[F, "info_out"]);
    for size in [0, 8, std::mem::size_of::<kf_error_info_t>() - 1] {
        let mut i: kf_error_info_t = unsafe { std::mem::zeroed() };
        i.size = size;
        inv(kf_error_info(e.get(), &mut i), &[F, "info_out", "size"]);
        assert!(i.name.is_null(), "info written on failure");
        assert_eq!(i.size, size);
    }
}
