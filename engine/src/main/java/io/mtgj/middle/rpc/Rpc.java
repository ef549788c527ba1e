package io.mtgj.middle.rpc;

/**
 * Constants of the middle-proxy RPC protocol (protocol.md 7): constructor ids as read little-endian, flags, sizes.
 */
public final class Rpc
{
    /** Nonce exchange. */
    public static final int NONCE = 0x7acb87aa;
    /** Handshake. */
    public static final int HANDSHAKE = 0x7682eef5;
    /** Handshake refused. */
    public static final int HANDSHAKE_ERROR = 0x6a27beda;
    /** A client packet to Telegram. */
    public static final int PROXY_REQ = 0x36cef1ee;
    /** An answer to a client. */
    public static final int PROXY_ANS = 0x4403da0d;
    /** A quick ack for a client. */
    public static final int SIMPLE_ACK = 0x3bac409b;
    /** Telegram closed a client. */
    public static final int CLOSE_EXT = 0x5eb634a2;
    /** A client is gone (both directions). */
    public static final int CLOSE_CONN = 0x1fcf425d;
    /** Keep-alive request. */
    public static final int PING = 0x5730a2df;
    /** Keep-alive answer. */
    public static final int PONG = 0x8430eaa7;
    /** The extra section's ad tag constructor. */
    public static final int PROXY_TAG = 0xdb1e26ae;

    /** PROXY_REQ flag: the packet is not encrypted (its auth_key_id is zero). */
    public static final int FLAG_NOT_ENCRYPTED = 0x2;
    /** PROXY_REQ flag: the extra section carries an ad tag. */
    public static final int FLAG_HAS_AD_TAG = 0x8;
    /** PROXY_REQ flag: from an obfuscated TCP client. */
    public static final int FLAG_MAGIC = 0x1000;
    /** PROXY_REQ flag: obfuscated2 client. */
    public static final int FLAG_EXTMODE2 = 0x20000;
    /** PROXY_REQ flag: padded intermediate client. */
    public static final int FLAG_PADDED = 0x08000000;
    /** PROXY_REQ flag: intermediate framing. */
    public static final int FLAG_INTERMEDIATE = 0x20000000;
    /** PROXY_REQ flag: abridged framing. */
    public static final int FLAG_ABRIDGED = 0x40000000;
    /** PROXY_REQ flag: the client asked for a quick ack. */
    public static final int FLAG_QUICK_ACK = 0x80000000;

    /** Sequence number of the nonce frames. */
    public static final int SEQ_NONCE = -2;
    /** Sequence number of the handshake frames. */
    public static final int SEQ_HANDSHAKE = -1;
    /** Payload length of nonce and handshake messages. */
    public static final int HELLO_PAYLOAD_LENGTH = 32;
    /** AES schema in the nonce. */
    public static final int CRYPTO_SCHEMA_AES = 1;
    /** Sender and peer PID we use in the handshake (protocol.md 7.6). */
    public static final byte[] PID = "IPIPPRPDTIME".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Length of the PROXY_REQ header before the client's packet, with a 16-byte ad tag. */
    public static final int PROXY_REQ_HEADER_LENGTH = 84;
    /** Length of the PROXY_ANS header before the payload. */
    public static final int PROXY_ANS_HEADER_LENGTH = 16;
    /** Largest frame we accept (protocol.md 7.3: 2^24). */
    public static final int MAX_FRAME_LENGTH = 1 << 24;

    private Rpc()
    {
    }
}
