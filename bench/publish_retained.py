#!/usr/bin/env python3
"""Publishes N retained messages on N topics (PREFIX/0 .. PREFIX/N-1), QoS 0,
MQTT 3.1.1 over one loopback connection, then waits for a PINGRESP (the broker
has processed them all). Standard library only; bounded by --timeout.

  bench/publish_retained.py PORT N [--prefix t] [--size 64] [--timeout 60]
"""
import argparse
import socket
import sys
import time


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mqtt_str(s):
    b = s.encode()
    return len(b).to_bytes(2, "big") + b


def packet(first, body):
    return bytes([first]) + varint(len(body)) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--prefix", default="t")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    s = socket.create_connection(("127.0.0.1", a.port), timeout=a.timeout)
    s.sendall(packet(0x10, mqtt_str("MQTT") + bytes([4, 0x02, 0, 60]) + mqtt_str("retained-loader")))
    if s.recv(4)[:1] != b"\x20":
        sys.exit("no CONNACK")
    payload = b"r" * a.size
    t0 = time.monotonic()
    batch = bytearray()
    for i in range(a.count):
        batch += packet(0x31, mqtt_str("%s/%d" % (a.prefix, i)) + payload)
        if len(batch) > 256 * 1024:
            s.sendall(batch)
            batch.clear()
    s.sendall(bytes(batch) + b"\xc0\x00")
    buf = b""
    while not buf.endswith(b"\xd0\x00"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("connection closed")
        buf += chunk
    print('{"retained_published": %d, "seconds": %.3f}' % (a.count, time.monotonic() - t0))
    s.close()


if __name__ == "__main__":
    main()
