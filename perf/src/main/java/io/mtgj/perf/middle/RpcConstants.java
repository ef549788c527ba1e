package io.mtgj.perf.middle;

/**
 * Wire constants of the middle-proxy RPC channel (protocol.md 7.3 to 7.7). TL constructor ids are given as numbers;
 * on the wire they are little-endian.
 */
public final class RpcConstants
{
    /** Nonce exchange, plaintext (7.4). */
    public static final int RPC_NONCE = 0x7acb87aa;
    /** Handshake, the first encrypted frame (7.6). */
    public static final int RPC_HANDSHAKE = 0x7682eef5;
    /** Handshake failure (7.6). */
    public static final int RPC_HANDSHAKE_ERROR = 0x6a27beda;
    /** Proxy to ME: one client packet (7.7). */
    public static final int RPC_PROXY_REQ = 0x36cef1ee;
    /** ME to proxy: an answer for one client (7.7). */
    public static final int RPC_PROXY_ANS = 0x4403da0d;
    /** ME to proxy: a quick ack for one client (7.7). */
    public static final int RPC_SIMPLE_ACK = 0x3bac409b;
    /** ME to proxy: close one client (7.7). */
    public static final int RPC_CLOSE_EXT = 0x5eb634a2;
    /** Proxy to ME: a client went away (7.7). */
    public static final int RPC_CLOSE_CONN = 0x1fcf425d;
    /** Keep-alive request, either direction (7.7). */
    public static final int RPC_PING = 0x5730a2df;
    /** Keep-alive answer (7.7). */
    public static final int RPC_PONG = 0x8430eaa7;
    /** Extra section item carrying the ad tag (7.7). */
    public static final int TL_PROXY_TAG = 0xdb1e26ae;

    /** Crypto schema in the nonce: AES (7.4). */
    public static final int CRYPTO_SCHEMA_AES = 1;

    /** PROXY_REQ flag: the packet is not encrypted (its auth_key_id, the first 8 bytes, is zero). */
    public static final int FLAG_NOT_ENCRYPTED = 0x00000002;
    /** PROXY_REQ flag: HTTP query info in extra (not used by TCP proxies). */
    public static final int FLAG_HTTP_QUERY = 0x00000004;
    /** PROXY_REQ flag: an extra section with the proxy (ad) tag follows the addresses. */
    public static final int FLAG_HAS_AD_TAG = 0x00000008;
    /** PROXY_REQ flag: the request came from an obfuscated TCP client. */
    public static final int FLAG_MAGIC = 0x00001000;
    /** PROXY_REQ flag: obfuscated2 client (EXTMODE2). */
    public static final int FLAG_EXTMODE2 = 0x00020000;
    /** PROXY_REQ flag: padded intermediate ({@code dd}) client; never sent by the official proxy. */
    public static final int FLAG_PADDED = 0x08000000;
    /** PROXY_REQ flag: intermediate framing ({@code ee} and {@code dd}). */
    public static final int FLAG_INTERMEDIATE = 0x20000000;
    /** PROXY_REQ flag: abridged framing ({@code ef}). */
    public static final int FLAG_ABRIDGED = 0x40000000;
    /** PROXY_REQ flag: the client asked for a quick ack of this packet. */
    public static final int FLAG_QUICK_ACK = 0x80000000;

    /** Sequence number of the nonce frame, each direction. */
    public static final int SEQ_NONCE = -2;
    /** Sequence number of the handshake frame, each direction. */
    public static final int SEQ_HANDSHAKE = -1;

    /** Payload length of a nonce message. */
    public static final int NONCE_LENGTH = 32;
    /** Length of each nonce value inside it. */
    public static final int NONCE_VALUE_LENGTH = 16;
    /** Payload length of a handshake message. */
    public static final int HANDSHAKE_LENGTH = 32;
    /** The PID that mtg, mtprotoproxy and the Erlang proxy send, as ASCII: sender and expected peer (7.6). */
    public static final String PLACEHOLDER_PID = "IPIPPRPDTIME";
    /** Length of a process id (PID) in the handshake. */
    public static final int PID_LENGTH = 12;
    /**
     * Handshake flag of the official C proxy ({@code RPCF_USE_CRC32C}): it asks for CRC32-C frame checksums, and
     * keeps CRC32 unless the answer carries the flag too.
     */
    public static final int HANDSHAKE_FLAG_CRC32C = 0x00000800;
    /** Length of a connection id. */
    public static final int CONN_ID_LENGTH = 8;
    /** Length of a ping id. */
    public static final int PING_ID_LENGTH = 8;
    /** Offset of the packet in a PROXY_ANS message. */
    public static final int PROXY_ANS_HEADER_LENGTH = 16;
    /** Length of a SIMPLE_ACK message. */
    public static final int SIMPLE_ACK_LENGTH = 16;

    private RpcConstants()
    {
    }
}
