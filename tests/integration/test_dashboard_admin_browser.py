"""The dashboard's administration pages in a real browser (Debian's headless
chromium under puppeteer-core, js/dashboard_admin_flow.js, harness/browser.py),
each checked against the broker by the test's own clients at the flow's
checkpoints: a user added, edited, deleted, then logged in as and its
password changed; an API key made on the page whose secret, shown once, works
with its role from Python's http.client, and a deleted key that no longer
does; a client id banned on the page that mosquitto_sub cannot connect as,
then can once the ban is lifted; a bad license key refused and the test's
license uploaded and shown; the license_quota alarm raised and cleared by
clients over the license's quota, and the history emptied. Where a client or
an administrator chooses the text (a client id, a ban's reason, a user's or a
key's description), the flow gives HTML, which the pages show as text."""
import subprocess

import pytest

from harness import Api, Broker, Client
from harness.broker import is_mosquitto
from harness.browser import INJECTED, browser_config, check_pages, run_browser_flow
from test_license import make_key, make_license

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's dashboard")

CUSTOMER = "Dash Customer Co"
MAX_CONNECTIONS = 10
BANNED = "dash-banned"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return make_key(str(tmp_path_factory.mktemp("license")))


@pytest.fixture(scope="module")
def broker(keys):
    env = {"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled", "EMQX_LICENSE__PUBLIC_KEY_FILE": keys[1]}
    with Broker(http=True, name="dashboard-admin", env=env) as b:
        yield b


EXPECTED = {
    "users": ["Users", "admin", "dash_ops", "administrator", INJECTED % "user", "Deleted user dash_gone"],
    "api_keys": ["API keys", "Key dash-viewer created", "shown only now", "viewer", INJECTED % "api_key"],
    "api_keys_taken": ["name_already_existed", "dash-viewer"],
    "banned": ["Banned clients", BANNED, "banned from the dashboard", INJECTED % "banned_who",
               INJECTED % "banned_reason", "2099-01-0"],
    "license_refused": ["License", "invalid license", "community"],
    "license": ["Applied the new license", CUSTOMER, "standard", "2099-12-31", str(MAX_CONNECTIONS)],
    "alarms_active": ["Alarms", "license_quota"],
    "alarms_history": ["History", "license_quota"],
    "new_user": ["dash_ops", "Overview"],
}


def _mosquitto_sub_once(broker, client_id):
    """mosquitto_sub as `client_id` (MQTT 5), which exits after its SUBACK
    (-E) or on a refusal."""
    return subprocess.run(["mosquitto_sub", "-h", broker.host, "-p", str(broker.port), "-V", "mqttv5", "-i", client_id,
                           "-t", "dash/ban/#", "-E"], capture_output=True, text=True, timeout=10)


class Checks:
    """What the test checks at each checkpoint of the flow."""

    def __init__(self, broker):
        self.broker = broker
        self.clients = []

    def api_keys(self, keys):
        viewer = Api(self.broker).with_key(keys["viewer"]["key"], keys["viewer"]["secret"])
        assert viewer.get("/api/v5/nodes").status == 200
        refused = viewer.post("/api/v5/publish", {"topic": "dash/t", "payload": "x"})
        assert refused.status == 403 and refused.json()["code"] == "UNAUTHORIZED_ROLE", refused
        gone = Api(self.broker).with_key(keys["gone"]["key"], keys["gone"]["secret"])
        assert gone.get("/api/v5/nodes").status == 200

    def api_key_deleted(self, keys):
        viewer = Api(self.broker).with_key(keys["viewer"]["key"], keys["viewer"]["secret"])
        assert viewer.get("/api/v5/nodes").status == 200
        r = Api(self.broker).with_key(keys["gone"]["key"], keys["gone"]["secret"]).get("/api/v5/nodes")
        assert r.status == 401 and r.json()["code"] == "BAD_API_KEY_OR_SECRET", r

    def banned(self, _):
        p = _mosquitto_sub_once(self.broker, BANNED)
        assert p.returncode != 0 and "Banned" in p.stderr, (p.returncode, p.stdout, p.stderr)

    def unbanned(self, _):
        p = _mosquitto_sub_once(self.broker, BANNED)
        assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)

    def over_quota(self, _):
        for i in range(MAX_CONNECTIONS - 1):
            c = Client(self.broker, client_id="dash-quota-%d" % i)
            assert c.connect().rc == 0
            self.clients.append(c)

    def under_quota(self, _):
        for c in self.clients:
            c.disconnect()
        self.clients = []


def test_a_browser_administers_users_keys_bans_the_license_and_alarms(broker, keys, tmp_path):
    license_file = make_license(str(tmp_path), keys[0], customer=CUSTOMER, max_connections=MAX_CONNECTIONS)
    with open(license_file) as f:
        license_key = f.read()
    out = tmp_path / "shots"
    out.mkdir()
    cfg = browser_config(broker, out, tmp_path / "profile", password="dash-Admin-42", user="dash_ops",
                         user_password="ops-Pass-1", user_new_password="ops-Pass-2", banned=BANNED, xss=INJECTED,
                         license=license_key, customer=CUSTOMER)
    checks = Checks(broker)
    try:
        report = run_browser_flow("dashboard_admin_flow.js", cfg, checkpoints={
            "api_keys": checks.api_keys, "api_key_deleted": checks.api_key_deleted, "banned": checks.banned,
            "unbanned": checks.unbanned, "over_quota": checks.over_quota, "under_quota": checks.under_quota})
    finally:
        for c in checks.clients:
            c.close()
    check_pages(report, EXPECTED)
    # The edit made the viewer an administrator.
    assert "dash_ops\tadministrator\t" in report["pages"]["users"]["parts"]["#user-list"]
