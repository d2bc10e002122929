//! SASL on the real broker's SASL_PLAINTEXT listener: OAUTHBEARER through oauth_cb (an
//! unsecured JWT that Kafka's default validator accepts), PLAIN and SCRAM-SHA-512, wrong
//! credentials, and replacing credentials on a live producer.
mod common;
use common::*;
use std::ffi::CStr;
use std::os::raw::{c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: `source /tmp/kafkaffi-kafka/env` (scripts/kafka/start.sh)")
    })
}

fn sasl_bootstrap() -> String {
    env("KAFKA_SASL_BOOTSTRAP_SERVERS")
}

fn me() -> ThreadId {
    std::thread::current().id()
}

fn lossy(p: *const c_char) -> String {
    if p.is_null() {
        "<NULL>".into()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// base64url without padding (RFC 7515 section 2).
fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn b64url_matches_rfc4648_vectors() {
    for (input, want) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(b64url(input.as_bytes()), want);
    }
    assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
}

/// An unsecured JWT ("alg":"none", empty signature) for `sub`, valid for an hour.
fn unsecured_jwt(sub: &str) -> (String, i64) {
    let now = now_ms() / 1000;
    let exp = now + 3600;
    let header = r#"{"alg":"none"}"#;
    let payload = format!(r#"{{"sub":"{sub}","iat":{now},"exp":{exp}}}"#);
    (
        format!(
            "{}.{}.",
            b64url(header.as_bytes()),
            b64url(payload.as_bytes())
        ),
        exp * 1000,
    )
}

/// What the callbacks of one client saw.
#[derive(Default)]
struct Seen {
    oauth_calls: Mutex<Vec<(ThreadId, String)>>, // (thread, sasl.oauthbearer.config)
    oauth_set_results: Mutex<Vec<i32>>,
    errors: Mutex<Vec<(ThreadId, i32, String)>>,
    deliveries: Mutex<Vec<i32>>,
}

impl Seen {
    fn opaque(&self) -> *mut c_void {
        self as *const Seen as *mut c_void
    }
    fn has_error(&self, code: i32) -> bool {
        self.errors.lock().unwrap().iter().any(|e| e.1 == code)
    }
}

fn seen<'a>(o: *mut c_void) -> &'a Seen {
    unsafe { &*(o as *const Seen) }
}

unsafe extern "C" fn on_error(o: *mut c_void, e: *const kf_error_t) {
    seen(o)
        .errors
        .lock()
        .unwrap()
        .push((me(), kf_error_code(e), lossy(kf_error_message(e))));
}

unsafe extern "C" fn on_delivery(o: *mut c_void, _m: *const kf_message_t, e: *const kf_error_t) {
    seen(o).deliveries.lock().unwrap().push(kf_error_code(e));
}

/// oauth_cb answering with a fresh unsecured JWT for "admin" and one SASL extension.
unsafe extern "C" fn oauth_good(
    o: *mut c_void,
    config: *const c_char,
    token: *mut kf_oauth_token_t,
) {
    let s = seen(o);
    s.oauth_calls.lock().unwrap().push((me(), lossy(config)));
    let (jwt, expiry_ms) = unsecured_jwt("admin");
    let jwt = cs(&jwt);
    let keys = [c"traceId".as_ptr()];
    let values = [c"kafkaffi-test".as_ptr()];
    let e = kf_oauth_token_set(
        token,
        jwt.as_ptr(),
        expiry_ms,
        c"admin".as_ptr(),
        keys.as_ptr(),
        values.as_ptr(),
        1,
    );
    s.oauth_set_results.lock().unwrap().push(kf_error_code(e));
    kf_error_destroy(e);
}

unsafe extern "C" fn oauth_fail(
    o: *mut c_void,
    config: *const c_char,
    token: *mut kf_oauth_token_t,
) {
    let s = seen(o);
    s.oauth_calls.lock().unwrap().push((me(), lossy(config)));
    let e = kf_oauth_token_fail(token, c"the identity provider said no".as_ptr());
    s.oauth_set_results.lock().unwrap().push(kf_error_code(e));
    kf_error_destroy(e);
}

unsafe extern "C" fn oauth_silent(
    o: *mut c_void,
    config: *const c_char,
    _token: *mut kf_oauth_token_t,
) {
    seen(o)
        .oauth_calls
        .lock()
        .unwrap()
        .push((me(), lossy(config)));
}

type OauthFn = unsafe extern "C" fn(*mut c_void, *const c_char, *mut kf_oauth_token_t);

/// A config for the SASL listener with `props`, error_cb and on_delivery recording into `s`.
fn sasl_config(s: &Seen, props: &[(&str, &str)]) -> *mut kf_config_t {
    let c = kf_config_new();
    ok(kf_config_set(
        c,
        c"bootstrap.servers".as_ptr(),
        cs(&sasl_bootstrap()).as_ptr(),
    ));
    ok(kf_config_set(
        c,
        c"security.protocol".as_ptr(),
        c"SASL_PLAINTEXT".as_ptr(),
    ));
    for (k, v) in props {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    ok(kf_config_set_error_cb(c, Some(on_error), s.opaque(), None));
    ok(kf_config_set_delivery_cb(
        c,
        Some(on_delivery),
        s.opaque(),
        None,
    ));
    c
}

fn oauth_config(s: &Seen, cb: OauthFn, props: &[(&str, &str)]) -> *mut kf_config_t {
    let mut all = vec![
        ("sasl.mechanism", "OAUTHBEARER"),
        ("sasl.oauthbearer.config", "scope=kafkaffi-test"),
    ];
    all.extend_from_slice(props);
    let c = sasl_config(s, &all);
    ok(kf_config_set_oauth_cb(c, Some(cb), s.opaque(), None));
    c
}

/// Produces `n` values through `p` and flushes (up to `timeout`); returns the delivery codes.
fn produce_and_flush(
    p: *mut kf_producer_t,
    s: &Seen,
    topic: &str,
    n: usize,
    timeout: Duration,
) -> Vec<i32> {
    let t = cs(topic);
    for i in 0..n {
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
            0,
            None,
            null_mut(),
        ));
    }
    let mut remaining = 1;
    ok(kf_producer_flush(
        p,
        timeout.as_millis() as i32,
        &mut remaining,
    ));
    s.deliveries.lock().unwrap().clone()
}

/// Consumes `n` values from partition 0 of `topic` with `conf` (plus a group and earliest).
fn consume_values(conf: *mut kf_config_t, topic: &str, n: usize) -> Vec<String> {
    ok(kf_config_set(
        conf,
        c"group.id".as_ptr(),
        cs(&unique("g")).as_ptr(),
    ));
    ok(kf_config_set(
        conf,
        c"auto.offset.reset".as_ptr(),
        c"earliest".as_ptr(),
    ));
    let c = new_consumer(conf);
    ok(kf_consumer_subscribe(
        c,
        [cs(topic).as_ptr()].as_ptr(),
        1,
        null(),
    ));
    let (msgs, _) = consume_n(c, n, Duration::from_secs(30));
    ok(kf_consumer_close(c, -1));
    ok(kf_consumer_destroy(c));
    msgs.into_iter()
        .map(|m| String::from_utf8(m.value.unwrap()).unwrap())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// OAUTHBEARER

#[test]
fn oauthbearer_token_from_oauth_cb_is_accepted_by_the_broker() {
    let topic = unique("oauth");
    Cluster::broker().create_topic(&topic, 1);

    let s = Seen::default();
    let conf = oauth_config(&s, oauth_good, &[]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    // The first token is asked for while the producer is created, on the creating thread.
    {
        let calls = s.oauth_calls.lock().unwrap();
        assert!(
            !calls.is_empty(),
            "oauth_cb was not called while the producer was created"
        );
        assert!(
            calls.iter().all(|c| c.0 == me()),
            "oauth_cb ran on another thread"
        );
        assert!(
            calls.iter().all(|c| c.1 == "scope=kafkaffi-test"),
            "{calls:?}"
        );
    }
    assert_eq!(
        *s.oauth_set_results.lock().unwrap(),
        vec![0],
        "kf_oauth_token_set refused the token"
    );

    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(&topic).as_ptr(),
        10_000,
        &mut md,
    ));
    assert_eq!(kf_metadata_topic_count(md), 1);
    assert_eq!(kf_metadata_topic_error_code(md, 0), 0);
    assert_eq!(kf_metadata_partition_count(md, 0), 1);
    kf_metadata_destroy(md);

    let reports = produce_and_flush(p, &s, &topic, 3, Duration::from_secs(20));
    assert_eq!(
        reports,
        vec![0, 0, 0],
        "errors: {:?}",
        s.errors.lock().unwrap()
    );
    assert!(
        !s.has_error(KF_ERR__AUTHENTICATION),
        "{:?}",
        s.errors.lock().unwrap()
    );
    assert!(s.oauth_calls.lock().unwrap().iter().all(|c| c.0 == me()));
    ok(kf_producer_destroy(p));

    // A consumer authenticates the same way and reads the messages back.
    let s2 = Seen::default();
    let conf = oauth_config(&s2, oauth_good, &[]);
    let values = consume_values(conf, &topic, 3);
    kf_config_destroy(conf);
    assert_eq!(values, ["v0", "v1", "v2"]);
    assert!(!s2.oauth_calls.lock().unwrap().is_empty());
    assert!(s2.oauth_calls.lock().unwrap().iter().all(|c| c.0 == me()));
}

/// oauth_cb answers with kf_oauth_token_fail(): error_cb gets an authentication error naming the
/// reason, and nothing is delivered.
#[test]
fn oauthbearer_token_failure_is_reported_and_nothing_is_delivered() {
    let topic = unique("oauth-fail");
    Cluster::broker().create_topic(&topic, 1);
    let s = Seen::default();
    let conf = oauth_config(&s, oauth_fail, &[("message.timeout.ms", "3000")]);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    assert_eq!(
        *s.oauth_set_results.lock().unwrap(),
        vec![0],
        "kf_oauth_token_fail itself failed"
    );
    let started = Instant::now();
    let reports = produce_and_flush(p, &s, &topic, 1, Duration::from_secs(10));
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "flush waited past the message timeout"
    );
    assert_eq!(reports.len(), 1);
    assert_ne!(reports[0], 0, "a message was delivered without a token");
    let errors = s.errors.lock().unwrap().clone();
    let auth: Vec<_> = errors
        .iter()
        .filter(|e| e.1 == KF_ERR__AUTHENTICATION)
        .collect();
    assert!(!auth.is_empty(), "no authentication error in {errors:?}");
    assert!(
        auth.iter()
            .any(|e| e.2.contains("the identity provider said no")),
        "the reason is not in {auth:?}"
    );
    assert!(errors.iter().all(|e| e.0 == me()));
    ok(kf_producer_destroy(p));
}

/// oauth_cb returns without answering: kafkaffi answers with a failure itself, so nothing waits
/// for a token that never comes.
#[test]
fn oauthbearer_callback_that_answers_nothing_fails_instead_of_hanging() {
    let s = Seen::default();
    let conf = oauth_config(&s, oauth_silent, &[("message.timeout.ms", "2000")]);
    let started = Instant::now();
    let p = new_producer(conf);
    kf_config_destroy(conf);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "producer creation hung"
    );
    assert!(!s.oauth_calls.lock().unwrap().is_empty());
    let reports = produce_and_flush(p, &s, &unique("oauth-silent"), 1, Duration::from_secs(10));
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "flush waited past the message timeout"
    );
    assert_eq!(reports.len(), 1);
    assert_ne!(reports[0], 0);
    let errors = s.errors.lock().unwrap().clone();
    assert!(
        errors
            .iter()
            .any(|e| e.1 == KF_ERR__AUTHENTICATION && e.2.contains("oauth_cb returned without")),
        "{errors:?}"
    );
    ok(kf_producer_destroy(p));
}

// ---------------------------------------------------------------------------------------------
// PLAIN and SCRAM-SHA-512

fn mechanisms() -> Vec<(&'static str, String, String)> {
    vec![
        (
            "PLAIN",
            env("KAFKA_SASL_PLAIN_USER"),
            env("KAFKA_SASL_PLAIN_PASSWORD"),
        ),
        (
            "SCRAM-SHA-512",
            env("KAFKA_SCRAM_USER"),
            env("KAFKA_SCRAM_PASSWORD"),
        ),
    ]
}

#[test]
fn sasl_plain_and_scram_with_the_right_credentials_produce_and_consume() {
    for (mech, user, password) in mechanisms() {
        let topic = unique("sasl");
        Cluster::broker().create_topic(&topic, 1);
        let props = [
            ("sasl.mechanism", mech),
            ("sasl.username", user.as_str()),
            ("sasl.password", password.as_str()),
        ];
        let s = Seen::default();
        let conf = sasl_config(&s, &props);
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let reports = produce_and_flush(p, &s, &topic, 3, Duration::from_secs(20));
        assert_eq!(
            reports,
            vec![0, 0, 0],
            "{mech}: {:?}",
            s.errors.lock().unwrap()
        );
        assert!(
            !s.has_error(KF_ERR__AUTHENTICATION),
            "{mech}: {:?}",
            s.errors.lock().unwrap()
        );
        ok(kf_producer_destroy(p));

        let s2 = Seen::default();
        let conf = sasl_config(&s2, &props);
        let values = consume_values(conf, &topic, 3);
        kf_config_destroy(conf);
        assert_eq!(values, ["v0", "v1", "v2"], "{mech}");
        assert!(
            !s2.has_error(KF_ERR__AUTHENTICATION),
            "{mech}: {:?}",
            s2.errors.lock().unwrap()
        );
    }
}

#[test]
fn sasl_wrong_password_fails_with_an_authentication_error_and_delivers_nothing() {
    for (mech, user, _) in mechanisms() {
        let topic = unique("sasl-bad");
        let s = Seen::default();
        let conf = sasl_config(
            &s,
            &[
                ("sasl.mechanism", mech),
                ("sasl.username", user.as_str()),
                ("sasl.password", "definitely-wrong"),
                ("message.timeout.ms", "3000"),
            ],
        );
        let p = new_producer(conf);
        kf_config_destroy(conf);
        let started = Instant::now();
        let reports = produce_and_flush(p, &s, &topic, 1, Duration::from_secs(10));
        assert!(
            started.elapsed() < Duration::from_secs(9),
            "{mech}: flush overran"
        );
        assert_eq!(reports.len(), 1, "{mech}");
        assert_ne!(reports[0], 0, "{mech}: delivered with a wrong password");
        let errors = s.errors.lock().unwrap().clone();
        let auth: Vec<_> = errors
            .iter()
            .filter(|e| e.1 == KF_ERR__AUTHENTICATION)
            .collect();
        assert!(
            !auth.is_empty(),
            "{mech}: no KF_ERR__AUTHENTICATION in {errors:?}"
        );
        assert!(
            auth.iter()
                .all(|e| e.2.to_lowercase().contains("authentication")),
            "{mech}: {auth:?}"
        );
        assert!(
            errors.iter().all(|e| e.0 == me()),
            "{mech}: error_cb off the flushing thread"
        );
        ok(kf_producer_destroy(p));
    }
}

/// A producer that failed to authenticate is given the right credentials: its next reconnect
/// uses them, and messages get through without making a new producer.
#[test]
fn sasl_set_credentials_fixes_a_producer_with_wrong_ones() {
    for (mech, user, password) in mechanisms() {
        let topic = unique("sasl-fix");
        Cluster::broker().create_topic(&topic, 1);
        let s = Seen::default();
        let conf = sasl_config(
            &s,
            &[
                ("sasl.mechanism", mech),
                ("sasl.username", user.as_str()),
                ("sasl.password", "wrong-at-first"),
                ("reconnect.backoff.ms", "100"),
                ("reconnect.backoff.max.ms", "500"),
            ],
        );
        let p = new_producer(conf);
        kf_config_destroy(conf);
        // Wait until the broker has refused the wrong credentials.
        let deadline = Instant::now() + Duration::from_secs(15);
        while !s.has_error(KF_ERR__AUTHENTICATION) && Instant::now() < deadline {
            ok(kf_producer_poll(p, 100, null_mut()));
        }
        assert!(
            s.has_error(KF_ERR__AUTHENTICATION),
            "{mech}: wrong credentials were not refused"
        );

        ok(kf_producer_set_sasl_credentials(
            p,
            cs(&user).as_ptr(),
            cs(&password).as_ptr(),
        ));
        let reports = produce_and_flush(p, &s, &topic, 2, Duration::from_secs(20));
        assert_eq!(
            reports,
            vec![0, 0],
            "{mech}: {:?}",
            s.errors.lock().unwrap()
        );
        ok(kf_producer_destroy(p));

        // The messages really are on the broker.
        let conf = Cluster::broker().config(&[]);
        let values = consume_values(conf, &topic, 2);
        kf_config_destroy(conf);
        assert_eq!(values, ["v0", "v1"], "{mech}");
    }
}

// ---------------------------------------------------------------------------------------------
// TLS: the real broker's SSL listener (mutual TLS: a client certificate signed by the test CA is
// required, the principal is its CN), its SASL_SSL listener (TLS + SCRAM-SHA-512) and an SSL
// listener whose certificate names another host (wrong-host.invalid). scripts/kafka/start.sh
// makes every certificate and exports the paths as KAFKA_SSL_*.

/// A client configuration for `bootstrap` over `protocol` with `props`; error_cb and the
/// delivery callback record into `s`.
fn client_config(
    s: &Seen,
    bootstrap: &str,
    protocol: &str,
    props: &[(&str, &str)],
) -> *mut kf_config_t {
    let c = kf_config_new();
    ok(kf_config_set(
        c,
        c"bootstrap.servers".as_ptr(),
        cs(bootstrap).as_ptr(),
    ));
    ok(kf_config_set(
        c,
        c"security.protocol".as_ptr(),
        cs(protocol).as_ptr(),
    ));
    for (k, v) in props {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    ok(kf_config_set_error_cb(c, Some(on_error), s.opaque(), None));
    ok(kf_config_set_delivery_cb(
        c,
        Some(on_delivery),
        s.opaque(),
        None,
    ));
    c
}

/// The SSL listener with the right CA and the right (super user's) client certificate, whose
/// key is encrypted with ssl.key.password.
fn mtls_props() -> Vec<(&'static str, String)> {
    vec![
        ("ssl.ca.location", env("KAFKA_SSL_CA_LOCATION")),
        (
            "ssl.certificate.location",
            env("KAFKA_SSL_CERTIFICATE_LOCATION"),
        ),
        ("ssl.key.location", env("KAFKA_SSL_KEY_LOCATION")),
        ("ssl.key.password", env("KAFKA_SSL_KEY_PASSWORD")),
    ]
}

fn scram_ssl_props(password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ssl.ca.location", env("KAFKA_SSL_CA_LOCATION")),
        ("sasl.mechanism", "SCRAM-SHA-512".into()),
        ("sasl.username", env("KAFKA_SCRAM_USER")),
        ("sasl.password", password.into()),
    ]
}

fn borrowed<'a>(props: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    props.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Produces, flushes, reads back and checks the values, with `props` on `bootstrap`/`protocol`;
/// `values` are the payloads. Asserts no error reached error_cb.
fn round_trip(bootstrap: &str, protocol: &str, props: &[(&str, &str)], values: &[String]) {
    let topic = unique("tls");
    Cluster::broker().create_topic(&topic, 1);
    let s = Seen::default();
    let conf = client_config(&s, bootstrap, protocol, props);
    let p = new_producer(conf);
    kf_config_destroy(conf);

    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(&topic).as_ptr(),
        10_000,
        &mut md,
    ));
    assert_eq!(kf_metadata_topic_count(md), 1);
    assert_eq!(kf_metadata_topic_error_code(md, 0), 0, "{protocol}");
    kf_metadata_destroy(md);

    let t = cs(&topic);
    for v in values {
        ok(kf_producer_produce(
            p,
            t.as_ptr(),
            0,
            null(),
            0,
            v.as_ptr(),
            v.len(),
            null(),
            0,
            None,
            null_mut(),
        ));
    }
    let mut remaining = 1;
    ok(kf_producer_flush(p, 20_000, &mut remaining));
    assert_eq!(
        *s.deliveries.lock().unwrap(),
        vec![0; values.len()],
        "{protocol}: {:?}",
        s.errors.lock().unwrap()
    );
    ok(kf_producer_destroy(p));
    assert!(
        s.errors.lock().unwrap().is_empty(),
        "{protocol}: {:?}",
        s.errors.lock().unwrap()
    );

    let s2 = Seen::default();
    let conf = client_config(&s2, bootstrap, protocol, props);
    let got = consume_values(conf, &topic, values.len());
    kf_config_destroy(conf);
    assert_eq!(got, values, "{protocol}");
    assert!(
        s2.errors.lock().unwrap().is_empty(),
        "{protocol}: {:?}",
        s2.errors.lock().unwrap()
    );
}

#[test]
fn ssl_mutual_tls_with_the_right_certificate_produces_and_consumes() {
    let props = mtls_props();
    round_trip(
        &env("KAFKA_SSL_BOOTSTRAP_SERVERS"),
        "SSL",
        &borrowed(&props),
        &["a".into(), "b".into(), "c".into()],
    );
}

#[test]
fn sasl_ssl_scram_with_the_right_credentials_produces_and_consumes() {
    let props = scram_ssl_props(&env("KAFKA_SCRAM_PASSWORD"));
    round_trip(
        &env("KAFKA_SASL_SSL_BOOTSTRAP_SERVERS"),
        "SASL_SSL",
        &borrowed(&props),
        &["a".into(), "b".into(), "c".into()],
    );
}

/// What a client refused by the broker (or refusing it) saw: the error of list_topics, the
/// delivery report of one message, and everything error_cb got.
#[derive(Debug)]
struct Refusal {
    list_topics: (i32, String),
    delivery: Vec<i32>,
    errors: Vec<(i32, String)>,
}

/// Connects with `props`, expecting the connection to be refused: list_topics fails, the
/// one message produced is not delivered, and error_cb reported why.
fn refused(bootstrap: &str, protocol: &str, props: &[(&str, &str)]) -> Refusal {
    let s = Seen::default();
    let mut all = vec![("message.timeout.ms", "4000")];
    all.extend_from_slice(props);
    let conf = client_config(&s, bootstrap, protocol, &all);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let started = Instant::now();
    let mut md = null_mut();
    let list_topics = err(kf_producer_list_topics(p, null(), 3000, &mut md));
    assert!(md.is_null());
    let delivery = produce_and_flush(p, &s, &unique("tls-refused"), 1, Duration::from_secs(10));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{protocol}: overran"
    );
    assert_eq!(delivery.len(), 1, "{protocol}: no delivery report");
    assert_ne!(delivery[0], 0, "{protocol}: delivered although refused");
    let errors = s.errors.lock().unwrap().clone();
    assert!(
        errors.iter().all(|e| e.0 == me()),
        "error_cb off the calling thread"
    );
    ok(kf_producer_destroy(p));
    Refusal {
        list_topics,
        delivery,
        errors: errors.into_iter().map(|e| (e.1, e.2)).collect(),
    }
}

impl Refusal {
    /// The error_cb errors with `code`, asserting there is one and that each names `words`.
    #[track_caller]
    fn assert_reported(&self, what: &str, code: i32, words: &[&str]) {
        let hits: Vec<_> = self.errors.iter().filter(|e| e.0 == code).collect();
        assert!(
            !hits.is_empty(),
            "{what}: no error {code} through error_cb: {self:#?}"
        );
        for (_, m) in &hits {
            for w in words {
                assert!(m.contains(w), "{what}: {w:?} is not in {m:?}");
            }
        }
        // The failing calls: list_topics could not reach the broker, the message timed out.
        assert_eq!(self.list_topics.0, KF_ERR__TRANSPORT, "{what}: {self:#?}");
        assert_eq!(self.delivery, vec![KF_ERR__MSG_TIMED_OUT], "{what}");
    }
}

fn ssl_with(ca: &str, cert_key: Option<(&str, &str)>) -> Vec<(&'static str, String)> {
    let mut v = vec![("ssl.ca.location", env(ca))];
    if let Some((cert, key)) = cert_key {
        v.push(("ssl.certificate.location", env(cert)));
        v.push(("ssl.key.location", env(key)));
    }
    v
}

/// The client trusts another CA than the one that signed the broker's certificate.
#[test]
fn tls_broker_certificate_from_an_unknown_ca_is_refused_by_the_client() {
    let mut props = mtls_props();
    props[0].1 = env("KAFKA_SSL_OTHER_CA_LOCATION");
    let r = refused(
        &env("KAFKA_SSL_BOOTSTRAP_SERVERS"),
        "SSL",
        &borrowed(&props),
    );
    r.assert_reported(
        "wrong CA",
        KF_ERR__SSL,
        &[
            "SSL handshake failed",
            "certificate verify failed",
            "broker certificate could not be verified",
        ],
    );
}

/// The broker refuses a client certificate signed by an unrelated CA, and no certificate at all
/// (librdkafka then sends none: no matching issuer); the broker's alert is the error.
#[test]
fn tls_client_certificate_from_an_unknown_ca_or_none_is_refused_by_the_broker() {
    let ssl = env("KAFKA_SSL_BOOTSTRAP_SERVERS");
    for (what, props) in [
        (
            "unrelated CA",
            ssl_with(
                "KAFKA_SSL_CA_LOCATION",
                Some((
                    "KAFKA_SSL_OTHER_CA_CERTIFICATE_LOCATION",
                    "KAFKA_SSL_OTHER_CA_KEY_LOCATION",
                )),
            ),
        ),
        ("no certificate", ssl_with("KAFKA_SSL_CA_LOCATION", None)),
    ] {
        let r = refused(&ssl, "SSL", &borrowed(&props));
        r.assert_reported(what, KF_ERR__TRANSPORT, &["alert bad certificate"]);
    }
}

/// An expired client certificate from the right CA, for the same CN as the accepted one: the
/// broker refuses it (Java's TLS stack answers with the certificate_unknown alert).
#[test]
fn tls_expired_client_certificate_is_refused_by_the_broker() {
    let props = ssl_with(
        "KAFKA_SSL_CA_LOCATION",
        Some((
            "KAFKA_SSL_EXPIRED_CERTIFICATE_LOCATION",
            "KAFKA_SSL_EXPIRED_KEY_LOCATION",
        )),
    );
    let r = refused(
        &env("KAFKA_SSL_BOOTSTRAP_SERVERS"),
        "SSL",
        &borrowed(&props),
    );
    r.assert_reported("expired", KF_ERR__TRANSPORT, &["alert certificate unknown"]);
}

/// The BADNAME listener's certificate is signed by the right CA but names wrong-host.invalid:
/// host-name verification (librdkafka's default ssl.endpoint.identification.algorithm=https)
/// refuses 127.0.0.1; turning verification off connects, so the name is the only fault.
#[test]
fn tls_broker_certificate_for_another_host_name_is_refused() {
    let bad = env("KAFKA_SSL_BADNAME_BOOTSTRAP_SERVERS");
    let props = ssl_with("KAFKA_SSL_CA_LOCATION", None);
    let r = refused(&bad, "SSL", &borrowed(&props));
    r.assert_reported(
        "host name",
        KF_ERR__SSL,
        &["SSL handshake failed", "certificate verify failed"],
    );

    let s = Seen::default();
    let mut v = borrowed(&props);
    v.push(("ssl.endpoint.identification.algorithm", "none"));
    let conf = client_config(&s, &bad, "SSL", &v);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(p, null(), 10_000, &mut md));
    kf_metadata_destroy(md);
    ok(kf_producer_destroy(p));
    assert!(!s.has_error(KF_ERR__SSL), "{:?}", s.errors.lock().unwrap());
}

#[test]
fn sasl_ssl_wrong_password_is_refused_with_an_authentication_error() {
    let props = scram_ssl_props("definitely-wrong");
    let r = refused(
        &env("KAFKA_SASL_SSL_BOOTSTRAP_SERVERS"),
        "SASL_SSL",
        &borrowed(&props),
    );
    r.assert_reported(
        "wrong password",
        KF_ERR__AUTHENTICATION,
        &[
            "sasl_ssl://",
            "invalid credentials with SASL mechanism SCRAM-SHA-512",
        ],
    );
}

/// A PLAINTEXT client on the TLS ports gets nothing (the broker closes the connection), and a
/// TLS client on the PLAINTEXT port is told so.
#[test]
fn plaintext_and_tls_never_mix() {
    for port in [
        "KAFKA_SSL_BOOTSTRAP_SERVERS",
        "KAFKA_SASL_SSL_BOOTSTRAP_SERVERS",
    ] {
        let r = refused(&env(port), "PLAINTEXT", &[]);
        assert_eq!(r.list_topics.0, KF_ERR__TRANSPORT, "{port}: {r:#?}");
        assert_eq!(r.delivery, vec![KF_ERR__MSG_TIMED_OUT], "{port}");
        assert!(
            r.errors.iter().any(|e| e.0 == KF_ERR__ALL_BROKERS_DOWN),
            "{port}: {r:#?}"
        );
    }
    let props = mtls_props();
    let r = refused(&env("KAFKA_BOOTSTRAP_SERVERS"), "SSL", &borrowed(&props));
    r.assert_reported(
        "TLS to PLAINTEXT",
        KF_ERR__TRANSPORT,
        &["SSL connection closed by peer"],
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.1.contains("connecting to a PLAINTEXT broker listener?")),
        "{r:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Nothing in clear: a packet capture on the loopback interface (an AF_PACKET socket: needs root
// or CAP_NET_RAW, no tcpdump), keeping the TCP payloads to and from the given ports.

struct Capture {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl Capture {
    fn start(ports: Vec<u16>) -> Capture {
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_RAW,
                (libc::ETH_P_ALL as u16).to_be() as i32,
            )
        };
        assert!(
            fd >= 0,
            "cannot open an AF_PACKET socket (needs root or CAP_NET_RAW): {}",
            std::io::Error::last_os_error()
        );
        unsafe {
            let mut sll: libc::sockaddr_ll = std::mem::zeroed();
            sll.sll_family = libc::AF_PACKET as u16;
            sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
            sll.sll_ifindex = libc::if_nametoindex(c"lo".as_ptr()) as i32;
            assert!(sll.sll_ifindex > 0);
            assert_eq!(
                libc::bind(
                    fd,
                    &sll as *const _ as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_ll>() as u32,
                ),
                0
            );
            let size: libc::c_int = 64 << 20;
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_RCVBUFFORCE,
                &size as *const _ as *const c_void,
                4,
            );
            let tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 100_000,
            };
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                &tv as *const _ as *const c_void,
                std::mem::size_of::<libc::timeval>() as u32,
            );
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut buf = vec![0u8; 1 << 16];
            while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
                let n = unsafe { libc::recv(fd, buf.as_mut_ptr() as *mut c_void, buf.len(), 0) };
                if n > 0 {
                    if let Some(payload) = tcp_payload(&buf[..n as usize], &ports) {
                        out.extend_from_slice(payload);
                    }
                }
            }
            unsafe { libc::close(fd) };
            out
        });
        Capture {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the capture; returns every captured payload byte, concatenated.
    fn finish(mut self) -> Vec<u8> {
        // Let the last segments reach the socket.
        std::thread::sleep(Duration::from_millis(300));
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.take().unwrap().join().unwrap()
    }
}

/// The TCP payload of an Ethernet frame (loopback frames have an all-zero Ethernet header)
/// whose source or destination port is one of `ports`.
fn tcp_payload<'a>(frame: &'a [u8], ports: &[u16]) -> Option<&'a [u8]> {
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    let (proto, ip_header, total) = match ethertype {
        0x0800 => (
            *ip.get(9)?,
            ((ip.first()? & 0x0f) as usize) * 4,
            u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]) as usize,
        ),
        0x86dd => (
            *ip.get(6)?,
            40,
            40 + u16::from_be_bytes([*ip.get(4)?, *ip.get(5)?]) as usize,
        ),
        _ => return None,
    };
    if proto != 6 {
        return None;
    }
    let tcp = ip.get(ip_header..total.min(ip.len()))?;
    let sport = u16::from_be_bytes([*tcp.first()?, *tcp.get(1)?]);
    let dport = u16::from_be_bytes([*tcp.get(2)?, *tcp.get(3)?]);
    if !ports.contains(&sport) && !ports.contains(&dport) {
        return None;
    }
    tcp.get(((tcp.get(12)? >> 4) as usize) * 4..)
}

fn port_of(bootstrap_env: &str) -> u16 {
    env(bootstrap_env)
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Produces and consumes a unique payload over SSL (mutual TLS) and over SASL_SSL (SCRAM) while
/// capturing the loopback traffic of those ports: TLS traffic is seen, but neither payload, the
/// topic name nor the SCRAM user name ever appears. The same capture on the PLAINTEXT and
/// SASL_PLAINTEXT ports does see a payload and a SASL PLAIN password, so it would catch a leak.
#[test]
fn nothing_is_sent_in_clear_over_ssl_and_sasl_ssl() {
    // Control: the capture sees clear text on the clear-text listeners.
    let clear = Capture::start(vec![
        port_of("KAFKA_BOOTSTRAP_SERVERS"),
        port_of("KAFKA_SASL_BOOTSTRAP_SERVERS"),
    ]);
    let clear_payload = unique("clear-payload-visible");
    round_trip(
        &env("KAFKA_BOOTSTRAP_SERVERS"),
        "PLAINTEXT",
        &[],
        std::slice::from_ref(&clear_payload),
    );
    let plain_password = env("KAFKA_SASL_PLAIN_PASSWORD");
    let s = Seen::default();
    let conf = client_config(
        &s,
        &env("KAFKA_SASL_BOOTSTRAP_SERVERS"),
        "SASL_PLAINTEXT",
        &[
            ("sasl.mechanism", "PLAIN"),
            ("sasl.username", &env("KAFKA_SASL_PLAIN_USER")),
            ("sasl.password", &plain_password),
        ],
    );
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(p, null(), 10_000, &mut md));
    kf_metadata_destroy(md);
    ok(kf_producer_destroy(p));
    let seen_clear = clear.finish();
    assert!(
        contains(&seen_clear, &clear_payload),
        "the capture missed a PLAINTEXT payload ({} bytes captured)",
        seen_clear.len()
    );
    assert!(
        contains(&seen_clear, &plain_password),
        "the capture missed a SASL PLAIN password"
    );

    let tls = Capture::start(vec![
        port_of("KAFKA_SSL_BOOTSTRAP_SERVERS"),
        port_of("KAFKA_SASL_SSL_BOOTSTRAP_SERVERS"),
    ]);
    let mtls_payload = unique("mtls-payload-secret");
    let props = mtls_props();
    round_trip(
        &env("KAFKA_SSL_BOOTSTRAP_SERVERS"),
        "SSL",
        &borrowed(&props),
        std::slice::from_ref(&mtls_payload),
    );
    let scram_payload = unique("scram-payload-secret");
    let props = scram_ssl_props(&env("KAFKA_SCRAM_PASSWORD"));
    round_trip(
        &env("KAFKA_SASL_SSL_BOOTSTRAP_SERVERS"),
        "SASL_SSL",
        &borrowed(&props),
        std::slice::from_ref(&scram_payload),
    );
    let seen_tls = tls.finish();
    assert!(
        seen_tls.len() > 4096,
        "the capture saw only {} bytes of TLS traffic",
        seen_tls.len()
    );
    // A TLS record header (handshake or application data, TLS 1.2 record version) was captured.
    assert!(
        seen_tls
            .windows(3)
            .any(|w| w == [0x17, 0x03, 0x03] || w == [0x16, 0x03, 0x03]),
        "no TLS record in the capture"
    );
    for secret in [
        mtls_payload.as_str(),
        scram_payload.as_str(),
        "mtls-payload-secret",
        "scram-payload-secret",
        "tls-",
        &env("KAFKA_SCRAM_USER"),
        &env("KAFKA_SCRAM_PASSWORD"),
        &env("KAFKA_SSL_KEY_PASSWORD"),
    ] {
        assert!(
            !contains(&seen_tls, secret),
            "{secret:?} was sent in clear over a TLS listener"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Authorization over mutual TLS: KAFKA_SSL_LIMITED_PRINCIPAL (the CN of a client certificate
// signed by the test CA) is not a super user, so the StandardAuthorizer gives it only what ACLs
// grant.

use kafkaffi::ffi::inputs::*;
use kafkaffi::ffi::result::*;

/// Grants `ops` on (`restype`, `name`) to `principal` as the PLAINTEXT super user.
fn grant(restype: i32, name: &str, principal: &str, ops: &[i32]) {
    let conf = Cluster::broker().config(&[]);
    let mut e = null_mut();
    let a = kf_admin_new(conf, &mut e);
    kf_config_destroy(conf);
    ok(e);
    let bindings: Vec<_> = ops
        .iter()
        .map(|op| {
            let mut e = null_mut();
            let b = kf_acl_binding_new(
                restype,
                cs(name).as_ptr(),
                KF_RESOURCE_PATTERN_LITERAL,
                cs(principal).as_ptr(),
                c"*".as_ptr(),
                *op,
                KF_ACL_PERMISSION_TYPE_ALLOW,
                &mut e,
            );
            ok(e);
            b as *const kf_acl_binding_t
        })
        .collect();
    let mut r = null_mut();
    ok(kf_admin_create_acls(
        a,
        bindings.as_ptr(),
        bindings.len(),
        null(),
        &mut r,
    ));
    for i in 0..kf_admin_result_item_count(r) {
        assert_eq!(kf_admin_result_item_error_code(r, i), 0, "creating ACL {i}");
    }
    kf_admin_result_destroy(r);
    for b in bindings {
        kf_acl_binding_destroy(b as *mut _);
    }
    ok(kf_admin_destroy(a));
}

fn limited_props() -> Vec<(&'static str, String)> {
    ssl_with(
        "KAFKA_SSL_CA_LOCATION",
        Some((
            "KAFKA_SSL_LIMITED_CERTIFICATE_LOCATION",
            "KAFKA_SSL_LIMITED_KEY_LOCATION",
        )),
    )
}

/// Produces one message as the limited principal; returns its delivery report's code.
fn produce_as_limited(topic: &str) -> i32 {
    let s = Seen::default();
    let props = limited_props();
    let mut v = borrowed(&props);
    v.push(("message.timeout.ms", "5000"));
    let conf = client_config(&s, &env("KAFKA_SSL_BOOTSTRAP_SERVERS"), "SSL", &v);
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let reports = produce_and_flush(p, &s, topic, 1, Duration::from_secs(15));
    ok(kf_producer_destroy(p));
    assert_eq!(reports.len(), 1);
    reports[0]
}

#[test]
fn mtls_principal_without_write_gets_topic_authorization_failed_and_with_it_delivers() {
    let principal = format!("User:{}", env("KAFKA_SSL_LIMITED_PRINCIPAL"));
    let topic = unique("tls-acl");
    Cluster::broker().create_topic(&topic, 1);
    // May see and read the topic, not write it.
    grant(
        KF_RESOURCE_TOPIC,
        &topic,
        &principal,
        &[KF_ACL_OPERATION_DESCRIBE, KF_ACL_OPERATION_READ],
    );
    assert_eq!(
        produce_as_limited(&topic),
        KF_ERR_TOPIC_AUTHORIZATION_FAILED
    );
    // With WRITE the same certificate delivers (ACLs reach the authorizer asynchronously).
    grant(
        KF_RESOURCE_TOPIC,
        &topic,
        &principal,
        &[KF_ACL_OPERATION_WRITE],
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let code = produce_as_limited(&topic);
        if code == 0 {
            break;
        }
        assert_eq!(code, KF_ERR_TOPIC_AUTHORIZATION_FAILED);
        assert!(Instant::now() < deadline, "WRITE was never honoured");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn mtls_principal_without_read_on_the_group_gets_group_authorization_failed() {
    let principal = format!("User:{}", env("KAFKA_SSL_LIMITED_PRINCIPAL"));
    let topic = unique("tls-acl-g");
    let group = unique("tls-acl-group");
    Cluster::broker().create_topic(&topic, 1);
    produce_values(&Cluster::broker(), &topic, 0, &[b"x".to_vec()]);
    grant(
        KF_RESOURCE_TOPIC,
        &topic,
        &principal,
        &[KF_ACL_OPERATION_DESCRIBE, KF_ACL_OPERATION_READ],
    );

    let consume = |group: &str| {
        let s = Seen::default();
        let props = limited_props();
        let mut v = borrowed(&props);
        v.push(("group.id", group));
        v.push(("auto.offset.reset", "earliest"));
        let conf = client_config(&s, &env("KAFKA_SSL_BOOTSTRAP_SERVERS"), "SSL", &v);
        let c = new_consumer(conf);
        kf_config_destroy(conf);
        ok(kf_consumer_subscribe(
            c,
            [cs(&topic).as_ptr()].as_ptr(),
            1,
            null(),
        ));
        let (msgs, errs) = consume_n(c, 1, Duration::from_secs(8));
        ok(kf_consumer_close(c, -1));
        ok(kf_consumer_destroy(c));
        let errors: Vec<i32> = s.errors.lock().unwrap().iter().map(|e| e.1).collect();
        (
            msgs.len(),
            errs.iter().map(|m| m.error).collect::<Vec<_>>(),
            errors,
        )
    };
    let (got, consumer_errors, cb_errors) = consume(&group);
    assert_eq!(got, 0, "consumed without READ on the group");
    assert!(
        consumer_errors.contains(&KF_ERR_GROUP_AUTHORIZATION_FAILED)
            || cb_errors.contains(&KF_ERR_GROUP_AUTHORIZATION_FAILED),
        "no GROUP_AUTHORIZATION_FAILED: consumer errors {consumer_errors:?}, error_cb {cb_errors:?}"
    );

    // With READ on the group the same certificate consumes the message.
    grant(
        KF_RESOURCE_GROUP,
        &group,
        &principal,
        &[KF_ACL_OPERATION_READ],
    );
    let deadline = Instant::now() + Duration::from_secs(25);
    loop {
        let (got, _, _) = consume(&group);
        if got == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "READ on the group was never honoured"
        );
    }
}
