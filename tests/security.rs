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
    ok(kf_consumer_close(c));
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
