"""Byte-for-byte check of kafkaffi's Avro serdes against the Python client (run by tests/avro.rs).

stdin: {"url", "topic", "schema", "records": [JSON records in kafkaffi's mapping],
        "rust_bytes": [hex of kafkaffi's serialization of each record]}
stdout: {"bytes": [hex of confluent-kafka's AvroSerializer output for each record],
         "decoded": [confluent-kafka's AvroDeserializer reading each of rust_bytes, mapped back
                     to kafkaffi's JSON mapping]}
"""
import datetime
import decimal
import json
import sys
import uuid

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class Names:
    def __init__(self):
        self.named = {}

    def resolve(self, s, ns=None):
        if isinstance(s, str):
            if s in self.named:
                return self.named[s]
            full = f"{ns}.{s}" if ns and "." not in s else s
            return self.named.get(full, s)
        if isinstance(s, dict) and s.get("type") in ("record", "enum", "fixed") and "name" in s:
            name = s["name"]
            space = s.get("namespace", ns)
            full = f"{space}.{name}" if space and "." not in name else name
            self.named[full] = s
            self.named[name] = s
        return s


def to_py(names, s, j, ns=None):
    s = names.resolve(s, ns)
    if isinstance(s, list):
        if j is None:
            return None
        (branch, v), = j.items()
        for b in s:
            b2 = names.resolve(b, ns)
            t = b2 if isinstance(b2, str) else b2.get("type")
            full = b2.get("name") if isinstance(b2, dict) else None
            if branch in (t, full) or (full and branch.endswith("." + full)):
                return to_py(names, b2, v, ns)
        raise ValueError(branch)
    t = s if isinstance(s, str) else s["type"]
    logical = s.get("logicalType") if isinstance(s, dict) else None
    if logical == "decimal":
        return decimal.Decimal(str(j))
    if logical == "uuid":
        return uuid.UUID(j)
    if t == "record":
        space = s.get("namespace", ns)
        return {f["name"]: to_py(names, f["type"], j[f["name"]], space) for f in s["fields"]}
    if t == "array":
        return [to_py(names, s["items"], x, ns) for x in j]
    if t == "map":
        return {k: to_py(names, s["values"], x, ns) for k, x in j.items()}
    if t in ("bytes", "fixed"):
        return j.encode("latin-1")
    if isinstance(t, (dict, list)):
        return to_py(names, t, j, ns)
    return j


def to_json(names, s, v, ns=None):
    s = names.resolve(s, ns)
    if isinstance(s, list):
        if v is None:
            return None
        for b in s:
            b2 = names.resolve(b, ns)
            if b2 == "null":
                continue
            t = b2 if isinstance(b2, str) else b2.get("type")
            key = t
            if isinstance(b2, dict) and t in ("record", "enum", "fixed"):
                space = b2.get("namespace", ns)
                key = f"{space}.{b2['name']}" if space else b2["name"]
            return {key: to_json(names, b2, v, ns)}
    t = s if isinstance(s, str) else s["type"]
    logical = s.get("logicalType") if isinstance(s, dict) else None
    if logical == "decimal":
        return str(v.quantize(decimal.Decimal(1).scaleb(-s.get("scale", 0))))
    if logical == "uuid":
        return str(v)
    if logical == "date":
        return (v - datetime.date(1970, 1, 1)).days
    if logical == "timestamp-millis":
        return (v - EPOCH) // datetime.timedelta(milliseconds=1)
    if logical == "timestamp-micros":
        return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if t == "record":
        space = s.get("namespace", ns)
        return {f["name"]: to_json(names, f["type"], v[f["name"]], space) for f in s["fields"]}
    if t == "array":
        return [to_json(names, s["items"], x, ns) for x in v]
    if t == "map":
        return {k: to_json(names, s["values"], x, ns) for k, x in v.items()}
    if t in ("bytes", "fixed"):
        return v.decode("latin-1")
    if isinstance(t, (dict, list)):
        return to_json(names, t, v, ns)
    return v


def main():
    req = json.load(sys.stdin)
    client = SchemaRegistryClient({"url": req["url"]})
    schema = json.loads(req["schema"])
    ser = AvroSerializer(client, req["schema"], conf={"auto.register.schemas": True})
    de = AvroDeserializer(client)
    ctx = SerializationContext(req["topic"], MessageField.VALUE)
    out = {"bytes": [], "decoded": []}
    for r in req["records"]:
        out["bytes"].append(ser(to_py(Names(), schema, r), ctx).hex())
    for h in req["rust_bytes"]:
        out["decoded"].append(to_json(Names(), schema, de(bytes.fromhex(h), ctx)))
    json.dump(out, sys.stdout)


main()
