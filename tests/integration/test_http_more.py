"""The HTTP API's clients/kickout/bulk, clients/:clientid/authorization/cache
and listeners/:id/start|stop|restart (EMQX 5.8's paths, fields and codes)
against the real daemon, driven by real MQTT clients: a bulk kick closes
exactly the listed clients; the cache lists what a client's publish and
subscribe were checked for, as `emqxctl authz cache-list` does, and is
emptied by DELETE; a stopped listener refuses connections and keeps its
clients, a started one accepts again; bad input is 400 with a reason,
unknown ids 404, no credentials 401."""
import socket
import time

import pytest

from harness import Api, Client, RawClient, shared_api_broker_fixtures, wait_until
from harness import mqttbytes as mb
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

ADMIN = ("more-admin", "more-admin-secret")


_broker, broker, api = shared_api_broker_fixtures("http-more", [ADMIN], QUIET_SYS, ADMIN)


def connected(broker, clientid):
    return any(c["clientid"] == clientid and c["connected"] for c in ctl_json(broker, "clients", "list")["clients"])


# ---- clients/kickout/bulk ---------------------------------------------------------------------


def test_kickout_bulk_closes_the_listed_clients_only(broker, api):
    kicked = [RawClient(broker, 5) for _ in range(2)]
    for i, r in enumerate(kicked):
        r.connect("kb-%d" % i)
    stays = Client(broker, "kb-stays")
    stays.connect()
    r = api.post("/api/v5/clients/kickout/bulk", ["kb-0", "kb-1", "kb-no-such-client"])
    assert r.status == 204, r
    for c in kicked:
        assert [p.rc for p in c.expect_closed(allow=(mb.DISCONNECT,))] == [0x98]  # kicked
    assert not connected(broker, "kb-0") and not connected(broker, "kb-1")
    assert stays.is_connected() and connected(broker, "kb-stays")


@pytest.mark.parametrize("body, status", [
    ({"clientid": "kb-x"}, 400),  # not an array
    (["kb-x", 7], 400),  # not a string
    ([""], 400),  # an empty id
])
def test_kickout_bulk_refuses_a_bad_body_and_kicks_nobody(broker, api, body, status):
    c = Client(broker, "kb-x")
    c.connect()
    r = api.post("/api/v5/clients/kickout/bulk", body)
    assert r.status == status, r
    assert r.json()["code"] == "BAD_REQUEST" and r.json()["message"], r
    assert c.is_connected() and connected(broker, "kb-x")


def test_kickout_bulk_wants_json(api):
    r = api.post("/api/v5/clients/kickout/bulk", '["a"]')  # no content-type
    assert r.status == 415 and r.json()["code"] == "UNSUPPORTED_MEDIA_TYPE", r


# ---- clients/:clientid/authorization/cache ----------------------------------------------------


def cache_path(clientid):
    return "/api/v5/clients/%s/authorization/cache" % clientid


def test_authorization_cache_lists_the_checks_and_is_emptied(broker, api):
    c = Client(broker, "ac-1")
    c.connect()
    before = int(time.time() * 1000)
    c.subscribe("ac/sub/#", qos=1)
    c.publish("ac/pub", b"x", qos=1)
    r = api.get(cache_path("ac-1"))
    assert r.status == 200, r
    cache = sorted(r.json(), key=lambda e: e["access"])
    assert [(e["access"], e["topic"], e["result"]) for e in cache] == \
        [("publish", "ac/pub", "allow"), ("subscribe", "ac/sub/#", "allow")], cache
    for e in cache:
        assert before - 1000 <= e["updated_time"] <= int(time.time() * 1000) + 1000, e
    # The same handler as emqxctl's. updated_time is worked out from the loop's monotonic clock plus its
    # distance to the wall clock, both read in whole ms at each call: two calls may differ by 1 ms.
    shell = sorted(ctl_json(broker, "authz", "cache-list", "ac-1")["cache"], key=lambda e: e["access"])
    without_time = lambda entries: [{k: v for k, v in e.items() if k != "updated_time"} for e in entries]  # noqa: E731
    assert without_time(shell) == without_time(cache)
    assert all(abs(a["updated_time"] - b["updated_time"]) <= 2 for a, b in zip(shell, cache)), (shell, cache)
    r = api.delete(cache_path("ac-1"))
    assert r.status == 204, r
    assert api.get(cache_path("ac-1")).json() == []
    # Checked again, cached again.
    c.publish("ac/pub2", b"x", qos=1)
    assert [e["topic"] for e in api.get(cache_path("ac-1")).json()] == ["ac/pub2"]


def test_authorization_cache_of_an_unknown_client_is_404(api):
    for r in (api.get(cache_path("ac-no-such-client")), api.delete(cache_path("ac-no-such-client"))):
        assert r.status == 404, r
        assert r.json() == {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}, r


# ---- listeners/:id/start|stop|restart --------------------------------------------------------


def accepts(broker):
    try:
        socket.create_connection(("127.0.0.1", broker.port), timeout=2).close()
        return True
    except ConnectionRefusedError:
        return False


def listener_running(api):
    [tcp] = [l for l in api.get("/api/v5/listeners").json() if l["id"] == "tcp:default"]
    return tcp["status"]["running"]


def test_listener_stop_start_restart(broker, api):
    stays = Client(broker, "ls-stays")
    stays.connect()
    try:
        r = api.post("/api/v5/listeners/tcp:default/stop", None)
        assert r.status == 200 and r.body == b"", r
        assert not listener_running(api)
        wait_until(lambda: not accepts(broker), 5, what="the stopped listener refusing connections")
        assert stays.is_connected()  # its connections stay
    finally:
        r = api.post("/api/v5/listeners/tcp:default/start", None)
    assert r.status == 200, r
    assert listener_running(api) and accepts(broker)
    Client(broker, "ls-after-start").connect()
    r = api.post("/api/v5/listeners/tcp:default/restart", None)
    assert r.status == 200, r
    assert listener_running(api)
    Client(broker, "ls-after-restart").connect()


@pytest.mark.parametrize("lid, status, code", [
    ("tcp:no-such-listener", 404, "BAD_LISTENER_ID"),
    ("ssl:default", 404, "BAD_LISTENER_ID"),  # not enabled, so not running
    ("no-colon", 400, "BAD_LISTENER_ID"),
    ("quic:default", 400, "BAD_LISTENER_ID"),
])
def test_listener_action_on_a_bad_or_unknown_id(api, lid, status, code):
    for action in ("start", "stop", "restart"):
        r = api.post("/api/v5/listeners/%s/%s" % (lid, action), None)
        assert r.status == status and r.json()["code"] == code and r.json()["message"], r
    assert listener_running(api)


# ---- credentials ------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path, body", [
    ("POST", "/api/v5/clients/kickout/bulk", ["kb-0"]),
    ("GET", cache_path("ac-1"), None),
    ("DELETE", cache_path("ac-1"), None),
    ("POST", "/api/v5/listeners/tcp:default/stop", None),
    ("POST", "/api/v5/listeners/tcp:default/start", None),
    ("POST", "/api/v5/listeners/tcp:default/restart", None),
])
def test_no_credentials_is_401(broker, method, path, body):
    r = Api(broker).request(method, path, body=body)
    assert r.status == 401 and r.json()["code"] == "AUTHORIZATION_HEADER_ERROR", r
