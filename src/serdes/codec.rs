//! The text codecs of the String serde, named as Python names them (`"utf_8"` by default).
//!
//! Names are normalized as Python's codec lookup does (case-insensitive, `-` and spaces as `_`),
//! so "utf-8", "UTF8", "latin-1" and "iso-8859-1" all work.

/// A text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Utf8,
    Ascii,
    Latin1,
    /// Python's "utf_16": a byte order mark, then little-endian on encode; on decode the BOM
    /// decides (little-endian without one).
    Utf16,
    Utf16Le,
    Utf16Be,
}

impl Codec {
    /// The codec for a Python codec name, or None when unknown.
    pub fn from_name(name: &str) -> Option<Codec> {
        let n: String = name
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Some(match n.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" => Codec::Utf8,
            "ascii" | "us_ascii" | "646" => Codec::Ascii,
            "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859"
            | "cp819" => Codec::Latin1,
            "utf_16" | "utf16" => Codec::Utf16,
            "utf_16_le" | "utf_16le" => Codec::Utf16Le,
            "utf_16_be" | "utf_16be" => Codec::Utf16Be,
            _ => return None,
        })
    }

    /// Encodes text; an unencodable character is an error (Python's "strict" errors).
    pub fn encode(self, s: &str) -> Result<Vec<u8>, String> {
        match self {
            Codec::Utf8 => Ok(s.as_bytes().to_vec()),
            Codec::Ascii | Codec::Latin1 => {
                let max = if self == Codec::Ascii { 0x7f } else { 0xff };
                s.chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if (c as u32) <= max {
                            Ok(c as u32 as u8)
                        } else {
                            Err(format!(
                                "'{}' codec can't encode character {:?} (U+{:04X}) in position {i}",
                                self.name(),
                                c,
                                c as u32
                            ))
                        }
                    })
                    .collect()
            }
            Codec::Utf16 | Codec::Utf16Le | Codec::Utf16Be => {
                let mut out = Vec::with_capacity(2 + 2 * s.len());
                let be = self == Codec::Utf16Be;
                if self == Codec::Utf16 {
                    out.extend_from_slice(&[0xff, 0xfe]);
                }
                for u in s.encode_utf16() {
                    out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
                }
                Ok(out)
            }
        }
    }

    /// Decodes bytes; invalid input is an error (Python's "strict" errors).
    pub fn decode(self, b: &[u8]) -> Result<String, String> {
        match self {
            Codec::Utf8 => std::str::from_utf8(b)
                .map(str::to_string)
                .map_err(|e| format!("'utf-8' codec can't decode the bytes: {e}")),
            Codec::Ascii => match b.iter().position(|&c| c > 0x7f) {
                Some(i) => Err(format!(
                    "'ascii' codec can't decode byte 0x{:02x} in position {i}",
                    b[i]
                )),
                None => Ok(b.iter().map(|&c| c as char).collect()),
            },
            Codec::Latin1 => Ok(b.iter().map(|&c| c as char).collect()),
            Codec::Utf16 | Codec::Utf16Le | Codec::Utf16Be => {
                let (mut be, mut body) = (self == Codec::Utf16Be, b);
                if self == Codec::Utf16 && b.len() >= 2 {
                    match (b[0], b[1]) {
                        (0xff, 0xfe) => body = &b[2..],
                        (0xfe, 0xff) => {
                            be = true;
                            body = &b[2..]
                        }
                        _ => {}
                    }
                }
                if body.len() % 2 != 0 {
                    return Err(format!(
                        "'{}' codec can't decode the bytes: truncated data ({} bytes)",
                        self.name(),
                        b.len()
                    ));
                }
                let units = body.chunks_exact(2).map(|c| {
                    if be {
                        u16::from_be_bytes([c[0], c[1]])
                    } else {
                        u16::from_le_bytes([c[0], c[1]])
                    }
                });
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .map_err(|e| format!("'{}' codec can't decode the bytes: {e}", self.name()))
            }
        }
    }

    /// Python's canonical name of the codec.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
            Codec::Utf16 => "utf-16",
            Codec::Utf16Le => "utf-16-le",
            Codec::Utf16Be => "utf-16-be",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Codec;

    #[test]
    fn names_and_round_trips() {
        for (name, c) in [
            ("utf_8", Codec::Utf8),
            ("UTF-8", Codec::Utf8),
            ("latin-1", Codec::Latin1),
            ("ISO-8859-1", Codec::Latin1),
            ("ascii", Codec::Ascii),
            ("utf_16", Codec::Utf16),
            ("utf-16-be", Codec::Utf16Be),
            ("utf_16_le", Codec::Utf16Le),
        ] {
            assert_eq!(Codec::from_name(name), Some(c), "{name}");
        }
        assert_eq!(Codec::from_name("klingon"), None);
        assert_eq!(Codec::Latin1.encode("é").unwrap(), vec![0xe9]);
        assert_eq!(Codec::Latin1.decode(&[0xe9]).unwrap(), "é");
        assert!(Codec::Ascii.encode("é").is_err());
        assert!(Codec::Ascii.decode(&[0xe9]).is_err());
        assert_eq!(Codec::Utf16.encode("A").unwrap(), vec![0xff, 0xfe, 0x41, 0]);
        assert_eq!(Codec::Utf16Be.encode("A").unwrap(), vec![0, 0x41]);
        assert_eq!(Codec::Utf16.decode(&[0xfe, 0xff, 0, 0x41]).unwrap(), "A");
        assert!(Codec::Utf16Le.decode(&[0x41]).is_err());
    }
}
