#!/usr/bin/env python3
"""Independent generator of the FakeTLS ClientHello vectors in this folder (protocol.md 4.2, 4.3, 4.4, 9.1, 9.2(b)).

Written from protocol.md alone with Python's 'hmac'/'hashlib' and the 'cryptography' package (the HMAC is computed
with both and compared; x25519 key shares are real public keys), sharing no code with the Java engine or with the
perf module's ClientHelloBuilder, so that both are checked against a second implementation.

Deterministic: re-running it rewrites the same file. Not run by the build; run it by hand with
`python3 generate.py`, which writes client-hellos.txt here and the identical copy under
engine/src/test/resources/vectors/faketls/ (the engine's validator tests read that copy).
"""
import hashlib
import hmac
import os
import random

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HERE = os.path.dirname(os.path.abspath(__file__))
ENGINE_COPY = os.path.join(HERE, "..", "..", "..", "..", "..", "..", "engine", "src", "test", "resources", "vectors",
                           "faketls", "client-hellos.txt")

TOLERANCE_S = 5
NOW = 1700000000
MTG_KEY = bytes.fromhex("367a189aee18fa31c190054efd4a8e95")
MTG_HOST = "storage.googleapis.com"

# protocol.md 9.2(b): mtg v2 snapshot ok-19dfe38384b9884b, 517 bytes: this hex then 161 zero bytes of padding.
MTG_OK_HEX = (
    "1603010200010001fc03035ef08f7376806c76e144bbf49149b2e817cf64e1afb2eb1e779fc736c29710fb204add81676b873059f70"
    "76b6b0f58df76da63a0938e83a24178b84573208c0aae0034130313011302c02cc02bc024c023c00ac009cca9c030c02fc028c027c01"
    "4c013cca8009d009c003d003c0035002fc008c012000a0100017fff010001000000001b001900001673746f726167652e676f6f676c"
    "65617069732e636f6d00170000000d0018001604030804040105030203080508050501080606010201000500050100000000337400"
    "000012000000100030002e0268320568322d31360568322d31350568322d313408737064792f332e3106737064792f330868747470"
    "2f312e31000b00020100003300260024001d002007fee82f1f491252002ec2c94bdd47d903725351f4a2c2b02147a556776c2f2200"
    "2d00020101002b0009080304030303020301000a000a0008001d001700180019001500a1")


def be16(n):
    return n.to_bytes(2, "big")


def be24(n):
    return n.to_bytes(3, "big")


def ext(kind, data):
    return be16(kind) + be16(len(data)) + data


def grease(rng):
    """One of the 16 GREASE values 0x?a?a."""
    nibble = rng.randrange(16)
    return (nibble << 12) | 0x0a00 | (nibble << 4) | 0x0a


def x25519_public(rng):
    private = X25519PrivateKey.from_private_bytes(rng.randbytes(32))
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def hmac_sha256(key, message):
    """HMAC-SHA256 computed twice, by two libraries, which must agree."""
    ours = hmac.new(key, message, hashlib.sha256).digest()
    theirs = crypto_hmac.HMAC(key, hashes.SHA256())
    theirs.update(message)
    other = theirs.finalize()
    assert ours == other
    return ours


def hello_body(rng, sni, modern, use_grease):
    """The ClientHello body (after the 4-byte handshake header) with a zero random; returns (body, session_id)."""
    session_id = rng.randbytes(32)
    suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
              0x009d, 0x002f, 0x0035]
    if use_grease:
        suites = [grease(rng)] + suites
    body = b"\x03\x03" + bytes(32) + bytes([len(session_id)]) + session_id
    body += be16(2 * len(suites)) + b"".join(be16(s) for s in suites)
    body += b"\x01\x00"

    middle = []
    if sni is not None:
        name = sni.encode("ascii")
        entry = b"\x00" + be16(len(name)) + name
        middle.append(ext(0x0000, be16(len(entry)) + entry))
    middle.append(ext(0x0017, b""))
    middle.append(ext(0xff01, b"\x00"))
    groups = ([grease(rng)] if use_grease else []) + ([0x11ec] if modern else []) + [0x001d, 0x0017, 0x0018]
    middle.append(ext(0x000a, be16(2 * len(groups)) + b"".join(be16(g) for g in groups)))
    middle.append(ext(0x000b, b"\x01\x00"))
    middle.append(ext(0x0023, b""))
    alpn = b"\x02h2\x08http/1.1"
    middle.append(ext(0x0010, be16(len(alpn)) + alpn))
    middle.append(ext(0x0005, b"\x01\x00\x00\x00\x00"))
    algorithms = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    middle.append(ext(0x000d, be16(2 * len(algorithms)) + b"".join(be16(a) for a in algorithms)))
    middle.append(ext(0x0012, b""))
    shares = b""
    if use_grease:
        shares += be16(grease(rng)) + be16(1) + b"\x00"
    if modern:
        # X25519MLKEM768: 1184-byte ML-KEM encapsulation key then a 32-byte x25519 key; random bytes stand in.
        shares += be16(0x11ec) + be16(1216) + rng.randbytes(1184) + x25519_public(rng)
    shares += be16(0x001d) + be16(32) + x25519_public(rng)
    middle.append(ext(0x0033, be16(len(shares)) + shares))
    middle.append(ext(0x002d, b"\x01\x01"))
    versions = ([grease(rng)] if use_grease else []) + [0x0304, 0x0303]
    middle.append(ext(0x002b, bytes([2 * len(versions)]) + b"".join(be16(v) for v in versions)))
    middle.append(ext(0x001b, b"\x02\x00\x02"))
    if modern:
        payload_length = rng.choice([144, 176, 208, 240])
        ech = b"\x00" + be16(1) + be16(1) + rng.randbytes(1) + be16(32) + rng.randbytes(32)
        ech += be16(payload_length) + rng.randbytes(payload_length)
        middle.append(ext(0xfe0d, ech))
        rng.shuffle(middle)

    extensions = []
    if use_grease:
        extensions.append(ext(grease(rng), b""))
    extensions += middle
    if use_grease:
        extensions.append(ext(grease(rng), b"\x00"))
    joined = b"".join(extensions)
    if not modern:
        # Classic: record length 0x0200, so the handshake body is 508 bytes; a padding extension fills the rest.
        so_far = len(body) + 2 + len(joined)
        padding = 508 - so_far - 4
        assert padding >= 0, "hostname too long for a 517-byte hello"
        joined += ext(0x0015, bytes(padding))
    body += be16(len(joined)) + joined
    return body, session_id


def single_record(body):
    message = b"\x01" + be24(len(body)) + body
    return b"\x16\x03\x01" + be16(len(message)) + message


def fragment(body, sizes):
    """Split the handshake message over records of the given payload sizes (the last one takes the rest)."""
    message = b"\x01" + be24(len(body)) + body
    records = b""
    offset = 0
    for size in sizes + [len(message)]:
        part = message[offset:offset + size]
        if not part:
            break
        records += b"\x16\x03\x01" + be16(len(part)) + part
        offset += len(part)
    assert offset == len(message)
    return records


def sign(key, body, unix_time):
    """protocol.md 4.3 client side: HMAC over the single record with a zero random, last 4 bytes XOR LE32(time)."""
    digest = bytearray(hmac_sha256(key, single_record(body)))
    stamp = (unix_time & 0xffffffff).to_bytes(4, "little")
    for i in range(4):
        digest[28 + i] ^= stamp[i]
    return body[:2] + bytes(digest) + body[34:]


def first_suite(body):
    sid_length = body[34]
    offset = 35 + sid_length
    count = int.from_bytes(body[offset:offset + 2], "big") // 2
    for i in range(count):
        value = int.from_bytes(body[offset + 2 + 2 * i:offset + 4 + 2 * i], "big")
        if (value & 0x0f0f) != 0x0a0a:
            return value
    return None


def embedded_time(key, hello):
    """Verify a single-record hello and return its timestamp, or None on a bad digest."""
    zeroed = bytearray(hello)
    zeroed[11:43] = bytes(32)
    digest = hmac_sha256(key, bytes(zeroed))
    x = bytes(a ^ b for a, b in zip(digest, hello[11:43]))
    if any(x[:28]):
        return None
    return int.from_bytes(x[28:32], "little")


def secret_hex(key, host):
    return "ee" + key.hex() + host.encode("ascii").hex()


def block(name, comment, key, host, now, unix_time, sni, session_id, random_field, suite, fragments, hello, expect):
    lines = ["# " + comment,
             "name=" + name,
             "secret=" + secret_hex(key, host),
             "now=" + str(now),
             "tolerance_s=" + str(TOLERANCE_S),
             "unix_time=" + str(unix_time),
             "sni=" + ("" if sni is None else sni),
             "session_id=" + session_id.hex(),
             "random=" + random_field.hex(),
             "cipher_suite=" + ("%04x" % suite),
             "fragments=" + str(fragments),
             "length=" + str(len(hello)),
             "hello=" + hello.hex(),
             "expect=" + expect]
    return "\n".join(lines)


def made_case(rng, name, comment, key, host, expect, sni="same", modern=False, use_grease=True, skew=0,
              sizes=None, flip=None, sign_key=None):
    sni_value = host if sni == "same" else sni
    body, session_id = hello_body(rng, sni_value, modern, use_grease)
    unix_time = NOW + skew
    signed = sign(sign_key or key, body, unix_time)
    if flip is not None:
        # Offset into the single record; the body starts at record offset 9.
        changed = bytearray(signed)
        changed[flip - 9] ^= 0x01
        signed = bytes(changed)
    hello = single_record(signed) if sizes is None else fragment(signed, sizes)
    fragments = 1 if sizes is None else len(sizes) + 1
    return block(name, comment, key, host, NOW, unix_time, sni_value, session_id, signed[2:34],
                 first_suite(signed), fragments, hello, expect)


def mtg_cases():
    ok = bytes.fromhex(MTG_OK_HEX) + bytes(161)
    assert len(ok) == 517
    stamp = embedded_time(MTG_KEY, ok)
    assert stamp is not None, "mtg snapshot must verify"
    bad = bytearray(ok)
    assert bad[73] == 0x8c and bad[206:208] == b"\x01\x00"
    bad[73] = 0x80
    bad[206:208] = b"\x00\xd0"
    bad = bytes(bad)
    assert embedded_time(MTG_KEY, bad) is None
    cases = []
    for name, hello, expect, comment in (
            ("mtg-ok-19dfe38384b9884b", ok, "ok",
             "protocol.md 9.2(b): mtg v2 snapshot ok-19dfe38384b9884b; embedded time computed here"),
            ("mtg-bad-fa2e46cdb33e2a1b", bad, "bad_digest",
             "protocol.md 9.2(b): the same with byte 73 8c->80 and bytes 206-207 0100->00d0")):
        body = hello[9:]
        cases.append(block(name, comment, MTG_KEY, MTG_HOST, stamp, stamp, MTG_HOST, body[35:67], hello[11:43],
                           first_suite(body), 1, hello, expect))
    return cases, stamp


def main():
    rng = random.Random(0x66616b65746c73)
    other_key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    other_host = "cloak.mtgj.test"
    cases = [
        made_case(rng, "classic-ok", "classic 517-byte hello, GREASE, padding extension", MTG_KEY, MTG_HOST, "ok"),
        made_case(rng, "classic-ok-other-host", "classic hello, another key and host, 4 s behind the proxy clock",
                  other_key, other_host, "ok", skew=-4),
        made_case(rng, "classic-ok-ahead", "classic hello 4 s ahead of the proxy clock", MTG_KEY, MTG_HOST, "ok",
                  skew=4),
        made_case(rng, "classic-ok-no-grease", "classic hello without GREASE values", MTG_KEY, MTG_HOST, "ok",
                  use_grease=False),
        made_case(rng, "modern-ok", "modern hello: X25519MLKEM768 key share, ECH, shuffled extensions, no padding",
                  MTG_KEY, MTG_HOST, "ok", modern=True),
        made_case(rng, "classic-fragmented-ok", "classic hello split over 3 handshake records (100, 200, rest)",
                  MTG_KEY, MTG_HOST, "ok", sizes=[100, 200]),
        made_case(rng, "modern-fragmented-ok", "modern hello split over 2 handshake records (1000, rest)",
                  MTG_KEY, MTG_HOST, "ok", modern=True, sizes=[1000]),
        made_case(rng, "fragmented-random-split-ok", "classic hello split inside the random field (20, rest)",
                  MTG_KEY, MTG_HOST, "ok", sizes=[20]),
        made_case(rng, "classic-bad-digest-body", "classic hello, cipher-suite byte 80 flipped after signing",
                  MTG_KEY, MTG_HOST, "bad_digest", flip=80),
        made_case(rng, "classic-bad-digest-random", "classic hello, random byte 0 flipped after signing",
                  MTG_KEY, MTG_HOST, "bad_digest", flip=11),
        made_case(rng, "modern-bad-digest", "modern hello, byte 600 flipped after signing",
                  MTG_KEY, MTG_HOST, "bad_digest", modern=True, flip=600),
        made_case(rng, "classic-wrong-key", "classic hello signed with another key", MTG_KEY, MTG_HOST, "bad_digest",
                  sign_key=other_key),
        made_case(rng, "classic-bad-sni", "classic hello for another hostname, otherwise valid", MTG_KEY, MTG_HOST,
                  "bad_sni", sni="www.example.com"),
        made_case(rng, "classic-sni-prefix", "SNI is a prefix of the secret's host: exact compare must reject",
                  MTG_KEY, MTG_HOST, "bad_sni", sni="storage.googleapis.co"),
        made_case(rng, "classic-no-sni", "classic hello without a server_name extension", MTG_KEY, MTG_HOST,
                  "bad_sni", sni=None),
        made_case(rng, "classic-stale-past", "classic hello one hour behind the proxy clock", MTG_KEY, MTG_HOST,
                  "stale", skew=-3600),
        made_case(rng, "classic-stale-future", "classic hello one hour ahead of the proxy clock", MTG_KEY, MTG_HOST,
                  "stale", skew=3600),
        made_case(rng, "modern-stale-edge", "modern hello tolerance + 1 s behind the proxy clock", MTG_KEY, MTG_HOST,
                  "stale", modern=True, skew=-(TOLERANCE_S + 1)),
    ]
    fixed, stamp = mtg_cases()
    cases += fixed
    header = "\n".join([
        "# FakeTLS ClientHello vectors (protocol.md 4.2-4.4, 9.1, 9.2(b)).",
        "# generated by perf/src/test/resources/vectors/faketls/generate.py (Python hmac + 'cryptography'),",
        "# independently of the Java code; do not edit. The engine keeps an identical copy.",
        "#",
        "# One case per block, blank line between blocks. Fields:",
        "#   name, secret (hex of the ee secret), now (the proxy clock, unix s), tolerance_s (allowed |now - ts|),",
        "#   unix_time (the time the client embedded), sni (the server name sent, empty when none),",
        "#   session_id, random (the 32 bytes at offset 11 of the reconstructed single record),",
        "#   cipher_suite (first non-GREASE suite), fragments (handshake records), length, hello (the wire bytes),",
        "#   expect: ok | bad_digest | bad_sni (wrong or missing SNI) | stale (|now - ts| > tolerance_s).",
        "# Every non-ok case has exactly one defect, so the check order of protocol.md 4.4 does not matter.",
        "# Fragmented hellos: the HMAC covers 16 03 01 BE16(4+H) 01 BE24(H) body (protocol.md 4.2).",
        "# The mtg v2 snapshot's embedded time, recovered from its digest: %d." % stamp,
    ])
    text = header + "\n\n" + "\n\n".join(cases) + "\n"
    for path in (os.path.join(HERE, "client-hellos.txt"), ENGINE_COPY):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="ascii") as out:
            out.write(text)


if __name__ == "__main__":
    main()
