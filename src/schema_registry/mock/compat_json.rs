//! JSON Schema compatibility for the in-process mock:// registry: a subset of the Confluent
//! Schema Registry's JSON Schema rules (its `SchemaDiff` changes), checked for real. `reader`
//! can read `writer`'s data when every difference from `writer` to `reader` is one Confluent
//! lists as compatible. The rules implemented (W = writer, R = reader):
//!
//! - Schemas: `true` / `{}` reads anything; `false` reads nothing (only a `false` writer);
//!   a `false` writer is read by anything. Local `$ref`s ("#/definitions/x", "#/$defs/x") are
//!   resolved in each schema; other `$ref`s must be equal.
//! - type: R's types must include W's (TYPE_EXTENDED is compatible; "number" covers
//!   "integer"); fewer types is TYPE_NARROWED, other types TYPE_CHANGED (incompatible). No
//!   "type" reads any type.
//! - enum: R's values must include W's (ENUM_ARRAY_EXTENDED); narrowed, changed or added is
//!   incompatible. const: added or changed is incompatible.
//! - strings: maxLength added or decreased, minLength added or increased, pattern added or
//!   changed are incompatible (removing or relaxing them is compatible).
//! - numbers: maximum / exclusiveMaximum added or decreased, minimum / exclusiveMinimum added or
//!   increased, multipleOf added or changed to a value that does not divide W's: incompatible.
//! - objects, per property:
//!   - in both: the property schemas must be compatible (recursively);
//!   - added in R: against an open content model in W (additionalProperties absent or true)
//!     only an empty schema is compatible (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL); against a
//!     closed one (false) an optional property or a required one with a default is compatible,
//!     a required one without default is not (REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
//!     against a partially open one (a schema) W's additionalProperties must be readable by the
//!     new property's schema;
//!   - removed in R: compatible when R's content model is open
//!     (PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL), incompatible when closed (unless W's schema
//!     for it was `false`), when partially open R's additionalProperties must read it;
//!   - required: a property newly required in R without a default is REQUIRED_ATTRIBUTE_ADDED
//!     (incompatible); dropping a requirement is compatible;
//!   - additionalProperties: closed -> open is compatible, open -> closed incompatible
//!     (ADDITIONAL_PROPERTIES_REMOVED), schemas compared recursively; maxProperties added or
//!     decreased and minProperties added or increased are incompatible.
//! - arrays: "items" compared recursively (a single schema, or tuples position by position);
//!   maxItems added or decreased, minItems added or increased, uniqueItems added: incompatible.
//! - oneOf / anyOf: every W branch must be readable by some R branch (a sum type may be
//!   extended, not narrowed); allOf: every R branch must read some W branch; changing the
//!   combination keyword is incompatible. not: compared with the roles swapped.
use serde_json::Value;

use crate::schema_registry::Schema;

/// Whether `reader` can read data written with `writer`.
pub fn can_read(reader: &Schema, writer: &Schema) -> Result<(), String> {
    let r: Value = serde_json::from_str(&reader.schema_str)
        .map_err(|e| format!("invalid JSON schema: {e}"))?;
    let w: Value = serde_json::from_str(&writer.schema_str)
        .map_err(|e| format!("invalid JSON schema: {e}"))?;
    Checker {
        r_root: &r,
        w_root: &w,
        depth: 0,
    }
    .check(&r, &w, "#")
}

struct Checker<'a> {
    r_root: &'a Value,
    w_root: &'a Value,
    depth: usize,
}

/// A local `$ref` ("#/..."), resolved as a JSON pointer in `root`.
fn deref<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    let mut s = s;
    for _ in 0..32 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => match root.pointer(&r[1..]) {
                Some(t) => s = t,
                None => return s,
            },
            _ => return s,
        }
    }
    s
}

fn is_empty_schema(s: &Value) -> bool {
    matches!(s, Value::Bool(true)) || s.as_object().is_some_and(|o| o.is_empty())
}

fn types(s: &Value) -> Option<Vec<String>> {
    match s.get("type")? {
        Value::String(t) => Some(vec![t.clone()]),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

fn num(s: &Value, k: &str) -> Option<f64> {
    s.get(k).and_then(Value::as_f64)
}

/// An upper bound (maxLength, maximum, ...): added or decreased is incompatible.
fn upper(r: &Value, w: &Value, k: &str, path: &str) -> Result<(), String> {
    match (num(r, k), num(w, k)) {
        (Some(rv), None) => Err(format!("{path}: {k} {rv} added")),
        (Some(rv), Some(wv)) if rv < wv => Err(format!("{path}: {k} decreased from {wv} to {rv}")),
        _ => Ok(()),
    }
}

/// A lower bound (minLength, minimum, ...): added or increased is incompatible.
fn lower(r: &Value, w: &Value, k: &str, path: &str) -> Result<(), String> {
    match (num(r, k), num(w, k)) {
        (Some(rv), None) => Err(format!("{path}: {k} {rv} added")),
        (Some(rv), Some(wv)) if rv > wv => Err(format!("{path}: {k} increased from {wv} to {rv}")),
        _ => Ok(()),
    }
}

/// The content model of an object schema: absent or true is open, false closed, a schema
/// partially open.
fn additional(s: &Value) -> &Value {
    static OPEN: Value = Value::Bool(true);
    s.get("additionalProperties").unwrap_or(&OPEN)
}

impl Checker<'_> {
    fn check(&mut self, r: &Value, w: &Value, path: &str) -> Result<(), String> {
        if self.depth > 64 {
            return Ok(()); // recursive schemas: assume the cycle is compatible
        }
        self.depth += 1;
        let res = self.check_inner(r, w, path);
        self.depth -= 1;
        res
    }

    fn check_inner(&mut self, r: &Value, w: &Value, path: &str) -> Result<(), String> {
        let r = deref(self.r_root, r);
        let w = deref(self.w_root, w);
        if matches!(w, Value::Bool(false)) || is_empty_schema(r) {
            return Ok(());
        }
        if matches!(r, Value::Bool(false)) {
            return Err(format!("{path}: the schema became false"));
        }
        let (ro, wo) = match (r.as_object(), w.as_object()) {
            (Some(ro), Some(wo)) => (ro, wo),
            // A `true` writer (anything) read by a constrained reader.
            (Some(_), None) => return Err(format!("{path}: an unconstrained schema was narrowed")),
            _ => return Ok(()),
        };
        // External references: compared by name only.
        match (ro.get("$ref"), wo.get("$ref")) {
            (Some(a), Some(b)) if a != b => {
                return Err(format!("{path}: $ref changed from {b} to {a}"))
            }
            (Some(a), None) => return Err(format!("{path}: $ref {a} added")),
            _ => {}
        }

        // type
        if let Some(rt) = types(r) {
            match types(w) {
                None => return Err(format!("{path}: type {rt:?} added (TYPE_NARROWED)")),
                Some(wt) => {
                    let covered = |t: &String| {
                        rt.contains(t) || (t == "integer" && rt.iter().any(|x| x == "number"))
                    };
                    let missing: Vec<&String> = wt.iter().filter(|t| !covered(t)).collect();
                    if !missing.is_empty() {
                        let kind = if missing.len() < wt.len() {
                            "TYPE_NARROWED"
                        } else {
                            "TYPE_CHANGED"
                        };
                        return Err(format!(
                            "{path}: type changed from {wt:?} to {rt:?} ({kind})"
                        ));
                    }
                }
            }
        }

        // enum and const
        if let Some(re) = r.get("enum").and_then(Value::as_array) {
            match w.get("enum").and_then(Value::as_array) {
                Some(we) if we.iter().all(|x| re.contains(x)) => {}
                Some(_) => return Err(format!("{path}: enum narrowed (ENUM_ARRAY_NARROWED)")),
                None => return Err(format!("{path}: enum added")),
            }
        }
        if let Some(rc) = r.get("const") {
            if w.get("const") != Some(rc) {
                return Err(format!("{path}: const {rc} added or changed"));
            }
        }

        // strings
        upper(r, w, "maxLength", path)?;
        lower(r, w, "minLength", path)?;
        if let Some(p) = r.get("pattern") {
            if w.get("pattern") != Some(p) {
                return Err(format!("{path}: pattern {p} added or changed"));
            }
        }

        // numbers
        upper(r, w, "maximum", path)?;
        upper(r, w, "exclusiveMaximum", path)?;
        lower(r, w, "minimum", path)?;
        lower(r, w, "exclusiveMinimum", path)?;
        if let Some(rm) = num(r, "multipleOf") {
            match num(w, "multipleOf") {
                Some(wm) if (wm / rm).fract() == 0.0 => {}
                _ => return Err(format!("{path}: multipleOf {rm} added or changed")),
            }
        }

        // objects
        self.check_object(r, w, path)?;

        // arrays
        upper(r, w, "maxItems", path)?;
        lower(r, w, "minItems", path)?;
        if r.get("uniqueItems") == Some(&Value::Bool(true))
            && w.get("uniqueItems") != Some(&Value::Bool(true))
        {
            return Err(format!("{path}: uniqueItems added"));
        }
        match (r.get("items"), w.get("items")) {
            (Some(Value::Array(ra)), Some(Value::Array(wa))) => {
                for (i, (ri, wi)) in ra.iter().zip(wa).enumerate() {
                    self.check(ri, wi, &format!("{path}/items/{i}"))?;
                }
                if ra.len() > wa.len() {
                    return Err(format!("{path}: items added to the tuple"));
                }
            }
            (Some(ri), Some(wi)) => self.check(ri, wi, &format!("{path}/items"))?,
            (Some(ri), None) if !is_empty_schema(ri) => {
                return Err(format!("{path}: items constrained"))
            }
            _ => {}
        }

        // combinations
        for k in ["oneOf", "anyOf"] {
            if let Some(rb) = r.get(k).and_then(Value::as_array) {
                let Some(wb) = w.get(k).and_then(Value::as_array) else {
                    return Err(format!("{path}: {k} added or the combination changed"));
                };
                for (i, wi) in wb.iter().enumerate() {
                    if !rb.iter().any(|ri| self.check(ri, wi, path).is_ok()) {
                        return Err(format!(
                            "{path}/{k}/{i}: no branch of the new schema reads it \
                             (SUM_TYPE_NARROWED)"
                        ));
                    }
                }
            }
        }
        if let Some(rb) = r.get("allOf").and_then(Value::as_array) {
            let wb: Vec<&Value> = match w.get("allOf").and_then(Value::as_array) {
                Some(a) => a.iter().collect(),
                None => vec![w],
            };
            for (i, ri) in rb.iter().enumerate() {
                if !wb.iter().any(|wi| self.check(ri, wi, path).is_ok()) {
                    return Err(format!("{path}/allOf/{i}: added (PRODUCT_TYPE_EXTENDED)"));
                }
            }
        }
        if let Some(rn) = r.get("not") {
            match w.get("not") {
                // not R reads not W when W reads R.
                Some(wn) => self.check(wn, rn, &format!("{path}/not"))?,
                None => return Err(format!("{path}: not added")),
            }
        }
        Ok(())
    }

    fn check_object(&mut self, r: &Value, w: &Value, path: &str) -> Result<(), String> {
        let empty = serde_json::Map::new();
        let rp = r
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let wp = w
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required = |s: &Value| -> Vec<String> {
            s.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (r_req, w_req) = (required(r), required(w));
        let has_default = |s: &Value| deref(self.r_root, s).get("default").is_some();
        let (r_add, w_add) = (additional(r), additional(w));

        for (name, rs) in rp {
            let p = format!("{path}/properties/{name}");
            match wp.get(name) {
                Some(ws) => {
                    self.check(rs, ws, &p)?;
                    if r_req.contains(name) && !w_req.contains(name) && !has_default(rs) {
                        return Err(format!(
                            "{p}: required without a default (REQUIRED_ATTRIBUTE_ADDED)"
                        ));
                    }
                }
                None => match w_add {
                    Value::Bool(false) => {
                        if r_req.contains(name) && !has_default(rs) {
                            return Err(format!(
                                "{p}: a required property without a default was added \
                                 (REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL)"
                            ));
                        }
                    }
                    Value::Bool(true) => {
                        if !is_empty_schema(deref(self.r_root, rs)) {
                            return Err(format!(
                                "{p}: a property was added to an open content model \
                                 (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)"
                            ));
                        }
                    }
                    wa => self.check(rs, wa, &p).map_err(|e| {
                        format!("{e} (PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)")
                    })?,
                },
            }
        }
        for (name, ws) in wp {
            if rp.contains_key(name) {
                continue;
            }
            let p = format!("{path}/properties/{name}");
            match r_add {
                Value::Bool(true) => {}
                Value::Bool(false) => {
                    if !matches!(deref(self.w_root, ws), Value::Bool(false)) {
                        return Err(format!(
                            "{p}: a property was removed from a closed content model \
                             (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL)"
                        ));
                    }
                }
                ra => self.check(ra, ws, &p).map_err(|e| {
                    format!("{e} (PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)")
                })?,
            }
        }
        match (r_add, w_add) {
            (Value::Bool(true), _) | (_, Value::Bool(false)) => {}
            (Value::Bool(false), _) => {
                return Err(format!(
                    "{path}: additionalProperties became false (ADDITIONAL_PROPERTIES_REMOVED)"
                ))
            }
            (ra, wa) => self.check(ra, wa, &format!("{path}/additionalProperties"))?,
        }
        upper(r, w, "maxProperties", path)?;
        lower(r, w, "minProperties", path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema_registry::SchemaType;

    fn ok(r: &str, w: &str) -> Result<(), String> {
        can_read(
            &Schema::new(r, SchemaType::Json),
            &Schema::new(w, SchemaType::Json),
        )
    }

    #[test]
    fn rules() {
        let closed = r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#;
        let open = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
        // Optional property added to a closed model: compatible; to an open one: not.
        assert!(ok(
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}"#,
            closed
        )
        .is_ok());
        let e = ok(
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}"#,
            open,
        )
        .unwrap_err();
        assert!(e.contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"), "{e}");
        // Required without default: no; with a default: yes.
        let req = r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"],"additionalProperties":false}"#;
        assert!(ok(req, closed).unwrap_err().contains("REQUIRED_PROPERTY"));
        let req_def = req.replace(r#""type":"integer"}"#, r#""type":"integer","default":0}"#);
        assert!(ok(&req_def, closed).is_ok());
        // Removed from open: ok; from closed: no.
        assert!(ok(r#"{"type":"object"}"#, open).is_ok());
        assert!(
            ok(r#"{"type":"object","additionalProperties":false}"#, closed)
                .unwrap_err()
                .contains("CLOSED")
        );
        // Types.
        assert!(ok(r#"{"type":["string","null"]}"#, r#"{"type":"string"}"#).is_ok());
        assert!(ok(r#"{"type":"number"}"#, r#"{"type":"integer"}"#).is_ok());
        assert!(ok(r#"{"type":"integer"}"#, r#"{"type":"number"}"#)
            .unwrap_err()
            .contains("TYPE_CHANGED"));
        assert!(ok(r#"{"type":"string"}"#, r#"{"type":["string","null"]}"#)
            .unwrap_err()
            .contains("TYPE_NARROWED"));
        // Enums and bounds.
        assert!(ok(r#"{"enum":["a","b","c"]}"#, r#"{"enum":["a","b"]}"#).is_ok());
        assert!(ok(r#"{"enum":["a"]}"#, r#"{"enum":["a","b"]}"#).is_err());
        assert!(ok(r#"{"maxLength":5}"#, r#"{"maxLength":10}"#).is_err());
        assert!(ok(r#"{"maxLength":10}"#, r#"{"maxLength":5}"#).is_ok());
        assert!(ok(r#"{"minimum":1}"#, r#"{}"#).is_err());
        assert!(ok(r#"{}"#, r#"{"minimum":1}"#).is_ok());
        // Newly required existing property.
        assert!(ok(
            r#"{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"#,
            open
        )
        .unwrap_err()
        .contains("REQUIRED_ATTRIBUTE_ADDED"));
        // Local refs are followed.
        let with_ref = |t: &str| {
            format!(
                r##"{{"definitions":{{"x":{{"type":"{t}"}}}},"type":"object","properties":{{"a":{{"$ref":"#/definitions/x"}}}}}}"##
            )
        };
        assert!(ok(&with_ref("string"), open).is_ok());
        assert!(ok(&with_ref("integer"), open).is_err());
        // Sum types: extended ok, narrowed not.
        let one = r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#;
        assert!(ok(
            r#"{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}"#,
            one
        )
        .is_ok());
        assert!(ok(r#"{"oneOf":[{"type":"string"}]}"#, one).is_err());
    }
}
