"""Submit jobs to Braid and read their results and progress, with confluent-kafka."""

import json
import logging
import time
import uuid

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING

from . import wire
from .registry import Registry, RegistryError

log = logging.getLogger(__name__)


class BraidError(Exception):
    """A job could not be submitted, or an answer could not be read."""


class BraidClient:
    """A client of a Braid deployment: ``submit`` a job, wait for its ``result``, follow its ``events``.

    Jobs are written to ``<prefix>jobs`` keyed by jobId, in Avro (the Schema Registry wire format, with the latest
    JobRequest version registered under ``<prefix>jobs-value``: Braid's orchestrator registers it at start-up, the
    client registers nothing) or as plain JSON (``record_format="json"``). Results and events are read in Avro with
    the schema each record names.

    :param bootstrap_servers: Kafka bootstrap servers, e.g. ``127.0.0.1:9092``
    :param registry_url: the schema registry, e.g. ``http://127.0.0.1:8081`` (basic auth as ``https://user:pw@host``)
    :param topic_prefix: the prefix of Braid's topics (``braid.`` unless the deployment changed it)
    :param record_format: ``"avro"`` (default) or ``"json"`` for the job records this client writes
    :param kafka_config: extra librdkafka settings for every client (TLS, SASL), e.g. ``{"security.protocol": ...}``
    :param avro: ``"auto"`` uses confluent-kafka's Avro serializer where it loads (it needs fastavro) and frames the
                 wire format with the ``avro`` package otherwise; ``"builtin"`` always frames it here
    """

    def __init__(self, bootstrap_servers, registry_url, topic_prefix="braid.", record_format="avro",
                 kafka_config=None, avro="auto"):
        if record_format not in ("avro", "json"):
            raise ValueError("record_format %r must be 'avro' or 'json'" % record_format)
        if avro not in ("auto", "builtin"):
            raise ValueError("avro %r must be 'auto' or 'builtin'" % avro)
        self._kafka = dict(kafka_config or {})
        self._kafka["bootstrap.servers"] = bootstrap_servers
        self._registry = Registry(registry_url)
        self._registry_url = registry_url
        self._prefix = topic_prefix
        self._format = record_format
        self._use_confluent = avro == "auto" and wire.confluent_avro_available()
        self._confluent = None
        self._job_schema = None
        self._schemas = {}
        # the Java client's partitioner (murmur2 of the key), so a job lands where Braid's own clients put it
        self._producer = Producer(dict(self._kafka, **{"partitioner": "murmur2_random"}))
        self._starts = {}

    @property
    def jobs_topic(self):
        return self._prefix + "jobs"

    @property
    def results_topic(self):
        return self._prefix + "job-results"

    @property
    def events_topic(self):
        return self._prefix + "job-events"

    @property
    def serializer(self):
        """Which Avro serializer writes jobs: ``"confluent-kafka"`` or ``"builtin"`` (the wire format framed here)."""
        return "confluent-kafka" if self._use_confluent else "builtin"

    def submit(self, job, timeout=30.0):
        """Writes ``job`` (a dict in Braid's job format) and returns its jobId (a new one when it has none)."""
        if not isinstance(job, dict) or not job.get("branches"):
            raise BraidError("a job is a dict with at least one branch in 'branches'")
        job = dict(job)
        job_id = job.setdefault("jobId", uuid.uuid4().hex)
        self._starts[job_id] = {self.results_topic: self._end_offsets(self.results_topic),
                                self.events_topic: self._end_offsets(self.events_topic)}
        value = self._encode_job(job)
        failures = []
        self._producer.produce(self.jobs_topic, key=job_id.encode("utf-8"), value=value,
                               on_delivery=lambda err, _msg: failures.append(err) if err else None)
        left = self._producer.flush(timeout)
        if left:
            raise BraidError("job %s was not acknowledged by Kafka within %s s" % (job_id, timeout))
        if failures:
            raise BraidError("job %s was refused by Kafka: %s" % (job_id, failures[0]))
        return job_id

    def result(self, job_id, timeout=60.0):
        """The JobResult of ``job_id`` as a dict, waiting up to ``timeout`` seconds (then ``TimeoutError``)."""
        for record in self._read(self.results_topic, job_id, timeout):
            return record
        raise TimeoutError("no result for job %s on %s within %s s" % (job_id, self.results_topic, timeout))

    def events(self, job_id, timeout=60.0):
        """The progress events of ``job_id`` (JobEvent dicts: JOB_DISPATCHED, BRANCH_STARTED, BRANCH_FINISHED,
        ...) as they arrive, ending after JOB_COMPLETED; ``TimeoutError`` when none comes for ``timeout`` s."""
        for event in self._read(self.events_topic, job_id, timeout, idle=True):
            yield event
            if event.get("type") == "JOB_COMPLETED":
                return
        raise TimeoutError("no event for job %s on %s within %s s" % (job_id, self.events_topic, timeout))

    def close(self):
        self._producer.flush(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _encode_job(self, job):
        if self._format == "json":
            return json.dumps(job).encode("utf-8")
        subject = self.jobs_topic + "-value"
        if self._use_confluent:
            if self._confluent is None:
                self._confluent = wire.ConfluentAvro(self._registry_url, self._registry.latest(subject)["schema"])
            return self._confluent.serialize(self.jobs_topic, job)
        if self._job_schema is None:
            latest = self._registry.latest(subject)
            self._job_schema = (latest["id"], wire.parse(latest["schema"]))
        schema_id, schema = self._job_schema
        try:
            return wire.encode(schema_id, schema, job)
        except Exception as e:  # avro's own errors name the field and the value
            raise BraidError("job %s does not fit the JobRequest schema: %s" % (job.get("jobId"), e)) from e

    def _decode(self, topic, data):
        if self._use_confluent:
            if self._confluent is None:
                self._confluent = wire.ConfluentAvro(
                    self._registry_url, self._registry.latest(self.jobs_topic + "-value")["schema"])
            return self._confluent.deserialize(topic, data)
        schema_id = wire.schema_id_of(data)
        schema = self._schemas.get(schema_id)
        if schema is None:
            schema = self._schemas[schema_id] = wire.parse(self._registry.schema_text(schema_id))
        return wire.decode(data, schema)

    def _readable(self, topic, message):
        """The record in ``message``, or None (logged) for bytes that are not a Braid record: anyone may write to
        a topic, and a bad record must not end the wait for the real one. An unreachable registry is raised."""
        try:
            return self._decode(topic, message.value())
        except RegistryError as e:
            if e.status == 0 or e.status >= 500:
                raise BraidError("cannot read %s: %s" % (topic, e)) from e
            reason = e
        except Exception as e:  # wire-format, Avro and schema errors alike: the record is unreadable
            reason = e
        log.warning("skipping an unreadable record on %s partition %d offset %d: %s", topic, message.partition(),
                    message.offset(), reason)
        return None

    def _end_offsets(self, topic):
        consumer = self._consumer()
        try:
            return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                    for p in self._partitions(consumer, topic)}
        finally:
            consumer.close()

    def _read(self, topic, job_id, timeout, idle=False):
        """Records of ``job_id`` on ``topic`` from where they were when it was submitted (or the beginning), until
        ``timeout`` s pass (without a record, when ``idle``)."""
        consumer = self._consumer()
        try:
            starts = self._starts.get(job_id, {}).get(topic, {})
            consumer.assign([TopicPartition(topic, p, starts.get(p, OFFSET_BEGINNING))
                             for p in self._partitions(consumer, topic)])
            deadline = time.monotonic() + timeout
            key = job_id.encode("utf-8")
            while time.monotonic() < deadline:
                message = consumer.poll(min(1.0, max(0.0, deadline - time.monotonic())))
                if message is None:
                    continue
                if message.error():
                    raise BraidError("cannot read %s: %s" % (topic, message.error()))
                if message.key() != key or message.value() is None:
                    continue
                record = self._readable(topic, message)
                if record is not None and record.get("jobId") == job_id:
                    yield record
                    if idle:
                        deadline = time.monotonic() + timeout
        finally:
            consumer.close()

    def _consumer(self):
        return Consumer(dict(self._kafka, **{"group.id": "braid-python-" + uuid.uuid4().hex,
                                             "enable.auto.commit": False, "auto.offset.reset": "earliest"}))

    @staticmethod
    def _partitions(consumer, topic):
        try:
            metadata = consumer.list_topics(topic, timeout=10)
        except KafkaException as e:
            raise BraidError("cannot read the partitions of %s: %s" % (topic, e)) from e
        described = metadata.topics.get(topic)
        if described is None or described.error is not None or not described.partitions:
            raise BraidError("topic %s does not exist; is a Braid orchestrator running with prefix %r?"
                             % (topic, topic[:-len(topic.split(".")[-1])] if "." in topic else ""))
        return sorted(described.partitions)
