//! The Schema Registry client through the C ABI, against a real registry (Apicurio Registry's
//! Confluent-compatible API, SCHEMA_REGISTRY_URL, started by scripts/registry/start.sh) and the
//! in-process mock:// registry. Auth headers are checked against a tiny HTTP listener here.
mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::ptr::{null, null_mut};
use std::sync::{Arc, Mutex};

/// (code, HTTP status, registry error_code, message) of a failed call.
#[derive(Debug)]
struct SrErr {
    code: i32,
    status: i32,
    error_code: i32,
    message: String,
}

fn res(e: *mut kf_error_t) -> Result<(), SrErr> {
    if e.is_null() {
        return Ok(());
    }
    let r = SrErr {
        code: kf_error_code(e),
        status: kf_schema_registry_error_http_status(e),
        error_code: kf_schema_registry_error_code(e),
        message: text(kf_error_message(e)),
    };
    kf_error_destroy(e);
    Err(r)
}

/// The values of an int32 list, read in one call, and the list destroyed.
fn int32_list(l: *mut kf_int32_list_t) -> Vec<i32> {
    assert!(!l.is_null());
    let n = kf_int32_list_count(l);
    let p = kf_int32_list_values(l);
    let v = if n == 0 {
        assert!(p.is_null(), "an empty list has no values pointer");
        vec![]
    } else {
        unsafe { std::slice::from_raw_parts(p, n) }.to_vec()
    };
    kf_int32_list_destroy(l);
    v
}

struct Client(*mut kf_schema_registry_t);
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

#[derive(Debug)]
struct Reg {
    rs: *mut kf_registered_schema_t,
}
impl Reg {
    fn id(&self) -> i32 {
        kf_registered_schema_id(self.rs)
    }
    fn version(&self) -> i32 {
        kf_registered_schema_version(self.rs)
    }
    fn subject(&self) -> String {
        text(kf_registered_schema_subject(self.rs))
    }
    fn schema(&self) -> String {
        text(kf_schema_str(kf_registered_schema_schema(self.rs)))
    }
}
impl Drop for Reg {
    fn drop(&mut self) {
        kf_registered_schema_destroy(self.rs);
    }
}

struct Sch(*mut kf_schema_t);
impl Drop for Sch {
    fn drop(&mut self) {
        kf_schema_destroy(self.0);
    }
}
fn avro(s: &str) -> Sch {
    let mut e = null_mut();
    let p = kf_schema_new(cs(s).as_ptr(), KF_SCHEMA_TYPE_AVRO, &mut e);
    ok(e);
    Sch(p)
}

impl Client {
    fn new(config: &str) -> Result<Client, SrErr> {
        let mut e = null_mut();
        let c = kf_schema_registry_new(cs(config).as_ptr(), &mut e);
        res(e)?;
        assert!(!c.is_null());
        Ok(Client(c))
    }
    fn url(url: &str) -> Client {
        Client::new(&format!(r#"{{"url": "{url}", "timeout": 10}}"#)).unwrap()
    }
    fn requests(&self) -> u64 {
        kf_schema_registry_request_count(self.0)
    }
    fn register(&self, subject: &str, s: &Sch) -> Result<i32, SrErr> {
        let mut id = -1;
        res(kf_schema_registry_register_schema(
            self.0,
            cs(subject).as_ptr(),
            s.0,
            false,
            &mut id,
        ))?;
        Ok(id)
    }
    fn get_schema(&self, id: i32) -> Result<String, SrErr> {
        let mut s = null_mut();
        res(kf_schema_registry_get_schema(self.0, id, &mut s))?;
        assert_eq!(kf_schema_type(s), KF_SCHEMA_TYPE_AVRO);
        let t = text(kf_schema_str(s));
        kf_schema_destroy(s);
        Ok(t)
    }
    fn latest(&self, subject: &str) -> Result<Reg, SrErr> {
        let mut r = null_mut();
        res(kf_schema_registry_get_latest_version(
            self.0,
            cs(subject).as_ptr(),
            &mut r,
        ))?;
        Ok(Reg { rs: r })
    }
    fn version(&self, subject: &str, v: i32) -> Result<Reg, SrErr> {
        let mut r = null_mut();
        res(kf_schema_registry_get_version(
            self.0,
            cs(subject).as_ptr(),
            v,
            &mut r,
        ))?;
        Ok(Reg { rs: r })
    }
    fn versions(&self, subject: &str) -> Result<Vec<i32>, SrErr> {
        let mut l = null_mut();
        res(kf_schema_registry_get_versions(
            self.0,
            cs(subject).as_ptr(),
            &mut l,
        ))?;
        Ok(int32_list(l))
    }
    fn subjects(&self) -> Result<Vec<String>, SrErr> {
        let mut l = null_mut();
        res(kf_schema_registry_get_subjects(self.0, &mut l))?;
        let n = kf_string_list_count(l);
        let v = (0..n).map(|i| text(kf_string_list_get(l, i))).collect();
        assert!(kf_string_list_get(l, n).is_null(), "past the end");
        kf_string_list_destroy(l);
        Ok(v)
    }
    fn lookup(&self, subject: &str, s: &Sch) -> Result<Reg, SrErr> {
        let mut r = null_mut();
        res(kf_schema_registry_lookup_schema(
            self.0,
            cs(subject).as_ptr(),
            s.0,
            false,
            &mut r,
        ))?;
        Ok(Reg { rs: r })
    }
    fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i32>, SrErr> {
        let mut l = null_mut();
        res(kf_schema_registry_delete_subject(
            self.0,
            cs(subject).as_ptr(),
            permanent,
            &mut l,
        ))?;
        Ok(int32_list(l))
    }
    fn delete_version(&self, subject: &str, v: i32, permanent: bool) -> Result<i32, SrErr> {
        let mut out = -1;
        res(kf_schema_registry_delete_version(
            self.0,
            cs(subject).as_ptr(),
            v,
            permanent,
            &mut out,
        ))?;
        Ok(out)
    }
    fn set_compat(&self, subject: Option<&str>, level: &str) -> Result<(), SrErr> {
        let s = subject.map(cs);
        res(kf_schema_registry_set_compatibility(
            self.0,
            s.as_ref().map_or(null(), |s| s.as_ptr()),
            cs(level).as_ptr(),
        ))
    }
    fn get_compat(&self, subject: Option<&str>) -> Result<String, SrErr> {
        let s = subject.map(cs);
        let mut out = null_mut();
        res(kf_schema_registry_get_compatibility(
            self.0,
            s.as_ref().map_or(null(), |s| s.as_ptr()),
            &mut out,
        ))?;
        let t = text(out);
        kf_string_free(out);
        Ok(t)
    }
    fn test_compat(&self, subject: &str, s: &Sch, version: i32) -> Result<bool, SrErr> {
        let mut b = false;
        res(kf_schema_registry_test_compatibility(
            self.0,
            cs(subject).as_ptr(),
            s.0,
            version,
            &mut b,
        ))?;
        Ok(b)
    }
}
impl Drop for Client {
    fn drop(&mut self) {
        kf_schema_registry_destroy(self.0);
    }
}

/// The real registry's URL; the tests fail (never skip) without it.
fn real_url() -> String {
    std::env::var("SCHEMA_REGISTRY_URL").expect(
        "SCHEMA_REGISTRY_URL is not set: run scripts/registry/start.sh and source /tmp/kafkaffi-registry/env",
    )
}

/// The real registry and a fresh mock:// one.
fn registries() -> Vec<(&'static str, String)> {
    vec![
        ("apicurio", real_url()),
        ("mock", format!("mock://{}", unique("sr"))),
    ]
}

const V1: &str = r#"{"type":"record","name":"User","namespace":"kf.test","fields":[{"name":"name","type":"string"}]}"#;
/// V1 plus a field with a default: BACKWARD compatible.
const V2: &str = r#"{"type":"record","name":"User","namespace":"kf.test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}"#;
/// V1 plus a field without a default: not BACKWARD compatible.
const BAD: &str = r#"{"type":"record","name":"User","namespace":"kf.test","fields":[{"name":"name","type":"string"},{"name":"email","type":"string"}]}"#;

fn same_json(a: &str, b: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(a).unwrap()
        == serde_json::from_str::<serde_json::Value>(b).unwrap()
}

#[test]
fn register_get_versions_subjects_lookup() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let subject = unique("sr-value");
        let id1 = c.register(&subject, &avro(V1)).unwrap();
        assert!(id1 > 0, "{name}");
        // The same schema again: same id, no new version.
        assert_eq!(c.register(&subject, &avro(V1)).unwrap(), id1, "{name}");
        let id2 = c.register(&subject, &avro(V2)).unwrap();
        assert_ne!(id1, id2, "{name}");
        assert_eq!(c.versions(&subject).unwrap(), vec![1, 2], "{name}");
        assert!(c.subjects().unwrap().contains(&subject), "{name}");
        assert!(same_json(&c.get_schema(id1).unwrap(), V1), "{name}");

        let latest = c.latest(&subject).unwrap();
        assert_eq!((latest.id(), latest.version()), (id2, 2), "{name}");
        assert_eq!(latest.subject(), subject, "{name}");
        assert!(same_json(&latest.schema(), V2), "{name}");
        let v1 = c.version(&subject, 1).unwrap();
        assert_eq!((v1.id(), v1.version()), (id1, 1), "{name}");
        assert!(same_json(&v1.schema(), V1), "{name}");

        let found = c.lookup(&subject, &avro(V1)).unwrap();
        assert_eq!((found.id(), found.version()), (id1, 1), "{name}");
        assert_eq!(found.subject(), subject, "{name}");
        // A schema that is not under the subject.
        let e = c.lookup(&subject, &avro(BAD)).unwrap_err();
        assert_eq!(
            (e.code, e.status),
            (KF_ERR_SCHEMA_REGISTRY, 404),
            "{name}: {e:?}"
        );

        // The same schema under another subject keeps its id.
        let other = unique("sr-other");
        assert_eq!(c.register(&other, &avro(V1)).unwrap(), id1, "{name}");
    }
}

/// Subjects and versions come as list handles: an empty registry gives an empty list (count 0,
/// NULL values pointer), a subject's deletion hands its versions over or, with versions_out
/// NULL, nothing.
#[test]
fn subjects_and_versions_are_list_handles() {
    let c = Client::url(&format!("mock://{}", unique("sr-lists")));
    assert_eq!(c.subjects().unwrap(), Vec::<String>::new());
    let (a, b) = (unique("sr-a"), unique("sr-b"));
    c.register(&a, &avro(V1)).unwrap();
    c.register(&a, &avro(V2)).unwrap();
    c.register(&b, &avro(V1)).unwrap();
    let mut subjects = c.subjects().unwrap();
    subjects.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(subjects, want);
    assert_eq!(c.versions(&a).unwrap(), vec![1, 2]);
    // versions_out NULL: deleted all the same.
    ok(kf_schema_registry_delete_subject(
        c.0,
        cs(&b).as_ptr(),
        false,
        null_mut(),
    ));
    assert_eq!(c.subjects().unwrap(), vec![a.clone()]);
    assert_eq!(c.delete_subject(&a, false).unwrap(), vec![1, 2]);
    assert_eq!(c.subjects().unwrap(), Vec::<String>::new());
}

#[test]
fn not_found_errors_carry_status_and_registry_code() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let e = c.get_schema(987_654_321).unwrap_err();
        assert_eq!(e.code, KF_ERR_SCHEMA_REGISTRY, "{name}");
        assert_eq!((e.status, e.error_code), (404, 40403), "{name}: {e:?}");
        let missing = unique("sr-missing");
        let e = c.latest(&missing).unwrap_err();
        assert_eq!((e.status, e.error_code), (404, 40401), "{name}: {e:?}");
        assert!(e.message.contains(&missing), "{name}: {e:?}");
        let e = c.versions(&missing).unwrap_err();
        assert_eq!((e.status, e.error_code), (404, 40401), "{name}: {e:?}");
        let subject = unique("sr-value");
        c.register(&subject, &avro(V1)).unwrap();
        let e = c.version(&subject, 7).unwrap_err();
        assert_eq!((e.status, e.error_code), (404, 40402), "{name}: {e:?}");
        // An invalid Avro schema.
        let e = c.register(&subject, &avro("{not json")).unwrap_err();
        assert_eq!(e.status / 100, 4, "{name}: {e:?}");
        let name_c = kf_error_code_name(KF_ERR_SCHEMA_REGISTRY);
        assert_eq!(text(name_c), "SCHEMA_REGISTRY");
    }
}

#[test]
fn soft_and_permanent_deletes() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let subject = unique("sr-del");
        c.register(&subject, &avro(V1)).unwrap();
        c.register(&subject, &avro(V2)).unwrap();
        c.register(&subject, &avro(r#"{"type":"record","name":"User","namespace":"kf.test","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0},{"name":"x","type":"long","default":1}]}"#)).unwrap();
        // One version, soft then permanent.
        assert_eq!(c.delete_version(&subject, 3, false).unwrap(), 3, "{name}");
        assert_eq!(c.versions(&subject).unwrap(), vec![1, 2], "{name}");
        assert_eq!(c.delete_version(&subject, 3, true).unwrap(), 3, "{name}");
        // The whole subject, soft then permanent.
        assert_eq!(
            c.delete_subject(&subject, false).unwrap(),
            vec![1, 2],
            "{name}"
        );
        assert!(!c.subjects().unwrap().contains(&subject), "{name}");
        let e = c.versions(&subject).unwrap_err();
        assert_eq!((e.status, e.error_code), (404, 40401), "{name}: {e:?}");
        c.delete_subject(&subject, true).unwrap();
        let e = c.delete_subject(&subject, false).unwrap_err();
        assert_eq!(e.status, 404, "{name}: {e:?}");
    }
}

#[test]
fn mock_delete_rules_follow_the_confluent_registry() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let subject = unique("sr-del");
    c.register(&subject, &avro(V1)).unwrap();
    let e = c.delete_subject(&subject, true).unwrap_err();
    assert_eq!((e.status, e.error_code), (404, 40405), "{e:?}");
    let e = c.delete_version(&subject, 1, true).unwrap_err();
    assert_eq!((e.status, e.error_code), (404, 40407), "{e:?}");
    c.delete_version(&subject, -1, false).unwrap();
    let e = c.delete_version(&subject, 1, false).unwrap_err();
    assert_eq!((e.status, e.error_code), (404, 40406), "{e:?}");
    // Versions keep counting after a soft delete.
    c.register(&subject, &avro(V1)).unwrap();
    assert_eq!(c.versions(&subject).unwrap(), vec![2]);
    c.delete_subject(&subject, false).unwrap();
    let e = c.delete_subject(&subject, false).unwrap_err();
    assert_eq!((e.status, e.error_code), (404, 40404), "{e:?}");
    assert_eq!(c.delete_subject(&subject, true).unwrap(), vec![1, 2]);
    let e = c.get_compat(Some(&subject)).unwrap_err();
    assert_eq!((e.status, e.error_code), (404, 40408), "{e:?}");
    assert_eq!(c.get_compat(None).unwrap(), "BACKWARD");
}

#[test]
fn schema_evolution_compatible_accepted_incompatible_rejected() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let subject = unique("sr-evo");
        // Apicurio stores no level until one is set: set it first.
        c.set_compat(Some(&subject), "BACKWARD").unwrap();
        assert_eq!(c.get_compat(Some(&subject)).unwrap(), "BACKWARD", "{name}");
        c.register(&subject, &avro(V1)).unwrap();
        assert!(c.test_compat(&subject, &avro(V2), -1).unwrap(), "{name}");
        assert!(!c.test_compat(&subject, &avro(BAD), -1).unwrap(), "{name}");
        assert!(!c.test_compat(&subject, &avro(BAD), 1).unwrap(), "{name}");
        c.register(&subject, &avro(V2)).unwrap();
        let e = c.register(&subject, &avro(BAD)).unwrap_err();
        assert_eq!(e.code, KF_ERR_SCHEMA_REGISTRY, "{name}");
        assert_eq!((e.status, e.error_code), (409, 409), "{name}: {e:?}");
        assert!(e.message.contains("ncompatible"), "{name}: {e:?}");
        assert_eq!(c.versions(&subject).unwrap(), vec![1, 2], "{name}");
        // With NONE the same schema is accepted.
        c.set_compat(Some(&subject), "NONE").unwrap();
        assert_eq!(c.get_compat(Some(&subject)).unwrap(), "NONE", "{name}");
        assert!(c.test_compat(&subject, &avro(BAD), -1).unwrap(), "{name}");
        c.register(&subject, &avro(BAD)).unwrap();
        assert_eq!(c.versions(&subject).unwrap(), vec![1, 2, 3], "{name}");
        // The global level answers; an unknown level is refused before any request.
        let global = c.get_compat(None).unwrap();
        assert!(
            [
                "NONE",
                "BACKWARD",
                "BACKWARD_TRANSITIVE",
                "FORWARD",
                "FORWARD_TRANSITIVE",
                "FULL",
                "FULL_TRANSITIVE"
            ]
            .contains(&global.as_str()),
            "{name}: {global}"
        );
        let before = c.requests();
        let e = c.set_compat(Some(&subject), "SIDEWAYS").unwrap_err();
        assert_eq!(e.code, KF_ERR__INVALID_ARG, "{name}");
        assert_eq!(c.requests(), before, "{name}");
    }
}

#[test]
fn mock_checks_forward_and_full_levels() {
    let c = Client::url(&format!("mock://{}", unique("sr")));
    let subject = unique("sr-fwd");
    c.set_compat(Some(&subject), "FORWARD").unwrap();
    c.register(&subject, &avro(V2)).unwrap();
    // Removing a field that has a default is forward compatible (old readers use the default).
    assert!(c.test_compat(&subject, &avro(V1), -1).unwrap());
    // A field whose type cannot be read by the old schema is not.
    let narrowed = r#"{"type":"record","name":"User","namespace":"kf.test","fields":[{"name":"name","type":"string"},{"name":"age","type":"long","default":0}]}"#;
    assert!(!c.test_compat(&subject, &avro(narrowed), -1).unwrap());
    c.set_compat(Some(&subject), "FULL").unwrap();
    assert!(c.test_compat(&subject, &avro(V1), -1).unwrap());
    assert!(!c.test_compat(&subject, &avro(BAD), -1).unwrap());
}

#[test]
fn cache_serves_steady_state_without_requests() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let subject = unique("sr-cache");
        let s = avro(V1);
        let id = c.register(&subject, &s).unwrap();
        let n = c.requests();
        assert!(n >= 1, "{name}");
        for _ in 0..5 {
            assert_eq!(c.register(&subject, &s).unwrap(), id, "{name}");
        }
        assert_eq!(c.requests(), n, "{name}: register is cached");
        c.get_schema(id).unwrap();
        c.version(&subject, 1).unwrap();
        c.lookup(&subject, &s).unwrap();
        let n = c.requests();
        for _ in 0..5 {
            c.get_schema(id).unwrap();
            c.version(&subject, 1).unwrap();
            c.lookup(&subject, &s).unwrap();
        }
        assert_eq!(
            c.requests(),
            n,
            "{name}: get_schema, get_version, lookup are cached"
        );
        // Uncached calls do send requests.
        c.versions(&subject).unwrap();
        assert_eq!(c.requests(), n + 1, "{name}");
        // A second client has its own cache.
        let c2 = Client::url(&url);
        c2.get_schema(id).unwrap();
        assert_eq!(c2.requests(), 1, "{name}");
    }
}

#[test]
fn latest_version_is_cached_only_with_a_ttl() {
    let url = format!("mock://{}", unique("sr"));
    let c = Client::new(&format!(
        r#"{{"url": "{url}", "cache.latest.ttl.sec": 0.3}}"#
    ))
    .unwrap();
    let subject = unique("sr-ttl");
    c.register(&subject, &avro(V1)).unwrap();
    c.latest(&subject).unwrap();
    let n = c.requests();
    assert_eq!(c.latest(&subject).unwrap().version(), 1);
    assert_eq!(c.requests(), n);
    // Another client registers v2: this one sees it after the TTL.
    Client::url(&url).register(&subject, &avro(V2)).unwrap();
    assert_eq!(c.latest(&subject).unwrap().version(), 1);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(c.latest(&subject).unwrap().version(), 2);
    assert_eq!(c.requests(), n + 1);
    // Without a TTL every call asks.
    let d = Client::url(&url);
    d.latest(&subject).unwrap();
    d.latest(&subject).unwrap();
    assert_eq!(d.requests(), 2);
}

#[test]
fn mock_registry_is_shared_per_url() {
    let url = format!("mock://{}", unique("sr"));
    let a = Client::url(&url);
    let b = Client::url(&url);
    let other = Client::url(&format!("mock://{}", unique("sr")));
    let subject = unique("sr-shared");
    let id = a.register(&subject, &avro(V1)).unwrap();
    assert_eq!(b.subjects().unwrap(), vec![subject.clone()]);
    assert!(same_json(&b.get_schema(id).unwrap(), V1));
    assert_eq!(other.subjects().unwrap(), Vec::<String>::new());
}

#[test]
fn failover_to_the_next_url_and_unreachable_registry() {
    let real = real_url();
    let c = Client::new(&format!(
        r#"{{"url": "http://127.0.0.1:1,{real}", "timeout": 5}}"#
    ))
    .unwrap();
    let subjects = c.subjects().unwrap();
    let _ = subjects;
    assert_eq!(c.requests(), 2, "the dead URL, then the live one");
    c.subjects().unwrap();
    assert_eq!(c.requests(), 3, "the live URL is remembered");

    let dead = Client::new(r#"{"url": "http://127.0.0.1:1", "timeout": 2}"#).unwrap();
    let e = dead.subjects().unwrap_err();
    assert_eq!(e.code, KF_ERR_SCHEMA_REGISTRY);
    assert_eq!((e.status, e.error_code), (0, 0), "{e:?}");
    assert!(e.message.contains("unreachable"), "{e:?}");
}

/// A one-route HTTP server: answers 200 `["ok-subject"]` when the Authorization header equals
/// `expected`, 401 with a registry error body otherwise; records every Authorization header.
fn auth_server(expected: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut r = BufReader::new(conn.try_clone().unwrap());
            let mut auth = String::new();
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line
                    .split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                {
                    auth = v.1.trim().to_string();
                }
            }
            seen2.lock().unwrap().push(auth.clone());
            let (status, body) = if auth == expected {
                ("200 OK", r#"["ok-subject"]"#)
            } else {
                (
                    "401 Unauthorized",
                    r#"{"error_code":40101,"message":"Unauthorized"}"#,
                )
            };
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://127.0.0.1:{}", addr.port()), seen)
}

#[test]
fn basic_and_bearer_auth() {
    // "user:pa:ss" base64 is dXNlcjpwYTpzcw==
    let (url, seen) = auth_server("Basic dXNlcjpwYTpzcw==");
    let good = Client::new(&format!(
        r#"{{"url": "{url}", "basic.auth.user.info": "user:pa:ss"}}"#
    ))
    .unwrap();
    assert_eq!(good.subjects().unwrap(), vec!["ok-subject".to_string()]);
    let bad = Client::new(&format!(
        r#"{{"url": "{url}", "basic.auth.user.info": "user:wrong"}}"#
    ))
    .unwrap();
    let e = bad.subjects().unwrap_err();
    assert_eq!(
        (e.code, e.status, e.error_code),
        (KF_ERR_SCHEMA_REGISTRY, 401, 40101),
        "{e:?}"
    );
    assert!(e.message.contains("Unauthorized"), "{e:?}");
    let none = Client::url(&url);
    assert_eq!(none.subjects().unwrap_err().status, 401);
    // User info in the URL (percent-encoded ':' in the password), source URL.
    let in_url = url.replace("http://", "http://user:pa%3Ass@");
    let c = Client::new(&format!(
        r#"{{"url": "{in_url}", "basic.auth.credentials.source": "URL"}}"#
    ))
    .unwrap();
    assert_eq!(c.subjects().unwrap(), vec!["ok-subject".to_string()]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], "Basic dXNlcjpwYTpzcw==");
    assert_eq!(seen[1], "Basic dXNlcjp3cm9uZw==");
    assert_eq!(seen[2], "");

    let (url, _) = auth_server("Bearer tok-123");
    let c = Client::new(&format!(
        r#"{{"url": "{url}", "bearer.auth.credentials.source": "STATIC_TOKEN", "bearer.auth.token": "tok-123"}}"#
    ))
    .unwrap();
    assert_eq!(c.subjects().unwrap(), vec!["ok-subject".to_string()]);
    let c = Client::new(&format!(
        r#"{{"url": "{url}", "bearer.auth.token": "nope"}}"#
    ))
    .unwrap();
    assert_eq!(c.subjects().unwrap_err().status, 401);
}

#[test]
fn non_ascii_after_percent_in_url_user_info() {
    // "u:p%aé": a '%' not followed by two hex digits stays literal (as Python's unquote). This
    // URL used to panic in the decoder (KF_ERR__PANIC).
    let (url, seen) = auth_server("Basic dTpwJWHDqQ==");
    let in_url = url.replace("http://", "http://u:p%aé@");
    let c = Client::new(&format!(r#"{{"url": "{in_url}", "timeout": 10}}"#)).unwrap();
    assert_eq!(c.subjects().unwrap(), vec!["ok-subject".to_string()]);
    assert_eq!(seen.lock().unwrap()[0], "Basic dTpwJWHDqQ==");
}

/// Answers every request with `status` and `body` (Content-Type `ctype`).
fn canned_server(status: &'static str, ctype: &'static str, body: String) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut conn) = conn else { return };
            let mut r = BufReader::new(conn.try_clone().unwrap());
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let _ = write!(
                conn,
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://127.0.0.1:{}", addr.port())
}

#[test]
fn long_non_ascii_answers_are_cut_at_a_character_boundary() {
    // Each answer is quoted in the error, cut to 200 bytes; byte 200 falls inside an 'é'.
    // These used to panic in String::truncate (KF_ERR__PANIC).
    let pad = |n: usize| format!("{}{}", "x".repeat(n), "é".repeat(20));
    // Not JSON: the raw text.
    let url = canned_server("500 Internal Server Error", "text/plain", pad(199));
    let e = Client::url(&url).subjects().unwrap_err();
    assert_eq!((e.code, e.status), (KF_ERR_SCHEMA_REGISTRY, 500), "{e:?}");
    assert!(
        e.message.ends_with(&format!(": {}", "x".repeat(199))),
        "{e:?}"
    );
    // JSON without "message": the JSON text (`["` then the string).
    let url = canned_server(
        "500 Internal Server Error",
        "application/json",
        format!("[\"{}\"]", pad(197)),
    );
    let e = Client::url(&url).subjects().unwrap_err();
    assert_eq!((e.code, e.status), (KF_ERR_SCHEMA_REGISTRY, 500), "{e:?}");
    assert!(
        e.message.ends_with(&format!(": [\"{}", "x".repeat(197))),
        "{e:?}"
    );
    // A 200 answer of the wrong shape (compact JSON text: `[1,"` then the string).
    let url = canned_server(
        "200 OK",
        "application/json",
        format!("[1, \"{}\"]", pad(195)),
    );
    let e = Client::url(&url).subjects().unwrap_err();
    assert_eq!(e.code, KF_ERR_SCHEMA_REGISTRY, "{e:?}");
    assert!(e.message.contains("not an array of strings"), "{e:?}");
    assert!(
        e.message.ends_with(&format!(": [1,\"{}", "x".repeat(195))),
        "{e:?}"
    );
}

#[test]
fn config_errors() {
    for (cfg, what) in [
        ("not json", "JSON"),
        ("[1]", "object"),
        ("{}", "url"),
        (r#"{"url": "ftp://x"}"#, "ftp://x"),
        (r#"{"url": "mock://a", "bogus.key": 1}"#, "bogus.key"),
        (r#"{"url": "mock://a", "timeout": -1}"#, "timeout"),
        (
            r#"{"url": "mock://a", "cache.capacity": 0}"#,
            "cache.capacity",
        ),
        (
            r#"{"url": "mock://a", "basic.auth.user.info": "nocolon"}"#,
            "basic.auth.user.info",
        ),
        (
            r#"{"url": "https://x", "ssl.ca.location": "/nonexistent/ca.pem"}"#,
            "ssl.ca.location",
        ),
        (
            r#"{"url": "https://x", "ssl.certificate.location": "/x.pem"}"#,
            "ssl.key.location",
        ),
        (
            r#"{"url": "mock://a", "bearer.auth.credentials.source": "OAUTHBEARER"}"#,
            "STATIC_TOKEN",
        ),
    ] {
        let e = Client::new(cfg)
            .err()
            .unwrap_or_else(|| panic!("{cfg} was accepted"));
        assert_eq!(e.code, KF_ERR__INVALID_ARG, "{cfg}");
        assert!(e.message.contains(what), "{cfg}: {e:?}");
    }
}

#[test]
fn schema_handles_and_references() {
    let mut e = null_mut();
    let s = kf_schema_new(
        cs("syntax = \"proto3\";").as_ptr(),
        KF_SCHEMA_TYPE_PROTOBUF,
        &mut e,
    );
    ok(e);
    assert_eq!(kf_schema_type(s), KF_SCHEMA_TYPE_PROTOBUF);
    assert_eq!(kf_schema_reference_count(s), 0);
    ok(kf_schema_add_reference(
        s,
        cs("other.proto").as_ptr(),
        cs("other-value").as_ptr(),
        3,
    ));
    assert_eq!(kf_schema_reference_count(s), 1);
    assert_eq!(text(kf_schema_reference_name(s, 0)), "other.proto");
    assert_eq!(text(kf_schema_reference_subject(s, 0)), "other-value");
    assert_eq!(kf_schema_reference_version(s, 0), 3);
    assert!(kf_schema_reference_name(s, 1).is_null());
    kf_schema_destroy(s);
    let bad = kf_schema_new(cs("{}").as_ptr(), 7, &mut e);
    assert!(bad.is_null());
    assert_eq!(err(e).0, KF_ERR__INVALID_ARG);
}

#[test]
fn references_round_trip() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let dep_subject = unique("sr-dep");
        let dep = r#"{"type":"record","name":"Address","namespace":"kf.test","fields":[{"name":"city","type":"string"}]}"#;
        c.register(&dep_subject, &avro(dep)).unwrap();
        let top = avro(
            r#"{"type":"record","name":"Person","namespace":"kf.test","fields":[{"name":"home","type":"kf.test.Address"}]}"#,
        );
        ok(kf_schema_add_reference(
            top.0,
            cs("kf.test.Address").as_ptr(),
            cs(&dep_subject).as_ptr(),
            1,
        ));
        let subject = unique("sr-top");
        c.register(&subject, &top).unwrap();
        let latest = c.latest(&subject).unwrap();
        let s = kf_registered_schema_schema(latest.rs);
        assert_eq!(kf_schema_reference_count(s), 1, "{name}");
        assert_eq!(
            text(kf_schema_reference_name(s, 0)),
            "kf.test.Address",
            "{name}"
        );
        assert_eq!(
            text(kf_schema_reference_subject(s, 0)),
            dep_subject,
            "{name}"
        );
        assert_eq!(kf_schema_reference_version(s, 0), 1, "{name}");
    }
}

#[test]
fn one_client_many_threads() {
    for (name, url) in registries() {
        let c = Arc::new(Client::url(&url));
        let subject = unique("sr-threads");
        let ids: Vec<i32> = (0..4)
            .map(|_| {
                let c = c.clone();
                let subject = subject.clone();
                std::thread::spawn(move || {
                    let mut id = 0;
                    for _ in 0..10 {
                        id = c.register(&subject, &avro(V1)).unwrap();
                    }
                    id
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "{name}: {ids:?}");
        assert_eq!(c.versions(&subject).unwrap(), vec![1], "{name}");
        assert!(c.requests() <= 4 + 1, "{name}: {}", c.requests());
    }
}

/// Certificates for the TLS test: a CA, a server certificate for 127.0.0.1 and a client
/// certificate, made with the openssl command-line tool.
fn make_certs(dir: &std::path::Path) {
    let sh = |args: &str| {
        let st = std::process::Command::new("sh")
            .arg("-c")
            .arg(args)
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "{args}");
    };
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=kf-test-ca");
    sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key");
    sh("openssl req -new -key server.key -out server.csr -subj /CN=127.0.0.1");
    sh("printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext");
    sh("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out client.key");
    sh("openssl req -new -key client.key -out client.csr -subj /CN=kf-client");
    sh("openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2");
    std::fs::write(dir.join("subjects"), r#"["tls-subject"]"#).unwrap();
}

/// `openssl s_server -WWW` serving the files of `dir` (GET /subjects answers its "subjects"
/// file); with `verify_client`, it requires a client certificate signed by the CA.
struct TlsServer(std::process::Child, String);
impl TlsServer {
    fn start(dir: &std::path::Path, verify_client: bool) -> TlsServer {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = std::process::Command::new("openssl");
        cmd.args(["s_server", "-WWW", "-quiet", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-cert", "server.pem", "-key", "server.key"])
            .current_dir(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if verify_client {
            cmd.args(["-Verify", "1", "-CAfile", "ca.pem"]);
        }
        let child = cmd.spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "openssl s_server did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        TlsServer(child, format!("https://127.0.0.1:{port}"))
    }
}
impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn tls_ca_and_client_certificate() {
    let dir = std::env::temp_dir().join(unique("kf-sr-tls"));
    std::fs::create_dir_all(&dir).unwrap();
    make_certs(&dir);
    let d = dir.display();
    let want = vec!["tls-subject".to_string()];

    let server = TlsServer::start(&dir, false);
    let url = &server.1;
    let trusted = Client::new(&format!(
        r#"{{"url": "{url}", "ssl.ca.location": "{d}/ca.pem", "timeout": 5}}"#
    ))
    .unwrap();
    assert_eq!(trusted.subjects().unwrap(), want);
    // Without the CA the server's certificate is not trusted: no answer, HTTP status 0.
    let untrusted = Client::new(&format!(r#"{{"url": "{url}", "timeout": 5}}"#)).unwrap();
    let e = untrusted.subjects().unwrap_err();
    assert_eq!((e.code, e.status), (KF_ERR_SCHEMA_REGISTRY, 0), "{e:?}");
    drop(server);

    let server = TlsServer::start(&dir, true);
    let url = &server.1;
    let with_cert = Client::new(&format!(
        r#"{{"url": "{url}", "ssl.ca.location": "{d}/ca.pem", "ssl.certificate.location": "{d}/client.pem", "ssl.key.location": "{d}/client.key", "timeout": 5}}"#
    ))
    .unwrap();
    assert_eq!(with_cert.subjects().unwrap(), want);
    let without = Client::new(&format!(
        r#"{{"url": "{url}", "ssl.ca.location": "{d}/ca.pem", "timeout": 5}}"#
    ))
    .unwrap();
    let e = without.subjects().unwrap_err();
    assert_eq!((e.code, e.status), (KF_ERR_SCHEMA_REGISTRY, 0), "{e:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn normalize_registers_equivalent_schemas_once() {
    for (name, url) in registries() {
        let c = Client::url(&url);
        let subject = unique("sr-norm");
        let mut ids = vec![];
        for text in [r#"{ "type" : "string" }"#, r#"{"type":"string"}"#] {
            let mut id = -1;
            ok(kf_schema_registry_register_schema(
                c.0,
                cs(&subject).as_ptr(),
                avro(text).0,
                true,
                &mut id,
            ));
            ids.push(id);
        }
        assert_eq!(ids[0], ids[1], "{name}");
        assert_eq!(c.versions(&subject).unwrap(), vec![1], "{name}");
        // A lookup with normalize finds the spaced text under the normalized version.
        let mut r = null_mut();
        ok(kf_schema_registry_lookup_schema(
            c.0,
            cs(&subject).as_ptr(),
            avro(r#"{ "type" : "string" }"#).0,
            true,
            &mut r,
        ));
        assert_eq!(kf_registered_schema_id(r), ids[0], "{name}");
        kf_registered_schema_destroy(r);
    }
}

#[test]
fn json_and_protobuf_schema_types_round_trip() {
    let json_schema =
        r#"{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"#;
    let proto = "syntax = \"proto3\";\npackage kf.test;\n\nmessage User {\n  string name = 1;\n}\n";
    for (name, url) in registries() {
        let c = Client::url(&url);
        for (text, ty) in [
            (json_schema, KF_SCHEMA_TYPE_JSON),
            (proto, KF_SCHEMA_TYPE_PROTOBUF),
        ] {
            let subject = unique("sr-types");
            let mut e = null_mut();
            let s = Sch(kf_schema_new(cs(text).as_ptr(), ty, &mut e));
            ok(e);
            let id = c.register(&subject, &s).unwrap();
            let mut got = null_mut();
            ok(kf_schema_registry_get_schema(c.0, id, &mut got));
            assert_eq!(kf_schema_type(got), ty, "{name}");
            kf_schema_destroy(got);
            let latest = c.latest(&subject).unwrap();
            let ls = kf_registered_schema_schema(latest.rs);
            assert_eq!(kf_schema_type(ls), ty, "{name}");
            if ty == KF_SCHEMA_TYPE_JSON {
                assert!(same_json(&text_of(ls), json_schema), "{name}");
            } else {
                assert!(text_of(ls).contains("message User"), "{name}");
            }
        }
    }
}

fn text_of(s: *const kf_schema_t) -> String {
    text(kf_schema_str(s))
}
