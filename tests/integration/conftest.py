"""Fixtures shared by the integration tests.

`broker`: a default broker for the test. `make_broker(env=..., config=...)`: a
broker with overrides. Every broker is stopped with SIGTERM at teardown, and
its full log is attached to the report of a failed test.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from harness import Broker  # noqa: E402
from harness import clients as _clients  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for b in getattr(item, "_brokers", []):
            rep.sections.append(("%s log (port %s)" % (b.name, b.port), b.log()))


@pytest.fixture
def make_broker(request):
    started = []
    request.node._brokers = started

    def make(env=None, config=None, args=None, name=None, data_dir=None, http=False):
        """data_dir: start on this node.data_dir (kept at stop): a later broker
        started with the same data_dir finds what this one stored. http: the
        HTTP API on a free port (broker.http_port)."""
        b = Broker(env=env, config=config, args=args, name=name or "broker%d" % len(started), data_dir=data_dir,
                   http=http)
        started.append(b)
        b.start()
        return b

    yield make
    _clients.close_all()
    errors = []
    for b in started:
        try:
            b.stop()
        except AssertionError as e:
            errors.append(str(e))
    if errors:
        pytest.fail("\n".join(errors))


@pytest.fixture
def broker(make_broker):
    return make_broker()
