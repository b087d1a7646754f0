"""Avro in the Confluent Schema Registry wire format: magic byte 0, 4-byte big-endian schema id, Avro binary.

Uses confluent-kafka's own AvroSerializer / AvroDeserializer when they load (``pip install
confluent-kafka[avro]``, which brings fastavro); otherwise frames the format itself with the ``avro`` package
(Debian's ``python3-avro``), so Debian's ``python3-confluent-kafka`` 1.7 is enough.
"""

import datetime
import io
import json
import struct

import avro.io
import avro.schema

MAGIC = 0
HEADER = struct.Struct(">bI")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class WireFormatError(Exception):
    """Bytes that are not a wire-format Avro record."""


def confluent_avro_available():
    """Whether confluent-kafka's Avro serializer can load here (it needs fastavro)."""
    try:
        from confluent_kafka.schema_registry.avro import AvroSerializer  # noqa: F401
        return True
    except ImportError:
        return False


def encode(schema_id, schema, datum):
    """``datum`` (a dict, defaults filled by :func:`prepare`) as wire-format bytes with ``schema_id``."""
    out = io.BytesIO()
    out.write(HEADER.pack(MAGIC, schema_id))
    avro.io.DatumWriter(schema).write(prepare(schema, datum), avro.io.BinaryEncoder(out))
    return out.getvalue()


def schema_id_of(data):
    """The schema id in the header of wire-format ``data``."""
    if data is None or len(data) < HEADER.size:
        raise WireFormatError("a record of %s bytes is too short for the wire format"
                              % (None if data is None else len(data)))
    magic, schema_id = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise WireFormatError("first byte %d is not the wire format's magic byte 0 (a JSON or foreign record?)"
                              % magic)
    return schema_id


def decode(data, writer_schema):
    """The record in wire-format ``data`` as a dict, read with the schema it was written with."""
    decoder = avro.io.BinaryDecoder(io.BytesIO(data[HEADER.size:]))
    return avro.io.DatumReader(writer_schema).read(decoder)


def parse(schema_text):
    return avro.schema.parse(schema_text)


def prepare(schema, datum):
    """``datum`` as Avro's writer wants it: missing fields get the schema's defaults (as Braid's Java records do),
    epoch milliseconds become datetimes for ``timestamp-millis``. The input is not changed."""
    kind = schema.type
    if isinstance(schema, avro.schema.UnionSchema):
        if datum is None:
            return None
        for branch in schema.schemas:
            if branch.type == "null":
                continue
            candidate = prepare(branch, datum)
            if avro.io.validate(branch, candidate):
                return candidate
        return datum
    if kind == "record" and isinstance(datum, dict):
        out = {}
        for field in schema.fields:
            if field.name in datum:
                out[field.name] = prepare(field.type, datum[field.name])
            elif field.has_default:
                out[field.name] = prepare(field.type, _default(field.type, field.default))
        return out
    if kind == "array" and isinstance(datum, (list, tuple)):
        return [prepare(schema.items, item) for item in datum]
    if kind == "map" and isinstance(datum, dict):
        return {key: prepare(schema.values, value) for key, value in datum.items()}
    if schema.props.get("logicalType") == "timestamp-millis" and isinstance(datum, int) \
            and not isinstance(datum, bool):
        return _EPOCH + datetime.timedelta(milliseconds=datum)
    if kind == "string" and isinstance(datum, (dict, list)):
        return json.dumps(datum)  # e.g. a tool's argumentsJson given as an object, as JSON jobs allow
    return datum


def _default(schema, value):
    """A field default in Avro's JSON form: a union's default is for its first branch."""
    if isinstance(schema, avro.schema.UnionSchema):
        return _default(schema.schemas[0], value)
    return value


class ConfluentAvro:
    """confluent-kafka's own serializer, writing with the latest registered version and registering nothing."""

    def __init__(self, registry_url, latest_schema_text):
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroSerializer, AvroDeserializer
        client = SchemaRegistryClient({"url": registry_url})
        conf = {"auto.register.schemas": False, "use.latest.version": True}
        try:
            self._serializer = AvroSerializer(schema_registry_client=client, schema_str=latest_schema_text,
                                              conf=conf)
        except ValueError:  # before confluent-kafka 1.8: no use.latest.version; the latest schema is given
            self._serializer = AvroSerializer(schema_registry_client=client, schema_str=latest_schema_text,
                                              conf={"auto.register.schemas": False})
        self._deserializer = AvroDeserializer(schema_registry_client=client)
        self._schema = parse(latest_schema_text)

    def serialize(self, topic, datum):
        from confluent_kafka.serialization import SerializationContext, MessageField
        return self._serializer(prepare(self._schema, datum), SerializationContext(topic, MessageField.VALUE))

    def deserialize(self, topic, data):
        from confluent_kafka.serialization import SerializationContext, MessageField
        return self._deserializer(data, SerializationContext(topic, MessageField.VALUE))
