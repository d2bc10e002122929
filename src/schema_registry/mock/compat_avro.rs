//! Avro schema compatibility (the Avro specification's schema resolution rules), used by the
//! in-process mock registry to check BACKWARD / FORWARD / FULL levels for real. It follows the
//! Confluent registry (Java Avro's SchemaCompatibility); apache-avro 0.21's checker answers
//! differently on logical types, enum defaults, writer unions and named types (see the tests).
use std::collections::{HashMap, HashSet};

use serde_json::Value;

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// Named types (record, enum, fixed) of one schema, by full name and by short name.
struct Names<'a> {
    by_name: HashMap<String, &'a Value>,
}

impl<'a> Names<'a> {
    fn collect(schema: &'a Value) -> Self {
        let mut n = Names {
            by_name: HashMap::new(),
        };
        n.walk(schema, "");
        n
    }

    fn walk(&mut self, s: &'a Value, ns: &str) {
        match s {
            Value::Array(branches) => branches.iter().for_each(|b| self.walk(b, ns)),
            Value::Object(o) => {
                let t = o.get("type").and_then(Value::as_str).unwrap_or("");
                let mut ns = ns.to_string();
                if matches!(t, "record" | "error" | "enum" | "fixed") {
                    if let Some(name) = o.get("name").and_then(Value::as_str) {
                        if let Some(n) = o.get("namespace").and_then(Value::as_str) {
                            ns = n.to_string();
                        }
                        let (full, short) = match name.rfind('.') {
                            Some(i) => {
                                ns = name[..i].to_string();
                                (name.to_string(), name[i + 1..].to_string())
                            }
                            None if ns.is_empty() => (name.to_string(), name.to_string()),
                            None => (format!("{ns}.{name}"), name.to_string()),
                        };
                        self.by_name.insert(full, s);
                        self.by_name.entry(short).or_insert(s);
                    }
                }
                match t {
                    "record" | "error" => {
                        if let Some(Value::Array(fields)) = o.get("fields") {
                            for f in fields {
                                if let Some(ft) = f.get("type") {
                                    self.walk(ft, &ns);
                                }
                            }
                        }
                    }
                    "array" => {
                        if let Some(i) = o.get("items") {
                            self.walk(i, &ns)
                        }
                    }
                    "map" => {
                        if let Some(v) = o.get("values") {
                            self.walk(v, &ns)
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// A schema with named references replaced by their definitions (one level).
    fn resolve<'b>(&'b self, s: &'b Value) -> &'b Value {
        match s {
            Value::String(n) if !PRIMITIVES.contains(&n.as_str()) => {
                let short = n.rsplit('.').next().unwrap_or(n);
                self.by_name
                    .get(n.as_str())
                    .or_else(|| self.by_name.get(short))
                    .copied()
                    .unwrap_or(s)
            }
            Value::Object(o) => match o.get("type") {
                // {"type": "int", "logicalType": ...} and {"type": {...}} wrap another type.
                Some(t @ Value::String(n)) if PRIMITIVES.contains(&n.as_str()) => t,
                Some(Value::String(n))
                    if !matches!(
                        n.as_str(),
                        "record" | "error" | "enum" | "fixed" | "array" | "map"
                    ) =>
                {
                    self.resolve(o.get("type").expect("checked"))
                }
                Some(inner @ (Value::Object(_) | Value::Array(_))) => self.resolve(inner),
                _ => s,
            },
            _ => s,
        }
    }
}

fn kind(s: &Value) -> &str {
    match s {
        Value::String(n) => n,
        Value::Array(_) => "union",
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some("error") => "record",
            Some(t) => t,
            None => "?",
        },
        _ => "?",
    }
}

fn short_name(s: &Value) -> &str {
    let n = s.get("name").and_then(Value::as_str).unwrap_or("");
    n.rsplit('.').next().unwrap_or(n)
}

struct Checker<'a> {
    reader: Names<'a>,
    writer: Names<'a>,
    seen: HashSet<(String, String)>,
}

/// Ok when data written with `writer` can be read with `reader`; otherwise why not.
pub(crate) fn can_read(reader: &Value, writer: &Value) -> Result<(), String> {
    let mut c = Checker {
        reader: Names::collect(reader),
        writer: Names::collect(writer),
        seen: HashSet::new(),
    };
    c.check(reader, writer, "")
}

impl Checker<'_> {
    fn check(&mut self, r: &Value, w: &Value, path: &str) -> Result<(), String> {
        // Resolving borrows self's name tables; clone the (small) resolved schemas to recurse.
        let r = self.reader.resolve(r).clone();
        let w = self.writer.resolve(w).clone();
        let (rk, wk) = (kind(&r).to_string(), kind(&w).to_string());
        let at = if path.is_empty() { "/" } else { path };
        if wk == "union" {
            for b in w.as_array().expect("union") {
                self.check(&r, b, path)?;
            }
            return Ok(());
        }
        if rk == "union" {
            let branches = r.as_array().expect("union").clone();
            for b in &branches {
                if self.check(b, &w, path).is_ok() {
                    return Ok(());
                }
            }
            return Err(format!(
                "{at}: the reader's union has no branch for the writer's {wk}"
            ));
        }
        let promotable = matches!(
            (wk.as_str(), rk.as_str()),
            ("int", "long" | "float" | "double")
                | ("long", "float" | "double")
                | ("float", "double")
                | ("string", "bytes")
                | ("bytes", "string")
        );
        if rk != wk {
            return if promotable {
                Ok(())
            } else {
                Err(format!("{at}: type {wk} cannot be read as {rk}"))
            };
        }
        match rk.as_str() {
            "record" => {
                if short_name(&r) != short_name(&w) {
                    return Err(format!(
                        "{at}: record name {} does not match {}",
                        short_name(&w),
                        short_name(&r)
                    ));
                }
                let key = (short_name(&r).to_string(), short_name(&w).to_string());
                if !self.seen.insert(key) {
                    return Ok(()); // recursive type already being checked
                }
                let empty = vec![];
                let wf = w.get("fields").and_then(Value::as_array).unwrap_or(&empty);
                let rf = r.get("fields").and_then(Value::as_array).unwrap_or(&empty);
                for f in rf {
                    let name = f.get("name").and_then(Value::as_str).unwrap_or("");
                    let aliases: Vec<&str> = f
                        .get("aliases")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let wfield = wf.iter().find(|x| {
                        let n = x.get("name").and_then(Value::as_str).unwrap_or("");
                        n == name || aliases.contains(&n)
                    });
                    let fpath = format!("{path}/{name}");
                    match wfield {
                        Some(x) => self.check(
                            f.get("type").unwrap_or(&Value::Null),
                            x.get("type").unwrap_or(&Value::Null),
                            &fpath,
                        )?,
                        None if f.get("default").is_some() => {}
                        None => {
                            return Err(format!(
                                "{fpath}: the reader's field {name} has no default and the writer has no such field"
                            ))
                        }
                    }
                }
                Ok(())
            }
            "enum" => {
                if short_name(&r) != short_name(&w) {
                    return Err(format!("{at}: enum name mismatch"));
                }
                let syms = |s: &Value| -> Vec<String> {
                    s.get("symbols")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (rs, ws) = (syms(&r), syms(&w));
                if r.get("default").is_none() {
                    if let Some(missing) = ws.iter().find(|s| !rs.contains(s)) {
                        return Err(format!("{at}: the reader's enum lacks symbol {missing}"));
                    }
                }
                Ok(())
            }
            "fixed" => {
                if short_name(&r) != short_name(&w) || r.get("size") != w.get("size") {
                    return Err(format!("{at}: fixed name or size mismatch"));
                }
                Ok(())
            }
            "array" => self.check(
                r.get("items").unwrap_or(&Value::Null),
                w.get("items").unwrap_or(&Value::Null),
                &format!("{path}/items"),
            ),
            "map" => self.check(
                r.get("values").unwrap_or(&Value::Null),
                w.get("values").unwrap_or(&Value::Null),
                &format!("{path}/values"),
            ),
            _ => Ok(()), // same primitive
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn v(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn record_rules() {
        let w1 = v(r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#);
        let with_default = v(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"x"}]}"#,
        );
        let no_default = v(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}"#,
        );
        assert!(can_read(&with_default, &w1).is_ok());
        assert!(can_read(&no_default, &w1).is_err());
        assert!(can_read(&w1, &no_default).is_ok());
        assert!(can_read(&w1, &with_default).is_err()); // long cannot be read as int
        let u = v(r#"["null","string"]"#);
        assert!(can_read(&u, &v(r#""string""#)).is_ok());
        assert!(can_read(&v(r#""string""#), &u).is_err());
    }

    const DECIMAL: &str = r#"{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}"#;

    /// (reader, writer) pairs that the Confluent registry (Java Avro's SchemaCompatibility,
    /// which compares types without their logical types) finds compatible, and that
    /// apache-avro 0.21's SchemaCompatibility::can_read refuses.
    fn apache_avro_refuses() -> Vec<(&'static str, String, String)> {
        let rec = |t: &str| {
            format!(r#"{{"type":"record","name":"R","fields":[{{"name":"d","type":{t}}}]}}"#)
        };
        let inner = r#"{"type":"record","name":"I","fields":[{"name":"x","type":"int"}]}"#;
        let two = |first: &str, second: &str| {
            format!(
                r#"{{"type":"record","name":"R","fields":[{{"name":"{first}","type":{inner}}},{{"name":"{second}","type":"I"}}]}}"#
            )
        };
        vec![
            // A schema with a decimal field against itself: no second version could register.
            ("same decimal field", rec(DECIMAL), rec(DECIMAL)),
            (
                "same fixed duration",
                r#"{"type":"fixed","name":"D","size":12,"logicalType":"duration"}"#.into(),
                r#"{"type":"fixed","name":"D","size":12,"logicalType":"duration"}"#.into(),
            ),
            ("bytes read as decimal", DECIMAL.into(), r#""bytes""#.into()),
            (
                "int read as timestamp-millis",
                r#"{"type":"long","logicalType":"timestamp-millis"}"#.into(),
                r#""int""#.into(),
            ),
            (
                "date read as long",
                r#""long""#.into(),
                r#"{"type":"int","logicalType":"date"}"#.into(),
            ),
            // The reader's enum default stands in for unknown symbols (Avro 1.9+).
            (
                "enum with a reader default",
                r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#.into(),
                r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#.into(),
            ),
            // Every branch of the writer's union is readable as long.
            (
                "writer union, plain reader",
                r#""long""#.into(),
                r#"["int","long"]"#.into(),
            ),
            // The same record with its fields reordered, a named type defined in the first.
            ("named type defined elsewhere", two("b", "a"), two("a", "b")),
        ]
    }

    #[test]
    fn compatible_where_the_confluent_registry_is() {
        for (what, r, w) in apache_avro_refuses() {
            assert_eq!(can_read(&v(&r), &v(&w)), Ok(()), "{what}");
        }
        // And still refused where the registry refuses.
        let e = |syms: &str| format!(r#"{{"type":"enum","name":"E","symbols":{syms}}}"#);
        assert!(can_read(&v(&e(r#"["A","B"]"#)), &v(&e(r#"["A","B","C"]"#))).is_err());
        assert!(can_read(&v(r#""int""#), &v(r#"["int","long"]"#)).is_err());
        assert!(can_read(&v(r#""int""#), &v(DECIMAL)).is_err());
    }

    /// Why this checker exists although apache-avro has one: apache-avro 0.21 answers these
    /// differently from the registry. If this fails, a newer apache-avro may now agree and
    /// could replace this file (run the compat tests of tests/schema_registry.rs and
    /// tests/avro.rs too: schemas with references must then be parsed with them).
    #[test]
    fn apache_avro_answers_these_differently() {
        use apache_avro::schema_compatibility::SchemaCompatibility;
        use apache_avro::Schema;
        for (what, r, w) in apache_avro_refuses() {
            let (r, w) = (
                Schema::parse_str(&r).unwrap(),
                Schema::parse_str(&w).unwrap(),
            );
            assert!(SchemaCompatibility::can_read(&w, &r).is_err(), "{what}");
        }
    }
}
