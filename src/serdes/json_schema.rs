//! The JSON Schema serializer and deserializer (Python's JSONSerializer / JSONDeserializer) in
//! the Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then the record
//! as UTF-8 JSON text written exactly as Python's client writes it
//! (`json.dumps(obj, separators=(",", ":"), ensure_ascii=False)`): no whitespace, object members
//! in the order they were given, non-ASCII characters unescaped, floats in Python's `repr`
//! notation (`1e+16`, `1.5e-07`, `2.0`).
//!
//! Records cross the ABI as JSON text both ways. The serializer validates the record against
//! its schema (the `validate` key, default true) and the deserializer against the reader schema
//! (the given one, with use.latest.version the subject's latest, else the writer's), both with
//! the `jsonschema` crate; each schema's validator is compiled once and cached (per schema by
//! the serializer, per schema id and per schema by the deserializer). As in Python, a schema
//! without `$schema` is validated as JSON Schema draft 2020-12 and `format` is not asserted.
//! A schema's references (registry subjects, via [`Schema::references`]) are fetched
//! recursively and made available to `$ref` under the reference's name (a relative name such as
//! "address.json" resolves as Python's client resolves it).
//!
//! Integers beyond the 64-bit range are read as doubles (Python keeps them exact).
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use parking_lot::Mutex;
use serde_core::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

use super::schema_based::{
    framed, referenced_schemas, registry_cause, unframe, DeserializerConfig, LatestSchemas,
    SerializerConfig, SubjectSchemas,
};
use super::{Context, Value};
use crate::error::{KResult, KafkaError};
use crate::schema_registry::{Schema, SchemaRegistryClient, SchemaType};

/// A JSON value that keeps its objects' member order (as a Python dict does).
#[derive(Debug, Clone, PartialEq)]
pub enum Ordered {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_none<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Ordered, E> {
                Ok(Ordered::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Ordered, E> {
                Number::from_f64(n)
                    .map(Ordered::Number)
                    .ok_or_else(|| E::custom("a number out of range"))
            }
            fn visit_str<E>(self, s: &str) -> Result<Ordered, E> {
                Ok(Ordered::String(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Ordered, E> {
                Ok(Ordered::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Ordered::Array(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Ordered, A::Error> {
                let mut v: Vec<(String, Ordered)> = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Ordered>()? {
                    // Python's json.loads: a repeated key keeps its first position, last value.
                    match v.iter_mut().find(|(k2, _)| *k2 == k) {
                        Some(slot) => slot.1 = x,
                        None => v.push((k, x)),
                    }
                }
                Ok(Ordered::Object(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    /// Parses JSON text (one value, surrounding whitespace allowed).
    pub fn parse(text: &[u8]) -> Result<Ordered, String> {
        let mut d = serde_json::Deserializer::from_slice(text);
        let v = Ordered::deserialize(&mut d).map_err(|e| e.to_string())?;
        d.end().map_err(|e| e.to_string())?;
        Ok(v)
    }

    /// The value as a serde_json value (for validation).
    pub fn to_json(&self) -> Json {
        match self {
            Ordered::Null => Json::Null,
            Ordered::Bool(b) => Json::Bool(*b),
            Ordered::Number(n) => Json::Number(n.clone()),
            Ordered::String(s) => Json::String(s.clone()),
            Ordered::Array(a) => Json::Array(a.iter().map(Ordered::to_json).collect()),
            Ordered::Object(o) => Json::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }

    /// Python's `json.dumps(v, separators=(",", ":"), ensure_ascii=False)`.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Ordered::Null => out.push_str("null"),
            Ordered::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Ordered::Number(n) => match n.as_f64().filter(|_| n.is_f64()) {
                Some(f) => out.push_str(&python_float(f)),
                None => out.push_str(&n.to_string()),
            },
            // serde_json escapes exactly as Python with ensure_ascii=False: \" \\ \b \f \n \r
            // \t, other control characters as \u00xx (lowercase), everything else verbatim.
            Ordered::String(s) => out.push_str(&Json::from(s.as_str()).to_string()),
            Ordered::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            Ordered::Object(o) => {
                out.push('{');
                for (i, (k, x)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Json::from(k.as_str()).to_string());
                    out.push(':');
                    x.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
/// decimal exponent is in -4..16 (with ".0" when integral), else `d.ddde+XX`.
pub fn python_float(f: f64) -> String {
    let sci = format!("{f:e}"); // shortest round-trip digits: "-1.5e-7"
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent");
    if (-4..16).contains(&exp) {
        let mut s = format!("{f}");
        if !s.contains('.') {
            s.push_str(".0");
        }
        s
    } else {
        let mut s = mantissa.to_string();
        let _ = write!(s, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
        s
    }
}

/// A parsed JSON Schema with its compiled validator.
pub struct Compiled {
    /// The schema's "title": the record name of the record subject name strategies.
    pub title: Option<String>,
    validator: jsonschema::Validator,
}

impl Compiled {
    /// Validates `v`, describing the first violation as Python's client does (its message),
    /// with where it is.
    pub fn validate(&self, v: &Json) -> Result<(), String> {
        self.validator.validate(v).map_err(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("the record does not match the JSON schema at {at}: {e}")
        })
    }
}

/// The base URI `jsonschema` gives a schema without `$id`: a relative reference name resolves
/// against it.
const DEFAULT_BASE: &str = "json-schema:///";

/// Compiles `schema` (JSON text) with the referenced schemas `refs` (name, text).
pub fn compile(schema: &str, refs: &[(String, String)]) -> Result<Compiled, String> {
    let json: Json =
        serde_json::from_str(schema).map_err(|e| format!("invalid JSON schema: {e}"))?;
    let mut opts = jsonschema::options().should_validate_formats(false);
    for (name, text) in refs {
        let contents: Json = serde_json::from_str(text)
            .map_err(|e| format!("invalid JSON schema referenced as {name:?}: {e}"))?;
        if !name.contains(':') {
            opts = opts.with_resource(
                format!("{DEFAULT_BASE}{}", name.trim_start_matches('/')),
                jsonschema::Resource::from_contents(contents.clone()),
            );
        }
        opts = opts.with_resource(name.clone(), jsonschema::Resource::from_contents(contents));
    }
    let validator = opts
        .build(&json)
        .map_err(|e| format!("invalid JSON schema: {e}"))?;
    Ok(Compiled {
        title: json.get("title").and_then(Json::as_str).map(str::to_string),
        validator,
    })
}

/// Compiles a registered `schema` with its references (fetched from the registry).
fn compile_registered(client: &SchemaRegistryClient, schema: &Schema) -> Result<Compiled, String> {
    if schema.schema_type != SchemaType::Json {
        return Err(format!(
            "the registered schema is a {} schema, not JSON",
            schema.schema_type.as_str()
        ));
    }
    let refs = referenced_schemas(client, schema).map_err(registry_cause)?;
    compile(&schema.schema_str, &refs)
}

/// Compiles a schema given by the application.
fn compile_own(client: &SchemaRegistryClient, schema: &Schema, what: &str) -> KResult<Compiled> {
    if schema.schema_type != SchemaType::Json {
        return Err(KafkaError::invalid_arg(format!(
            "{what} is a {} schema, not JSON",
            schema.schema_type.as_str()
        )));
    }
    let refs = referenced_schemas(client, schema)?;
    compile(&schema.schema_str, &refs).map_err(KafkaError::invalid_arg)
}

/// Compiles a registered `schema`, or takes it from `cache`.
fn compile_cached(
    client: &SchemaRegistryClient,
    cache: &Mutex<HashMap<Schema, Arc<Compiled>>>,
    schema: &Schema,
) -> Result<Arc<Compiled>, String> {
    if let Some(c) = cache.lock().get(schema) {
        return Ok(c.clone());
    }
    let c = Arc::new(compile_registered(client, schema)?);
    cache.lock().insert(schema.clone(), c.clone());
    Ok(c)
}

/// The `validate` key both serdes add to the shared configuration.
fn validate_key(validate: &mut bool) -> impl FnMut(&str, &Json) -> KResult<bool> + '_ {
    move |k, v| {
        if k == "validate" {
            *validate = super::schema_based::bool_key(k, v)?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
}

/// Parses a serializer's config_json: the shared keys plus "validate" (default true).
pub fn serializer_config(text: Option<&str>) -> KResult<(SerializerConfig, bool)> {
    let mut validate = true;
    let c =
        SerializerConfig::from_json(text, "JSON Schema serializer", validate_key(&mut validate))?;
    Ok((c, validate))
}

/// Parses a deserializer's config_json: the shared keys plus "validate" (default true).
pub fn deserializer_config(text: Option<&str>) -> KResult<(DeserializerConfig, bool)> {
    let mut validate = true;
    let c = DeserializerConfig::from_json(
        text,
        "JSON Schema deserializer",
        validate_key(&mut validate),
    )?;
    Ok((c, validate))
}

/// Python's JSONSerializer.
pub struct JsonSchemaSerializer {
    client: Arc<SchemaRegistryClient>,
    schema: Option<(Schema, Arc<Compiled>)>,
    config: SerializerConfig,
    validate: bool,
    subjects: SubjectSchemas<Compiled>,
    compiled: Mutex<HashMap<Schema, Arc<Compiled>>>,
}

impl JsonSchemaSerializer {
    /// `schema` (None only with use.latest.version) may reference other subjects' schemas:
    /// they are fetched from the registry now and compiled with it.
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        schema: Option<Schema>,
        config: SerializerConfig,
        validate: bool,
    ) -> KResult<Self> {
        let schema = config.own_schema(schema, |s| {
            let c = compile_own(&client, &s, "the schema")?;
            Ok((s, Arc::new(c)))
        })?;
        Ok(JsonSchemaSerializer {
            client,
            schema,
            config,
            validate,
            subjects: SubjectSchemas::default(),
            compiled: Mutex::default(),
        })
    }

    /// Serializes one record (JSON text) to the Confluent wire format; None stays None.
    pub fn serialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(data) = data else {
            return Ok(Value::null());
        };
        let record =
            Ordered::parse(data).map_err(|e| format!("the record is not valid JSON: {e}"))?;
        let title = self.schema.as_ref().and_then(|(_, c)| c.title.as_deref());
        let subject = self.config.subject_name_strategy.subject(ctx, title)?;
        let (id, compiled) = self.subjects.resolve(
            &self.client,
            &self.config,
            &subject,
            self.schema.as_ref().map(|(s, c)| (s, c)),
            |latest| compile_cached(&self.client, &self.compiled, latest),
        )?;
        if self.validate {
            compiled.validate(&record.to_json())?;
        }
        let body = record.dumps();
        let mut out = framed(id, body.len());
        out.extend_from_slice(body.as_bytes());
        Ok(Value::bytes(Some(out)))
    }
}

/// Python's JSONDeserializer.
pub struct JsonSchemaDeserializer {
    client: Arc<SchemaRegistryClient>,
    reader: Option<Arc<Compiled>>,
    config: DeserializerConfig,
    validate: bool,
    writers: Mutex<HashMap<i32, Arc<Compiled>>>,
    /// use.latest.version: the reader schema per subject (fetched once).
    latest: LatestSchemas<Compiled>,
    compiled: Mutex<HashMap<Schema, Arc<Compiled>>>,
}

impl JsonSchemaDeserializer {
    /// `reader` (None: validate with the writer's schema) may reference other subjects'
    /// schemas: they are fetched from the registry now and compiled with it.
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        reader: Option<Schema>,
        config: DeserializerConfig,
        validate: bool,
    ) -> KResult<Self> {
        let reader = match reader {
            Some(s) => Some(Arc::new(compile_own(&client, &s, "the reader schema")?)),
            None => None,
        };
        Ok(JsonSchemaDeserializer {
            client,
            reader,
            config,
            validate,
            writers: Mutex::default(),
            latest: LatestSchemas::default(),
            compiled: Mutex::default(),
        })
    }

    fn writer(&self, id: i32) -> Result<Arc<Compiled>, String> {
        if let Some(w) = self.writers.lock().get(&id) {
            return Ok(w.clone());
        }
        let s = self
            .client
            .get_schema(id)
            .map_err(|e| format!("schema id {id}: {}", registry_cause(e)))?;
        let w = compile_cached(&self.client, &self.compiled, &s)
            .map_err(|e| format!("schema id {id}: {e}"))?;
        self.writers.lock().insert(id, w.clone());
        Ok(w)
    }

    /// use.latest.version: the subject's latest schema (named from the context alone, else
    /// with the writer schema's title, as Python does).
    fn latest_reader(&self, ctx: &Context, writer: &Compiled) -> Result<Arc<Compiled>, String> {
        self.latest.reader(
            &self.client,
            self.config.subject_name_strategy,
            ctx,
            writer.title.as_deref(),
            |latest| compile_cached(&self.client, &self.compiled, latest),
        )
    }

    /// Deserializes Confluent wire-format bytes to the record as JSON text; None stays None.
    pub fn deserialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(d) = data else {
            return Ok(Value::null());
        };
        let (id, body) = unframe(d)?;
        let writer = self.writer(id)?;
        let record = Ordered::parse(body)
            .map_err(|e| format!("invalid JSON payload (schema id {id}): {e}"))?;
        if self.validate {
            let reader = if self.config.use_latest_version {
                self.latest_reader(ctx, &writer)?
            } else {
                self.reader.clone().unwrap_or(writer)
            };
            reader.validate(&record.to_json())?;
        }
        Ok(Value::bytes(Some(record.dumps().into_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_matches_python() {
        let v = Ordered::parse(
            br#" { "z" : 1, "a" : [1.0, -0.0, 1e16, 1.5e-7, 0.0001, 123456789012345.6, 2.5e300],
                 "s": "\u00e9\"\\\n\u0001\u007f/", "a": null, "t": true } "#,
        )
        .unwrap();
        assert_eq!(
            v.dumps(),
            "{\"z\":1,\"a\":null,\"s\":\"\u{e9}\\\"\\\\\\n\\u0001\u{7f}/\",\"t\":true}"
        );
        let v = Ordered::parse(b"[1.0,-0.0,1e16,1.5e-7,0.0001,123456789012345.6,2.5e300,1e-5]")
            .unwrap();
        assert_eq!(
            v.dumps(),
            "[1.0,-0.0,1e+16,1.5e-07,0.0001,123456789012345.6,2.5e+300,1e-05]"
        );
        assert!(Ordered::parse(b"{\"a\":1} x").is_err());
    }
}
