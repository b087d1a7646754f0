"""A small Confluent Schema Registry client over HTTP (urllib): latest version of a subject, schema by id."""

import base64
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class RegistryError(Exception):
    """The registry could not be reached or answered an error; ``status`` is the HTTP status (0: unreachable)."""

    def __init__(self, message, status=0):
        super().__init__(message)
        self.status = status


class Registry:
    """Reads schemas from a Confluent-compatible registry; ids are immutable there, so they are cached.

    Basic authentication comes from the URL's user info (``https://user:secret@registry:8081``), as Braid's
    own client takes it.
    """

    def __init__(self, url, timeout=10.0):
        parts = urllib.parse.urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https"):
            raise ValueError("schema registry URL %r must start with http:// or https://" % url)
        self._authorization = None
        netloc = parts.hostname or ""
        if ":" in netloc:  # an IPv6 address
            netloc = "[%s]" % netloc
        if parts.port:
            netloc += ":%d" % parts.port
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            secret = urllib.parse.unquote(parts.password or "")
            token = base64.b64encode(("%s:%s" % (user, secret)).encode("utf-8")).decode("ascii")
            self._authorization = "Basic " + token
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
        self._timeout = timeout
        self._by_id = {}
        self._lock = threading.Lock()

    def latest(self, subject):
        """The newest version under ``subject``: a dict with ``id``, ``version`` and ``schema`` (JSON text)."""
        answer = self._get("/subjects/%s/versions/latest" % urllib.parse.quote(subject, safe=""), subject)
        with self._lock:
            self._by_id.setdefault(answer["id"], answer["schema"])
        return answer

    def schema_text(self, schema_id):
        """The schema (JSON text) with this global id."""
        with self._lock:
            cached = self._by_id.get(schema_id)
        if cached is not None:
            return cached
        text = self._get("/schemas/ids/%d" % schema_id, "schema id %d" % schema_id)["schema"]
        with self._lock:
            self._by_id.setdefault(schema_id, text)
        return text

    def _get(self, path, what):
        request = urllib.request.Request(self.url + path, headers={"Accept": CONTENT_TYPE + ", application/json"})
        if self._authorization:
            request.add_header("Authorization", self._authorization)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            try:
                message = json.loads(body).get("message", body)
            except ValueError:
                message = body
            advice = ""
            if e.code == 404 and path.startswith("/subjects/"):
                advice = ("; Braid's orchestrator registers its schemas when it starts: is it running against "
                          "this registry, with the same topic prefix?")
            raise RegistryError("schema registry at %s answered %d for %s: %s%s"
                                % (self.url, e.code, what, message, advice), e.code) from e
        except (urllib.error.URLError, OSError) as e:
            raise RegistryError("cannot reach the schema registry at %s (%s); check the registry URL and that "
                                "the registry is running" % (self.url, e)) from e
