//! The architecture, checked (docs/ABI.md, "Layers"): only `src/ffi` speaks C, and no source
//! file grows past what a reader can hold, except the few named below with the reason.
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 20, "found only {} source files", files.len());
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The lines of `text` that name the C ABI: a `kf_` item or the ffi module.
fn c_mentions(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("kf_") || l.contains("crate::ffi"))
        .map(|(i, l)| (i + 1, l))
        .collect()
}

#[test]
fn only_src_ffi_names_the_c_abi() {
    let mut offenders = Vec::new();
    for (path, text) in sources() {
        if path.starts_with("src/ffi/") {
            continue;
        }
        for (line, l) in c_mentions(&text) {
            offenders.push(format!("{path}:{line}: {}", l.trim()));
        }
    }
    assert!(
        offenders.is_empty(),
        "outside src/ffi, these lines name the C ABI (move the C part into src/ffi):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_check_catches_a_mention() {
    assert_eq!(
        c_mentions("use crate::ffi::kf_error_t;\nfn ok() {}").len(),
        1
    );
    assert_eq!(c_mentions("let f = \"kf_consumer_poll\";").len(), 1);
    assert!(c_mentions("// kafkaffi, librdkafka's rd_kafka_t").is_empty());
}

/// Files allowed past the limit, each with its reason.
const LONG_FILES: &[(&str, &str)] = &[
    (
        "src/serdes/protobuf_json.rs",
        "one algorithm: the streaming proto3-JSON to binary encoder, with its visitors",
    ),
    (
        "src/ffi/error_codes.rs",
        "a generated table (tools/gen_error_codes.rs)",
    ),
    (
        "src/ffi/admin/result.rs",
        "one small accessor per field of every admin result family, each with its fixed \
         Blocks:/Thread safety: doc line (to split by result family once issue 12's branches \
         are merged)",
    ),
];

const MAX_LINES: usize = 900;

#[test]
fn no_source_file_is_over_the_limit_without_a_reason() {
    let mut long = Vec::new();
    for (path, text) in sources() {
        let n = text.lines().count();
        if n > MAX_LINES && !LONG_FILES.iter().any(|(p, _)| *p == path) {
            long.push(format!("{path}: {n} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines (split along its concerns, or add it to LONG_FILES with the \
         reason):\n{}",
        long.join("\n")
    );
}
