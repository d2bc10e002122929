//! Secrets (SASL passwords, TLS key passwords, OAuth tokens, Schema Registry credentials) never
//! appear in what kafkaffi shows: log lines (debug=all), error_cb, stats_cb, the errors of failing
//! calls and configuration reads (kf_config_get on a secret property). Each test collects all of
//! that text and greps it for every secret value; each also checks that the secret was really in
//! use (the broker accepted it, or the registry received it), so a test cannot pass by not using
//! the secret at all.
mod common;
use common::*;
use std::ffi::CStr;
use std::io::{BufRead, BufReader, Write};
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{null, null_mut};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: `source /tmp/kafkaffi-kafka/env` (scripts/kafka/start.sh)")
    })
}

fn lossy(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

/// Everything a client showed: log lines, errors, statistics, call errors, config reads.
#[derive(Default)]
struct Shown {
    text: Mutex<String>,
    logs: Mutex<usize>,
    errors: Mutex<Vec<i32>>,
    stats: Mutex<usize>,
    deliveries: Mutex<Vec<i32>>,
}

impl Shown {
    fn opaque(&self) -> *mut c_void {
        self as *const Shown as *mut c_void
    }
    fn add(&self, s: &str) {
        let mut t = self.text.lock().unwrap();
        t.push_str(s);
        t.push('\n');
    }
    /// Records a failed call's error (if any) and frees it.
    fn call(&self, e: *mut kf_error_t) -> bool {
        if e.is_null() {
            return true;
        }
        self.add(&format!(
            "{} {}",
            lossy(kf_error_name(e)),
            lossy(kf_error_message(e))
        ));
        kf_error_destroy(e);
        false
    }
    #[track_caller]
    fn assert_free_of(&self, secrets: &[&str]) {
        let t = self.text.lock().unwrap();
        for s in secrets {
            assert!(!s.is_empty());
            if let Some(at) = t.find(s) {
                let from = t[..at].rfind('\n').map_or(0, |i| i + 1);
                let to = t[at..].find('\n').map_or(t.len(), |i| at + i);
                panic!("secret {s:?} shown: {}", &t[from..to]);
            }
        }
    }
}

fn shown<'a>(o: *mut c_void) -> &'a Shown {
    unsafe { &*(o as *const Shown) }
}

unsafe extern "C" fn on_log(o: *mut c_void, level: c_int, fac: *const c_char, msg: *const c_char) {
    let s = shown(o);
    *s.logs.lock().unwrap() += 1;
    s.add(&format!("log {level} {} {}", lossy(fac), lossy(msg)));
}

unsafe extern "C" fn on_error(o: *mut c_void, e: *const kf_error_t) {
    let s = shown(o);
    s.errors.lock().unwrap().push(kf_error_code(e));
    s.add(&format!(
        "error_cb {} {}",
        lossy(kf_error_name(e)),
        lossy(kf_error_message(e))
    ));
}

unsafe extern "C" fn on_stats(o: *mut c_void, json: *const c_char, len: usize) {
    let s = shown(o);
    *s.stats.lock().unwrap() += 1;
    let bytes = std::slice::from_raw_parts(json as *const u8, len);
    s.add(&format!("stats {}", String::from_utf8_lossy(bytes)));
}

unsafe extern "C" fn on_delivery(o: *mut c_void, _m: *const kf_message_t, e: *const kf_error_t) {
    let s = shown(o);
    s.deliveries.lock().unwrap().push(kf_error_code(e));
    s.add(&format!(
        "delivery {} {}",
        lossy(kf_error_name(e)),
        lossy(kf_error_message(e))
    ));
}

/// Properties that hold secrets (or may): every one is read back through kf_config_get, from
/// the configuration and from a copy of it.
const SECRET_KEYS: &[&str] = &[
    "sasl.password",
    "ssl.key.password",
    "ssl.keystore.password",
    "ssl.key.pem",
    "sasl.oauthbearer.client.secret",
    "sasl.oauthbearer.config",
];

/// A configuration with every callback collecting into `s`, debug=all and statistics.
fn config(s: &Shown, props: &[(&str, &str)]) -> *mut kf_config_t {
    let c = kf_config_new();
    for (k, v) in [
        ("debug", "all"),
        ("statistics.interval.ms", "100"),
        ("message.timeout.ms", "4000"),
    ]
    .iter()
    .chain(props)
    {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
    }
    ok(kf_config_set_log_cb(c, Some(on_log), s.opaque(), None));
    ok(kf_config_set_error_cb(c, Some(on_error), s.opaque(), None));
    ok(kf_config_set_stats_cb(c, Some(on_stats), s.opaque(), None));
    ok(kf_config_set_delivery_cb(
        c,
        Some(on_delivery),
        s.opaque(),
        None,
    ));
    // Configuration reads.
    let dup = kf_config_dup(c);
    for conf in [c, dup] {
        for k in SECRET_KEYS {
            let mut v = null_mut();
            if s.call(kf_config_get(conf, cs(k).as_ptr(), &mut v)) {
                let value = lossy(v);
                kf_string_free(v);
                s.add(&format!("config {k} = {value}"));
                if props.iter().any(|p| p.0 == *k) {
                    assert_eq!(value, "[redacted]", "kf_config_get({k})");
                }
            }
        }
    }
    kf_config_destroy(dup);
    c
}

/// Runs a producer with `props`: creates it (returns false if that failed), lists topics,
/// produces one message to `topic`, flushes and polls for `linger` so statistics arrive.
fn run_producer(s: &Shown, props: &[(&str, &str)], topic: &str, linger: Duration) -> bool {
    let conf = config(s, props);
    let mut e = null_mut();
    let p = kf_producer_new(conf, &mut e);
    kf_config_destroy(conf);
    if !s.call(e) {
        assert!(p.is_null());
        return false;
    }
    let mut md = null_mut();
    if s.call(kf_producer_list_topics(
        p,
        cs(topic).as_ptr(),
        4000,
        &mut md,
    )) {
        kf_metadata_destroy(md);
    }
    s.call(kf_producer_produce(
        p,
        cs(topic).as_ptr(),
        0,
        null(),
        0,
        b"v".as_ptr(),
        1,
        null(),
        0,
        None,
        null_mut(),
    ));
    let mut remaining = 1;
    s.call(kf_producer_flush(p, 8000, &mut remaining));
    let deadline = Instant::now() + linger;
    while Instant::now() < deadline {
        s.call(kf_producer_poll(p, 50, null_mut()));
    }
    ok(kf_producer_destroy(p));
    true
}

fn sasl(
    mech: &str,
    protocol: &str,
    bootstrap: &str,
    user: &str,
    pw: &str,
) -> Vec<(String, String)> {
    [
        ("bootstrap.servers", bootstrap),
        ("security.protocol", protocol),
        ("sasl.mechanism", mech),
        ("sasl.username", user),
        ("sasl.password", pw),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn sasl_passwords_never_appear_in_logs_errors_stats_or_config_reads() {
    let topic = unique("secrets");
    Cluster::broker().create_topic(&topic, 1);
    let wrong = unique("wrong-password");
    let scram_pw = env("KAFKA_SCRAM_PASSWORD");
    let plain_pw = env("KAFKA_SASL_PLAIN_PASSWORD");
    let sasl_bs = env("KAFKA_SASL_BOOTSTRAP_SERVERS");
    let sasl_ssl_bs = env("KAFKA_SASL_SSL_BOOTSTRAP_SERVERS");
    let ca = env("KAFKA_SSL_CA_LOCATION");

    // The right credentials: PLAIN and SCRAM on SASL_PLAINTEXT, SCRAM on SASL_SSL.
    let good = [
        sasl(
            "PLAIN",
            "SASL_PLAINTEXT",
            &sasl_bs,
            &env("KAFKA_SASL_PLAIN_USER"),
            &plain_pw,
        ),
        sasl(
            "SCRAM-SHA-512",
            "SASL_PLAINTEXT",
            &sasl_bs,
            &env("KAFKA_SCRAM_USER"),
            &scram_pw,
        ),
        {
            let mut v = sasl(
                "SCRAM-SHA-512",
                "SASL_SSL",
                &sasl_ssl_bs,
                &env("KAFKA_SCRAM_USER"),
                &scram_pw,
            );
            v.push(("ssl.ca.location".into(), ca.clone()));
            v
        },
    ];
    for props in &good {
        let s = Shown::default();
        assert!(run_producer(
            &s,
            &refs(props),
            &topic,
            Duration::from_millis(300)
        ));
        assert_eq!(
            *s.deliveries.lock().unwrap(),
            vec![0],
            "{props:?} not delivered"
        );
        assert!(*s.logs.lock().unwrap() > 50, "debug=all logged little");
        assert!(*s.stats.lock().unwrap() > 0, "no statistics");
        s.assert_free_of(&[&plain_pw, &scram_pw, &wrong]);
    }
    // Wrong passwords: refused, and the refusal does not show the wrong password either.
    for props in [
        sasl(
            "PLAIN",
            "SASL_PLAINTEXT",
            &sasl_bs,
            &env("KAFKA_SASL_PLAIN_USER"),
            &wrong,
        ),
        sasl(
            "SCRAM-SHA-512",
            "SASL_PLAINTEXT",
            &sasl_bs,
            &env("KAFKA_SCRAM_USER"),
            &wrong,
        ),
    ] {
        let s = Shown::default();
        assert!(run_producer(&s, &refs(&props), &topic, Duration::ZERO));
        assert!(
            s.errors.lock().unwrap().contains(&KF_ERR__AUTHENTICATION),
            "{props:?}: not refused"
        );
        s.assert_free_of(&[&plain_pw, &scram_pw, &wrong]);
    }
}

/// The TLS client key's password (ssl.key.password): right (mutual TLS works) and wrong (the
/// client cannot be created).
#[test]
fn tls_key_password_never_appears() {
    let topic = unique("secrets-tls");
    Cluster::broker().create_topic(&topic, 1);
    let key_pw = env("KAFKA_SSL_KEY_PASSWORD");
    let wrong = unique("wrong-key-password");
    let props = |pw: &str| {
        vec![
            (
                "bootstrap.servers".to_string(),
                env("KAFKA_SSL_BOOTSTRAP_SERVERS"),
            ),
            ("security.protocol".into(), "SSL".into()),
            ("ssl.ca.location".into(), env("KAFKA_SSL_CA_LOCATION")),
            (
                "ssl.certificate.location".into(),
                env("KAFKA_SSL_CERTIFICATE_LOCATION"),
            ),
            ("ssl.key.location".into(), env("KAFKA_SSL_KEY_LOCATION")),
            ("ssl.key.password".into(), pw.to_string()),
        ]
    };
    let s = Shown::default();
    assert!(run_producer(
        &s,
        &refs(&props(&key_pw)),
        &topic,
        Duration::from_millis(300)
    ));
    assert_eq!(*s.deliveries.lock().unwrap(), vec![0]);
    assert!(*s.logs.lock().unwrap() > 50);
    s.assert_free_of(&[&key_pw, &wrong]);

    let s = Shown::default();
    assert!(
        !run_producer(&s, &refs(&props(&wrong)), &topic, Duration::ZERO),
        "a client was created with a wrong key password"
    );
    assert!(
        s.text.lock().unwrap().contains("ssl.key"),
        "{}",
        s.text.lock().unwrap()
    );
    s.assert_free_of(&[&key_pw, &wrong]);
}

/// base64url without padding.
fn b64url(data: &[u8]) -> String {
    b64(
        data,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        false,
    )
}

fn b64(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn b64_matches_rfc4648_vectors() {
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (i, w) in [
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
    ] {
        assert_eq!(b64(i.as_bytes(), STD, true), w);
    }
    assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
}

static TOKEN: Mutex<String> = Mutex::new(String::new());

unsafe extern "C" fn oauth_cb(
    o: *mut c_void,
    _config: *const c_char,
    token: *mut kf_oauth_token_t,
) {
    let jwt = TOKEN.lock().unwrap().clone();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        + 3_600_000;
    let e = kf_oauth_token_set(
        token,
        cs(&jwt).as_ptr(),
        exp,
        c"admin".as_ptr(),
        null(),
        null(),
        0,
    );
    shown(o).call(e);
}

/// An OAUTHBEARER token handed over in oauth_cb (an unsecured JWT whose claims carry a unique
/// value): the broker accepts it, and it never shows.
#[test]
fn oauthbearer_token_never_appears() {
    let topic = unique("secrets-oauth");
    Cluster::broker().create_topic(&topic, 1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claim = unique("token-secret");
    let payload = format!(
        r#"{{"sub":"admin","iat":{now},"exp":{},"jti":"{claim}"}}"#,
        now + 3600
    );
    let payload_b64 = b64url(payload.as_bytes());
    let jwt = format!("{}.{payload_b64}.", b64url(br#"{"alg":"none"}"#));
    *TOKEN.lock().unwrap() = jwt.clone();
    let s = Shown::default();
    let conf = config(
        &s,
        &[
            ("bootstrap.servers", &env("KAFKA_SASL_BOOTSTRAP_SERVERS")),
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "OAUTHBEARER"),
        ],
    );
    ok(kf_config_set_oauth_cb(
        conf,
        Some(oauth_cb),
        s.opaque(),
        None,
    ));
    let p = new_producer(conf);
    kf_config_destroy(conf);
    let mut md = null_mut();
    ok(kf_producer_list_topics(
        p,
        cs(&topic).as_ptr(),
        10_000,
        &mut md,
    ));
    kf_metadata_destroy(md);
    let deadline = Instant::now() + Duration::from_millis(300);
    while Instant::now() < deadline {
        s.call(kf_producer_poll(p, 50, null_mut()));
    }
    ok(kf_producer_destroy(p));
    assert!(*s.logs.lock().unwrap() > 50);
    assert!(!s.errors.lock().unwrap().contains(&KF_ERR__AUTHENTICATION));
    s.assert_free_of(&[&jwt, &payload_b64, &claim]);
}

// ---------------------------------------------------------------------------------------------
// Schema Registry credentials: basic auth (basic.auth.user.info, or user info in the URL) and a
// bearer token, sent to a local HTTP server that records the Authorization header and answers
// 401 (or to a closed port, or refused before any request).

/// A one-thread HTTP server answering every request with 401; returns its port and the
/// Authorization headers it received.
fn unauthorized_server() -> (u16, std::sync::Arc<Mutex<Vec<String>>>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut r = BufReader::new(conn.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("authorization:") {
                    seen2.lock().unwrap().push(line[14..].trim().to_string());
                }
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; len];
            let _ = std::io::Read::read_exact(&mut r, &mut body);
            let msg = r#"{"error_code":40101,"message":"Unauthorized"}"#;
            let _ = write!(
                conn,
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{msg}",
                msg.len()
            );
        }
    });
    (port, seen)
}

/// Creates a client from `config_json` and lists subjects; records every error.
fn registry_call(s: &Shown, config_json: &str) -> Option<i32> {
    let mut e = null_mut();
    let c = kf_schema_registry_new(cs(config_json).as_ptr(), &mut e);
    if c.is_null() {
        assert!(!s.call(e));
        return None;
    }
    let mut subjects = null_mut();
    let e = kf_schema_registry_get_subjects(c, &mut subjects);
    assert!(!e.is_null(), "{config_json}: the request succeeded");
    let status = kf_schema_registry_error_http_status(e);
    s.call(e);
    kf_schema_registry_destroy(c);
    Some(status)
}

#[test]
fn schema_registry_credentials_never_appear_in_errors() {
    const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (port, headers) = unauthorized_server();
    let basic = unique("sr-basic-secret");
    let url_pw = unique("sr-url-secret");
    let bearer = unique("sr-bearer-secret");
    let s = Shown::default();

    let status = registry_call(
        &s,
        &format!(r#"{{"url":"http://127.0.0.1:{port}","basic.auth.user.info":"sruser:{basic}"}}"#),
    );
    assert_eq!(status, Some(401));
    let status = registry_call(
        &s,
        &format!(r#"{{"url":"http://sruser:{url_pw}@127.0.0.1:{port}"}}"#),
    );
    assert_eq!(status, Some(401));
    let status = registry_call(
        &s,
        &format!(
            r#"{{"url":"http://127.0.0.1:{port}","bearer.auth.credentials.source":"STATIC_TOKEN","bearer.auth.token":"{bearer}","bearer.auth.logical.cluster":"lsrc-1","bearer.auth.identity.pool.id":"pool-1"}}"#
        ),
    );
    assert_eq!(status, Some(401));
    // The registry really received each credential.
    let got = headers.lock().unwrap().clone();
    for want in [
        format!(
            "Basic {}",
            b64(format!("sruser:{basic}").as_bytes(), STD, true)
        ),
        format!(
            "Basic {}",
            b64(format!("sruser:{url_pw}").as_bytes(), STD, true)
        ),
        format!("Bearer {bearer}"),
    ] {
        assert!(got.contains(&want), "{want:?} not received: {got:?}");
    }
    assert!(
        s.text.lock().unwrap().contains("401"),
        "{}",
        s.text.lock().unwrap()
    );

    // Unreachable (a closed port) with credentials in the URL; and URLs refused before any
    // request (a bad scheme, and a bad second URL) that carry user info.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let status = registry_call(
        &s,
        &format!(r#"{{"url":"http://sruser:{url_pw}@127.0.0.1:{closed}","timeout":5}}"#),
    );
    assert_eq!(status, Some(0));
    assert!(s.text.lock().unwrap().contains("unreachable"));
    for url in [
        format!("ftp://sruser:{url_pw}@127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port},sruser:{url_pw}@127.0.0.1:{port}"),
        format!("http://127.0.0.1:{port},ftp://sruser:{url_pw}@127.0.0.1:{port}"),
    ] {
        assert_eq!(
            registry_call(&s, &format!(r#"{{"url":"{url}"}}"#)),
            None,
            "{url}"
        );
    }
    // Malformed basic.auth.user.info and a basic.auth.user.info set with source URL.
    for cfg in [
        format!(r#"{{"url":"http://127.0.0.1:{port}","basic.auth.user.info":"{basic}"}}"#),
        format!(
            r#"{{"url":"http://127.0.0.1:{port}","basic.auth.credentials.source":"URL","basic.auth.user.info":"u:{basic}"}}"#
        ),
        format!(
            r#"{{"url":"http://127.0.0.1:{port}","bearer.auth.token":"{bearer}","bearer.auth.credentials.source":"NOPE"}}"#
        ),
    ] {
        assert_eq!(registry_call(&s, &cfg), None, "{cfg}");
    }
    s.assert_free_of(&[
        &basic,
        &url_pw,
        &bearer,
        &b64(format!("sruser:{basic}").as_bytes(), STD, true),
        &b64(format!("sruser:{url_pw}").as_bytes(), STD, true),
    ]);
}

/// kf_config_get answers "[redacted]" for a secret property that is set (in the configuration
/// and in a copy), and plain values for every other property.
#[test]
fn config_get_redacts_secret_properties_only() {
    let get = |c: *const kf_config_t, k: &str| {
        let mut v = null_mut();
        ok(kf_config_get(c, cs(k).as_ptr(), &mut v));
        let s = lossy(v);
        kf_string_free(v);
        s
    };
    let c = kf_config_new();
    for (k, v) in [
        ("sasl.password", "pw-secret-1"),
        ("ssl.key.password", "pw-secret-2"),
        ("ssl.keystore.password", "pw-secret-3"),
        ("ssl.key.pem", "pw-secret-4"),
        (
            "sasl.oauthbearer.config",
            "principal=admin secret=pw-secret-5",
        ),
    ] {
        ok(kf_config_set(c, cs(k).as_ptr(), cs(v).as_ptr()));
        assert_eq!(get(c, k), "[redacted]", "{k}");
        let d = kf_config_dup(c);
        assert_eq!(get(d, k), "[redacted]", "{k} (copy)");
        kf_config_destroy(d);
    }
    ok(kf_config_set(
        c,
        c"sasl.username".as_ptr(),
        c"alice".as_ptr(),
    ));
    ok(kf_config_set(c, c"linger.ms".as_ptr(), c"7".as_ptr()));
    assert_eq!(get(c, "sasl.username"), "alice");
    assert_eq!(get(c, "linger.ms"), "7");
    kf_config_destroy(c);
}
