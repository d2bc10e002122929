//! Message headers through the C ABI (kf_headers_new/add/count/get/get_last/destroy), driven by
//! a little program read from the input and checked against a model (a Vec of name, value):
//! names may repeat, order is kept, a NULL value stays distinct from an empty one, non-UTF-8
//! names and NULL-with-length values are refused without changing the list, an index out of
//! range is KF_ERR__NOENT, and a borrowed value stays valid while the list grows.
#![no_main]
mod common;
use common::*;
use kafkaffi::ffi::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString};
use std::ptr::{null, null_mut};

/// Reads the input a byte (or a run of bytes) at a time; zeros once it is used up.
struct Input<'a>(&'a [u8]);
impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

type Model = Vec<(Vec<u8>, Option<Vec<u8>>)>;

fn check_at(h: *const kafkaffi::ffi::kf_headers_t, model: &Model, i: usize) {
    let (mut n, mut v, mut l) = (null(), null(), usize::MAX);
    let e = kf_headers_get(h, i, &mut n, &mut v, &mut l);
    match model.get(i) {
        None => {
            let (code, _) = take_err(e).expect("get past the end succeeded");
            assert_eq!(code, KF_ERR__NOENT);
        }
        Some((name, value)) => {
            must(e, "kf_headers_get");
            assert_eq!(unsafe { CStr::from_ptr(n) }.to_bytes(), &name[..]);
            match value {
                None => assert!(v.is_null() && l == 0, "null value came back non-null"),
                Some(val) => {
                    assert!(!v.is_null(), "a value came back null");
                    assert_eq!(unsafe { std::slice::from_raw_parts(v, l) }, &val[..]);
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut inp = Input(data);
    // Any capacity hint, however large, is safe.
    let cap = u64::from_le_bytes(
        inp.bytes(8)
            .iter()
            .copied()
            .chain(std::iter::repeat(0))
            .take(8)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap(),
    );
    let h = kf_headers_new(cap as usize);
    assert!(!h.is_null());
    let mut model: Model = Vec::new();
    // A value borrowed early must survive later additions (the list may reallocate).
    let mut pinned: Option<(usize, *const u8, usize)> = None;

    for _ in 0..64 {
        if inp.0.is_empty() {
            break;
        }
        match inp.byte() % 7 {
            0 | 1 => {
                // add: a name of up to 31 bytes (cut at a NUL, as C would), a value or NULL.
                let nlen = (inp.byte() % 32) as usize;
                let raw = inp.bytes(nlen);
                let name: Vec<u8> = raw.iter().copied().take_while(|&b| b != 0).collect();
                let cname = CString::new(name.clone()).unwrap();
                let kind = inp.byte();
                let value: Option<Vec<u8>> = if kind & 1 == 0 {
                    None
                } else {
                    Some(inp.bytes((kind >> 1) as usize).to_vec())
                };
                let (vp, vl) = match &value {
                    None => (null(), 0),
                    Some(v) => (v.as_ptr(), v.len()),
                };
                let e = kf_headers_add(h, cname.as_ptr(), vp, vl);
                if std::str::from_utf8(&name).is_ok() {
                    must(e, "kf_headers_add");
                    model.push((name, value));
                } else {
                    let (code, _) = take_err(e).expect("a non-UTF-8 name was accepted");
                    assert_eq!(code, KF_ERR__INVALID_ARG);
                }
            }
            2 => {
                // get at an index, possibly far out of range.
                let i = match inp.byte() {
                    255 => usize::MAX,
                    254 => (i32::MAX as usize) + 1,
                    253 => u32::MAX as usize + 1,
                    b => b as usize % (model.len() + 2),
                };
                check_at(h, &model, i);
            }
            3 => {
                // get_last by the name of an existing header, or by an arbitrary name.
                let name: Vec<u8> = if !model.is_empty() && inp.byte() & 1 == 0 {
                    model[inp.byte() as usize % model.len()].0.clone()
                } else {
                    let n = (inp.byte() % 8) as usize;
                    inp.bytes(n)
                        .iter()
                        .copied()
                        .take_while(|&b| b != 0)
                        .collect()
                };
                let cname = CString::new(name.clone()).unwrap();
                let (mut v, mut l) = (null(), usize::MAX);
                let e = kf_headers_get_last(h, cname.as_ptr(), &mut v, &mut l);
                if std::str::from_utf8(&name).is_err() {
                    let (code, _) = take_err(e).expect("a non-UTF-8 name was accepted");
                    assert_eq!(code, KF_ERR__INVALID_ARG);
                } else {
                    match model.iter().rev().find(|(n, _)| *n == name) {
                        None => {
                            assert_eq!(take_err(e).expect("found a missing name").0, KF_ERR__NOENT)
                        }
                        Some((_, None)) => {
                            must(e, "kf_headers_get_last");
                            assert!(v.is_null() && l == 0);
                        }
                        Some((_, Some(val))) => {
                            must(e, "kf_headers_get_last");
                            assert!(!v.is_null());
                            assert_eq!(unsafe { std::slice::from_raw_parts(v, l) }, &val[..]);
                        }
                    }
                }
            }
            4 => {
                // iterate the whole list.
                assert_eq!(kf_headers_count(h), model.len());
                for i in 0..=model.len() {
                    check_at(h, &model, i);
                }
            }
            5 => {
                // misuse: a NULL value with a length; NULL out pointers.
                let e = kf_headers_add(h, cs("x").as_ptr(), null(), 1 + inp.byte() as usize);
                assert_eq!(
                    take_err(e).expect("NULL value with a length").0,
                    KF_ERR__INVALID_ARG
                );
                if !model.is_empty() {
                    must(
                        kf_headers_get(h, 0, null_mut(), null_mut(), null_mut()),
                        "kf_headers_get",
                    );
                }
            }
            _ => {
                // pin a value, or check the pinned one is still intact.
                match pinned {
                    Some((i, p, l)) => {
                        let (mut v, mut n) = (null(), 0usize);
                        must(
                            kf_headers_get(h, i, null_mut(), &mut v, &mut n),
                            "kf_headers_get",
                        );
                        if let Some(val) = &model[i].1 {
                            assert_eq!(unsafe { std::slice::from_raw_parts(p, l) }, &val[..]);
                            assert_eq!(n, l);
                        }
                    }
                    None if !model.is_empty() => {
                        let i = inp.byte() as usize % model.len();
                        let (mut v, mut n) = (null(), 0usize);
                        must(
                            kf_headers_get(h, i, null_mut(), &mut v, &mut n),
                            "kf_headers_get",
                        );
                        if !v.is_null() {
                            pinned = Some((i, v, n));
                        }
                    }
                    None => {}
                }
            }
        }
    }
    assert_eq!(kf_headers_count(h), model.len());
    kf_headers_destroy(h);
});
