"""Byte-for-byte check of kafkaffi's JSON Schema serdes against the Python client (run by
tests/json_schema.rs).

stdin: {"url", "topic", "schema", "records": [each record as JSON text],
        "rust_bytes": [hex of kafkaffi's serialization of each record]}
stdout: {"bytes": [hex of confluent-kafka's JSONSerializer output for each record],
         "decoded": [confluent-kafka's JSONDeserializer reading each of rust_bytes, as JSON]}
"""
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient, topic_subject_name_strategy
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext


def main():
    req = json.load(sys.stdin)
    client = SchemaRegistryClient({"url": req["url"]})
    ser = JSONSerializer(
        req["schema"],
        client,
        conf={"auto.register.schemas": True, "subject.name.strategy": topic_subject_name_strategy},
    )
    de = JSONDeserializer(None, schema_registry_client=client)
    ctx = SerializationContext(req["topic"], MessageField.VALUE)
    out = {"bytes": [], "decoded": []}
    for text in req["records"]:
        out["bytes"].append(ser(json.loads(text), ctx).hex())
    for h in req["rust_bytes"]:
        out["decoded"].append(de(bytes.fromhex(h), ctx))
    json.dump(out, sys.stdout)


main()
