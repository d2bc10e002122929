//! Reads include/kafkaffi.h (as cbindgen writes it) and describes the ABI as JSON
//! (include/kafkaffi.abi.json): every constant, type, struct layout and function, with each
//! parameter's direction, nullability and ownership, whether the function blocks and from which
//! threads it may be called. The format is described in docs/ABI.md ("The ABI as JSON").
//!
//! Facts come from the declarations and from fixed lines of the doc comments:
//! `Thread safety:` and `Blocks:` (required on every function), `Returns:`, `Errors:`,
//! `Runs on:` (callback types), and for the exceptions to the naming conventions below,
//! `Nullable: \`a\`, \`b\`.`, `Direction: \`a\` out, \`b\` inout.` and
//! `Transferred: \`a\` (until when).` (the callee takes the pointer over).
//!
//! Conventions (defaults):
//! - direction: a parameter named `*_out` is out; `T **` (not const) is out; a non-const pointer
//!   to a struct of the header or to a scalar is inout; everything else is in.
//! - nullability: a pointer is not nullable, except the first parameter of a `_destroy` or
//!   `_free` function (NULL is a no-op), `err_out`, a `void *` opaque and a `kf_free_fn`.
//! - ownership: an in pointer is borrowed for the call, except the first parameter of a
//!   `_destroy` / `_free` function (transferred: the callee frees it). A returned or out
//!   `char *` is the caller's (kf_string_free()); a `const char *` is borrowed, or static when
//!   the doc says so; a non-const handle the caller's (its `_destroy`), a const one borrowed;
//!   `kf_error_t *` returns are the caller's (kf_error_destroy()). The doc's `Returns:` line
//!   (or the sentence naming an out parameter) overrides: "caller owns" / "free with kf_x()",
//!   "borrowed ... until ...", "static"; a borrowed result without "until" lives as long as its
//!   first parameter (`from`), the handle it was read from.
//!
//! Used by the example `gen_abi_json` and by tests/abi_json.rs (which fails on drift); it is a
//! plain file with no crate dependency other than serde_json, included with #[path].
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Bumped when the JSON's shape changes incompatibly.
pub const FORMAT_VERSION: u32 = 1;

struct Item {
    doc: Vec<String>,
    line: usize,
    decl: String,
    /// Struct fields (type, name) for `typedef struct { ... } name;`.
    fields: Vec<String>,
    /// The doc comment of each field in `fields` ("" when it has none).
    field_docs: Vec<String>,
    /// Macros written around a declaration (`KF_NODISCARD kf_error_t *kf_x(...)`).
    attrs: Vec<String>,
}

/// `decl` without the uses of `macros` (with their arguments), and those uses.
fn strip_macros(decl: &str, macros: &std::collections::BTreeSet<String>) -> (String, Vec<String>) {
    let mut out = decl.to_string();
    let mut attrs = Vec::new();
    for m in macros {
        let mut from = 0;
        while let Some(p) = out[from..].find(m.as_str()).map(|p| p + from) {
            let end = p + m.len();
            let word_start =
                p == 0 || !out[..p].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            let word_end = !out[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            if !(word_start && word_end) {
                from = end;
                continue;
            }
            let mut stop = end;
            if out[end..].trim_start().starts_with('(') {
                let open = end + out[end..].find('(').unwrap();
                let mut depth = 0;
                for (k, c) in out[open..].char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                stop = open + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            attrs.push(out[p..stop].to_string());
            out.replace_range(p..stop, "");
            from = p;
        }
    }
    (
        out.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" ;", ";"),
        attrs,
    )
}

/// The JSON text for `header` (pretty-printed, ending with a newline), or every problem found.
pub fn generate(header: &str) -> Result<String, String> {
    let (items, mut errors) = split_items(header);
    let mut constants = Vec::new();
    let mut types: Vec<Value> = Vec::new();
    let mut functions = Vec::new();
    let mut layouts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut structs = std::collections::BTreeSet::new();
    let mut abi_major = Value::Null;
    // Integer #defines are constants; any other #define (an attribute macro, say) is a macro,
    // and a function declaration may carry macros before its return type or after its ")".
    let define_list: Vec<(String, i64, Option<String>)> = items
        .iter()
        .filter_map(|i| {
            let mut it = i.decl.strip_prefix("#define ")?.split_whitespace();
            let name = it.next()?.to_string();
            let value = it.collect::<Vec<_>>().join(" ").parse().ok()?;
            Some((name, value, fixed(&i.doc.join("\n"), "Group:")))
        })
        .collect();
    let macro_names: std::collections::BTreeSet<String> = items
        .iter()
        .filter_map(|i| i.decl.strip_prefix("#define "))
        .filter(|r| {
            r.split_whitespace()
                .nth(1)
                .map_or(true, |v| v.parse::<i64>().is_err())
        })
        .filter_map(|r| r.split(|c: char| c.is_whitespace() || c == '(').next())
        .map(str::to_string)
        .collect();
    let mut macros: Vec<Value> = Vec::new();
    // Attribute macros out of the declarations, kept as each function's "attributes".
    let items: Vec<Item> = items
        .into_iter()
        .map(|mut it| {
            if !it.decl.starts_with('#') {
                let (decl, attrs) = strip_macros(&it.decl, &macro_names);
                it.decl = decl;
                it.attrs = attrs;
            }
            it
        })
        .collect();
    // Names of every function, to find a type's _destroy.
    let fn_names: std::collections::BTreeSet<String> = items
        .iter()
        .filter(|i| !i.decl.starts_with("typedef") && !i.decl.starts_with("#define"))
        .filter_map(|i| fn_name(&i.decl))
        .collect();
    let groups = constant_groups(&define_list);
    let mut define_idx = 0;
    for item in &items {
        let d = item.decl.as_str();
        let doc = item.doc.join("\n");
        if let Some(rest) = d.strip_prefix("#define ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let definition = rest[name.len()..].trim().to_string();
            if macro_names.contains(&name) {
                if let Some(m) = macros.iter_mut().find(|m| m["name"] == name.as_str()) {
                    // another branch of an #if: documented once
                    m["definitions"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!(definition));
                    continue;
                }
                if item.doc.is_empty() {
                    errors.push(format!("line {}: `{d}` has no doc comment", item.line));
                }
                macros.push(json!({"name": name, "definitions": [definition], "doc": doc}));
                continue;
            }
            if item.doc.is_empty() {
                errors.push(format!("line {}: `{d}` has no doc comment", item.line));
            }
            let value = json!(definition.parse::<i64>().unwrap_or_default());
            if name == "KF_ABI_MAJOR" {
                abi_major = value.clone();
            }
            let group = groups[define_idx].clone();
            define_idx += 1;
            constants.push(json!({"name": name, "value": value, "group": group, "doc": doc}));
        } else if item.doc.is_empty() {
            errors.push(format!("line {}: `{d}` has no doc comment", item.line));
        } else if let Some(rest) = d.strip_prefix("typedef struct ") {
            if rest == "{" {
                // a struct with its fields
                let name = item.fields.last().cloned().unwrap_or_default();
                let name = name
                    .trim_start_matches('}')
                    .trim()
                    .trim_end_matches(';')
                    .to_string();
                let mut fields = Vec::new();
                let (mut off, mut align) = (0u64, 1u64);
                let last = item.fields.len().saturating_sub(1);
                for (f, fdoc) in item.fields[..last].iter().zip(&item.field_docs) {
                    let f = f.trim().trim_end_matches(';');
                    // a fixed array: `type name[N]`
                    let (f, count) = match f.strip_suffix(']').and_then(|x| x.rsplit_once('[')) {
                        Some((decl, n)) => (decl.trim(), n.trim().parse::<u64>().ok()),
                        None => (f, Some(1)),
                    };
                    let Some((ty, fname)) = split_decl(f) else {
                        errors.push(format!("{name}: cannot read field `{f}`"));
                        continue;
                    };
                    let Some(count) = count else {
                        errors.push(format!("{name}.{fname}: array length is not a number"));
                        continue;
                    };
                    let Some((elem, al)) = size_align(&ty, &layouts) else {
                        errors.push(format!("{name}.{fname}: no layout for type `{ty}`"));
                        continue;
                    };
                    let size = elem * count;
                    off = off.div_ceil(al) * al;
                    let mut field = json!({"name": fname, "type": type_desc(&ty), "offset": off, "size": size, "align": al});
                    if size != elem {
                        field["array_len"] = json!(count);
                    }
                    if !fdoc.is_empty() {
                        field["doc"] = json!(fdoc);
                    }
                    fields.push(field);
                    off += size;
                    align = align.max(al);
                }
                let size = off.div_ceil(align) * align;
                layouts.insert(name.clone(), (size, align));
                structs.insert(name.clone());
                let starts_with_size = fields
                    .first()
                    .is_some_and(|f| f["name"] == "size" && f["type"]["c"] == "size_t");
                types.push(
                    json!({"name": name, "kind": "struct", "doc": doc, "size": size,
                    "align": align, "starts_with_size": starts_with_size, "fields": fields}),
                );
            } else {
                // typedef struct kf_x_t kf_x_t;
                let words: Vec<&str> = rest.trim_end_matches(';').split_whitespace().collect();
                let name = words.first().copied().unwrap_or("").to_string();
                if words.len() != 2 || words[1] != name {
                    errors.push(format!(
                        "line {}: cannot read `{d}` (tag and name differ)",
                        item.line
                    ));
                }
                let destroy = destroy_of(&name, &fn_names);
                types.push(json!({"name": name, "kind": "opaque", "doc": doc, "destroy": destroy}));
            }
        } else if let Some(rest) = d.strip_prefix("typedef ") {
            // typedef RET (*NAME)(PARAMS);
            let Some(open) = rest.find("(*") else {
                errors.push(format!("line {}: cannot read typedef `{d}`", item.line));
                continue;
            };
            let ret = rest[..open].trim().to_string();
            let after = &rest[open + 2..];
            let close = after.find(')').unwrap_or(0);
            let name = after[..close].to_string();
            let params_text = after[close + 1..]
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(';')
                .trim_end_matches(')');
            let mut params = Vec::new();
            for p in split_params(params_text) {
                match split_decl(&p) {
                    Some((ty, n)) => params.push(json!({"name": n, "type": type_desc(&ty)})),
                    None => errors.push(format!("{name}: cannot read parameter `{p}`")),
                }
            }
            types.push(json!({"name": name, "kind": "callback", "doc": doc,
                "runs_on": doc_line(&doc, "Runs on:"), "returns": {"type": type_desc(&ret)}, "params": params}));
        } else {
            match function(item, &doc, &fn_names, &structs) {
                Ok(f) => functions.push(f),
                Err(e) => errors.push(e),
            }
        }
    }
    if functions.is_empty() {
        errors.push("no function found".into());
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let mut top = Map::new();
    top.insert("format".into(), json!("kafkaffi-abi"));
    top.insert("format_version".into(), json!(FORMAT_VERSION));
    top.insert("generated_from".into(), json!("include/kafkaffi.h"));
    top.insert(
        "generator".into(),
        json!("tools/abi_json.rs (cargo test --test abi_json)"),
    );
    top.insert("abi_major".into(), abi_major);
    top.insert("data_model".into(), json!({
        "name": "LP64",
        "targets": ["x86_64 System V (Linux, macOS)", "aarch64 AAPCS64 (Linux, macOS)"],
        "note": "struct sizes, alignments and offsets are computed with the C layout rules for these sizes; they are the same on both targets",
        "sizes": {"bool": 1, "int": 4, "int32_t": 4, "int64_t": 8, "size_t": 8, "double": 8, "pointer": 8}
    }));
    top.insert("constants".into(), Value::Array(constants));
    top.insert("macros".into(), Value::Array(macros));
    top.insert("types".into(), Value::Array(types));
    top.insert("functions".into(), Value::Array(functions));
    let mut s = serde_json::to_string_pretty(&Value::Object(top)).map_err(|e| e.to_string())?;
    s.push('\n');
    Ok(s)
}

/// Doc comment + declaration pairs, in header order; lines the generator does not understand
/// are errors.
fn split_items(header: &str) -> (Vec<Item>, Vec<String>) {
    let lines: Vec<&str> = header.lines().collect();
    let (mut items, mut errors) = (Vec::new(), Vec::new());
    let mut doc: Vec<String> = Vec::new();
    let mut i = 0;
    let mut cxx = false;
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        i += 1;
        if t == "/**" {
            doc.clear();
            while i < lines.len() && lines[i].trim() != "*/" {
                let dl = lines[i].trim_start();
                let dl = dl.strip_prefix('*').unwrap_or(dl);
                doc.push(dl.strip_prefix(' ').unwrap_or(dl).to_string());
                i += 1;
            }
            i += 1;
            continue;
        }
        if t.starts_with("/*") && !t.starts_with("/**") {
            while i <= lines.len() && !lines[i - 1].contains("*/") {
                i += 1;
            }
            continue;
        }
        if t.is_empty() {
            continue;
        }
        if t.starts_with("#ifdef __cplusplus") {
            cxx = true;
            continue;
        }
        if cxx {
            if t.starts_with("#endif") {
                cxx = false;
            }
            continue;
        }
        // The include guard, includes and conditionals (a macro defined in two branches of an
        // #if is listed once, with both definitions).
        if t.starts_with("#ifndef KAFKAFFI_H")
            || t.starts_with("#define KAFKAFFI_H")
            || t.starts_with("#include ")
            || t.starts_with("#if")
            || t.starts_with("#elif")
            || t.starts_with("#else")
            || t.starts_with("#endif")
        {
            continue;
        }
        let mut item = Item {
            doc: std::mem::take(&mut doc),
            line: i,
            decl: t.to_string(),
            fields: Vec::new(),
            field_docs: Vec::new(),
            attrs: Vec::new(),
        };
        if t == "typedef struct {" {
            item.decl = "typedef struct {".into();
            // A field may have its own doc comment (`/** ... */` on the lines before it).
            let mut field_doc = String::new();
            let mut in_comment = false;
            while i < lines.len() {
                let f = lines[i].trim().to_string();
                i += 1;
                if in_comment || f.starts_with("/*") {
                    in_comment = !f.ends_with("*/");
                    let text = f
                        .trim_start_matches("/**")
                        .trim_start_matches("/*")
                        .trim_end_matches("*/")
                        .trim_start_matches('*')
                        .trim();
                    if !text.is_empty() {
                        if !field_doc.is_empty() {
                            field_doc.push(' ');
                        }
                        field_doc.push_str(text);
                    }
                    continue;
                }
                let end = f.starts_with('}');
                item.fields.push(f);
                item.field_docs.push(std::mem::take(&mut field_doc));
                if end {
                    break;
                }
            }
        } else if !(t.starts_with("#define ") || t.ends_with(';')) {
            errors.push(format!("line {i}: cannot read `{t}`"));
            continue;
        }
        items.push(item);
    }
    (items, errors)
}

fn fn_name(decl: &str) -> Option<String> {
    let open = decl.find('(')?;
    let head = &decl[..open];
    let name = head
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    Some(name.to_string())
}

/// "const char *const *topics" -> ("const char *const *", "topics").
fn split_decl(p: &str) -> Option<(String, String)> {
    let p = p.trim();
    let name_start = p.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))? + 1;
    let (ty, name) = (p[..name_start].trim(), &p[name_start..]);
    if ty.is_empty() || name.is_empty() {
        return None;
    }
    Some((norm_type(ty), name.to_string()))
}

fn split_params(s: &str) -> Vec<String> {
    let s = s.trim();
    if s.is_empty() || s == "void" {
        return Vec::new();
    }
    s.split(',').map(|p| p.trim().to_string()).collect()
}

/// One spelling per type: "const char *const *", "kf_error_t **".
fn norm_type(t: &str) -> String {
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    for c in t.chars() {
        if c == '*' {
            let trimmed = out.trim_end().to_string();
            out = trimmed;
            if !out.ends_with('*') {
                out.push(' ');
            }
            out.push('*');
        } else {
            if c != ' ' && out.ends_with('*') {
                // "*const" -> "*const"
            }
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// {"c": "const char *", "base": "char", "pointers": 1, "const": [true, ...]}: const of the
/// base, then of each pointer level.
fn type_desc(t: &str) -> Value {
    let base_const = t.starts_with("const ");
    let rest = t.strip_prefix("const ").unwrap_or(t);
    let base = rest
        .split(|c: char| c == ' ' || c == '*')
        .next()
        .unwrap_or("")
        .to_string();
    let pointers = t.matches('*').count();
    let mut consts = vec![base_const];
    for seg in t.split('*').skip(1) {
        consts.push(seg.trim_start().starts_with("const"));
    }
    consts.truncate(pointers + 1);
    json!({"c": t, "base": base, "pointers": pointers, "const": consts})
}

fn size_align(t: &str, layouts: &BTreeMap<String, (u64, u64)>) -> Option<(u64, u64)> {
    if t.contains('*') || t.ends_with("_cb") || t.ends_with("_fn") {
        return Some((8, 8));
    }
    let base = t.strip_prefix("const ").unwrap_or(t);
    Some(match base {
        "bool" | "int8_t" | "uint8_t" | "char" => (1, 1),
        "int16_t" | "uint16_t" => (2, 2),
        "int" | "int32_t" | "uint32_t" | "float" => (4, 4),
        "int64_t" | "uint64_t" | "size_t" | "double" | "long" => (8, 8),
        other => return layouts.get(other).copied(),
    })
}

/// The group of every constant (the `KF_<GROUP>` its name starts with), in order. Constants
/// form runs in header order: a run continues while the next name shares the run's common
/// `_`-ended prefix (beyond `KF_`) without shortening it, and no enum restarts (a value of 0 or
/// 1 not above the previous one). The group is the run's common prefix; a run of one constant
/// is its own group. A `Group: KF_X.` doc line on a run's first constant names the group where
/// the common prefix would say too much (KF_ISOLATION_LEVEL_READ_...).
fn constant_groups(consts: &[(String, i64, Option<String>)]) -> Vec<String> {
    fn lcp(a: &str, b: &str) -> String {
        let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
        a[..n]
            .rfind('_')
            .map_or(String::new(), |p| a[..=p].to_string())
    }
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut prefix = String::new();
    let mut fixed_group: Option<String> = None;
    let close = |run: &mut Vec<usize>,
                 prefix: &str,
                 fixed_group: &Option<String>,
                 out: &mut Vec<String>| {
        for &i in run.iter() {
            let g = match fixed_group {
                Some(g) => g.clone(),
                None if run.len() == 1 => consts[i].0.clone(),
                None => prefix.trim_end_matches('_').to_string(),
            };
            out.push(g);
        }
        run.clear();
    };
    for (i, (name, value, group)) in consts.iter().enumerate() {
        if !run.is_empty() {
            let c = lcp(&prefix, name);
            let restart = i > 0 && *value <= consts[i - 1].1 && (*value == 0 || *value == 1);
            let breaks = match &fixed_group {
                Some(g) => !name.starts_with(&format!("{g}_")) || group.is_some(),
                None => {
                    c.len() <= 3
                        || (c.len() < prefix.len() && run.len() > 1)
                        || restart
                        || group.is_some()
                }
            };
            if breaks {
                close(&mut run, &prefix, &fixed_group, &mut out);
            }
        }
        if run.is_empty() {
            prefix = name.clone();
            fixed_group = group.clone();
        } else {
            prefix = lcp(&prefix, name);
        }
        run.push(i);
    }
    close(&mut run, &prefix, &fixed_group, &mut out);
    out
}

fn destroy_of(type_name: &str, fns: &std::collections::BTreeSet<String>) -> Value {
    let stem = type_name.strip_suffix("_t").unwrap_or(type_name);
    let d = format!("{stem}_destroy");
    if fns.contains(&d) {
        json!(d)
    } else {
        Value::Null
    }
}

/// The text of a fixed doc line (`key` anywhere in the doc, up to the end of its sentence).
fn doc_line(doc: &str, key: &str) -> Value {
    match fixed(doc, key) {
        Some(s) => json!(s),
        None => Value::Null,
    }
}

fn fixed(doc: &str, key: &str) -> Option<String> {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = flat.find(key)? + key.len();
    let rest = flat[start..].trim_start();
    // The sentence ends at ". " followed by a capital letter (the next fixed line) or the end;
    // a period inside "kf_x()." or "e.g." followed by lower case does not end it.
    let b = rest.as_bytes();
    let mut end = rest.len();
    for i in 0..b.len() {
        if b[i] == b'.'
            && (i + 1 == b.len()
                || (b[i + 1] == b' ' && b.get(i + 2).is_some_and(|c| c.is_ascii_uppercase())))
        {
            end = i;
            break;
        }
    }
    Some(rest[..end].trim().to_string())
}

/// Backquoted names in a text.
fn ticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(|x| x.trim_start_matches('*').to_string())
        .collect()
}

/// The first sentence of the first paragraph.
fn summary(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or("");
    let flat = para.split_whitespace().collect::<Vec<_>>().join(" ");
    let b = flat.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'.' && (i + 1 == b.len() || b[i + 1] == b' ') {
            let before = &flat[..i];
            if before.ends_with("e.g") || before.ends_with("i.e") {
                continue;
            }
            return flat[..=i].to_string();
        }
    }
    flat
}

/// The first sentence of the doc that names `param` in backquotes, if any (the fixed
/// `Nullable:` / `Direction:` / `Transferred:` lines left out).
fn sentence_about(doc: &str, param: &str) -> Option<String> {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let ticks = [format!("`{param}`"), format!("`*{param}`")];
    let mut from = 0;
    loop {
        let pos = ticks
            .iter()
            .filter_map(|t| flat[from..].find(t.as_str()).map(|p| p + from))
            .min()?;
        let start = flat[..pos].rfind(". ").map_or(0, |p| p + 2);
        let end = flat[pos..].find(". ").map_or(flat.len(), |p| pos + p + 1);
        let sentence = &flat[start..end];
        let fixed_line = ["Nullable:", "Direction:", "Transferred:"]
            .iter()
            .any(|k| sentence.starts_with(k));
        if !fixed_line {
            return Some(sentence.to_string());
        }
        from = end;
        if from >= flat.len() {
            return None;
        }
    }
}

/// Ownership of a returned (or out) pointer of type `t` (the pointee type for out params).
fn ownership(t: &str, text: Option<&str>, fns: &std::collections::BTreeSet<String>) -> Value {
    let base = t
        .trim_start_matches("const ")
        .split(|c: char| c == ' ' || c == '*')
        .next()
        .unwrap_or("");
    let is_const = t.starts_with("const ");
    let default_free = || -> Value {
        if base == "char" {
            json!("kf_string_free")
        } else {
            destroy_of(base, fns)
        }
    };
    let text = text.unwrap_or("");
    let lower = text.to_ascii_lowercase();
    for key in ["free with ", "freed with ", "free it with "] {
        if let Some(p) = lower.find(key) {
            let free = text[p + key.len()..]
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if free.starts_with("kf_") {
                return json!({"kind": "caller_owns", "free": free});
            }
        }
    }
    if lower.contains("caller owns") {
        let free = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| w.starts_with("kf_") && (w.ends_with("_destroy") || w.ends_with("_free")))
            .map(|w| json!(w))
            .unwrap_or_else(default_free);
        return json!({"kind": "caller_owns", "free": free});
    }
    if lower.contains("static") {
        return json!({"kind": "static"});
    }
    if lower.contains("borrowed") || lower.contains("valid until") {
        let until = lower.find("until ").map(|p| {
            let u = &text[p..];
            u[..u.find(';').unwrap_or(u.len())]
                .trim_end_matches('.')
                .to_string()
        });
        return json!({"kind": "borrowed", "until": until, "text": text});
    }
    if is_const {
        json!({"kind": "borrowed", "until": null, "text": if text.is_empty() { Value::Null } else { json!(text) }})
    } else {
        json!({"kind": "caller_owns", "free": default_free()})
    }
}

fn function(
    item: &Item,
    doc: &str,
    fns: &std::collections::BTreeSet<String>,
    structs: &std::collections::BTreeSet<String>,
) -> Result<Value, String> {
    let d = item.decl.trim_end_matches(';');
    let name = fn_name(d).ok_or_else(|| format!("line {}: cannot read `{d}`", item.line))?;
    let open = d.find('(').unwrap();
    let ret = norm_type(
        d[..open]
            .trim()
            .strip_suffix(name.as_str())
            .unwrap_or("")
            .trim(),
    );
    if !d.ends_with(')') || ret.is_empty() {
        return Err(format!("line {}: cannot read function `{d}`", item.line));
    }
    let params_text = &d[open + 1..d.len() - 1];
    let mut errs = Vec::new();
    let nullable_line = fixed(doc, "Nullable:")
        .map(|s| ticked(&s))
        .unwrap_or_default();
    let direction_line = fixed(doc, "Direction:").unwrap_or_default();
    let mut directions: BTreeMap<String, String> = BTreeMap::new();
    for part in direction_line.split(',') {
        let ns = ticked(part);
        let word = part.rsplit('`').next().unwrap_or("").trim();
        if let Some(n) = ns.first() {
            if !matches!(word, "in" | "out" | "inout") {
                errs.push(format!(
                    "{name}: `Direction:` entry `{part}` is not `name` in|out|inout"
                ));
            }
            directions.insert(n.clone(), word.to_string());
        }
    }
    let destroyish = name.ends_with("_destroy") || name.ends_with("_free");
    let transferred_line = fixed(doc, "Transferred:").unwrap_or_default();
    let transferred = ticked(&transferred_line);
    let returns_text = fixed(doc, "Returns:");
    let mut params = Vec::new();
    let plist = split_params(params_text);
    let pnames: Vec<String> = plist
        .iter()
        .filter_map(|p| split_decl(p).map(|x| x.1))
        .collect();
    for n in nullable_line
        .iter()
        .chain(directions.keys())
        .chain(transferred.iter())
    {
        if !pnames.contains(n) {
            errs.push(format!(
                "{name}: the doc names `{n}`, which is no parameter"
            ));
        }
    }
    for (i, p) in plist.iter().enumerate() {
        let Some((ty, pn)) = split_decl(p) else {
            errs.push(format!("{name}: cannot read parameter `{p}`"));
            continue;
        };
        let pointer = ty.contains('*') || ty.ends_with("_cb") || ty.ends_with("_fn");
        let data_pointer = ty.contains('*');
        let base = ty
            .trim_start_matches("const ")
            .split(|c: char| c == ' ' || c == '*')
            .next()
            .unwrap_or("")
            .to_string();
        let ptrs = ty.matches('*').count();
        let outer_const = ty.trim_end_matches('*').trim_end().ends_with("const")
            || (ptrs == 1 && ty.starts_with("const "));
        let default_dir = if i == 0 && destroyish {
            "in"
        } else if pn.ends_with("_out") || (ptrs >= 2 && !outer_const) {
            "out"
        } else if ptrs == 1
            && !ty.starts_with("const ")
            && (structs.contains(&base) || is_scalar(&base))
        {
            "inout"
        } else {
            "in"
        };
        let dir = directions
            .get(&pn)
            .map(String::as_str)
            .unwrap_or(default_dir)
            .to_string();
        let conv_nullable = (i == 0 && destroyish)
            || pn == "err_out"
            || (ty == "void *" && (pn == "opaque" || pn == "free_opaque"))
            || ty == "kf_free_fn";
        let nullable = if pointer {
            Some(conv_nullable || nullable_line.contains(&pn))
        } else {
            None
        };
        let own = if !pointer {
            json!({"kind": "value"})
        } else if ty.ends_with("_cb") || ty.ends_with("_fn") {
            json!({"kind": "callback"})
        } else if i == 0 && destroyish {
            json!({"kind": "transferred", "text": "the callee frees it"})
        } else if transferred.contains(&pn) {
            json!({"kind": "transferred", "text": transferred_line})
        } else if dir == "out" {
            // the pointee: what the callee writes
            let pointee = ty[..ty.rfind('*').unwrap()].trim().to_string();
            if pointee.contains('*') {
                ownership(&pointee, sentence_about(doc, &pn).as_deref(), fns)
            } else {
                json!({"kind": "value"})
            }
        } else if ty == "void *" {
            json!({"kind": "opaque", "note": "passed back unchanged"})
        } else {
            json!({"kind": "borrowed", "until": "the call returns"})
        };
        let _ = data_pointer;
        let mut own = own;
        if own["kind"] == "borrowed" && own["until"].is_null() && dir == "out" && i > 0 {
            // read from the handle in the first parameter, valid as long as it
            own["from"] = json!(pnames[0]);
        }
        let mut pj = Map::new();
        pj.insert("name".into(), json!(pn));
        pj.insert("type".into(), type_desc(&ty));
        pj.insert("direction".into(), json!(dir));
        pj.insert(
            "nullable".into(),
            nullable.map_or(Value::Null, |b| json!(b)),
        );
        pj.insert("ownership".into(), own);
        params.push(Value::Object(pj));
    }
    let ts = fixed(doc, "Thread safety:");
    let blocks_text = fixed(doc, "Blocks:");
    let thread = match &ts {
        None => {
            errs.push(format!("{name}: no `Thread safety:` line"));
            Value::Null
        }
        Some(t) => match thread_kind(t) {
            Some(k) => json!({"kind": k, "signal_safe": t.contains("signal handlers"), "text": t}),
            None => {
                errs.push(format!("{name}: `Thread safety: {t}` is none of: any thread..., one thread at a time..., once / no other call..., only inside ..."));
                Value::Null
            }
        },
    };
    let blocks = match &blocks_text {
        None => {
            errs.push(format!("{name}: no `Blocks:` line"));
            Value::Null
        }
        Some(b)
            if ["no", "never"].iter().any(|w| {
                b.strip_prefix(w)
                    .is_some_and(|r| r.is_empty() || r.starts_with([' ', ',', ';', '(']))
            }) =>
        {
            json!({"blocks": false, "text": b})
        }
        Some(b) => {
            let timeout = ticked(b)
                .into_iter()
                .find(|t| pnames.contains(t))
                .or_else(|| pnames.iter().find(|p| p.as_str() == "timeout_ms").cloned());
            json!({"blocks": true, "timeout_param": timeout, "text": b})
        }
    };
    if !errs.is_empty() {
        return Err(errs.join("\n"));
    }
    let returns = if ret == "void" {
        json!({"type": type_desc("void")})
    } else if ret.contains('*') {
        let own = if ret == "kf_error_t *" && returns_text.is_none() {
            json!({"kind": "caller_owns", "free": "kf_error_destroy"})
        } else {
            ownership(&ret, returns_text.as_deref(), fns)
        };
        // A borrowed result without an "until" in its doc lives as long as the handle it was
        // read from (docs/ABI.md: accessors borrow from their owner).
        let mut own = own;
        if own["kind"] == "borrowed" && own["until"].is_null() {
            if let Some(first) = params.first() {
                own["from"] = first["name"].clone();
            }
        }
        json!({"type": type_desc(&ret), "ownership": own, "text": returns_text})
    } else {
        json!({"type": type_desc(&ret), "ownership": {"kind": "value"}, "text": returns_text})
    };
    Ok(json!({
        "name": name,
        "summary": summary(doc),
        "returns": returns,
        "returns_error": ret == "kf_error_t *",
        "attributes": item.attrs,
        "params": params,
        "blocks": blocks,
        "thread_safety": thread,
        "errors": fixed(doc, "Errors:"),
        "doc": doc,
    }))
}

fn is_scalar(base: &str) -> bool {
    matches!(
        base,
        "bool"
            | "int"
            | "int8_t"
            | "uint8_t"
            | "int16_t"
            | "uint16_t"
            | "int32_t"
            | "uint32_t"
            | "int64_t"
            | "uint64_t"
            | "size_t"
            | "double"
            | "float"
    )
}

/// any | one_at_a_time | exclusive | callback
fn thread_kind(t: &str) -> Option<&'static str> {
    let l = t.to_ascii_lowercase();
    if l.starts_with("any thread") {
        Some("any")
    } else if l.starts_with("one thread at a time")
        || l.starts_with("as the consumer")
        || l.starts_with("as kf_consumer_poll")
    {
        Some("one_at_a_time")
    } else if l.starts_with("once") || l.starts_with("no other call") {
        Some("exclusive")
    } else if l.starts_with("only inside") || l.starts_with("only on the thread") {
        Some("callback")
    } else {
        None
    }
}
