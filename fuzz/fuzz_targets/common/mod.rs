//! Helpers shared by the fuzz targets: thin wrappers over the C ABI (kafkaffi::ffi), so a
//! target reads as the calls a C program would make.
#![allow(dead_code)]
use kafkaffi::ffi::*;
use std::ffi::{CStr, CString};
use std::ptr::{null, null_mut};

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Takes an error returned by a call: (code, message), or None for success (NULL).
pub fn take_err(err: *mut kf_error_t) -> Option<(i32, String)> {
    if err.is_null() {
        return None;
    }
    let code = kf_error_code(err);
    let msg = kf_error_message(err);
    assert!(!msg.is_null(), "an error without a message");
    let text = unsafe { CStr::from_ptr(msg) }
        .to_string_lossy()
        .into_owned();
    kf_error_destroy(err);
    Some((code, text))
}

/// Panics on an error: for set-up calls that must succeed.
pub fn must(err: *mut kf_error_t, what: &str) {
    if let Some((code, msg)) = take_err(err) {
        panic!("{what} failed: {code}: {msg}");
    }
}

/// A mock:// registry client (in-process; every client naming the URL shares it).
pub fn registry(url: &str) -> *mut kf_schema_registry_t {
    let mut e = null_mut();
    let c = kf_schema_registry_new(cs(&format!(r#"{{"url": "{url}"}}"#)).as_ptr(), &mut e);
    must(e, "kf_schema_registry_new");
    assert!(!c.is_null());
    c
}

/// Registers `text` under `subject` with `refs` (name, subject, version); returns its id.
pub fn register(
    client: *mut kf_schema_registry_t,
    subject: &str,
    schema_type: i32,
    text: &str,
    refs: &[(&str, &str, i32)],
) -> i32 {
    let mut e = null_mut();
    let s = kf_schema_new(cs(text).as_ptr(), schema_type, &mut e);
    must(e, "kf_schema_new");
    for (name, subj, version) in refs {
        must(
            kf_schema_add_reference(s, cs(name).as_ptr(), cs(subj).as_ptr(), *version),
            "kf_schema_add_reference",
        );
    }
    let mut id = 0;
    must(
        kf_schema_registry_register_schema(client, cs(subject).as_ptr(), s, false, &mut id),
        "kf_schema_registry_register_schema",
    );
    kf_schema_destroy(s);
    id
}

/// A deserialized value: None for null, else the bytes.
pub type Out = Option<Vec<u8>>;

/// kf_deserializer_deserialize on `data` (None: null) as field `field` of `topic`. Checks the
/// buffer contract on success (bytes followed by a NUL not counted in the length) and the error
/// contract on failure (a deserialization code matching the field, a message).
pub fn deserialize(
    de: *const kf_deserializer_t,
    topic: &CStr,
    field: i32,
    data: Option<&[u8]>,
) -> Result<(Out, *mut kf_buffer_t), (i32, String)> {
    let ctx = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: topic.as_ptr(),
        field,
        headers: null(),
    };
    let out = kf_buffer_new();
    assert!(!out.is_null());
    let (p, n) = match data {
        Some(d) => (d.as_ptr(), d.len()),
        None => (null(), 0),
    };
    let err = kf_deserializer_deserialize(de, &ctx, p, n, out);
    if let Some((code, msg)) = take_err(err) {
        kf_buffer_destroy(out);
        let expected = if field == KF_MESSAGE_FIELD_KEY {
            KF_ERR__KEY_DESERIALIZATION
        } else {
            KF_ERR__VALUE_DESERIALIZATION
        };
        assert_eq!(code, expected, "unexpected error code: {msg}");
        assert!(!msg.is_empty());
        return Err((code, msg));
    }
    Ok((buffer_bytes(out), out))
}

/// A buffer's content; checks the NUL after the bytes.
pub fn buffer_bytes(buf: *const kf_buffer_t) -> Out {
    let mut len = usize::MAX;
    let p = kf_buffer_data(buf, &mut len);
    if p.is_null() {
        assert_eq!(len, 0, "a null buffer reports a length");
        return None;
    }
    let bytes = unsafe { std::slice::from_raw_parts(p, len + 1) };
    assert_eq!(bytes[len], 0, "buffer bytes are not followed by a NUL");
    Some(bytes[..len].to_vec())
}

/// How the wire and serializer targets read their input: byte 0 selects, the rest is the
/// payload. Bits 0-3 pick one of `choices` (the value returned first), bit 4 the field (set:
/// key), bit 5 with an empty payload makes the input null.
pub fn select(data: &[u8], choices: usize) -> Option<(usize, i32, Option<&[u8]>)> {
    let (&sel, payload) = data.split_first()?;
    let pick = (sel & 0x0f) as usize % choices;
    let field = if sel & 0x10 != 0 {
        KF_MESSAGE_FIELD_KEY
    } else {
        KF_MESSAGE_FIELD_VALUE
    };
    let input = if sel & 0x20 != 0 && payload.is_empty() {
        None
    } else {
        Some(payload)
    };
    Some((pick, field, input))
}
