//! The checked-in C header must be exactly what cbindgen generates from the sources, and every
//! item in it must carry a doc comment.
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
