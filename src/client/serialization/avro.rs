//! The Avro serializer and deserializer (Python's AvroSerializer / AvroDeserializer) in the
//! Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then the record in
//! Avro's binary encoding. Records cross the ABI as JSON text, mapped as follows (both ways):
//!
//! - record, map: JSON object; array: JSON array; null: null; boolean, int, long, float,
//!   double, string: the JSON value (NaN and infinities of float/double are not representable).
//! - union: null as null; any other branch as `{"<branch>": value}` (Avro's JSON encoding), the
//!   branch being the full name of a named type (record, enum, fixed; the short name is
//!   accepted on input) or the type's name ("int", "string", "array", "map", ...; for a logical
//!   type, its underlying type: "long" for timestamp-millis, "string" for uuid, ...).
//! - bytes, fixed: a string whose code points 0-255 are the bytes (Avro's JSON encoding).
//! - enum: the symbol as a string.
//! - decimal (bytes or fixed): the number as a decimal string with exactly `scale` fraction
//!   digits ("12.34"); input may also be a JSON number.
//! - date: int days since 1970-01-01; time-millis, time-micros, timestamp-millis/-micros/-nanos,
//!   local-timestamp-*: the integer; uuid: the string; duration: a 12-byte string as fixed.
use std::collections::HashMap;
use std::sync::Arc;

use apache_avro::schema::{Name, Schema as AvroSchema};
use apache_avro::types::Value as AvroValue;
use parking_lot::Mutex;
use serde_json::{Map, Number, Value as Json};

use super::schema_based::{config_object, framed, unframe, SerializerConfig, SubjectSchemas};
use super::{Context, Value};
use crate::client::error::{KResult, KafkaError};
use crate::client::schema_registry::{Schema, SchemaRegistryClient, SchemaType};

/// A parsed Avro schema with its named types (for references inside it).
pub struct Parsed {
    pub schema: AvroSchema,
    names: HashMap<Name, AvroSchema>,
}

impl Parsed {
    pub fn parse(text: &str) -> Result<Parsed, String> {
        let schema =
            AvroSchema::parse_str(text).map_err(|e| format!("invalid Avro schema: {e}"))?;
        let names = {
            let r = apache_avro::schema::ResolvedSchema::try_from(&schema)
                .map_err(|e| format!("invalid Avro schema: {e}"))?;
            r.get_names()
                .iter()
                .map(|(k, v)| (k.clone(), (*v).clone()))
                .collect()
        };
        Ok(Parsed { schema, names })
    }

    fn record_name(&self) -> Option<String> {
        match &self.schema {
            AvroSchema::Record(r) => Some(r.name.fullname(None)),
            AvroSchema::Enum(r) => Some(r.name.fullname(None)),
            AvroSchema::Fixed(r) => Some(r.name.fullname(None)),
            _ => None,
        }
    }

    fn deref<'a>(&'a self, s: &'a AvroSchema) -> Result<&'a AvroSchema, String> {
        match s {
            AvroSchema::Ref { name } => self
                .names
                .get(name)
                .ok_or_else(|| format!("unknown named type {}", name.fullname(None))),
            s => Ok(s),
        }
    }
}

/// The name of a union branch in Avro's JSON encoding.
fn branch_name(p: &Parsed, s: &AvroSchema) -> String {
    let s = p.deref(s).unwrap_or(s);
    match s {
        AvroSchema::Null => "null",
        AvroSchema::Boolean => "boolean",
        AvroSchema::Int | AvroSchema::Date | AvroSchema::TimeMillis => "int",
        AvroSchema::Long
        | AvroSchema::TimeMicros
        | AvroSchema::TimestampMillis
        | AvroSchema::TimestampMicros
        | AvroSchema::TimestampNanos
        | AvroSchema::LocalTimestampMillis
        | AvroSchema::LocalTimestampMicros
        | AvroSchema::LocalTimestampNanos => "long",
        AvroSchema::Float => "float",
        AvroSchema::Double => "double",
        AvroSchema::Bytes | AvroSchema::BigDecimal => "bytes",
        AvroSchema::String | AvroSchema::Uuid => "string",
        AvroSchema::Array(_) => "array",
        AvroSchema::Map(_) => "map",
        AvroSchema::Union(_) => "union",
        AvroSchema::Record(r) => return r.name.fullname(None),
        AvroSchema::Enum(r) => return r.name.fullname(None),
        AvroSchema::Fixed(r) => return r.name.fullname(None),
        AvroSchema::Decimal(d) => return branch_name(p, &d.inner),
        AvroSchema::Duration => "fixed",
        AvroSchema::Ref { name } => return name.fullname(None),
    }
    .to_string()
}

fn latin1(s: &str, what: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| {
            u8::try_from(c as u32)
                .map_err(|_| format!("{what}: code point U+{:04X} is above 255", c as u32))
        })
        .collect()
}

fn latin1_string(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn json_int(j: &Json, what: &str) -> Result<i64, String> {
    j.as_i64()
        .ok_or_else(|| format!("{what}: expected an integer, got {j}"))
}

fn json_i32(j: &Json, what: &str) -> Result<i32, String> {
    i32::try_from(json_int(j, what)?).map_err(|_| format!("{what}: {j} is out of the int range"))
}

/// Parses a decimal ("-12.34" or a JSON number) to its unscaled value with `scale` digits.
fn parse_decimal(j: &Json, scale: usize, what: &str) -> Result<i128, String> {
    let text = match j {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        _ => return Err(format!("{what}: expected a decimal string, got {j}")),
    };
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let bad = || format!("{what}: {text:?} is not a decimal number");
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let frac_trim = frac.trim_end_matches('0');
    if frac_trim.len() > scale {
        return Err(format!(
            "{what}: {text:?} has more than {scale} fraction digits"
        ));
    }
    let digits = format!("{int}{frac_trim}{}", "0".repeat(scale - frac_trim.len()));
    let digits = digits.trim_start_matches('0');
    let v: i128 = if digits.is_empty() {
        0
    } else {
        digits
            .parse()
            .map_err(|_| format!("{what}: {text:?} is too large (at most 38 digits)"))?
    };
    Ok(if neg { -v } else { v })
}

fn format_decimal(unscaled: i128, scale: usize) -> String {
    let neg = unscaled < 0;
    let mut d = unscaled.unsigned_abs().to_string();
    if scale > 0 {
        if d.len() <= scale {
            d = format!("{}{d}", "0".repeat(scale + 1 - d.len()));
        }
        d.insert(d.len() - scale, '.');
    }
    if neg {
        format!("-{d}")
    } else {
        d
    }
}

/// Two's complement big-endian, minimal length (or sign-extended to `len`).
fn decimal_bytes(v: i128, len: Option<usize>, what: &str) -> Result<Vec<u8>, String> {
    let full = v.to_be_bytes();
    let mut start = 0;
    while start < 15 {
        let (b, next) = (full[start], full[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    let min = &full[start..];
    match len {
        None => Ok(min.to_vec()),
        Some(n) if n < min.len() => Err(format!("{what}: the decimal does not fit in {n} bytes")),
        Some(n) => {
            let fill = if v < 0 { 0xff } else { 0 };
            let mut out = vec![fill; n - min.len()];
            out.extend_from_slice(min);
            Ok(out)
        }
    }
}

fn decimal_from_bytes(b: &[u8], what: &str) -> Result<i128, String> {
    if b.len() > 16 {
        let fill = if b[0] & 0x80 != 0 { 0xff } else { 0 };
        if b[..b.len() - 16].iter().any(|&c| c != fill) {
            return Err(format!("{what}: the decimal is too large (over 16 bytes)"));
        }
        return decimal_from_bytes(&b[b.len() - 16..], what);
    }
    if b.is_empty() {
        return Ok(0);
    }
    let fill = if b[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut full = [fill; 16];
    full[16 - b.len()..].copy_from_slice(b);
    Ok(i128::from_be_bytes(full))
}

/// JSON -> Avro value for `s`.
pub fn json_to_avro(p: &Parsed, s: &AvroSchema, j: &Json, path: &str) -> Result<AvroValue, String> {
    let s = p.deref(s)?;
    let mismatch = |want: &str| format!("{path}: expected {want}, got {j}");
    Ok(match s {
        AvroSchema::Null => match j {
            Json::Null => AvroValue::Null,
            _ => return Err(mismatch("null")),
        },
        AvroSchema::Boolean => {
            AvroValue::Boolean(j.as_bool().ok_or_else(|| mismatch("a boolean"))?)
        }
        AvroSchema::Int => AvroValue::Int(json_i32(j, path)?),
        AvroSchema::Long => AvroValue::Long(json_int(j, path)?),
        AvroSchema::Float => {
            AvroValue::Float(j.as_f64().ok_or_else(|| mismatch("a number"))? as f32)
        }
        AvroSchema::Double => AvroValue::Double(j.as_f64().ok_or_else(|| mismatch("a number"))?),
        AvroSchema::Bytes => AvroValue::Bytes(latin1(
            j.as_str().ok_or_else(|| mismatch("a string"))?,
            path,
        )?),
        AvroSchema::String => {
            AvroValue::String(j.as_str().ok_or_else(|| mismatch("a string"))?.to_string())
        }
        AvroSchema::Array(a) => {
            let items = j.as_array().ok_or_else(|| mismatch("an array"))?;
            AvroValue::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| json_to_avro(p, &a.items, v, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            )
        }
        AvroSchema::Map(m) => {
            let o = j.as_object().ok_or_else(|| mismatch("an object"))?;
            AvroValue::Map(
                o.iter()
                    .map(|(k, v)| {
                        Ok((
                            k.clone(),
                            json_to_avro(p, &m.types, v, &format!("{path}.{k}"))?,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            )
        }
        AvroSchema::Union(u) => {
            let variants = u.variants();
            if j.is_null() {
                let i = variants
                    .iter()
                    .position(|v| matches!(v, AvroSchema::Null))
                    .ok_or_else(|| format!("{path}: null is not a branch of the union"))?;
                return Ok(AvroValue::Union(i as u32, Box::new(AvroValue::Null)));
            }
            let o = j.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
                format!("{path}: a union value must be null or {{\"<branch>\": value}}, got {j}")
            })?;
            let (name, inner) = o.iter().next().expect("one entry");
            let i = variants
                .iter()
                .position(|v| {
                    let b = branch_name(p, v);
                    b == *name || b.rsplit('.').next() == Some(name.as_str())
                })
                .ok_or_else(|| format!("{path}: {name:?} is not a branch of the union"))?;
            AvroValue::Union(
                i as u32,
                Box::new(json_to_avro(p, &variants[i], inner, path)?),
            )
        }
        AvroSchema::Record(r) => {
            let o = j.as_object().ok_or_else(|| mismatch("an object"))?;
            for k in o.keys() {
                if !r.fields.iter().any(|f| f.name == *k) {
                    return Err(format!(
                        "{path}: {k:?} is not a field of {}",
                        r.name.fullname(None)
                    ));
                }
            }
            let mut fields = Vec::with_capacity(r.fields.len());
            for f in &r.fields {
                let fp = format!("{path}.{}", f.name);
                let v = match o.get(&f.name) {
                    Some(v) => json_to_avro(p, &f.schema, v, &fp)?,
                    None => match &f.default {
                        Some(d) => default_to_avro(p, &f.schema, d, &fp)?,
                        None => return Err(format!("{fp}: missing field (no default)")),
                    },
                };
                fields.push((f.name.clone(), v));
            }
            AvroValue::Record(fields)
        }
        AvroSchema::Enum(e) => {
            let sym = j.as_str().ok_or_else(|| mismatch("an enum symbol"))?;
            let i = e.symbols.iter().position(|s| s == sym).ok_or_else(|| {
                format!(
                    "{path}: {sym:?} is not a symbol of {}",
                    e.name.fullname(None)
                )
            })?;
            AvroValue::Enum(i as u32, sym.to_string())
        }
        AvroSchema::Fixed(f) => {
            let b = latin1(j.as_str().ok_or_else(|| mismatch("a string"))?, path)?;
            if b.len() != f.size {
                return Err(format!(
                    "{path}: fixed {} needs {} bytes, got {}",
                    f.name.fullname(None),
                    f.size,
                    b.len()
                ));
            }
            AvroValue::Fixed(f.size, b)
        }
        AvroSchema::Decimal(d) => {
            let v = parse_decimal(j, d.scale, path)?;
            let len = match p.deref(&d.inner)? {
                AvroSchema::Fixed(f) => Some(f.size),
                _ => None,
            };
            let b = decimal_bytes(v, len, path)?;
            if format_decimal(v, 0).trim_start_matches('-').len() > d.precision {
                return Err(format!("{path}: {j} exceeds the precision {}", d.precision));
            }
            AvroValue::Decimal(apache_avro::Decimal::from(b))
        }
        AvroSchema::BigDecimal => return Err(format!("{path}: big-decimal is not supported")),
        AvroSchema::Uuid => {
            let t = j.as_str().ok_or_else(|| mismatch("a uuid string"))?;
            AvroValue::Uuid(
                apache_avro::Uuid::parse_str(t)
                    .map_err(|e| format!("{path}: {t:?} is not a uuid: {e}"))?,
            )
        }
        AvroSchema::Date => AvroValue::Date(json_i32(j, path)?),
        AvroSchema::TimeMillis => AvroValue::TimeMillis(json_i32(j, path)?),
        AvroSchema::TimeMicros => AvroValue::TimeMicros(json_int(j, path)?),
        AvroSchema::TimestampMillis => AvroValue::TimestampMillis(json_int(j, path)?),
        AvroSchema::TimestampMicros => AvroValue::TimestampMicros(json_int(j, path)?),
        AvroSchema::TimestampNanos => AvroValue::TimestampNanos(json_int(j, path)?),
        AvroSchema::LocalTimestampMillis => AvroValue::LocalTimestampMillis(json_int(j, path)?),
        AvroSchema::LocalTimestampMicros => AvroValue::LocalTimestampMicros(json_int(j, path)?),
        AvroSchema::LocalTimestampNanos => AvroValue::LocalTimestampNanos(json_int(j, path)?),
        AvroSchema::Duration => {
            let b = latin1(
                j.as_str().ok_or_else(|| mismatch("a 12-byte string"))?,
                path,
            )?;
            let b: [u8; 12] = b
                .try_into()
                .map_err(|_| format!("{path}: a duration is 12 bytes"))?;
            AvroValue::Duration(apache_avro::Duration::from(b))
        }
        AvroSchema::Ref { .. } => unreachable!("dereferenced"),
    })
}

/// A field default (Avro's JSON encoding: a union's default is for its first branch, unwrapped).
fn default_to_avro(p: &Parsed, s: &AvroSchema, d: &Json, path: &str) -> Result<AvroValue, String> {
    if let AvroSchema::Union(u) = p.deref(s)? {
        let first = u
            .variants()
            .first()
            .ok_or_else(|| format!("{path}: empty union"))?;
        return Ok(AvroValue::Union(
            0,
            Box::new(default_to_avro(p, first, d, path)?),
        ));
    }
    json_to_avro(p, s, d, path)
}

fn num_f64(f: f64, path: &str) -> Result<Json, String> {
    Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(|| format!("{path}: {f} has no JSON representation"))
}

/// Avro value (read with schema `s`) -> JSON.
pub fn avro_to_json(p: &Parsed, s: &AvroSchema, v: &AvroValue, path: &str) -> Result<Json, String> {
    let s = p.deref(s)?;
    Ok(match (s, v) {
        (_, AvroValue::Null) => Json::Null,
        (_, AvroValue::Boolean(b)) => Json::Bool(*b),
        (_, AvroValue::Int(i)) | (_, AvroValue::Date(i)) | (_, AvroValue::TimeMillis(i)) => {
            Json::from(*i)
        }
        (_, AvroValue::Long(i))
        | (_, AvroValue::TimeMicros(i))
        | (_, AvroValue::TimestampMillis(i))
        | (_, AvroValue::TimestampMicros(i))
        | (_, AvroValue::TimestampNanos(i))
        | (_, AvroValue::LocalTimestampMillis(i))
        | (_, AvroValue::LocalTimestampMicros(i))
        | (_, AvroValue::LocalTimestampNanos(i)) => Json::from(*i),
        (_, AvroValue::Float(f)) => num_f64(*f as f64, path)?,
        (_, AvroValue::Double(f)) => num_f64(*f, path)?,
        (_, AvroValue::Bytes(b)) | (_, AvroValue::Fixed(_, b)) => Json::String(latin1_string(b)),
        (_, AvroValue::String(t)) => Json::String(t.clone()),
        (_, AvroValue::Uuid(u)) => Json::String(u.hyphenated().to_string()),
        (_, AvroValue::Enum(_, sym)) => Json::String(sym.clone()),
        (AvroSchema::Decimal(d), AvroValue::Decimal(dec)) => {
            let b: Vec<u8> = Vec::try_from(dec).map_err(|e| format!("{path}: {e}"))?;
            Json::String(format_decimal(decimal_from_bytes(&b, path)?, d.scale))
        }
        (AvroSchema::Array(a), AvroValue::Array(items)) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| avro_to_json(p, &a.items, x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        (AvroSchema::Map(m), AvroValue::Map(entries)) => Json::Object(
            entries
                .iter()
                .map(|(k, x)| {
                    Ok((
                        k.clone(),
                        avro_to_json(p, &m.types, x, &format!("{path}.{k}"))?,
                    ))
                })
                .collect::<Result<_, String>>()?,
        ),
        (AvroSchema::Union(u), AvroValue::Union(i, inner)) => {
            let branch = u
                .variants()
                .get(*i as usize)
                .ok_or_else(|| format!("{path}: union branch {i} out of range"))?;
            if matches!(**inner, AvroValue::Null) {
                Json::Null
            } else {
                let mut o = Map::new();
                o.insert(
                    branch_name(p, branch),
                    avro_to_json(p, branch, inner, path)?,
                );
                Json::Object(o)
            }
        }
        (AvroSchema::Record(r), AvroValue::Record(fields)) => {
            let mut o = Map::new();
            for (name, x) in fields {
                let f = r
                    .fields
                    .iter()
                    .find(|f| f.name == *name)
                    .ok_or_else(|| format!("{path}: unexpected field {name:?}"))?;
                o.insert(
                    name.clone(),
                    avro_to_json(p, &f.schema, x, &format!("{path}.{name}"))?,
                );
            }
            Json::Object(o)
        }
        (_, AvroValue::Duration(d)) => {
            let b: [u8; 12] = (*d).into();
            Json::String(latin1_string(&b))
        }
        (s, v) => {
            return Err(format!(
                "{path}: value {v:?} does not match the schema {s:?}"
            ))
        }
    })
}

fn encode(p: &Parsed, record_json: &str) -> Result<Vec<u8>, String> {
    let j: Json = serde_json::from_str(record_json)
        .map_err(|e| format!("the record is not valid JSON: {e}"))?;
    let v = json_to_avro(p, &p.schema, &j, "$")?;
    apache_avro::to_avro_datum(&p.schema, v).map_err(|e| format!("Avro encoding failed: {e}"))
}

/// Python's AvroSerializer.
pub struct AvroSerializer {
    client: Arc<SchemaRegistryClient>,
    schema: Option<(Schema, Arc<Parsed>)>,
    config: SerializerConfig,
    subjects: SubjectSchemas<Parsed>,
    parsed: Mutex<HashMap<String, Arc<Parsed>>>,
}

impl AvroSerializer {
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        schema_str: Option<&str>,
        config: SerializerConfig,
    ) -> KResult<AvroSerializer> {
        let schema = match schema_str {
            Some(t) => Some((
                Schema::new(t, SchemaType::Avro),
                Arc::new(Parsed::parse(t).map_err(KafkaError::invalid_arg)?),
            )),
            None if config.use_latest_version => None,
            None => {
                return Err(KafkaError::invalid_arg(
                    "schema_str may be NULL only with use.latest.version=true",
                ))
            }
        };
        Ok(AvroSerializer {
            client,
            schema,
            config,
            subjects: SubjectSchemas::default(),
            parsed: Mutex::default(),
        })
    }

    /// Serializes one record (JSON text) to the Confluent wire format; None stays None.
    pub fn serialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(data) = data else {
            return Ok(Value::null());
        };
        let text =
            std::str::from_utf8(data).map_err(|e| format!("the record is not UTF-8: {e}"))?;
        let record_name = self.schema.as_ref().and_then(|(_, p)| p.record_name());
        let subject = self
            .config
            .subject_name_strategy
            .subject(ctx, record_name.as_deref())?;
        let (id, parsed) = self.subjects.resolve(
            &self.client,
            &self.config,
            &subject,
            self.schema.as_ref().map(|(s, p)| (s, p)),
            |latest| parse_cached(&self.parsed, &latest.schema_str),
        )?;
        let body = encode(&parsed, text)?;
        let mut out = framed(id, body.len());
        out.extend_from_slice(&body);
        Ok(Value::bytes(Some(out)))
    }
}

/// Parses `text`, or takes it from `cache`.
fn parse_cached(
    cache: &Mutex<HashMap<String, Arc<Parsed>>>,
    text: &str,
) -> Result<Arc<Parsed>, String> {
    if let Some(p) = cache.lock().get(text) {
        return Ok(p.clone());
    }
    let p = Arc::new(Parsed::parse(text)?);
    cache.lock().insert(text.to_string(), p.clone());
    Ok(p)
}

/// Python's AvroDeserializer.
pub struct AvroDeserializer {
    client: Arc<SchemaRegistryClient>,
    reader: Option<Arc<Parsed>>,
    writers: Mutex<HashMap<i32, Arc<Parsed>>>,
}

impl AvroDeserializer {
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        reader_schema: Option<&str>,
        config_json: Option<&str>,
    ) -> KResult<Self> {
        if let Some((k, _)) = config_object(config_json)?.into_iter().next() {
            return Err(KafkaError::invalid_arg(format!(
                "unknown Avro deserializer configuration key {k:?}"
            )));
        }
        let reader = match reader_schema {
            Some(t) => Some(Arc::new(Parsed::parse(t).map_err(KafkaError::invalid_arg)?)),
            None => None,
        };
        Ok(AvroDeserializer {
            client,
            reader,
            writers: Mutex::default(),
        })
    }

    /// Deserializes Confluent wire-format bytes to the record as JSON text; None stays None.
    pub fn deserialize(&self, _ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(d) = data else {
            return Ok(Value::null());
        };
        let (id, mut body) = unframe(d)?;
        let cached = self.writers.lock().get(&id).cloned();
        let writer = match cached {
            Some(w) => w,
            None => {
                let s = self
                    .client
                    .get_schema(id)
                    .map_err(|e| format!("schema id {id}: {}", e.message.to_string_lossy()))?;
                if s.schema_type != SchemaType::Avro {
                    return Err(format!(
                        "schema id {id} is a {} schema, not Avro",
                        s.schema_type.as_str()
                    ));
                }
                let w = Arc::new(
                    Parsed::parse(&s.schema_str).map_err(|e| format!("schema id {id}: {e}"))?,
                );
                self.writers.lock().insert(id, w.clone());
                w
            }
        };
        let (value, out_schema) = match &self.reader {
            Some(r) => (
                apache_avro::from_avro_datum(&writer.schema, &mut body, Some(&r.schema)),
                r,
            ),
            None => (
                apache_avro::from_avro_datum(&writer.schema, &mut body, None),
                &writer,
            ),
        };
        let value = value.map_err(|e| format!("invalid Avro payload (schema id {id}): {e}"))?;
        let j = avro_to_json(out_schema, &out_schema.schema, &value, "$")?;
        Ok(Value::bytes(Some(j.to_string().into_bytes())))
    }
}
