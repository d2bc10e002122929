//! Protobuf schema compatibility for the mock:// registry: a subset of Confluent's Protobuf
//! rules (its `Difference` types), checked on each file on its own (imports are not resolved,
//! so a schema with references is checked without them). Messages are matched by full name,
//! fields by number. `reader` can read `writer` unless:
//!
//! - MESSAGE_REMOVED: a message of the writer is missing from the reader;
//! - FIELD_KIND_CHANGED: a field changed between scalar, enum, message and map;
//! - FIELD_SCALAR_KIND_CHANGED: a scalar field changed to a type of another wire-compatible
//!   group (the groups: int32/uint32/int64/uint64/bool; sint32/sint64; fixed32/sfixed32;
//!   fixed64/sfixed64; string/bytes; float; double);
//! - FIELD_NAMED_TYPE_CHANGED: a message- or enum-typed field names another type (names are
//!   compared by their last components, as written);
//! - a label change between singular and repeated, except for numeric and string/bytes
//!   scalars (Confluent's compatible FIELD_NUMERIC_LABEL_CHANGED and
//!   FIELD_STRING_OR_BYTES_LABEL_CHANGED);
//! - REQUIRED_FIELD_ADDED / REQUIRED_FIELD_REMOVED (proto2): a required field of the reader is
//!   not in the writer, or a required field of the writer is not in the reader;
//! - ONEOF_FIELD_REMOVED: a field of a writer's oneof is not in the reader's oneof of that name;
//! - MULTIPLE_FIELDS_MOVED_TO_ONEOF: a reader's oneof holds two or more fields that the writer
//!   had outside any oneof.
//!
//! Compatible: messages, enums, fields and oneofs added; fields removed or renamed; enum
//! values added or removed; options changed.
use std::collections::HashMap;

use prost_reflect::prost_types::field_descriptor_proto::{Label, Type};
use prost_reflect::prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

use crate::schema_registry::Schema;
use crate::serdes::protobuf::{decode_descriptor, looks_base64};

/// Parses a schema string (.proto text or base64 FileDescriptorProto) without resolving imports.
fn parse(s: &Schema) -> Result<FileDescriptorProto, String> {
    if looks_base64(&s.schema_str) {
        decode_descriptor(&s.schema_str)
    } else {
        protox::file::File::from_source("schema.proto", &s.schema_str)
            .map(|f| f.file_descriptor_proto().clone())
            .map_err(|e| format!("invalid Protobuf schema: {e}"))
    }
}

/// Every message of the file (nested ones too) by full name.
fn messages(f: &FileDescriptorProto) -> HashMap<String, &DescriptorProto> {
    fn walk<'a>(
        prefix: &str,
        ms: &'a [DescriptorProto],
        out: &mut HashMap<String, &'a DescriptorProto>,
    ) {
        for m in ms {
            let full = if prefix.is_empty() {
                m.name().to_string()
            } else {
                format!("{prefix}.{}", m.name())
            };
            walk(&full, &m.nested_type, out);
            out.insert(full, m);
        }
    }
    let mut out = HashMap::new();
    walk(f.package(), &f.message_type, &mut out);
    out
}

/// The simple names of every enum of the file.
fn enum_names(f: &FileDescriptorProto) -> Vec<String> {
    fn walk(ms: &[DescriptorProto], out: &mut Vec<String>) {
        for m in ms {
            out.extend(m.enum_type.iter().map(|e| e.name().to_string()));
            walk(&m.nested_type, out);
        }
    }
    let mut out: Vec<String> = f.enum_type.iter().map(|e| e.name().to_string()).collect();
    walk(&f.message_type, &mut out);
    out
}

#[derive(Debug, PartialEq)]
enum Kind {
    Scalar(u8, &'static str),
    Enum(String),
    Message(String),
    Map,
}

fn last(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

fn kind(f: &FieldDescriptorProto, owner: &DescriptorProto, enums: &[String]) -> Kind {
    let scalar = |t: Type| -> Option<(u8, &'static str)> {
        Some(match t {
            Type::Int32 | Type::Uint32 | Type::Int64 | Type::Uint64 | Type::Bool => (1, "varint"),
            Type::Sint32 | Type::Sint64 => (2, "zigzag"),
            Type::Fixed32 | Type::Sfixed32 => (3, "fixed32"),
            Type::Fixed64 | Type::Sfixed64 => (4, "fixed64"),
            Type::String | Type::Bytes => (5, "string/bytes"),
            Type::Float => (6, "float"),
            Type::Double => (7, "double"),
            _ => return None,
        })
    };
    let t = f.r#type.and_then(|t| Type::try_from(t).ok());
    if let Some((g, n)) = t.and_then(scalar) {
        return Kind::Scalar(g, n);
    }
    let name = last(f.type_name());
    if f.label() == Label::Repeated
        && owner
            .nested_type
            .iter()
            .any(|n| n.name() == name && n.options.as_ref().is_some_and(|o| o.map_entry()))
    {
        return Kind::Map;
    }
    match t {
        Some(Type::Enum) => Kind::Enum(name),
        Some(_) => Kind::Message(name),
        None if enums.contains(&name) => Kind::Enum(name),
        None => Kind::Message(name),
    }
}

fn label_name(f: &FieldDescriptorProto) -> &'static str {
    match f.label() {
        Label::Repeated => "repeated",
        Label::Required => "required",
        Label::Optional => "singular",
    }
}

/// Whether `reader` can read data written with `writer`.
pub fn can_read(reader: &Schema, writer: &Schema) -> Result<(), String> {
    let r = parse(reader)?;
    let w = parse(writer)?;
    let (rm, wm) = (messages(&r), messages(&w));
    let (re, we) = (enum_names(&r), enum_names(&w));
    let mut names: Vec<&String> = wm.keys().collect();
    names.sort();
    for name in names {
        let wmsg = wm[name];
        let Some(rmsg) = rm.get(name) else {
            return Err(format!("MESSAGE_REMOVED: message {name} is missing"));
        };
        let rf: HashMap<i32, &FieldDescriptorProto> =
            rmsg.field.iter().map(|f| (f.number(), f)).collect();
        let wf: HashMap<i32, &FieldDescriptorProto> =
            wmsg.field.iter().map(|f| (f.number(), f)).collect();
        let oneof = |m: &DescriptorProto, f: &FieldDescriptorProto| -> Option<String> {
            // A proto3 optional field's synthetic oneof is not a oneof.
            if f.proto3_optional() {
                return None;
            }
            f.oneof_index
                .and_then(|i| m.oneof_decl.get(i as usize))
                .map(|o| o.name().to_string())
        };
        for w in &wmsg.field {
            let n = w.number();
            let path = format!("{name}.{} (field {n})", w.name());
            let Some(r) = rf.get(&n) else {
                if w.label() == Label::Required {
                    return Err(format!("REQUIRED_FIELD_REMOVED: {path}"));
                }
                if let Some(o) = oneof(wmsg, w) {
                    return Err(format!("ONEOF_FIELD_REMOVED: {path} of oneof {o}"));
                }
                continue;
            };
            let (rk, wk) = (kind(r, rmsg, &re), kind(w, wmsg, &we));
            match (&rk, &wk) {
                (Kind::Scalar(a, an), Kind::Scalar(b, bn)) if a != b => {
                    return Err(format!(
                        "FIELD_SCALAR_KIND_CHANGED: {path} changed from {bn} to {an}"
                    ))
                }
                (Kind::Scalar(..), Kind::Scalar(..)) | (Kind::Map, Kind::Map) => {}
                (Kind::Enum(a), Kind::Enum(b)) | (Kind::Message(a), Kind::Message(b)) if a != b => {
                    return Err(format!(
                        "FIELD_NAMED_TYPE_CHANGED: {path} changed from {b} to {a}"
                    ))
                }
                (Kind::Enum(_), Kind::Enum(_)) | (Kind::Message(_), Kind::Message(_)) => {}
                _ => {
                    return Err(format!(
                        "FIELD_KIND_CHANGED: {path} changed from {wk:?} to {rk:?}"
                    ))
                }
            }
            let (rr, wr) = (r.label() == Label::Repeated, w.label() == Label::Repeated);
            if rr != wr && !matches!(rk, Kind::Scalar(..)) {
                return Err(format!(
                    "FIELD_LABEL_CHANGED: {path} changed from {} to {}",
                    label_name(w),
                    label_name(r)
                ));
            }
            match (oneof(wmsg, w), oneof(rmsg, r)) {
                (Some(wo), ro) if ro.as_deref() != Some(wo.as_str()) => {
                    return Err(format!("ONEOF_FIELD_REMOVED: {path} left oneof {wo}"));
                }
                _ => {}
            }
        }
        for r in &rmsg.field {
            if r.label() == Label::Required && !wf.contains_key(&r.number()) {
                return Err(format!(
                    "REQUIRED_FIELD_ADDED: {name}.{} (field {})",
                    r.name(),
                    r.number()
                ));
            }
        }
        let mut moved: HashMap<String, usize> = HashMap::new();
        for r in &rmsg.field {
            if let (Some(o), Some(w)) = (oneof(rmsg, r), wf.get(&r.number())) {
                if oneof(wmsg, w).is_none() {
                    *moved.entry(o).or_default() += 1;
                }
            }
        }
        if let Some((o, _)) = moved.iter().find(|(_, n)| **n > 1) {
            return Err(format!(
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF: fields of {name} moved into oneof {o}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema_registry::SchemaType;

    fn s(t: &str) -> Schema {
        Schema::new(t, SchemaType::Protobuf)
    }

    const BASE: &str = r#"syntax = "proto3"; package p;
        message M { int32 a = 1; string b = 2; Inner c = 3; repeated int64 d = 4;
          oneof o { string x = 5; int32 y = 6; } int32 e = 7; int32 f = 8;
          map<string, int32> g = 9; message Inner { int32 z = 1; } }"#;

    fn check(new: &str) -> Result<(), String> {
        can_read(&s(new), &s(BASE))
    }

    #[test]
    fn compatible_changes() {
        check(BASE).unwrap();
        check(&BASE.replace("int32 a = 1", "int64 a = 1; string added = 20")).unwrap();
        check(&BASE.replace("string b = 2;", "")).unwrap();
        check(&BASE.replace("string b = 2", "bytes b = 2")).unwrap();
        check(&BASE.replace("int32 a = 1", "repeated int32 a = 1")).unwrap();
        check(&BASE.replace("int32 e = 7", "int32 renamed = 7")).unwrap();
    }

    #[test]
    fn incompatible_changes() {
        for (new, needle) in [
            (
                BASE.replace("message Inner { int32 z = 1; }", ""),
                "MESSAGE_REMOVED",
            ),
            (
                BASE.replace("int32 a = 1", "string a = 1"),
                "FIELD_SCALAR_KIND_CHANGED",
            ),
            (
                BASE.replace("int32 a = 1", "Inner a = 1"),
                "FIELD_KIND_CHANGED",
            ),
            (
                BASE.replace("Inner c = 3", "M c = 3"),
                "FIELD_NAMED_TYPE_CHANGED",
            ),
            (
                BASE.replace("Inner c = 3", "repeated Inner c = 3"),
                "FIELD_LABEL_CHANGED",
            ),
            (BASE.replace("int32 y = 6;", ""), "ONEOF_FIELD_REMOVED"),
            (
                BASE.replace(
                    "int32 e = 7; int32 f = 8;",
                    "oneof q { int32 e = 7; int32 f = 8; }",
                ),
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
            ),
            (
                BASE.replace("map<string, int32> g = 9", "int32 g = 9"),
                "FIELD_KIND_CHANGED",
            ),
        ] {
            let e = check(&new).unwrap_err();
            assert!(e.contains(needle), "{needle}: {e}");
        }
        let p2 = r#"syntax = "proto2"; message R { optional int32 a = 1; }"#;
        let p2r = r#"syntax = "proto2"; message R { optional int32 a = 1; required int32 b = 2; }"#;
        assert!(can_read(&s(p2r), &s(p2))
            .unwrap_err()
            .contains("REQUIRED_FIELD_ADDED"));
        assert!(can_read(&s(p2), &s(p2r))
            .unwrap_err()
            .contains("REQUIRED_FIELD_REMOVED"));
    }
}
