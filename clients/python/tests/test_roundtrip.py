"""Against a running Braid (orchestrator, worker, registry): BRAID_BOOTSTRAP and BRAID_REGISTRY_URL say where.

cli's PythonClientTest starts an embedded fleet and runs this; skipped when the variables are not set.
"""

import contextlib
import io
import json
import os
import re
import unittest
import urllib.request
import uuid

from braid_client import BraidClient

BOOTSTRAP = os.environ.get("BRAID_BOOTSTRAP")
REGISTRY = os.environ.get("BRAID_REGISTRY_URL")


def tool_job(job_id):
    return {
        "jobId": job_id,
        "inputs": {"x": "6"},
        "branches": [
            {"branchId": "product", "kind": "TOOL",
             "tool": {"name": "calculator", "argumentsJson": json.dumps({"expression": "{{x}} * 7"})}},
            {"branchId": "words", "kind": "TOOL",
             "tool": {"name": "text_stats", "argumentsJson": json.dumps({"text": "from python with love"})}},
        ],
    }


@unittest.skipUnless(BOOTSTRAP and REGISTRY, "set BRAID_BOOTSTRAP and BRAID_REGISTRY_URL to a running Braid")
class RoundTripTest(unittest.TestCase):

    def versions(self, subject):
        with urllib.request.urlopen("%s/subjects/%s/versions" % (REGISTRY, subject), timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))

    def test_submit_a_job_read_its_result_and_iterate_its_events(self):
        with BraidClient(BOOTSTRAP, REGISTRY) as client:
            job_id = client.submit(tool_job("from-python-" + uuid.uuid4().hex[:8]))

            result = client.result(job_id, timeout=90)
            self.assertEqual(result["jobId"], job_id)
            self.assertEqual(result["status"], "SUCCEEDED", result)
            self.assertIn('"product":"42"', result["output"])
            self.assertEqual(sorted(b["branchId"] for b in result["branches"]), ["product", "words"])

            events = list(client.events(job_id, timeout=30))
            types = [e["type"] for e in events]
            self.assertEqual(types[0], "JOB_DISPATCHED", types)
            self.assertEqual(types[-1], "JOB_COMPLETED", types)
            finished = {e["branchId"] for e in events if e["type"] == "BRANCH_FINISHED"}
            self.assertEqual(finished, {"product", "words"})

    def test_unreadable_records_under_the_jobs_key_are_skipped(self):
        from confluent_kafka import Producer
        job_id = "from-python-hostile-" + uuid.uuid4().hex[:8]
        # written before the job, to the partition its result goes to (the Java partitioner): read first
        forger = Producer({"bootstrap.servers": BOOTSTRAP, "partitioner": "murmur2_random"})
        for garbage in (b"not avro", b"\x00\x00\x01\x86\xa0garbage", b"\x00"):
            forger.produce("braid.job-results", key=job_id.encode("utf-8"), value=garbage)
        self.assertEqual(forger.flush(30), 0)
        with BraidClient(BOOTSTRAP, REGISTRY) as submitter:
            submitter.submit(tool_job(job_id))
        with BraidClient(BOOTSTRAP, REGISTRY) as reader:  # did not submit it: reads from the beginning
            with self.assertLogs("braid_client.client", "WARNING") as logged:
                result = reader.result(job_id, timeout=90)
        self.assertEqual(result["status"], "SUCCEEDED", result)
        self.assertEqual(sum("skipping an unreadable record" in line for line in logged.output), 3, logged.output)

    def test_the_client_registers_nothing_it_writes_with_the_version_braid_registered(self):
        with BraidClient(BOOTSTRAP, REGISTRY, avro="builtin") as client:
            job_id = client.submit(tool_job("from-python-builtin-" + uuid.uuid4().hex[:8]))
            self.assertEqual(client.result(job_id, timeout=90)["status"], "SUCCEEDED")
        self.assertEqual(self.versions("braid.jobs-value"), [1])

    def test_a_json_job_is_served_too(self):
        job = tool_job("from-python-json-" + uuid.uuid4().hex[:8])
        job["branches"][0]["tool"]["argumentsJson"] = {"expression": "{{x}} * 7"}
        with BraidClient(BOOTSTRAP, REGISTRY, record_format="json") as client:
            result = client.result(client.submit(job), timeout=90)
        self.assertEqual(result["status"], "SUCCEEDED", result)
        self.assertIn('"product":"42"', result["output"])

    def test_the_readme_example_runs(self):
        with open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8") as f:
            example = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
        example = example.replace('"127.0.0.1:9092"', repr(BOOTSTRAP)) \
            .replace('"http://127.0.0.1:8081"', repr(REGISTRY))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(example, {})
        self.assertIn('"m":"42"', printed.getvalue())

    def test_a_job_for_which_nothing_arrives_times_out_with_the_job_named(self):
        with BraidClient(BOOTSTRAP, REGISTRY) as client:
            with self.assertRaisesRegex(TimeoutError, "never-submitted"):
                client.result("never-submitted-" + uuid.uuid4().hex[:8], timeout=2)


if __name__ == "__main__":
    unittest.main()
