//! A fast proto3-JSON → Protobuf binary encoder for the Protobuf serializer's JSON records.
//!
//! It streams the JSON text through serde_json's deserializer (no `serde_json::Value`, no
//! `DynamicMessage`) and writes the binary encoding straight into the output, driven by a
//! [`Plan`]: per message, its fields sorted by number with their kinds, tags and names, built
//! once per message descriptor and cached by the caller. The visitors mirror prost-reflect's
//! (`prost-reflect/src/dynamic/serde/de`) method by method, so a record is accepted or rejected
//! exactly as `DynamicMessage::deserialize_with_options(.., &DeserializeOptions::new())` does and
//! the bytes are those `encode_to_vec()` writes: fields in field-number order (keys that come out
//! of order, or twice, are re-ordered at the end of their message, the last occurrence winning as
//! prost-reflect's `set_field` does), implicit-presence fields at their default omitted, lists
//! packed as the descriptor says, map entries as messages whose key/value are omitted at their
//! default when the entry fields have implicit presence (proto3) and always written otherwise
//! (proto2). Map entries are written in the JSON's order; prost-reflect writes them in its
//! HashMap's (random) order, so only maps of one entry are byte-identical between the two.
//!
//! Falls back (`Ok(false)`, the caller then uses prost-reflect) when the record uses:
//! - any message of the `google.protobuf` package (the well-known types, whose JSON forms are
//!   special: Timestamp, Duration, wrappers, Struct/Value/ListValue, Any, FieldMask, Empty), as
//!   the record itself, a field, a list element or a map value, and the `google.protobuf.NullValue`
//!   enum (null means something there);
//! - a group field (proto2 `group`, editions' delimited encoding);
//! - an unknown key in a message that has extensions (the key may name one: `[pkg.ext]`);
//! - a map with the same key twice (prost-reflect keeps the last; the order question above makes
//!   the fast path not worth it there);
//! - a message with more than 64 oneofs;
//! - text that is not UTF-8 (prost-reflect's path reports where).
//!
//! Nested messages, strings, bytes and packed lists are written with a one-byte length
//! placeholder that is widened (the content moved) when the content turns out to be 128 bytes or
//! longer.
use std::collections::HashMap;
use std::fmt;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, DecodeError, Engine as _};
use prost_reflect::{Kind, MessageDescriptor, Value as PValue};
use serde_core::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Appends the Protobuf binary encoding of the proto3-JSON record `json` (message `desc`) to
/// `out`. Ok(true): written. Ok(false): the record uses something this fast path does not handle
/// (out is then restored to its length on entry) and the caller must use prost-reflect's path.
/// Err: the record is invalid (a message for the application, naming the field).
///
/// Builds the message's [`Plan`] on each call: callers encoding many records keep a [`Plan`]
/// and call [`Plan::encode`] (the serializer caches one per target message).
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode_json(
    desc: &MessageDescriptor,
    json: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, String> {
    Plan::new(desc).encode(json, out)
}

/// A scalar (or enum/message) kind, as the encoder needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    Str,
    Bytes,
    /// Index into [`Plan::enums`] and the enum's default number.
    Enum(u32, i32),
    /// Index into [`Plan::msgs`].
    Msg(u32),
    /// Something the fast path does not handle (a well-known type, NullValue).
    Fallback,
}

const WT_VARINT: u32 = 0;
const WT_I64: u32 = 1;
const WT_LEN: u32 = 2;
const WT_I32: u32 = 5;

impl K {
    fn wire_type(self) -> u32 {
        match self {
            K::Double | K::Fixed64 | K::Sfixed64 => WT_I64,
            K::Float | K::Fixed32 | K::Sfixed32 => WT_I32,
            K::Str | K::Bytes | K::Msg(_) | K::Fallback => WT_LEN,
            _ => WT_VARINT,
        }
    }

    fn expecting(self) -> &'static str {
        match self {
            K::Double => "a 64-bit floating point value",
            K::Float => "a 32-bit floating point value",
            K::Int32 | K::Sint32 | K::Sfixed32 => "a 32-bit signed integer",
            K::Uint32 | K::Fixed32 => "a 32-bit unsigned integer or decimal string",
            K::Int64 | K::Sint64 | K::Sfixed64 => "a 64-bit signed integer or decimal string",
            K::Uint64 | K::Fixed64 => "a 64-bit unsigned integer or decimal string",
            K::Bool => "a boolean",
            K::Str => "a string",
            K::Bytes => "a base64-encoded string",
            K::Enum(..) => "a string or integer",
            K::Msg(_) | K::Fallback => "a map",
        }
    }
}

#[derive(Debug)]
enum Card {
    Single,
    List {
        packed: bool,
    },
    Map {
        key: K,
        key_presence: bool,
        value: K,
        value_presence: bool,
        value_default: i32,
    },
}

#[derive(Debug)]
struct FieldPlan {
    number: u32,
    json_name: Box<str>,
    kind: K,
    card: Card,
    /// Explicit presence: written even at the default.
    presence: bool,
    /// Index of the containing oneof (synthetic ones included, as prost-reflect checks them).
    oneof: Option<u8>,
    fallback: bool,
}

#[derive(Debug)]
struct MsgPlan {
    /// Sorted by field number.
    fields: Vec<FieldPlan>,
    /// (key, field index): json names first (they win), then .proto names.
    names: Vec<(Box<str>, u32)>,
    /// The same, hashed, for large messages.
    by_name: Option<HashMap<Box<str>, u32>>,
    oneof_names: Vec<Box<str>>,
    has_extensions: bool,
    fallback: bool,
}

impl MsgPlan {
    #[inline]
    fn lookup(&self, key: &str) -> Option<u32> {
        if let Some(m) = &self.by_name {
            return m.get(key).copied();
        }
        self.names
            .iter()
            .find(|(n, _)| n.len() == key.len() && **n == *key)
            .map(|&(_, i)| i)
    }
}

#[derive(Debug)]
struct EnumPlan {
    values: Vec<(Box<str>, i32)>,
}

/// The encoding plan of a message and of every message and enum it reaches.
#[derive(Debug)]
pub struct Plan {
    msgs: Vec<MsgPlan>,
    enums: Vec<EnumPlan>,
}

fn is_wkt(full_name: &str) -> bool {
    full_name.starts_with("google.protobuf.")
}

struct Builder {
    msgs: Vec<Option<MsgPlan>>,
    msg_index: HashMap<String, u32>,
    enums: Vec<EnumPlan>,
    enum_index: HashMap<String, u32>,
}

impl Builder {
    fn kind(&mut self, kind: &Kind) -> K {
        match kind {
            Kind::Double => K::Double,
            Kind::Float => K::Float,
            Kind::Int32 => K::Int32,
            Kind::Int64 => K::Int64,
            Kind::Uint32 => K::Uint32,
            Kind::Uint64 => K::Uint64,
            Kind::Sint32 => K::Sint32,
            Kind::Sint64 => K::Sint64,
            Kind::Fixed32 => K::Fixed32,
            Kind::Fixed64 => K::Fixed64,
            Kind::Sfixed32 => K::Sfixed32,
            Kind::Sfixed64 => K::Sfixed64,
            Kind::Bool => K::Bool,
            Kind::String => K::Str,
            Kind::Bytes => K::Bytes,
            Kind::Enum(e) => {
                if e.full_name() == "google.protobuf.NullValue" {
                    return K::Fallback;
                }
                let default = e.default_value().number();
                if let Some(&i) = self.enum_index.get(e.full_name()) {
                    return K::Enum(i, default);
                }
                let i = self.enums.len() as u32;
                self.enums.push(EnumPlan {
                    values: e.values().map(|v| (v.name().into(), v.number())).collect(),
                });
                self.enum_index.insert(e.full_name().to_string(), i);
                K::Enum(i, default)
            }
            Kind::Message(m) => {
                if is_wkt(m.full_name()) {
                    K::Fallback
                } else {
                    K::Msg(self.message(m))
                }
            }
        }
    }

    fn message(&mut self, desc: &MessageDescriptor) -> u32 {
        if let Some(&i) = self.msg_index.get(desc.full_name()) {
            return i;
        }
        let idx = self.msgs.len() as u32;
        self.msgs.push(None);
        self.msg_index.insert(desc.full_name().to_string(), idx);
        let mut fields: Vec<_> = desc.fields().collect();
        fields.sort_by_key(|f| f.number());
        let mut oneof_names: Vec<Box<str>> = Vec::new();
        let mut plans = Vec::with_capacity(fields.len());
        for f in &fields {
            let oneof = f.containing_oneof().map(|o| {
                let pos = match oneof_names.iter().position(|n| **n == *o.name()) {
                    Some(p) => p,
                    None => {
                        oneof_names.push(o.name().into());
                        oneof_names.len() - 1
                    }
                };
                pos.min(255) as u8
            });
            let kind = self.kind(&f.kind());
            let (card, kind) = if f.is_map() {
                let entry = f.kind();
                let entry = entry.as_message().expect("a map field's kind is its entry");
                let kf = entry.map_entry_key_field();
                let vf = entry.map_entry_value_field();
                let value = self.kind(&vf.kind());
                let value_default = PValue::default_value_for_field(&vf)
                    .as_enum_number()
                    .unwrap_or(0);
                (
                    Card::Map {
                        key: self.kind(&kf.kind()),
                        key_presence: kf.supports_presence(),
                        value,
                        value_presence: vf.supports_presence(),
                        value_default,
                    },
                    K::Fallback,
                )
            } else if f.is_list() {
                (
                    Card::List {
                        packed: f.is_packed(),
                    },
                    kind,
                )
            } else {
                (Card::Single, kind)
            };
            let fallback = f.is_group()
                || match &card {
                    Card::Map { value, .. } => *value == K::Fallback,
                    _ => kind == K::Fallback,
                };
            plans.push(FieldPlan {
                number: f.number(),
                json_name: f.json_name().into(),
                kind,
                card,
                presence: f.supports_presence(),
                oneof,
                fallback,
            });
        }
        let mut names: Vec<(Box<str>, u32)> = Vec::with_capacity(fields.len() * 2);
        for (i, f) in fields.iter().enumerate() {
            names.push((f.json_name().into(), i as u32));
        }
        for (i, f) in fields.iter().enumerate() {
            names.push((f.name().into(), i as u32));
        }
        let by_name = (names.len() > 32).then(|| {
            let mut m = HashMap::with_capacity(names.len());
            for (n, i) in names.iter().rev() {
                m.insert(n.clone(), *i);
            }
            m
        });
        let fallback = oneof_names.len() > 64 || is_wkt(desc.full_name());
        self.msgs[idx as usize] = Some(MsgPlan {
            fields: plans,
            names,
            by_name,
            oneof_names,
            has_extensions: desc.extensions().len() > 0,
            fallback,
        });
        idx
    }
}

impl Plan {
    /// The plan of `desc` (its message is the plan's root).
    pub fn new(desc: &MessageDescriptor) -> Plan {
        let mut b = Builder {
            msgs: Vec::new(),
            msg_index: HashMap::new(),
            enums: Vec::new(),
            enum_index: HashMap::new(),
        };
        b.message(desc);
        Plan {
            msgs: b
                .msgs
                .into_iter()
                .map(|m| m.expect("every planned message is built"))
                .collect(),
            enums: b.enums,
        }
    }

    /// [`encode_json`] for the plan's root message.
    pub fn encode(&self, json: &[u8], out: &mut Vec<u8>) -> Result<bool, String> {
        let entry = out.len();
        if self.msgs[0].fallback {
            return Ok(false);
        }
        thread_local! {
            /// The span stack, reused from record to record.
            static SPANS: std::cell::Cell<Vec<(u32, u32, u32)>> =
                const { std::cell::Cell::new(Vec::new()) };
        }
        let mut spans = SPANS.take();
        spans.clear();
        let mut enc = Enc {
            plan: self,
            out,
            spans,
            fallback: false,
            msg: None,
            path: Vec::new(),
        };
        // One UTF-8 check of the whole text is cheaper than serde_json's check of each string;
        // invalid UTF-8 is left to prost-reflect's path (it reports it).
        let Ok(json) = std::str::from_utf8(json) else {
            return Ok(false);
        };
        let mut de = serde_json::Deserializer::from_str(json);
        let r = (&mut de)
            .deserialize_map(MsgVisitor {
                enc: &mut enc,
                msg: 0,
            })
            .and_then(|()| de.end());
        SPANS.set(std::mem::take(&mut enc.spans));
        match r {
            Ok(()) => Ok(true),
            Err(e) => {
                enc.out.truncate(entry);
                if enc.fallback {
                    return Ok(false);
                }
                let msg = enc.msg.take().unwrap_or_else(|| e.to_string());
                if enc.path.is_empty() {
                    Err(msg)
                } else {
                    let mut p = String::from("$");
                    for s in enc.path.iter().rev() {
                        p.push_str(s);
                    }
                    Err(format!("{p}: {msg}"))
                }
            }
        }
    }
}

/// The encoder's state while one record streams through.
struct Enc<'p> {
    plan: &'p Plan,
    out: &'p mut Vec<u8>,
    /// (field index, start, end) of the fields written so far in the open messages; map keys
    /// (u32::MAX, start, end) while a map is open.
    spans: Vec<(u32, u32, u32)>,
    fallback: bool,
    /// The error message (the serde_json error's text when None).
    msg: Option<String>,
    /// The error's path, innermost first.
    path: Vec<String>,
}

impl Enc<'_> {
    fn fall_back<E: serde_core::de::Error>(&mut self) -> E {
        self.fallback = true;
        E::custom("fallback")
    }

    fn fail<E: serde_core::de::Error>(&mut self, msg: String) -> E {
        let e = E::custom(&msg);
        self.msg = Some(msg);
        e
    }

    fn at(&mut self, seg: impl FnOnce() -> String) {
        if !self.fallback {
            self.path.push(seg());
        }
    }
}

#[inline]
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[inline]
fn varint_len(v: u64) -> usize {
    ((((v | 1).leading_zeros() ^ 63) * 9 + 73) / 64) as usize
}

#[inline]
fn tag(out: &mut Vec<u8>, number: u32, wt: u32) {
    varint(out, ((number << 3) | wt) as u64);
}

/// Starts a length-delimited value: a one-byte placeholder; returns its position.
#[inline]
fn open_len(out: &mut Vec<u8>) -> usize {
    out.push(0);
    out.len() - 1
}

/// Ends a length-delimited value opened at `pos`.
#[inline]
fn close_len(out: &mut Vec<u8>, pos: usize) {
    let len = out.len() - pos - 1;
    if len < 0x80 {
        out[pos] = len as u8;
        return;
    }
    let n = varint_len(len as u64);
    let end = out.len();
    out.resize(end + n - 1, 0);
    out.copy_within(pos + 1..end, pos + n);
    let mut v = len as u64;
    for b in &mut out[pos..pos + n] {
        *b = (v as u8) | 0x80;
        v >>= 7;
    }
    out[pos + n - 1] &= 0x7f;
}

/// A parsed scalar, as prost-reflect's visitors produce it.
#[derive(Clone, Copy)]
enum Num {
    I32(i32),
    I64(i64),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    Bool(bool),
}

impl Num {
    fn is_default(self) -> bool {
        match self {
            Num::I32(v) => v == 0,
            Num::I64(v) => v == 0,
            Num::U32(v) => v == 0,
            Num::U64(v) => v == 0,
            Num::F32(v) => v == 0.0,
            Num::F64(v) => v == 0.0,
            Num::Bool(v) => !v,
        }
    }

    /// The value's bytes (no tag) for kind `k`.
    #[inline]
    fn write(self, k: K, out: &mut Vec<u8>) {
        match (self, k) {
            (Num::I32(v), K::Int32 | K::Enum(..)) => varint(out, v as i64 as u64),
            (Num::I32(v), K::Sint32) => varint(out, ((v << 1) ^ (v >> 31)) as u32 as u64),
            (Num::I32(v), K::Sfixed32) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::I64(v), K::Int64) => varint(out, v as u64),
            (Num::I64(v), K::Sint64) => varint(out, ((v << 1) ^ (v >> 63)) as u64),
            (Num::I64(v), K::Sfixed64) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::U32(v), K::Uint32) => varint(out, v as u64),
            (Num::U32(v), K::Fixed32) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::U64(v), K::Uint64) => varint(out, v),
            (Num::U64(v), K::Fixed64) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::F32(v), K::Float) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::F64(v), K::Double) => out.extend_from_slice(&v.to_le_bytes()),
            (Num::Bool(v), K::Bool) => out.push(v as u8),
            _ => unreachable!("a scalar parsed for another kind"),
        }
    }
}

/// Parses a number/bool of kind `k` exactly as prost-reflect's Double/Float/Int32/... visitors.
struct NumVisitor(K);

impl Visitor<'_> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0.expecting())
    }

    fn visit_bool<E: serde_core::de::Error>(self, v: bool) -> Result<Num, E> {
        match self.0 {
            K::Bool => Ok(Num::Bool(v)),
            _ => Err(E::invalid_type(serde_core::de::Unexpected::Bool(v), &self)),
        }
    }

    fn visit_i64<E: serde_core::de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(match self.0 {
            K::Double => Num::F64(v as f64),
            K::Float => Num::F32(v as f32),
            K::Int32 | K::Sint32 | K::Sfixed32 => Num::I32(v.try_into().map_err(E::custom)?),
            K::Int64 | K::Sint64 | K::Sfixed64 => Num::I64(v),
            K::Uint32 | K::Fixed32 => Num::U32(v.try_into().map_err(E::custom)?),
            K::Uint64 | K::Fixed64 => Num::U64(v.try_into().map_err(E::custom)?),
            _ => {
                return Err(E::invalid_type(
                    serde_core::de::Unexpected::Signed(v),
                    &self,
                ))
            }
        })
    }

    fn visit_u64<E: serde_core::de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(match self.0 {
            K::Double => Num::F64(v as f64),
            K::Float => Num::F32(v as f32),
            K::Int32 | K::Sint32 | K::Sfixed32 => Num::I32(v.try_into().map_err(E::custom)?),
            K::Int64 | K::Sint64 | K::Sfixed64 => Num::I64(v.try_into().map_err(E::custom)?),
            K::Uint32 | K::Fixed32 => Num::U32(v.try_into().map_err(E::custom)?),
            K::Uint64 | K::Fixed64 => Num::U64(v),
            _ => {
                return Err(E::invalid_type(
                    serde_core::de::Unexpected::Unsigned(v),
                    &self,
                ))
            }
        })
    }

    fn visit_f64<E: serde_core::de::Error>(self, v: f64) -> Result<Num, E> {
        let integral = |lo: f64, hi: f64| {
            if v.fract() != 0.0 {
                Err(E::custom("expected integer value"))
            } else if v < lo || v > hi {
                Err(E::custom("float value out of range"))
            } else {
                Ok(())
            }
        };
        Ok(match self.0 {
            K::Double => Num::F64(v),
            K::Float => {
                if v < (f32::MIN as f64) || v > (f32::MAX as f64) {
                    return Err(E::custom("float value out of range"));
                }
                Num::F32(v as f32)
            }
            K::Int32 | K::Sint32 | K::Sfixed32 => {
                integral(i32::MIN as f64, i32::MAX as f64)?;
                Num::I32(v as i32)
            }
            K::Int64 | K::Sint64 | K::Sfixed64 => {
                integral(i64::MIN as f64, i64::MAX as f64)?;
                Num::I64(v as i64)
            }
            K::Uint32 | K::Fixed32 => {
                integral(u32::MIN as f64, u32::MAX as f64)?;
                Num::U32(v as u32)
            }
            K::Uint64 | K::Fixed64 => {
                integral(u64::MIN as f64, u64::MAX as f64)?;
                Num::U64(v as u64)
            }
            _ => return Err(E::invalid_type(serde_core::de::Unexpected::Float(v), &self)),
        })
    }

    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<Num, E> {
        Ok(match self.0 {
            K::Double => Num::F64(match v.parse::<f64>() {
                Ok(x) => x,
                Err(_) if v == "Infinity" => f64::INFINITY,
                Err(_) if v == "-Infinity" => f64::NEG_INFINITY,
                Err(_) if v == "NaN" => f64::NAN,
                Err(e) => return Err(E::custom(e)),
            }),
            K::Float => Num::F32(match v.parse::<f32>() {
                Ok(x) => x,
                Err(_) if v == "Infinity" => f32::INFINITY,
                Err(_) if v == "-Infinity" => f32::NEG_INFINITY,
                Err(_) if v == "NaN" => f32::NAN,
                Err(e) => return Err(E::custom(e)),
            }),
            K::Int32 | K::Sint32 | K::Sfixed32 => Num::I32(v.parse().map_err(E::custom)?),
            K::Int64 | K::Sint64 | K::Sfixed64 => Num::I64(v.parse().map_err(E::custom)?),
            K::Uint32 | K::Fixed32 => Num::U32(v.parse().map_err(E::custom)?),
            K::Uint64 | K::Fixed64 => Num::U64(v.parse().map_err(E::custom)?),
            _ => return Err(E::invalid_type(serde_core::de::Unexpected::Str(v), &self)),
        })
    }
}

/// prost-reflect's EnumVisitor (unknown names rejected, as DeserializeOptions::new() does).
struct EnumVisitor<'a>(&'a EnumPlan);

impl Visitor<'_> for EnumVisitor<'_> {
    type Value = i32;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string or integer")
    }

    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<i32, E> {
        match self.0.values.iter().find(|(n, _)| **n == *v) {
            Some(&(_, n)) => Ok(n),
            None => Err(E::custom(format!("unrecognized enum value '{v}'"))),
        }
    }

    fn visit_i64<E: serde_core::de::Error>(self, v: i64) -> Result<i32, E> {
        v.try_into().map_err(E::custom)
    }

    fn visit_u64<E: serde_core::de::Error>(self, v: u64) -> Result<i32, E> {
        v.try_into().map_err(E::custom)
    }
}

/// Writes a string's bytes (tag and length when `tag` is given, nothing for "" when
/// `omit_default`).
struct StrVisitor<'a> {
    out: &'a mut Vec<u8>,
    tag: Option<u32>,
    omit_default: bool,
}

impl Visitor<'_> for StrVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    #[inline]
    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<(), E> {
        if self.omit_default && v.is_empty() {
            return Ok(());
        }
        if let Some(t) = self.tag {
            varint(self.out, t as u64);
        }
        varint(self.out, v.len() as u64);
        self.out.extend_from_slice(v.as_bytes());
        Ok(())
    }
}

const B64_CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent);
const B64_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, B64_CONFIG);
const B64_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, B64_CONFIG);

/// prost-reflect's BytesVisitor (standard alphabet, else URL-safe when the first bad byte is
/// '-' or '_'; padding optional; trailing bits allowed), decoding into the output.
struct BytesVisitor<'a> {
    out: &'a mut Vec<u8>,
    tag: Option<u32>,
    omit_default: bool,
}

impl Visitor<'_> for BytesVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a base64-encoded string")
    }

    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<(), E> {
        let out = self.out;
        let start = out.len();
        if let Some(t) = self.tag {
            varint(out, t as u64);
        }
        let pos = open_len(out);
        let r = match B64_STANDARD.decode_vec(v, out) {
            Err(DecodeError::InvalidByte(_, b'-' | b'_')) => {
                out.truncate(pos + 1);
                B64_URL_SAFE.decode_vec(v, out)
            }
            r => r,
        };
        if let Err(e) = r {
            out.truncate(start);
            return Err(E::custom(format!("invalid base64: {e}")));
        }
        if self.omit_default && out.len() == pos + 1 {
            out.truncate(start);
            return Ok(());
        }
        close_len(out, pos);
        Ok(())
    }
}

/// Writes one value of kind `k` (tag included when `tag`), as prost-reflect's KindSeed parses
/// it. `omit_default`: an implicit-presence value at its default writes nothing.
fn write_value<'de, D: Deserializer<'de>>(
    enc: &mut Enc,
    d: D,
    k: K,
    tag: Option<u32>,
    omit_default: bool,
) -> Result<(), D::Error> {
    match k {
        K::Str => d.deserialize_string(StrVisitor {
            out: enc.out,
            tag,
            omit_default,
        }),
        K::Bytes => d.deserialize_str(BytesVisitor {
            out: enc.out,
            tag,
            omit_default,
        }),
        K::Msg(m) => {
            if let Some(t) = tag {
                varint(enc.out, t as u64);
            }
            let pos = open_len(enc.out);
            d.deserialize_map(MsgVisitor { enc, msg: m })?;
            close_len(enc.out, pos);
            Ok(())
        }
        K::Enum(e, default) => {
            let v = d.deserialize_any(EnumVisitor(&enc.plan.enums[e as usize]))?;
            if !(omit_default && v == default) {
                if let Some(t) = tag {
                    varint(enc.out, t as u64);
                }
                varint(enc.out, v as i64 as u64);
            }
            Ok(())
        }
        K::Fallback => Err(enc.fall_back()),
        _ => {
            let v = d.deserialize_any(NumVisitor(k))?;
            if !(omit_default && v.is_default()) {
                if let Some(t) = tag {
                    varint(enc.out, t as u64);
                }
                v.write(k, enc.out);
            }
            Ok(())
        }
    }
}

/// A message's JSON object.
struct MsgVisitor<'a, 'p> {
    enc: &'a mut Enc<'p>,
    msg: u32,
}

/// A key of a message's object: the field index, or the unknown key.
enum FieldKey {
    Field(u32),
    Unknown(String),
}

struct FieldKeySeed<'a>(&'a MsgPlan);

impl<'de> DeserializeSeed<'de> for FieldKeySeed<'_> {
    type Value = FieldKey;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FieldKey, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for FieldKeySeed<'_> {
    type Value = FieldKey;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    #[inline]
    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<FieldKey, E> {
        Ok(match self.0.lookup(v) {
            Some(i) => FieldKey::Field(i),
            None => FieldKey::Unknown(v.to_string()),
        })
    }
}

impl<'de> Visitor<'de> for MsgVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let enc = self.enc;
        let plan = enc.plan;
        let mp = &plan.msgs[self.msg as usize];
        if mp.fallback {
            return Err(enc.fall_back());
        }
        let base = enc.spans.len();
        let msg_start = enc.out.len();
        let mut last: i64 = -1;
        let mut sorted = true;
        let mut oneofs: u64 = 0;
        while let Some(key) = map.next_key_seed(FieldKeySeed(mp))? {
            let fi = match key {
                FieldKey::Field(i) => i,
                FieldKey::Unknown(k) => {
                    if mp.has_extensions {
                        return Err(enc.fall_back());
                    }
                    return Err(enc.fail(format!("unrecognized field name '{k}'")));
                }
            };
            let f = &mp.fields[fi as usize];
            if f.fallback {
                return Err(enc.fall_back());
            }
            let start = enc.out.len();
            let present = match map.next_value_seed(FieldSeed { enc, f }) {
                Ok(p) => p,
                Err(e) => {
                    enc.at(|| format!(".{}", f.json_name));
                    return Err(e);
                }
            };
            if !present {
                continue;
            }
            if let Some(o) = f.oneof {
                if oneofs & (1 << o) != 0 {
                    let name = &mp.oneof_names[o as usize];
                    return Err(enc.fail(format!("multiple fields provided for oneof '{name}'")));
                }
                oneofs |= 1 << o;
            }
            if fi as i64 <= last {
                sorted = false;
            } else {
                last = fi as i64;
            }
            enc.spans.push((fi, start as u32, enc.out.len() as u32));
        }
        if !sorted {
            // Field-number order, the last occurrence of a field winning.
            let spans = &mut enc.spans[base..];
            spans.sort_by_key(|s| s.0); // stable: occurrences stay in document order
            let region = enc.out[msg_start..].to_vec();
            enc.out.truncate(msg_start);
            for (i, s) in spans.iter().enumerate() {
                if spans.get(i + 1).is_some_and(|n| n.0 == s.0) {
                    continue;
                }
                let (a, b) = (s.1 as usize - msg_start, s.2 as usize - msg_start);
                enc.out.extend_from_slice(&region[a..b]);
            }
        }
        enc.spans.truncate(base);
        Ok(())
    }
}

/// A field's value (null = absent); returns whether the field was set.
struct FieldSeed<'a, 'p> {
    enc: &'a mut Enc<'p>,
    f: &'a FieldPlan,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_unit<E: serde_core::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: serde_core::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        let f = self.f;
        match f.card {
            Card::Single => {
                let t = (f.number << 3) | f.kind.wire_type();
                write_value(self.enc, d, f.kind, Some(t), !f.presence)?;
            }
            Card::List { .. } => d.deserialize_any(ListVisitor { enc: self.enc, f })?,
            Card::Map { .. } => d.deserialize_any(MapVisitor { enc: self.enc, f })?,
        }
        Ok(true)
    }
}

struct ListVisitor<'a, 'p> {
    enc: &'a mut Enc<'p>,
    f: &'a FieldPlan,
}

/// One list element (no null: prost-reflect's KindSeed rejects it).
struct ElemSeed<'a, 'p> {
    enc: &'a mut Enc<'p>,
    k: K,
    tag: Option<u32>,
}

impl<'de> DeserializeSeed<'de> for ElemSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        write_value(self.enc, d, self.k, self.tag, false)
    }
}

impl<'de> Visitor<'de> for ListVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (enc, f) = (self.enc, self.f);
        let packed = matches!(f.card, Card::List { packed: true });
        let k = f.kind;
        let start = enc.out.len();
        let (pos, tag) = if packed {
            tag(enc.out, f.number, WT_LEN);
            (open_len(enc.out), None)
        } else {
            (0, Some((f.number << 3) | k.wire_type()))
        };
        let mut n = 0usize;
        loop {
            match seq.next_element_seed(ElemSeed { enc, k, tag }) {
                Ok(Some(())) => n += 1,
                Ok(None) => break,
                Err(e) => {
                    enc.at(|| format!("[{n}]"));
                    return Err(e);
                }
            }
        }
        if packed {
            if n == 0 {
                enc.out.truncate(start);
            } else {
                close_len(enc.out, pos);
            }
        }
        Ok(())
    }
}

struct MapVisitor<'a, 'p> {
    enc: &'a mut Enc<'p>,
    f: &'a FieldPlan,
}

/// A map key: parsed as prost-reflect does (`FromStr` of the key kind) and written (tag 1) to
/// the entry unless it is the default and the entry's key has implicit presence.
struct MapKeySeed<'a> {
    out: &'a mut Vec<u8>,
    k: K,
    presence: bool,
}

impl<'de> DeserializeSeed<'de> for MapKeySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for MapKeySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde_core::de::Error>(self, v: &str) -> Result<(), E> {
        let k = self.k;
        let num = match k {
            K::Str => {
                if self.presence || !v.is_empty() {
                    tag(self.out, 1, WT_LEN);
                    varint(self.out, v.len() as u64);
                    self.out.extend_from_slice(v.as_bytes());
                }
                return Ok(());
            }
            K::Int32 | K::Sint32 | K::Sfixed32 => Num::I32(v.parse().map_err(E::custom)?),
            K::Int64 | K::Sint64 | K::Sfixed64 => Num::I64(v.parse().map_err(E::custom)?),
            K::Uint32 | K::Fixed32 => Num::U32(v.parse().map_err(E::custom)?),
            K::Uint64 | K::Fixed64 => Num::U64(v.parse().map_err(E::custom)?),
            K::Bool => Num::Bool(v.parse().map_err(E::custom)?),
            _ => return Err(E::custom("invalid type for map key")),
        };
        if self.presence || !num.is_default() {
            tag(self.out, 1, k.wire_type());
            num.write(k, self.out);
        }
        Ok(())
    }
}

/// The text of a map key from its encoding (tag 1 and value, or nothing at the default), for
/// error paths.
fn key_text(k: K, b: &[u8]) -> String {
    let b = b.get(1..).unwrap_or_default();
    let mut v: u64 = 0;
    for (i, x) in b.iter().take(10).enumerate() {
        v |= ((x & 0x7f) as u64) << (7 * i);
        if x & 0x80 == 0 {
            break;
        }
    }
    let fixed = |n: usize| {
        let mut a = [0u8; 8];
        a[..n.min(b.len())].copy_from_slice(&b[..n.min(b.len())]);
        u64::from_le_bytes(a)
    };
    match k {
        K::Str => {
            let skip = b.iter().position(|x| x & 0x80 == 0).map_or(0, |p| p + 1);
            String::from_utf8_lossy(&b[skip.min(b.len())..]).into_owned()
        }
        K::Int32 => (v as i32).to_string(),
        K::Int64 => (v as i64).to_string(),
        K::Uint32 | K::Uint64 => v.to_string(),
        K::Sint32 | K::Sint64 => ((v >> 1) as i64 ^ -((v & 1) as i64)).to_string(),
        K::Fixed32 => (fixed(4) as u32).to_string(),
        K::Sfixed32 => (fixed(4) as u32 as i32).to_string(),
        K::Fixed64 => fixed(8).to_string(),
        K::Sfixed64 => (fixed(8) as i64).to_string(),
        K::Bool => (v != 0).to_string(),
        _ => String::new(),
    }
}

/// A map value (no null: prost-reflect's FieldDescriptorSeed rejects it), tag 2.
struct MapValueSeed<'a, 'p> {
    enc: &'a mut Enc<'p>,
    k: K,
    presence: bool,
    default: i32,
}

impl<'de> DeserializeSeed<'de> for MapValueSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let k = match self.k {
            K::Enum(e, _) => K::Enum(e, self.default),
            k => k,
        };
        write_value(
            self.enc,
            d,
            k,
            Some((2 << 3) | k.wire_type()),
            !self.presence,
        )
    }
}

impl<'de> Visitor<'de> for MapVisitor<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (enc, f) = (self.enc, self.f);
        let Card::Map {
            key,
            key_presence,
            value,
            value_presence,
            value_default,
        } = f.card
        else {
            unreachable!("a map visitor for a map field")
        };
        let base = enc.spans.len();
        let mut seen: Option<std::collections::HashSet<Box<[u8]>>> = None;
        loop {
            let entry = enc.out.len();
            tag(enc.out, f.number, WT_LEN);
            let pos = open_len(enc.out);
            let got = map.next_key_seed(MapKeySeed {
                out: enc.out,
                k: key,
                presence: key_presence,
            });
            match got {
                Ok(Some(())) => {}
                Ok(None) => {
                    enc.out.truncate(entry);
                    break;
                }
                Err(e) => {
                    enc.out.truncate(entry);
                    return Err(e);
                }
            }
            let key_end = enc.out.len();
            // The same key twice: prost-reflect keeps the last, in its HashMap's order.
            let kb = &enc.out[pos + 1..key_end];
            let dup = match &mut seen {
                Some(set) => !set.insert(kb.to_vec().into_boxed_slice()),
                None => enc.spans[base..]
                    .iter()
                    .any(|&(_, a, b)| enc.out[a as usize..b as usize] == *kb),
            };
            if dup {
                return Err(enc.fall_back());
            }
            let r = map.next_value_seed(MapValueSeed {
                enc,
                k: value,
                presence: value_presence,
                default: value_default,
            });
            if let Err(e) = r {
                let k = key_text(key, &enc.out[pos + 1..key_end]);
                enc.at(|| format!("[{k:?}]"));
                return Err(e);
            }
            let content = enc.out.len() - pos - 1;
            close_len(enc.out, pos);
            if seen.is_none() {
                // Where the key is now (a widened length prefix moved it).
                let ks = enc.out.len() - content;
                let ke = ks + (key_end - pos - 1);
                enc.spans.push((u32::MAX, ks as u32, ke as u32));
                if enc.spans.len() - base > 16 {
                    let set = enc.spans[base..]
                        .iter()
                        .map(|&(_, a, b)| enc.out[a as usize..b as usize].into())
                        .collect();
                    seen = Some(set);
                    enc.spans.truncate(base);
                }
            }
        }
        enc.spans.truncate(base);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use base64::Engine as _;
    use prost_reflect::prost::Message as _;
    use prost_reflect::{DeserializeOptions, DynamicMessage, Kind, MessageDescriptor, Value};

    use super::super::protobuf::Parsed;
    use super::{encode_json, Plan};

    const PROTO3: &str = r#"
syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";
enum Color { RED = 0; GREEN = 1; BLUE = 2; }
message Inner {
  string s = 1;
  int32 i = 2;
  repeated Inner kids = 3;
  Color c = 4;
  map<string, Inner> sub = 5;
}
message All {
  double d = 1; float f = 2; int32 i32 = 3; int64 i64 = 4; uint32 u32 = 5; uint64 u64 = 6;
  sint32 s32 = 7; sint64 s64 = 8; fixed32 fx32 = 9; fixed64 fx64 = 10;
  sfixed32 sfx32 = 11; sfixed64 sfx64 = 12;
  bool b = 13; string str = 14; bytes by = 15; Color color = 16; Inner inner = 17;
  repeated int32 r_i32 = 18; repeated double r_d = 19; repeated string r_str = 20;
  repeated bytes r_by = 21; repeated Inner r_inner = 22; repeated Color r_color = 23;
  repeated sint64 r_s64 = 24 [packed = false]; repeated fixed32 r_fx32 = 25;
  repeated bool r_b = 26; repeated float r_f = 40; repeated uint64 r_u64 = 41;
  repeated sfixed64 r_sfx64 = 42; repeated sint32 r_s32 = 43;
  map<string, int32> m_si = 27; map<int64, string> m_is = 28; map<bool, Inner> m_bm = 29;
  map<uint32, Color> m_uc = 30; map<sint32, bytes> m_sb = 31; map<fixed64, double> m_fd = 44;
  map<string, string> m_ss = 45;
  oneof choice { string o_str = 32; int32 o_i32 = 33; Inner o_inner = 34; }
  optional int32 opt_i32 = 35; optional string opt_str = 36; optional Color opt_color = 46;
  int32 custom = 37 [json_name = "renamed"];
  int64 big_number_field = 1000;
  google.protobuf.Timestamp ts = 38;
}
"#;

    const PROTO2: &str = r#"
syntax = "proto2";
package p2;
enum E { A = 1; B = 2; }
message M {
  required int32 req = 1;
  optional string name = 2 [default = "x"];
  optional int64 n = 3 [default = 7];
  repeated int32 nums = 4;
  repeated int32 packed_nums = 5 [packed = true];
  optional E e = 6;
  map<string, int32> m = 7;
  optional M child = 8;
  optional bytes data = 9;
  optional bool flag = 10;
  repeated E es = 11;
  optional double d = 12;
  map<int32, E> me = 13;
  optional float fl = 14 [default = 1.5];
}
"#;

    fn message(proto: &str, name: &str) -> MessageDescriptor {
        Parsed::compile(proto, HashMap::new())
            .unwrap()
            .message(Some(name))
            .unwrap()
    }

    fn reference(desc: &MessageDescriptor, json: &str) -> Result<Vec<u8>, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        DynamicMessage::deserialize_with_options(desc.clone(), &mut de, &DeserializeOptions::new())
            .and_then(|m| de.end().map(|_| m))
            .map(|m| m.encode_to_vec())
            .map_err(|e| e.to_string())
    }

    /// Equal values; maps compared as maps (prost-reflect writes their entries in HashMap
    /// order), floats by bits.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::F32(x), Value::F32(y)) => x.to_bits() == y.to_bits(),
            (Value::F64(x), Value::F64(y)) => x.to_bits() == y.to_bits(),
            (Value::List(x), Value::List(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
            }
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            (Value::Message(x), Value::Message(y)) => same_msg(x, y),
            _ => a == b,
        }
    }

    fn same_msg(a: &DynamicMessage, b: &DynamicMessage) -> bool {
        let (fa, fb): (Vec<_>, Vec<_>) = (a.fields().collect(), b.fields().collect());
        fa.len() == fb.len()
            && fa
                .iter()
                .zip(&fb)
                .all(|((f, x), (g, y))| f.number() == g.number() && same(x, y))
    }

    #[derive(Default, Debug)]
    struct Counts {
        same_bytes: usize,
        same_maps: usize,
        both_invalid: usize,
        fallback: usize,
    }

    /// Asserts the fast path agrees with prost-reflect on `json`.
    fn check(desc: &MessageDescriptor, plan: &Plan, json: &str, c: &mut Counts) {
        let want = reference(desc, json);
        let mut out = vec![0xA5, 0x5A];
        let got = plan.encode(json.as_bytes(), &mut out);
        match (got, want) {
            (Ok(true), Ok(want)) => {
                assert_eq!(&out[..2], [0xA5, 0x5A]);
                if out[2..] == want[..] {
                    c.same_bytes += 1;
                } else {
                    assert_eq!(out.len() - 2, want.len(), "{json}");
                    let x = DynamicMessage::decode(desc.clone(), &out[2..]).unwrap();
                    let y = DynamicMessage::decode(desc.clone(), &want[..]).unwrap();
                    assert!(
                        same_msg(&x, &y),
                        "{json}\n got  {:?}\n want {:?}",
                        &out[2..],
                        want
                    );
                    c.same_maps += 1;
                }
            }
            (Ok(false), _) => {
                assert_eq!(out, [0xA5, 0x5A], "{json}");
                c.fallback += 1;
            }
            (Err(e), Err(_)) => {
                if std::env::var_os("PJ_DEBUG").is_some() {
                    eprintln!("invalid: {e}");
                }
                assert_eq!(out, [0xA5, 0x5A], "{json}");
                assert!(!e.is_empty());
                c.both_invalid += 1;
            }
            (got, want) => panic!("{json}\n fast path: {got:?}\n prost-reflect: {want:?}"),
        }
    }

    /// A small xorshift generator (deterministic).
    struct Rng(u64, bool);

    impl Rng {
        /// A chance of an invalid choice: never while generating a valid record.
        fn bad(&mut self, percent: u64) -> bool {
            self.1 && self.chance(percent)
        }
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
            &xs[self.below(xs.len() as u64) as usize]
        }
    }

    const INTS: &[&str] = &[
        "0",
        "1",
        "-1",
        "127",
        "128",
        "300",
        "-300",
        "2147483647",
        "-2147483648",
        "2147483648",
        "4294967295",
        "4294967296",
        "9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "-0",
        "1.0",
        "1.5",
        "1e3",
        "-2e9",
        "1e19",
        "9.3e18",
        "0.0",
        "-1.0",
    ];
    const INT_STRINGS: &[&str] = &[
        "\"0\"",
        "\"42\"",
        "\"-42\"",
        "\"+7\"",
        "\"2147483647\"",
        "\"9223372036854775807\"",
        "\"-9223372036854775808\"",
        "\"18446744073709551615\"",
        "\"1.0\"",
        "\" 1\"",
        "\"\"",
        "\"x\"",
        "\"1e2\"",
    ];
    const FLOATS: &[&str] = &[
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1.5",
        "-2.25",
        "3.4028235e38",
        "3.5e38",
        "-3.5e38",
        "1e-45",
        "1e-320",
        "1.7976931348623157e308",
        "123456789012",
        "\"NaN\"",
        "\"Infinity\"",
        "\"-Infinity\"",
        "\"inf\"",
        "\"1.25\"",
        "\"1e39\"",
        "\"nan\"",
        "\"x\"",
        "\"\"",
        "18446744073709551616",
    ];
    const STRINGS: &[&str] = &[
        "\"\"",
        "\"a\"",
        "\"Ada Lovelace\"",
        "\"caf\\u00e9\"",
        "\"\u{e9}t\u{e9} \u{65e5}\u{672c}\u{8a9e} \u{1f600}\"",
        "\"\\ud83d\\ude00\"",
        "\"quote \\\" backslash \\\\ nl \\n tab \\t\"",
        "\"\\u0000\"",
    ];
    const B64: &[&str] = &[
        "\"\"",
        "\"QQ==\"",
        "\"QQ\"",
        "\"QQ=\"",
        "\"QUI=\"",
        "\"QUI\"",
        "\"QUJD\"",
        "\"+/+/\"",
        "\"-_-_\"",
        "\"-_+/\"",
        "\"+/-_\"",
        "\"QR==\"",
        "\"Q===\"",
        "\"Q\"",
        "\"QUJDRA\"",
        "\"@@\"",
        "\"QU JD\"",
        "\"QQ==QQ==\"",
        "\"AAAA\"",
    ];

    const VALID_FLOATS: &[&str] = &[
        "0",
        "-0",
        "0.0",
        "-0.0",
        "1.5",
        "-2.25",
        "3.4028235e38",
        "1e-45",
        "1e-320",
        "123456789012",
        "\"NaN\"",
        "\"Infinity\"",
        "\"-Infinity\"",
        "\"inf\"",
        "\"1.25\"",
        "\"1e39\"",
    ];
    const VALID_B64: &[&str] = &[
        "\"\"", "\"QQ==\"", "\"QQ\"", "\"QQ=\"", "\"QUI=\"", "\"QUJD\"", "\"+/+/\"", "\"-_-_\"",
        "\"QR==\"",
    ];

    fn gen_scalar(r: &mut Rng, kind: &Kind) -> String {
        match kind {
            Kind::Double | Kind::Float if !r.1 => r.pick(VALID_FLOATS).to_string(),
            Kind::Double | Kind::Float => r.pick(FLOATS).to_string(),
            Kind::Bool if !r.1 => r.pick(&["true", "false"]).to_string(),
            Kind::Bool => r
                .pick(&["true", "false", "true", "false", "\"true\"", "1", "0"])
                .to_string(),
            Kind::String => {
                if r.bad(3) {
                    r.pick(&["5", "true", "[]", "{}"]).to_string()
                } else if r.chance(10) {
                    // A long string (length prefix of two bytes).
                    format!("\"{}\"", "xyz".repeat(r.below(100) as usize))
                } else {
                    r.pick(STRINGS).to_string()
                }
            }
            Kind::Bytes => {
                if r.chance(25) {
                    let n = r.below(200) as usize;
                    let data: Vec<u8> = (0..n).map(|_| r.next() as u8).collect();
                    let enc = match r.below(4) {
                        0 => base64::engine::general_purpose::STANDARD.encode(&data),
                        1 => base64::engine::general_purpose::STANDARD_NO_PAD.encode(&data),
                        2 => base64::engine::general_purpose::URL_SAFE.encode(&data),
                        _ => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&data),
                    };
                    format!("\"{enc}\"")
                } else if r.bad(3) {
                    "7".to_string()
                } else if !r.1 {
                    r.pick(VALID_B64).to_string()
                } else {
                    r.pick(B64).to_string()
                }
            }
            Kind::Enum(e) => match r.below(10) {
                0 if r.1 => "\"NOPE\"".to_string(),
                1 if r.1 => r
                    .pick(&["7", "-1", "2147483648", "1.0", "\"1\"", "true"])
                    .to_string(),
                2 | 3 => r.pick(&["0", "1", "2"]).to_string(),
                _ => {
                    let vs: Vec<_> = e.values().collect();
                    format!("\"{}\"", r.pick(&vs).name())
                }
            },
            k if !r.1 => {
                let v = r.next() as i64 >> r.below(64);
                let v = match k {
                    Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => (v as i32).to_string(),
                    Kind::Uint32 | Kind::Fixed32 => (v as u32).to_string(),
                    Kind::Uint64 | Kind::Fixed64 => (v as u64).to_string(),
                    _ => v.to_string(),
                };
                if r.chance(20) {
                    format!("\"{v}\"")
                } else {
                    v
                }
            }
            _ => {
                if r.chance(60) {
                    (r.next() as i64 >> r.below(64)).to_string()
                } else if r.chance(70) {
                    r.pick(INTS).to_string()
                } else {
                    r.pick(INT_STRINGS).to_string()
                }
            }
        }
    }

    fn gen_value(r: &mut Rng, kind: &Kind, depth: u32) -> String {
        match kind {
            Kind::Message(m) => {
                if r.bad(2) {
                    r.pick(&["[]", "5", "\"x\""]).to_string()
                } else {
                    gen_message(r, m, depth + 1)
                }
            }
            k => gen_scalar(r, k),
        }
    }

    fn gen_key(r: &mut Rng, kind: &Kind) -> String {
        let k = match kind {
            Kind::String => return r.pick(STRINGS).to_string(),
            Kind::Bool if !r.1 => r.pick(&["true", "false"]).to_string(),
            Kind::Bool => r.pick(&["true", "false", "True", "1"]).to_string(),
            k if !r.1 => {
                let v = r.next() as i64 >> r.below(64);
                match k {
                    Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => (v as i32).to_string(),
                    Kind::Uint32 | Kind::Fixed32 => (v as u32).to_string(),
                    Kind::Uint64 | Kind::Fixed64 => (v as u64).to_string(),
                    _ => v.to_string(),
                }
            }
            _ => {
                if r.chance(85) {
                    (r.next() as i64 >> r.below(64)).to_string()
                } else {
                    r.pick(&["0", "-1", "+1", "01", "x", "", "4294967296", "1.0"])
                        .to_string()
                }
            }
        };
        format!("\"{k}\"")
    }

    fn gen_message(r: &mut Rng, m: &MessageDescriptor, depth: u32) -> String {
        let mut fields: Vec<_> = m.fields().collect();
        if depth > 3 {
            fields.retain(|f| !matches!(f.kind(), Kind::Message(_)));
        }
        let mut parts = Vec::new();
        let n = r.below(fields.len() as u64 + 1);
        let ordered = r.chance(60);
        let mut oneofs = Vec::new();
        for j in 0..n {
            let f = if ordered {
                &fields[(j as usize * fields.len()) / (n as usize).max(1)]
            } else {
                r.pick(&fields)
            };
            if f.full_name().ends_with(".ts") && !r.chance(10) {
                continue;
            }
            if let Some(o) = f.containing_oneof() {
                if !r.1 && oneofs.contains(&o.name().to_string()) {
                    continue;
                }
                oneofs.push(o.name().to_string());
            }
            let name = if r.chance(30) {
                f.name().to_string()
            } else if r.bad(1) {
                "unknownField".to_string()
            } else {
                f.json_name().to_string()
            };
            let value = if r.chance(5) {
                "null".to_string()
            } else if f.is_map() {
                let entry = f.kind();
                let entry = entry.as_message().unwrap();
                let (kk, vk) = (
                    entry.map_entry_key_field().kind(),
                    entry.map_entry_value_field().kind(),
                );
                let n = if r.chance(60) { r.below(2) } else { r.below(4) };
                let es: Vec<_> = (0..n)
                    .map(|_| {
                        let v = if r.bad(2) {
                            "null".to_string()
                        } else {
                            gen_value(r, &vk, depth)
                        };
                        format!("{}: {v}", gen_key(r, &kk))
                    })
                    .collect();
                if r.bad(2) {
                    "[]".to_string()
                } else {
                    format!("{{{}}}", es.join(", "))
                }
            } else if f.is_list() {
                let n = if r.chance(20) {
                    r.below(60)
                } else {
                    r.below(4)
                };
                let es: Vec<_> = (0..n)
                    .map(|_| {
                        if r.bad(1) {
                            "null".to_string()
                        } else {
                            gen_value(r, &f.kind(), depth)
                        }
                    })
                    .collect();
                if r.bad(2) {
                    "{}".to_string()
                } else {
                    format!("[{}]", es.join(","))
                }
            } else if matches!(f.kind(), Kind::Message(ref t) if t.full_name() == "google.protobuf.Timestamp")
            {
                "\"2024-01-02T03:04:05Z\"".to_string()
            } else {
                gen_value(r, &f.kind(), depth)
            };
            parts.push(format!("\"{name}\": {value}"));
        }
        format!("{{{}}}", parts.join(", "))
    }

    #[test]
    fn random_records_encode_as_prost_reflect_does() {
        for (proto, name, seed) in [
            (PROTO3, "t.All", 0x9E37_79B9_7F4A_7C15u64),
            (PROTO3, "t.Inner", 0x1234_5678),
            (PROTO2, "p2.M", 0xDEAD_BEEF),
        ] {
            let desc = message(proto, name);
            let plan = Plan::new(&desc);
            let mut r = Rng(seed, false);
            let mut c = Counts::default();
            for i in 0..4000 {
                // Every other record may hold invalid values.
                r.1 = i % 2 == 1;
                let json = gen_message(&mut r, &desc, 0);
                check(&desc, &plan, &json, &mut c);
            }
            eprintln!("{name}: {c:?}");
            // The generator must exercise every outcome.
            assert!(c.same_bytes > 1000, "{name}: {c:?}");
            assert!(c.both_invalid > 200, "{name}: {c:?}");
            if name != "t.Inner" {
                assert!(c.same_maps > 10, "{name}: {c:?}");
            }
        }
    }

    #[test]
    fn hand_written_records_encode_as_prost_reflect_does() {
        let desc = message(PROTO3, "t.All");
        let plan = Plan::new(&desc);
        let mut c = Counts::default();
        for json in [
            r#"{}"#,
            r#"  {"i32": 5}  "#,
            r#"{"i32": 0, "str": "", "b": false, "d": -0.0, "by": "", "color": "RED"}"#,
            r#"{"optI32": 0, "optStr": "", "optColor": 0}"#,
            r#"{"opt_i32": 0}"#,
            r#"{"optI32": 1, "opt_i32": 2}"#,
            r#"{"oStr": ""}"#,
            r#"{"oStr": "a", "oI32": 1}"#,
            r#"{"oStr": "a", "oI32": null}"#,
            r#"{"oStr": null, "oI32": 3}"#,
            r#"{"oStr": "a", "o_str": "b"}"#,
            r#"{"oInner": {}}"#,
            r#"{"inner": {}}"#,
            r#"{"inner": null}"#,
            r#"{"i32": 5, "i32": 6}"#,
            r#"{"i32": 5, "i32": null}"#,
            r#"{"i32": 5, "i32": 0}"#,
            r#"{"i32": "x", "i32": 6}"#,
            r#"{"str": "b", "i32": 3, "d": 1.5, "str": "c"}"#,
            r#"{"rI32": [1, 2], "r_i32": [3]}"#,
            r#"{"rI32": [1, 2], "r_i32": []}"#,
            r#"{"rI32": [1, null]}"#,
            r#"{"rI32": null}"#,
            r#"{"renamed": 3}"#,
            r#"{"custom": 3}"#,
            r#"{"bigNumberField": "-5"}"#,
            r#"{"big_number_field": 9223372036854775807}"#,
            r#"{"mSi": {"a": 1, "b": 0, "": 0}}"#,
            r#"{"mSi": {"a": 1, "a": 2}}"#,
            r#"{"mIs": {"0": "", "-1": "x"}}"#,
            r#"{"mIs": {"1": "x", "01": "y"}}"#,
            r#"{"mBm": {"true": {}, "false": {"s": "x"}}}"#,
            r#"{"mBm": {"true": null}}"#,
            r#"{"mSi": {"a": null}}"#,
            r#"{"mUc": {"0": "RED", "7": 9}}"#,
            r#"{"mSb": {"-3": "QQ"}}"#,
            r#"{"inner": {"sub": {"k": {"kids": [{"i": 1}, {}]}}}}"#,
            r#"{"inner": {"s": "a"}, "inner": {"i": 2}}"#,
            r#"{"nope": 1}"#,
            r#"{"i32": 1} x"#,
            r#"{"i32": 1,}"#,
            r#"[]"#,
            r#"null"#,
            r#"{"ts": "2024-01-02T03:04:05Z"}"#,
            r#"{"rStr": ["a", "b"]}"#,
            r#"{"rF": [1.5, "NaN", -0.0]}"#,
            r#"{"rColor": ["RED", 2, "BLUE", 0]}"#,
        ] {
            check(&desc, &plan, json, &mut c);
        }
        // A long nested message (its length needs two bytes) written out of order.
        let long = format!(
            r#"{{"inner": {{"s": "{}"}}, "i32": 1, "rStr": ["{}"]}}"#,
            "x".repeat(300),
            "y".repeat(20000)
        );
        check(&desc, &plan, &long, &mut c);
        assert!(
            c.fallback >= 1 && c.same_bytes > 20 && c.both_invalid > 5,
            "{c:?}"
        );
    }

    #[test]
    fn well_known_types_fall_back() {
        let desc = message(PROTO3, "t.All");
        let mut out = vec![1];
        for json in [
            r#"{"ts": "2024-01-02T03:04:05Z"}"#,
            r#"{"i32": 4, "ts": null}"#,
        ] {
            assert_eq!(encode_json(&desc, json.as_bytes(), &mut out), Ok(false));
            assert_eq!(out, [1]);
        }
        // Records not using it take the fast path.
        assert_eq!(encode_json(&desc, br#"{"i32": 4}"#, &mut out), Ok(true));
        assert_eq!(out, [1, 0x18, 4]);
        let ts = Parsed::compile(PROTO3, HashMap::new())
            .unwrap()
            .pool
            .get_message_by_name("google.protobuf.Timestamp")
            .unwrap();
        assert_eq!(
            encode_json(&ts, b"\"2024-01-02T03:04:05Z\"", &mut out),
            Ok(false)
        );
    }

    #[test]
    fn extensions_groups_and_bad_utf8_fall_back() {
        let proto = r#"
syntax = "proto2";
package x;
message M {
  optional int32 a = 1;
  extensions 100 to 200;
}
extend M { optional int32 ext = 100; }
message N {
  optional int32 a = 1;
  optional group G = 2 { optional int32 b = 3; }
}
"#;
        let m = message(proto, "x.M");
        let plan = Plan::new(&m);
        let mut c = Counts::default();
        for json in [r#"{"a": 1}"#, r#"{"[x.ext]": 5}"#, r#"{"zz": 1}"#] {
            check(&m, &plan, json, &mut c);
        }
        assert_eq!((c.same_bytes, c.fallback), (1, 2), "{c:?}");
        // A group falls back; without extensions an unknown key is the fast path's own error.
        let n = message(proto, "x.N");
        let plan = Plan::new(&n);
        let mut c = Counts::default();
        for json in [r#"{"a": 1, "g": {"b": 2}}"#, r#"{"zz": 1}"#] {
            check(&n, &plan, json, &mut c);
        }
        assert_eq!((c.fallback, c.both_invalid), (1, 1), "{c:?}");
        let mut out = Vec::new();
        // Invalid UTF-8 in a string: prost-reflect's path reports it.
        let bad = b"{\"s\": \"\xff\"}";
        let t = message(PROTO3, "t.Inner");
        assert_eq!(
            encode_json(&t, b"{\"s\": \"\xc3\xa9\"}", &mut out),
            Ok(true)
        );
        assert_eq!(out, [0x0a, 2, 0xc3, 0xa9]);
        out.clear();
        assert_eq!(encode_json(&t, bad, &mut out), Ok(false));
        assert!(out.is_empty());
        let mut de = serde_json::Deserializer::from_slice(bad);
        assert!(DynamicMessage::deserialize_with_options(
            t.clone(),
            &mut de,
            &DeserializeOptions::new()
        )
        .is_err());
    }

    #[test]
    fn errors_name_the_field() {
        let desc = message(PROTO3, "t.All");
        let mut out = Vec::new();
        let e = encode_json(&desc, br#"{"inner": {"s": 5}}"#, &mut out).unwrap_err();
        assert!(
            e.starts_with("$.inner.s: invalid type: integer `5`, expected a string"),
            "{e}"
        );
        let e = encode_json(
            &desc,
            br#"{"rInner": [{}, {"kids": [{"i": "x"}]}]}"#,
            &mut out,
        )
        .unwrap_err();
        assert!(e.starts_with("$.rInner[1].kids[0].i: invalid digit"), "{e}");
        let e = encode_json(&desc, br#"{"mSi": {"k": true}}"#, &mut out).unwrap_err();
        assert!(
            e.starts_with(
                "$.mSi[\"k\"]: invalid type: boolean `true`, expected a 32-bit signed integer"
            ),
            "{e}"
        );
        for (json, path) in [
            (r#"{"mIs": {"-5": 1}}"#, r#"$.mIs["-5"]: "#),
            (r#"{"mSb": {"-70000": 1}}"#, r#"$.mSb["-70000"]: "#),
            (
                r#"{"mFd": {"12345678901": true}}"#,
                r#"$.mFd["12345678901"]: "#,
            ),
            (
                r#"{"mUc": {"0": "NOPE"}}"#,
                r#"$.mUc["0"]: unrecognized enum value 'NOPE'"#,
            ),
            (r#"{"mBm": {"false": {"i": "x"}}}"#, r#"$.mBm["false"].i: "#),
        ] {
            let e = encode_json(&desc, json.as_bytes(), &mut out).unwrap_err();
            assert!(e.starts_with(path), "{e}");
        }
        let e = encode_json(&desc, br#"{"oStr": "a", "oI32": 1}"#, &mut out).unwrap_err();
        assert_eq!(e, "multiple fields provided for oneof 'choice'");
        let e = encode_json(&desc, br#"{"inner": {"zz": 1}}"#, &mut out).unwrap_err();
        assert_eq!(e, "$.inner: unrecognized field name 'zz'");
        assert!(out.is_empty());
    }
}
