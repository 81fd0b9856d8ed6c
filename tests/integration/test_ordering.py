"""Order across workers: each subscriber sees each publisher's messages in the order sent,
at every QoS, with publishers and subscribers spread over two worker threads."""
import threading

import pytest

from harness import Client

PUBLISHERS = 4
SUBSCRIBERS = 6
PER_PUBLISHER = 300


def publish_in_threads(pubs, topic_pattern, count, qos, errors):
    """Each publisher i, on a thread of its own, publishes b"i:0" .. b"i:<count-1>"
    to topic_pattern % i and waits for the acknowledgements; failures land in
    `errors`. Returns the started threads."""
    def run(idx, p):
        try:
            mids = [p.publish(topic_pattern % idx, b"%d:%d" % (idx, n), qos, wait=False) for n in range(count)]
            p._wait(lambda: set(mids) <= p.published, 30, "all publishes acknowledged")
        except Exception as e:  # reported by the caller
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(pubs)]
    for t in threads:
        t.start()
    return threads


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_per_publisher_order_across_workers(make_broker, qos):
    # the mqueue must hold the whole backlog of a slow (Python) subscriber: overflow drops by design
    b = make_broker(env={"EMQX_NODE__WORKERS": "2", "EMQX_MQTT__MAX_MQUEUE_LEN": "100000"})
    subs = []
    for i in range(SUBSCRIBERS):
        s = Client(b, "osub%d" % i, protocol=5 if i % 2 else 4)
        s.connect()
        s.subscribe("ord/#", qos)
        subs.append(s)
    pubs = []
    for i in range(PUBLISHERS):
        p = Client(b, "opub%d" % i, protocol=4 if i % 2 else 5)
        p.connect()
        pubs.append(p)

    errors = []
    threads = publish_in_threads(pubs, "ord/p%d", PER_PUBLISHER, qos, errors)
    for t in threads:
        t.join(60)
    assert not errors, errors

    total = PUBLISHERS * PER_PUBLISHER
    for s in subs:
        msgs = s.wait_messages(total, timeout=30)
        seqs = {i: [] for i in range(PUBLISHERS)}
        for m in msgs:
            idx, n = (int(x) for x in m.payload.split(b":"))
            assert m.topic == "ord/p%d" % idx
            seqs[idx].append(n)
        for idx, seq in seqs.items():
            assert seq == list(range(PER_PUBLISHER)), \
                "%s: publisher %d out of order or incomplete: first mismatch at %s" % (
                    s.client_id, idx, next((k for k, v in enumerate(seq) if v != k), len(seq)))
        s.expect_no_message(0.1)
