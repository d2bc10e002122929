//! The checked-in C header must be exactly what cbindgen generates from the sources, every
//! item in it must carry a doc comment, and every name it declares the kf_/KF_ prefix.
//!
//! Regenerate after changing src/ffi: KAFKAFFI_UPDATE_HEADER=1 cargo test --test header
use std::path::Path;

fn generate() -> String {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(Path::new(dir).join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn header_matches_sources() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/kafkaffi.h");
    let fresh = generate();
    if std::env::var_os("KAFKAFFI_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/kafkaffi.h is out of date: run `KAFKAFFI_UPDATE_HEADER=1 cargo test --test header` and commit it"
    );
}

#[test]
fn every_header_item_is_documented() {
    let header = generate();
    let lines: Vec<&str> = header.lines().collect();
    let mut undocumented = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let starts_item = line.starts_with("typedef ")
            || line.starts_with("#define KF_")
            || (line.contains('(')
                && line.ends_with(");")
                && !line.starts_with(' ')
                && !line.starts_with('#'))
            || (line.contains('(')
                && !line.ends_with(';')
                && !line.starts_with(' ')
                && !line.starts_with('#')
                && !line.starts_with('*')
                && !line.starts_with('/')
                && !line.is_empty()
                && lines.get(i + 1).is_some_and(|n| n.starts_with(' ')));
        if !starts_item {
            continue;
        }
        let prev = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .copied()
            .unwrap_or("");
        // Opaque struct typedefs are documented on the Rust side; cbindgen puts the doc before.
        if !prev.trim_end().ends_with("*/") {
            undocumented.push(line.to_string());
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented items in the header:\n{}",
        undocumented.join("\n")
    );
}

/// Every name the header declares at file scope, as (kind, name): macros (the include guard
/// excepted), functions, typedefs, variables, struct/enum/union tags and enumerators. A small
/// C declaration reader, enough for what cbindgen writes; code under `#ifdef __cplusplus` (the
/// extern "C" wrapper) is skipped.
fn declared_names(header: &str) -> Vec<(&'static str, String)> {
    let mut names = Vec::new();
    let mut guard: Option<String> = None;
    // One entry per open #if: whether it is C++-only.
    let mut conds: Vec<bool> = Vec::new();
    let mut c_text = String::new();
    for line in strip_comments(header).replace("\\\n", " ").lines() {
        let t = line.trim();
        let Some(directive) = t.strip_prefix('#') else {
            if !conds.iter().any(|&cxx| cxx) {
                c_text.push_str(line);
                c_text.push('\n');
            }
            continue;
        };
        let directive = directive.trim_start();
        let (kw, rest) = directive
            .split_once(char::is_whitespace)
            .unwrap_or((directive, ""));
        let rest = rest.trim();
        match kw {
            "ifndef" if guard.is_none() => {
                guard = Some(rest.to_string());
                conds.push(false);
            }
            "if" | "ifdef" | "ifndef" => conds.push(rest.contains("__cplusplus")),
            "else" | "elif" => {
                if let Some(last) = conds.last_mut() {
                    *last = !*last && rest.contains("__cplusplus");
                }
            }
            "endif" => {
                conds.pop();
            }
            "define" if !conds.iter().any(|&cxx| cxx) => {
                let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
                if Some(&name) != guard.as_ref() {
                    names.push(("macro", name));
                }
            }
            _ => {}
        }
    }
    for decl in split_top_level(&c_text) {
        let toks = tokens(&decl);
        // Tags, and the enumerators of every enum body.
        for (i, w) in toks.iter().enumerate() {
            if !matches!(*w, "struct" | "enum" | "union") {
                continue;
            }
            let mut j = i + 1;
            if toks.get(j).is_some_and(|n| starts_ident(n)) {
                names.push(("tag", toks[j].to_string()));
                j += 1;
            }
            if *w == "enum" && toks.get(j) == Some(&"{") {
                let mut expect_name = true;
                for t in &toks[j + 1..] {
                    match *t {
                        "}" => break,
                        "," => expect_name = true,
                        n if expect_name && starts_ident(n) => {
                            names.push(("enumerator", n.to_string()));
                            expect_name = false;
                        }
                        _ => expect_name = false,
                    }
                }
            }
        }
        // The declarator, with brace bodies and __attribute__((...)) left out.
        let mut outer = Vec::new();
        let (mut depth, mut skip_parens, mut i) = (0usize, 0usize, 0);
        while i < toks.len() {
            let t = toks[i];
            if t == "__attribute__" {
                skip_parens = 1;
                i += 2; // the name and its opening parenthesis
                continue;
            }
            if skip_parens > 0 {
                skip_parens = match t {
                    "(" => skip_parens + 1,
                    ")" => skip_parens - 1,
                    _ => skip_parens,
                };
                i += 1;
                continue;
            }
            match t {
                "{" => depth += 1,
                "}" => depth -= 1,
                _ if depth == 0 => outer.push(t),
                _ => {}
            }
            i += 1;
        }
        let is_typedef = outer.first() == Some(&"typedef");
        // A bare `struct x;` or `enum x {...};` declares only its tag.
        let tag_only = outer.len() <= 2
            && outer
                .first()
                .is_some_and(|f| matches!(*f, "struct" | "enum" | "union"));
        if outer.is_empty() || tag_only {
            continue;
        }
        let qualifier = |t: &&str| matches!(*t, "const" | "volatile" | "restrict" | "*");
        let (kind, name) = match outer.iter().position(|t| *t == "(") {
            // `ret (*name)(args)`: a function pointer.
            Some(p) if outer.get(p + 1) == Some(&"*") => (
                if is_typedef { "typedef" } else { "variable" },
                outer[p + 1..].iter().find(|t| !qualifier(t)).copied(),
            ),
            Some(p) => (
                if is_typedef { "typedef" } else { "function" },
                p.checked_sub(1).map(|q| outer[q]),
            ),
            None => {
                let end = outer
                    .iter()
                    .position(|t| *t == "[" || *t == "=")
                    .unwrap_or(outer.len());
                (
                    if is_typedef { "typedef" } else { "variable" },
                    outer[..end].iter().rev().find(|t| starts_ident(t)).copied(),
                )
            }
        };
        names.push((kind, name.unwrap_or("?").to_string()));
    }
    names
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn starts_ident(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

/// Comments replaced by a space (string literals are not expected outside the C++ wrapper).
fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('/') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(body) = after.strip_prefix("/*") {
            out.push(' ');
            rest = body.find("*/").map_or("", |e| &body[e + 2..]);
        } else if after.starts_with("//") {
            rest = after.find('\n').map_or("", |e| &after[e..]);
        } else {
            out.push('/');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Declarations: the text between `;` outside braces.
fn split_top_level(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0usize);
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

/// Identifiers and numbers as one token each, any other non-space character alone.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if is_ident(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(b) = start.take() {
            out.push(&s[b..i]);
        }
        if !c.is_whitespace() {
            out.push(&s[i..i + c.len_utf8()]);
        }
    }
    if let Some(b) = start {
        out.push(&s[b..]);
    }
    out
}

fn unprefixed(names: &[(&'static str, String)]) -> Vec<String> {
    names
        .iter()
        .filter(|(_, n)| !(n.starts_with("kf_") || n.starts_with("KF_")))
        .map(|(k, n)| format!("{k} {n}"))
        .collect()
}

/// C has one namespace: everything the header declares carries the kf_/KF_ prefix.
#[test]
fn every_header_name_is_prefixed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/kafkaffi.h");
    let header = std::fs::read_to_string(path).expect("include/kafkaffi.h");
    let names = declared_names(&header);
    let bad = unprefixed(&names);
    assert!(
        bad.is_empty(),
        "names in include/kafkaffi.h without the kf_/KF_ prefix:\n{}",
        bad.join("\n")
    );
    // The reader saw each kind of item the header has, so the pass above means something.
    for want in [
        ("macro", "KF_ABI_MAJOR"),
        ("function", "kf_version"),
        ("function", "kf_error_destroy"),
        ("typedef", "kf_error_t"),
        ("tag", "kf_error_t"),
        ("typedef", "kf_delivery_cb"),
        ("typedef", "kf_produce_message_t"),
    ] {
        assert!(
            names.iter().any(|(k, n)| (*k, n.as_str()) == want),
            "{want:?} not found"
        );
    }
    assert!(names.len() > 300, "only {} names read", names.len());
}

#[test]
fn prefix_check_catches_every_kind_of_item() {
    let header = r#"
/* header comment: #define NOT_A_MACRO 1 */
#ifndef SOME_GUARD
#define SOME_GUARD
#include <stdint.h>
#define KF_OK 1
#define MAGIC_BYTE 0
#define LONG_MACRO(x) \
    ((x) + 1)
typedef struct kf_ok_t kf_ok_t;
typedef struct bad_tag kf_fine_t;
typedef struct kf_fine_tag bad_typedef_t;
typedef struct {
    int32_t member_names_are_scoped;
    struct nested_bad *p;
} kf_anon_t;
typedef enum {
    KF_ENUM_OK = 0,
    BAD_ENUMERATOR = 1 << 2,
} kf_enum_t;
enum bad_enum_tag { KF_E1, KF_E2 };
struct bad_forward;
typedef void (*bad_cb)(void *opaque, const kf_ok_t *x);
typedef int kf_int_t;
#ifdef __cplusplus
extern "C" {
#define CXX_ONLY 1
#endif // __cplusplus
kf_ok_t *kf_ok_fn(const kf_ok_t *a, void (*inner_param)(int));
int32_t bad_function(void) __attribute__((deprecated));
__attribute__((visibility("default"))) int bad_attributed(void);
extern const int32_t bad_variable[3];
extern void (*bad_fn_pointer)(void);
// #define COMMENTED_OUT 1
#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus
#endif  /* SOME_GUARD */
"#;
    let names = declared_names(header);
    let mut bad = unprefixed(&names);
    bad.sort();
    let mut want = vec![
        "macro MAGIC_BYTE",
        "macro LONG_MACRO",
        "tag bad_tag",
        "typedef bad_typedef_t",
        "tag nested_bad",
        "enumerator BAD_ENUMERATOR",
        "tag bad_enum_tag",
        "tag bad_forward",
        "typedef bad_cb",
        "function bad_function",
        "function bad_attributed",
        "variable bad_variable",
        "variable bad_fn_pointer",
    ];
    want.sort();
    assert_eq!(bad, want);
    // And the prefixed ones were read too, not skipped.
    for ok in [
        "KF_OK",
        "kf_ok_fn",
        "kf_anon_t",
        "KF_ENUM_OK",
        "KF_E2",
        "kf_int_t",
    ] {
        assert!(names.iter().any(|(_, n)| n == ok), "{ok} not read");
    }
}
