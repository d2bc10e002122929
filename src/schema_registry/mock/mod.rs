//! The in-process registry behind `mock://` URLs: the Confluent REST API's semantics (ids shared
//! across subjects for identical schemas, versions, soft and permanent deletes with their error
//! codes, global and per-subject compatibility levels checked for real on Avro schemas),
//! answering the same requests as the HTTP transport with the same status codes and bodies.
//! One registry per URL, shared by every client of the process that names it.
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;
use serde_json::{json, Value};

mod compat_avro;
mod compat_json;
mod compat_protobuf;

use super::{KResult, Req, Schema, Transport, COMPATIBILITY_LEVELS};

#[derive(Clone)]
struct Version {
    version: i32,
    id: i32,
    deleted: bool,
}

#[derive(Default)]
struct State {
    schemas: Vec<Schema>, // id = index + 1
    subjects: BTreeMap<String, Vec<Version>>,
    global_level: Option<String>,
    subject_level: HashMap<String, String>,
}

pub(crate) struct MockTransport {
    state: Arc<Mutex<State>>,
}

fn registries() -> &'static Mutex<HashMap<String, Arc<Mutex<State>>>> {
    static R: OnceLock<Mutex<HashMap<String, Arc<Mutex<State>>>>> = OnceLock::new();
    R.get_or_init(Default::default)
}

impl MockTransport {
    pub(crate) fn for_url(url: &str) -> Self {
        let state = registries()
            .lock()
            .entry(url.to_string())
            .or_default()
            .clone();
        MockTransport { state }
    }
}

type Answer = (u16, Value);

fn err(status: u16, code: i32, msg: String) -> Answer {
    (status, json!({ "error_code": code, "message": msg }))
}
fn subject_not_found(s: &str) -> Answer {
    err(404, 40401, format!("Subject '{s}' not found."))
}

impl Transport for MockTransport {
    fn send(&self, req: &Req, requests: &AtomicU64) -> KResult<Answer> {
        requests.fetch_add(1, Ordering::Relaxed);
        let mut st = self.state.lock();
        let p: Vec<&str> = req.path.iter().map(String::as_str).collect();
        let q = |k: &str| req.query.iter().any(|(qk, v)| *qk == k && v == "true");
        let body = req.body.as_ref().unwrap_or(&Value::Null);
        Ok(match (req.method, p.as_slice()) {
            ("GET", ["subjects"]) => (200, json!(st.live_subjects())),
            ("POST", ["subjects", s, "versions"]) => st.register(s, body, q("normalize")),
            ("POST", ["subjects", s]) => st.lookup(s, body, q("normalize")),
            ("GET", ["subjects", s, "versions"]) => match st.live_versions(s) {
                Some(v) => (200, json!(v.iter().map(|v| v.version).collect::<Vec<_>>())),
                None => subject_not_found(s),
            },
            ("GET", ["subjects", s, "versions", v]) => match st.find_version(s, v) {
                Ok(v) => (200, st.registered_json(s, &v)),
                Err(a) => a,
            },
            ("GET", ["schemas", "ids", id]) => {
                match id
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| st.schemas.get(i.wrapping_sub(1)))
                {
                    Some(s) => (200, s.to_json()),
                    None => err(404, 40403, format!("Schema {id} not found")),
                }
            }
            ("DELETE", ["subjects", s]) => st.delete_subject(s, q("permanent")),
            ("DELETE", ["subjects", s, "versions", v]) => st.delete_version(s, v, q("permanent")),
            ("PUT", ["config"]) | ("PUT", ["config", _]) => {
                let level = body
                    .get("compatibility")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !COMPATIBILITY_LEVELS.contains(&level) {
                    err(422, 42203, format!("Invalid compatibility level {level}"))
                } else {
                    match p.get(1) {
                        Some(s) => st.subject_level.insert(s.to_string(), level.to_string()),
                        None => st.global_level.replace(level.to_string()),
                    };
                    (200, json!({ "compatibility": level }))
                }
            }
            ("GET", ["config"]) => (200, json!({ "compatibilityLevel": st.global() })),
            ("GET", ["config", s]) => match st.subject_level.get(*s) {
                Some(l) => (200, json!({ "compatibilityLevel": l })),
                None => err(
                    404,
                    40408,
                    format!("Subject '{s}' does not have subject-level compatibility configured"),
                ),
            },
            ("POST", ["compatibility", "subjects", s, "versions", v]) => {
                let schema = match parse_schema(body, false) {
                    Ok(x) => x,
                    Err(a) => return Ok(a),
                };
                match st.find_version(s, v) {
                    Ok(ver) => {
                        let old = st.schemas[ver.id as usize - 1].clone();
                        let level = st.level(s);
                        let ok = check(&level, &schema, std::slice::from_ref(&old)).is_ok();
                        (200, json!({ "is_compatible": ok }))
                    }
                    Err(a) => a,
                }
            }
            _ => err(
                404,
                404,
                format!("HTTP 404 Not Found: {} /{}", req.method, p.join("/")),
            ),
        })
    }
}

/// A schema from a request body, validated (Avro and JSON must parse), optionally normalized.
fn parse_schema(body: &Value, normalize: bool) -> Result<Schema, Answer> {
    let mut s = Schema::from_json(body).map_err(|e| {
        err(
            422,
            42201,
            format!("Invalid schema: {}", e.message.to_string_lossy()),
        )
    })?;
    if s.schema_type != super::SchemaType::Protobuf {
        let v: Value = serde_json::from_str(&s.schema_str)
            .map_err(|e| err(422, 42201, format!("Invalid schema: {e}")))?;
        if normalize {
            s.schema_str = v.to_string();
        }
    }
    Ok(s)
}

/// Checks `new` against `olds` (newest last, same type) under a compatibility level.
fn check(level: &str, new: &Schema, olds: &[Schema]) -> Result<(), String> {
    if level == "NONE" {
        return Ok(());
    }
    let olds: &[Schema] = if level.ends_with("_TRANSITIVE") {
        olds
    } else {
        &olds[olds.len().saturating_sub(1)..]
    };
    // `reader` can read what `writer` wrote, for the schema type at hand.
    let can_read = |reader: &Schema, writer: &Schema| -> Result<(), String> {
        match new.schema_type {
            super::SchemaType::Avro => {
                let r: Value =
                    serde_json::from_str(&reader.schema_str).map_err(|e| e.to_string())?;
                let w: Value =
                    serde_json::from_str(&writer.schema_str).map_err(|e| e.to_string())?;
                compat_avro::can_read(&r, &w)
            }
            super::SchemaType::Json => compat_json::can_read(reader, writer),
            super::SchemaType::Protobuf => compat_protobuf::can_read(reader, writer),
        }
    };
    for old in olds.iter().filter(|o| o.schema_type == new.schema_type) {
        if level.starts_with("BACKWARD") || level.starts_with("FULL") {
            can_read(new, old)?;
        }
        if level.starts_with("FORWARD") || level.starts_with("FULL") {
            can_read(old, new)?;
        }
    }
    Ok(())
}

impl State {
    fn global(&self) -> String {
        self.global_level
            .clone()
            .unwrap_or_else(|| "BACKWARD".into())
    }
    fn level(&self, subject: &str) -> String {
        self.subject_level
            .get(subject)
            .cloned()
            .unwrap_or_else(|| self.global())
    }
    fn live_subjects(&self) -> Vec<&String> {
        self.subjects
            .iter()
            .filter(|(_, v)| v.iter().any(|x| !x.deleted))
            .map(|(k, _)| k)
            .collect()
    }
    fn live_versions(&self, s: &str) -> Option<Vec<Version>> {
        let v: Vec<Version> = self
            .subjects
            .get(s)?
            .iter()
            .filter(|x| !x.deleted)
            .cloned()
            .collect();
        (!v.is_empty()).then_some(v)
    }
    fn find_version(&self, s: &str, v: &str) -> Result<Version, Answer> {
        let live = self.live_versions(s).ok_or_else(|| subject_not_found(s))?;
        let found = match v {
            "latest" | "-1" => live.last().cloned(),
            _ => match v.parse::<i32>() {
                Ok(n) if n > 0 => live.iter().find(|x| x.version == n).cloned(),
                _ => {
                    return Err(err(
                        422,
                        42202,
                        format!("The specified version '{v}' is not a valid version id."),
                    ))
                }
            },
        };
        found.ok_or_else(|| err(404, 40402, format!("Version {v} not found.")))
    }
    fn registered_json(&self, subject: &str, v: &Version) -> Value {
        let mut o = self.schemas[v.id as usize - 1].to_json();
        o["subject"] = json!(subject);
        o["version"] = json!(v.version);
        o["id"] = json!(v.id);
        o
    }
    fn register(&mut self, subject: &str, body: &Value, normalize: bool) -> Answer {
        let schema = match parse_schema(body, normalize) {
            Ok(s) => s,
            Err(a) => return a,
        };
        let live = self.live_versions(subject).unwrap_or_default();
        if let Some(v) = live
            .iter()
            .find(|v| self.schemas[v.id as usize - 1] == schema)
        {
            return (200, json!({ "id": v.id }));
        }
        let olds: Vec<Schema> = live
            .iter()
            .map(|v| self.schemas[v.id as usize - 1].clone())
            .collect();
        if let Err(why) = check(&self.level(subject), &schema, &olds) {
            return err(
                409,
                409,
                format!(
                    "Schema being registered is incompatible with an earlier schema for subject \"{subject}\": {why}"
                ),
            );
        }
        let id = match self.schemas.iter().position(|s| *s == schema) {
            Some(i) => i as i32 + 1,
            None => {
                self.schemas.push(schema);
                self.schemas.len() as i32
            }
        };
        let versions = self.subjects.entry(subject.to_string()).or_default();
        let version = versions.iter().map(|v| v.version).max().unwrap_or(0) + 1;
        versions.push(Version {
            version,
            id,
            deleted: false,
        });
        (200, json!({ "id": id }))
    }
    fn lookup(&self, subject: &str, body: &Value, normalize: bool) -> Answer {
        let schema = match parse_schema(body, normalize) {
            Ok(s) => s,
            Err(a) => return a,
        };
        let Some(live) = self.live_versions(subject) else {
            return subject_not_found(subject);
        };
        match live
            .iter()
            .find(|v| self.schemas[v.id as usize - 1] == schema)
        {
            Some(v) => (200, self.registered_json(subject, v)),
            None => err(404, 40403, "Schema not found".into()),
        }
    }
    fn delete_subject(&mut self, s: &str, permanent: bool) -> Answer {
        let Some(versions) = self.subjects.get_mut(s) else {
            return subject_not_found(s);
        };
        let live = versions.iter().any(|v| !v.deleted);
        if permanent {
            if live {
                return err(
                    404,
                    40405,
                    format!("Subject '{s}' was not deleted first before being permanently deleted"),
                );
            }
            let all: Vec<i32> = versions.iter().map(|v| v.version).collect();
            self.subjects.remove(s);
            self.subject_level.remove(s);
            return (200, json!(all));
        }
        if !live {
            return err(
                404,
                40404,
                format!("Subject '{s}' was soft deleted.Set permanent=true to delete permanently"),
            );
        }
        let mut deleted = Vec::new();
        for v in versions.iter_mut().filter(|v| !v.deleted) {
            v.deleted = true;
            deleted.push(v.version);
        }
        (200, json!(deleted))
    }
    fn delete_version(&mut self, s: &str, v: &str, permanent: bool) -> Answer {
        let Some(versions) = self.subjects.get_mut(s) else {
            return subject_not_found(s);
        };
        let n = match v {
            "latest" | "-1" => versions
                .iter()
                .filter(|x| !x.deleted)
                .map(|x| x.version)
                .max(),
            _ => v.parse::<i32>().ok().filter(|n| *n > 0),
        };
        let Some(pos) = n.and_then(|n| versions.iter().position(|x| x.version == n)) else {
            return err(404, 40402, format!("Version {v} not found."));
        };
        let n = versions[pos].version;
        match (permanent, versions[pos].deleted) {
            (false, true) => err(
                404,
                40406,
                format!("Subject '{s}' Version {n} was soft deleted.Set permanent=true to delete permanently"),
            ),
            (true, false) => err(
                404,
                40407,
                format!("Subject '{s}' Version {n} was not deleted first before being permanently deleted"),
            ),
            (false, false) => {
                versions[pos].deleted = true;
                (200, json!(n))
            }
            (true, true) => {
                versions.remove(pos);
                if versions.is_empty() {
                    self.subjects.remove(s);
                }
                (200, json!(n))
            }
        }
    }
}
