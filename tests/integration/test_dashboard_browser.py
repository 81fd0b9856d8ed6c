"""The dashboard (docs/http-api.md "Dashboard"): its files served from the
HTTP listener without leaving their directory, and the pages driven in a real
browser, Debian's headless chromium under puppeteer-core
(js/dashboard_flow.js, harness/browser.py): log in as admin/public, change
the password as the API forces, see the overview's counts and charts, find the client mosquitto_sub
holds, show it, kick it (mosquitto_sub exits, the list loses it), and visit
subscriptions, topics, retained messages, listeners, traces (start, watch the
log live, download) and metrics. Every page is screenshotted and its rendered
text checked; a client whose id is HTML is shown as text."""
import os
import zipfile

import pytest

from harness import Api, Broker, BrokerError, Client, MosquittoSub, mosquitto_pub, wait_until
from harness.broker import is_mosquitto
from harness.browser import INJECTED, browser_config, check_pages, run_browser_flow

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's dashboard")

NEW_PASSWORD = "dash-Board-42"
# A client id that is HTML: the pages must show it as text.
INJECTED_ID = INJECTED % "clientid"


@pytest.fixture(scope="module")
def broker():
    with Broker(http=True, name="dashboard", env={"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled"}) as b:
        yield b


def test_the_dashboard_is_served_at_the_root_and_under_static(broker):
    api = Api(broker)
    index = api.get("/")
    assert index.status == 200 and index.headers["content-type"] == "text/html; charset=utf-8", index
    assert b'src="/static/app.js"' in index.body
    js = api.get("/static/app.js")
    assert js.status == 200 and js.headers["content-type"] == "text/javascript; charset=utf-8", js
    assert api.get("/static/style.css").headers["content-type"] == "text/css; charset=utf-8"
    assert api.get("/static/pages/login.js").status == 200
    missing = api.get("/static/nothing.js")
    assert missing.status == 404 and missing.json()["code"] == "NOT_FOUND", missing
    post = api.post("/", {})
    assert post.status == 405 and post.headers["allow"] == "GET", post
    # The API beside it is unchanged: still a token or a key.
    assert api.get("/api/v5/nodes").status == 401


@pytest.mark.parametrize("path", ["/static/../../CMakeLists.txt", "/static/%2e%2e/%2e%2e/CMakeLists.txt",
                                  "/static/%2E%2E%2F%2E%2E%2FCMakeLists.txt", "/static/..%5c..%5cCMakeLists.txt",
                                  "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/app.js%00.html"])
def test_paths_out_of_the_dashboard_are_400(broker, path):
    r = Api(broker).get(path)
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    assert "inside the dashboard" in r.json()["message"]


def test_a_symlink_out_of_static_dir_is_not_served(tmp_path):
    www = tmp_path / "www"
    (www / "static").mkdir(parents=True)
    (www / "index.html").write_text("<title>own</title>")
    (www / "static" / "ok.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("SECRET")
    os.symlink(tmp_path / "secret.txt", www / "static" / "leak.txt")
    os.symlink(tmp_path, www / "static" / "up")
    with Broker(http=True, name="dashboard-dir", env={"EMQX_DASHBOARD__STATIC_DIR": str(www)}) as b:
        api = Api(b)
        assert api.get("/").body == b"<title>own</title>"
        assert api.get("/static/ok.txt").body == b"inside"
        for path in ("/static/leak.txt", "/static/up/secret.txt"):
            r = api.get(path)
            assert r.status == 404 and b"SECRET" not in r.body, (path, r)
        b.log_line("leak.txt is skipped: it leads out of")


def test_a_static_dir_without_the_dashboard_stops_the_start(tmp_path):
    b = Broker(http=True, name="dashboard-none", env={"EMQX_DASHBOARD__STATIC_DIR": str(tmp_path / "none")})
    with pytest.raises(BrokerError):
        b.start()
    try:
        assert b.exit_code == 1
        assert "dashboard.static_dir: " + str(tmp_path / "none") in b.log()
    finally:
        b.stop()


# What each screenshotted page must show (its rendered text).
EXPECTED = {
    "login": ["emqxd dashboard", "Log in"],
    "change_password": ["Change the default password", "New password"],
    "overview": ["Overview", "Node emqx@", "Connections", "Sessions", "Topics", "Messages per second"],
    "clients": ["Clients", "dash-sub", "dash-watch", INJECTED_ID],
    "client_detail": ["Client dash-sub", "dash/kick/#"],
    "clients_after_kick": ["Kicked dash-sub", "dash-watch"],
    "subscriptions": ["Subscriptions", "dash-watch", "dash/retained/#", INJECTED_ID, "dash/injected"],
    "topics": ["Topics", "dash/retained/#"],
    "retained": ["Retained messages", "dash/retained/1", "kept-for-the-dashboard"],
    "listeners": ["Listeners", "tcp:default", "kicked"],
    "traces": ["Traces", "dash-trace", "Log of dash-trace", "dash/retained/2"],
    "metrics": ["Metrics", "messages.received", "client.connected"],
}


def test_a_browser_logs_in_kicks_a_client_and_sees_every_page(broker, tmp_path):
    mosquitto_pub(broker, "dash/retained/1", "kept-for-the-dashboard", retain=True)
    # MQTT 5: mosquitto_sub exits on the kick's DISCONNECT 0x98 (with 3.1.1 it reconnects).
    kicked = MosquittoSub(broker, "dash/kick/#", protocol=5, client_id="dash-sub").wait_subscribed()
    watch = MosquittoSub(broker, "dash/retained/#", client_id="dash-watch").wait_subscribed()
    injected = Client(broker, client_id=INJECTED_ID)
    assert injected.connect().rc == 0
    injected.subscribe("dash/injected")
    try:
        out = tmp_path / "shots"
        out.mkdir()
        cfg = browser_config(broker, out, tmp_path / "profile", password=NEW_PASSWORD, sub="dash-sub", watch="dash-watch")
        report = run_browser_flow("dashboard_flow.js", cfg)
        check_pages(report, EXPECTED)
        # mosquitto_sub was kicked: it exits, and the broker no longer has it.
        wait_until(lambda: kicked.proc.poll() is not None, 10, what="mosquitto_sub dash-sub to exit")
        assert "dash-sub" not in report["pages"]["clients_after_kick"]["parts"]["#client-list"]
        assert watch.proc.poll() is None
        assert report["overview_charts"] == {"rates": True, "counts": True}
        with zipfile.ZipFile(report["trace_zip"]) as z:
            (name,) = z.namelist()
            assert name.endswith("-dash-trace.log") and b"dash/retained/2" in z.read(name)
    finally:
        kicked.stop()
        watch.stop()
        injected.close()
