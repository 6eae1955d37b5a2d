"""Reads every record ytwatch wrote to its three data topics with confluent-kafka's AvroDeserializer
(read_committed) and checks each against the documented format (a JSON description generated from
the same definitions as the README tables). Prints one JSON line: counts per topic and the errors.

usage: read_topics.py BOOTSTRAP REGISTRY_URL FORMAT_JSON PREFIX
"""
import faulthandler
import json
import sys

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

bootstrap, registry_url, format_file, prefix = sys.argv[1:5]
docs = json.load(open(format_file))
# Where it hangs, if it ever does (stderr reaches the test's failure message); and no registry request
# may wait forever (the client's default): a hung one was seen once per full test run, never alone.
faulthandler.dump_traceback_later(200, exit=False)
deserialize = AvroDeserializer(SchemaRegistryClient({"url": registry_url, "timeout": 10}))
PY_TYPES = {"string": str, "long": int, "int": int, "double": (int, float), "boolean": bool}


def check(topic, value, errors):
    records = docs[topic]
    kind = records[0] if len(records) == 1 else next((r for r in records if r["record"] == value.get("type")), None)
    if kind is None:
        return errors.append(f"{topic}: unknown type {value.get('type')!r}")
    documented = {f["field"]: f for f in kind["fields"]}
    for name, v in value.items():
        f = documented.get(name)
        if f is None:
            # Avro carries a union's other fields as null (documented for unavailable records).
            if v is not None or not kind.get("avroNulls"):
                errors.append(f"{topic}/{kind['record']}: undocumented field {name}={v!r}")
            continue
        if v is None:
            if not f["nullable"]:
                errors.append(f"{topic}/{kind['record']}: {name} is null but documented never null")
        elif f["type"].startswith("array<"):
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                errors.append(f"{topic}: {name}={v!r} is not {f['type']}")
        elif "|" in f["type"]:
            if v not in [s.strip(" \\") for s in f["type"].split("|")]:
                errors.append(f"{topic}: {name}={v!r} not one of {f['type']}")
        elif not isinstance(v, PY_TYPES[f["type"]]) or (f["type"] != "boolean" and isinstance(v, bool)):
            errors.append(f"{topic}: {name}={v!r} is not {f['type']}")
    for name in documented:
        if name not in value:
            errors.append(f"{topic}/{kind['record']}: missing {name}")
    if value.get("v") != 1:
        errors.append(f"{topic}: unknown version {value.get('v')!r}")
    if value.get("fetchedAt", value.get("at", 0)) < 1_500_000_000_000:
        errors.append(f"{topic}: time is not epoch milliseconds")


counts, errors = {}, []
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"{prefix}python-reader", "isolation.level": "read_committed",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
for topic in docs:
    name = prefix + topic
    meta = consumer.list_topics(name, timeout=10).topics[name]
    parts = [TopicPartition(name, p, 0) for p in meta.partitions]
    ends = {p.partition: consumer.get_watermark_offsets(p, timeout=10)[1] for p in parts}
    consumer.assign(parts)
    counts[name] = 0
    idle = 0
    # Read until every partition's position reaches its end offset (read_committed positions move past
    # transaction markers), giving up after 30 s without a record.
    while any(ends[tp.partition] > 0 and tp.offset < ends[tp.partition] for tp in consumer.position(parts)):
        msg = consumer.poll(1)
        if msg is None:
            idle += 1
            if idle > 30:
                positions = {tp.partition: tp.offset for tp in consumer.position(parts)}
                errors.append(f"{name}: stuck before the end offsets {ends} at {positions} after {counts[name]} records")
                break
            continue
        idle = 0
        if msg.error():
            errors.append(f"{name}: {msg.error()}")
            continue
        value = deserialize(msg.value(), SerializationContext(name, MessageField.VALUE))
        if msg.key().decode() != value.get("videoId"):
            errors.append(f"{name}: key {msg.key()!r} is not the videoId")
        check(topic, value, errors)
        counts[name] += 1
    print(f"{name}: {counts[name]} records", file=sys.stderr, flush=True)
    consumer.unassign()
consumer.close()
print(json.dumps({"counts": counts, "errors": errors[:20]}))
