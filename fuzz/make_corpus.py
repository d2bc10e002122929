#!/usr/bin/env python3
"""Writes the checked-in seed corpus, fuzz/corpus/<target>/<name>: a few valid and invalid
inputs per target, hand-encoded (Avro binary, JSON, the headers program), so the fuzzers start
from deep inside each format. Re-run after changing a target's input layout:

    python3 fuzz/make_corpus.py

The regress_* files are not written here: they are inputs that crashed a target once (see
tests/fuzz_regressions.rs), kept as seeds so every run tries them again.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def zz(n):  # Avro zigzag varint
    n = (n << 1) ^ (n >> 63)
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return zz(len(b)) + b


def frame(schema_id, body):
    return b"\x00" + struct.pack(">I", schema_id) + body


# --- wire_avro: byte 0 = selector (deserializer 0..2, 0x10 key, 0x20 null), then the message.
user_v1 = s("alice") + zz(30) + zz(1) + s(b"\x01\x02")
user_v2 = s("bob") + zz(1 << 40) + zz(1) + s("b@x.org") + struct.pack("<d", 2.5)
everything = (
    b"\x01" + zz(1) + zz(2) + struct.pack("<f", 1.0) + struct.pack("<d", 1.0) + s("a") + s(b"b")
    + zz(1) + b"abcd"
    + zz(2) + zz(3) + zz(-4) + zz(0)                      # arr
    + zz(-1) + zz(4) + s("k") + s("v") + zz(0)           # map, negative count + byte size
    + zz(1) + s("hi")                                     # union: string
    + zz(4) + zz(1) + s("t") + zz(0)                      # inner
    + s(b"\x7b") + b"\x00" * 7 + b"\x01"                  # decimals
    + s("123e4567-e89b-12d3-a456-426614174000")
    + zz(19000) + zz(1000) + zz(1000000) + zz(1700000000000) + zz(1700000000000000) + zz(5)
    + b"\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00"
    + zz(1) + zz(1) + s("z") + zz(2) + zz(2) + zz(0) + zz(0) + zz(0)
)
node = zz(1) + zz(1) + zz(2) + zz(1) + zz(3) + zz(0)
with_ref = s("x") + zz(2) + zz(1) + s("y") + zz(4) + zz(0)
for sel, name in ((0, "writer"), (1, "reader"), (2, "latest")):
    write("wire_avro", f"user_v1_{name}", bytes([sel]) + frame(1, user_v1))
write("wire_avro", "user_v2", bytes([2]) + frame(7, user_v2))
write("wire_avro", "everything", bytes([0]) + frame(2, everything))
write("wire_avro", "everything_key", bytes([0x10]) + frame(2, everything))
write("wire_avro", "node", bytes([0]) + frame(3, node))
write("wire_avro", "with_ref", bytes([0]) + frame(5, with_ref))
write("wire_avro", "string", bytes([0]) + frame(6, s("hello")))
write("wire_avro", "null", bytes([0x20]))
write("wire_avro", "short", bytes([0]) + b"\x00\x00\x00")
write("wire_avro", "bad_magic", bytes([0]) + b"\x01" + frame(6, s("x"))[1:])
write("wire_avro", "unknown_id", bytes([0]) + frame(99, s("x")))
write("wire_avro", "truncated", bytes([0]) + frame(2, everything[:40]))

# --- wire_json_schema: byte 0 = selector (0 writer schema, 1 fixed reader schema), message.
def jframe(schema_id, obj):
    return frame(schema_id, json.dumps(obj).encode())

write("wire_json_schema", "person", bytes([0]) + jframe(1, {
    "name": "Ann Lee", "age": 33, "email": "ann@example.org", "tags": ["a", "b"], "score": 9.5,
    "kind": 3, "meta": {"x-a": True}, "choice": 4, "both": 5, "either": None, "cond": "ab"}))
write("wire_json_schema", "person_invalid", bytes([0]) + jframe(1, {"name": "", "age": -1, "zz": 1}))
write("wire_json_schema", "tree", bytes([0]) + jframe(2, {"value": 1, "children": [
    {"value": 2, "children": []}, {"value": 3, "children": [{"value": 4}]}]}))
write("wire_json_schema", "tree_reader", bytes([1]) + jframe(1, {"value": 1}))
write("wire_json_schema", "customer", bytes([0x10]) + jframe(4, {
    "home": {"street": "Main", "zip": "12345"}, "others": [{"street": "B"}]}))
write("wire_json_schema", "not_json", bytes([0]) + frame(1, b"{\"name\": "))
write("wire_json_schema", "null", bytes([0x20]))
write("wire_json_schema", "unknown_id", bytes([0]) + jframe(77, {}))

# --- wire_protobuf: byte 0 = selector (0 JSON, 1 JSON with .proto names and defaults,
# 2 binary; 0x10 key, 0x20 null), then the message: header, message indexes, Protobuf body.
def uv(n):  # Protobuf unsigned varint
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def tag(field, wire):
    return uv((field << 3) | wire)


def ld(field, body):  # length-delimited
    return tag(field, 2) + uv(len(body)) + body


inner = tag(1, 0) + uv(2) + ld(2, tag(1, 0) + uv(3)) + tag(3, 0) + uv(1)
all_msg = (
    tag(1, 1) + struct.pack("<d", 1.5) + tag(2, 5) + struct.pack("<f", 2.5) + tag(3, 0) + uv(7)
    + tag(4, 0) + uv(2**64 - 1) + tag(6, 0) + uv(2**63) + tag(7, 0) + uv(3) + tag(9, 5)
    + struct.pack("<I", 9) + tag(12, 1) + struct.pack("<q", -5) + tag(13, 0) + uv(1)
    + ld(14, "héllo".encode()) + ld(15, b"\x00\xff") + tag(16, 0) + uv(2)
    + ld(17, uv(1) + uv(300) + uv(2**32)) + ld(18, b"a") + ld(18, b"b")
    + ld(19, ld(1, b"k") + tag(2, 0) + uv(42)) + ld(20, tag(1, 0) + uv(4) + ld(2, inner))
    + ld(22, inner) + tag(23, 0) + uv(0) + ld(24, inner)
)
for sel, name in ((0, "json"), (1, "json_names"), (2, "binary")):
    write("wire_protobuf", f"all_{name}", bytes([sel]) + frame(1, b"\x00" + all_msg))
write("wire_protobuf", "second", bytes([0]) + frame(1, bytes([2, 2]) + ld(1, b"id") + ld(2, inner)))
write("wire_protobuf", "inner_nested_index", bytes([0x10]) + frame(1, bytes([4, 0, 0]) + inner))
write("wire_protobuf", "node", bytes([0]) + frame(2, b"\x00" + tag(1, 0) + uv(1) + ld(2, tag(1, 0) + uv(2) + ld(3, ld(1, b"m") + ld(2, tag(1, 0) + uv(3))))))
write("wire_protobuf", "bad_index", bytes([0]) + frame(1, bytes([2, 8]) + inner))
write("wire_protobuf", "bad_wire_type", bytes([2]) + frame(1, b"\x00" + bytes([0x0f, 1])))
write("wire_protobuf", "null", bytes([0x20]))

# --- builtin_deserializers: byte 0 = selector (codec index 0..5, 6 Integer, 7 Double; 0x80 key).
write("builtin_deserializers", "utf8", bytes([0]) + "héllo €".encode())
write("builtin_deserializers", "utf8_bad", bytes([0]) + b"\xc3\x28")
write("builtin_deserializers", "ascii", bytes([1]) + b"plain")
write("builtin_deserializers", "latin1", bytes([2]) + b"caf\xe9")
write("builtin_deserializers", "utf16_bom", bytes([3]) + "\ufeffhi".encode("utf-16-le"))
write("builtin_deserializers", "utf16le", bytes([4]) + "h\U0001f600".encode("utf-16-le"))
write("builtin_deserializers", "utf16be", bytes([5]) + "h\U0001f600".encode("utf-16-be"))
write("builtin_deserializers", "int", bytes([6]) + struct.pack(">i", -123456))
write("builtin_deserializers", "double", bytes([7]) + struct.pack(">d", 1.5))
write("builtin_deserializers", "double_nan", bytes([0x87]) + struct.pack(">d", float("nan")))
write("builtin_deserializers", "null", bytes([0x46]))

# --- config_json: kf_config_set_json text.
for name, obj in (
    ("producer", {"bootstrap.servers": "127.0.0.1:9092", "linger.ms": 5, "enable.idempotence": True,
                  "compression.type": "zstd", "default.topic.config": {"acks": "all"}}),
    ("consumer", {"group.id": "g", "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                  "partition.assignment.strategy": "cooperative-sticky", "debug": "all"}),
    ("bad_value", {"linger.ms": "soon"}),
    ("unknown_key", {"no.such.key": 1}),
    ("nested_bad", {"default.topic.config": {"default.topic.config": {}}}),
    ("float", {"queue.buffering.max.ms": 0.5, "socket.timeout.ms": 1e20}),
    ("array", {"bootstrap.servers": ["a", "b"]}),
):
    write("config_json", name, json.dumps(obj).encode())
write("config_json", "not_object", b"[1, 2, 3]")
write("config_json", "truncated", b'{"linger.ms": ')
write("config_json", "unicode", '{"client.id": "\u00e9\ud83d\ude00", "\u00e9": 1}'.encode("utf-8", "surrogatepass"))

# --- headers: 8 bytes capacity, then ops: 0/1 add (name len, name, kind (bit 0 value,
# bits 1.. length), value), 2 get (index), 3 get_last, 4 iterate, 5 misuse, 6 pin/check.
def add(name, value=None):
    kind = 0 if value is None else (len(value) << 1) | 1
    return bytes([0, len(name)]) + name + bytes([kind]) + (value or b"")

cap = struct.pack("<Q", 4)
write("headers", "basic", cap + add(b"a", b"1") + add(b"b") + add(b"a", b"") + bytes([4, 2, 1, 2, 9, 3, 0, 0]))
write("headers", "pin_grow", cap + add(b"k", b"v" * 20) + bytes([6, 0]) + add(b"x", b"y") * 10 + bytes([6, 4]))
write("headers", "bad_name", cap + add(b"\xff\xfe", b"v") + bytes([3, 1, 2, 0xff, 0xfe, 5, 3, 4]))
write("headers", "huge_cap", struct.pack("<Q", 2**64 - 1) + add(b"n", b"v") + bytes([2, 255, 2, 254, 2, 253]))
