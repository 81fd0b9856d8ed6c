"""dashboard.cors = true (EMQX's key): a request from a web page of another
origin (an Origin header) is answered with Access-Control-Allow-Origin: *,
and a browser's OPTIONS preflight gets the path's methods. The default
(false) is checked in test_http_api.py."""
import pytest

from harness import Api, start_api_broker
from test_ctl_common import QUIET_SYS, pytestmark  # noqa: F401

ADMIN = ("cors-admin", "cors-admin-secret")
ORIGIN = {"Origin": "http://dashboard.example:8080"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    b = start_api_broker(tmp_path_factory, "http-cors", [ADMIN], dict(QUIET_SYS, EMQX_DASHBOARD__CORS="true"))
    yield Api(b, *ADMIN)
    b.stop()


def test_answers_to_another_origin_allow_it(api):
    r = api.get("/api/v5/nodes", headers=ORIGIN)
    assert r.status == 200 and r.headers.get("access-control-allow-origin") == "*", r.headers
    refused = Api(api.broker).get("/api/v5/nodes", headers=ORIGIN)  # no credentials: still 401, and readable
    assert refused.status == 401 and refused.headers.get("access-control-allow-origin") == "*"
    missing = api.get("/api/v5/no-such-thing", headers=ORIGIN)
    assert missing.status == 404 and missing.headers.get("access-control-allow-origin") == "*"


def test_same_origin_requests_get_no_cors_header(api):
    assert "access-control-allow-origin" not in api.get("/api/v5/nodes").headers


def test_preflight_names_the_paths_methods_without_credentials(api):
    r = Api(api.broker).request("OPTIONS", "/api/v5/clients/c1", headers=dict(
        ORIGIN, **{"Access-Control-Request-Method": "DELETE",
                   "Access-Control-Request-Headers": "authorization, content-type"}))
    assert r.status == 204, r
    assert r.headers["access-control-allow-origin"] == "*"
    assert set(r.headers["access-control-allow-methods"].split(", ")) == {"GET", "DELETE", "OPTIONS"}
    assert r.headers["access-control-allow-headers"] == "authorization, content-type"
    assert int(r.headers["access-control-max-age"]) > 0
    assert Api(api.broker).request("OPTIONS", "/api/v5/nowhere", headers=ORIGIN).status == 404
