//! A fast end-to-end check on the mock cluster: produce with a delivery callback, consume back.
use std::ffi::{CStr, CString};
use std::os::raw::c_void;
use std::ptr::null_mut;

use kafkaffi::ffi::*;

fn ok(e: *mut kf_error_t) {
    if !e.is_null() {
        let msg = unsafe { CStr::from_ptr(kf_error_message(e)) }
            .to_string_lossy()
            .into_owned();
        kf_error_destroy(e);
        panic!("kafkaffi error: {msg}");
    }
}

unsafe extern "C" fn count_delivery(
    opaque: *mut c_void,
    _m: *const kf_message_t,
    err: *const kf_error_t,
) {
    assert!(err.is_null());
    *(opaque as *mut usize) += 1;
}

#[test]
fn produce_and_consume_on_mock_cluster() {
    let mock = kf_mock_cluster_new(1, null_mut());
    assert!(!mock.is_null());
    let bs = unsafe { CStr::from_ptr(kf_mock_cluster_bootstrap_servers(mock)) }.to_owned();
    let topic = CString::new("smoke").unwrap();
    ok(kf_mock_cluster_topic_create(mock, topic.as_ptr(), 1, 1));

    let conf = kf_config_new();
    ok(kf_config_set(
        conf,
        c"bootstrap.servers".as_ptr(),
        bs.as_ptr(),
    ));
    let p = kf_producer_new(conf, null_mut());
    assert!(!p.is_null());
    let mut delivered = 0usize;
    for i in 0..100 {
        let v = format!("v{i}");
        ok(kf_producer_produce(
            p,
            topic.as_ptr(),
            -1,
            null_mut(),
            0,
            v.as_ptr(),
            v.len(),
            null_mut(),
            0,
            Some(count_delivery),
            &mut delivered as *mut usize as *mut c_void,
        ));
    }
    let mut remaining = 99;
    ok(kf_producer_flush(p, 10_000, &mut remaining));
    assert_eq!(remaining, 0);
    assert_eq!(delivered, 100);
    ok(kf_producer_destroy(p));

    ok(kf_config_set_json(
        conf,
        cr#"{"group.id": "g", "auto.offset.reset": "earliest"}"#.as_ptr(),
    ));
    let c = kf_consumer_new(conf, null_mut());
    assert!(!c.is_null());
    let topics = [topic.as_ptr()];
    ok(kf_consumer_subscribe(
        c,
        topics.as_ptr(),
        1,
        std::ptr::null(),
    ));
    let mut got = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while got < 100 && std::time::Instant::now() < deadline {
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 500, &mut m));
        if !m.is_null() {
            if kf_message_error_code(m) == 0 {
                let mut len = 0;
                let v = kf_message_value(m, &mut len);
                let s = unsafe { std::slice::from_raw_parts(v, len) };
                assert_eq!(s, format!("v{got}").as_bytes());
                got += 1;
            }
            kf_message_destroy(m);
        }
    }
    assert_eq!(got, 100);
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    kf_config_destroy(conf);
    kf_mock_cluster_destroy(mock);
}
