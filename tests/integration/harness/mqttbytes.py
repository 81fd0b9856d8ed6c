"""A small, independent MQTT encoder/decoder for byte-exact protocol tests.

Written from the MQTT 3.1.1 and 5.0 specifications, not from the broker's
codec, so that a bug shared by both cannot hide. Only what the tests need.
"""
import struct

# Packet types
CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = 8, 9, 10, 11, 12, 13, 14, 15

NAMES = {1: "CONNECT", 2: "CONNACK", 3: "PUBLISH", 4: "PUBACK", 5: "PUBREC", 6: "PUBREL", 7: "PUBCOMP",
         8: "SUBSCRIBE", 9: "SUBACK", 10: "UNSUBSCRIBE", 11: "UNSUBACK", 12: "PINGREQ", 13: "PINGRESP",
         14: "DISCONNECT", 15: "AUTH"}

# MQTT 5 properties: id -> (name, type). Types: byte, u16, u32, varint, str, bin, pair
PROPS = {
    0x01: ("payload_format_indicator", "byte"),
    0x02: ("message_expiry_interval", "u32"),
    0x03: ("content_type", "str"),
    0x08: ("response_topic", "str"),
    0x09: ("correlation_data", "bin"),
    0x0B: ("subscription_identifier", "varint"),
    0x11: ("session_expiry_interval", "u32"),
    0x12: ("assigned_client_identifier", "str"),
    0x13: ("server_keep_alive", "u16"),
    0x15: ("authentication_method", "str"),
    0x16: ("authentication_data", "bin"),
    0x17: ("request_problem_information", "byte"),
    0x18: ("will_delay_interval", "u32"),
    0x19: ("request_response_information", "byte"),
    0x1A: ("response_information", "str"),
    0x1C: ("server_reference", "str"),
    0x1F: ("reason_string", "str"),
    0x21: ("receive_maximum", "u16"),
    0x22: ("topic_alias_maximum", "u16"),
    0x23: ("topic_alias", "u16"),
    0x24: ("maximum_qos", "byte"),
    0x25: ("retain_available", "byte"),
    0x26: ("user_property", "pair"),
    0x27: ("maximum_packet_size", "u32"),
    0x28: ("wildcard_subscription_available", "byte"),
    0x29: ("subscription_identifier_available", "byte"),
    0x2A: ("shared_subscription_available", "byte"),
}
PROP_IDS = {name: (pid, typ) for pid, (name, typ) in PROPS.items()}
MULTI = {"user_property", "subscription_identifier"}


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        if n:
            b |= 0x80
        out.append(b)
        if not n:
            return bytes(out)


def mqtt_str(s):
    if isinstance(s, str):
        s = s.encode()
    return struct.pack("!H", len(s)) + s


def encode_props(props):
    """props: dict name -> value (lists for user_property pairs / subscription ids)."""
    if props is None:
        return b""
    body = bytearray()
    for name, value in props.items():
        pid, typ = PROP_IDS[name]
        values = value if (name in MULTI and isinstance(value, list)) else [value]
        for v in values:
            body += varint(pid)
            if typ == "byte":
                body += bytes([v])
            elif typ == "u16":
                body += struct.pack("!H", v)
            elif typ == "u32":
                body += struct.pack("!I", v)
            elif typ == "varint":
                body += varint(v)
            elif typ in ("str", "bin"):
                body += mqtt_str(v)
            elif typ == "pair":
                body += mqtt_str(v[0]) + mqtt_str(v[1])
    return varint(len(body)) + bytes(body)


def packet(ptype, flags, body):
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def connect(client_id="", version=4, clean=True, keepalive=60, props=None, will=None, username=None,
            password=None, proto_name=None):
    """will: dict(topic=, payload=, qos=0, retain=False, props=None)."""
    if proto_name is None:
        proto_name = "MQIsdp" if version == 3 else "MQTT"
    flags = 0x02 if clean else 0
    if will:
        flags |= 0x04 | (will.get("qos", 0) << 3) | (0x20 if will.get("retain") else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = mqtt_str(proto_name) + bytes([version, flags]) + struct.pack("!H", keepalive)
    if version == 5:
        body += encode_props(props or {})
    body += mqtt_str(client_id)
    if will:
        if version == 5:
            body += encode_props(will.get("props") or {})
        body += mqtt_str(will["topic"]) + mqtt_str(will.get("payload", b""))
    if username is not None:
        body += mqtt_str(username)
    if password is not None:
        body += mqtt_str(password)
    return packet(CONNECT, 0, body)


def publish(topic, payload=b"", qos=0, retain=False, dup=False, pid=None, version=4, props=None):
    if isinstance(payload, str):
        payload = payload.encode()
    flags = (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    body = mqtt_str(topic)
    if qos > 0:
        body += struct.pack("!H", pid)
    if version == 5:
        body += encode_props(props or {})
    return packet(PUBLISH, flags, body + payload)


def subscribe(pid, filters, version=4, props=None):
    """filters: list of (filter, options_byte)."""
    body = struct.pack("!H", pid)
    if version == 5:
        body += encode_props(props or {})
    for f, opts in filters:
        body += mqtt_str(f) + bytes([opts])
    return packet(SUBSCRIBE, 0x02, body)


def ack(ptype, pid, version=4, rc=None, props=None):
    """PUBACK/PUBREC/PUBREL/PUBCOMP."""
    flags = 0x02 if ptype == PUBREL else 0
    body = struct.pack("!H", pid)
    if version == 5 and (rc is not None or props):
        body += bytes([rc or 0])
        if props:
            body += encode_props(props)
    return packet(ptype, flags, body)


def disconnect(version=4, rc=None, props=None):
    if version == 5 and (rc is not None or props):
        body = bytes([rc or 0]) + (encode_props(props) if props else b"")
        return packet(DISCONNECT, 0, body)
    return b"\xe0\x00"


PINGREQ_BYTES = b"\xc0\x00"


class Packet:
    """A decoded packet. Fields depend on the type; `raw` holds the exact bytes."""

    def __init__(self, ptype, flags, body, raw):
        self.type = ptype
        self.flags = flags
        self.body = body
        self.raw = raw
        self.props = {}
        self.rc = None
        self.pid = None
        self.topic = None
        self.payload = None
        self.qos = (flags >> 1) & 3
        self.dup = bool(flags & 0x08)
        self.retain = bool(flags & 0x01)
        self.session_present = None
        self.reason_codes = None

    @property
    def name(self):
        return NAMES.get(self.type, str(self.type))

    def __repr__(self):
        return "<%s flags=%#x rc=%s pid=%s topic=%r props=%r payload=%r raw=%s>" % (
            self.name, self.flags, self.rc, self.pid, self.topic, self.props,
            self.payload if self.payload is None or len(self.payload) < 64 else self.payload[:64] + b"...",
            self.raw[:48].hex())


def decode_varint(buf, pos):
    mult, value = 1, 0
    for i in range(4):
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        value += (b & 0x7F) * mult
        if not b & 0x80:
            return value, pos
        mult *= 128
    raise ValueError("varint longer than 4 bytes")


def decode_props(buf, pos):
    length, pos = decode_varint(buf, pos)
    end = pos + length
    props = {}
    while pos < end:
        pid, pos = decode_varint(buf, pos)
        name, typ = PROPS[pid]
        if typ == "byte":
            v = buf[pos]
            pos += 1
        elif typ == "u16":
            (v,) = struct.unpack_from("!H", buf, pos)
            pos += 2
        elif typ == "u32":
            (v,) = struct.unpack_from("!I", buf, pos)
            pos += 4
        elif typ == "varint":
            v, pos = decode_varint(buf, pos)
        elif typ in ("str", "bin"):
            (n,) = struct.unpack_from("!H", buf, pos)
            v = bytes(buf[pos + 2:pos + 2 + n])
            if typ == "str":
                v = v.decode()
            pos += 2 + n
        else:
            (n,) = struct.unpack_from("!H", buf, pos)
            k = bytes(buf[pos + 2:pos + 2 + n]).decode()
            pos += 2 + n
            (m,) = struct.unpack_from("!H", buf, pos)
            val = bytes(buf[pos + 2:pos + 2 + m]).decode()
            pos += 2 + m
            v = (k, val)
        if name in MULTI:
            props.setdefault(name, []).append(v)
        else:
            props[name] = v
    if pos != end:
        raise ValueError("property length mismatch")
    return props, end


def decode(ptype, flags, body, raw, version):
    p = Packet(ptype, flags, body, raw)
    if ptype == CONNACK:
        p.session_present = bool(body[0] & 1)
        p.rc = body[1]
        if version == 5 and len(body) > 2:
            p.props, _ = decode_props(body, 2)
    elif ptype == PUBLISH:
        (n,) = struct.unpack_from("!H", body, 0)
        p.topic = bytes(body[2:2 + n]).decode()
        pos = 2 + n
        if p.qos > 0:
            (p.pid,) = struct.unpack_from("!H", body, pos)
            pos += 2
        if version == 5:
            p.props, pos = decode_props(body, pos)
        p.payload = bytes(body[pos:])
    elif ptype in (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, SUBACK):
        (p.pid,) = struct.unpack_from("!H", body, 0)
        pos = 2
        if ptype in (SUBACK, UNSUBACK):
            if version == 5:
                p.props, pos = decode_props(body, pos)
            p.reason_codes = list(body[pos:])
        else:
            p.rc = body[2] if len(body) > 2 else 0
            if version == 5 and len(body) > 3:
                p.props, _ = decode_props(body, 3)
    elif ptype == DISCONNECT:
        p.rc = body[0] if len(body) > 0 else 0
        if len(body) > 1:
            p.props, _ = decode_props(body, 1)
    return p
