//! The Protobuf serializer and deserializer (Python's ProtobufSerializer / ProtobufDeserializer)
//! in the Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, the message
//! indexes, then the message in Protobuf's binary encoding. Messages are dynamic: the schema is
//! .proto text compiled at run time (protox) and messages are prost-reflect DynamicMessages, so
//! no generated code is needed on either side.
//!
//! Message indexes locate the message inside its file: the top-level message's position, then
//! the position among the nested types at each level. They are written as a count followed by
//! the indexes, every number a zigzag varint; the common case [0] (the first top-level message)
//! is the single byte 0 (Python's `_encode_varints`).
//!
//! Records cross as JSON text in the proto3 JSON mapping (prost-reflect's serde support, as
//! Python's json_format): field names in lowerCamelCase (the .proto names are accepted on input;
//! see `preserving.proto.field.name` for output), 64-bit integers as strings (numbers accepted on
//! input), bytes as base64, enums as value names (numbers accepted on input), well-known types
//! in their JSON forms (Timestamp as an RFC 3339 string, Duration as "1.5s", wrappers as their
//! value, Struct/Value/ListValue as JSON), fields at their default value omitted on output
//! (see `always.print.fields.with.no.presence`), unknown fields rejected on input. With
//! `record.format` = "binary", records cross as the message's own Protobuf binary encoding.
//!
//! Schemas from the registry may be .proto text or a base64-encoded FileDescriptorProto (what
//! Python registers): both are accepted. Imports are resolved from the schema's references
//! (registry subjects) and the built-in google/protobuf/*.proto files.
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use parking_lot::Mutex;
use prost_reflect::prost::Message as _;
use prost_reflect::prost_types::FileDescriptorProto;
use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, FileDescriptor, MessageDescriptor,
    SerializeOptions,
};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use serde_json::Value as Json;

use super::protobuf_wire::check_message;
use super::schema_based::{
    bool_key, framed, referenced_schemas, registry_cause, unframe, DeserializerConfig,
    SerializerConfig, SubjectSchemas,
};
use super::{Context, Value};
use crate::error::{KResult, KafkaError};
use crate::schema_registry::{Schema, SchemaReference, SchemaRegistryClient, SchemaType};

/// The name the root file of a schema gets while it is compiled (Python names it "default").
pub const ROOT_FILE: &str = "default";

/// Imports Python never registers as references with skip.known.types (its `_is_builtin`).
pub fn is_builtin(name: &str) -> bool {
    name.starts_with("confluent/")
        || name.starts_with("google/protobuf/")
        || name.starts_with("google/type/")
}

/// Whether a schema string is a base64 FileDescriptorProto rather than .proto text (.proto text
/// always has whitespace or punctuation outside the base64 alphabet).
pub fn looks_base64(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'=')
}

/// Decodes a base64 FileDescriptorProto.
pub fn decode_descriptor(s: &str) -> Result<FileDescriptorProto, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|e| format!("invalid base64 FileDescriptorProto: {e}"))?;
    FileDescriptorProto::decode(bytes.as_slice())
        .map_err(|e| format!("invalid base64 FileDescriptorProto: {e}"))
}

/// Schema files by import name (.proto text or base64 FileDescriptorProto).
struct MapResolver(HashMap<String, String>);

impl FileResolver for MapResolver {
    fn resolve_path(&self, path: &Path) -> Option<String> {
        path.to_str()
            .filter(|p| self.0.contains_key(*p))
            .map(str::to_string)
    }

    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        let Some(text) = self.0.get(name) else {
            return Err(protox::Error::file_not_found(name));
        };
        if looks_base64(text) {
            let mut fdp = decode_descriptor(text).map_err(protox::Error::new)?;
            fdp.name = Some(name.to_string());
            Ok(File::from_file_descriptor_proto(fdp))
        } else {
            File::from_source(name, text)
        }
    }
}

/// A compiled schema: the descriptor pool of the root file and everything it imports.
pub struct Parsed {
    pub pool: DescriptorPool,
    pub file: FileDescriptor,
}

impl Parsed {
    /// Compiles `root` (text or base64) with `files` (import name -> text or base64) and the
    /// built-in google/protobuf/*.proto files.
    pub fn compile(root: &str, mut files: HashMap<String, String>) -> Result<Parsed, String> {
        files.insert(ROOT_FILE.to_string(), root.to_string());
        let mut chain = ChainFileResolver::new();
        chain.add(MapResolver(files));
        chain.add(GoogleFileResolver::new());
        let mut c = protox::Compiler::with_file_resolver(chain);
        c.include_imports(true);
        c.open_file(ROOT_FILE)
            .map_err(|e| format!("invalid Protobuf schema: {e}"))?;
        let pool = c.descriptor_pool();
        let file = pool
            .get_file_by_name(ROOT_FILE)
            .ok_or("invalid Protobuf schema: the root file did not compile")?;
        Ok(Parsed { pool, file })
    }

    /// The message named `name` (full name, with or without a leading dot; a name without a
    /// package is also looked up in the file's package), or the first message of the file.
    pub fn message(&self, name: Option<&str>) -> Result<MessageDescriptor, String> {
        let Some(name) = name else {
            return self
                .file
                .messages()
                .next()
                .ok_or_else(|| "the schema defines no message".to_string());
        };
        let name = name.trim_start_matches('.');
        let pkg = self.file.package_name();
        let m = self.pool.get_message_by_name(name).or_else(|| {
            (!pkg.is_empty())
                .then(|| self.pool.get_message_by_name(&format!("{pkg}.{name}")))
                .flatten()
        });
        match m {
            Some(m) if m.parent_file().name() == ROOT_FILE => Ok(m),
            Some(m) => Err(format!(
                "message {} is defined in the imported file {}, not in the schema",
                m.full_name(),
                m.parent_file().name()
            )),
            None => Err(format!("the schema defines no message {name:?}")),
        }
    }

    /// The message at `indexes` (Python's `_get_message_desc`).
    pub fn message_at(&self, indexes: &[i64]) -> Result<MessageDescriptor, String> {
        let mut cur: Option<MessageDescriptor> = None;
        for &i in indexes {
            let list: Vec<MessageDescriptor> = match &cur {
                None => self.file.messages().collect(),
                Some(m) => m.child_messages().collect(),
            };
            let found = usize::try_from(i).ok().and_then(|i| list.get(i).cloned());
            cur = Some(found.ok_or_else(|| match &cur {
                None => format!(
                    "message index {i} out of range, schema has {} top-level message(s)",
                    list.len()
                ),
                Some(m) => format!(
                    "message index {i} out of range, message {} has {} nested message(s)",
                    m.full_name(),
                    list.len()
                ),
            })?);
        }
        cur.ok_or_else(|| "empty message index list".to_string())
    }
}

/// The message indexes of `m` in its file (Python's `_create_index_array`).
pub fn index_of(m: &MessageDescriptor) -> Vec<i64> {
    let mut out = Vec::new();
    let mut cur = m.clone();
    while let Some(parent) = cur.parent_message() {
        let i = parent
            .child_messages()
            .position(|c| c == cur)
            .expect("a nested message is among its parent's children");
        out.push(i as i64);
        cur = parent;
    }
    let i = cur
        .parent_file()
        .messages()
        .position(|c| c == cur)
        .expect("a top-level message is among its file's messages");
    out.push(i as i64);
    out.reverse();
    out
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Writes message indexes as Python does: [0] as the single byte 0, else the count and the
/// indexes, each a zigzag varint.
pub fn write_indexes(out: &mut Vec<u8>, indexes: &[i64]) {
    if indexes == [0] {
        out.push(0);
        return;
    }
    write_varint(out, zigzag(indexes.len() as i64));
    for &i in indexes {
        write_varint(out, zigzag(i));
    }
}

fn read_varint(d: &mut &[u8]) -> Result<u64, String> {
    let mut v: u64 = 0;
    for shift in (0..70).step_by(7) {
        let (&b, rest) = d
            .split_first()
            .ok_or("truncated message indexes (the payload ends inside a varint)")?;
        *d = rest;
        if shift == 63 && b > 1 {
            return Err("invalid message indexes: a varint overflows 64 bits".into());
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err("invalid message indexes: a varint is longer than 10 bytes".into())
}

fn read_zigzag(d: &mut &[u8]) -> Result<i64, String> {
    let n = read_varint(d)?;
    Ok(((n >> 1) as i64) ^ -((n & 1) as i64))
}

/// Reads the message indexes; returns them and the message bytes after them.
pub fn read_indexes(mut d: &[u8]) -> Result<(Vec<i64>, &[u8]), String> {
    let count = read_zigzag(&mut d)?;
    if count == 0 {
        return Ok((vec![0], d));
    }
    if count < 0 || count as usize > d.len() {
        return Err(format!(
            "invalid message indexes: count {count} with {} bytes left",
            d.len()
        ));
    }
    let mut out = Vec::with_capacity(count as usize);
    for _ in 0..count {
        out.push(read_zigzag(&mut d)?);
    }
    Ok((out, d))
}

/// How records cross the ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// The proto3 JSON mapping.
    Json,
    /// The message's Protobuf binary encoding.
    Binary,
}

fn record_format_key(k: &str, v: &Json) -> KResult<RecordFormat> {
    match v.as_str() {
        Some(s) if s.eq_ignore_ascii_case("json") => Ok(RecordFormat::Json),
        Some(s) if s.eq_ignore_ascii_case("binary") => Ok(RecordFormat::Binary),
        _ => Err(KafkaError::invalid_arg(format!(
            "{k}: expected \"json\" or \"binary\", got {v}"
        ))),
    }
}

fn deprecated_format_key(k: &str, v: &Json) -> KResult<()> {
    if bool_key(k, v)? {
        return Err(KafkaError::invalid_arg(
            "use.deprecated.format is no longer supported (as in the Python client)",
        ));
    }
    Ok(())
}

/// The Protobuf serializer's own configuration keys (beyond the shared ones).
#[derive(Debug, Clone)]
pub struct ProtobufSerializerConfig {
    /// skip.known.types (default true): imports of google/protobuf/, google/type/ and
    /// confluent/ files are not registered as references.
    pub skip_known_types: bool,
    pub record_format: RecordFormat,
    /// "dependencies": the imported files, by import name (.proto text or base64).
    pub dependencies: HashMap<String, String>,
}

impl ProtobufSerializerConfig {
    /// Parses config_json into the shared and the Protobuf keys.
    pub fn from_json(text: Option<&str>) -> KResult<(SerializerConfig, Self)> {
        let mut pb = ProtobufSerializerConfig {
            skip_known_types: true,
            record_format: RecordFormat::Json,
            dependencies: HashMap::new(),
        };
        let shared = SerializerConfig::from_json(text, "Protobuf serializer", |k, v| {
            match k {
                "skip.known.types" => pb.skip_known_types = bool_key(k, v)?,
                "use.deprecated.format" => deprecated_format_key(k, v)?,
                "record.format" => pb.record_format = record_format_key(k, v)?,
                "reference.subject.name.strategy" => match v.as_str() {
                    Some(
                        "reference_name"
                        | "reference_subject_name_strategy"
                        | "DefaultReferenceSubjectNameStrategy",
                    ) => {}
                    _ => {
                        return Err(KafkaError::invalid_arg(format!(
                            "reference.subject.name.strategy: unknown strategy {v} (only \
                             \"reference_name\": the subject is the import's name)"
                        )))
                    }
                },
                "dependencies" => {
                    let o = v.as_object().ok_or_else(|| {
                        KafkaError::invalid_arg(
                            "dependencies: expected an object {\"<import name>\": \"<.proto text>\"}",
                        )
                    })?;
                    for (name, text) in o {
                        let t = text.as_str().ok_or_else(|| {
                            KafkaError::invalid_arg(format!(
                                "dependencies: the value of {name:?} is not a string"
                            ))
                        })?;
                        pb.dependencies.insert(name.clone(), t.to_string());
                    }
                }
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok((shared, pb))
    }
}

/// The Protobuf deserializer's own configuration keys.
#[derive(Debug, Clone)]
pub struct ProtobufDeserializerConfig {
    pub record_format: RecordFormat,
    /// preserving.proto.field.name: output the .proto field names rather than lowerCamelCase.
    pub proto_field_names: bool,
    /// always.print.fields.with.no.presence: output fields at their default value too.
    pub print_defaults: bool,
}

impl ProtobufDeserializerConfig {
    pub fn from_json(text: Option<&str>) -> KResult<(DeserializerConfig, Self)> {
        let mut pb = ProtobufDeserializerConfig {
            record_format: RecordFormat::Json,
            proto_field_names: false,
            print_defaults: false,
        };
        let shared = DeserializerConfig::from_json(text, "Protobuf deserializer", |k, v| {
            match k {
                "use.deprecated.format" => deprecated_format_key(k, v)?,
                "record.format" => pb.record_format = record_format_key(k, v)?,
                "preserving.proto.field.name" => pb.proto_field_names = bool_key(k, v)?,
                "always.print.fields.with.no.presence" => pb.print_defaults = bool_key(k, v)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok((shared, pb))
    }
}

/// The message a serializer writes for a subject, with its indexes.
pub struct Target {
    pub message: MessageDescriptor,
    pub indexes: Vec<i64>,
    /// The JSON fast path's plan for `message`, built on first use.
    pub(crate) json_plan: std::sync::OnceLock<super::protobuf_json::Plan>,
}

impl Target {
    fn new(message: MessageDescriptor) -> Arc<Target> {
        let indexes = index_of(&message);
        Arc::new(Target {
            message,
            indexes,
            json_plan: std::sync::OnceLock::new(),
        })
    }
}

/// Compiles a registered schema with its references.
fn parse_registered(client: &SchemaRegistryClient, schema: &Schema) -> Result<Parsed, String> {
    if schema.schema_type != SchemaType::Protobuf {
        return Err(format!(
            "the registered schema is a {} schema, not PROTOBUF",
            schema.schema_type.as_str()
        ));
    }
    let files = referenced_schemas(client, schema)
        .map_err(registry_cause)?
        .into_iter()
        .collect();
    Parsed::compile(&schema.schema_str, files)
}

/// Python's ProtobufSerializer, for dynamic messages.
pub struct ProtobufSerializer {
    client: Arc<SchemaRegistryClient>,
    /// The schema text, its compiled form and the message to write (None: use.latest.version).
    own: Option<(String, Arc<Parsed>, Arc<Target>)>,
    config: SerializerConfig,
    pb: ProtobufSerializerConfig,
    subjects: SubjectSchemas<Target>,
    /// The schema to register, with its references (resolved on first use).
    own_schema: Mutex<Option<Arc<Schema>>>,
    /// The message's full name: the record name for the subject name strategies, and the
    /// message picked in the subject's latest schema under use.latest.version.
    record_name: Option<String>,
    parsed: Mutex<HashMap<Schema, Arc<Parsed>>>,
}

impl ProtobufSerializer {
    /// `schema_str` (.proto text; None only with use.latest.version) is compiled now, with the
    /// files of the "dependencies" key for its imports. `message_name` picks the message (its
    /// full name; None: the first message of the file).
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        schema_str: Option<&str>,
        message_name: Option<&str>,
        config: SerializerConfig,
        pb: ProtobufSerializerConfig,
    ) -> KResult<ProtobufSerializer> {
        let own = config.own_schema(schema_str, |text| {
            let parsed = Arc::new(
                Parsed::compile(text, pb.dependencies.clone()).map_err(KafkaError::invalid_arg)?,
            );
            let m = parsed
                .message(message_name)
                .map_err(KafkaError::invalid_arg)?;
            Ok((text.to_string(), parsed, Target::new(m)))
        })?;
        let record_name = match &own {
            Some((_, _, t)) => Some(t.message.full_name().to_string()),
            None => message_name.map(|n| n.trim_start_matches('.').to_string()),
        };
        Ok(ProtobufSerializer {
            client,
            own,
            record_name,
            config,
            pb,
            subjects: SubjectSchemas::default(),
            own_schema: Mutex::default(),
            parsed: Mutex::default(),
        })
    }

    /// The references of `file`'s imports, registering them first with auto.register.schemas
    /// (Python's `_resolve_dependencies`): each import is registered under its own name as the
    /// subject (reference_subject_name_strategy), with its own references.
    fn references(&self, file: &FileDescriptor) -> Result<Vec<SchemaReference>, String> {
        let mut refs = Vec::new();
        for dep in file.dependencies() {
            let name = dep.name().to_string();
            if self.pb.skip_known_types && is_builtin(&name) {
                continue;
            }
            let dep_refs = self.references(&dep)?;
            let text = match self.pb.dependencies.get(&name) {
                Some(t) => t.clone(),
                // A built-in file (skip.known.types=false): as Python, its FileDescriptorProto.
                None => base64::engine::general_purpose::STANDARD
                    .encode(dep.file_descriptor_proto().encode_to_vec()),
            };
            let schema = Schema {
                schema_str: text,
                schema_type: SchemaType::Protobuf,
                references: dep_refs,
            };
            let normalize = self.config.normalize_schemas;
            if self.config.auto_register_schemas {
                self.client
                    .register_schema(&name, &schema, normalize)
                    .map_err(|e| {
                        format!("registering the import {name:?}: {}", registry_cause(e))
                    })?;
            }
            let r = self
                .client
                .lookup_schema(&name, &schema, normalize)
                .map_err(|e| format!("looking up the import {name:?}: {}", registry_cause(e)))?;
            refs.push(SchemaReference {
                name,
                subject: r.subject.clone(),
                version: r.version,
            });
        }
        Ok(refs)
    }

    fn own_schema(&self) -> Result<Option<Arc<Schema>>, String> {
        let Some((text, parsed, _)) = &self.own else {
            return Ok(None);
        };
        let mut slot = self.own_schema.lock();
        if slot.is_none() && !self.config.use_latest_version {
            *slot = Some(Arc::new(Schema {
                schema_str: text.clone(),
                schema_type: SchemaType::Protobuf,
                references: self.references(&parsed.file)?,
            }));
        }
        Ok(slot.clone())
    }

    /// use.latest.version: the message of the same name in the subject's latest schema.
    fn latest_target(&self, latest: &Schema) -> Result<Arc<Target>, String> {
        let p = {
            let cached = self.parsed.lock().get(latest).cloned();
            match cached {
                Some(p) => p,
                None => {
                    let p = Arc::new(parse_registered(&self.client, latest)?);
                    self.parsed.lock().insert(latest.clone(), p.clone());
                    p
                }
            }
        };
        Ok(Target::new(
            p.message(self.record_name.as_deref())
                .map_err(|e| format!("the subject's latest schema: {e}"))?,
        ))
    }

    /// Serializes one record (JSON text or binary, per record.format) to the Confluent wire
    /// format; None stays None.
    pub fn serialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(data) = data else {
            return Ok(Value::null());
        };
        let subject = self
            .config
            .subject_name_strategy
            .subject(ctx, self.record_name.as_deref())?;
        let own_schema = self.own_schema()?;
        let own = match (&own_schema, &self.own) {
            (Some(s), Some((_, _, t))) => Some((&**s, t)),
            _ => None,
        };
        let (id, target) =
            self.subjects
                .resolve(&self.client, &self.config, &subject, own, |latest| {
                    self.latest_target(latest)
                })?;
        let body = match self.pb.record_format {
            RecordFormat::Json => {
                // The fast path (protobuf_json) writes straight after the indexes; it falls
                // back to prost-reflect for what it does not handle (well-known types, ...).
                let plan = target
                    .json_plan
                    .get_or_init(|| super::protobuf_json::Plan::new(&target.message));
                let mut out = framed(id, data.len() + 1 + target.indexes.len());
                write_indexes(&mut out, &target.indexes);
                match plan.encode(data, &mut out) {
                    Ok(true) => return Ok(Value::bytes(Some(out))),
                    Ok(false) => {}
                    Err(e) => {
                        return Err(format!(
                            "the record is not a valid {} in the proto3 JSON mapping: {e}",
                            target.message.full_name()
                        ))
                    }
                }
                let mut de = serde_json::Deserializer::from_slice(data);
                let m = DynamicMessage::deserialize_with_options(
                    target.message.clone(),
                    &mut de,
                    &DeserializeOptions::new(),
                )
                .and_then(|m| de.end().map(|_| m))
                .map_err(|e| {
                    format!(
                        "the record is not a valid {} in the proto3 JSON mapping: {e}",
                        target.message.full_name()
                    )
                })?;
                m.encode_to_vec()
            }
            RecordFormat::Binary => {
                check_message(&target.message, data).map_err(|e| {
                    format!(
                        "the record is not a valid {} in Protobuf's binary encoding: {e}",
                        target.message.full_name()
                    )
                })?;
                data.to_vec()
            }
        };
        let mut out = framed(id, body.len() + 1 + target.indexes.len());
        write_indexes(&mut out, &target.indexes);
        out.extend_from_slice(&body);
        Ok(Value::bytes(Some(out)))
    }
}

/// Python's ProtobufDeserializer, for dynamic messages: the writer's schema (by the id) and the
/// message indexes pick the message.
pub struct ProtobufDeserializer {
    client: Arc<SchemaRegistryClient>,
    config: DeserializerConfig,
    pb: ProtobufDeserializerConfig,
    writers: Mutex<HashMap<i32, Arc<Parsed>>>,
    /// use.latest.version: the reader schema per subject (fetched once).
    latest: Mutex<HashMap<String, Arc<Parsed>>>,
}

impl ProtobufDeserializer {
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        config: DeserializerConfig,
        pb: ProtobufDeserializerConfig,
    ) -> ProtobufDeserializer {
        ProtobufDeserializer {
            client,
            config,
            pb,
            writers: Mutex::default(),
            latest: Mutex::default(),
        }
    }

    fn writer(&self, id: i32) -> Result<Arc<Parsed>, String> {
        if let Some(w) = self.writers.lock().get(&id) {
            return Ok(w.clone());
        }
        let s = self
            .client
            .get_schema(id)
            .map_err(|e| format!("schema id {id}: {}", registry_cause(e)))?;
        let w = Arc::new(
            parse_registered(&self.client, &s).map_err(|e| format!("schema id {id}: {e}"))?,
        );
        self.writers.lock().insert(id, w.clone());
        Ok(w)
    }

    /// use.latest.version: the reader message in the subject's latest schema: the message of the
    /// writer's full name, else the top-level message of its simple name, else the first one
    /// (Python's choice).
    fn latest_reader(
        &self,
        ctx: &Context,
        writer: &MessageDescriptor,
    ) -> Result<MessageDescriptor, String> {
        let strategy = self.config.subject_name_strategy;
        let subject = strategy
            .subject(ctx, None)
            .or_else(|_| strategy.subject(ctx, Some(writer.full_name())))?;
        let cached = self.latest.lock().get(&subject).cloned();
        let p = match cached {
            Some(p) => p,
            None => {
                let r = self.client.get_latest_version(&subject).map_err(|e| {
                    format!("the latest version of {subject:?}: {}", registry_cause(e))
                })?;
                let p = Arc::new(
                    parse_registered(&self.client, &r.schema)
                        .map_err(|e| format!("the latest version of {subject:?}: {e}"))?,
                );
                self.latest.lock().insert(subject, p.clone());
                p
            }
        };
        if let Some(m) = p.pool.get_message_by_name(writer.full_name()) {
            return Ok(m);
        }
        if let Some(m) = p.file.messages().find(|m| m.name() == writer.name()) {
            return Ok(m);
        }
        p.message(None)
    }

    /// Deserializes Confluent wire-format bytes to the record (JSON text or binary, per
    /// record.format); None stays None.
    pub fn deserialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(d) = data else {
            return Ok(Value::null());
        };
        let (id, rest) = unframe(d)?;
        let (indexes, body) = read_indexes(rest)?;
        let writer = self.writer(id)?;
        let wmsg = writer
            .message_at(&indexes)
            .map_err(|e| format!("schema id {id}: {e}"))?;
        let desc = if self.config.use_latest_version {
            self.latest_reader(ctx, &wmsg)?
        } else {
            wmsg
        };
        let msg = DynamicMessage::decode(desc.clone(), body).map_err(|e| {
            format!(
                "invalid Protobuf payload (schema id {id}, message {}): {e}",
                desc.full_name()
            )
        })?;
        match self.pb.record_format {
            RecordFormat::Binary => Ok(Value::bytes(Some(body.to_vec()))),
            RecordFormat::Json => {
                let opts = SerializeOptions::new()
                    .use_proto_field_name(self.pb.proto_field_names)
                    .skip_default_fields(!self.pb.print_defaults);
                let mut out = Vec::new();
                let mut ser = serde_json::Serializer::new(&mut out);
                msg.serialize_with_options(&mut ser, &opts)
                    .map_err(|e| format!("{}: no JSON form: {e}", desc.full_name()))?;
                Ok(Value::bytes(Some(out)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_indexes_round_trip_as_python_writes_them() {
        for (idx, bytes) in [
            (vec![0], vec![0u8]),
            (vec![1], vec![2, 2]),
            (vec![0, 1], vec![4, 0, 2]),
            (vec![0, 1, 0], vec![6, 0, 2, 0]),
            (vec![64], vec![2, 0x80, 0x01]),
        ] {
            let mut out = Vec::new();
            write_indexes(&mut out, &idx);
            assert_eq!(out, bytes, "{idx:?}");
            out.extend_from_slice(b"body");
            let (back, rest) = read_indexes(&out).unwrap();
            assert_eq!((back, rest), (idx, &b"body"[..]));
        }
        // A count of 2 spelled out for [0, 0]; truncated, negative and oversized counts.
        assert_eq!(read_indexes(&[4, 0, 0]).unwrap().0, vec![0, 0]);
        assert!(read_indexes(&[]).is_err());
        assert!(read_indexes(&[4, 0]).is_err());
        assert!(read_indexes(&[1]).is_err());
        assert!(read_indexes(&[0xff; 11]).is_err());
    }
}
