//! What the Schema Registry serdes (Avro, JSON Schema, Protobuf) share: Python's common
//! configuration keys, the subject name strategies, the per-subject schema id cache of a
//! serializer, and the Confluent wire-format header (magic byte 0, then the schema id as 4 bytes
//! big-endian). Each format adds its own body after the header (Protobuf puts its message
//! indexes first).
use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value as Json};

use super::{Context, Field};
use crate::error::{KResult, KafkaError};
use crate::schema_registry::{Schema, SchemaRegistryClient};

// Private: cbindgen exports every `pub const` of the crate into the C header.
/// The Confluent wire format's magic byte.
const MAGIC_BYTE: u8 = 0;
/// Magic byte plus the 4-byte schema id.
const HEADER_LEN: usize = 5;

/// Python's subject.name.strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectNameStrategy {
    TopicName,
    TopicRecordName,
    RecordName,
}

impl SubjectNameStrategy {
    /// Accepts "topic_name", "TopicNameStrategy", "topic-name-strategy" and the like.
    pub fn parse(s: &str) -> Option<Self> {
        let k: String = s
            .chars()
            .filter(|c| *c != '_' && *c != '-' && *c != '.')
            .collect::<String>()
            .to_ascii_lowercase();
        let k = k.strip_suffix("strategy").unwrap_or(&k).to_string();
        match k.as_str() {
            "topicname" => Some(Self::TopicName),
            "topicrecordname" => Some(Self::TopicRecordName),
            "recordname" => Some(Self::RecordName),
            _ => None,
        }
    }

    /// The subject for `ctx`; `record_name` is the fully qualified name of the record (Avro
    /// record, JSON Schema title, Protobuf message) that the two record strategies need.
    pub fn subject(self, ctx: &Context, record_name: Option<&str>) -> Result<String, String> {
        let topic = ctx.topic.to_string_lossy();
        let rec = || {
            record_name.ok_or_else(|| {
                "the subject name strategy needs a named (record) schema".to_string()
            })
        };
        // Joined by hand: this runs for every record, and format! costs several times more.
        let join = |suffix: &str| {
            let mut s = String::with_capacity(topic.len() + 1 + suffix.len());
            s.push_str(&topic);
            s.push('-');
            s.push_str(suffix);
            s
        };
        Ok(match self {
            Self::TopicName => match ctx.field {
                Field::Key => join("key"),
                Field::Value => join("value"),
            },
            Self::TopicRecordName => join(rec()?),
            Self::RecordName => rec()?.to_string(),
        })
    }
}

/// Every schema `schema` references, directly or through other references, fetched from the
/// registry (the client caches them): (the name it is referenced by, its text), each subject
/// version once, dependencies before the schemas that use them.
pub fn referenced_schemas(
    client: &SchemaRegistryClient,
    schema: &Schema,
) -> KResult<Vec<(String, String)>> {
    fn walk(
        client: &SchemaRegistryClient,
        schema: &Schema,
        seen: &mut Vec<(String, i32)>,
        out: &mut Vec<(String, String)>,
    ) -> KResult<()> {
        for r in &schema.references {
            let key = (r.subject.clone(), r.version);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let rs = client.get_version(&r.subject, r.version)?;
            walk(client, &rs.schema, seen, out)?;
            out.push((r.name.clone(), rs.schema.schema_str));
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(client, schema, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// A serde's config_json: NULL, "" or a JSON object.
pub fn config_object(text: Option<&str>) -> KResult<Map<String, Json>> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Map::new());
    };
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(m)) => Ok(m),
        Ok(_) => Err(KafkaError::invalid_arg("config_json is not a JSON object")),
        Err(e) => Err(KafkaError::invalid_arg(format!(
            "config_json is not valid JSON: {e}"
        ))),
    }
}

/// A boolean configuration value: true/false, or the strings "true"/"false" as Python's
/// string-typed configs allow.
pub fn bool_key(k: &str, v: &Json) -> KResult<bool> {
    match v {
        Json::Bool(b) => Ok(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(KafkaError::invalid_arg(format!(
            "{k}: expected true or false, got {v}"
        ))),
    }
}

fn strategy_key(v: &Json) -> KResult<SubjectNameStrategy> {
    v.as_str()
        .and_then(SubjectNameStrategy::parse)
        .ok_or_else(|| {
            KafkaError::invalid_arg(format!(
                "subject.name.strategy: unknown strategy {v} (topic_name, topic_record_name or \
                 record_name)"
            ))
        })
}

/// The configuration keys every Schema Registry serializer shares (Python's names).
#[derive(Debug, Clone)]
pub struct SerializerConfig {
    pub auto_register_schemas: bool,
    pub use_latest_version: bool,
    pub normalize_schemas: bool,
    pub subject_name_strategy: SubjectNameStrategy,
}

impl Default for SerializerConfig {
    fn default() -> Self {
        SerializerConfig {
            auto_register_schemas: true,
            use_latest_version: false,
            normalize_schemas: false,
            subject_name_strategy: SubjectNameStrategy::TopicName,
        }
    }
}

impl SerializerConfig {
    /// Parses config_json. Keys other than the shared ones go to `extra`, which returns
    /// Ok(true) when the format knows the key; any other key is rejected naming `what`
    /// ("Avro serializer", ...).
    pub fn from_json(
        text: Option<&str>,
        what: &str,
        mut extra: impl FnMut(&str, &Json) -> KResult<bool>,
    ) -> KResult<Self> {
        let mut c = SerializerConfig::default();
        for (k, v) in config_object(text)? {
            match k.as_str() {
                "auto.register.schemas" => c.auto_register_schemas = bool_key(&k, &v)?,
                "use.latest.version" => c.use_latest_version = bool_key(&k, &v)?,
                "normalize.schemas" => c.normalize_schemas = bool_key(&k, &v)?,
                "subject.name.strategy" => c.subject_name_strategy = strategy_key(&v)?,
                _ if extra(&k, &v)? => {}
                _ => {
                    return Err(KafkaError::invalid_arg(format!(
                        "unknown {what} configuration key {k:?}"
                    )))
                }
            }
        }
        if c.use_latest_version && c.auto_register_schemas {
            return Err(KafkaError::invalid_arg(
                "use.latest.version can not be used with auto.register.schemas",
            ));
        }
        Ok(c)
    }
}

impl SerializerConfig {
    /// The serializer's own schema, made ready by `prepare`; none is allowed only with
    /// use.latest.version (the subject's latest schema is then used).
    pub fn own_schema<S, T>(
        &self,
        schema: Option<S>,
        prepare: impl FnOnce(S) -> KResult<T>,
    ) -> KResult<Option<T>> {
        match schema {
            Some(s) => prepare(s).map(Some),
            None if self.use_latest_version => Ok(None),
            None => Err(KafkaError::invalid_arg(
                "schema_str may be NULL only with use.latest.version=true",
            )),
        }
    }
}

/// The configuration keys of the Schema Registry deserializers (Python's names):
/// use.latest.version makes the subject's latest registered schema the reader schema, the
/// subject named by subject.name.strategy.
#[derive(Debug, Clone)]
pub struct DeserializerConfig {
    pub use_latest_version: bool,
    pub subject_name_strategy: SubjectNameStrategy,
}

impl DeserializerConfig {
    /// As [`SerializerConfig::from_json`].
    pub fn from_json(
        text: Option<&str>,
        what: &str,
        mut extra: impl FnMut(&str, &Json) -> KResult<bool>,
    ) -> KResult<Self> {
        let mut c = DeserializerConfig {
            use_latest_version: false,
            subject_name_strategy: SubjectNameStrategy::TopicName,
        };
        for (k, v) in config_object(text)? {
            match k.as_str() {
                "use.latest.version" => c.use_latest_version = bool_key(&k, &v)?,
                "subject.name.strategy" => c.subject_name_strategy = strategy_key(&v)?,
                _ if extra(&k, &v)? => {}
                _ => {
                    return Err(KafkaError::invalid_arg(format!(
                        "unknown {what} configuration key {k:?}"
                    )))
                }
            }
        }
        Ok(c)
    }
}

/// Writes the Confluent header for `id` into a new buffer with room for `body_len` more bytes.
pub fn framed(id: i32, body_len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + body_len);
    out.push(MAGIC_BYTE);
    out.extend_from_slice(&id.to_be_bytes());
    out
}

/// Splits Confluent wire-format bytes into the schema id and the rest, with the errors a
/// deserializer reports for a short payload or a wrong magic byte.
pub fn unframe(d: &[u8]) -> Result<(i32, &[u8]), String> {
    if d.len() < HEADER_LEN {
        return Err(format!(
            "the payload is {} bytes, shorter than the 5-byte Confluent header",
            d.len()
        ));
    }
    if d[0] != MAGIC_BYTE {
        return Err(format!(
            "unknown magic byte {} (expected 0): not Confluent wire format",
            d[0]
        ));
    }
    Ok((
        i32::from_be_bytes([d[1], d[2], d[3], d[4]]),
        &d[HEADER_LEN..],
    ))
}

/// The registry error's message, as the cause of a (de)serialization error.
pub fn registry_cause(e: KafkaError) -> String {
    e.message.to_string_lossy().into_owned()
}

/// A serializer's per-subject cache of (schema id, parsed schema to write with), so that steady
/// state sends no request to the registry. `T` is the format's parsed schema.
pub struct SubjectSchemas<T> {
    known: Mutex<HashMap<String, (i32, Arc<T>)>>,
}

impl<T> Default for SubjectSchemas<T> {
    fn default() -> Self {
        SubjectSchemas {
            known: Mutex::default(),
        }
    }
}

impl<T> SubjectSchemas<T> {
    /// The id and schema for `subject`: from the cache, else per `config` either the subject's
    /// latest version (use.latest.version, parsed with `parse_latest`) or `own` registered
    /// (auto.register.schemas) or looked up.
    pub fn resolve(
        &self,
        client: &SchemaRegistryClient,
        config: &SerializerConfig,
        subject: &str,
        own: Option<(&Schema, &Arc<T>)>,
        parse_latest: impl FnOnce(&Schema) -> Result<Arc<T>, String>,
    ) -> Result<(i32, Arc<T>), String> {
        if let Some(k) = self.known.lock().get(subject) {
            return Ok(k.clone());
        }
        let resolved = if config.use_latest_version {
            let r = client.get_latest_version(subject).map_err(registry_cause)?;
            (r.id, parse_latest(&r.schema)?)
        } else {
            let (schema, parsed) =
                own.ok_or("no schema given and use.latest.version is not set")?;
            let id = if config.auto_register_schemas {
                client
                    .register_schema(subject, schema, config.normalize_schemas)
                    .map_err(registry_cause)?
            } else {
                client
                    .lookup_schema(subject, schema, config.normalize_schemas)
                    .map_err(registry_cause)?
                    .id
            };
            (id, parsed.clone())
        };
        self.known
            .lock()
            .insert(subject.to_string(), resolved.clone());
        Ok(resolved)
    }
}

/// A deserializer's reader schemas under use.latest.version, per subject: fetched once, then
/// kept (as in Python, a version registered later is not picked up).
pub struct LatestSchemas<T> {
    by_subject: Mutex<HashMap<String, Arc<T>>>,
}

impl<T> Default for LatestSchemas<T> {
    fn default() -> Self {
        LatestSchemas {
            by_subject: Mutex::default(),
        }
    }
}

impl<T> LatestSchemas<T> {
    /// The reader for `ctx`: the subject is named from the context alone, else with the
    /// writer's record name (as Python does); its latest version is parsed with `parse`.
    pub fn reader(
        &self,
        client: &SchemaRegistryClient,
        strategy: SubjectNameStrategy,
        ctx: &Context,
        writer_record_name: Option<&str>,
        parse: impl FnOnce(&Schema) -> Result<Arc<T>, String>,
    ) -> Result<Arc<T>, String> {
        let subject = strategy
            .subject(ctx, None)
            .or_else(|_| strategy.subject(ctx, writer_record_name))?;
        if let Some(t) = self.by_subject.lock().get(&subject) {
            return Ok(t.clone());
        }
        let r = client
            .get_latest_version(&subject)
            .map_err(|e| format!("the latest version of {subject:?}: {}", registry_cause(e)))?;
        let t = parse(&r.schema)?;
        self.by_subject.lock().insert(subject, t.clone());
        Ok(t)
    }
}
