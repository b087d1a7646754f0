"""The wire format framed here, without a broker: header, defaults, timestamps, a round trip."""

import datetime
import os
import struct
import unittest

from braid_client import wire

AVSC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "schemas", "avsc")


def published(name):
    with open(os.path.join(AVSC, name + ".avsc"), encoding="utf-8") as f:
        return wire.parse(f.read())


class WireFormatTest(unittest.TestCase):

    def test_a_job_is_framed_with_magic_byte_and_big_endian_schema_id(self):
        schema = published("JobRequest")
        data = wire.encode(258, schema, {"jobId": "j1", "branches": [
            {"branchId": "a", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": "{}"}}]})
        self.assertEqual(data[:5], b"\x00" + struct.pack(">I", 258))
        self.assertEqual(wire.schema_id_of(data), 258)

    def test_missing_fields_get_the_schema_defaults_as_braids_java_records_do(self):
        schema = published("JobRequest")
        job = {"jobId": "j2", "branches": [{"branchId": "a", "kind": "LLM", "llm": {"userPrompt": "hi {{x}}"}}],
               "inputs": {"x": "there"}}
        decoded = wire.decode(wire.encode(7, schema, job), schema)
        self.assertEqual(decoded["completion"]["mode"], "ALL")
        self.assertEqual(decoded["aggregation"]["strategy"], "COLLECT")
        self.assertEqual(decoded["branches"][0]["llm"]["userPrompt"], "hi {{x}}")
        self.assertIsNone(decoded["branches"][0]["llm"]["model"])
        self.assertEqual(decoded["inputs"], {"x": "there"})
        self.assertEqual(job["branches"][0]["llm"], {"userPrompt": "hi {{x}}"}, "the caller's job is not changed")

    def test_epoch_millis_and_tool_arguments_as_an_object_are_accepted(self):
        schema = published("JobRequest")
        job = {"jobId": "j3", "submittedAt": 1767225600000, "branches": [
            {"branchId": "a", "kind": "TOOL", "tool": {"name": "calculator", "argumentsJson": {"expression": "6*7"}}}]}
        decoded = wire.decode(wire.encode(1, schema, job), schema)
        self.assertEqual(decoded["submittedAt"], datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))
        self.assertEqual(decoded["branches"][0]["tool"]["argumentsJson"], '{"expression": "6*7"}')

    def test_bytes_that_are_not_the_wire_format_are_refused_with_the_reason(self):
        with self.assertRaisesRegex(wire.WireFormatError, "magic byte"):
            wire.schema_id_of(b'{"jobId": "x"}')
        with self.assertRaisesRegex(wire.WireFormatError, "too short"):
            wire.schema_id_of(b"\x00\x01")


if __name__ == "__main__":
    unittest.main()
