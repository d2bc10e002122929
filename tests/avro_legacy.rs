//! The legacy AvroProducer / AvroConsumer (Python's confluent_kafka.avro) through the C ABI:
//! on the real broker with the real registry (Apicurio, SCHEMA_REGISTRY_URL), and on the mock
//! cluster with a mock:// registry. One JSON configuration carries the client's properties and
//! the "schema.registry." ones, split apart; default and per-call schemas; reader schemas;
//! serialization and deserialization errors; configuration errors.
mod common;
use common::*;
use serde_json::{json, Value as Json};
use std::os::raw::c_void;
use std::ptr::{null, null_mut};

const USER_V1: &str = r#"{"type":"record","name":"User","namespace":"kf.legacy","fields":[{"name":"name","type":"string"},{"name":"score","type":"int"}]}"#;
const USER_V2: &str = r#"{"type":"record","name":"User","namespace":"kf.legacy","fields":[{"name":"name","type":"string"},{"name":"score","type":"int"},{"name":"level","type":"int","default":3}]}"#;
const KEY_SCHEMA: &str = r#""string""#;

fn real_url() -> String {
    std::env::var("SCHEMA_REGISTRY_URL").expect(
        "SCHEMA_REGISTRY_URL is not set: run scripts/registry/start.sh and source /tmp/kafkaffi-registry/env",
    )
}

/// The real broker with the real registry, then a mock cluster with a mock:// registry.
fn setups() -> Vec<(Cluster, String)> {
    vec![
        (Cluster::broker(), real_url()),
        (Cluster::mock(1), format!("mock://{}", unique("sr"))),
    ]
}

fn opt_ptr(s: &Option<std::ffi::CString>) -> *const std::os::raw::c_char {
    s.as_ref().map_or(null(), |x| x.as_ptr())
}

fn try_producer(
    conf: &Json,
    key_schema: Option<&str>,
    value_schema: Option<&str>,
) -> Result<*mut kf_avro_producer_t, (i32, String)> {
    let (k, v) = (key_schema.map(cs), value_schema.map(cs));
    let mut e = null_mut();
    let p = kf_avro_producer_new(
        null(),
        cs(&conf.to_string()).as_ptr(),
        opt_ptr(&k),
        opt_ptr(&v),
        &mut e,
    );
    if p.is_null() {
        Err(err(e))
    } else {
        Ok(p)
    }
}

fn try_consumer(
    base: *const kf_config_t,
    conf: &Json,
    key_schema: Option<&str>,
    value_schema: Option<&str>,
) -> Result<*mut kf_deserializing_consumer_t, (i32, String)> {
    let (k, v) = (key_schema.map(cs), value_schema.map(cs));
    let mut e = null_mut();
    let p = kf_avro_consumer_new(
        base,
        cs(&conf.to_string()).as_ptr(),
        opt_ptr(&k),
        opt_ptr(&v),
        &mut e,
    );
    if p.is_null() {
        Err(err(e))
    } else {
        Ok(p)
    }
}

#[allow(clippy::too_many_arguments)]
fn produce(
    p: *mut kf_avro_producer_t,
    topic: &str,
    key: Option<&str>,
    value: Option<&str>,
    key_schema: Option<&str>,
    value_schema: Option<&str>,
    d: &mut Deliveries,
) -> Result<(), (i32, String)> {
    let (t, k, v, ks, vs) = (
        cs(topic),
        key.map(cs),
        value.map(cs),
        key_schema.map(cs),
        value_schema.map(cs),
    );
    let e = kf_avro_producer_produce(
        p,
        t.as_ptr(),
        -1,
        opt_ptr(&k),
        opt_ptr(&v),
        opt_ptr(&ks),
        opt_ptr(&vs),
        null(),
        0,
        Some(record_delivery),
        d as *mut Deliveries as *mut c_void,
    );
    if e.is_null() {
        Ok(())
    } else {
        Err(err(e))
    }
}

fn latest_id(url: &str, subject: &str) -> Result<i32, (i32, String)> {
    let mut e = null_mut();
    let c = kf_schema_registry_new(cs(&json!({"url": url}).to_string()).as_ptr(), &mut e);
    ok(e);
    let mut rs = null_mut();
    let e = kf_schema_registry_get_latest_version(c, cs(subject).as_ptr(), &mut rs);
    kf_schema_registry_destroy(c);
    if !e.is_null() {
        return Err(err(e));
    }
    let id = kf_registered_schema_id(rs);
    kf_registered_schema_destroy(rs);
    Ok(id)
}

/// Default schemas, a per-call schema, null key, the registered subjects, reader schemas, the
/// "Avro schema required" errors and an undecodable message in the middle.
#[test]
fn avro_producer_and_avro_consumer_round_trip_on_both_setups() {
    for (cluster, url) in setups() {
        let name = cluster.name();
        let topic = unique("legacy");
        cluster.create_topic(&topic, 1);
        // One configuration for both: librdkafka properties and schema.registry.* keys.
        let conf = json!({
            "bootstrap.servers": cluster.bootstrap,
            "linger.ms": 5,
            "schema.registry.url": url,
            "schema.registry.basic.auth.credentials.source": "USER_INFO",
            "schema.registry.basic.auth.user.info": "someone:secret",
            "schema.registry.timeout": 10,
        });
        let p = try_producer(&conf, Some(KEY_SCHEMA), Some(USER_V1)).unwrap();
        let mut d = Deliveries::default();
        produce(
            p,
            &topic,
            Some(r#""k1""#),
            Some(r#"{"name":"a","score":1}"#),
            None,
            None,
            &mut d,
        )
        .unwrap();
        // Per-call value schema (a compatible new version) and a null key.
        produce(
            p,
            &topic,
            None,
            Some(r#"{"name":"b","score":2,"level":7}"#),
            None,
            Some(USER_V2),
            &mut d,
        )
        .unwrap();
        // A record the schema refuses: ValueSerializationError, nothing enqueued.
        let (code, msg) = produce(
            p,
            &topic,
            Some(r#""k""#),
            Some(r#"{"name":"c"}"#),
            None,
            None,
            &mut d,
        )
        .unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("$.score"), "{name}: {msg}");
        let mut remaining = 1;
        ok(kf_producer_flush(
            kf_avro_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        produce_values(&cluster, &topic, 0, &[b"not avro".to_vec()]);
        // Null value with a key.
        produce(p, &topic, Some(r#""k4""#), None, None, None, &mut d).unwrap();
        ok(kf_producer_flush(
            kf_avro_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        assert_eq!(remaining, 0);
        assert_eq!(d.reports.len(), 3, "{name}: {:?}", d.reports);
        assert!(
            d.reports.iter().all(|r| r.0 == 0),
            "{name}: {:?}",
            d.reports
        );
        ok(kf_avro_producer_destroy(p));
        // Subjects <topic>-key and <topic>-value (two versions) were registered.
        assert!(latest_id(&url, &format!("{topic}-key")).is_ok(), "{name}");
        let v2_id = latest_id(&url, &format!("{topic}-value")).unwrap();

        // The consumer with the writer's schemas, then with a reader value schema.
        let cconf = |extra: Json| {
            let mut c = json!({
                "bootstrap.servers": cluster.bootstrap,
                "group.id": unique("g"),
                "enable.auto.commit": false,
                "schema.registry.url": url,
            });
            c.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            c
        };
        let c = try_consumer(null(), &cconf(json!({})), None, None).unwrap();
        let got = poll_deserialized(c, &topic, 4);
        assert_eq!(
            got,
            vec![
                Ok((Some(json!("k1")), Some(json!({"name": "a", "score": 1})))),
                Ok((None, Some(json!({"name": "b", "score": 2, "level": 7})))),
                Err(KF_ERR__VALUE_DESERIALIZATION),
                Ok((Some(json!("k4")), None)),
            ],
            "{name}"
        );
        ok(kf_consumer_close(kf_deserializing_consumer_consumer(c), -1));
        ok(kf_deserializing_consumer_destroy(c));
        // A base kf_config_t (here carrying group.id) plus the JSON; reader schemas.
        let base = kf_config_new();
        ok(kf_config_set(
            base,
            cs("group.id").as_ptr(),
            cs(&unique("g")).as_ptr(),
        ));
        let mut j = cconf(json!({}));
        j.as_object_mut().unwrap().remove("group.id");
        let c = try_consumer(base, &j, Some(KEY_SCHEMA), Some(USER_V2)).unwrap();
        kf_config_destroy(base);
        let got = poll_deserialized(c, &topic, 2);
        assert_eq!(
            got[0],
            Ok((
                Some(json!("k1")),
                Some(json!({"name": "a", "score": 1, "level": 3}))
            )),
            "{name}"
        );
        ok(kf_consumer_close(kf_deserializing_consumer_consumer(c), -1));
        ok(kf_deserializing_consumer_destroy(c));

        // No schema for a non-null field: Python's "Avro schema required" errors.
        let p = try_producer(&conf, None, None).unwrap();
        let (code, msg) = produce(p, &topic, None, Some("{}"), None, None, &mut d).unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}");
        assert!(msg.contains("Avro schema required for values"), "{msg}");
        let (code, msg) = produce(p, &topic, Some(r#""k""#), None, None, None, &mut d).unwrap_err();
        assert_eq!(code, KF_ERR__KEY_SERIALIZATION, "{name}");
        assert!(msg.contains("Avro schema required for key"), "{msg}");
        // An invalid per-call schema is a serialization error too.
        let (code, msg) = produce(
            p,
            &topic,
            None,
            Some("{}"),
            None,
            Some(r#"{"type":"nope"}"#),
            &mut d,
        )
        .unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(msg.contains("invalid Avro schema"), "{name}: {msg}");
        ok(kf_avro_producer_destroy(p));

        // schema.registry.auto.register.schemas=false: only registered schemas are accepted.
        let mut strict = conf.clone();
        strict["schema.registry.auto.register.schemas"] = json!(false);
        let p = try_producer(&strict, None, None).unwrap();
        let t2 = unique("legacy-strict");
        let (code, msg) = produce(
            p,
            &t2,
            None,
            Some(r#"{"name":"x","score":1}"#),
            None,
            Some(USER_V1),
            &mut d,
        )
        .unwrap_err();
        assert_eq!(code, KF_ERR__VALUE_SERIALIZATION, "{name}: {msg}");
        assert!(
            latest_id(&url, &format!("{t2}-value")).is_err(),
            "{name}: nothing registered"
        );
        // The registered one (topic's value subject, version 2) is accepted.
        produce(
            p,
            &topic,
            None,
            Some(r#"{"name":"x","score":1}"#),
            None,
            Some(USER_V2),
            &mut d,
        )
        .unwrap();
        assert_eq!(
            latest_id(&url, &format!("{topic}-value")).unwrap(),
            v2_id,
            "{name}"
        );
        ok(kf_producer_flush(
            kf_avro_producer_producer(p),
            30_000,
            &mut remaining,
        ));
        ok(kf_avro_producer_destroy(p));
    }
}

#[test]
fn configuration_errors_are_reported() {
    let url = format!("mock://{}", unique("sr"));
    for (conf, needle) in [
        (
            json!({"bootstrap.servers": "localhost:1"}),
            "schema.registry.url",
        ),
        (
            json!({"schema.registry.url": url, "schema.registry.nope": 1}),
            "nope",
        ),
        (
            json!({"schema.registry.url": url, "no.such.property": 1}),
            "no.such.property",
        ),
        (json!({"schema.registry.url": "ftp://x"}), "ftp://x"),
        (
            json!({"schema.registry.url": url, "schema.registry.auto.register.schemas": 3}),
            "auto.register.schemas",
        ),
        (
            json!({"schema.registry.url": url, "schema.registry.basic.auth.credentials.source": "SASL_INHERIT",
                   "sasl.mechanism": "GSSAPI"}),
            "GSSAPI",
        ),
    ] {
        let (code, msg) = try_producer(&conf, None, None).err().unwrap();
        assert_eq!(code, KF_ERR__INVALID_ARG, "{conf}: {msg}");
        assert!(msg.contains(needle), "{conf}: {msg}");
    }
    // SASL_INHERIT takes the registry's credentials from the SASL ones.
    let ok_conf = json!({"schema.registry.url": url, "schema.registry.basic.auth.credentials.source": "SASL_INHERIT",
                         "sasl.username": "u", "sasl.password": "p"});
    ok(kf_avro_producer_destroy(
        try_producer(&ok_conf, None, None).unwrap(),
    ));
    let (code, msg) = try_producer(
        &json!({"schema.registry.url": url}),
        Some("{\"type\":\"nope\"}"),
        None,
    )
    .err()
    .unwrap();
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("default_key_schema"), "{msg}");
    // The consumer: group.id is required; reader schemas must parse.
    let (code, _) = try_consumer(null(), &json!({"schema.registry.url": url}), None, None)
        .err()
        .unwrap();
    assert_eq!(code, KF_ERR__INVALID_ARG);
    let conf = json!({"schema.registry.url": url, "group.id": "g"});
    let (code, msg) = try_consumer(null(), &conf, None, Some("{\"type\":\"nope\"}"))
        .err()
        .unwrap();
    assert_eq!(code, KF_ERR__INVALID_ARG);
    assert!(msg.contains("reader_value_schema"), "{msg}");
    // NULL and non-JSON config_json.
    let mut e = null_mut();
    assert!(kf_avro_producer_new(null(), null(), null(), null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
    assert!(kf_avro_consumer_new(null(), cs("[1]").as_ptr(), null(), null(), &mut e).is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
}

/// SASL_INHERIT: the registry's basic auth comes from sasl.username / sasl.password, taken from
/// config_json or else from the base kf_config_t; the schema.registry.* keys never reach
/// librdkafka, the others do.
#[test]
fn sasl_inherit_takes_the_sasl_credentials() {
    use kafkaffi::kafka::config::Config;
    use kafkaffi::serdes::avro_legacy::LegacyConfig;
    let url = format!("mock://{}", unique("sr"));
    let conf = json!({"schema.registry.url": url,
                      "schema.registry.basic.auth.credentials.source": "sasl_inherit",
                      "sasl.username": "alice", "sasl.password": "s3cret", "linger.ms": 7});
    let lc = LegacyConfig::split(&conf.to_string(), None).unwrap();
    assert_eq!(
        lc.registry.config().basic_auth,
        Some(("alice".to_string(), "s3cret".to_string()))
    );
    assert!(lc.auto_register);
    let mut keys: Vec<&String> = lc.client.keys().collect();
    keys.sort();
    assert_eq!(keys, ["linger.ms", "sasl.password", "sasl.username"]);
    let c = lc.client_config(None).unwrap();
    assert_eq!(c.get("linger.ms").unwrap(), "7");
    // From the base configuration.
    let mut base = Config::new();
    base.set("sasl.username", "bob").unwrap();
    base.set("sasl.password", "pw2").unwrap();
    let conf = json!({"schema.registry.url": url,
                      "schema.registry.basic.auth.credentials.source": "SASL_INHERIT",
                      "schema.registry.auto.register.schemas": "false"});
    let lc = LegacyConfig::split(&conf.to_string(), Some(&base)).unwrap();
    assert_eq!(
        lc.registry.config().basic_auth,
        Some(("bob".to_string(), "pw2".to_string()))
    );
    assert!(!lc.auto_register);
    // USER_INFO as given.
    let conf = json!({"schema.registry.url": url, "schema.registry.basic.auth.user.info": "u:p"});
    let lc = LegacyConfig::split(&conf.to_string(), None).unwrap();
    assert_eq!(
        lc.registry.config().basic_auth,
        Some(("u".to_string(), "p".to_string()))
    );
    assert!(lc.client.is_empty());
}
