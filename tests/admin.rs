//! AdminClient through the C ABI, on the real broker (and on the mock cluster where librdkafka's
//! mock supports the operation): every operation with per-item values and per-item errors, the
//! asynchronous forms served by kf_admin_poll(), options, and callbacks served while a blocking
//! admin call waits.
mod common;
use common::*;

use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use kafkaffi::ffi::inputs::*;
use kafkaffi::ffi::result::*;

// ---------------------------------------------------------------------------------------------
// helpers

fn new_admin(cluster: &Cluster, props: &[(&str, &str)]) -> *mut kf_admin_t {
    let conf = cluster.config(props);
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    kf_config_destroy(conf);
    ok(e);
    assert!(!a.is_null());
    a
}

/// An owned result, destroyed on drop.
struct Res(*mut kf_admin_result_t);

impl Drop for Res {
    fn drop(&mut self) {
        kf_admin_result_destroy(self.0);
    }
}

fn opt_text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| text(p))
}

impl Res {
    fn count(&self) -> usize {
        kf_admin_result_item_count(self.0)
    }
    fn name(&self, i: usize) -> Option<String> {
        opt_text(kf_admin_result_item_name(self.0, i))
    }
    fn code(&self, i: usize) -> i32 {
        kf_admin_result_item_error_code(self.0, i)
    }
    /// (name, error code) of every item.
    fn items(&self) -> Vec<(Option<String>, i32)> {
        (0..self.count())
            .map(|i| (self.name(i), self.code(i)))
            .collect()
    }
    fn error_code(&self) -> i32 {
        kf_error_code(kf_admin_result_error(self.0))
    }
}

#[track_caller]
fn run(f: impl FnOnce(*mut *mut kf_admin_result_t) -> *mut kf_error_t) -> Res {
    let mut r = null_mut();
    ok(f(&mut r));
    assert!(!r.is_null());
    Res(r)
}

/// C strings and the pointer array a call takes.
struct Strs {
    _owned: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

fn strs(v: &[&str]) -> Strs {
    let owned: Vec<CString> = v.iter().map(|s| cs(s)).collect();
    let ptrs = owned.iter().map(|c| c.as_ptr()).collect();
    Strs {
        _owned: owned,
        ptrs,
    }
}

fn new_topic(name: &str, partitions: i32, rf: i32, config: &[(&str, &str)]) -> *mut kf_new_topic_t {
    let mut e = null_mut();
    let t = kf_new_topic_new(cs(name).as_ptr(), partitions, rf, &mut e);
    ok(e);
    for (k, v) in config {
        ok(kf_new_topic_set_config(t, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    t
}

fn create_topics(
    a: *mut kf_admin_t,
    topics: &[*mut kf_new_topic_t],
    o: *const kf_admin_options_t,
) -> Res {
    let ptrs: Vec<*const kf_new_topic_t> = topics.iter().map(|&t| t as *const _).collect();
    run(|r| kf_admin_create_topics(a, ptrs.as_ptr(), ptrs.len(), o, r))
}

fn delete_topics(a: *mut kf_admin_t, names: &[&str]) -> Res {
    let s = strs(names);
    run(|r| kf_admin_delete_topics(a, s.ptrs.as_ptr(), s.ptrs.len(), null(), r))
}

fn describe_topics(a: *mut kf_admin_t, names: &[&str], o: *const kf_admin_options_t) -> Res {
    let s = strs(names);
    run(|r| kf_admin_describe_topics(a, s.ptrs.as_ptr(), s.ptrs.len(), o, r))
}

fn config_resource(restype: i32, name: &str) -> *mut kf_config_resource_t {
    let mut e = null_mut();
    let r = kf_config_resource_new(restype, cs(name).as_ptr(), &mut e);
    ok(e);
    r
}

fn describe_configs(a: *mut kf_admin_t, resources: &[(i32, &str)]) -> Res {
    let rs: Vec<_> = resources
        .iter()
        .map(|(t, n)| config_resource(*t, n))
        .collect();
    let ptrs: Vec<*const kf_config_resource_t> = rs.iter().map(|&r| r as *const _).collect();
    let res = run(|r| kf_admin_describe_configs(a, ptrs.as_ptr(), ptrs.len(), null(), r));
    rs.into_iter().for_each(|r| kf_config_resource_destroy(r));
    res
}

/// A configuration entry, copied out.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    name: String,
    value: Option<String>,
    source: i32,
    read_only: bool,
    default: bool,
    sensitive: bool,
    synonym: bool,
    synonyms: Vec<(String, Option<String>, i32)>,
}

fn entry(e: *const kf_config_entry_t) -> Entry {
    assert!(!e.is_null());
    Entry {
        name: text(kf_config_entry_name(e)),
        value: opt_text(kf_config_entry_value(e)),
        source: kf_config_entry_source(e),
        read_only: kf_config_entry_is_read_only(e),
        default: kf_config_entry_is_default(e),
        sensitive: kf_config_entry_is_sensitive(e),
        synonym: kf_config_entry_is_synonym(e),
        synonyms: (0..kf_config_entry_synonym_count(e))
            .map(|s| {
                let x = kf_config_entry_synonym(e, s);
                (
                    text(kf_config_entry_name(x)),
                    opt_text(kf_config_entry_value(x)),
                    kf_config_entry_source(x),
                )
            })
            .collect(),
    }
}

fn entries(r: &Res, i: usize) -> BTreeMap<String, Entry> {
    (0..kf_admin_result_item_config_count(r.0, i))
        .map(|c| {
            let e = entry(kf_admin_result_item_config(r.0, i, c));
            (e.name.clone(), e)
        })
        .collect()
}

fn topic_config(a: *mut kf_admin_t, topic: &str, key: &str) -> Entry {
    let r = describe_configs(a, &[(KF_RESOURCE_TOPIC, topic)]);
    assert_eq!(r.items(), vec![(Some(topic.to_string()), 0)]);
    entry(kf_admin_result_item_config_find(r.0, 0, cs(key).as_ptr()))
}

/// Waits until the broker describes the topic's `key` as `want` says. A config change is
/// acknowledged by the controller and reaches the broker that answers describe_configs a
/// moment later (KRaft propagates metadata asynchronously), so a read right after an alter may
/// still see the old value.
#[track_caller]
fn wait_config(a: *mut kf_admin_t, topic: &str, key: &str, want: impl Fn(&Entry) -> bool) -> Entry {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let e = topic_config(a, topic, key);
        if want(&e) {
            return e;
        }
        assert!(Instant::now() < deadline, "{topic} {key} is still {e:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[track_caller]
fn wait_config_value(a: *mut kf_admin_t, topic: &str, key: &str, value: &str) {
    wait_config(a, topic, key, |e| e.value.as_deref() == Some(value));
}

fn partition_count(a: *mut kf_admin_t, topic: &str) -> usize {
    let r = describe_topics(a, &[topic], null());
    assert_eq!(r.code(0), 0, "describe {topic}");
    kf_topic_description_partition_count(kf_admin_result_item_topic_description(r.0, 0))
}

/// Waits until the topic is gone from (or present in) the broker's metadata.
fn wait_topic(a: *mut kf_admin_t, topic: &str, present: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = describe_topics(a, &[topic], null());
        if (r.code(0) == 0) == present {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "topic {topic} present={present} never seen"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn options() -> *mut kf_admin_options_t {
    kf_admin_options_new()
}

// ---------------------------------------------------------------------------------------------
// topics and partitions

#[test]
fn create_topics_lists_each_topic_with_its_own_error() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let (t1, t2, t3) = (unique("adm-ct"), unique("adm-ct"), unique("adm-ct"));

    // One good topic and one the single broker cannot replicate three times.
    let good = new_topic(
        &t1,
        3,
        1,
        &[("retention.ms", "123456"), ("cleanup.policy", "compact")],
    );
    let bad = new_topic(&t2, 1, 3, &[]);
    // ... and one with an invalid partition count (0: librdkafka lets the broker refuse it).
    let t0 = unique("adm-ct-zero");
    let zero = new_topic(&t0, 0, 1, &[]);
    let r = create_topics(a, &[good, bad, zero], null());
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_CREATE_TOPICS);
    assert!(kf_admin_result_error(r.0).is_null());
    assert_eq!(
        r.items(),
        vec![
            (Some(t1.clone()), 0),
            (Some(t2.clone()), KF_ERR_INVALID_REPLICATION_FACTOR),
            (Some(t0.clone()), KF_ERR_INVALID_PARTITIONS)
        ]
    );
    let e = kf_admin_result_item_error(r.0, 1);
    assert_eq!(text(kf_error_name(e)), "INVALID_REPLICATION_FACTOR");
    assert!(!text(kf_error_message(e)).is_empty());
    assert!(kf_admin_result_item_error(r.0, 0).is_null());
    drop(r);

    // Creating it again fails for that topic only; the other topic of the call is created.
    let again = new_topic(&t1, 3, 1, &[]);
    let third = new_topic(&t3, 2, -1, &[]);
    let r = create_topics(a, &[again, third], null());
    assert_eq!(
        r.items(),
        vec![
            (Some(t1.clone()), KF_ERR_TOPIC_ALREADY_EXISTS),
            (Some(t3.clone()), 0)
        ]
    );
    drop(r);

    // What was created is what was asked: partitions and the topic configuration.
    wait_topic(a, &t1, true);
    wait_topic(a, &t3, true);
    assert_eq!(partition_count(a, &t1), 3);
    assert_eq!(partition_count(a, &t3), 2);
    let ret = topic_config(a, &t1, "retention.ms");
    assert_eq!(ret.value.as_deref(), Some("123456"));
    assert_eq!(ret.source, KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
    assert!(!ret.default);
    assert_eq!(
        topic_config(a, &t1, "cleanup.policy").value.as_deref(),
        Some("compact")
    );
    wait_topic(a, &t2, false);

    // validate_only: the broker checks but creates nothing.
    let o = options();
    ok(kf_admin_options_set_validate_only(o, true));
    ok(kf_admin_options_set_operation_timeout(o, 5000));
    let t4 = unique("adm-ct-validate");
    let v = new_topic(&t4, 4, 1, &[]);
    let r = create_topics(a, &[v], o);
    assert_eq!(r.items(), vec![(Some(t4.clone()), 0)]);
    drop(r);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        describe_topics(a, &[&t4], null()).code(0),
        KF_ERR_UNKNOWN_TOPIC_OR_PART
    );

    // delete_topics: each topic with its own result, the unknown one with its error.
    let missing = unique("adm-ct-missing");
    let r = delete_topics(a, &[&t1, &missing, &t3]);
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DELETE_TOPICS);
    assert_eq!(
        r.items(),
        vec![
            (Some(t1.clone()), 0),
            (Some(missing), KF_ERR_UNKNOWN_TOPIC_OR_PART),
            (Some(t3.clone()), 0)
        ]
    );
    wait_topic(a, &t1, false);
    wait_topic(a, &t3, false);

    for t in [good, bad, zero, again, third, v] {
        kf_new_topic_destroy(t);
    }
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
}

#[test]
fn create_topics_with_replica_assignment() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-assign");
    let nt = new_topic(&t, 2, -1, &[]);
    for p in 0..2 {
        ok(kf_new_topic_set_replica_assignment(nt, p, [1].as_ptr(), 1));
    }
    // Out of order: refused locally, naming the call.
    let (code, msg) = err(kf_new_topic_set_replica_assignment(nt, 5, [1].as_ptr(), 1));
    assert_eq!(code, KF_ERR__INVALID_ARG, "{msg}");
    let r = create_topics(a, &[nt], null());
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    drop(r);
    wait_topic(a, &t, true);
    let r = describe_topics(a, &[&t], null());
    let d = kf_admin_result_item_topic_description(r.0, 0);
    assert_eq!(kf_topic_description_partition_count(d), 2);
    for p in 0..2 {
        assert_eq!(kf_topic_description_partition_replica_count(d, p), 1);
        assert_eq!(
            kf_node_id(kf_topic_description_partition_replica(d, p, 0)),
            1
        );
    }
    drop(r);
    kf_new_topic_destroy(nt);
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

#[test]
fn create_partitions_per_topic_errors() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-parts");
    cluster.create_topic(&t, 1);
    let missing = unique("adm-parts-missing");

    let np = |topic: &str, n: usize| {
        let mut e = null_mut();
        let p = kf_new_partitions_new(cs(topic).as_ptr(), n, &mut e);
        ok(e);
        p
    };
    let grow = np(&t, 3);
    let unknown = np(&missing, 2);
    let ptrs = [grow as *const _, unknown as *const _];
    let r = run(|r| kf_admin_create_partitions(a, ptrs.as_ptr(), 2, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_CREATE_PARTITIONS
    );
    assert_eq!(
        r.items(),
        vec![
            (Some(t.clone()), 0),
            (Some(missing.clone()), KF_ERR_UNKNOWN_TOPIC_OR_PART)
        ]
    );
    drop(r);
    let deadline = Instant::now() + Duration::from_secs(20);
    while partition_count(a, &t) != 3 {
        assert!(Instant::now() < deadline, "partitions never grew to 3");
        std::thread::sleep(Duration::from_millis(200));
    }

    // Shrinking (3 -> 2) is an invalid partition count: that item's own error.
    let shrink = np(&t, 2);
    let r = run(|r| kf_admin_create_partitions(a, [shrink as *const _].as_ptr(), 1, null(), r));
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), KF_ERR_INVALID_PARTITIONS)]
    );
    drop(r);

    // A count of 0 never leaves the process.
    let mut e = null_mut();
    assert!(kf_new_partitions_new(cs(&t).as_ptr(), 0, &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);

    for p in [grow, unknown, shrink] {
        kf_new_partitions_destroy(p);
    }
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

// ---------------------------------------------------------------------------------------------
// configs

#[test]
fn describe_configs_topics_and_broker_with_sources_flags_and_synonyms() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-cfg");
    let nt = new_topic(&t, 1, 1, &[("retention.ms", "86400000")]);
    assert_eq!(create_topics(a, &[nt], null()).code(0), 0);
    kf_new_topic_destroy(nt);
    wait_topic(a, &t, true);
    let missing = unique("adm-cfg-missing");

    let r = describe_configs(
        a,
        &[
            (KF_RESOURCE_TOPIC, &t),
            (KF_RESOURCE_TOPIC, &missing),
            (KF_RESOURCE_BROKER, "1"),
        ],
    );
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DESCRIBE_CONFIGS);
    assert_eq!(
        r.items(),
        vec![
            (Some(t.clone()), 0),
            (Some(missing), KF_ERR_UNKNOWN_TOPIC_OR_PART),
            (Some("1".to_string()), 0)
        ]
    );
    assert_eq!(
        kf_admin_result_item_resource_type(r.0, 0),
        KF_RESOURCE_TOPIC
    );
    assert_eq!(
        kf_admin_result_item_resource_type(r.0, 2),
        KF_RESOURCE_BROKER
    );
    assert_eq!(kf_admin_result_item_config_count(r.0, 1), 0);

    let topic = entries(&r, 0);
    let ret = &topic["retention.ms"];
    assert_eq!(ret.value.as_deref(), Some("86400000"));
    assert_eq!(ret.source, KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
    assert!(!ret.default && !ret.read_only && !ret.sensitive && !ret.synonym);
    // Synonyms in order of precedence: the topic override, then the broker's defaults.
    assert_eq!(
        ret.synonyms.first(),
        Some(&(
            "retention.ms".to_string(),
            Some("86400000".to_string()),
            KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG
        ))
    );
    let seg = &topic["segment.bytes"];
    assert!(seg.default, "{seg:?}");
    assert_eq!(seg.source, KF_CONFIG_SOURCE_DEFAULT_CONFIG);

    let broker = entries(&r, 2);
    // server.properties values are static broker configs; listeners cannot be altered at run time.
    let np = &broker["num.partitions"];
    assert_eq!(np.value.as_deref(), Some("1"));
    assert_eq!(np.source, KF_CONFIG_SOURCE_STATIC_BROKER_CONFIG);
    assert!(!np.default);
    // Its synonyms: the static setting, then Kafka's default of 1 (in order of precedence).
    assert_eq!(
        np.synonyms.first(),
        Some(&(
            "num.partitions".to_string(),
            Some("1".to_string()),
            KF_CONFIG_SOURCE_STATIC_BROKER_CONFIG
        )),
        "{np:?}"
    );
    assert!(broker["node.id"].read_only);
    // A password-type setting is sensitive: its value is never sent.
    let jaas = broker
        .values()
        .find(|e| e.name.ends_with("sasl.jaas.config"))
        .expect("a jaas entry");
    assert!(jaas.sensitive && jaas.value.is_none(), "{jaas:?}");
    // find: by name, NULL for an unknown name.
    assert!(kf_admin_result_item_config_find(r.0, 0, cs("no.such.config").as_ptr()).is_null());
    assert!(kf_admin_result_item_config_find(r.0, 0, null()).is_null());
    drop(r);
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

#[test]
fn incremental_and_full_alter_configs_per_resource_errors() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-alter");
    let nt = new_topic(
        &t,
        1,
        1,
        &[("retention.ms", "3600000"), ("cleanup.policy", "delete")],
    );
    assert_eq!(create_topics(a, &[nt], null()).code(0), 0);
    kf_new_topic_destroy(nt);
    wait_topic(a, &t, true);
    let missing = unique("adm-alter-missing");

    // incremental: set, append, delete on the topic; an unknown topic fails on its own.
    let r1 = config_resource(KF_RESOURCE_TOPIC, &t);
    ok(kf_config_resource_add_incremental_config(
        r1,
        cs("retention.ms").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SET,
        cs("7200000").as_ptr(),
    ));
    ok(kf_config_resource_add_incremental_config(
        r1,
        cs("cleanup.policy").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_APPEND,
        cs("compact").as_ptr(),
    ));
    ok(kf_config_resource_add_incremental_config(
        r1,
        cs("max.message.bytes").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SET,
        cs("500000").as_ptr(),
    ));
    let r2 = config_resource(KF_RESOURCE_TOPIC, &missing);
    ok(kf_config_resource_add_incremental_config(
        r2,
        cs("retention.ms").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SET,
        cs("1").as_ptr(),
    ));
    // An unknown op type never reaches librdkafka.
    let (code, msg) = err(kf_config_resource_add_incremental_config(
        r2,
        cs("x").as_ptr(),
        9,
        cs("1").as_ptr(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("op_type"), "{msg}");
    let ptrs = [r1 as *const _, r2 as *const _];
    let r = run(|r| kf_admin_incremental_alter_configs(a, ptrs.as_ptr(), 2, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_INCREMENTAL_ALTER_CONFIGS
    );
    assert_eq!(
        r.items(),
        vec![
            (Some(t.clone()), 0),
            (Some(missing.clone()), KF_ERR_UNKNOWN_TOPIC_OR_PART)
        ]
    );
    assert_eq!(
        kf_admin_result_item_resource_type(r.0, 0),
        KF_RESOURCE_TOPIC
    );
    drop(r);
    wait_config_value(a, &t, "retention.ms", "7200000");
    wait_config_value(a, &t, "cleanup.policy", "delete,compact");
    wait_config_value(a, &t, "max.message.bytes", "500000");

    // subtract and delete (back to the default).
    let r3 = config_resource(KF_RESOURCE_TOPIC, &t);
    ok(kf_config_resource_add_incremental_config(
        r3,
        cs("cleanup.policy").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SUBTRACT,
        cs("delete").as_ptr(),
    ));
    ok(kf_config_resource_add_incremental_config(
        r3,
        cs("max.message.bytes").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_DELETE,
        null(),
    ));
    let r = run(|r| kf_admin_incremental_alter_configs(a, [r3 as *const _].as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    drop(r);
    wait_config_value(a, &t, "cleanup.policy", "compact");
    wait_config(a, &t, "max.message.bytes", |e| e.default);

    // An invalid value: that resource's own error (the broker's INVALID_CONFIG).
    let r4 = config_resource(KF_RESOURCE_TOPIC, &t);
    ok(kf_config_resource_add_incremental_config(
        r4,
        cs("retention.ms").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SET,
        cs("not-a-number").as_ptr(),
    ));
    let r = run(|r| kf_admin_incremental_alter_configs(a, [r4 as *const _].as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(t.clone()), KF_ERR_INVALID_CONFIG)]);
    drop(r);

    // validate_only: accepted, nothing changes.
    let o = options();
    ok(kf_admin_options_set_validate_only(o, true));
    let r5 = config_resource(KF_RESOURCE_TOPIC, &t);
    ok(kf_config_resource_add_incremental_config(
        r5,
        cs("retention.ms").as_ptr(),
        KF_ALTER_CONFIG_OP_TYPE_SET,
        cs("1000").as_ptr(),
    ));
    let r = run(|r| kf_admin_incremental_alter_configs(a, [r5 as *const _].as_ptr(), 1, o, r));
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    drop(r);
    assert_eq!(
        topic_config(a, &t, "retention.ms").value.as_deref(),
        Some("7200000")
    );

    // alter_configs replaces the whole configuration: retention.ms set, everything else default.
    let r6 = config_resource(KF_RESOURCE_TOPIC, &t);
    ok(kf_config_resource_set_config(
        r6,
        cs("retention.ms").as_ptr(),
        cs("5000000").as_ptr(),
    ));
    let r = run(|r| kf_admin_alter_configs(a, [r6 as *const _].as_ptr(), 1, null(), r));
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_ALTER_CONFIGS);
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    drop(r);
    wait_config_value(a, &t, "retention.ms", "5000000");
    wait_config(a, &t, "cleanup.policy", |e| {
        e.default && e.value.as_deref() == Some("delete")
    });

    for x in [r1, r2, r3, r4, r5, r6] {
        kf_config_resource_destroy(x);
    }
    kf_admin_options_destroy(o);
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

// ---------------------------------------------------------------------------------------------
// topics, cluster

#[test]
fn describe_topics_and_cluster() {
    // Broker only: librdkafka's mock cluster reports no controller, and describe_topics /
    // describe_cluster wait for one (they time out there; see the timeout test).
    for cluster in [Cluster::broker()] {
        let a = new_admin(&cluster, &[]);
        let t = unique("adm-desc");
        cluster.create_topic(&t, 2);
        let missing = unique("adm-desc-missing");
        let o = options();
        ok(kf_admin_options_set_include_authorized_operations(o, true));
        let r = describe_topics(a, &[&t, &missing], o);
        assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DESCRIBE_TOPICS);
        assert_eq!(
            r.items(),
            vec![
                (Some(t.clone()), 0),
                (Some(missing), KF_ERR_UNKNOWN_TOPIC_OR_PART)
            ],
            "{}",
            cluster.name()
        );
        assert!(kf_admin_result_item_topic_description(r.0, 1).is_null());
        let d = kf_admin_result_item_topic_description(r.0, 0);
        assert_eq!(text(kf_topic_description_name(d)), t);
        assert!(!kf_topic_description_is_internal(d));
        assert_eq!(kf_topic_description_partition_count(d), 2);
        let ids: Vec<i32> = (0..2)
            .map(|p| kf_topic_description_partition_id(d, p))
            .collect();
        assert_eq!(ids, vec![0, 1]);
        for p in 0..2 {
            let leader = kf_topic_description_partition_leader(d, p);
            assert!(kf_node_id(leader) >= 1, "{}", cluster.name());
            assert!(!text(kf_node_host(leader)).is_empty());
            assert!(kf_node_port(leader) > 0);
            assert_eq!(kf_topic_description_partition_replica_count(d, p), 1);
            assert_eq!(kf_topic_description_partition_isr_count(d, p), 1);
            assert_eq!(
                kf_node_id(kf_topic_description_partition_isr(d, p, 0)),
                kf_node_id(leader)
            );
        }
        assert!(kf_topic_description_partition_leader(d, 9).is_null());
        if !cluster.is_mock() {
            let id = text(kf_topic_description_topic_id(d));
            assert_eq!(id.len(), 22, "{id}");
            // Asked for: without an authorizer the broker reports every topic operation.
            let mut n = 0;
            let ops = kf_topic_description_authorized_operations(d, &mut n);
            assert!(!ops.is_null());
            let ops = unsafe { std::slice::from_raw_parts(ops, n) };
            assert!(
                ops.contains(&KF_ACL_OPERATION_READ) && ops.contains(&KF_ACL_OPERATION_WRITE),
                "{ops:?}"
            );
        }
        drop(r);
        // Not asked for: NULL.
        let r = describe_topics(a, &[&t], null());
        let mut n = 7;
        let d = kf_admin_result_item_topic_description(r.0, 0);
        assert!(kf_topic_description_authorized_operations(d, &mut n).is_null());
        assert_eq!(n, 0);
        drop(r);

        let r = run(|r| kf_admin_describe_cluster(a, o, r));
        assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DESCRIBE_CLUSTER);
        assert!(kf_admin_result_error(r.0).is_null());
        let c = kf_admin_result_cluster_description(r.0);
        assert!(!c.is_null(), "{}", cluster.name());
        assert_eq!(kf_cluster_description_node_count(c), 1);
        let node = kf_cluster_description_node(c, 0);
        assert_eq!(kf_node_id(node), 1);
        assert_eq!(
            format!("{}:{}", text(kf_node_host(node)), kf_node_port(node)),
            cluster.bootstrap
        );
        assert!(kf_node_rack(node).is_null());
        assert_eq!(r.count(), 1);
        if !cluster.is_mock() {
            let id = text(kf_cluster_description_cluster_id(c));
            assert_eq!(r.name(0).as_deref(), Some(id.as_str()));
            assert_eq!(kf_node_id(kf_cluster_description_controller(c)), 1);
            let mut n = 0;
            let ops = kf_cluster_description_authorized_operations(c, &mut n);
            assert!(!ops.is_null() && n > 0);
        }
        drop(r);
        // list_topics through the admin client.
        let mut md = null_mut();
        ok(kf_admin_list_topics(a, cs(&t).as_ptr(), 5000, &mut md));
        assert_eq!(kf_metadata_topic_count(md), 1);
        assert_eq!(kf_metadata_partition_count(md, 0), 2);
        kf_metadata_destroy(md);
        kf_admin_options_destroy(o);
        ok(kf_admin_destroy(a));
    }
}

// ---------------------------------------------------------------------------------------------
// consumer groups and their offsets

/// A consumer in `group` subscribed to `topic`, polled until it has an assignment.
fn member(cluster: &Cluster, group: &str, topic: &str) -> *mut kf_consumer_t {
    let mut props = classic_session_props(cluster);
    props.push(("group.id", group));
    props.push(("client.id", "adm-member"));
    props.push(("auto.offset.reset", "earliest"));
    let conf = cluster.config(&props);
    let c = new_consumer(conf);
    kf_config_destroy(conf);
    let t = cs(topic);
    ok(kf_consumer_subscribe(c, [t.as_ptr()].as_ptr(), 1, null()));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut m = null_mut();
        ok(kf_consumer_poll(c, 100, &mut m));
        kf_message_destroy(m);
        let mut l = null_mut();
        ok(kf_consumer_assignment(c, &mut l));
        let n = kf_topic_partition_list_count(l);
        kf_topic_partition_list_destroy(l);
        if n > 0 {
            return c;
        }
        assert!(Instant::now() < deadline, "no assignment in time");
    }
}

fn listed_groups(
    a: *mut kf_admin_t,
    o: *const kf_admin_options_t,
) -> BTreeMap<String, (i32, i32, bool)> {
    let r = run(|r| kf_admin_list_consumer_groups(a, o, r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_LIST_CONSUMER_GROUPS
    );
    assert!(kf_admin_result_error(r.0).is_null());
    (0..r.count())
        .map(|i| {
            assert_eq!(r.code(i), 0, "{:?}", r.items());
            let l = kf_admin_result_item_consumer_group_listing(r.0, i);
            assert_eq!(opt_text(kf_consumer_group_listing_group_id(l)), r.name(i));
            (
                r.name(i).unwrap(),
                (
                    kf_consumer_group_listing_state(l),
                    kf_consumer_group_listing_type(l),
                    kf_consumer_group_listing_is_simple_consumer_group(l),
                ),
            )
        })
        .collect()
}

fn group_offsets(
    a: *mut kf_admin_t,
    groups: &[(&str, Option<*const kf_topic_partition_list_t>)],
) -> Res {
    let ids: Vec<CString> = groups.iter().map(|g| cs(g.0)).collect();
    let gs: Vec<kf_consumer_group_topic_partitions_t> = groups
        .iter()
        .zip(&ids)
        .map(|(g, id)| kf_consumer_group_topic_partitions_t {
            group_id: id.as_ptr(),
            partitions: g.1.unwrap_or(null()),
        })
        .collect();
    run(|r| kf_admin_list_consumer_group_offsets(a, gs.as_ptr(), gs.len(), null(), r))
}

fn offsets_of(r: &Res, i: usize) -> Vec<(String, i32, i64, i32)> {
    tp_items(kf_admin_result_item_partitions(r.0, i))
        .into_iter()
        .map(|x| (x.topic, x.partition, x.offset, x.error))
        .collect()
}

#[test]
fn consumer_groups_list_describe_offsets_and_delete() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-grp");
    cluster.create_topic(&t, 2);
    produce_values(
        &cluster,
        &t,
        0,
        &(0..10).map(|i| vec![i as u8]).collect::<Vec<_>>(),
    );
    let g = unique("adm-grp");
    let unknown = unique("adm-grp-unknown");

    // An active member: listed as stable, described with its member and assignment.
    let c = member(&cluster, &g, &t);
    let tp = tp_list(&[(&t, 0, 3), (&t, 1, 0)]);
    ok(kf_consumer_commit(c, null(), tp, false, -1, null_mut()));
    kf_topic_partition_list_destroy(tp);

    let groups = listed_groups(a, null());
    assert_eq!(
        groups.get(&g),
        Some(&(
            KF_CONSUMER_GROUP_STATE_STABLE,
            KF_CONSUMER_GROUP_TYPE_CLASSIC,
            false
        ))
    );
    assert!(!groups.contains_key(&unknown));
    // Filters: by state and by type.
    let o = options();
    ok(kf_admin_options_set_match_consumer_group_states(
        o,
        [KF_CONSUMER_GROUP_STATE_EMPTY].as_ptr(),
        1,
    ));
    assert!(!listed_groups(a, o).contains_key(&g));
    ok(kf_admin_options_set_match_consumer_group_states(
        o,
        [
            KF_CONSUMER_GROUP_STATE_STABLE,
            KF_CONSUMER_GROUP_STATE_EMPTY,
        ]
        .as_ptr(),
        2,
    ));
    assert!(listed_groups(a, o).contains_key(&g));
    ok(kf_admin_options_set_match_consumer_group_types(
        o,
        [KF_CONSUMER_GROUP_TYPE_CONSUMER].as_ptr(),
        1,
    ));
    assert!(!listed_groups(a, o).contains_key(&g));
    ok(kf_admin_options_set_match_consumer_group_types(
        o,
        [KF_CONSUMER_GROUP_TYPE_CLASSIC].as_ptr(),
        1,
    ));
    assert!(listed_groups(a, o).contains_key(&g));
    kf_admin_options_destroy(o);

    let s = strs(&[&g, &unknown]);
    let ao = options();
    ok(kf_admin_options_set_include_authorized_operations(ao, true));
    let r = run(|r| kf_admin_describe_consumer_groups(a, s.ptrs.as_ptr(), 2, ao, r));
    kf_admin_options_destroy(ao);
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_DESCRIBE_CONSUMER_GROUPS
    );
    assert_eq!(r.name(0).as_deref(), Some(g.as_str()));
    assert_eq!(r.code(0), 0);
    let d = kf_admin_result_item_consumer_group_description(r.0, 0);
    assert_eq!(text(kf_consumer_group_description_group_id(d)), g);
    assert_eq!(
        kf_consumer_group_description_state(d),
        KF_CONSUMER_GROUP_STATE_STABLE
    );
    assert_eq!(
        kf_consumer_group_description_type(d),
        KF_CONSUMER_GROUP_TYPE_CLASSIC
    );
    assert!(!kf_consumer_group_description_is_simple_consumer_group(d));
    assert_eq!(
        opt_text(kf_consumer_group_description_partition_assignor(d)).as_deref(),
        Some("range")
    );
    assert_eq!(kf_node_id(kf_consumer_group_description_coordinator(d)), 1);
    assert_eq!(kf_consumer_group_description_member_count(d), 1);
    let m = kf_consumer_group_description_member(d, 0);
    assert_eq!(text(kf_member_description_client_id(m)), "adm-member");
    assert!(!text(kf_member_description_consumer_id(m)).is_empty());
    assert!(!text(kf_member_description_host(m)).is_empty());
    assert!(kf_member_description_group_instance_id(m).is_null());
    let mut assigned: Vec<(String, i32)> = tp_items(kf_member_description_assignment(m))
        .into_iter()
        .map(|x| (x.topic, x.partition))
        .collect();
    assigned.sort();
    assert_eq!(assigned, vec![(t.clone(), 0), (t.clone(), 1)]);
    let mut n = 0;
    assert!(!kf_consumer_group_description_authorized_operations(d, &mut n).is_null());
    assert!(kf_consumer_group_description_member(d, 1).is_null());
    // The unknown group: its own item, described as dead or with GROUP_ID_NOT_FOUND.
    assert_eq!(r.name(1).as_deref(), Some(unknown.as_str()));
    match r.code(1) {
        0 => assert_eq!(
            kf_consumer_group_description_state(kf_admin_result_item_consumer_group_description(
                r.0, 1
            )),
            KF_CONSUMER_GROUP_STATE_DEAD
        ),
        code => assert_eq!(code, KF_ERR_GROUP_ID_NOT_FOUND),
    }
    drop(r);

    // Deleting an active group fails for that group only.
    let r = run(|r| kf_admin_delete_consumer_groups(a, s.ptrs.as_ptr(), 2, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_DELETE_CONSUMER_GROUPS
    );
    assert_eq!(r.items()[0], (Some(g.clone()), KF_ERR_NON_EMPTY_GROUP));
    assert_eq!(
        r.items()[1],
        (Some(unknown.clone()), KF_ERR_GROUP_ID_NOT_FOUND)
    );
    drop(r);

    // Offsets: all the group's partitions; a listed partition; an unknown group (no offsets).
    let one = tp_list(&[(&t, 0, KF_OFFSET_INVALID)]);
    let r = group_offsets(a, &[(&g, None), (&unknown, None), (&g, Some(one))]);
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_LIST_CONSUMER_GROUP_OFFSETS
    );
    assert_eq!(
        r.items(),
        vec![
            (Some(g.clone()), 0),
            (Some(unknown.clone()), 0),
            (Some(g.clone()), 0)
        ]
    );
    let mut all = offsets_of(&r, 0);
    all.sort();
    assert_eq!(all, vec![(t.clone(), 0, 3, 0), (t.clone(), 1, 0, 0)]);
    assert_eq!(offsets_of(&r, 1), vec![]);
    assert_eq!(offsets_of(&r, 2), vec![(t.clone(), 0, 3, 0)]);
    drop(r);

    // Altering a group with an active member fails for that group.
    let to7 = tp_list(&[(&t, 0, 7)]);
    let gid = cs(&g);
    let alter = [kf_consumer_group_topic_partitions_t {
        group_id: gid.as_ptr(),
        partitions: to7,
    }];
    let r = run(|r| kf_admin_alter_consumer_group_offsets(a, alter.as_ptr(), 1, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_ALTER_CONSUMER_GROUP_OFFSETS
    );
    assert_eq!(r.name(0).as_deref(), Some(g.as_str()));
    // The group answered; its partition carries the refusal (the member is active).
    let got = offsets_of(&r, 0);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].3, KF_ERR_UNKNOWN_MEMBER_ID, "{got:?}");
    drop(r);

    // Once the member has left: listed as empty; alter, then delete offsets, then the group.
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    // The member leaves on close; the group then goes through a rebalance on its way to Empty,
    // which a listing right away may not show yet: wait for it (bounded).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = listed_groups(a, null()).get(&g).map(|x| x.0);
        if state == Some(KF_CONSUMER_GROUP_STATE_EMPTY) {
            break;
        }
        assert!(Instant::now() < deadline, "group state still {state:?}");
        std::thread::sleep(Duration::from_millis(100));
    }

    let r = run(|r| kf_admin_alter_consumer_group_offsets(a, alter.as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(g.clone()), 0)]);
    assert_eq!(offsets_of(&r, 0), vec![(t.clone(), 0, 7, 0)]);
    drop(r);
    let r = group_offsets(a, &[(&g, Some(one))]);
    assert_eq!(offsets_of(&r, 0), vec![(t.clone(), 0, 7, 0)]);
    drop(r);

    let missing_topic = unique("adm-grp-missing");
    let del = tp_list(&[(&t, 0, 0)]);
    let uid = cs(&unknown);
    let dels = [
        kf_consumer_group_topic_partitions_t {
            group_id: gid.as_ptr(),
            partitions: del,
        },
        kf_consumer_group_topic_partitions_t {
            group_id: uid.as_ptr(),
            partitions: del,
        },
    ];
    let r = run(|r| kf_admin_delete_consumer_group_offsets(a, dels.as_ptr(), 2, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_DELETE_CONSUMER_GROUP_OFFSETS
    );
    assert_eq!(r.items()[0], (Some(g.clone()), 0));
    assert_eq!(
        offsets_of(&r, 0),
        vec![(t.clone(), 0, KF_OFFSET_INVALID, 0)]
    );
    assert_eq!(
        r.items()[1],
        (Some(unknown.clone()), KF_ERR_GROUP_ID_NOT_FOUND)
    );
    drop(r);
    let r = group_offsets(a, &[(&g, None)]);
    assert_eq!(offsets_of(&r, 0), vec![(t.clone(), 1, 0, 0)]);
    drop(r);
    let _ = missing_topic;

    let r = run(|r| kf_admin_delete_consumer_groups(a, s.ptrs.as_ptr(), 2, null(), r));
    assert_eq!(
        r.items(),
        vec![
            (Some(g.clone()), 0),
            (Some(unknown.clone()), KF_ERR_GROUP_ID_NOT_FOUND)
        ]
    );
    drop(r);
    assert!(!listed_groups(a, null()).contains_key(&g));

    for l in [one, to7, del] {
        kf_topic_partition_list_destroy(l);
    }
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

#[test]
fn group_offsets_on_the_mock_cluster() {
    let cluster = Cluster::mock(1);
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-mock-grp");
    cluster.create_topic(&t, 2);
    let g = unique("adm-mock-grp");
    let gid = cs(&g);
    let offs = tp_list(&[(&t, 0, 5), (&t, 1, 9)]);
    let alter = [kf_consumer_group_topic_partitions_t {
        group_id: gid.as_ptr(),
        partitions: offs,
    }];
    let r = run(|r| kf_admin_alter_consumer_group_offsets(a, alter.as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(g.clone()), 0)]);
    drop(r);
    let r = group_offsets(a, &[(&g, Some(offs as *const _))]);
    assert_eq!(r.items(), vec![(Some(g.clone()), 0)]);
    assert_eq!(
        offsets_of(&r, 0),
        vec![(t.clone(), 0, 5, 0), (t.clone(), 1, 9, 0)]
    );
    drop(r);
    kf_topic_partition_list_destroy(offs);
    ok(kf_admin_destroy(a));
}

fn push_errors(cluster: &Cluster, api_key: i16, errors: &[i32]) {
    ok(kf_mock_cluster_push_request_errors(
        cluster.mock,
        api_key,
        errors.as_ptr(),
        errors.len(),
    ));
}

/// The errors of a group coordinator that is loading or moving (a broker just started).
const COORDINATOR_ERRORS: [i32; 3] = [
    KF_ERR_COORDINATOR_LOAD_IN_PROGRESS,
    KF_ERR_NOT_COORDINATOR,
    KF_ERR_COORDINATOR_NOT_AVAILABLE,
];

#[test]
fn group_offsets_retry_coordinator_errors_within_the_request_timeout_on_the_mock_cluster() {
    let cluster = Cluster::mock(1);
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-retry");
    cluster.create_topic(&t, 2);
    let (g1, g2) = (unique("adm-retry-g"), unique("adm-retry-g"));
    let (id1, id2) = (cs(&g1), cs(&g2));
    let offs = tp_list(&[(&t, 0, 5), (&t, 1, 9)]);
    let one = [kf_consumer_group_topic_partitions_t {
        group_id: id1.as_ptr(),
        partitions: offs,
    }];
    let both = [
        kf_consumer_group_topic_partitions_t {
            group_id: id1.as_ptr(),
            partitions: offs,
        },
        kf_consumer_group_topic_partitions_t {
            group_id: id2.as_ptr(),
            partitions: offs,
        },
    ];
    let committed = vec![(t.clone(), 0, 5, 0), (t.clone(), 1, 9, 0)];

    // alter: the coordinator refuses every partition (OffsetCommit answers per partition),
    // three times; the fourth request commits. The pauses double: 100 + 200 + 400 ms.
    push_errors(&cluster, KF_APIKEY_OFFSET_COMMIT, &COORDINATOR_ERRORS);
    let started = Instant::now();
    let r = run(|r| kf_admin_alter_consumer_group_offsets(a, one.as_ptr(), 1, null(), r));
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.items(), vec![(Some(g1.clone()), 0)]);
    assert_eq!(offsets_of(&r, 0), committed);
    drop(r);
    // Two groups, each with its own request: the one refused is asked again, the other keeps
    // its answer.
    push_errors(&cluster, KF_APIKEY_OFFSET_COMMIT, &COORDINATOR_ERRORS[..1]);
    let r = run(|r| kf_admin_alter_consumer_group_offsets(a, both.as_ptr(), 2, null(), r));
    assert_eq!(
        r.items(),
        vec![(Some(g1.clone()), 0), (Some(g2.clone()), 0)]
    );
    assert_eq!(offsets_of(&r, 0), committed);
    assert_eq!(offsets_of(&r, 1), committed);
    drop(r);

    // list: OffsetFetch's group-level error, for one of the two groups' requests.
    push_errors(&cluster, KF_APIKEY_OFFSET_FETCH, &COORDINATOR_ERRORS[..1]);
    let r = run(|r| kf_admin_list_consumer_group_offsets(a, both.as_ptr(), 2, null(), r));
    assert_eq!(
        r.items(),
        vec![(Some(g1.clone()), 0), (Some(g2.clone()), 0)]
    );
    assert_eq!(offsets_of(&r, 0), committed);
    assert_eq!(offsets_of(&r, 1), committed);
    drop(r);

    // More refusals than the request timeout leaves room for: the last one is the group's
    // result, once the timeout is spent.
    push_errors(
        &cluster,
        KF_APIKEY_OFFSET_FETCH,
        &[KF_ERR_COORDINATOR_LOAD_IN_PROGRESS; 100],
    );
    let o = options();
    ok(kf_admin_options_set_request_timeout(o, 1000));
    let started = Instant::now();
    let r = run(|r| kf_admin_list_consumer_group_offsets(a, one.as_ptr(), 1, o, r));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(
        r.items(),
        vec![(Some(g1.clone()), KF_ERR_COORDINATOR_LOAD_IN_PROGRESS)]
    );
    drop(r);
    ok(kf_mock_cluster_clear_request_errors(
        cluster.mock,
        KF_APIKEY_OFFSET_FETCH,
    ));
    // A permanent error is not retried.
    push_errors(
        &cluster,
        KF_APIKEY_OFFSET_FETCH,
        &[KF_ERR_GROUP_AUTHORIZATION_FAILED],
    );
    let started = Instant::now();
    let r = run(|r| kf_admin_list_consumer_group_offsets(a, one.as_ptr(), 1, null(), r));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        r.items(),
        vec![(Some(g1.clone()), KF_ERR_GROUP_AUTHORIZATION_FAILED)]
    );
    drop(r);
    kf_admin_options_destroy(o);
    kf_topic_partition_list_destroy(offs);
    ok(kf_admin_destroy(a));
}

#[test]
fn async_group_offsets_retry_without_waiting_for_poll_on_the_mock_cluster() {
    let cluster = Cluster::mock(1);
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-retry-async");
    cluster.create_topic(&t, 1);
    let g = unique("adm-retry-async-g");
    let gid = cs(&g);
    let offs = tp_list(&[(&t, 0, 3)]);
    let groups = [kf_consumer_group_topic_partitions_t {
        group_id: gid.as_ptr(),
        partitions: offs,
    }];
    let seen = Seen::new(a);
    // Three refusals take 700 ms of pauses. No poll meanwhile: the retries start on their own,
    // so one short poll afterwards finds the result.
    push_errors(&cluster, KF_APIKEY_OFFSET_COMMIT, &COORDINATOR_ERRORS);
    ok(kf_admin_alter_consumer_group_offsets_async(
        a,
        groups.as_ptr(),
        1,
        null(),
        Some(on_result),
        seen.opaque(),
    ));
    std::thread::sleep(Duration::from_millis(2000));
    ok(kf_admin_poll(a, 500, null_mut()));
    assert_eq!(seen.len(), 1, "the retries waited for poll");
    let results = seen.results.lock().unwrap().clone();
    assert_eq!(
        (results[0].0, results[0].1.clone()),
        (
            KF_ADMIN_OP_ALTER_CONSUMER_GROUP_OFFSETS,
            vec![(Some(g.clone()), 0)]
        )
    );
    // Destroyed while a retry waits for its turn: the retry never starts, the callback never
    // runs.
    push_errors(
        &cluster,
        KF_APIKEY_OFFSET_FETCH,
        &[KF_ERR_COORDINATOR_LOAD_IN_PROGRESS; 50],
    );
    ok(kf_admin_list_consumer_group_offsets_async(
        a,
        groups.as_ptr(),
        1,
        null(),
        Some(on_result),
        seen.opaque(),
    ));
    ok(kf_admin_poll(a, 300, null_mut()));
    ok(kf_admin_destroy(a));
    assert_eq!(seen.len(), 1);
    kf_topic_partition_list_destroy(offs);
}

// ---------------------------------------------------------------------------------------------
// offsets, records, leaders

fn list_offsets(
    a: *mut kf_admin_t,
    specs: &[(&str, i32, i64)],
    o: *const kf_admin_options_t,
) -> Res {
    let l = tp_list(specs);
    let r = run(|r| kf_admin_list_offsets(a, l, o, r));
    kf_topic_partition_list_destroy(l);
    r
}

/// Produces one record per timestamp to partition 0 and waits for their delivery.
fn produce_with_timestamps(cluster: &Cluster, topic: &str, timestamps: &[i64]) {
    let conf = cluster.config(&[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let t = cs(topic);
    let mut d = Deliveries::default();
    for (i, ts) in timestamps.iter().enumerate() {
        let v = format!("v{i}");
        ok(kf_producer_produce(
            p,
            t.as_ptr(),
            0,
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

fn offsets(r: &Res) -> Vec<(Option<String>, i32, i64, i32)> {
    (0..r.count())
        .map(|i| {
            (
                r.name(i),
                kf_admin_result_item_partition(r.0, i),
                kf_admin_result_item_offset(r.0, i),
                r.code(i),
            )
        })
        .collect()
}

#[test]
fn list_offsets_by_spec_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let a = new_admin(&cluster, &[]);
        let t = unique("adm-lo");
        cluster.create_topic(&t, 1);
        // Record i has timestamp base + i s, except record 6, the latest of all.
        let base = 1_700_000_000_000i64;
        let ts: Vec<i64> = (0..10)
            .map(|i| {
                if i == 6 {
                    base + 100_000
                } else {
                    base + i * 1000
                }
            })
            .collect();
        produce_with_timestamps(&cluster, &t, &ts);
        let missing = unique("adm-lo-missing");
        let o = options();
        ok(kf_admin_options_set_isolation_level(
            o,
            KF_ISOLATION_LEVEL_READ_COMMITTED,
        ));
        let r = list_offsets(
            a,
            &[
                (&t, 0, KF_OFFSET_SPEC_EARLIEST),
                (&t, 0, KF_OFFSET_SPEC_LATEST),
            ],
            o,
        );
        // The same partition twice is a request-level error (librdkafka refuses duplicates)
        // and each item carries it.
        assert_eq!(r.error_code(), KF_ERR__INVALID_ARG, "{}", cluster.name());
        assert_eq!(r.items(), vec![(Some(t.clone()), KF_ERR__INVALID_ARG); 2]);
        drop(r);

        let earliest = list_offsets(a, &[(&t, 0, KF_OFFSET_SPEC_EARLIEST)], o);
        assert_eq!(
            kf_admin_result_operation(earliest.0),
            KF_ADMIN_OP_LIST_OFFSETS
        );
        assert_eq!(
            offsets(&earliest),
            vec![(Some(t.clone()), 0, 0, 0)],
            "{}",
            cluster.name()
        );
        let latest = list_offsets(a, &[(&t, 0, KF_OFFSET_SPEC_LATEST)], null());
        assert_eq!(
            offsets(&latest),
            vec![(Some(t.clone()), 0, 10, 0)],
            "{}",
            cluster.name()
        );
        drop((earliest, latest));
        if !cluster.is_mock() {
            // By timestamp: the first record at or after it; an unknown topic: its own error.
            let r = list_offsets(
                a,
                &[(&t, 0, base + 2500), (&missing, 0, KF_OFFSET_SPEC_LATEST)],
                null(),
            );
            assert_eq!(
                offsets(&r),
                vec![
                    (Some(t.clone()), 0, 3, 0),
                    (
                        Some(missing.clone()),
                        0,
                        KF_OFFSET_INVALID,
                        KF_ERR_UNKNOWN_TOPIC_OR_PART
                    )
                ]
            );
            assert_eq!(kf_admin_result_item_timestamp(r.0, 0), base + 3000);
            assert!(kf_admin_result_item_leader_epoch(r.0, 0) >= 0);
            drop(r);
            // Max timestamp: the record with the latest timestamp, wherever it is.
            let r = list_offsets(a, &[(&t, 0, KF_OFFSET_SPEC_MAX_TIMESTAMP)], null());
            assert_eq!(offsets(&r), vec![(Some(t.clone()), 0, 6, 0)]);
            assert_eq!(kf_admin_result_item_timestamp(r.0, 0), base + 100_000);
            // After every record: no offset.
            let future = list_offsets(a, &[(&t, 0, base + 1_000_000)], null());
            assert_eq!(offsets(&future), vec![(Some(t.clone()), 0, -1, 0)]);
            drop((r, future));
        }
        kf_admin_options_destroy(o);
        ok(kf_admin_destroy(a));
    }
}

#[test]
fn delete_records_moves_the_low_watermark_per_partition() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-dr");
    cluster.create_topic(&t, 2);
    produce_values(
        &cluster,
        &t,
        0,
        &(0..10).map(|i| vec![i as u8]).collect::<Vec<_>>(),
    );
    produce_values(
        &cluster,
        &t,
        1,
        &(0..3).map(|i| vec![i as u8]).collect::<Vec<_>>(),
    );
    // Partition 0 before offset 4; partition 1 past its end (out of range): its own error.
    let l = tp_list(&[(&t, 0, 4), (&t, 1, 50)]);
    let o = options();
    ok(kf_admin_options_set_operation_timeout(o, 5000));
    let r = run(|r| kf_admin_delete_records(a, l, o, r));
    kf_topic_partition_list_destroy(l);
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DELETE_RECORDS);
    assert_eq!(
        offsets(&r),
        vec![
            (Some(t.clone()), 0, 4, 0),
            (Some(t.clone()), 1, -1, KF_ERR_OFFSET_OUT_OF_RANGE)
        ]
    );
    drop(r);
    let e = list_offsets(
        a,
        &[
            (&t, 0, KF_OFFSET_SPEC_EARLIEST),
            (&t, 1, KF_OFFSET_SPEC_EARLIEST),
        ],
        null(),
    );
    assert_eq!(
        offsets(&e),
        vec![(Some(t.clone()), 0, 4, 0), (Some(t.clone()), 1, 0, 0)]
    );
    drop(e);
    // KF_OFFSET_END: everything.
    let l = tp_list(&[(&t, 1, KF_OFFSET_END)]);
    let r = run(|r| kf_admin_delete_records(a, l, null(), r));
    kf_topic_partition_list_destroy(l);
    assert_eq!(offsets(&r), vec![(Some(t.clone()), 1, 3, 0)]);
    drop(r);
    kf_admin_options_destroy(o);
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

#[test]
fn elect_leaders_per_partition_results() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-el");
    cluster.create_topic(&t, 2);
    let missing = unique("adm-el-missing");
    let l = tp_list(&[(&t, 0, 0), (&t, 1, 0), (&missing, 0, 0)]);
    let r = run(|r| kf_admin_elect_leaders(a, KF_ELECTION_TYPE_PREFERRED, l, null(), r));
    kf_topic_partition_list_destroy(l);
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_ELECT_LEADERS);
    // One broker: the preferred leader already leads each partition.
    let mut got: Vec<(Option<String>, i32, i32)> = (0..r.count())
        .map(|i| (r.name(i), kf_admin_result_item_partition(r.0, i), r.code(i)))
        .collect();
    got.sort();
    let mut want = vec![
        (Some(t.clone()), 0, KF_ERR_ELECTION_NOT_NEEDED),
        (Some(t.clone()), 1, KF_ERR_ELECTION_NOT_NEEDED),
        (Some(missing.clone()), 0, KF_ERR_UNKNOWN_TOPIC_OR_PART),
    ];
    want.sort();
    assert_eq!(got, want);
    drop(r);
    // An unknown election type never leaves the process.
    let (code, msg) = err(kf_admin_elect_leaders(
        a,
        7,
        null(),
        null(),
        &mut null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("election_type"), "{msg}");
    delete_topics(a, &[&t]);
    ok(kf_admin_destroy(a));
}

// ---------------------------------------------------------------------------------------------
// SCRAM credentials

/// describe_user_scram_credentials of `users`, repeated until `user`'s item has error code
/// `code`: a credential change is acknowledged by the controller and reaches the broker that
/// answers describe a moment later (KRaft propagates metadata asynchronously).
#[track_caller]
fn described_scram(a: *mut kf_admin_t, users: &[&str], user: &str, code: i32) -> Res {
    let s = strs(users);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = run(|r| {
            kf_admin_describe_user_scram_credentials(a, s.ptrs.as_ptr(), s.ptrs.len(), null(), r)
        });
        let got = r.items().into_iter().find(|x| x.0.as_deref() == Some(user));
        if got.as_ref().map(|x| x.1) == Some(code) {
            return r;
        }
        assert!(Instant::now() < deadline, "{user}: still {got:?}");
        drop(r);
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn scram(r: &Res, i: usize) -> Vec<(i32, i32)> {
    (0..kf_admin_result_item_scram_credential_count(r.0, i))
        .map(|c| {
            (
                kf_admin_result_item_scram_mechanism(r.0, i, c),
                kf_admin_result_item_scram_iterations(r.0, i, c),
            )
        })
        .collect()
}

#[test]
fn user_scram_credentials_upsert_describe_delete() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let user = unique("adm-scram");
    let pw = b"s3cret";
    let mut e = null_mut();
    let up = kf_user_scram_credential_upsertion_new(
        cs(&user).as_ptr(),
        KF_SCRAM_MECHANISM_SHA_256,
        8192,
        pw.as_ptr(),
        pw.len(),
        null(),
        0,
        &mut e,
    );
    ok(e);
    let r =
        run(|r| kf_admin_alter_user_scram_credentials(a, [up as *const _].as_ptr(), 1, null(), r));
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_ALTER_USER_SCRAM_CREDENTIALS
    );
    assert_eq!(r.items(), vec![(Some(user.clone()), 0)]);
    drop(r);

    let nobody = unique("adm-scram-nobody");
    let r = described_scram(a, &[&user, "scramuser", &nobody], &user, 0);
    assert_eq!(
        kf_admin_result_operation(r.0),
        KF_ADMIN_OP_DESCRIBE_USER_SCRAM_CREDENTIALS
    );
    assert_eq!(
        r.items(),
        vec![
            (Some(user.clone()), 0),
            (Some("scramuser".into()), 0),
            (Some(nobody.clone()), KF_ERR_RESOURCE_NOT_FOUND)
        ]
    );
    assert_eq!(scram(&r, 0), vec![(KF_SCRAM_MECHANISM_SHA_256, 8192)]);
    assert_eq!(scram(&r, 1), vec![(KF_SCRAM_MECHANISM_SHA_512, 4096)]);
    assert_eq!(scram(&r, 2), vec![]);
    drop(r);
    // All users (count 0): includes both.
    let r = run(|r| kf_admin_describe_user_scram_credentials(a, null(), 0, null(), r));
    let names: Vec<_> = r.items().into_iter().map(|x| x.0.unwrap()).collect();
    assert!(
        names.contains(&user) && names.contains(&"scramuser".to_string()),
        "{names:?}"
    );
    drop(r);

    // The new credential works: a SCRAM-SHA-256 client authenticates with it... on a listener
    // that enables SHA-256 (ours enables SHA-512 only), so check the deletion instead: deleting
    // it succeeds once, then fails with RESOURCE_NOT_FOUND for that user only.
    let del = kf_user_scram_credential_deletion_new(
        cs(&user).as_ptr(),
        KF_SCRAM_MECHANISM_SHA_256,
        &mut e,
    );
    ok(e);
    let del2 = kf_user_scram_credential_deletion_new(
        cs(&nobody).as_ptr(),
        KF_SCRAM_MECHANISM_SHA_512,
        &mut e,
    );
    ok(e);
    let r = run(|r| {
        kf_admin_alter_user_scram_credentials(
            a,
            [del as *const _, del2 as *const _].as_ptr(),
            2,
            null(),
            r,
        )
    });
    assert_eq!(
        r.items(),
        vec![
            (Some(user.clone()), 0),
            (Some(nobody.clone()), KF_ERR_RESOURCE_NOT_FOUND)
        ]
    );
    drop(r);
    let r = described_scram(a, &[&user], &user, KF_ERR_RESOURCE_NOT_FOUND);
    assert_eq!(
        r.items(),
        vec![(Some(user.clone()), KF_ERR_RESOURCE_NOT_FOUND)]
    );
    drop(r);

    // Bad mechanism: refused locally.
    assert!(kf_user_scram_credential_deletion_new(cs(&user).as_ptr(), 0, &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    for x in [up, del, del2] {
        kf_user_scram_credential_alteration_destroy(x);
    }
    ok(kf_admin_destroy(a));
}

#[test]
fn scram_upsertion_authenticates_a_new_sha512_user() {
    let cluster = Cluster::broker();
    let a = new_admin(&cluster, &[]);
    let user = unique("adm-scram-login");
    let pw = b"pa55word";
    let mut e = null_mut();
    let up = kf_user_scram_credential_upsertion_new(
        cs(&user).as_ptr(),
        KF_SCRAM_MECHANISM_SHA_512,
        4096,
        pw.as_ptr(),
        pw.len(),
        b"salty".as_ptr(),
        5,
        &mut e,
    );
    ok(e);
    let r =
        run(|r| kf_admin_alter_user_scram_credentials(a, [up as *const _].as_ptr(), 1, null(), r));
    assert_eq!(r.items(), vec![(Some(user.clone()), 0)]);
    drop(r);
    kf_user_scram_credential_alteration_destroy(up);
    // The controller has the credential; the broker learns it a moment later (KRaft metadata
    // propagation): wait until the broker describes it, then log in with it.
    drop(described_scram(a, &[&user], &user, 0));
    // The new user connects over SASL/SCRAM-SHA-512.
    let sasl = std::env::var("KAFKA_SASL_BOOTSTRAP_SERVERS").expect("KAFKA_SASL_BOOTSTRAP_SERVERS");
    let conf = kf_config_new();
    for (k, v) in [
        ("bootstrap.servers", sasl.as_str()),
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "SCRAM-SHA-512"),
        ("sasl.username", user.as_str()),
        ("sasl.password", "pa55word"),
    ] {
        ok(kf_config_set(conf, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    let mut e = null_mut();
    let b = kf_admin_new(conf, &mut e);
    ok(e);
    kf_config_destroy(conf);
    let r = run(|r| kf_admin_describe_cluster(b, null(), r));
    assert!(kf_admin_result_error(r.0).is_null());
    drop(r);
    ok(kf_admin_destroy(b));
    ok(kf_admin_destroy(a));
}

// ---------------------------------------------------------------------------------------------
// ACLs without an authorizer (tests/admin_acl.rs runs them against one)

fn acl(restype: i32, name: &str, principal: &str, op: i32, perm: i32) -> *mut kf_acl_binding_t {
    let mut e = null_mut();
    let b = kf_acl_binding_new(
        restype,
        cs(name).as_ptr(),
        KF_RESOURCE_PATTERN_LITERAL,
        cs(principal).as_ptr(),
        cs("*").as_ptr(),
        op,
        perm,
        &mut e,
    );
    ok(e);
    b
}

/// The ACL operations on the default test broker: without an authorizer each item fails with
/// SECURITY_DISABLED; with one (KAFKA_AUTHORIZER=1 in its env file) they succeed. Either way
/// the items, their bindings and the local checks are the same. (tests/admin_acl.rs shows what
/// ACLs do to a principal.)
#[test]
fn acls_per_item_results_with_or_without_an_authorizer() {
    let cluster = Cluster::broker();
    let authorizer = std::env::var("KAFKA_AUTHORIZER").as_deref() == Ok("1");
    let want = if authorizer {
        0
    } else {
        KF_ERR_SECURITY_DISABLED
    };
    let a = new_admin(&cluster, &[]);
    let t = unique("adm-acl");
    let g = unique("adm-acl-g");
    let b1 = acl(
        KF_RESOURCE_TOPIC,
        &t,
        "User:alice",
        KF_ACL_OPERATION_READ,
        KF_ACL_PERMISSION_TYPE_ALLOW,
    );
    let b2 = acl(
        KF_RESOURCE_GROUP,
        &g,
        "User:bob",
        KF_ACL_OPERATION_ALL,
        KF_ACL_PERMISSION_TYPE_DENY,
    );
    let r =
        run(|r| kf_admin_create_acls(a, [b1 as *const _, b2 as *const _].as_ptr(), 2, null(), r));
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_CREATE_ACLS);
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), want), (Some(g.clone()), want)]
    );
    // Each item holds its binding.
    assert_eq!(kf_admin_result_item_acl_count(r.0, 1), 1);
    let x = kf_admin_result_item_acl(r.0, 1, 0);
    assert_eq!(kf_acl_binding_restype(x), KF_RESOURCE_GROUP);
    assert_eq!(text(kf_acl_binding_name(x)), g);
    assert_eq!(text(kf_acl_binding_principal(x)), "User:bob");
    assert_eq!(kf_acl_binding_operation(x), KF_ACL_OPERATION_ALL);
    assert_eq!(
        kf_acl_binding_permission_type(x),
        KF_ACL_PERMISSION_TYPE_DENY
    );
    drop(r);

    let filter = |restype: i32, name: &str| {
        let mut e = null_mut();
        let f = kf_acl_binding_filter_new(
            restype,
            cs(name).as_ptr(),
            KF_RESOURCE_PATTERN_ANY,
            null(),
            null(),
            KF_ACL_OPERATION_ANY,
            KF_ACL_PERMISSION_TYPE_ANY,
            &mut e,
        );
        ok(e);
        f
    };
    let ft = filter(KF_RESOURCE_TOPIC, &t);
    let fg = filter(KF_RESOURCE_GROUP, &g);
    // librdkafka 2.12 drops the top-level error of a DescribeAcls response (SECURITY_DISABLED
    // without an authorizer): the filter's item comes back without error and with no binding.
    // With an authorizer, the controller has the new binding when create_acls returns, and the
    // broker's authorizer, which answers describe_acls, a moment later: wait for it (bounded).
    let bindings = if authorizer { 1 } else { 0 };
    let deadline = Instant::now() + Duration::from_secs(20);
    let r = loop {
        let r = run(|r| kf_admin_describe_acls(a, ft, null(), r));
        if kf_admin_result_item_acl_count(r.0, 0) == bindings || Instant::now() >= deadline {
            break r;
        }
        drop(r);
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DESCRIBE_ACLS);
    assert_eq!(r.items(), vec![(Some(t.clone()), 0)]);
    assert_eq!(kf_admin_result_item_acl_count(r.0, 0), bindings);
    drop(r);
    let r =
        run(|r| kf_admin_delete_acls(a, [ft as *const _, fg as *const _].as_ptr(), 2, null(), r));
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DELETE_ACLS);
    assert_eq!(
        r.items(),
        vec![(Some(t.clone()), want), (Some(g.clone()), want)]
    );
    let deleted = if authorizer { 1 } else { 0 };
    assert_eq!(kf_admin_result_item_acl_count(r.0, 0), deleted);
    assert_eq!(kf_admin_result_item_acl_count(r.0, 1), deleted);
    drop(r);
    // A binding where a filter is expected (and the reverse) is refused locally.
    assert_eq!(
        err(kf_admin_describe_acls(a, b1, null(), &mut null_mut())).0,
        KF_ERR__INVALID_ARG
    );
    assert_eq!(
        err(kf_admin_create_acls(
            a,
            [ft as *const _].as_ptr(),
            1,
            null(),
            &mut null_mut()
        ))
        .0,
        KF_ERR__INVALID_ARG
    );
    // ANY is not a valid value for a binding.
    let mut e = null_mut();
    let bad = kf_acl_binding_new(
        KF_RESOURCE_ANY,
        cs("x").as_ptr(),
        KF_RESOURCE_PATTERN_LITERAL,
        cs("User:a").as_ptr(),
        cs("*").as_ptr(),
        KF_ACL_OPERATION_READ,
        KF_ACL_PERMISSION_TYPE_ALLOW,
        &mut e,
    );
    assert!(bad.is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    for x in [b1, b2, ft, fg] {
        kf_acl_binding_destroy(x);
    }
    ok(kf_admin_destroy(a));
}

// ---------------------------------------------------------------------------------------------
// asynchronous forms, options, failures of whole requests, callbacks while waiting

/// What the async callback saw: (operation, items, thread) per result.
/// (operation, (name, error code) of each item, thread, code of a poll from the callback).
type SeenResult = (i32, Vec<(Option<String>, i32)>, std::thread::ThreadId, i32);

#[derive(Default)]
struct Seen {
    results: std::sync::Mutex<Vec<SeenResult>>,
    admin: usize,
}

impl Seen {
    fn new(a: *mut kf_admin_t) -> Seen {
        Seen {
            admin: a as usize,
            ..Default::default()
        }
    }
    fn len(&self) -> usize {
        self.results.lock().unwrap().len()
    }
    fn opaque(&self) -> *mut c_void {
        self as *const Seen as *mut c_void
    }
}

unsafe extern "C" fn on_result(opaque: *mut c_void, r: *mut kf_admin_result_t) {
    let seen = &*(opaque as *const Seen);
    let items = (0..kf_admin_result_item_count(r))
        .map(|i| {
            (
                opt_text(kf_admin_result_item_name(r, i)),
                kf_admin_result_item_error_code(r, i),
            )
        })
        .collect();
    // Polling the client from its own callback is refused.
    let e = kf_admin_poll(seen.admin as *mut kf_admin_t, 0, null_mut());
    let poll_code = kf_error_code(e);
    kf_error_destroy(e);
    seen.results.lock().unwrap().push((
        kf_admin_result_operation(r),
        items,
        std::thread::current().id(),
        poll_code,
    ));
    // The result is handed over: the callback frees it.
    kf_admin_result_destroy(r);
}

fn poll_until(a: *mut kf_admin_t, seen: &Seen, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < n {
        assert!(Instant::now() < deadline, "async results did not arrive");
        ok(kf_admin_poll(a, 1000, null_mut()));
    }
}

#[test]
fn async_operations_deliver_results_in_poll_on_broker_and_mock() {
    for cluster in Cluster::both() {
        let a = new_admin(&cluster, &[]);
        let t = unique("adm-async");
        cluster.create_topic(&t, 1);
        let missing = unique("adm-async-missing");
        let seen = Seen::new(a);
        let mut expected = 2;
        if !cluster.is_mock() {
            // (The mock cluster has no controller for these two.)
            let s = strs(&[&t, &missing]);
            ok(kf_admin_describe_topics_async(
                a,
                s.ptrs.as_ptr(),
                2,
                null(),
                Some(on_result),
                seen.opaque(),
            ));
            ok(kf_admin_describe_cluster_async(
                a,
                null(),
                Some(on_result),
                seen.opaque(),
            ));
            expected += 2;
        }
        let l = tp_list(&[(&t, 0, KF_OFFSET_SPEC_LATEST)]);
        ok(kf_admin_list_offsets_async(
            a,
            l,
            null(),
            Some(on_result),
            seen.opaque(),
        ));
        kf_topic_partition_list_destroy(l);
        // Group offsets: two groups, two librdkafka requests, one result. On a broker that has
        // just started, a group's coordinator may still be loading (COORDINATOR_LOAD_IN_PROGRESS):
        // the library asks again within the request timeout, so both groups answer.
        let (g1, g2) = (cs(&unique("adm-async-g")), cs(&unique("adm-async-g")));
        let gs = [
            kf_consumer_group_topic_partitions_t {
                group_id: g1.as_ptr(),
                partitions: null(),
            },
            kf_consumer_group_topic_partitions_t {
                group_id: g2.as_ptr(),
                partitions: null(),
            },
        ];
        ok(kf_admin_list_consumer_group_offsets_async(
            a,
            gs.as_ptr(),
            2,
            null(),
            Some(on_result),
            seen.opaque(),
        ));
        // Nothing is delivered outside poll.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(seen.len(), 0);
        poll_until(a, &seen, expected);
        let me = std::thread::current().id();
        let mut by_op: BTreeMap<i32, _> = BTreeMap::new();
        for (opc, items, thread, poll_code) in seen.results.lock().unwrap().iter() {
            assert_eq!(*thread, me);
            assert_eq!(*poll_code, KF_ERR__STATE);
            by_op.insert(*opc, items.clone());
        }
        assert_eq!(by_op.len(), expected, "{}", cluster.name());
        if !cluster.is_mock() {
            assert_eq!(
                by_op[&KF_ADMIN_OP_DESCRIBE_TOPICS],
                vec![
                    (Some(t.clone()), 0),
                    (Some(missing.clone()), KF_ERR_UNKNOWN_TOPIC_OR_PART)
                ]
            );
            assert_eq!(by_op[&KF_ADMIN_OP_DESCRIBE_CLUSTER].len(), 1);
        }
        assert_eq!(
            by_op[&KF_ADMIN_OP_LIST_OFFSETS],
            vec![(Some(t.clone()), 0)],
            "{}",
            cluster.name()
        );
        assert_eq!(
            by_op[&KF_ADMIN_OP_LIST_CONSUMER_GROUP_OFFSETS],
            vec![
                (Some(g1.to_str().unwrap().to_string()), 0),
                (Some(g2.to_str().unwrap().to_string()), 0)
            ]
        );
        // A NULL callback is refused; nothing starts.
        let (code, msg) = err(kf_admin_describe_cluster_async(a, null(), None, null_mut()));
        assert_eq!(code, KF_ERR__INVALID_ARG);
        assert!(msg.contains("callback"), "{msg}");
        // Poll with nothing pending times out with 0 served.
        let mut served = -1;
        ok(kf_admin_poll(a, 50, &mut served));
        assert_eq!(served, 0);
        // Destroy with an operation still running: its callback never runs.
        let before = seen.len();
        let l = tp_list(&[(&t, 0, KF_OFFSET_SPEC_LATEST)]);
        ok(kf_admin_list_offsets_async(
            a,
            l,
            null(),
            Some(on_result),
            seen.opaque(),
        ));
        kf_topic_partition_list_destroy(l);
        ok(kf_admin_destroy(a));
        assert_eq!(seen.len(), before);
    }
}

#[test]
fn options_an_operation_does_not_take_are_refused() {
    let cluster = Cluster::mock(1);
    let a = new_admin(&cluster, &[]);
    let o = options();
    ok(kf_admin_options_set_validate_only(o, true));
    let s = strs(&["t"]);
    let (code, msg) = err(kf_admin_describe_topics(
        a,
        s.ptrs.as_ptr(),
        1,
        o,
        &mut null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(
        msg.contains("validate_only") && msg.contains("describe_topics"),
        "{msg}"
    );
    kf_admin_options_destroy(o);
    let o = options();
    ok(kf_admin_options_set_isolation_level(
        o,
        KF_ISOLATION_LEVEL_READ_COMMITTED,
    ));
    let (code, msg) = err(kf_admin_describe_cluster(a, o, &mut null_mut()));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("isolation_level"), "{msg}");
    // Bad option values are refused when set.
    assert_eq!(
        err(kf_admin_options_set_isolation_level(o, 5)).0,
        KF_ERR__INVALID_ARG
    );
    assert_eq!(
        err(kf_admin_options_set_request_timeout(o, -1)).0,
        KF_ERR__INVALID_ARG
    );
    assert_eq!(
        err(kf_admin_options_set_match_consumer_group_states(
            o,
            [42].as_ptr(),
            1
        ))
        .0,
        KF_ERR__INVALID_ARG
    );
    kf_admin_options_destroy(o);
    // Group-offset operations need at least one group.
    let (code, msg) = err(kf_admin_list_consumer_group_offsets(
        a,
        null(),
        0,
        null(),
        &mut null_mut(),
    ));
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("group"), "{msg}");
    ok(kf_admin_destroy(a));
}

#[test]
fn a_request_that_times_out_lists_every_item_with_the_timeout() {
    let cluster = Cluster::mock(1);
    let t = unique("adm-timeout");
    cluster.create_topic(&t, 1);
    let a = new_admin(&cluster, &[]);
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    let o = options();
    ok(kf_admin_options_set_request_timeout(o, 800));
    let started = Instant::now();
    let r = describe_topics(a, &[&t, "other"], o);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.error_code(), KF_ERR__TIMED_OUT);
    assert_eq!(
        r.items(),
        vec![
            (Some(t.clone()), KF_ERR__TIMED_OUT),
            (Some("other".into()), KF_ERR__TIMED_OUT)
        ]
    );
    drop(r);
    let r = run(|r| kf_admin_describe_cluster(a, o, r));
    assert_eq!(r.error_code(), KF_ERR__TIMED_OUT);
    assert_eq!(r.count(), 0);
    assert!(kf_admin_result_cluster_description(r.0).is_null());
    drop(r);
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
}

static STATS_ON_CALLER: AtomicUsize = AtomicUsize::new(0);
static STATS_ELSEWHERE: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    static IN_CALL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

unsafe extern "C" fn stats_cb(_o: *mut c_void, _json: *const c_char, _len: usize) {
    if IN_CALL.with(|c| c.get()) {
        STATS_ON_CALLER.fetch_add(1, Ordering::SeqCst);
    } else {
        STATS_ELSEWHERE.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn blocking_calls_serve_callbacks_on_the_calling_thread_and_wake_ends_them() {
    let cluster = Cluster::mock(1);
    let conf = cluster.config(&[("statistics.interval.ms", "100")]);
    ok(kf_config_set_stats_cb(
        conf,
        Some(stats_cb),
        null_mut(),
        None,
    ));
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    ok(e);
    kf_config_destroy(conf);
    // The broker is down: describe_cluster waits for its 1.5 s request timeout, serving the
    // stats callback on this thread meanwhile.
    ok(kf_mock_cluster_broker_down(cluster.mock, 1));
    let o = options();
    ok(kf_admin_options_set_request_timeout(o, 1500));
    IN_CALL.with(|c| c.set(true));
    let r = run(|r| kf_admin_describe_cluster(a, o, r));
    IN_CALL.with(|c| c.set(false));
    assert_eq!(r.error_code(), KF_ERR__TIMED_OUT);
    drop(r);
    assert!(
        STATS_ON_CALLER.load(Ordering::SeqCst) >= 5,
        "{}",
        STATS_ON_CALLER.load(Ordering::SeqCst)
    );
    assert_eq!(STATS_ELSEWHERE.load(Ordering::SeqCst), 0);

    // kf_admin_wake() from another thread ends a long blocking call with _INTR.
    ok(kf_admin_options_set_request_timeout(o, 60_000));
    let ap = a as usize;
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        ok(kf_admin_wake(ap as *mut kf_admin_t));
    });
    let started = Instant::now();
    let (code, _) = err(kf_admin_describe_cluster(a, o, &mut null_mut()));
    waker.join().unwrap();
    assert_eq!(code, KF_ERR__INTR);
    assert!(started.elapsed() < Duration::from_secs(5));
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
    // And a blocked poll (on a healthy cluster and a client without stats: an error event or
    // a stats callback would end the poll first).
    let healthy = Cluster::mock(1);
    let b = new_admin(&healthy, &[]);
    let bp = b as usize;
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        ok(kf_admin_wake(bp as *mut kf_admin_t));
    });
    let started = Instant::now();
    assert_eq!(err(kf_admin_poll(b, -1, null_mut())).0, KF_ERR__INTR);
    assert!(started.elapsed() >= Duration::from_millis(250));
    waker.join().unwrap();
    ok(kf_admin_destroy(b));
}

#[test]
fn event_fd_becomes_readable_when_an_async_result_arrives() {
    let cluster = Cluster::mock(1);
    let a = new_admin(&cluster, &[]);
    let mut fd: c_int = -1;
    ok(kf_admin_event_fd(a, &mut fd));
    assert!(fd >= 0);
    let t = unique("adm-fd");
    cluster.create_topic(&t, 1);
    // Drain what the client has queued so far, so the descriptor starts empty.
    ok(kf_admin_poll(a, 100, null_mut()));
    let mut buf = [0u8; 64];
    while unsafe { read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) } > 0 {}
    let seen = Seen::new(a);
    let l = tp_list(&[(&t, 0, KF_OFFSET_SPEC_LATEST)]);
    ok(kf_admin_list_offsets_async(
        a,
        l,
        null(),
        Some(on_result),
        seen.opaque(),
    ));
    kf_topic_partition_list_destroy(l);
    let mut pfd = libc_pollfd {
        fd,
        events: 1,
        revents: 0,
    };
    let n = unsafe { poll(&mut pfd, 1, 10_000) };
    assert_eq!(n, 1, "event fd never became readable");
    while unsafe { read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) } > 0 {}
    poll_until(a, &seen, 1);
    assert_eq!(seen.results.lock().unwrap()[0].0, KF_ADMIN_OP_LIST_OFFSETS);
    ok(kf_admin_destroy(a));
}

#[repr(C)]
struct libc_pollfd {
    fd: c_int,
    events: i16,
    revents: i16,
}
extern "C" {
    fn poll(fds: *mut libc_pollfd, n: u64, timeout: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, n: usize) -> isize;
}

/// A request that fails as a whole (no broker answers within the request timeout) gives a result
/// whose error says so, the partition asked for listed with that error. librdkafka's
/// rd_kafka_DeleteRecords_result_offsets() asserts on such a result, which aborted the host
/// process.
#[test]
fn delete_records_with_no_broker_is_an_error_result_not_an_abort() {
    let conf = kf_config_new();
    ok(kf_config_set(
        conf,
        cs("bootstrap.servers").as_ptr(),
        cs("127.0.0.1:1").as_ptr(),
    ));
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    kf_config_destroy(conf);
    ok(e);
    let o = options();
    ok(kf_admin_options_set_request_timeout(o, 1000));
    let l = tp_list(&[("no-broker-topic", 0, 4)]);
    let r = run(|r| kf_admin_delete_records(a, l, o, r));
    kf_topic_partition_list_destroy(l);
    assert_eq!(kf_admin_result_operation(r.0), KF_ADMIN_OP_DELETE_RECORDS);
    assert_ne!(r.error_code(), 0, "the request cannot have succeeded");
    assert_eq!(r.count(), 1);
    assert_eq!(r.code(0), r.error_code());
    drop(r);
    kf_admin_options_destroy(o);
    ok(kf_admin_destroy(a));
}
