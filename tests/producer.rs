//! Producer through the C ABI, on the real broker and the mock cluster.
mod common;
use common::*;
use std::ptr::{null, null_mut};
use std::time::Duration;

#[test]
fn harness_round_trip_on_both_clusters() {
    for cluster in Cluster::both() {
        let topic = unique("harness");
        cluster.create_topic(&topic, 1);
        let values: Vec<Vec<u8>> = (0..10).map(|i| format!("value-{i}").into_bytes()).collect();
        produce_values(&cluster, &topic, 0, &values);
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
        let (msgs, _) = consume_n(c, 10, Duration::from_secs(30));
        assert_eq!(
            msgs.iter()
                .map(|m| m.value.clone().unwrap())
                .collect::<Vec<_>>(),
            values,
            "on {}",
            cluster.name()
        );
        ok(kf_consumer_close(c));
        ok(kf_consumer_destroy(c));
        let _ = null_mut::<u8>();
    }
}
