"""`emqxctl license info|reload|update` and what a license does to new connections (the FAQ).

The daemon verifies licenses with a built-in Ed25519 public key; these tests
make their own key pair with `openssl genpkey -algorithm ed25519` and point
license.public_key_file at its public half. `make_license` below is the small
signing tool: the file format is in emqxd/license/license.h.
"""
import base64
import datetime
import json
import os
import subprocess

import pytest

from harness import Client, wait_until
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl, shutdown_counts  # noqa: F401


def make_key(directory, name="key"):
    key = os.path.join(directory, name + ".pem")
    pub = os.path.join(directory, name + ".pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
    return key, pub


def make_license(directory, key, name="emqx.lic", tamper=False, **fields):
    payload = {"customer": "Acme", "customer_type": "standard", "email": "ops@acme.example",
               "max_connections": 100, "issued_at": "2024-01-01", "expiry_at": "2099-12-31"}
    payload.update(fields)
    payload = {k: v for k, v in payload.items() if v is not None}
    text = json.dumps(payload)
    msg = os.path.join(directory, name + ".payload")
    with open(msg, "w") as f:
        f.write(text)
    sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", msg], check=True,
                         capture_output=True).stdout
    if tamper:
        text = text.replace("100", "999")
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        json.dump({"license": text, "signature": base64.b64encode(sig).decode()}, f)
    return path


def days_ago(n):
    return (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def keys(tmp_path):
    return make_key(str(tmp_path))


@pytest.fixture
def lic_broker(make_broker, keys):
    return make_broker(env={"EMQX_LICENSE__PUBLIC_KEY_FILE": keys[1]})


def test_community_license_by_default(broker):
    info = ctl_json(broker, "license", "info")
    assert info["edition"] == "community" and info["max_connections"] == "unlimited"
    assert info["expiry_at"] is None and info["expired"] is False
    out = ctl(broker, "license", "info")
    assert "edition         : community\n" in out and "max_connections : unlimited\n" in out
    for i in range(5):
        Client(broker, "comm-%d" % i, protocol=4).connect()


def test_reload_valid_license_installs_it_with_a_backup(lic_broker, keys, tmp_path):
    broker = lic_broker
    first = make_license(str(tmp_path), keys[0], name="first.lic", customer="First Co")
    out = ctl(broker, "license", "reload", first)
    assert out.startswith("ok\n") and "customer        : First Co\n" in out
    info = ctl_json(broker, "license", "info")
    assert info["edition"] == "enterprise" and info["customer"] == "First Co"
    assert info["customer_type"] == "standard" and info["max_connections"] == 100
    assert info["issued_at"] == "2024-01-01" and info["expiry_at"] == "2099-12-31" and info["expired"] is False
    assert info["days_left"] > 20000
    installed = os.path.join(broker.tmpdir, "data", "license", "emqx.lic")
    assert info["file"] == installed
    assert open(installed).read() == open(first).read()
    # A relative path is taken from emqxctl's working directory.
    second = make_license(str(tmp_path), keys[0], name="second.lic", customer="Second Co", max_connections=7)
    p = subprocess.run([run_ctl.__globals__["emqxctl_bin"](), "--socket",
                        os.path.join(broker.tmpdir, "data", "emqxd.sock"), "--json", "license", "reload",
                        "second.lic"], capture_output=True, text=True, cwd=str(tmp_path), timeout=20)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["customer"] == "Second Co"
    assert open(installed).read() == open(second).read()
    assert open(installed + ".bak").read() == open(first).read(), "the old license is kept as a backup"
    # Reload without a path re-reads the installed file.
    assert ctl_json(broker, "license", "reload")["max_connections"] == 7


def test_bad_licenses_are_refused_and_the_old_one_stays(lic_broker, keys, tmp_path):
    broker = lic_broker
    good = make_license(str(tmp_path), keys[0], name="good.lic", customer="Good")
    ctl(broker, "license", "reload", good)
    other_key, _ = make_key(str(tmp_path), "other")
    cases = [
        (make_license(str(tmp_path), other_key, name="other.lic"), "invalid license signature"),
        (make_license(str(tmp_path), keys[0], name="tampered.lic", tamper=True), "invalid license signature"),
        (make_license(str(tmp_path), keys[0], name="nocust.lic", customer=None), "missing field customer"),
        (make_license(str(tmp_path), keys[0], name="baddate.lic", expiry_at="2025-13-01"), "expiry_at is not a"),
        (make_license(str(tmp_path), keys[0], name="zero.lic", max_connections=0), "max_connections"),
        (make_license(str(tmp_path), keys[0], name="order.lic", issued_at="2030-01-01", expiry_at="2029-01-01"),
         "before issued_at"),
        (str(tmp_path / "missing.lic"), "cannot read license file"),
    ]
    junk = tmp_path / "junk.lic"
    junk.write_text("not json")
    cases.append((str(junk), "not a JSON object"))
    for path, why in cases:
        p = run_ctl(broker, "license", "reload", path)
        assert p.returncode == 1, (path, p.stdout, p.stderr)
        assert "Failed to reload license: " in p.stderr and why in p.stderr, (path, p.stderr)
    assert ctl_json(broker, "license", "info")["customer"] == "Good"
    installed = os.path.join(broker.tmpdir, "data", "license", "emqx.lic")
    assert open(installed).read() == open(good).read()


@pytest.mark.parametrize("ctype", ["trial", "small"])
def test_expired_trial_or_small_license_refuses_new_connections_only(lic_broker, keys, tmp_path, ctype):
    broker = lic_broker
    old = Client(broker, "before-expiry", protocol=5)
    old.connect()
    old.subscribe("exp/t", 0)
    lic = make_license(str(tmp_path), keys[0], customer_type=ctype, issued_at=days_ago(40), expiry_at=days_ago(2))
    info = ctl_json(broker, "license", "reload", lic, "--force")
    assert info["expired"] is True and info["days_left"] < 0
    # New connections are refused: 0x97 for MQTT 5, 0x05 for 3.1.1.
    Client(broker, "new-v5", protocol=5).connect(expect_rc=0x97)
    Client(broker, "new-v4", protocol=4).connect(expect_rc=5)
    # The existing connection stays and works.
    pub = old
    pub.publish("exp/t", b"still here", 0)
    assert pub.wait_message().payload == b"still here"
    assert ctl_json(broker, "license", "info")["refused_connections"] == {"expired": 2, "max_connections": 0}
    wait_until(lambda: shutdown_counts(broker).get("quota_exceeded") == 2, 5, what="quota_exceeded counted")


def test_expired_standard_license_still_admits(lic_broker, keys, tmp_path):
    broker = lic_broker
    lic = make_license(str(tmp_path), keys[0], customer_type="standard", issued_at=days_ago(40),
                       expiry_at=days_ago(2))
    assert ctl_json(broker, "license", "reload", lic)["expired"] is True
    Client(broker, "std-1", protocol=5).connect()
    Client(broker, "std-2", protocol=4).connect()
    assert ctl_json(broker, "license", "info")["refused_connections"]["expired"] == 0


def test_max_connections_is_enforced(lic_broker, keys, tmp_path):
    broker = lic_broker
    wait_until(lambda: ctl_json(broker, "broker", "stats")["connections.count"] == 0, 5)
    lic = make_license(str(tmp_path), keys[0], customer_type="standard", max_connections=2)
    ctl(broker, "license", "reload", lic)
    a = Client(broker, "mc-1", protocol=5)
    a.connect()
    Client(broker, "mc-2", protocol=4).connect()
    Client(broker, "mc-3", protocol=5).connect(expect_rc=0x97)
    Client(broker, "mc-4", protocol=4).connect(expect_rc=5)
    assert ctl_json(broker, "license", "info")["refused_connections"]["max_connections"] == 2
    # Once one leaves, a new one fits.
    a.disconnect()
    wait_until(lambda: ctl_json(broker, "broker", "stats")["connections.count"] == 1, 5)
    Client(broker, "mc-5", protocol=5).connect()


def test_expired_license_warns_at_start_and_bad_one_fails_start(make_broker, keys, tmp_path):
    lic_dir = tmp_path / "lic"
    lic_dir.mkdir()
    lic = make_license(str(lic_dir), keys[0], customer_type="trial", issued_at=days_ago(10), expiry_at=days_ago(1))
    broker = make_broker(env={"EMQX_LICENSE__PUBLIC_KEY_FILE": keys[1], "EMQX_LICENSE__FILE": lic})
    wait_until(lambda: "expired on %s" % days_ago(1) in broker.log(), 5, what="expiry warning")
    assert ctl_json(broker, "license", "info")["expired"] is True
    Client(broker, "late", protocol=5).connect(expect_rc=0x97)
    other_key, _ = make_key(str(tmp_path), "other")
    bad = make_license(str(lic_dir), other_key, name="bad.lic")
    with pytest.raises(AssertionError) as e:
        make_broker(env={"EMQX_LICENSE__PUBLIC_KEY_FILE": keys[1], "EMQX_LICENSE__FILE": bad})
    assert "invalid license signature" in str(e.value)


def emqx_info_lines(out):
    """`license info` as EMQX prints it: `~-16s: ~s` lines, EMQX's keys first."""
    return [(line[:16].rstrip(), line[18:]) for line in out.splitlines()[:9]]


def test_info_prints_emqx_keys_first(lic_broker, keys, tmp_path):
    broker = lic_broker
    lic = make_license(str(tmp_path), keys[0], customer_type="small", deployment="plant-7", max_connections=50)
    ctl(broker, "license", "reload", lic)
    out = ctl(broker, "license", "info")
    assert emqx_info_lines(out) == [
        ("customer", "Acme"), ("email", "ops@acme.example"), ("deployment", "plant-7"), ("max_connections", "50"),
        ("start_at", "2024-01-01"), ("expiry_at", "2099-12-31"), ("type", "official"), ("customer_type", "small"),
        ("expiry", "false")]
    ours = [line.split(":", 1)[0].rstrip() for line in out.splitlines()[9:]]
    assert ours == ["edition", "days_left", "file", "refused_connections"], out
    info = ctl_json(broker, "license", "info")
    assert info["start_at"] == info["issued_at"] == "2024-01-01" and info["expiry"] is False
    # A trial license is EMQX's type trial; without a deployment, "default".
    ctl(broker, "license", "reload", make_license(str(tmp_path), keys[0], name="t.lic", customer_type="trial"))
    assert dict(emqx_info_lines(ctl(broker, "license", "info")))["type"] == "trial"
    assert ctl_json(broker, "license", "info")["deployment"] == "default"


def test_update_takes_the_license_or_a_file_url(lic_broker, keys, tmp_path):
    broker = lic_broker
    installed = os.path.join(broker.tmpdir, "data", "license", "emqx.lic")
    lic = make_license(str(tmp_path), keys[0], customer="Key Co")
    with open(lic) as f:
        key = f.read()
    # EMQX 5: `license update '<License>'` prints "ok".
    assert ctl(broker, "license", "update", key) == "ok\n"
    assert ctl_json(broker, "license", "info")["customer"] == "Key Co"
    assert open(installed).read() == key
    # ... or `license update 'file:///path/emqx.lic'`.
    other = make_license(str(tmp_path), keys[0], name="other.lic", customer="File Co", max_connections=9)
    assert ctl_json(broker, "license", "update", "file://" + other)["customer"] == "File Co"
    assert open(installed).read() == open(other).read()
    assert open(installed + ".bak").read() == key
    # A bad one: EMQX's "Error: ...", exit 1, the old license stays.
    for bad, why in (("not a license", "not a JSON object"), ("file://other.lic", "absolute path"),
                     ("file://" + str(tmp_path / "none.lic"), "cannot read license file")):
        p = run_ctl(broker, "license", "update", bad)
        assert p.returncode == 1 and p.stderr.startswith("Error: ") and why in p.stderr, (bad, p.stderr)
    assert ctl_json(broker, "license", "info")["customer"] == "File Co"


@pytest.mark.parametrize("verb", ["reload", "update"])
@pytest.mark.parametrize("ctype", ["trial", "small"])
def test_expired_trial_or_small_license_is_refused_unless_forced(lic_broker, keys, tmp_path, ctype, verb):
    broker = lic_broker
    good = make_license(str(tmp_path), keys[0], name="good.lic", customer="Good", customer_type=ctype)
    ctl(broker, "license", "reload", good)
    expired = make_license(str(tmp_path), keys[0], name="expired.lic", customer="Late", customer_type=ctype,
                           issued_at=days_ago(40), expiry_at=days_ago(2))
    source = expired if verb == "reload" else "file://" + expired
    p = run_ctl(broker, "license", verb, source)
    assert p.returncode == 1, p
    assert "expired on %s" % days_ago(2) in p.stderr and "refuse every new MQTT connection" in p.stderr, p.stderr
    assert "the license in force stays" in p.stderr and "--force" in p.stderr
    # The old license stays in force, and on disk; new clients still connect.
    info = ctl_json(broker, "license", "info")
    assert info["customer"] == "Good" and info["expired"] is False
    installed = os.path.join(broker.tmpdir, "data", "license", "emqx.lic")
    assert open(installed).read() == open(good).read()
    Client(broker, "still-admitted", protocol=5).connect()
    # --force applies it: EMQX's expiry warning, then ok; new clients are refused.
    out = ctl(broker, "license", verb, source, "--force")
    assert "\nLicense has been expired for 2 days.\n" in out and "\nok\n" in out, out
    assert ctl_json(broker, "license", "info")["customer"] == "Late"
    Client(broker, "refused", protocol=5).connect(expect_rc=0x97)


def test_expired_standard_license_is_applied_with_emqx_warning(lic_broker, keys, tmp_path):
    broker = lic_broker
    lic = make_license(str(tmp_path), keys[0], customer_type="standard", issued_at=days_ago(40),
                       expiry_at=days_ago(3))
    with open(lic) as f:
        out = ctl(broker, "license", "update", f.read())
    rule = "=" * 72
    assert out == "\n%s\nLicense has been expired for 3 days.\n%s\nok\n" % (rule, rule), out
    assert ctl_json(broker, "license", "info")["expiry"] is True
    Client(broker, "std-late", protocol=5).connect()
