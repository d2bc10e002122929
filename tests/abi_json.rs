//! include/kafkaffi.abi.json must be exactly what tools/abi_json.rs generates from the
//! checked-in header, and every function must carry its `Thread safety:` and `Blocks:` lines
//! (the generator refuses a function without them).
//!
//! Regenerate after changing the header: KAFKAFFI_UPDATE_HEADER=1 cargo test --test abi_json
#[path = "../tools/abi_json.rs"]
#[allow(dead_code)]
mod abi_json;

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fresh() -> String {
    let header =
        std::fs::read_to_string(root().join("include/kafkaffi.h")).expect("include/kafkaffi.h");
    match abi_json::generate(&header) {
        Ok(j) => j,
        Err(e) => panic!("tools/abi_json.rs cannot describe include/kafkaffi.h:\n{e}"),
    }
}

#[test]
fn abi_json_matches_header() {
    let path = root().join("include/kafkaffi.abi.json");
    let fresh = fresh();
    if std::env::var_os("KAFKAFFI_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/kafkaffi.abi.json");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/kafkaffi.abi.json is out of date: run `KAFKAFFI_UPDATE_HEADER=1 cargo test --test abi_json` and commit it"
    );
}

/// The struct layouts in the JSON (computed by the generator with the LP64 C rules) are what a
/// C compiler gives on this machine: a probe program prints sizeof, _Alignof and offsetof of
/// every struct and field the JSON lists.
#[test]
fn struct_layouts_match_the_c_compiler() {
    let abi: serde_json::Value = serde_json::from_str(&fresh()).expect("JSON");
    let mut c = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"kafkaffi.h\"\nint main(void) {\n",
    );
    let mut want = String::new();
    let mut structs = 0;
    for t in abi["types"].as_array().expect("types") {
        if t["kind"] != "struct" {
            continue;
        }
        structs += 1;
        let name = t["name"].as_str().unwrap();
        c.push_str(&format!(
            "    printf(\"{name} %zu %zu\\n\", sizeof({name}), _Alignof({name}));\n"
        ));
        want.push_str(&format!("{name} {} {}\n", t["size"], t["align"]));
        for f in t["fields"].as_array().unwrap() {
            let field = f["name"].as_str().unwrap();
            c.push_str(&format!(
                "    printf(\"{name}.{field} %zu %zu\\n\", offsetof({name}, {field}), sizeof((({name} *)0)->{field}));\n"
            ));
            want.push_str(&format!("{name}.{field} {} {}\n", f["offset"], f["size"]));
        }
    }
    c.push_str("    return 0;\n}\n");
    assert!(structs >= 5, "only {structs} structs in the JSON");
    let dir = std::env::temp_dir().join(format!("kafkaffi-abi-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (src, exe) = (dir.join("probe.c"), dir.join("probe"));
    std::fs::write(&src, c).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = std::process::Command::new(&cc)
        .args(["-std=c11", "-I"])
        .arg(root().join("include"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap_or_else(|e| panic!("{cc}: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = std::process::Command::new(&exe)
        .output()
        .expect("probe runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(String::from_utf8_lossy(&run.stdout), want);
}

/// A header with an attribute macro (defined in two #if branches) on a function: the macro is
/// listed once with both definitions, the function keeps it as an attribute and its return
/// type stays clean.
#[test]
fn attribute_macros_are_listed_and_kept_off_the_types() {
    let header = "/**\n * Warns when a result is ignored.\n */\n#if defined(__GNUC__)\n\
                  #define KF_NODISCARD __attribute__((warn_unused_result))\n#else\n\
                  #define KF_NODISCARD\n#endif\n\n/**\n * The answer.\n */\n#define KF_ANSWER 42\n\n\
                  /**\n * Does x. Blocks: no. Thread safety: any thread.\n */\n\
                  KF_NODISCARD kf_error_t *kf_zz_x(int a);\n";
    let abi: serde_json::Value =
        serde_json::from_str(&abi_json::generate(header).expect("readable")).unwrap();
    assert_eq!(abi["macros"][0]["name"], "KF_NODISCARD");
    assert_eq!(
        abi["macros"][0]["definitions"],
        serde_json::json!(["__attribute__((warn_unused_result))", ""])
    );
    assert_eq!(abi["constants"][0]["name"], "KF_ANSWER");
    assert_eq!(abi["constants"][0]["value"], 42);
    let f = &abi["functions"][0];
    assert_eq!(f["name"], "kf_zz_x");
    assert_eq!(f["returns"]["type"]["c"], "kf_error_t *");
    assert_eq!(f["attributes"], serde_json::json!(["KF_NODISCARD"]));
}

/// Struct layouts: padding, alignment and fixed arrays, as the C rules give them.
#[test]
fn struct_layout_rules() {
    let header = "/**\n * S.\n */\ntypedef struct {\n    size_t size;\n    bool flag;\n    int32_t n;\n    \
                  char name[5];\n    int64_t big;\n    uint8_t tail;\n} kf_zz_t;\n\n\
                  /**\n * Does x. Blocks: no. Thread safety: any thread.\n */\nvoid kf_zz_x(const kf_zz_t *z);\n";
    let abi: serde_json::Value =
        serde_json::from_str(&abi_json::generate(header).expect("readable")).unwrap();
    let t = &abi["types"][0];
    let offsets: Vec<(String, u64, u64)> = t["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
                f["size"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("size", 0, 8),
        ("flag", 8, 1),
        ("n", 12, 4),
        ("name", 16, 5),
        ("big", 24, 8),
        ("tail", 32, 1),
    ];
    let want: Vec<(String, u64, u64)> = want
        .iter()
        .map(|(n, o, s)| (n.to_string(), *o, *s))
        .collect();
    assert_eq!(offsets, want);
    assert_eq!(
        (t["size"].as_u64(), t["align"].as_u64()),
        (Some(40), Some(8))
    );
    assert_eq!(t["starts_with_size"], true);
    assert_eq!(t["fields"][3]["array_len"], 5);
}
