"""Byte-for-byte check of kafkaffi's Protobuf serdes against the Python client (run by
tests/protobuf.rs).

stdin: {"url", "topic", "file" (a .proto file name), "proto" (its text),
        "records": [{"message": "<name inside the package, e.g. All.Inner>",
                     "json": <the record in the proto3 JSON mapping>}],
        "rust_bytes": [hex of kafkaffi's serialization of each record]}
The .proto is compiled with grpc_tools.protoc into a temporary directory and imported.
stdout: {"bytes": [hex of confluent-kafka's ProtobufSerializer output for each record, with
                   auto.register.schemas under "<topic>-value"],
         "decoded": [confluent-kafka's ProtobufDeserializer reading each of rust_bytes (with the
                     message class of its record), as json_format.MessageToDict]}
Python's deserializer is built without a registry client: with one it fetches the writer
schema with ?format=serialized, which Apicurio's Confluent API cannot serve. Without one it
still reads the Confluent framing (magic byte, schema id, message indexes).
"""
import importlib
import json
import os
import sys
import tempfile

from grpc_tools import protoc
from google.protobuf import json_format

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def main():
    req = json.load(sys.stdin)
    tmp = tempfile.mkdtemp()
    with open(os.path.join(tmp, req["file"]), "w") as f:
        f.write(req["proto"])
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    rc = protoc.main(["protoc", "-I" + tmp, "-I" + include, "--python_out=" + tmp, req["file"]])
    if rc != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, tmp)
    mod = importlib.import_module(req["file"][: -len(".proto")] + "_pb2")

    def cls(name):
        c = mod
        for part in name.split("."):
            c = getattr(c, part)
        return c

    client = SchemaRegistryClient({"url": req["url"]})
    ctx = SerializationContext(req["topic"], MessageField.VALUE)
    out = {"bytes": [], "decoded": []}
    for r in req["records"]:
        c = cls(r["message"])
        ser = ProtobufSerializer(c, client, {"auto.register.schemas": True})
        out["bytes"].append(ser(json_format.ParseDict(r["json"], c()), ctx).hex())
    for r, h in zip(req["records"], req["rust_bytes"]):
        de = ProtobufDeserializer(cls(r["message"]), {"use.deprecated.format": False})
        out["decoded"].append(json_format.MessageToDict(de(bytes.fromhex(h), ctx)))
    json.dump(out, sys.stdout)


main()
