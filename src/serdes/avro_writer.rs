//! JSON record -> Avro binary encoding, written straight into the output buffer.
//!
//! The serializer's hot path. It walks the schema and the parsed JSON together and writes the
//! bytes apache-avro's encoder would write for the value the JSON mapping (avro.rs's module
//! documentation) describes, without building an `apache_avro::Value` tree, resolving the schema
//! again or validating the value a second time. The path to a value ("$.address.city") appears
//! only in error messages, so it is a chain of borrowed segments formatted only on error.
use std::fmt;

use apache_avro::schema::{Name, Schema as AvroSchema};
use serde_json::{Map, Value as Json};

use super::avro::{decimal_bytes, format_decimal, parse_decimal, Parsed};

/// Where a value sits in the record, for error messages.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("$"),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Appends the Avro binary encoding of the JSON record `j` (schema `p.schema`) to `out`.
pub fn write_record(p: &Parsed, j: &Json, out: &mut Vec<u8>) -> Result<(), String> {
    write(p, &p.schema, j, out, Path::Root)
}

fn long(n: i64, out: &mut Vec<u8>) {
    // Zig-zag, then base-128 varint, low group first.
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z > 0x7f {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    long(b.len() as i64, out);
    out.extend_from_slice(b);
}

/// A string whose code points 0-255 are bytes (Avro's JSON encoding of bytes and fixed).
fn latin1_into(s: &str, out: &mut Vec<u8>, path: Path) -> Result<(), String> {
    for c in s.chars() {
        let b = u8::try_from(c as u32)
            .map_err(|_| format!("{path}: code point U+{:04X} is above 255", c as u32))?;
        out.push(b);
    }
    Ok(())
}

fn int_of(j: &Json, path: Path) -> Result<i64, String> {
    j.as_i64()
        .ok_or_else(|| format!("{path}: expected an integer, got {j}"))
}

fn i32_of(j: &Json, path: Path) -> Result<i32, String> {
    i32::try_from(int_of(j, path)?).map_err(|_| format!("{path}: {j} is out of the int range"))
}

/// Whether `given` names `name`: its full name, or its short name.
fn names(name: &Name, given: &str) -> bool {
    if given == name.name {
        return true;
    }
    match &name.namespace {
        Some(ns) if !ns.is_empty() => {
            given
                .strip_suffix(name.name.as_str())
                .and_then(|g| g.strip_suffix('.'))
                == Some(ns.as_str())
        }
        _ => false,
    }
}

/// Whether the union branch `s` is the one named `given` in `{"<branch>": value}`.
fn is_branch(p: &Parsed, s: &AvroSchema, given: &str) -> bool {
    let s = p.deref(s).unwrap_or(s);
    match s {
        AvroSchema::Record(r) => names(&r.name, given),
        AvroSchema::Enum(r) => names(&r.name, given),
        AvroSchema::Fixed(r) => names(&r.name, given),
        AvroSchema::Ref { name } => names(name, given),
        AvroSchema::Decimal(d) => is_branch(p, &d.inner, given),
        _ => {
            let b = super::avro::branch_name(p, s);
            b == given
        }
    }
}

fn write(
    p: &Parsed,
    s: &AvroSchema,
    j: &Json,
    out: &mut Vec<u8>,
    path: Path,
) -> Result<(), String> {
    let s = p.deref(s)?;
    let mismatch = |want: &str| format!("{path}: expected {want}, got {j}");
    match s {
        AvroSchema::Null => {
            if !j.is_null() {
                return Err(mismatch("null"));
            }
        }
        AvroSchema::Boolean => out.push(j.as_bool().ok_or_else(|| mismatch("a boolean"))? as u8),
        AvroSchema::Int | AvroSchema::Date | AvroSchema::TimeMillis => {
            long(i32_of(j, path)? as i64, out)
        }
        AvroSchema::Long
        | AvroSchema::TimeMicros
        | AvroSchema::TimestampMillis
        | AvroSchema::TimestampMicros
        | AvroSchema::TimestampNanos
        | AvroSchema::LocalTimestampMillis
        | AvroSchema::LocalTimestampMicros
        | AvroSchema::LocalTimestampNanos => long(int_of(j, path)?, out),
        AvroSchema::Float => {
            let d = j.as_f64().ok_or_else(|| mismatch("a number"))?;
            let f = d as f32;
            // A finite number beyond f32's range would become an infinity, which the JSON
            // mapping cannot give back (Python's fastavro refuses it too).
            if f.is_infinite() {
                return Err(format!("{path}: {j} is out of the float range"));
            }
            out.extend_from_slice(&f.to_le_bytes())
        }
        AvroSchema::Double => {
            let f = j.as_f64().ok_or_else(|| mismatch("a number"))?;
            out.extend_from_slice(&f.to_le_bytes())
        }
        AvroSchema::Bytes => {
            let text = j.as_str().ok_or_else(|| mismatch("a string"))?;
            // The length prefix needs the byte count, known only after the conversion.
            let mut b = Vec::with_capacity(text.len());
            latin1_into(text, &mut b, path)?;
            bytes(&b, out)
        }
        AvroSchema::String => bytes(
            j.as_str().ok_or_else(|| mismatch("a string"))?.as_bytes(),
            out,
        ),
        AvroSchema::Uuid => {
            // apache-avro writes a uuid (string- or fixed-based) as its string form.
            let t = j.as_str().ok_or_else(|| mismatch("a uuid string"))?;
            let u = apache_avro::Uuid::parse_str(t)
                .map_err(|e| format!("{path}: {t:?} is not a uuid: {e}"))?;
            bytes(u.to_string().as_bytes(), out)
        }
        AvroSchema::Array(a) => {
            let items = j.as_array().ok_or_else(|| mismatch("an array"))?;
            // One block holding every item, then the empty block (none for an empty array).
            if !items.is_empty() {
                long(items.len() as i64, out);
                for (i, v) in items.iter().enumerate() {
                    write(p, &a.items, v, out, Path::Index(&path, i))?;
                }
            }
            out.push(0);
        }
        AvroSchema::Map(m) => {
            let o = j.as_object().ok_or_else(|| mismatch("an object"))?;
            if !o.is_empty() {
                long(o.len() as i64, out);
                for (k, v) in o {
                    bytes(k.as_bytes(), out);
                    write(p, &m.types, v, out, Path::Field(&path, k))?;
                }
            }
            out.push(0);
        }
        AvroSchema::Union(u) => {
            let variants = u.variants();
            if j.is_null() {
                let i = variants
                    .iter()
                    .position(|v| matches!(v, AvroSchema::Null))
                    .ok_or_else(|| format!("{path}: null is not a branch of the union"))?;
                long(i as i64, out);
                return Ok(());
            }
            let (name, inner) = match j.as_object() {
                Some(o) if o.len() == 1 => o.iter().next().expect("one entry"),
                _ => {
                    return Err(format!(
                        "{path}: a union value must be null or {{\"<branch>\": value}}, got {j}"
                    ))
                }
            };
            let i = variants
                .iter()
                .position(|v| is_branch(p, v, name))
                .ok_or_else(|| format!("{path}: {name:?} is not a branch of the union"))?;
            long(i as i64, out);
            write(p, &variants[i], inner, out, path)?;
        }
        AvroSchema::Record(r) => {
            let o = j.as_object().ok_or_else(|| mismatch("an object"))?;
            let mut found = 0;
            for f in &r.fields {
                let fp = Path::Field(&path, &f.name);
                match o.get(&f.name) {
                    Some(v) => {
                        found += 1;
                        write(p, &f.schema, v, out, fp)?
                    }
                    None => match &f.default {
                        Some(d) => write_default(p, &f.schema, d, out, fp)?,
                        None => return Err(format!("{fp}: missing field (no default)")),
                    },
                }
            }
            if found < o.len() {
                return Err(unknown_field(r, o, path));
            }
        }
        AvroSchema::Enum(e) => {
            let sym = j.as_str().ok_or_else(|| mismatch("an enum symbol"))?;
            let i = e.symbols.iter().position(|s| s == sym).ok_or_else(|| {
                format!(
                    "{path}: {sym:?} is not a symbol of {}",
                    e.name.fullname(None)
                )
            })?;
            long(i as i64, out);
        }
        AvroSchema::Fixed(f) => {
            let start = out.len();
            latin1_into(j.as_str().ok_or_else(|| mismatch("a string"))?, out, path)?;
            let n = out.len() - start;
            if n != f.size {
                out.truncate(start);
                return Err(format!(
                    "{path}: fixed {} needs {} bytes, got {n}",
                    f.name.fullname(None),
                    f.size,
                ));
            }
        }
        AvroSchema::Decimal(d) => {
            let path_text = path.to_string();
            let v = parse_decimal(j, d.scale, &path_text)?;
            let fixed = match p.deref(&d.inner)? {
                AvroSchema::Fixed(f) => Some(f.size),
                _ => None,
            };
            let b = decimal_bytes(v, fixed, &path_text)?;
            if format_decimal(v, 0).trim_start_matches('-').len() > d.precision {
                return Err(format!("{path}: {j} exceeds the precision {}", d.precision));
            }
            match fixed {
                Some(_) => out.extend_from_slice(&b),
                None => bytes(&b, out),
            }
        }
        AvroSchema::BigDecimal => return Err(format!("{path}: big-decimal is not supported")),
        AvroSchema::Duration => {
            let start = out.len();
            let text = j.as_str().ok_or_else(|| mismatch("a 12-byte string"))?;
            latin1_into(text, out, path)?;
            if out.len() - start != 12 {
                out.truncate(start);
                return Err(format!("{path}: a duration is 12 bytes"));
            }
        }
        AvroSchema::Ref { .. } => unreachable!("dereferenced"),
    }
    Ok(())
}

/// The error for a record object with a key that is not one of its fields.
fn unknown_field(
    r: &apache_avro::schema::RecordSchema,
    o: &Map<String, Json>,
    path: Path,
) -> String {
    let k = o
        .keys()
        .find(|k| !r.fields.iter().any(|f| f.name == **k))
        .map(String::as_str)
        .unwrap_or("?");
    format!("{path}: {k:?} is not a field of {}", r.name.fullname(None))
}

/// A field default (Avro's JSON encoding: a union's default is for its first branch, unwrapped).
fn write_default(
    p: &Parsed,
    s: &AvroSchema,
    d: &Json,
    out: &mut Vec<u8>,
    path: Path,
) -> Result<(), String> {
    if let AvroSchema::Union(u) = p.deref(s)? {
        let first = u
            .variants()
            .first()
            .ok_or_else(|| format!("{path}: empty union"))?;
        long(0, out);
        return write_default(p, first, d, out, path);
    }
    write(p, s, d, out, path)
}
