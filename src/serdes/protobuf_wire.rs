//! Checks that bytes are a valid Protobuf binary encoding of a message, without decoding them.
//!
//! The serializer's check of a record given in the binary encoding (`record.format` =
//! "binary"). It accepts and rejects what prost-reflect's `DynamicMessage::decode` does (which
//! the serializer used before, at the cost of building the whole message only to drop it):
//! every tag well formed (field number > 0, wire type 0-5), every value complete, a known
//! field only with its kind's wire type (or length-delimited for a packed repeated scalar),
//! strings valid UTF-8, nested messages and groups valid to a depth of 100, and unknown fields
//! skipped whatever they hold. Proto2 `required` fields are not checked, as prost-reflect does
//! not.
use prost_reflect::{Kind, MessageDescriptor};

/// prost's recursion limit for nested messages and groups.
const DEPTH_LIMIT: u32 = 100;

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const START_GROUP: u8 = 3;
const END_GROUP: u8 = 4;
const FIXED32: u8 = 5;

/// Ok when `data` is a valid encoding of `desc`; else what is wrong and where (byte offset).
pub fn check_message(desc: &MessageDescriptor, data: &[u8]) -> Result<(), String> {
    let mut r = Reader { data, pos: 0 };
    r.message(desc, None, DEPTH_LIMIT)
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// What the wire may hold for a field: its kind and how it repeats.
struct FieldShape {
    kind: Kind,
    list: bool,
    packable: bool,
    group: bool,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.pos)
    }

    /// A base-128 varint of at most 10 bytes, the 10th at most 1 (as prost decodes them).
    fn varint(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some(&b) = self.data.get(self.pos) else {
                return Err(self.error("truncated varint"));
            };
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(self.error("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    fn skip(&mut self, n: usize) -> Result<(), String> {
        if self.data.len() - self.pos < n {
            return Err(self.error("truncated value"));
        }
        self.pos += n;
        Ok(())
    }

    /// The bounds of a length-delimited value, after its length.
    fn delimited(&mut self) -> Result<(usize, usize), String> {
        let len = self.varint()?;
        let start = self.pos;
        if ((self.data.len() - start) as u64) < len {
            return Err(self.error("length-delimited value runs past the end"));
        }
        Ok((start, start + len as usize))
    }

    /// (field number, wire type) of the next tag.
    fn tag(&mut self) -> Result<(u32, u8), String> {
        let key = self.varint()?;
        // prost: the whole key fits in 32 bits, so field numbers stop at 2^29 - 1.
        let number = u32::try_from(key)
            .ok()
            .map(|k| k >> 3)
            .filter(|&n| n > 0)
            .ok_or_else(|| self.error("invalid field number"))?;
        let wire = (key & 7) as u8;
        if wire > FIXED32 {
            return Err(self.error(&format!("invalid wire type {wire}")));
        }
        Ok((number, wire))
    }

    /// The fields of a message up to the end of the data (`group`: None) or to the end-group
    /// tag of field `group`.
    fn message(
        &mut self,
        desc: &MessageDescriptor,
        group: Option<u32>,
        depth: u32,
    ) -> Result<(), String> {
        while self.pos < self.data.len() {
            let (number, wire) = self.tag()?;
            if wire == END_GROUP {
                return if group == Some(number) {
                    Ok(())
                } else {
                    Err(self.error("unexpected end-group tag"))
                };
            }
            match shape(desc, number) {
                Some(f) => self.known(&f, number, wire, depth)?,
                None => self.unknown(number, wire, depth)?,
            }
        }
        match group {
            None => Ok(()),
            Some(_) => Err(self.error("group without its end tag")),
        }
    }

    fn known(&mut self, f: &FieldShape, number: u32, wire: u8, depth: u32) -> Result<(), String> {
        let want = wire_type(&f.kind, f.group);
        if wire == want {
            return self.value(&f.kind, number, wire, depth);
        }
        if wire == LEN && f.list && f.packable {
            let (_, end) = self.delimited()?;
            let whole = self.data;
            let outer = std::mem::replace(&mut self.data, &whole[..end]);
            let result = (|| {
                while self.pos < end {
                    self.value(&f.kind, number, want, depth)?;
                }
                Ok(())
            })();
            self.data = outer;
            return result;
        }
        Err(self.error(&format!(
            "field {number} has wire type {wire}, its type needs {want}"
        )))
    }

    /// One value of `kind` in wire type `wire` (the kind's own).
    fn value(&mut self, kind: &Kind, number: u32, wire: u8, depth: u32) -> Result<(), String> {
        match (wire, kind) {
            (VARINT, _) => self.varint().map(drop),
            (FIXED64, _) => self.skip(8),
            (FIXED32, _) => self.skip(4),
            (LEN, Kind::String) => {
                let (start, end) = self.delimited()?;
                std::str::from_utf8(&self.data[start..end])
                    .map_err(|_| self.error(&format!("field {number}: invalid UTF-8")))?;
                self.pos = end;
                Ok(())
            }
            (LEN, Kind::Message(m)) => {
                if depth == 0 {
                    return Err(self.error("messages nested too deep"));
                }
                let (_, end) = self.delimited()?;
                let whole = self.data;
                let outer = std::mem::replace(&mut self.data, &whole[..end]);
                let result = self.message(m, None, depth - 1);
                self.data = outer;
                result
            }
            (LEN, _) => {
                let (_, end) = self.delimited()?;
                self.pos = end;
                Ok(())
            }
            (START_GROUP, Kind::Message(m)) => {
                if depth == 0 {
                    return Err(self.error("groups nested too deep"));
                }
                self.message(m, Some(number), depth - 1)
            }
            _ => Err(self.error(&format!("field {number}: unexpected wire type {wire}"))),
        }
    }

    /// An unknown field: skipped, its structure checked (groups to their end tag).
    fn unknown(&mut self, number: u32, wire: u8, depth: u32) -> Result<(), String> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.skip(8),
            FIXED32 => self.skip(4),
            LEN => {
                let (_, end) = self.delimited()?;
                self.pos = end;
                Ok(())
            }
            START_GROUP => {
                if depth == 0 {
                    return Err(self.error("groups nested too deep"));
                }
                loop {
                    if self.pos >= self.data.len() {
                        return Err(self.error("group without its end tag"));
                    }
                    let (n, w) = self.tag()?;
                    if w == END_GROUP {
                        if n == number {
                            return Ok(());
                        }
                        return Err(self.error("unexpected end-group tag"));
                    }
                    self.unknown(n, w, depth - 1)?;
                }
            }
            _ => Err(self.error("unexpected end-group tag")),
        }
    }
}

/// The shape of field `number` of `desc` (a field or an extension), None when unknown.
fn shape(desc: &MessageDescriptor, number: u32) -> Option<FieldShape> {
    if let Some(f) = desc.get_field(number) {
        let kind = f.kind();
        return Some(FieldShape {
            packable: packable(&kind),
            kind,
            list: f.is_list(),
            group: f.is_group(),
        });
    }
    desc.get_extension(number).map(|e| {
        let kind = e.kind();
        FieldShape {
            packable: packable(&kind),
            kind,
            list: e.is_list(),
            group: e.is_group(),
        }
    })
}

/// Whether a repeated field of `kind` may come packed: the scalars written as varints or
/// fixed-size values.
fn packable(kind: &Kind) -> bool {
    !matches!(kind, Kind::String | Kind::Bytes | Kind::Message(_))
}

/// The wire type a value of `kind` is written with.
fn wire_type(kind: &Kind, group: bool) -> u8 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => FIXED64,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => FIXED32,
        Kind::String | Kind::Bytes => LEN,
        Kind::Message(_) if group => START_GROUP,
        Kind::Message(_) => LEN,
        Kind::Int32
        | Kind::Int64
        | Kind::Uint32
        | Kind::Uint64
        | Kind::Sint32
        | Kind::Sint64
        | Kind::Bool
        | Kind::Enum(_) => VARINT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_reflect::prost::Message as _;
    use prost_reflect::DynamicMessage;
    use std::collections::HashMap;

    const PROTO: &str = r#"
        syntax = "proto3";
        package t;
        message Inner { string s = 1; repeated Inner kids = 2; }
        enum Color { RED = 0; GREEN = 1; }
        message All {
          int32 i32 = 1; int64 i64 = 2; uint32 u32 = 3; uint64 u64 = 4; sint32 s32 = 5;
          sint64 s64 = 6; fixed32 f32 = 7; fixed64 f64 = 8; sfixed32 sf32 = 9; sfixed64 sf64 = 10;
          float fl = 11; double db = 12; bool b = 13; string s = 14; bytes by = 15; Color c = 16;
          Inner inner = 17; repeated int32 ri = 18; repeated fixed32 rf = 19;
          repeated string rs = 20; map<string, Inner> m = 21; map<int32, string> mi = 22;
          oneof o { string os = 23; Inner oi = 24; }
        }
    "#;

    fn all() -> MessageDescriptor {
        let p = super::super::protobuf::Parsed::compile(PROTO, HashMap::new()).unwrap();
        p.message(Some("t.All")).unwrap()
    }

    /// The verdict prost-reflect gives.
    fn reference(desc: &MessageDescriptor, data: &[u8]) -> bool {
        DynamicMessage::decode(desc.clone(), data).is_ok()
    }

    fn sample(desc: &MessageDescriptor) -> Vec<u8> {
        let json = r#"{"i32": -5, "i64": "-9000000000", "u32": 7, "u64": "18446744073709551615",
            "s32": -3, "s64": "-4", "f32": 9, "f64": "10", "sf32": -11, "sf64": "-12",
            "fl": 1.5, "db": -2.25, "b": true, "s": "héllo ✓", "by": "AAEC/w==", "c": "GREEN",
            "inner": {"s": "x", "kids": [{"s": "y"}, {"kids": [{"s": "z"}]}]},
            "ri": [1, -1, 300], "rf": [1, 2], "rs": ["a", ""], "m": {"k": {"s": "v"}, "": {}},
            "mi": {"-1": "neg", "5": ""}, "oi": {"s": "one"}}"#;
        let mut de = serde_json::Deserializer::from_str(json);
        DynamicMessage::deserialize(desc.clone(), &mut de)
            .unwrap()
            .encode_to_vec()
    }

    #[test]
    fn valid_encodings_pass() {
        let desc = all();
        let data = sample(&desc);
        assert!(reference(&desc, &data));
        check_message(&desc, &data).unwrap();
        check_message(&desc, &[]).unwrap();
        // Unpacked repeated scalars (field 18 as separate varints), unknown fields of every
        // wire type (numbers 100-104), an unknown group holding fields.
        let extra = [
            0x90, 0x01, 0x05, 0x90, 0x01, 0x06, // ri: 5, 6 unpacked
            0xa0, 0x06, 0x01, // 100: varint
            0xa9, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // 101: fixed64
            0xb2, 0x06, 0x02, 0xff, 0xff, // 102: 2 bytes (not UTF-8: unknown, fine)
            0xbb, 0x06, 0x08, 0x01, 0xbc, 0x06, // 103: group { 1: 1 }
            0xc5, 0x06, 1, 2, 3, 4, // 104: fixed32
        ];
        check_message(&desc, &extra).unwrap();
        assert!(reference(&desc, &extra));
    }

    #[test]
    fn every_truncation_and_corruption_gets_prost_reflects_verdict() {
        let desc = all();
        let data = sample(&desc);
        // Every prefix, and every single-byte change to a few telling values, at every position.
        let mut cases: Vec<Vec<u8>> = (0..data.len()).map(|n| data[..n].to_vec()).collect();
        for i in 0..data.len() {
            for b in [0x00, 0x07, 0x80, 0xff, 0x0a, 0x12, 0x1b, 0x1c] {
                let mut d = data.clone();
                d[i] = b;
                cases.push(d);
            }
        }
        let mut mismatches = Vec::new();
        for d in &cases {
            let ours = check_message(&desc, d).is_ok();
            if ours != reference(&desc, d) {
                mismatches.push(format!("{d:02x?}: ours {ours}"));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    #[test]
    fn bad_encodings_name_the_cause() {
        let desc = all();
        let cases: &[(&[u8], &str)] = &[
            (&[0x08], "truncated varint"),
            (&[0x00, 0x01], "invalid field number"),
            // Found by the serializers fuzz target: a key over 32 bits.
            (
                &[0xed, 0x84, 0xdd, 0x9b, 0x4e, 0x63],
                "invalid field number",
            ),
            (&[0x0e], "invalid wire type 6"),
            (&[0x0a, 0x00], "field 1 has wire type 2"), // i32 as length-delimited, not packable
            (&[0x72, 0x02, 0xc3, 0x28], "field 14: invalid UTF-8"),
            (&[0x72, 0x05, 0x61], "runs past the end"),
            (&[0x0c], "unexpected end-group tag"),
            (&[0x9a, 0x01, 0x03, 1, 2, 3], "truncated value"), // packed fixed32, 3 bytes
            (
                &[
                    0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
                ],
                "overflows",
            ),
        ];
        for (data, want) in cases {
            let e = check_message(&desc, data).unwrap_err();
            assert!(e.contains(want), "{data:02x?}: {e}");
            assert!(!reference(&desc, data), "{data:02x?}");
        }
        // Nesting: 100 levels pass, 101 do not (prost's limit).
        let nested = |levels: usize| {
            let mut d: Vec<u8> = Vec::new();
            for _ in 0..levels {
                let mut outer = vec![0x12];
                let mut n = d.len();
                while n >= 0x80 {
                    outer.push((n as u8 & 0x7f) | 0x80);
                    n >>= 7;
                }
                outer.push(n as u8);
                outer.extend(d);
                d = outer;
            }
            d
        };
        let inner = desc.parent_pool().get_message_by_name("t.Inner").unwrap();
        for levels in [99, 100, 101] {
            let d = nested(levels);
            assert_eq!(
                check_message(&inner, &d).is_ok(),
                reference(&inner, &d),
                "{levels} levels"
            );
        }
    }
}
