"""The HTTP API from the tests' side: requests through Python's http.client
(the standard library's HTTP/1.1 client, which nobody here wrote), with an
API key as HTTP Basic credentials."""
import base64
import http.client
import json


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode()

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:300])


def basic(key, secret):
    return "Basic " + base64.b64encode(("%s:%s" % (key, secret)).encode()).decode()


class Api:
    """Requests to `broker`'s HTTP API (a broker started with http=True)."""

    def __init__(self, broker, key=None, secret=None, timeout=10):
        self.broker = broker
        self.key = key
        self.secret = secret
        self.timeout = timeout

    def with_key(self, key, secret):
        return Api(self.broker, key, secret, self.timeout)

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.broker.http_port, timeout=self.timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """One request (on `conn` when given, to reuse a keep-alive connection)."""
        h = dict(headers or {})
        if self.key is not None and "Authorization" not in h:
            h["Authorization"] = basic(self.key, self.secret)
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        c = conn or self.connection()
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            if conn is None:
                c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)


def start_api_broker(tmp_path_factory, name, keys, env, config=None, files=None):
    """A started broker with the HTTP API on a free port and `keys` ((key,
    secret) or (key, secret, role)) in its api_key.bootstrap_file. `files`
    ({name: text}) are written beside that file first; `config` (a TOML text)
    may name that directory as {dir}."""
    from .broker import Broker
    d = tmp_path_factory.mktemp(name)
    for file_name, text in (files or {}).items():
        (d / file_name).write_text(text)
    path = d / "api_keys.txt"
    path.write_text("".join(":".join(k) + "\n" for k in keys))
    b = Broker(env=dict(env, EMQX_API_KEY__BOOTSTRAP_FILE=str(path)), name=name, http=True,
               config=config.replace("{dir}", str(d)) if config else None)
    b.start()
    return b


def shared_api_broker_fixtures(name, keys, env, admin, config=None, files=None):
    """The fixtures of a test file whose tests share one broker with the HTTP
    API (started by start_api_broker): `_broker` (the module's), `broker`
    (it, with its log in a failing test's report) and `api` (requests with
    the `admin` key). Assign them at module level:
    `_broker, broker, api = shared_api_broker_fixtures(...)`. `env` may be a
    function of the fixture request, for an environment naming files that
    module-scoped fixtures made (request.getfixturevalue)."""
    import pytest

    from .clients import use_shared_broker

    @pytest.fixture(scope="module", name="_broker")
    def module_broker(request, tmp_path_factory):
        b = start_api_broker(tmp_path_factory, name, keys, env(request) if callable(env) else env, config, files)
        yield b
        b.stop()

    @pytest.fixture(name="broker")
    def test_broker(request, _broker):
        return use_shared_broker(request, _broker)

    @pytest.fixture(name="api")
    def admin_api(broker):
        return Api(broker, *admin)

    return module_broker, test_broker, admin_api
