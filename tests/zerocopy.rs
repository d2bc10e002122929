//! kf_producer_produce_zerocopy: the value is read in place and given back through its release
//! function after the delivery report, or during destroy when it was never delivered.
mod common;
use common::*;
use std::os::raw::c_void;
use std::ptr::null;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// Frees a value produced from a leaked Box<[u8]> whose length travels in the opaque.
unsafe extern "C" fn release_boxed(len: *mut c_void, value: *mut u8) {
    drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
        value,
        len as usize,
    )));
    RELEASED.fetch_add(1, Ordering::SeqCst);
}

fn produce_boxed(p: *mut kf_producer_t, topic: &str, i: usize, d: &mut Deliveries) {
    let value = format!("zero-copy-{i}").into_bytes().into_boxed_slice();
    let len = value.len();
    let ptr = Box::into_raw(value) as *mut u8;
    let t = cs(topic);
    ok(kf_producer_produce_zerocopy(
        p,
        t.as_ptr(),
        0,
        null(),
        0,
        ptr,
        len,
        Some(release_boxed),
        len as *mut c_void,
        null(),
        0,
        Some(record_delivery),
        d as *mut Deliveries as *mut c_void,
    ));
}

#[test]
fn values_are_read_in_place_and_released_after_delivery() {
    for cluster in Cluster::both() {
        let topic = unique("zerocopy");
        cluster.create_topic(&topic, 1);
        let conf = cluster.config(&[]);
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let before = RELEASED.load(Ordering::SeqCst);
        let mut d = Deliveries::default();
        for i in 0..50 {
            produce_boxed(p, &topic, i, &mut d);
        }
        let mut remaining = 1;
        ok(kf_producer_flush(p, 30_000, &mut remaining));
        assert_eq!(remaining, 0);
        assert_eq!(d.reports.len(), 50);
        assert!(d.reports.iter().all(|r| r.0 == 0));
        assert_eq!(
            RELEASED.load(Ordering::SeqCst) - before,
            50,
            "every value released once, on {}",
            cluster.name()
        );
        ok(kf_producer_destroy(p));

        let conf = cluster.config(&[
            ("group.id", &unique("g")),
            ("auto.offset.reset", "earliest"),
        ]);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        ok(kf_consumer_subscribe(
            c,
            [cs(&topic).as_ptr()].as_ptr(),
            1,
            null(),
        ));
        let (msgs, _) = consume_n(c, 50, Duration::from_secs(30));
        let values: Vec<String> = msgs
            .iter()
            .map(|m| String::from_utf8(m.value.clone().unwrap()).unwrap())
            .collect();
        assert_eq!(
            values,
            (0..50)
                .map(|i| format!("zero-copy-{i}"))
                .collect::<Vec<_>>()
        );
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_destroy(c));
    }
}

#[test]
fn undelivered_values_are_released_by_destroy_without_callbacks() {
    let cluster = Cluster::mock(1);
    let topic = unique("zerocopy-down");
    cluster.create_topic(&topic, 1);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let before = RELEASED.load(Ordering::SeqCst);
    let mut d = Deliveries::default();
    for i in 0..20 {
        produce_boxed(p, &topic, i, &mut d);
    }
    ok(kf_producer_destroy(p));
    assert_eq!(RELEASED.load(Ordering::SeqCst) - before, 20);
    assert!(
        d.reports.is_empty(),
        "destroy must not run delivery callbacks"
    );
}

#[test]
fn zerocopy_requires_a_release_function_and_keeps_the_value_on_error() {
    let cluster = Cluster::mock(1);
    let topic = unique("zerocopy-err");
    cluster.create_topic(&topic, 1); // metadata known: partition 99 is refused at produce time
    let t = cs(&topic);
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = std::ptr::null_mut();
    ok(kf_producer_list_topics(p, t.as_ptr(), 5000, &mut md));
    kf_metadata_destroy(md);
    let mut value = *b"abc";
    let (code, msg) = err(kf_producer_produce_zerocopy(
        p,
        t.as_ptr(),
        0,
        null(),
        0,
        value.as_mut_ptr(),
        3,
        None,
        std::ptr::null_mut(),
        null(),
        0,
        None,
        std::ptr::null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("free_value"), "{msg}");
    // An unknown partition is refused at produce time: the value is not released.
    let before = RELEASED.load(Ordering::SeqCst);
    let boxed = Box::into_raw(b"xyz".to_vec().into_boxed_slice()) as *mut u8;
    let (code, _) = err(kf_producer_produce_zerocopy(
        p,
        t.as_ptr(),
        99,
        null(),
        0,
        boxed,
        3,
        Some(release_boxed),
        3 as *mut c_void,
        null(),
        0,
        None,
        std::ptr::null_mut(),
    ));
    assert_eq!(code, KF_ERR__UNKNOWN_PARTITION);
    assert_eq!(RELEASED.load(Ordering::SeqCst), before);
    unsafe { release_boxed(3 as *mut c_void, boxed) }; // still ours
    ok(kf_producer_destroy(p));
}
