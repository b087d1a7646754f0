"""The registry client against a local HTTP server that checks the requests: auth, errors, caching."""

import base64
import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from braid_client import Registry, RegistryError

SCHEMA = '{"type":"record","name":"R","fields":[]}'


class FakeRegistry(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        FakeRegistry.requests.append((self.path, self.headers.get("Authorization")))
        if self.path == "/subjects/braid.jobs-value/versions/latest":
            self.answer(200, {"subject": "braid.jobs-value", "version": 3, "id": 42, "schema": SCHEMA})
        elif self.path == "/schemas/ids/7":
            self.answer(200, {"schema": SCHEMA})
        else:
            self.answer(404, {"error_code": 40401, "message": "Subject 'x' not found."})

    def answer(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class RegistryTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.port = cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()

    def setUp(self):
        FakeRegistry.requests.clear()

    def test_latest_version_and_basic_auth_from_the_url(self):
        registry = Registry("http://svc:p%%40ss@127.0.0.1:%d/" % self.port)
        latest = registry.latest("braid.jobs-value")
        self.assertEqual((latest["id"], latest["version"]), (42, 3))
        expected = "Basic " + base64.b64encode(b"svc:p@ss").decode("ascii")
        self.assertEqual(FakeRegistry.requests, [("/subjects/braid.jobs-value/versions/latest", expected)])
        self.assertNotIn("p%40ss", registry.url)

    def test_schemas_by_id_are_asked_once(self):
        registry = Registry("http://127.0.0.1:%d" % self.port)
        self.assertEqual(registry.schema_text(7), SCHEMA)
        self.assertEqual(registry.schema_text(7), SCHEMA)
        self.assertEqual(len(FakeRegistry.requests), 1)

    def test_a_missing_subject_says_the_orchestrator_registers_it(self):
        with self.assertRaises(RegistryError) as raised:
            Registry("http://127.0.0.1:%d" % self.port).latest("braid.other-value")
        self.assertEqual(raised.exception.status, 404)
        self.assertIn("orchestrator registers its schemas", str(raised.exception))

    def test_an_unreachable_registry_is_status_0_with_the_url(self):
        with self.assertRaises(RegistryError) as raised:
            Registry("http://127.0.0.1:1", timeout=2).latest("braid.jobs-value")
        self.assertEqual(raised.exception.status, 0)
        self.assertIn("http://127.0.0.1:1", str(raised.exception))

    def test_a_url_without_http_is_refused(self):
        with self.assertRaisesRegex(ValueError, "must start with http"):
            Registry("127.0.0.1:8081")


if __name__ == "__main__":
    unittest.main()
