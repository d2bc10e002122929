//! Invalid arguments to the functions of issue 12 items 7-8: constants, partitioners, group
//! metadata bytes, cluster and controller ids, consumer SASL credentials, rebalance protocol,
//! assignment lost, producer close; and client handles of the wrong kind.
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::c_void;
use std::ptr::{null, null_mut};

#[test]
fn invalid_args_constants_and_partitioners() {
    assert!(kf_constant_count() > 250);
    assert!(kf_constant_at(kf_constant_count()).is_null());
    assert!(kf_constant_name(null(), 0).is_null());
    assert!(kf_constant_name(bad_utf8(), 0).is_null());
    assert!(kf_constant_name(cs("KF_ERR").as_ptr(), i64::MAX).is_null());
    let mut p = -1;
    let k = b"k".as_ptr() as *const c_void;
    for (f, name) in [
        (
            kf_partitioner_murmur2 as extern "C" fn(_, _, _, _) -> _,
            "kf_partitioner_murmur2",
        ),
        (kf_partitioner_consistent, "kf_partitioner_consistent"),
        (kf_partitioner_fnv1a, "kf_partitioner_fnv1a"),
    ] {
        inv(f(null(), 3, 10, &mut p), &[name, "key", "length is 3"]);
        inv(f(k, 1, 0, &mut p), &[name, "partition_count is 0"]);
        inv(f(k, 1, -5, &mut p), &[name, "partition_count is -5"]);
        inv(f(k, 1, 10, null_mut()), &[name, "partition_out"]);
        assert_eq!(p, -1, "partition_out written on failure");
    }
    // Each by name as well (the coverage check looks for calls).
    inv(
        kf_partitioner_murmur2(k, 1, 0, &mut p),
        &["kf_partitioner_murmur2"],
    );
    inv(
        kf_partitioner_consistent(k, 1, 0, &mut p),
        &["kf_partitioner_consistent"],
    );
    inv(
        kf_partitioner_fnv1a(k, 1, 0, &mut p),
        &["kf_partitioner_fnv1a"],
    );
}

#[test]
fn invalid_args_group_metadata_bytes() {
    const N: &str = "kf_consumer_group_metadata_new";
    let mut e = null_mut();
    assert!(kf_consumer_group_metadata_new(null(), &mut e).is_null());
    inv(e, &[N, "group_id"]);
    assert!(kf_consumer_group_metadata_new(bad_utf8(), &mut e).is_null());
    inv(e, &[N, "group_id", "UTF-8"]);
    assert!(kf_consumer_group_metadata_new(null(), null_mut()).is_null());
    let m = own(kf_consumer_group_metadata_new(cs("g").as_ptr(), null_mut()));
    assert!(!m.is_null());
    const W: &str = "kf_consumer_group_metadata_write";
    let b = own(kf_buffer_new());
    inv(
        kf_consumer_group_metadata_write(null(), b.get()),
        &[W, "cgmd"],
    );
    inv(
        kf_consumer_group_metadata_write(m.get(), null_mut()),
        &[W, "buffer"],
    );
    const R: &str = "kf_consumer_group_metadata_read";
    let mut out = null_mut();
    inv(
        kf_consumer_group_metadata_read(null(), 4, &mut out),
        &[R, "bytes"],
    );
    inv(
        kf_consumer_group_metadata_read(null(), 0, &mut out),
        &[R, "bytes is NULL"],
    );
    inv(
        kf_consumer_group_metadata_read(b"abcd".as_ptr(), 4, null_mut()),
        &[R, "cgmd_out"],
    );
    let (code, msg) = err(kf_consumer_group_metadata_read(
        b"abcd".as_ptr(),
        4,
        &mut out,
    ));
    assert_eq!(code, KF_ERR__BAD_MSG, "{msg}");
    assert!(out.is_null());
}

#[test]
fn invalid_args_client_extras() {
    let cluster = Cluster::mock(1);
    let p = cluster.producer(&[]);
    let c = cluster.consumer(&[("group.id", "inv-extras")]);
    let conf = own(cluster.config(&[]));
    let mut e = null_mut();
    let a = own(kf_admin_new(conf.get(), &mut e));
    ok(e);
    let mut id = null_mut();
    let mut ctl = -42;
    for (r, f, what) in [
        (
            kf_producer_cluster_id(null_mut(), 0, &mut id),
            "kf_producer_cluster_id",
            "producer",
        ),
        (
            kf_producer_cluster_id(p.get(), 0, null_mut()),
            "kf_producer_cluster_id",
            "cluster_id_out",
        ),
        (
            kf_consumer_cluster_id(null_mut(), 0, &mut id),
            "kf_consumer_cluster_id",
            "consumer",
        ),
        (
            kf_consumer_cluster_id(c.get(), 0, null_mut()),
            "kf_consumer_cluster_id",
            "cluster_id_out",
        ),
        (
            kf_admin_cluster_id(null_mut(), 0, &mut id),
            "kf_admin_cluster_id",
            "admin",
        ),
        (
            kf_admin_cluster_id(a.get(), 0, null_mut()),
            "kf_admin_cluster_id",
            "cluster_id_out",
        ),
        (
            kf_producer_controller_id(null_mut(), 0, &mut ctl),
            "kf_producer_controller_id",
            "producer",
        ),
        (
            kf_producer_controller_id(p.get(), 0, null_mut()),
            "kf_producer_controller_id",
            "controller_id_out",
        ),
        (
            kf_consumer_controller_id(null_mut(), 0, &mut ctl),
            "kf_consumer_controller_id",
            "consumer",
        ),
        (
            kf_consumer_controller_id(c.get(), 0, null_mut()),
            "kf_consumer_controller_id",
            "controller_id_out",
        ),
        (
            kf_admin_controller_id(null_mut(), 0, &mut ctl),
            "kf_admin_controller_id",
            "admin",
        ),
        (
            kf_admin_controller_id(a.get(), 0, null_mut()),
            "kf_admin_controller_id",
            "controller_id_out",
        ),
        (
            kf_consumer_set_sasl_credentials(null_mut(), cs("u").as_ptr(), cs("p").as_ptr()),
            "kf_consumer_set_sasl_credentials",
            "consumer",
        ),
        (
            kf_consumer_set_sasl_credentials(c.get(), null(), cs("p").as_ptr()),
            "kf_consumer_set_sasl_credentials",
            "username",
        ),
        (
            kf_consumer_set_sasl_credentials(c.get(), cs("u").as_ptr(), null()),
            "kf_consumer_set_sasl_credentials",
            "password",
        ),
        (
            kf_consumer_set_sasl_credentials(c.get(), cs("u").as_ptr(), bad_utf8()),
            "kf_consumer_set_sasl_credentials",
            "UTF-8",
        ),
        (
            kf_producer_close(null_mut(), 0, null_mut()),
            "kf_producer_close",
            "producer",
        ),
    ] {
        inv(r, &[f, what]);
    }
    assert!(id.is_null() && ctl == -42, "outputs written on failure");
    assert_eq!(
        kf_consumer_rebalance_protocol(null()),
        KF_REBALANCE_PROTOCOL_NONE
    );
    assert!(!kf_consumer_assignment_lost(null()));
    // Wrong kinds: every client kind refused where another is expected.
    inv(
        kf_producer_close(c.get() as *mut kf_producer_t, 0, null_mut()),
        &["kf_producer_close: producer is not a kf_producer_t (it is a kf_consumer_t)"],
    );
    inv(
        kf_consumer_cluster_id(a.get() as *mut kf_consumer_t, 0, &mut id),
        &["kf_consumer_cluster_id: consumer is not a kf_consumer_t (it is a kf_admin_t)"],
    );
    inv(
        kf_admin_controller_id(c.get() as *mut kf_admin_t, 0, &mut ctl),
        &["kf_admin_controller_id: admin is not a kf_admin_t (it is a kf_consumer_t)"],
    );
    inv(
        kf_producer_destroy(a.get() as *mut kf_producer_t),
        &["kf_producer_destroy: producer is not a kf_producer_t (it is a kf_admin_t)"],
    );
    assert!(!kf_consumer_assignment_lost(p.get() as *const kf_consumer_t));
}
