//! ACLs through the C ABI against a broker running Kafka's StandardAuthorizer
//! (scripts/kafka/start.sh with KAFKAFFI_KAFKA_AUTHORIZER=1; super users admin and ANONYMOUS).
//!
//! The broker: KAFKA_ACL_BOOTSTRAP_SERVERS (PLAINTEXT: ANONYMOUS, a super user) and
//! KAFKA_ACL_SASL_BOOTSTRAP_SERVERS (SASL PLAIN as plainuser, or KAFKA_ACL_USER / KAFKA_ACL_PASSWORD:
//! a user who gets only what ACLs grant),
//! falling back to KAFKA_BOOTSTRAP_SERVERS / KAFKA_SASL_BOOTSTRAP_SERVERS when the default test
//! broker runs the authorizer. A broker without an authorizer fails the test (never skips).
mod common;
use common::*;

use std::os::raw::c_void;
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

use kafkaffi::ffi::inputs::*;
use kafkaffi::ffi::result::*;

fn env2(primary: &str, fallback: &str) -> String {
    std::env::var(primary)
        .or_else(|_| std::env::var(fallback))
        .unwrap_or_else(|_| panic!("neither {primary} nor {fallback} is set: start a broker with KAFKAFFI_KAFKA_AUTHORIZER=1 scripts/kafka/start.sh"))
}

fn config(props: &[(&str, &str)]) -> *mut kf_config_t {
    let c = kf_config_new();
    for (k, v) in props {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    c
}

/// A super user's admin client (PLAINTEXT: User:ANONYMOUS).
fn super_admin() -> *mut kf_admin_t {
    admin(config(&[(
        "bootstrap.servers",
        &env2("KAFKA_ACL_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS"),
    )]))
}

/// The principal the ACLs are about: KAFKA_ACL_USER / KAFKA_ACL_PASSWORD (a SASL PLAIN user
/// that is not a super user), plainuser by default.
fn acl_user() -> (String, String) {
    (
        std::env::var("KAFKA_ACL_USER").unwrap_or_else(|_| "plainuser".into()),
        std::env::var("KAFKA_ACL_PASSWORD").unwrap_or_else(|_| "plain-secret".into()),
    )
}

fn principal() -> String {
    format!("User:{}", acl_user().0)
}

fn plainuser_props() -> Vec<(&'static str, String)> {
    let (user, password) = acl_user();
    vec![
        (
            "bootstrap.servers",
            env2(
                "KAFKA_ACL_SASL_BOOTSTRAP_SERVERS",
                "KAFKA_SASL_BOOTSTRAP_SERVERS",
            ),
        ),
        ("security.protocol", "SASL_PLAINTEXT".into()),
        ("sasl.mechanism", "PLAIN".into()),
        ("sasl.username", user),
        ("sasl.password", password),
    ]
}

fn plainuser_config(extra: &[(&str, &str)]) -> *mut kf_config_t {
    let props = plainuser_props();
    let mut v: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
    v.extend_from_slice(extra);
    config(&v)
}

fn admin(conf: *mut kf_config_t) -> *mut kf_admin_t {
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    kf_config_destroy(conf);
    ok(e);
    a
}

struct Res(*mut kf_admin_result_t);

impl Drop for Res {
    fn drop(&mut self) {
        kf_admin_result_destroy(self.0);
    }
}

impl Res {
    fn items(&self) -> Vec<(Option<String>, i32)> {
        (0..kf_admin_result_item_count(self.0))
            .map(|i| {
                let n = kf_admin_result_item_name(self.0, i);
                (
                    (!n.is_null()).then(|| text(n)),
                    kf_admin_result_item_error_code(self.0, i),
                )
            })
            .collect()
    }
    /// (principal, operation, permission) of the bindings of item `i`.
    fn acls(&self, i: usize) -> Vec<(String, i32, i32)> {
        let mut v: Vec<_> = (0..kf_admin_result_item_acl_count(self.0, i))
            .map(|k| {
                let b = kf_admin_result_item_acl(self.0, i, k);
                (
                    text(kf_acl_binding_principal(b)),
                    kf_acl_binding_operation(b),
                    kf_acl_binding_permission_type(b),
                )
            })
            .collect();
        v.sort();
        v
    }
}

#[track_caller]
fn run(f: impl FnOnce(*mut *mut kf_admin_result_t) -> *mut kf_error_t) -> Res {
    let mut r = null_mut();
    ok(f(&mut r));
    Res(r)
}

fn binding(topic: &str, principal: &str, op: i32) -> *mut kf_acl_binding_t {
    let mut e = null_mut();
    let b = kf_acl_binding_new(
        KF_RESOURCE_TOPIC,
        cs(topic).as_ptr(),
        KF_RESOURCE_PATTERN_LITERAL,
        cs(principal).as_ptr(),
        cs("*").as_ptr(),
        op,
        KF_ACL_PERMISSION_TYPE_ALLOW,
        &mut e,
    );
    ok(e);
    b
}

fn filter(topic: &str, op: i32) -> *mut kf_acl_binding_t {
    let mut e = null_mut();
    let f = kf_acl_binding_filter_new(
        KF_RESOURCE_TOPIC,
        cs(topic).as_ptr(),
        KF_RESOURCE_PATTERN_ANY,
        null(),
        null(),
        op,
        KF_ACL_PERMISSION_TYPE_ANY,
        &mut e,
    );
    ok(e);
    f
}

fn describe_topic(a: *mut kf_admin_t, topic: &str) -> (i32, Vec<i32>) {
    let t = cs(topic);
    let o = kf_admin_options_new();
    ok(kf_admin_options_set_include_authorized_operations(o, true));
    let r = run(|r| kf_admin_describe_topics(a, [t.as_ptr()].as_ptr(), 1, o, r));
    kf_admin_options_destroy(o);
    let code = kf_admin_result_item_error_code(r.0, 0);
    let d = kf_admin_result_item_topic_description(r.0, 0);
    let mut ops = Vec::new();
    if !d.is_null() {
        let mut n = 0;
        let p = kf_topic_description_authorized_operations(d, &mut n);
        ops = unsafe { std::slice::from_raw_parts(p, n) }.to_vec();
        ops.sort();
    }
    (code, ops)
}

/// Produces one message as plainuser; returns the delivery report's error code.
fn produce_as_plainuser(topic: &str) -> i32 {
    let conf = plainuser_config(&[("message.timeout.ms", "5000")]);
    let mut e = null_mut();
    let p = kf_producer_new(conf, &mut e);
    kf_config_destroy(conf);
    ok(e);
    let mut d = Deliveries::default();
    ok(kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        0,
        null(),
        0,
        b"v".as_ptr(),
        1,
        null(),
        0,
        Some(record_delivery),
        &mut d as *mut Deliveries as *mut c_void,
    ));
    let mut remaining = 1;
    ok(kf_producer_flush(p, 15_000, &mut remaining));
    assert_eq!(remaining, 0);
    ok(kf_producer_destroy(p));
    assert_eq!(d.reports.len(), 1);
    d.reports[0].0
}

/// Retries `f` until it returns `want` (ACL changes reach the authorizer asynchronously).
#[track_caller]
fn eventually<T: PartialEq + std::fmt::Debug>(want: T, mut f: impl FnMut() -> T) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = f();
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "still {got:?}, expected {want:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn plainuser_is_refused_without_an_acl_allowed_with_one_and_refused_again_after_delete() {
    let sup = super_admin();
    let user = admin(plainuser_config(&[]));
    let t = unique("adm-acl");
    let tc = cs(&t);

    // The super user creates the topic.
    let mut e = null_mut();
    let nt = kf_new_topic_new(tc.as_ptr(), 1, 1, &mut e);
    ok(e);
    let r = run(|r| kf_admin_create_topics(sup, [nt as *const _].as_ptr(), 1, null(), r));
    kf_new_topic_destroy(nt);
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), 0)],
        "does this broker run the authorizer?"
    );
    drop(r);
    // The authorizer is on: the super user can describe ACLs (SECURITY_DISABLED otherwise).
    let any = filter(&t, KF_ACL_OPERATION_ANY);
    let r = run(|r| kf_admin_describe_acls(sup, any, null(), r));
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    assert_eq!(r.acls(0), vec![]);
    drop(r);

    // Without an ACL plainuser can neither see nor write the topic.
    assert_eq!(
        describe_topic(user, &t).0,
        KF_ERR_TOPIC_AUTHORIZATION_FAILED,
        "plainuser may describe a topic without an ACL: does this broker run the authorizer (KAFKAFFI_KAFKA_AUTHORIZER=1)?"
    );
    assert_eq!(produce_as_plainuser(&t), KF_ERR_TOPIC_AUTHORIZATION_FAILED);
    // ... nor grant itself one: a denied ACL operation, per binding.
    let selfgrant = binding(&t, &principal(), KF_ACL_OPERATION_WRITE);
    let r = run(|r| kf_admin_create_acls(user, [selfgrant as *const _].as_ptr(), 1, null(), r));
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), KF_ERR_CLUSTER_AUTHORIZATION_FAILED)]
    );
    drop(r);

    // The super user grants WRITE and DESCRIBE; a malformed principal fails on its own.
    let write = binding(&t, &principal(), KF_ACL_OPERATION_WRITE);
    let describe = binding(&t, &principal(), KF_ACL_OPERATION_DESCRIBE);
    let bad = binding(&t, "no-colon-principal", KF_ACL_OPERATION_READ);
    let r = run(|r| {
        kf_admin_create_acls(
            sup,
            [write as *const _, bad as *const _, describe as *const _].as_ptr(),
            3,
            null(),
            r,
        )
    });
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_CREATE_ACLS);
    let items = r.items();
    assert_eq!(items[0], (Some(t.clone()), 0));
    assert_ne!(
        items[1].1, 0,
        "a malformed principal was accepted: {items:?}"
    );
    assert_eq!(items[2], (Some(t.clone()), 0));
    assert_eq!(
        r.acls(1),
        vec![(
            "no-colon-principal".to_string(),
            KF_ACL_OPERATION_READ,
            KF_ACL_PERMISSION_TYPE_ALLOW
        )]
    );
    drop(r);

    // The controller has the bindings when create_acls returns; the broker's authorizer, which
    // answers describe_acls, has them a moment later.
    let granted = vec![
        (
            principal(),
            KF_ACL_OPERATION_WRITE,
            KF_ACL_PERMISSION_TYPE_ALLOW,
        ),
        (
            principal(),
            KF_ACL_OPERATION_DESCRIBE,
            KF_ACL_PERMISSION_TYPE_ALLOW,
        ),
    ]
    .into_iter()
    .collect::<std::collections::BTreeSet<_>>()
    .into_iter()
    .collect::<Vec<_>>();
    eventually(granted, || {
        run(|r| kf_admin_describe_acls(sup, any, null(), r)).acls(0)
    });
    let r = run(|r| kf_admin_describe_acls(sup, any, null(), r));
    let b0 = kf_admin_result_item_acl(r.0, 0, 0);
    assert_eq!(kf_acl_binding_restype(b0), KF_RESOURCE_TOPIC);
    assert_eq!(text(kf_acl_binding_name(b0)), t);
    assert_eq!(
        kf_acl_binding_resource_pattern_type(b0),
        KF_RESOURCE_PATTERN_LITERAL
    );
    assert_eq!(text(kf_acl_binding_host(b0)), "*");
    drop(r);

    // plainuser may not describe ACLs: it sees none of them (librdkafka drops the broker's
    // CLUSTER_AUTHORIZATION_FAILED, see kf_admin_describe_acls()).
    let r = run(|r| kf_admin_describe_acls(user, any, null(), r));
    assert_eq!(r.acls(0), vec![]);
    drop(r);

    // Now plainuser is allowed: it sees the topic (with exactly the granted operations) and
    // writes to it.
    eventually(
        (
            0,
            vec![KF_ACL_OPERATION_WRITE, KF_ACL_OPERATION_DESCRIBE]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
        ),
        || describe_topic(user, &t),
    );
    assert_eq!(produce_as_plainuser(&t), 0);

    // delete_acls: the WRITE filter deletes exactly that binding; a filter matching nothing
    // deletes nothing; each filter has its own item.
    let fw = filter(&t, KF_ACL_OPERATION_WRITE);
    let none = filter(&unique("adm-acl-none"), KF_ACL_OPERATION_ANY);
    let r = run(|r| {
        kf_admin_delete_acls(
            sup,
            [fw as *const _, none as *const _].as_ptr(),
            2,
            null(),
            r,
        )
    });
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DELETE_ACLS);
    assert_eq!(
        r.items().iter().map(|x| x.1).collect::<Vec<_>>(),
        vec![0, 0]
    );
    assert_eq!(
        r.acls(0),
        vec![(
            principal(),
            KF_ACL_OPERATION_WRITE,
            KF_ACL_PERMISSION_TYPE_ALLOW
        )]
    );
    assert_eq!(r.acls(1), vec![]);
    drop(r);
    // plainuser may still describe the topic, but writing is refused again.
    eventually((0, vec![KF_ACL_OPERATION_DESCRIBE]), || {
        describe_topic(user, &t)
    });
    eventually(KF_ERR_TOPIC_AUTHORIZATION_FAILED, || {
        produce_as_plainuser(&t)
    });
    // plainuser cannot delete ACLs either.
    let r = run(|r| kf_admin_delete_acls(user, [any as *const _].as_ptr(), 1, null(), r));
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), KF_ERR_CLUSTER_AUTHORIZATION_FAILED)]
    );
    drop(r);

    // Clean up: the remaining binding and the topic.
    let r = run(|r| kf_admin_delete_acls(sup, [any as *const _].as_ptr(), 1, null(), r));
    assert_eq!(r.acls(0).len(), 1);
    drop(r);
    eventually(KF_ERR_TOPIC_AUTHORIZATION_FAILED, || {
        describe_topic(user, &t).0
    });
    let r = run(|r| kf_admin_delete_topics(sup, [tc.as_ptr()].as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    drop(r);
    for b in [selfgrant, write, describe, bad, any, fw, none] {
        kf_acl_binding_destroy(b);
    }
    ok(kf_admin_destroy(user));
    ok(kf_admin_destroy(sup));
}

#[test]
fn cluster_authorized_operations_differ_between_super_user_and_plainuser() {
    let sup = super_admin();
    let user = admin(plainuser_config(&[]));
    let ops = |a: *mut kf_admin_t| -> Option<Vec<i32>> {
        let o = kf_admin_options_new();
        ok(kf_admin_options_set_include_authorized_operations(o, true));
        let r = run(|r| kf_admin_describe_cluster(a, o, r));
        kf_admin_options_destroy(o);
        let c = kf_admin_result_cluster_description(r.0);
        assert!(!c.is_null());
        let mut n = 0;
        let p = kf_cluster_description_authorized_operations(c, &mut n);
        (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p, n) }.to_vec())
    };
    let s = ops(sup).expect("super user: operations requested");
    assert!(
        s.contains(&KF_ACL_OPERATION_ALTER) && s.contains(&KF_ACL_OPERATION_DESCRIBE),
        "{s:?}"
    );
    assert_eq!(ops(user), Some(vec![]));
    ok(kf_admin_destroy(user));
    ok(kf_admin_destroy(sup));
}
