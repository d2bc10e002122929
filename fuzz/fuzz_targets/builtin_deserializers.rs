//! The built-in String (every codec), Integer and Double deserializers on arbitrary bytes, with
//! their contracts as oracles:
//! - Integer succeeds exactly on 4 bytes, Double exactly on 8, and the native number
//!   (kf_buffer_int32 / kf_buffer_double) is the big-endian value; the text form parses back
//!   to the same number.
//! - String succeeds exactly when the bytes are valid in the codec; the result is UTF-8, and
//!   for the byte-exact codecs the String serializer with the same codec gives the input back.
//!
//! Input: byte 0 picks the deserializer (and the field), the rest is the payload.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::ptr::null_mut;
use std::sync::OnceLock;

const CODECS: &[&str] = &[
    "utf_8",
    "ascii",
    "latin_1",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
];

struct Serdes {
    strings: Vec<(*mut kf_deserializer_t, *mut kf_serializer_t)>,
    integer: *mut kf_deserializer_t,
    double: *mut kf_deserializer_t,
}
unsafe impl Send for Serdes {}
unsafe impl Sync for Serdes {}

fn serdes() -> &'static Serdes {
    static S: OnceLock<Serdes> = OnceLock::new();
    S.get_or_init(|| {
        let strings = CODECS
            .iter()
            .map(|c| {
                let mut e = null_mut();
                let d = kf_string_deserializer_new(cs(c).as_ptr(), &mut e);
                must(e, "kf_string_deserializer_new");
                let s = kf_string_serializer_new(cs(c).as_ptr(), &mut e);
                must(e, "kf_string_serializer_new");
                (d, s)
            })
            .collect();
        Serdes {
            strings,
            integer: kf_integer_deserializer_new(),
            double: kf_double_deserializer_new(),
        }
    })
}

fn serialize(ser: *mut kf_serializer_t, topic: &CString, field: i32, data: &[u8]) -> Out {
    let ctx = kf_serialization_context_t {
        size: std::mem::size_of::<kf_serialization_context_t>(),
        topic: topic.as_ptr(),
        field,
        headers: std::ptr::null(),
    };
    let out = kf_buffer_new();
    let err = kf_serializer_serialize(ser, &ctx, data.as_ptr(), data.len(), out);
    if let Some((code, msg)) = take_err(err) {
        panic!("re-serializing decoded text failed: {code}: {msg}");
    }
    let bytes = buffer_bytes(out);
    kf_buffer_destroy(out);
    bytes
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, payload)) = data.split_first() else {
        return;
    };
    let s = serdes();
    let topic = cs("fuzz-topic");
    let field = i32::from(sel & 0x80 != 0);
    let null_input = sel & 0x40 != 0 && payload.is_empty();
    let input = if null_input { None } else { Some(payload) };
    let which = (sel & 0x3f) as usize % (CODECS.len() + 2);

    if which < CODECS.len() {
        let codec = CODECS[which];
        let (de, ser) = s.strings[which];
        let res = deserialize(de, &topic, field, input);
        let Some(bytes) = input else {
            let (out, buf) = res.expect("null must deserialize");
            assert!(out.is_none(), "null must stay null");
            kf_buffer_destroy(buf);
            return;
        };
        let valid = match codec {
            "utf_8" => std::str::from_utf8(bytes).is_ok(),
            "ascii" => bytes.is_ascii(),
            "latin_1" => true,
            _ => {
                if bytes.len() % 2 != 0 {
                    false
                } else {
                    let be = codec == "utf_16_be"
                        || (codec == "utf_16" && bytes.starts_with(&[0xfe, 0xff]));
                    let units = bytes.chunks(2).map(|c| {
                        if be {
                            u16::from_be_bytes([c[0], c[1]])
                        } else {
                            u16::from_le_bytes([c[0], c[1]])
                        }
                    });
                    char::decode_utf16(units).all(|r| r.is_ok())
                }
            }
        };
        match res {
            Ok((out, buf)) => {
                kf_buffer_destroy(buf);
                assert!(valid, "{codec}: accepted invalid input {bytes:02x?}");
                let text = out.expect("non-null input gave null");
                let text_str = std::str::from_utf8(&text).expect("decoded text is not UTF-8");
                match codec {
                    "utf_8" | "ascii" => assert_eq!(text, bytes),
                    "latin_1" => assert!(text_str
                        .chars()
                        .map(|c| c as u32)
                        .eq(bytes.iter().map(|&b| u32::from(b)))),
                    _ => {}
                }
                if codec != "utf_16" {
                    // Byte-exact codecs: encoding the text again gives the input back.
                    let again = serialize(ser, &topic, field, &text);
                    assert_eq!(again.as_deref(), Some(bytes), "{codec}: round trip differs");
                }
            }
            Err((_, msg)) => assert!(!valid, "{codec}: refused valid input {bytes:02x?}: {msg}"),
        }
        return;
    }

    let integer = which == CODECS.len();
    let de = if integer { s.integer } else { s.double };
    let want = if integer { 4 } else { 8 };
    match deserialize(de, &topic, field, input) {
        Ok((out, buf)) => {
            match input {
                None => assert!(out.is_none(), "null must stay null"),
                Some(b) => {
                    assert_eq!(b.len(), want, "accepted {} bytes", b.len());
                    let text = String::from_utf8(out.expect("number gave null")).unwrap();
                    let mut d = 0f64;
                    must(kf_buffer_double(buf, &mut d), "kf_buffer_double");
                    if integer {
                        let v = i32::from_be_bytes(b.try_into().unwrap());
                        let mut i = 0i32;
                        must(kf_buffer_int32(buf, &mut i), "kf_buffer_int32");
                        assert_eq!(i, v);
                        assert_eq!(d, f64::from(v));
                        assert_eq!(text.parse::<i32>().unwrap(), v);
                    } else {
                        let v = f64::from_be_bytes(b.try_into().unwrap());
                        assert!(d.to_bits() == v.to_bits() || (d.is_nan() && v.is_nan()));
                        // The text is Python's repr: it parses back to the same number.
                        let back: f64 = text.parse().unwrap_or_else(|_| panic!("repr {text:?}"));
                        assert!(back == v || (back.is_nan() && v.is_nan()), "{text} != {v}");
                    }
                }
            }
            kf_buffer_destroy(buf);
        }
        Err((_, msg)) => {
            let len = input.map(|b| b.len());
            assert!(
                len.is_some() && len != Some(want),
                "refused {len:?} bytes: {msg}"
            );
        }
    }
});
