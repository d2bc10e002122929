//! The Avro serializer and deserializer (Python's AvroSerializer / AvroDeserializer) in the
//! Confluent wire format: magic byte 0, the schema id as 4 bytes big-endian, then the record in
//! Avro's binary encoding. Records cross the ABI as JSON text, mapped as follows (both ways):
//!
//! - record, map: JSON object (record fields in the schema's order; map entries written in the
//!   JSON's order, read back sorted by key); array: JSON array; null: null; boolean, int, long, float,
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

use super::avro_writer::write_record;
use super::schema_based::{
    framed, referenced_schemas, registry_cause, unframe, DeserializerConfig, LatestSchemas,
    SerializerConfig, SubjectSchemas,
};
use super::{Context, Value};
use crate::error::{KResult, KafkaError};
use crate::schema_registry::{Schema, SchemaRegistryClient, SchemaType};

/// A parsed Avro schema with its named types (for references inside it) and the schemas it
/// references (other subjects' named types, parsed together with it).
pub struct Parsed {
    pub schema: AvroSchema,
    refs: Vec<AvroSchema>,
    names: HashMap<Name, AvroSchema>,
}

impl Parsed {
    pub fn parse(text: &str) -> Result<Parsed, String> {
        Parsed::parse_with_refs(text, &[])
    }

    /// Parses `text` together with the text of the named schemas it references (in any order).
    pub fn parse_with_refs(text: &str, refs: &[String]) -> Result<Parsed, String> {
        let (schema, refs) = if refs.is_empty() {
            let s = AvroSchema::parse_str(text).map_err(|e| format!("invalid Avro schema: {e}"))?;
            (s, Vec::new())
        } else {
            AvroSchema::parse_str_with_list(text, refs)
                .map_err(|e| format!("invalid Avro schema (with its references): {e}"))?
        };
        let names = {
            // Each named type must be defined before its use: the references (dependencies
            // first), then the schema.
            let mut all: Vec<&AvroSchema> = refs.iter().collect();
            all.push(&schema);
            let r = apache_avro::schema::ResolvedSchema::try_from(all)
                .map_err(|e| format!("invalid Avro schema: {e}"))?;
            r.get_names()
                .iter()
                .map(|(k, v)| (k.clone(), (*v).clone()))
                .collect()
        };
        Ok(Parsed {
            schema,
            refs,
            names,
        })
    }

    /// The schemas it references (dependencies first), then the schema.
    fn all(&self) -> Vec<&AvroSchema> {
        let mut all: Vec<&AvroSchema> = self.refs.iter().collect();
        all.push(&self.schema);
        all
    }

    fn record_name(&self) -> Option<String> {
        match &self.schema {
            AvroSchema::Record(r) => Some(r.name.fullname(None)),
            AvroSchema::Enum(r) => Some(r.name.fullname(None)),
            AvroSchema::Fixed(r) => Some(r.name.fullname(None)),
            _ => None,
        }
    }

    pub(super) fn deref<'a>(&'a self, s: &'a AvroSchema) -> Result<&'a AvroSchema, String> {
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
pub(super) fn branch_name(p: &Parsed, s: &AvroSchema) -> String {
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

fn latin1_string(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

/// Parses a decimal ("-12.34" or a JSON number) to its unscaled value with `scale` digits.
pub(super) fn parse_decimal(j: &Json, scale: usize, what: &str) -> Result<i128, String> {
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

pub(super) fn format_decimal(unscaled: i128, scale: usize) -> String {
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
pub(super) fn decimal_bytes(v: i128, len: Option<usize>, what: &str) -> Result<Vec<u8>, String> {
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
        (AvroSchema::Map(m), AvroValue::Map(entries)) => {
            // apache-avro decodes a map into a HashMap, losing the data's order: sorted keys at
            // least give the same text for the same data every time.
            let mut sorted: Vec<_> = entries.iter().collect();
            sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
            Json::Object(
                sorted
                    .into_iter()
                    .map(|(k, x)| {
                        Ok((
                            k.clone(),
                            avro_to_json(p, &m.types, x, &format!("{path}.{k}"))?,
                        ))
                    })
                    .collect::<Result<_, String>>()?,
            )
        }
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

/// The text of every schema `schema` references (dependencies first).
fn referenced_texts(client: &SchemaRegistryClient, schema: &Schema) -> KResult<Vec<String>> {
    Ok(referenced_schemas(client, schema)?
        .into_iter()
        .map(|(_, text)| text)
        .collect())
}

/// Parses a registered schema with its references.
fn parse_registered(client: &SchemaRegistryClient, schema: &Schema) -> Result<Parsed, String> {
    let refs = referenced_texts(client, schema).map_err(registry_cause)?;
    Parsed::parse_with_refs(&schema.schema_str, &refs)
}

/// Parses a schema given by the application (with its references, fetched from the registry).
fn parse_own(client: &SchemaRegistryClient, schema: &Schema, what: &str) -> KResult<Parsed> {
    if schema.schema_type != SchemaType::Avro {
        return Err(KafkaError::invalid_arg(format!(
            "{what} is a {} schema, not AVRO",
            schema.schema_type.as_str()
        )));
    }
    let refs = referenced_texts(client, schema)?;
    Parsed::parse_with_refs(&schema.schema_str, &refs).map_err(KafkaError::invalid_arg)
}

/// Python's AvroSerializer.
pub struct AvroSerializer {
    client: Arc<SchemaRegistryClient>,
    schema: Option<(Schema, Arc<Parsed>)>,
    config: SerializerConfig,
    subjects: SubjectSchemas<Parsed>,
    parsed: Mutex<HashMap<Schema, Arc<Parsed>>>,
    /// The full name of the schema's named type, for the subject name strategies.
    record_name: Option<String>,
}

impl AvroSerializer {
    /// `schema` (None only with use.latest.version) may reference other subjects' schemas:
    /// they are fetched from the registry now and parsed together with it.
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        schema: Option<Schema>,
        config: SerializerConfig,
    ) -> KResult<AvroSerializer> {
        let schema = config.own_schema(schema, |s| {
            let p = parse_own(&client, &s, "the schema")?;
            Ok((s, Arc::new(p)))
        })?;
        let record_name = schema.as_ref().and_then(|(_, p)| p.record_name());
        Ok(AvroSerializer {
            client,
            schema,
            record_name,
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
        let subject = self
            .config
            .subject_name_strategy
            .subject(ctx, self.record_name.as_deref())?;
        let (id, parsed) = self.subjects.resolve(
            &self.client,
            &self.config,
            &subject,
            self.schema.as_ref().map(|(s, p)| (s, p)),
            |latest| parse_cached(&self.client, &self.parsed, latest),
        )?;
        let record: Json =
            serde_json::from_str(text).map_err(|e| format!("the record is not valid JSON: {e}"))?;
        // The Avro body is rarely longer than its JSON text.
        let mut out = framed(id, text.len());
        write_record(&parsed, &record, &mut out)?;
        Ok(Value::bytes(Some(out)))
    }
}

/// Parses a registered `schema` (with its references), or takes it from `cache`.
fn parse_cached(
    client: &SchemaRegistryClient,
    cache: &Mutex<HashMap<Schema, Arc<Parsed>>>,
    schema: &Schema,
) -> Result<Arc<Parsed>, String> {
    if let Some(p) = cache.lock().get(schema) {
        return Ok(p.clone());
    }
    if schema.schema_type != SchemaType::Avro {
        return Err(format!(
            "the registered schema is a {} schema, not Avro",
            schema.schema_type.as_str()
        ));
    }
    let p = Arc::new(parse_registered(client, schema)?);
    cache.lock().insert(schema.clone(), p.clone());
    Ok(p)
}

/// Python's AvroDeserializer.
pub struct AvroDeserializer {
    client: Arc<SchemaRegistryClient>,
    reader: Option<Arc<Parsed>>,
    config: DeserializerConfig,
    writers: Mutex<HashMap<i32, Arc<Parsed>>>,
    /// use.latest.version: the reader schema per subject (fetched once).
    latest: LatestSchemas<Parsed>,
    parsed: Mutex<HashMap<Schema, Arc<Parsed>>>,
}

impl AvroDeserializer {
    /// `reader_schema` may reference other subjects' schemas: they are fetched from the
    /// registry now and parsed together with it.
    pub fn new(
        client: Arc<SchemaRegistryClient>,
        reader_schema: Option<Schema>,
        config: DeserializerConfig,
    ) -> KResult<Self> {
        let reader = match reader_schema {
            Some(s) => Some(Arc::new(parse_own(&client, &s, "the reader schema")?)),
            None => None,
        };
        Ok(AvroDeserializer {
            client,
            reader,
            config,
            writers: Mutex::default(),
            latest: LatestSchemas::default(),
            parsed: Mutex::default(),
        })
    }

    fn writer(&self, id: i32) -> Result<Arc<Parsed>, String> {
        if let Some(w) = self.writers.lock().get(&id) {
            return Ok(w.clone());
        }
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
            parse_registered(&self.client, &s).map_err(|e| format!("schema id {id}: {e}"))?,
        );
        self.writers.lock().insert(id, w.clone());
        Ok(w)
    }

    /// use.latest.version: the subject's latest schema (Python names the subject from the
    /// context alone, else with the writer schema's record name).
    fn latest_reader(&self, ctx: &Context, writer: &Parsed) -> Result<Arc<Parsed>, String> {
        self.latest.reader(
            &self.client,
            self.config.subject_name_strategy,
            ctx,
            writer.record_name().as_deref(),
            |latest| parse_cached(&self.client, &self.parsed, latest),
        )
    }

    /// Deserializes Confluent wire-format bytes to the record as JSON text; None stays None.
    pub fn deserialize(&self, ctx: &Context, data: Option<&[u8]>) -> Result<Value, String> {
        let Some(d) = data else {
            return Ok(Value::null());
        };
        let (id, mut body) = unframe(d)?;
        let writer = self.writer(id)?;
        // Before apache-avro allocates anything for it (see AvroWalk).
        AvroWalk::check(&writer, body)
            .map_err(|e| format!("invalid Avro payload (schema id {id}): {e}"))?;
        let reader = if self.config.use_latest_version {
            Some(self.latest_reader(ctx, &writer)?)
        } else {
            self.reader.clone()
        };
        let value = match &reader {
            Some(r) => apache_avro::from_avro_datum_reader_schemata(
                &writer.schema,
                writer.all(),
                &mut body,
                Some(&r.schema),
                if r.refs.is_empty() {
                    Vec::new()
                } else {
                    r.all()
                },
            ),
            None => {
                apache_avro::from_avro_datum_schemata(&writer.schema, writer.all(), &mut body, None)
            }
        };
        let value = value.map_err(|e| format!("invalid Avro payload (schema id {id}): {e}"))?;
        let out = reader.as_ref().unwrap_or(&writer);
        let j = avro_to_json(out, &out.schema, &value, "$")?;
        Ok(Value::bytes(Some(j.to_string().into_bytes())))
    }
}

/// Deepest nesting of records, arrays, maps and unions a payload may have: apache-avro's decoder
/// and the JSON conversion recurse once per level, so a deep recursive record (a linked list of
/// a million nodes) would overflow the stack of the consuming thread.
const MAX_AVRO_DEPTH: usize = 512;
/// Items of a type that takes no bytes (null, an empty record) a payload may hold in all.
const MAX_AVRO_EMPTY_ITEMS: u64 = 1 << 20;

/// Walks Avro binary data against its writer schema without decoding it, and refuses what would
/// make decoding it exhaust memory or the stack: apache-avro 0.21 reserves room for a whole
/// array or map block from its count before reading any item, so 10 bytes claiming 2^29 items
/// asked for tens of GB and aborted the process (found by fuzz/wire_avro). A block is accepted
/// only when the bytes left can hold its items (each takes at least one byte), or, for items
/// that take none, within MAX_AVRO_EMPTY_ITEMS; nesting is bounded by MAX_AVRO_DEPTH. Data it
/// accepts may still be invalid: the decoder reports that.
struct AvroWalk<'a> {
    p: &'a Parsed,
    data: &'a [u8],
    empty_items: u64,
}

impl<'a> AvroWalk<'a> {
    fn check(p: &'a Parsed, data: &'a [u8]) -> Result<(), String> {
        let mut w = AvroWalk {
            p,
            data,
            empty_items: 0,
        };
        w.value(&p.schema, 0)
    }

    fn long(&mut self) -> Result<i64, String> {
        let mut n: u64 = 0;
        for i in 0..10 {
            let (&b, rest) = self.data.split_first().ok_or("truncated data")?;
            self.data = rest;
            n |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(((n >> 1) as i64) ^ -((n & 1) as i64));
            }
        }
        Err("a variable-length integer longer than 10 bytes".into())
    }

    fn skip(&mut self, n: u64) -> Result<(), String> {
        if n > self.data.len() as u64 {
            return Err(format!(
                "truncated data ({n} bytes wanted, {} left)",
                self.data.len()
            ));
        }
        self.data = &self.data[n as usize..];
        Ok(())
    }

    fn bytes(&mut self) -> Result<(), String> {
        let n = self.long()?;
        let n = u64::try_from(n).map_err(|_| format!("negative length {n}"))?;
        self.skip(n)
    }

    /// Whether a value of `s` always takes at least one byte (unsure: false).
    fn takes_bytes(&self, s: &AvroSchema, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        match self.p.deref(s) {
            Ok(AvroSchema::Null) | Err(_) => false,
            Ok(AvroSchema::Record(r)) => r
                .fields
                .iter()
                .any(|f| self.takes_bytes(&f.schema, depth + 1)),
            Ok(AvroSchema::Fixed(f)) => f.size > 0,
            Ok(AvroSchema::Decimal(d)) => self.takes_bytes(&d.inner, depth + 1),
            Ok(_) => true,
        }
    }

    fn blocks(&mut self, items: &AvroSchema, map: bool, depth: usize) -> Result<(), String> {
        let sized = map || self.takes_bytes(items, 0);
        loop {
            let mut n = self.long()?;
            if n == 0 {
                return Ok(());
            }
            if n < 0 {
                n = n.checked_neg().ok_or("block count overflow")?;
                self.long()?; // the block's size in bytes
            }
            let n = n as u64;
            if sized && n > self.data.len() as u64 {
                return Err(format!(
                    "a block of {n} items in the {} bytes left",
                    self.data.len()
                ));
            }
            if !sized {
                self.empty_items += n;
                if self.empty_items > MAX_AVRO_EMPTY_ITEMS {
                    return Err(format!(
                        "more than {MAX_AVRO_EMPTY_ITEMS} items that take no bytes"
                    ));
                }
            }
            for _ in 0..n {
                if map {
                    self.bytes()?;
                }
                self.value(items, depth + 1)?;
            }
        }
    }

    fn value(&mut self, s: &AvroSchema, depth: usize) -> Result<(), String> {
        if depth > MAX_AVRO_DEPTH {
            return Err(format!("nested deeper than {MAX_AVRO_DEPTH} levels"));
        }
        match self.p.deref(s)? {
            AvroSchema::Null => Ok(()),
            AvroSchema::Boolean => self.skip(1),
            AvroSchema::Float => self.skip(4),
            AvroSchema::Double => self.skip(8),
            AvroSchema::Duration => self.skip(12),
            AvroSchema::Fixed(f) => self.skip(f.size as u64),
            AvroSchema::Bytes | AvroSchema::String | AvroSchema::Uuid | AvroSchema::BigDecimal => {
                self.bytes()
            }
            AvroSchema::Decimal(d) => self.value(&d.inner, depth + 1),
            AvroSchema::Union(u) => {
                let i = self.long()?;
                let v = usize::try_from(i)
                    .ok()
                    .and_then(|i| u.variants().get(i))
                    .ok_or_else(|| format!("union index {i} out of range"))?;
                self.value(v, depth + 1)
            }
            AvroSchema::Record(r) => {
                for f in &r.fields {
                    self.value(&f.schema, depth + 1)?;
                }
                Ok(())
            }
            AvroSchema::Array(a) => self.blocks(&a.items, false, depth),
            AvroSchema::Map(m) => self.blocks(&m.types, true, depth),
            // int, long, enum and the logical types over them: one variable-length integer.
            _ => self.long().map(|_| ()),
        }
    }
}
