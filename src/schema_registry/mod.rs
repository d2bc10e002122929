//! A blocking Confluent Schema Registry client (the REST API of Confluent's registry, which
//! Apicurio's /apis/ccompat/v7 also speaks), with response caches so that steady-state
//! serialization sends no request, and `mock://` URLs served by an in-process registry with the
//! same semantics (shared per URL within the process, as in the Python client).
//!
//! Every operation is one REST request (`Req`) handed to a transport: HTTP (`rest`) or the mock
//! (`mock`), which answers the same requests with the same status codes and error bodies.
mod mock;
mod rest;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::{json, Value};

use crate::error::{KResult, KafkaError, ERR_SCHEMA_REGISTRY};

/// The schema language of a Schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemaType {
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
            SchemaType::Protobuf => "PROTOBUF",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "AVRO" => Some(SchemaType::Avro),
            "JSON" => Some(SchemaType::Json),
            "PROTOBUF" => Some(SchemaType::Protobuf),
            _ => None,
        }
    }
}

/// A reference from one schema to another registered one (name as imported by the schema).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaReference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// A schema: its text, its type and its references.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Schema {
    pub schema_str: String,
    pub schema_type: SchemaType,
    pub references: Vec<SchemaReference>,
}

impl Schema {
    pub fn new(schema_str: impl Into<String>, schema_type: SchemaType) -> Self {
        Schema {
            schema_str: schema_str.into(),
            schema_type,
            references: Vec::new(),
        }
    }

    /// The request body the registry expects for this schema.
    fn to_json(&self) -> Value {
        let mut o = json!({ "schema": self.schema_str });
        if self.schema_type != SchemaType::Avro {
            o["schemaType"] = json!(self.schema_type.as_str());
        }
        if !self.references.is_empty() {
            o["references"] = Value::Array(
                self.references
                    .iter()
                    .map(|r| json!({"name": r.name, "subject": r.subject, "version": r.version}))
                    .collect(),
            );
        }
        o
    }

    fn from_json(v: &Value) -> KResult<Self> {
        let schema_str = v
            .get("schema")
            .and_then(Value::as_str)
            .ok_or_else(|| unexpected("a schema without \"schema\"", v))?;
        let schema_type = match v.get("schemaType").and_then(Value::as_str) {
            None => SchemaType::Avro,
            Some(t) => {
                SchemaType::parse(t).ok_or_else(|| unexpected("an unknown schemaType", v))?
            }
        };
        let mut references = Vec::new();
        if let Some(Value::Array(refs)) = v.get("references") {
            for r in refs {
                references.push(SchemaReference {
                    name: str_field(r, "name")?,
                    subject: str_field(r, "subject")?,
                    version: int_field(r, "version")?,
                });
            }
        }
        Ok(Schema {
            schema_str: schema_str.to_string(),
            schema_type,
            references,
        })
    }
}

/// A schema as registered under a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredSchema {
    pub id: i32,
    pub schema: Schema,
    pub subject: String,
    pub version: i32,
}

impl RegisteredSchema {
    fn from_json(v: &Value) -> KResult<Self> {
        Ok(RegisteredSchema {
            id: int_field(v, "id")?,
            schema: Schema::from_json(v)?,
            subject: str_field(v, "subject")?,
            version: int_field(v, "version")?,
        })
    }
}

/// Compatibility levels, as the registry names them.
pub const COMPATIBILITY_LEVELS: [&str; 7] = [
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
];

fn str_field(v: &Value, k: &str) -> KResult<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| unexpected(&format!("no string \"{k}\""), v))
}

fn int_field(v: &Value, k: &str) -> KResult<i32> {
    v.get(k)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| unexpected(&format!("no integer \"{k}\""), v))
}

fn unexpected(what: &str, v: &Value) -> KafkaError {
    let mut s = v.to_string();
    clip(&mut s, 200);
    registry_error(
        0,
        0,
        format!("unexpected Schema Registry response ({what}): {s}"),
    )
}

/// A Schema Registry error: HTTP status (0 = no response) and the registry's error_code.
pub(crate) fn registry_error(status: i32, error_code: i32, message: String) -> KafkaError {
    let mut e = KafkaError::new(ERR_SCHEMA_REGISTRY, message);
    e.schema_registry = Some((status, error_code));
    e
}

/// One REST request: method, path segments (unencoded), query, JSON body.
pub(crate) struct Req {
    pub method: &'static str,
    pub path: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Req {
    fn new(method: &'static str, path: &[&str]) -> Self {
        Req {
            method,
            path: path.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            body: None,
        }
    }
    fn query(mut self, k: &'static str, v: impl ToString) -> Self {
        self.query.push((k, v.to_string()));
        self
    }
    fn body(mut self, b: Value) -> Self {
        self.body = Some(b);
        self
    }
}

/// Where requests go. Ok((status, body)) for any HTTP answer; Err only when none came.
pub(crate) trait Transport: Send + Sync {
    fn send(&self, req: &Req, requests: &AtomicU64) -> KResult<(u16, Value)>;
}

/// The client's configuration (the Python client's keys; see `from_json`).
#[derive(Clone, Debug)]
pub struct RegistryConfig {
    pub urls: Vec<String>,
    pub basic_auth: Option<(String, String)>,
    pub bearer_token: Option<String>,
    pub bearer_logical_cluster: Option<String>,
    pub bearer_identity_pool_id: Option<String>,
    pub ca_location: Option<String>,
    pub certificate_location: Option<String>,
    pub key_location: Option<String>,
    pub timeout: Duration,
    pub cache_capacity: usize,
    pub cache_ttl: Option<Duration>,
}

impl RegistryConfig {
    /// From a JSON object of the Python client's keys: "url" (required; several separated by
    /// commas, tried in turn on connection errors), "basic.auth.user.info" ("user:password"),
    /// "basic.auth.credentials.source" (USER_INFO, URL, SASL_INHERIT is refused),
    /// "bearer.auth.credentials.source" (STATIC_TOKEN), "bearer.auth.token",
    /// "bearer.auth.logical.cluster", "bearer.auth.identity.pool.id", "ssl.ca.location",
    /// "ssl.certificate.location", "ssl.key.location" (PEM, unencrypted PKCS#8 key),
    /// "timeout" (seconds, default 30), "cache.capacity" (default 1000), "cache.latest.ttl.sec"
    /// (entries expire after it; also enables caching get_latest_version). Values may be
    /// strings or numbers. Unknown keys are errors.
    pub fn from_json(text: &str) -> KResult<Self> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            KafkaError::invalid_arg(format!("Schema Registry config: not JSON: {e}"))
        })?;
        let obj = v
            .as_object()
            .ok_or_else(|| KafkaError::invalid_arg("Schema Registry config: not a JSON object"))?;
        let mut c = RegistryConfig {
            urls: Vec::new(),
            basic_auth: None,
            bearer_token: None,
            bearer_logical_cluster: None,
            bearer_identity_pool_id: None,
            ca_location: None,
            certificate_location: None,
            key_location: None,
            timeout: Duration::from_secs(30),
            cache_capacity: 1000,
            cache_ttl: None,
        };
        let mut user_info = None;
        let mut source = "USER_INFO".to_string();
        let mut bearer_source = None;
        let bad = |k: &str, why: &str| {
            KafkaError::invalid_arg(format!("Schema Registry config: \"{k}\": {why}"))
        };
        for (k, val) in obj {
            let s = match val {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(bad(k, "must be a string or a number")),
            };
            let secs = |s: &str| -> KResult<Duration> {
                s.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x > 0.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| bad(k, "must be a positive number of seconds"))
            };
            match k.as_str() {
                "url" => {
                    c.urls = s
                        .split(',')
                        .map(|u| u.trim().trim_end_matches('/').to_string())
                        .filter(|u| !u.is_empty())
                        .collect()
                }
                "basic.auth.user.info" => user_info = Some(s),
                "basic.auth.credentials.source" => source = s.to_ascii_uppercase(),
                "bearer.auth.credentials.source" => bearer_source = Some(s.to_ascii_uppercase()),
                "bearer.auth.token" => c.bearer_token = Some(s),
                "bearer.auth.logical.cluster" => c.bearer_logical_cluster = Some(s),
                "bearer.auth.identity.pool.id" => c.bearer_identity_pool_id = Some(s),
                "ssl.ca.location" => c.ca_location = Some(s),
                "ssl.certificate.location" => c.certificate_location = Some(s),
                "ssl.key.location" => c.key_location = Some(s),
                "timeout" => c.timeout = secs(&s)?,
                "cache.capacity" => {
                    c.cache_capacity = s
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| bad(k, "must be a positive integer"))?
                }
                "cache.latest.ttl.sec" => c.cache_ttl = Some(secs(&s)?),
                _ => return Err(bad(k, "unknown configuration key")),
            }
        }
        if c.urls.is_empty() {
            return Err(bad("url", "is required"));
        }
        let mock = c.urls[0].starts_with("mock://");
        if c.urls.iter().any(|u| u.starts_with("mock://") != mock) {
            return Err(bad("url", "cannot mix mock:// and http(s) URLs"));
        }
        if !mock {
            for u in &c.urls {
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    return Err(bad(
                        "url",
                        &format!(
                            "{} is not an http://, https:// or mock:// URL",
                            without_user_info(u)
                        ),
                    ));
                }
            }
        }
        match source.as_str() {
            "USER_INFO" => {
                if let Some(ui) = user_info {
                    let (u, p) = ui
                        .split_once(':')
                        .ok_or_else(|| bad("basic.auth.user.info", "must be user:password"))?;
                    c.basic_auth = Some((u.to_string(), p.to_string()));
                }
            }
            "URL" => {
                if user_info.is_some() {
                    return Err(bad(
                        "basic.auth.user.info",
                        "set, but basic.auth.credentials.source is URL",
                    ));
                }
            }
            _ => {
                return Err(bad(
                    "basic.auth.credentials.source",
                    "must be USER_INFO or URL",
                ))
            }
        }
        // User info in a URL (http://user:pass@host) is taken out of the URL into basic auth.
        for u in c.urls.iter_mut() {
            if let Some((scheme, rest)) = u.split_once("://") {
                let host_end = rest.find('/').unwrap_or(rest.len());
                if let Some(at) = rest[..host_end].rfind('@') {
                    let info = &rest[..at];
                    let (user, pass) = info.split_once(':').unwrap_or((info, ""));
                    let cred = (percent_decode(user), percent_decode(pass));
                    if c.basic_auth.is_none() {
                        c.basic_auth = Some(cred);
                    }
                    *u = format!("{scheme}://{}", &rest[at + 1..]);
                }
            }
        }
        match bearer_source.as_deref() {
            None if c.bearer_token.is_none() => {}
            None | Some("STATIC_TOKEN") => {
                if c.bearer_token.is_none() {
                    return Err(bad("bearer.auth.token", "is required for STATIC_TOKEN"));
                }
                if c.basic_auth.is_some() {
                    return Err(bad(
                        "bearer.auth.token",
                        "basic auth and bearer auth cannot both be set",
                    ));
                }
            }
            Some(_) => {
                return Err(bad(
                    "bearer.auth.credentials.source",
                    "only STATIC_TOKEN is supported",
                ))
            }
        }
        if c.certificate_location.is_some() != c.key_location.is_some() {
            return Err(bad(
                "ssl.certificate.location",
                "ssl.certificate.location and ssl.key.location go together",
            ));
        }
        Ok(c)
    }
}

/// `url` with any user info (user:password@) replaced by "***@", for error messages.
fn without_user_info(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) if scheme.is_empty() => format!("***@{}", &rest[at + 1..]),
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Decodes %XX escapes as Python's urllib.parse.unquote does (the Python client's reading of
/// user info in a URL): a '%' not followed by two hex digits stays as it is, and bytes that do
/// not form UTF-8 become U+FFFD. Works on bytes: the text after a '%' may be any character.
fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Cuts `s` to at most `max` bytes, backing off to a character boundary (String::truncate
/// panics inside a multi-byte character, and registry answers are any UTF-8).
pub(crate) fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut n = max;
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s.truncate(n);
    }
}

/// A small cache with a capacity (the oldest entry goes first) and an optional TTL.
struct Cache<K, V> {
    map: Mutex<HashMap<K, (V, Instant)>>,
    capacity: usize,
    ttl: Option<Duration>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    fn new(capacity: usize, ttl: Option<Duration>) -> Self {
        Cache {
            map: Mutex::new(HashMap::new()),
            capacity,
            ttl,
        }
    }
    fn get(&self, k: &K) -> Option<V> {
        let mut m = self.map.lock();
        match m.get(k) {
            Some((v, t)) if self.ttl.map_or(true, |ttl| t.elapsed() < ttl) => Some(v.clone()),
            Some(_) => {
                m.remove(k);
                None
            }
            None => None,
        }
    }
    fn put(&self, k: K, v: V) {
        let mut m = self.map.lock();
        if m.len() >= self.capacity && !m.contains_key(&k) {
            if let Some(ttl) = self.ttl {
                m.retain(|_, (_, t)| t.elapsed() < ttl);
            }
            if m.len() >= self.capacity {
                if let Some(oldest) = m
                    .iter()
                    .min_by_key(|(_, (_, t))| *t)
                    .map(|(k, _)| k.clone())
                {
                    m.remove(&oldest);
                }
            }
        }
        m.insert(k, (v, Instant::now()));
    }
    fn retain(&self, f: impl Fn(&K) -> bool) {
        self.map.lock().retain(|k, _| f(k));
    }
}

/// The Schema Registry client. Thread-safe: every method may be called from any thread.
pub struct SchemaRegistryClient {
    config: RegistryConfig,
    transport: Box<dyn Transport>,
    requests: AtomicU64,
    ids: Cache<i32, Schema>,
    registered: Cache<(String, Schema, bool), i32>,
    lookups: Cache<(String, Schema, bool), RegisteredSchema>,
    versions: Cache<(String, i32), RegisteredSchema>,
    latest: Cache<String, RegisteredSchema>,
}

impl SchemaRegistryClient {
    pub fn new(config: RegistryConfig) -> KResult<Self> {
        let transport: Box<dyn Transport> = if config.urls[0].starts_with("mock://") {
            Box::new(mock::MockTransport::for_url(&config.urls[0]))
        } else {
            Box::new(rest::RestTransport::new(&config)?)
        };
        let (cap, ttl) = (config.cache_capacity, config.cache_ttl);
        Ok(SchemaRegistryClient {
            transport,
            requests: AtomicU64::new(0),
            ids: Cache::new(cap, ttl),
            registered: Cache::new(cap, ttl),
            lookups: Cache::new(cap, ttl),
            versions: Cache::new(cap, ttl),
            latest: Cache::new(cap, ttl),
            config,
        })
    }

    pub fn from_json(config_json: &str) -> KResult<Self> {
        Self::new(RegistryConfig::from_json(config_json)?)
    }

    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    /// Requests sent so far (HTTP requests, including failover attempts; for mock:// URLs,
    /// requests answered by the in-process registry). Cached answers send none.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends a request; a non-2xx answer becomes a Schema Registry error.
    fn call(&self, req: Req) -> KResult<Value> {
        let (status, body) = self.transport.send(&req, &self.requests)?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let code = body.get("error_code").and_then(Value::as_i64).unwrap_or(0) as i32;
        let msg = match body.get("message").and_then(Value::as_str) {
            Some(m) => m.to_string(),
            None => {
                let mut s = body.to_string();
                clip(&mut s, 200);
                s
            }
        };
        Err(registry_error(
            status as i32,
            code,
            format!("Schema Registry error (HTTP {status}, error_code {code}): {msg}"),
        ))
    }

    /// Registers `schema` under `subject` (a new version unless the same schema is already
    /// there) and returns its id. Cached: registering the same schema again sends no request.
    pub fn register_schema(&self, subject: &str, schema: &Schema, normalize: bool) -> KResult<i32> {
        let key = (subject.to_string(), schema.clone(), normalize);
        if let Some(id) = self.registered.get(&key) {
            return Ok(id);
        }
        let v = self.call(
            Req::new("POST", &["subjects", subject, "versions"])
                .query("normalize", normalize)
                .body(schema.to_json()),
        )?;
        let id = int_field(&v, "id")?;
        self.registered.put(key, id);
        self.latest.retain(|s| s != subject);
        Ok(id)
    }

    /// The schema with this id. Cached.
    pub fn get_schema(&self, id: i32) -> KResult<Schema> {
        if let Some(s) = self.ids.get(&id) {
            return Ok(s);
        }
        let v = self.call(Req::new("GET", &["schemas", "ids", &id.to_string()]))?;
        let s = Schema::from_json(&v)?;
        self.ids.put(id, s.clone());
        Ok(s)
    }

    /// The subject's latest version. Cached only when cache.latest.ttl.sec is set.
    pub fn get_latest_version(&self, subject: &str) -> KResult<RegisteredSchema> {
        if self.config.cache_ttl.is_some() {
            if let Some(r) = self.latest.get(&subject.to_string()) {
                return Ok(r);
            }
        }
        let v = self.call(Req::new(
            "GET",
            &["subjects", subject, "versions", "latest"],
        ))?;
        let r = RegisteredSchema::from_json(&v)?;
        if self.config.cache_ttl.is_some() {
            self.latest.put(subject.to_string(), r.clone());
        }
        Ok(r)
    }

    /// One version of a subject. Cached.
    pub fn get_version(&self, subject: &str, version: i32) -> KResult<RegisteredSchema> {
        let key = (subject.to_string(), version);
        if let Some(r) = self.versions.get(&key) {
            return Ok(r);
        }
        let v = self.call(Req::new(
            "GET",
            &["subjects", subject, "versions", &version.to_string()],
        ))?;
        let r = RegisteredSchema::from_json(&v)?;
        self.versions.put(key, r.clone());
        self.ids.put(r.id, r.schema.clone());
        Ok(r)
    }

    /// The subject's versions (not soft-deleted), ascending.
    pub fn get_versions(&self, subject: &str) -> KResult<Vec<i32>> {
        let v = self.call(Req::new("GET", &["subjects", subject, "versions"]))?;
        int_array(&v)
    }

    /// All subjects (not soft-deleted).
    pub fn get_subjects(&self) -> KResult<Vec<String>> {
        let v = self.call(Req::new("GET", &["subjects"]))?;
        v.as_array()
            .and_then(|a| a.iter().map(|s| s.as_str().map(String::from)).collect())
            .ok_or_else(|| unexpected("not an array of strings", &v))
    }

    /// The version of `subject` that holds `schema`. Cached.
    pub fn lookup_schema(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> KResult<RegisteredSchema> {
        let key = (subject.to_string(), schema.clone(), normalize);
        if let Some(r) = self.lookups.get(&key) {
            return Ok(r);
        }
        let v = self.call(
            Req::new("POST", &["subjects", subject])
                .query("normalize", normalize)
                .body(schema.to_json()),
        )?;
        let r = RegisteredSchema::from_json(&v)?;
        self.lookups.put(key, r.clone());
        self.ids.put(r.id, r.schema.clone());
        Ok(r)
    }

    fn forget_subject(&self, subject: &str) {
        self.registered.retain(|k| k.0 != subject);
        self.lookups.retain(|k| k.0 != subject);
        self.versions.retain(|k| k.0 != subject);
        self.latest.retain(|k| k != subject);
    }

    /// Deletes a subject (soft, or permanent after a soft delete); returns the deleted versions.
    pub fn delete_subject(&self, subject: &str, permanent: bool) -> KResult<Vec<i32>> {
        let v = self.call(Req::new("DELETE", &["subjects", subject]).query("permanent", permanent));
        self.forget_subject(subject);
        int_array(&v?)
    }

    /// Deletes one version (soft, or permanent after a soft delete); returns its number.
    pub fn delete_version(&self, subject: &str, version: i32, permanent: bool) -> KResult<i32> {
        let v = self.call(
            Req::new(
                "DELETE",
                &["subjects", subject, "versions", &version.to_string()],
            )
            .query("permanent", permanent),
        );
        self.forget_subject(subject);
        let v = v?;
        v.as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| unexpected("not a version number", &v))
    }

    /// Sets the compatibility level, of a subject or (subject None) the global one.
    pub fn set_compatibility(&self, subject: Option<&str>, level: &str) -> KResult<String> {
        let level = check_level(level)?;
        let path: Vec<&str> = match subject {
            Some(s) => vec!["config", s],
            None => vec!["config"],
        };
        let v = self.call(Req::new("PUT", &path).body(json!({ "compatibility": level })))?;
        Ok(v.get("compatibility")
            .and_then(Value::as_str)
            .unwrap_or(level)
            .to_string())
    }

    /// The compatibility level of a subject (an error when the subject has none of its own:
    /// 40408 on Confluent's registry) or (subject None) the global one.
    pub fn get_compatibility(&self, subject: Option<&str>) -> KResult<String> {
        let path: Vec<&str> = match subject {
            Some(s) => vec!["config", s],
            None => vec!["config"],
        };
        let v = self.call(Req::new("GET", &path))?;
        v.get("compatibilityLevel")
            .or_else(|| v.get("compatibility"))
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| unexpected("no compatibilityLevel", &v))
    }

    /// Whether `schema` is compatible with a version of `subject` (None: the latest) under the
    /// subject's compatibility level.
    pub fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
        version: Option<i32>,
    ) -> KResult<bool> {
        let ver = version.map_or("latest".to_string(), |v| v.to_string());
        let v = self.call(
            Req::new(
                "POST",
                &["compatibility", "subjects", subject, "versions", &ver],
            )
            .body(schema.to_json()),
        )?;
        v.get("is_compatible")
            .and_then(Value::as_bool)
            .ok_or_else(|| unexpected("no is_compatible", &v))
    }
}

fn check_level(level: &str) -> KResult<&'static str> {
    let up = level.to_ascii_uppercase();
    COMPATIBILITY_LEVELS
        .iter()
        .find(|l| **l == up)
        .copied()
        .ok_or_else(|| {
            KafkaError::invalid_arg(format!(
                "invalid compatibility level \"{level}\" (one of {})",
                COMPATIBILITY_LEVELS.join(", ")
            ))
        })
}

fn int_array(v: &Value) -> KResult<Vec<i32>> {
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|x| x.as_i64().and_then(|n| i32::try_from(n).ok()))
                .collect()
        })
        .ok_or_else(|| unexpected("not an array of integers", v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decode_is_bytewise_and_lenient() {
        assert_eq!(percent_decode("pa%3Ass"), "pa:ss");
        assert_eq!(percent_decode("%c3%A9"), "é");
        // A non-ASCII character right after '%' used to slice inside it and panic.
        assert_eq!(percent_decode("p%aé"), "p%aé");
        assert_eq!(percent_decode("%é"), "%é");
        assert_eq!(percent_decode("%éé"), "%éé");
        // Only two hex digits make an escape (from_str_radix took "+1" as 1).
        assert_eq!(percent_decode("%+1x"), "%+1x");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn url_user_info_with_non_ascii_after_percent() {
        let c = RegistryConfig::from_json(r#"{"url": "http://u:p%aé@h/x"}"#).unwrap();
        assert_eq!(c.urls, ["http://h/x"]);
        assert_eq!(c.basic_auth, Some(("u".into(), "p%aé".into())));
    }

    #[test]
    fn clip_backs_off_to_a_char_boundary() {
        let mut s = format!("{}é", "x".repeat(199));
        clip(&mut s, 200);
        assert_eq!(s, "x".repeat(199));
        let mut s = "abc".to_string();
        clip(&mut s, 200);
        assert_eq!(s, "abc");
        let mut s = "éé".to_string();
        clip(&mut s, 2);
        assert_eq!(s, "é");
    }
}
