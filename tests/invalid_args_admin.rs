//! Invalid arguments to the AdminClient: the client and its options, every operation (blocking
//! and _async), the operation inputs, and the result accessors on NULL and out of range
//! (tests/admin.rs and tests/admin_acl.rs test the behaviour).
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::{c_char, c_void};
use std::ptr::{null, null_mut};

unsafe extern "C" fn noop_admin_result(_o: *mut c_void, r: *mut kafkaffi::ffi::kf_admin_result_t) {
    kafkaffi::ffi::result::kf_admin_result_destroy(r);
}

/// An admin client whose bootstrap server refuses connections: enough for argument checks.
fn unreachable_admin() -> Owned<kf_admin_t> {
    let c = config(&[("bootstrap.servers", "127.0.0.1:1")]);
    let mut e = null_mut();
    let a = own(kf_admin_new(c.get(), &mut e));
    ok(e);
    a
}

#[test]
fn invalid_args_admin_client_and_options() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    assert!(kf_admin_new(null(), &mut e).is_null());
    inv(e, &["kf_admin_new", "config"]);
    assert!(kf_admin_new(null(), null_mut()).is_null());
    let bad = config(&[
        ("bootstrap.servers", "x:1"),
        ("sasl.mechanism", "GSSAPI"),
        ("security.protocol", "SASL_PLAINTEXT"),
    ]);
    let mut e = null_mut();
    // Refused, or made (and destroyed when dropped).
    let refused = own(kf_admin_new(bad.get(), &mut e));
    if refused.is_null() {
        assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    }
    ok(kf_admin_destroy(null_mut()));
    inv(
        kf_admin_poll(null_mut(), 0, null_mut()),
        &["kf_admin_poll", "admin"],
    );
    inv(kf_admin_wake(null_mut()), &["kf_admin_wake", "admin"]);
    let mut fd = -1;
    inv(
        kf_admin_event_fd(null_mut(), &mut fd),
        &["kf_admin_event_fd", "admin"],
    );
    let admin = unreachable_admin();
    let a = admin.get();
    inv(
        kf_admin_event_fd(a, null_mut()),
        &["kf_admin_event_fd", "fd_out"],
    );
    assert_eq!(fd, -1);
    let mut md = null_mut();
    inv(
        kf_admin_list_topics(null_mut(), null(), 0, &mut md),
        &["kf_admin_list_topics", "admin"],
    );
    inv(
        kf_admin_list_topics(a, null(), 0, null_mut()),
        &["kf_admin_list_topics", "metadata_out"],
    );
    inv(
        kf_admin_list_topics(a, bad_utf8(), 0, &mut md),
        &["kf_admin_list_topics", "topic", "UTF-8"],
    );
    assert!(md.is_null());
    const S: &str = "kf_admin_set_sasl_credentials";
    inv(
        kf_admin_set_sasl_credentials(null_mut(), cs("u").as_ptr(), cs("p").as_ptr()),
        &[S, "admin"],
    );
    inv(
        kf_admin_set_sasl_credentials(a, null(), cs("p").as_ptr()),
        &[S, "username"],
    );
    inv(
        kf_admin_set_sasl_credentials(a, cs("u").as_ptr(), null()),
        &[S, "password"],
    );

    // options
    let options = own(kf_admin_options_new());
    let o = options.get();
    assert!(!o.is_null());
    for (f, e) in [
        (
            "kf_admin_options_set_request_timeout",
            kf_admin_options_set_request_timeout(null_mut(), 1),
        ),
        (
            "kf_admin_options_set_operation_timeout",
            kf_admin_options_set_operation_timeout(null_mut(), 1),
        ),
        (
            "kf_admin_options_set_validate_only",
            kf_admin_options_set_validate_only(null_mut(), true),
        ),
        (
            "kf_admin_options_set_include_authorized_operations",
            kf_admin_options_set_include_authorized_operations(null_mut(), true),
        ),
        (
            "kf_admin_options_set_require_stable_offsets",
            kf_admin_options_set_require_stable_offsets(null_mut(), true),
        ),
        (
            "kf_admin_options_set_isolation_level",
            kf_admin_options_set_isolation_level(null_mut(), 0),
        ),
        (
            "kf_admin_options_set_match_consumer_group_states",
            kf_admin_options_set_match_consumer_group_states(null_mut(), null(), 0),
        ),
        (
            "kf_admin_options_set_match_consumer_group_types",
            kf_admin_options_set_match_consumer_group_types(null_mut(), null(), 0),
        ),
    ] {
        inv(e, &[f, "options"]);
    }
    inv(
        kf_admin_options_set_request_timeout(o, -5),
        &["timeout_ms", "negative"],
    );
    inv(
        kf_admin_options_set_operation_timeout(o, -5),
        &["timeout_ms", "negative"],
    );
    inv(
        kf_admin_options_set_isolation_level(o, 2),
        &["isolation_level", "out of range"],
    );
    inv(
        kf_admin_options_set_isolation_level(o, -1),
        &["isolation_level"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_states(o, null(), 2),
        &["states", "NULL"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_states(o, [3, 6].as_ptr(), 2),
        &["states", "6"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_types(o, null(), 1),
        &["types", "NULL"],
    );
    inv(
        kf_admin_options_set_match_consumer_group_types(o, [-1].as_ptr(), 1),
        &["types"],
    );
    // Options an operation does not take: refused by the operation, naming the option.
    ok(kf_admin_options_set_require_stable_offsets(o, true));
    let mut r = null_mut();
    inv(
        kf_admin_describe_cluster(a, o, &mut r),
        &["kf_admin_describe_cluster", "require_stable_offsets"],
    );
    assert!(r.is_null());
    kf_admin_options_destroy(null_mut());
}

#[test]
fn invalid_args_admin_operations() {
    use kafkaffi::ffi::*;
    let admin = unreachable_admin();
    let a = admin.get();
    let cb: kf_admin_result_cb = Some(noop_admin_result);
    let mut r = null_mut();
    let name = cs("t");
    let names = [name.as_ptr()];
    let bad_names = [bad_utf8()];
    let null_names: [*const c_char; 1] = [null()];
    let list = own(kf_topic_partition_list_new(1));
    let l = list.get();
    ok(kf_topic_partition_list_add(l, name.as_ptr(), 0, null_mut()));

    let g = [kf_consumer_group_topic_partitions_t {
        group_id: name.as_ptr(),
        partitions: l,
    }];
    // Common checks: NULL admin, NULL result_out, NULL callback; result_out untouched.
    inv(
        kf_admin_create_topics(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_topics", "admin"],
    );
    inv(
        kf_admin_create_topics(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_topics", "result_out"],
    );
    inv(
        kf_admin_create_topics_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_topics_async", "callback"],
    );
    inv(
        kf_admin_create_topics_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_topics_async", "admin"],
    );
    inv(
        kf_admin_delete_topics(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_topics", "admin"],
    );
    inv(
        kf_admin_delete_topics(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_topics", "result_out"],
    );
    inv(
        kf_admin_delete_topics_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_topics_async", "callback"],
    );
    inv(
        kf_admin_delete_topics_async(null_mut(), names.as_ptr(), 1, null(), cb, null_mut()),
        &["kf_admin_delete_topics_async", "admin"],
    );
    inv(
        kf_admin_create_partitions(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_partitions", "admin"],
    );
    inv(
        kf_admin_create_partitions(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_partitions", "result_out"],
    );
    inv(
        kf_admin_create_partitions_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_partitions_async", "callback"],
    );
    inv(
        kf_admin_create_partitions_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_partitions_async", "admin"],
    );
    inv(
        kf_admin_describe_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_describe_configs", "admin"],
    );
    inv(
        kf_admin_describe_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_describe_configs", "result_out"],
    );
    inv(
        kf_admin_describe_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_describe_configs_async", "callback"],
    );
    inv(
        kf_admin_describe_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_describe_configs_async", "admin"],
    );
    inv(
        kf_admin_alter_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_alter_configs", "admin"],
    );
    inv(
        kf_admin_alter_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_alter_configs", "result_out"],
    );
    inv(
        kf_admin_alter_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_alter_configs_async", "callback"],
    );
    inv(
        kf_admin_alter_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_alter_configs_async", "admin"],
    );
    inv(
        kf_admin_incremental_alter_configs(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_incremental_alter_configs", "admin"],
    );
    inv(
        kf_admin_incremental_alter_configs(a, null(), 0, null(), null_mut()),
        &["kf_admin_incremental_alter_configs", "result_out"],
    );
    inv(
        kf_admin_incremental_alter_configs_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_incremental_alter_configs_async", "callback"],
    );
    inv(
        kf_admin_incremental_alter_configs_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_incremental_alter_configs_async", "admin"],
    );
    inv(
        kf_admin_describe_topics(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_describe_topics", "admin"],
    );
    inv(
        kf_admin_describe_topics(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_describe_topics", "result_out"],
    );
    inv(
        kf_admin_describe_topics_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_describe_topics_async", "callback"],
    );
    inv(
        kf_admin_describe_topics_async(null_mut(), names.as_ptr(), 1, null(), cb, null_mut()),
        &["kf_admin_describe_topics_async", "admin"],
    );
    inv(
        kf_admin_describe_cluster(null_mut(), null(), &mut r),
        &["kf_admin_describe_cluster", "admin"],
    );
    inv(
        kf_admin_describe_cluster(a, null(), null_mut()),
        &["kf_admin_describe_cluster", "result_out"],
    );
    inv(
        kf_admin_describe_cluster_async(a, null(), None, null_mut()),
        &["kf_admin_describe_cluster_async", "callback"],
    );
    inv(
        kf_admin_describe_cluster_async(null_mut(), null(), cb, null_mut()),
        &["kf_admin_describe_cluster_async", "admin"],
    );
    inv(
        kf_admin_list_consumer_groups(null_mut(), null(), &mut r),
        &["kf_admin_list_consumer_groups", "admin"],
    );
    inv(
        kf_admin_list_consumer_groups(a, null(), null_mut()),
        &["kf_admin_list_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_list_consumer_groups_async(a, null(), None, null_mut()),
        &["kf_admin_list_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_list_consumer_groups_async(null_mut(), null(), cb, null_mut()),
        &["kf_admin_list_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_describe_consumer_groups(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_describe_consumer_groups", "admin"],
    );
    inv(
        kf_admin_describe_consumer_groups(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_describe_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_describe_consumer_groups_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_describe_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_describe_consumer_groups_async(
            null_mut(),
            names.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_describe_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_delete_consumer_groups(null_mut(), names.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_consumer_groups", "admin"],
    );
    inv(
        kf_admin_delete_consumer_groups(a, names.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_consumer_groups", "result_out"],
    );
    inv(
        kf_admin_delete_consumer_groups_async(a, names.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_consumer_groups_async", "callback"],
    );
    inv(
        kf_admin_delete_consumer_groups_async(
            null_mut(),
            names.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_delete_consumer_groups_async", "admin"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_list_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_list_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_list_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_list_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_list_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_list_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_alter_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_alter_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_alter_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_alter_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_alter_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(null_mut(), g.as_ptr(), 1, null(), &mut r),
        &["kf_admin_delete_consumer_group_offsets", "admin"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(a, g.as_ptr(), 1, null(), null_mut()),
        &["kf_admin_delete_consumer_group_offsets", "result_out"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets_async(a, g.as_ptr(), 1, null(), None, null_mut()),
        &["kf_admin_delete_consumer_group_offsets_async", "callback"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets_async(
            null_mut(),
            g.as_ptr(),
            1,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_delete_consumer_group_offsets_async", "admin"],
    );
    inv(
        kf_admin_create_acls(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_create_acls", "admin"],
    );
    inv(
        kf_admin_create_acls(a, null(), 0, null(), null_mut()),
        &["kf_admin_create_acls", "result_out"],
    );
    inv(
        kf_admin_create_acls_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_create_acls_async", "callback"],
    );
    inv(
        kf_admin_create_acls_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_create_acls_async", "admin"],
    );
    inv(
        kf_admin_describe_acls(null_mut(), null(), null(), &mut r),
        &["kf_admin_describe_acls", "admin"],
    );
    inv(
        kf_admin_describe_acls(a, null(), null(), null_mut()),
        &["kf_admin_describe_acls", "result_out"],
    );
    inv(
        kf_admin_describe_acls_async(a, null(), null(), None, null_mut()),
        &["kf_admin_describe_acls_async", "callback"],
    );
    inv(
        kf_admin_describe_acls_async(null_mut(), null(), null(), cb, null_mut()),
        &["kf_admin_describe_acls_async", "admin"],
    );
    inv(
        kf_admin_delete_acls(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_delete_acls", "admin"],
    );
    inv(
        kf_admin_delete_acls(a, null(), 0, null(), null_mut()),
        &["kf_admin_delete_acls", "result_out"],
    );
    inv(
        kf_admin_delete_acls_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_delete_acls_async", "callback"],
    );
    inv(
        kf_admin_delete_acls_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_delete_acls_async", "admin"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_describe_user_scram_credentials", "admin"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(a, null(), 0, null(), null_mut()),
        &["kf_admin_describe_user_scram_credentials", "result_out"],
    );
    inv(
        kf_admin_describe_user_scram_credentials_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_describe_user_scram_credentials_async", "callback"],
    );
    inv(
        kf_admin_describe_user_scram_credentials_async(
            null_mut(),
            null(),
            0,
            null(),
            cb,
            null_mut(),
        ),
        &["kf_admin_describe_user_scram_credentials_async", "admin"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(null_mut(), null(), 0, null(), &mut r),
        &["kf_admin_alter_user_scram_credentials", "admin"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(a, null(), 0, null(), null_mut()),
        &["kf_admin_alter_user_scram_credentials", "result_out"],
    );
    inv(
        kf_admin_alter_user_scram_credentials_async(a, null(), 0, null(), None, null_mut()),
        &["kf_admin_alter_user_scram_credentials_async", "callback"],
    );
    inv(
        kf_admin_alter_user_scram_credentials_async(null_mut(), null(), 0, null(), cb, null_mut()),
        &["kf_admin_alter_user_scram_credentials_async", "admin"],
    );
    inv(
        kf_admin_list_offsets(null_mut(), l, null(), &mut r),
        &["kf_admin_list_offsets", "admin"],
    );
    inv(
        kf_admin_list_offsets(a, l, null(), null_mut()),
        &["kf_admin_list_offsets", "result_out"],
    );
    inv(
        kf_admin_list_offsets_async(a, l, null(), None, null_mut()),
        &["kf_admin_list_offsets_async", "callback"],
    );
    inv(
        kf_admin_list_offsets_async(null_mut(), l, null(), cb, null_mut()),
        &["kf_admin_list_offsets_async", "admin"],
    );
    inv(
        kf_admin_delete_records(null_mut(), l, null(), &mut r),
        &["kf_admin_delete_records", "admin"],
    );
    inv(
        kf_admin_delete_records(a, l, null(), null_mut()),
        &["kf_admin_delete_records", "result_out"],
    );
    inv(
        kf_admin_delete_records_async(a, l, null(), None, null_mut()),
        &["kf_admin_delete_records_async", "callback"],
    );
    inv(
        kf_admin_delete_records_async(null_mut(), l, null(), cb, null_mut()),
        &["kf_admin_delete_records_async", "admin"],
    );
    inv(
        kf_admin_elect_leaders(null_mut(), 0, l, null(), &mut r),
        &["kf_admin_elect_leaders", "admin"],
    );
    inv(
        kf_admin_elect_leaders(a, 0, l, null(), null_mut()),
        &["kf_admin_elect_leaders", "result_out"],
    );
    inv(
        kf_admin_elect_leaders_async(a, 0, l, null(), None, null_mut()),
        &["kf_admin_elect_leaders_async", "callback"],
    );
    inv(
        kf_admin_elect_leaders_async(null_mut(), 0, l, null(), cb, null_mut()),
        &["kf_admin_elect_leaders_async", "admin"],
    );
    assert!(r.is_null(), "result_out written on failure");
    // Inputs: NULL arrays with a count, NULL elements, bad strings, bad enum values.
    inv(
        kf_admin_create_topics(a, null(), 1, null(), &mut r),
        &["kf_admin_create_topics", "topics"],
    );
    inv(
        kf_admin_create_topics(a, [null()].as_ptr(), 1, null(), &mut r),
        &["topics[0]"],
    );
    inv(
        kf_admin_delete_topics(a, null(), 2, null(), &mut r),
        &["kf_admin_delete_topics", "topics"],
    );
    inv(
        kf_admin_delete_topics(a, null_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "NULL"],
    );
    inv(
        kf_admin_delete_topics(a, bad_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "UTF-8"],
    );
    inv(
        kf_admin_create_partitions(a, [null()].as_ptr(), 1, null(), &mut r),
        &["new_partitions[0]"],
    );
    inv(
        kf_admin_describe_configs(a, null(), 1, null(), &mut r),
        &["resources"],
    );
    inv(
        kf_admin_alter_configs(a, [null()].as_ptr(), 1, null(), &mut r),
        &["resources[0]"],
    );
    inv(
        kf_admin_incremental_alter_configs(a, null(), 3, null(), &mut r),
        &["resources"],
    );
    inv(
        kf_admin_describe_topics(a, bad_names.as_ptr(), 1, null(), &mut r),
        &["topics[0]", "UTF-8"],
    );
    inv(
        kf_admin_describe_consumer_groups(a, null(), 1, null(), &mut r),
        &["groups"],
    );
    inv(
        kf_admin_delete_consumer_groups(a, null_names.as_ptr(), 1, null(), &mut r),
        &["groups[0]"],
    );
    const LO: &str = "kf_admin_list_consumer_group_offsets";
    inv(
        kf_admin_list_consumer_group_offsets(a, null(), 0, null(), &mut r),
        &[LO, "no group"],
    );
    inv(
        kf_admin_list_consumer_group_offsets(a, null(), 1, null(), &mut r),
        &[LO, "groups"],
    );
    let g_bad = [kf_consumer_group_topic_partitions_t {
        group_id: bad_utf8(),
        partitions: null(),
    }];
    inv(
        kf_admin_list_consumer_group_offsets(a, g_bad.as_ptr(), 1, null(), &mut r),
        &["groups[0].group_id", "UTF-8"],
    );
    let g_null = [kf_consumer_group_topic_partitions_t {
        group_id: name.as_ptr(),
        partitions: null(),
    }];
    inv(
        kf_admin_alter_consumer_group_offsets(a, g_null.as_ptr(), 1, null(), &mut r),
        &["groups[0].partitions", "NULL"],
    );
    inv(
        kf_admin_delete_consumer_group_offsets(a, g_null.as_ptr(), 1, null(), &mut r),
        &["groups[0].partitions"],
    );
    inv(
        kf_admin_create_acls(a, [null()].as_ptr(), 1, null(), &mut r),
        &["acls[0]"],
    );
    inv(
        kf_admin_delete_acls(a, null(), 1, null(), &mut r),
        &["filters"],
    );
    inv(
        kf_admin_describe_user_scram_credentials(a, null(), 1, null(), &mut r),
        &["users"],
    );
    inv(
        kf_admin_alter_user_scram_credentials(a, [null()].as_ptr(), 1, null(), &mut r),
        &["alterations[0]"],
    );
    inv(
        kf_admin_list_offsets(a, null(), null(), &mut r),
        &["kf_admin_list_offsets", "partitions"],
    );
    inv(
        kf_admin_delete_records(a, null(), null(), &mut r),
        &["kf_admin_delete_records", "before_offsets"],
    );
    inv(
        kf_admin_elect_leaders(a, 2, null(), null(), &mut r),
        &["election_type", "out of range"],
    );
    inv(
        kf_admin_elect_leaders_async(a, -1, null(), null(), cb, null_mut()),
        &["election_type"],
    );
    assert!(r.is_null());
}

#[test]
fn invalid_args_admin_inputs() {
    use kafkaffi::ffi::inputs::*;
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    // NewTopic
    const NT: &str = "kf_new_topic_new";
    assert!(kf_new_topic_new(null(), 1, 1, &mut e).is_null());
    inv(e, &[NT, "topic"]);
    assert!(kf_new_topic_new(bad_utf8(), 1, 1, &mut e).is_null());
    inv(e, &[NT, "topic", "UTF-8"]);
    assert!(kf_new_topic_new(cs("t").as_ptr(), -2, 1, &mut e).is_null());
    inv(e, &[NT]);
    assert!(kf_new_topic_new(cs("t").as_ptr(), 1, -7, null_mut()).is_null());
    e = null_mut();
    let new_topic = own(kf_new_topic_new(cs("t").as_ptr(), 2, -1, &mut e));
    ok(e);
    let t = new_topic.get();
    const RA: &str = "kf_new_topic_set_replica_assignment";
    inv(
        kf_new_topic_set_replica_assignment(null_mut(), 0, [1].as_ptr(), 1),
        &[RA, "new_topic"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 0, null(), 1),
        &[RA, "broker_ids", "NULL"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 0, [1].as_ptr(), 0),
        &[RA, "broker_ids", "empty"],
    );
    inv(
        kf_new_topic_set_replica_assignment(t, 3, [1].as_ptr(), 1),
        &[RA],
    );
    const SC: &str = "kf_new_topic_set_config";
    inv(
        kf_new_topic_set_config(null_mut(), cs("a").as_ptr(), cs("b").as_ptr()),
        &[SC, "new_topic"],
    );
    inv(
        kf_new_topic_set_config(t, null(), cs("b").as_ptr()),
        &[SC, "name"],
    );
    inv(
        kf_new_topic_set_config(t, cs("a").as_ptr(), bad_utf8()),
        &[SC, "value", "UTF-8"],
    );
    kf_new_topic_destroy(null_mut());
    // NewPartitions
    const NP: &str = "kf_new_partitions_new";
    assert!(kf_new_partitions_new(null(), 2, &mut e).is_null());
    inv(e, &[NP, "topic"]);
    assert!(kf_new_partitions_new(cs("t").as_ptr(), usize::MAX, &mut e).is_null());
    inv(e, &[NP]);
    e = null_mut();
    let new_partitions = own(kf_new_partitions_new(cs("t").as_ptr(), 4, &mut e));
    ok(e);
    let p = new_partitions.get();
    const PRA: &str = "kf_new_partitions_set_replica_assignment";
    inv(
        kf_new_partitions_set_replica_assignment(null_mut(), 0, [1].as_ptr(), 1),
        &[PRA, "new_partitions"],
    );
    inv(
        kf_new_partitions_set_replica_assignment(p, 0, null(), 3),
        &[PRA, "broker_ids"],
    );
    kf_new_partitions_destroy(null_mut());
    // ConfigResource
    const CR: &str = "kf_config_resource_new";
    assert!(kf_config_resource_new(KF_RESOURCE_TOPIC, null(), &mut e).is_null());
    inv(e, &[CR, "name"]);
    assert!(kf_config_resource_new(99, cs("t").as_ptr(), &mut e).is_null());
    inv(e, &[CR, "restype", "99"]);
    assert!(kf_config_resource_new(-1, cs("t").as_ptr(), null_mut()).is_null());
    e = null_mut();
    let resource = own(kf_config_resource_new(
        KF_RESOURCE_TOPIC,
        cs("t").as_ptr(),
        &mut e,
    ));
    ok(e);
    let r = resource.get();
    const CS: &str = "kf_config_resource_set_config";
    inv(
        kf_config_resource_set_config(null_mut(), cs("a").as_ptr(), null()),
        &[CS, "resource"],
    );
    inv(
        kf_config_resource_set_config(r, null(), cs("b").as_ptr()),
        &[CS, "name"],
    );
    inv(
        kf_config_resource_set_config(r, cs("a").as_ptr(), bad_utf8()),
        &[CS, "value", "UTF-8"],
    );
    inv(
        kf_config_resource_set_config(r, cs("a").as_ptr(), null()),
        &[CS, "value", "NULL"],
    );
    const AI: &str = "kf_config_resource_add_incremental_config";
    inv(
        kf_config_resource_add_incremental_config(
            null_mut(),
            cs("a").as_ptr(),
            0,
            cs("1").as_ptr(),
        ),
        &[AI, "resource"],
    );
    inv(
        kf_config_resource_add_incremental_config(r, null(), 0, cs("1").as_ptr()),
        &[AI, "name"],
    );
    inv(
        kf_config_resource_add_incremental_config(r, cs("a").as_ptr(), 4, cs("1").as_ptr()),
        &[AI, "op_type"],
    );
    inv(
        kf_config_resource_add_incremental_config(
            r,
            cs("a").as_ptr(),
            KF_ALTER_CONFIG_OP_TYPE_SET,
            null(),
        ),
        &[AI],
    );
    kf_config_resource_destroy(null_mut());
    // ACL bindings and filters
    let s = |x: &str| cs(x);
    let (n, pr, h) = (s("t"), s("User:a"), s("*"));
    const AB: &str = "kf_acl_binding_new";
    for (restype, name, pattern, principal, host, op, perm, needle) in [
        (99, n.as_ptr(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "restype"),
        (
            2,
            n.as_ptr(),
            9,
            pr.as_ptr(),
            h.as_ptr(),
            3,
            3,
            "resource_pattern_type",
        ),
        (
            2,
            n.as_ptr(),
            3,
            pr.as_ptr(),
            h.as_ptr(),
            13,
            3,
            "operation",
        ),
        (
            2,
            n.as_ptr(),
            3,
            pr.as_ptr(),
            h.as_ptr(),
            3,
            4,
            "permission_type",
        ),
        (2, null(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "name"),
        (2, n.as_ptr(), 3, null(), h.as_ptr(), 3, 3, "principal"),
        (2, n.as_ptr(), 3, pr.as_ptr(), null(), 3, 3, "host"),
        (2, bad_utf8(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, "UTF-8"),
        (1, n.as_ptr(), 3, pr.as_ptr(), h.as_ptr(), 3, 3, AB),
        (2, n.as_ptr(), 1, pr.as_ptr(), h.as_ptr(), 3, 3, AB),
    ] {
        assert!(
            kf_acl_binding_new(restype, name, pattern, principal, host, op, perm, &mut e).is_null()
        );
        inv(e, &[AB, needle]);
    }
    const AF: &str = "kf_acl_binding_filter_new";
    assert!(kf_acl_binding_filter_new(2, null(), 1, null(), null(), 0, 1, &mut e).is_null());
    inv(e, &[AF]);
    assert!(kf_acl_binding_filter_new(-1, null(), 1, null(), null(), 1, 1, null_mut()).is_null());
    kf_acl_binding_destroy(null_mut());
    assert_eq!(kf_acl_binding_restype(null()), -1);
    assert!(kf_acl_binding_name(null()).is_null());
    assert_eq!(kf_acl_binding_resource_pattern_type(null()), -1);
    assert!(kf_acl_binding_principal(null()).is_null());
    assert!(kf_acl_binding_host(null()).is_null());
    assert_eq!(kf_acl_binding_operation(null()), -1);
    assert_eq!(kf_acl_binding_permission_type(null()), -1);
    // SCRAM alterations
    const UP: &str = "kf_user_scram_credential_upsertion_new";
    let pw = b"pw";
    assert!(kf_user_scram_credential_upsertion_new(
        null(),
        1,
        4096,
        pw.as_ptr(),
        2,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "user"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        3,
        4096,
        pw.as_ptr(),
        2,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "mechanism"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        1,
        4096,
        null(),
        0,
        null(),
        0,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "password", "NULL"]);
    assert!(kf_user_scram_credential_upsertion_new(
        cs("u").as_ptr(),
        1,
        4096,
        pw.as_ptr(),
        2,
        null(),
        5,
        &mut e
    )
    .is_null());
    inv(e, &[UP, "salt"]);
    const DEL: &str = "kf_user_scram_credential_deletion_new";
    assert!(kf_user_scram_credential_deletion_new(bad_utf8(), 1, &mut e).is_null());
    inv(e, &[DEL, "user", "UTF-8"]);
    assert!(kf_user_scram_credential_deletion_new(cs("u").as_ptr(), 0, null_mut()).is_null());
    kf_user_scram_credential_alteration_destroy(null_mut());
}

#[test]
fn invalid_args_admin_result_accessors_on_null_and_out_of_range() {
    use kafkaffi::ffi::result::*;
    use kafkaffi::ffi::*;
    // A real result to index out of range: the request times out against a closed port.
    let a = unreachable_admin();
    let o = own(kf_admin_options_new());
    ok(kf_admin_options_set_request_timeout(o.get(), 200));
    let t = cs("t");
    let mut real = null_mut();
    ok(kf_admin_describe_topics(
        a.get(),
        [t.as_ptr()].as_ptr(),
        1,
        o.get(),
        &mut real,
    ));
    let result = own(real);
    drop(o);
    assert_eq!(kf_admin_result_item_count(real), 1);
    assert_eq!(kf_admin_result_item_error_code(real, 0), KF_ERR__TIMED_OUT);
    for r in [null_mut(), real] {
        let i = if r.is_null() { 0 } else { 5 };
        if r.is_null() {
            assert_eq!(kf_admin_result_operation(r), 0);
            assert!(kf_admin_result_error(r).is_null());
            assert_eq!(kf_admin_result_item_count(r), 0);
        }
        assert!(kf_admin_result_item_name(r, i).is_null());
        assert!(kf_admin_result_item_error(r, i).is_null());
        assert_eq!(kf_admin_result_item_error_code(r, i), KF_ERR__INVALID_ARG);
        assert_eq!(kf_admin_result_item_partition(r, i), -1);
        assert_eq!(kf_admin_result_item_offset(r, i), -1);
        assert_eq!(kf_admin_result_item_timestamp(r, i), -1);
        assert_eq!(kf_admin_result_item_leader_epoch(r, i), -1);
        assert_eq!(kf_admin_result_item_resource_type(r, i), -1);
        assert_eq!(kf_admin_result_item_config_count(r, i), 0);
        assert!(kf_admin_result_item_config(r, i, 0).is_null());
        assert!(kf_admin_result_item_config_find(r, i, cs("x").as_ptr()).is_null());
        assert!(kf_admin_result_item_topic_description(r, i).is_null());
        assert!(kf_admin_result_cluster_description(r).is_null());
        assert!(kf_admin_result_item_consumer_group_listing(r, i).is_null());
        assert!(kf_admin_result_item_consumer_group_description(r, i).is_null());
        assert!(kf_admin_result_item_partitions(r, i).is_null());
        assert_eq!(kf_admin_result_item_acl_count(r, i), 0);
        assert!(kf_admin_result_item_acl(r, i, 0).is_null());
        assert_eq!(kf_admin_result_item_scram_credential_count(r, i), 0);
        assert_eq!(kf_admin_result_item_scram_mechanism(r, i, 0), -1);
        assert_eq!(kf_admin_result_item_scram_iterations(r, i, 0), -1);
    }
    // Item 0 of the timed-out describe_topics: an error, so no description.
    assert!(kf_admin_result_item_topic_description(real, 0).is_null());
    assert!(kf_admin_result_item_config_find(real, 0, null()).is_null());
    assert!(kf_admin_result_item_config_find(real, 0, bad_utf8()).is_null());
    drop(result);
    kf_admin_result_destroy(null_mut());
    ok(a.destroy());
    // Borrowed descriptions, on NULL.
    assert!(kf_config_entry_name(null()).is_null());
    assert!(kf_config_entry_value(null()).is_null());
    assert_eq!(kf_config_entry_source(null()), -1);
    assert!(!kf_config_entry_is_read_only(null()));
    assert!(!kf_config_entry_is_default(null()));
    assert!(!kf_config_entry_is_sensitive(null()));
    assert!(!kf_config_entry_is_synonym(null()));
    assert_eq!(kf_config_entry_synonym_count(null()), 0);
    assert!(kf_config_entry_synonym(null(), 0).is_null());
    assert!(kf_topic_description_name(null()).is_null());
    assert!(kf_topic_description_topic_id(null()).is_null());
    assert!(!kf_topic_description_is_internal(null()));
    assert_eq!(kf_topic_description_partition_count(null()), 0);
    assert_eq!(kf_topic_description_partition_id(null(), 0), -1);
    assert!(kf_topic_description_partition_leader(null(), 0).is_null());
    assert_eq!(kf_topic_description_partition_replica_count(null(), 0), 0);
    assert!(kf_topic_description_partition_replica(null(), 0, 0).is_null());
    assert_eq!(kf_topic_description_partition_isr_count(null(), 0), 0);
    assert!(kf_topic_description_partition_isr(null(), 0, 0).is_null());
    let mut n = 9;
    assert!(kf_topic_description_authorized_operations(null(), &mut n).is_null());
    assert_eq!(n, 0);
    assert!(kf_topic_description_authorized_operations(null(), null_mut()).is_null());
    assert_eq!(kf_node_id(null()), -1);
    assert!(kf_node_host(null()).is_null());
    assert_eq!(kf_node_port(null()), -1);
    assert!(kf_node_rack(null()).is_null());
    assert!(kf_cluster_description_cluster_id(null()).is_null());
    assert!(kf_cluster_description_controller(null()).is_null());
    assert_eq!(kf_cluster_description_node_count(null()), 0);
    assert!(kf_cluster_description_node(null(), 0).is_null());
    assert!(kf_cluster_description_authorized_operations(null(), null_mut()).is_null());
    assert!(kf_consumer_group_listing_group_id(null()).is_null());
    assert!(!kf_consumer_group_listing_is_simple_consumer_group(null()));
    assert_eq!(kf_consumer_group_listing_state(null()), -1);
    assert_eq!(kf_consumer_group_listing_type(null()), -1);
    assert!(kf_consumer_group_description_group_id(null()).is_null());
    assert!(!kf_consumer_group_description_is_simple_consumer_group(
        null()
    ));
    assert!(kf_consumer_group_description_partition_assignor(null()).is_null());
    assert_eq!(kf_consumer_group_description_state(null()), -1);
    assert_eq!(kf_consumer_group_description_type(null()), -1);
    assert!(kf_consumer_group_description_coordinator(null()).is_null());
    assert_eq!(kf_consumer_group_description_member_count(null()), 0);
    assert!(kf_consumer_group_description_member(null(), 0).is_null());
    assert!(kf_consumer_group_description_authorized_operations(null(), &mut n).is_null());
    assert!(kf_member_description_client_id(null()).is_null());
    assert!(kf_member_description_group_instance_id(null()).is_null());
    assert!(kf_member_description_consumer_id(null()).is_null());
    assert!(kf_member_description_host(null()).is_null());
    assert!(kf_member_description_assignment(null()).is_null());
    assert!(kf_member_description_target_assignment(null()).is_null());
}
