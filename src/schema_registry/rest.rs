//! HTTP transport: blocking requests (ureq) with a timeout, basic or bearer auth, TLS (CA,
//! client certificate and key) through native-tls, and failover across several URLs.
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;

use super::{clip, registry_error, RegistryConfig, Req, Transport};
use crate::error::{KResult, KafkaError};

pub(crate) struct RestTransport {
    agent: ureq::Agent,
    urls: Vec<String>,
    /// The URL that answered last; requests start there.
    current: AtomicUsize,
    headers: Vec<(&'static str, String)>,
}

const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

impl RestTransport {
    pub(crate) fn new(c: &RegistryConfig) -> KResult<Self> {
        let mut tls = native_tls::TlsConnector::builder();
        let read = |key: &str, path: &str| {
            std::fs::read(path).map_err(|e| {
                KafkaError::invalid_arg(format!("Schema Registry config: \"{key}\": {path}: {e}"))
            })
        };
        if let Some(ca) = &c.ca_location {
            let pem = read("ssl.ca.location", ca)?;
            let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
                KafkaError::invalid_arg(format!(
                    "Schema Registry config: \"ssl.ca.location\": {ca}: {e}"
                ))
            })?;
            tls.add_root_certificate(cert);
        }
        if let (Some(cert), Some(key)) = (&c.certificate_location, &c.key_location) {
            let cert_pem = read("ssl.certificate.location", cert)?;
            let key_pem = read("ssl.key.location", key)?;
            let id = native_tls::Identity::from_pkcs8(&cert_pem, &key_pem).map_err(|e| {
                KafkaError::invalid_arg(format!(
                    "Schema Registry config: \"ssl.certificate.location\"/\"ssl.key.location\": {e}"
                ))
            })?;
            tls.identity(id);
        }
        let tls = tls.build().map_err(|e| {
            KafkaError::invalid_arg(format!("Schema Registry config: TLS setup failed: {e}"))
        })?;
        let agent = ureq::AgentBuilder::new()
            .timeout(c.timeout)
            .tls_connector(Arc::new(tls))
            .build();
        let mut headers = vec![("Accept", format!("{CONTENT_TYPE}, application/json"))];
        if let Some((u, p)) = &c.basic_auth {
            headers.push((
                "Authorization",
                format!("Basic {}", STANDARD.encode(format!("{u}:{p}"))),
            ));
        }
        if let Some(t) = &c.bearer_token {
            headers.push(("Authorization", format!("Bearer {t}")));
            if let Some(l) = &c.bearer_logical_cluster {
                headers.push(("target-sr-cluster", l.clone()));
            }
            if let Some(p) = &c.bearer_identity_pool_id {
                headers.push(("Confluent-Identity-Pool-Id", p.clone()));
            }
        }
        Ok(RestTransport {
            agent,
            urls: c.urls.clone(),
            current: AtomicUsize::new(0),
            headers,
        })
    }

    fn url(&self, base: &str, req: &Req) -> String {
        let mut u = base.to_string();
        for seg in &req.path {
            u.push('/');
            u.push_str(&encode(seg));
        }
        for (i, (k, v)) in req.query.iter().enumerate() {
            u.push(if i == 0 { '?' } else { '&' });
            u.push_str(k);
            u.push('=');
            u.push_str(&encode(v));
        }
        u
    }
}

impl Transport for RestTransport {
    fn send(&self, req: &Req, requests: &AtomicU64) -> KResult<(u16, Value)> {
        let n = self.urls.len();
        let start = self.current.load(Ordering::Relaxed);
        let mut errors = Vec::new();
        for i in 0..n {
            let idx = (start + i) % n;
            let url = self.url(&self.urls[idx], req);
            let mut r = self.agent.request(req.method, &url);
            for (k, v) in &self.headers {
                r = r.set(k, v);
            }
            requests.fetch_add(1, Ordering::Relaxed);
            let res = match &req.body {
                Some(b) => r
                    .set("Content-Type", CONTENT_TYPE)
                    .send_string(&b.to_string()),
                None => r.call(),
            };
            let resp = match res {
                Ok(resp) => resp,
                Err(ureq::Error::Status(_, resp)) => resp,
                Err(ureq::Error::Transport(t)) => {
                    // No answer from this URL: try the next one.
                    errors.push(format!("{}: {t}", self.urls[idx]));
                    continue;
                }
            };
            self.current.store(idx, Ordering::Relaxed);
            let status = resp.status();
            let text = resp.into_string().map_err(|e| {
                registry_error(
                    status as i32,
                    0,
                    format!("reading the Schema Registry response: {e}"),
                )
            })?;
            let body = if text.trim().is_empty() {
                Value::Null
            } else {
                match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(_) => {
                        let mut t = text;
                        clip(&mut t, 200);
                        serde_json::json!({ "message": t })
                    }
                }
            };
            return Ok((status, body));
        }
        Err(registry_error(
            0,
            0,
            format!("Schema Registry unreachable: {}", errors.join("; ")),
        ))
    }
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
fn encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}
