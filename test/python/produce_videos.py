"""Writes snapshot records on youtube_videos in Avro through confluent-kafka's AvroSerializer, which
registers the schema it is given (ytwatch's, from the registry's point of view an equal one).

usage: produce_videos.py BOOTSTRAP REGISTRY_URL SCHEMA_FILE TOPIC RECORDS_JSON
"""
import json
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

bootstrap, registry_url, schema_file, topic, records_json = sys.argv[1:6]
serialize = AvroSerializer(SchemaRegistryClient({"url": registry_url, "timeout": 10}), open(schema_file).read(), conf={"auto.register.schemas": True})
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
for record in json.loads(records_json):
    producer.produce(topic, key=record["videoId"].encode(), value=serialize(record, SerializationContext(topic, MessageField.VALUE)))
    producer.flush(10)
print(json.dumps({"produced": len(json.loads(records_json))}))
