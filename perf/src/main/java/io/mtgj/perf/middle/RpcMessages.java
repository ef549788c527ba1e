package io.mtgj.perf.middle;

/**
 * Builders for the RPC messages an ME sends, plus the nonce and handshake both sides send (protocol.md 7.4, 7.6,
 * 7.7). Each returns the frame payload, ready for {@link RpcFrameWriter}.
 */
public final class RpcMessages
{
    private RpcMessages()
    {
    }

    /**
     * @param keySelector first 4 bytes of the proxy secret, as a little-endian integer.
     * @param cryptoTs    unix time mod 2^32.
     * @param nonce       16 random bytes.
     * @return {@code RPC_NONCE, key selector, schema 1, crypto_ts, nonce}: 32 bytes.
     */
    public static byte[] nonce(final int keySelector, final int cryptoTs, final byte[] nonce)
    {
        final byte[] message = new byte[RpcConstants.NONCE_LENGTH];
        LittleEndian.putInt(message, 0, RpcConstants.RPC_NONCE);
        LittleEndian.putInt(message, 4, keySelector);
        LittleEndian.putInt(message, 8, RpcConstants.CRYPTO_SCHEMA_AES);
        LittleEndian.putInt(message, 12, cryptoTs);
        System.arraycopy(nonce, 0, message, 16, RpcConstants.NONCE_VALUE_LENGTH);
        return message;
    }

    /**
     * @param senderPid 12 bytes: the sender's own PID.
     * @param peerPid   12 bytes: the PID the sender believes the peer has.
     * @return {@code RPC_HANDSHAKE, flags 0, sender PID, peer PID}: 32 bytes.
     */
    public static byte[] handshake(final byte[] senderPid, final byte[] peerPid)
    {
        final byte[] message = new byte[RpcConstants.HANDSHAKE_LENGTH];
        LittleEndian.putInt(message, 0, RpcConstants.RPC_HANDSHAKE);
        System.arraycopy(senderPid, 0, message, 8, RpcConstants.PID_LENGTH);
        System.arraycopy(peerPid, 0, message, 20, RpcConstants.PID_LENGTH);
        return message;
    }

    /**
     * @param flags  answer flags (8 = flush now, 16 = small error packet).
     * @param connId the client's 8-byte id.
     * @param data   packet bytes.
     * @param offset where the packet starts.
     * @param length packet length, a multiple of 4.
     * @return {@code RPC_PROXY_ANS, flags, conn_id, packet}.
     */
    public static byte[] proxyAnswer(
        final int flags, final byte[] connId, final byte[] data, final int offset, final int length)
    {
        final byte[] message = new byte[RpcConstants.PROXY_ANS_HEADER_LENGTH + length];
        LittleEndian.putInt(message, 0, RpcConstants.RPC_PROXY_ANS);
        LittleEndian.putInt(message, 4, flags);
        System.arraycopy(connId, 0, message, 8, RpcConstants.CONN_ID_LENGTH);
        System.arraycopy(data, offset, message, RpcConstants.PROXY_ANS_HEADER_LENGTH, length);
        return message;
    }

    /**
     * @param connId  the client's 8-byte id.
     * @param confirm the 4 confirm bytes the client gets as its quick ack.
     * @return {@code RPC_SIMPLE_ACK, conn_id, confirm}: 16 bytes.
     */
    public static byte[] simpleAck(final byte[] connId, final byte[] confirm)
    {
        final byte[] message = new byte[RpcConstants.SIMPLE_ACK_LENGTH];
        LittleEndian.putInt(message, 0, RpcConstants.RPC_SIMPLE_ACK);
        System.arraycopy(connId, 0, message, 4, RpcConstants.CONN_ID_LENGTH);
        System.arraycopy(confirm, 0, message, 12, 4);
        return message;
    }

    /**
     * @param connId the client's 8-byte id.
     * @return {@code RPC_CLOSE_EXT, conn_id}: 12 bytes.
     */
    public static byte[] closeExt(final byte[] connId)
    {
        return withId(RpcConstants.RPC_CLOSE_EXT, connId);
    }

    /**
     * @param connId the client's 8-byte id.
     * @return {@code RPC_CLOSE_CONN, conn_id}: 12 bytes.
     */
    public static byte[] closeConn(final byte[] connId)
    {
        return withId(RpcConstants.RPC_CLOSE_CONN, connId);
    }

    /**
     * @param pingId 8 bytes.
     * @return {@code RPC_PING, ping_id}: 12 bytes.
     */
    public static byte[] ping(final byte[] pingId)
    {
        return withId(RpcConstants.RPC_PING, pingId);
    }

    /**
     * @param pingId 8 bytes from the ping.
     * @return {@code RPC_PONG, ping_id}: 12 bytes.
     */
    public static byte[] pong(final byte[] pingId)
    {
        return withId(RpcConstants.RPC_PONG, pingId);
    }

    /**
     * @param message any message.
     * @return its constructor, or 0 when shorter than 4 bytes.
     */
    public static int constructor(final byte[] message)
    {
        return message.length < 4 ? 0 : LittleEndian.getInt(message, 0);
    }

    private static byte[] withId(final int constructor, final byte[] id)
    {
        final byte[] message = new byte[12];
        LittleEndian.putInt(message, 0, constructor);
        System.arraycopy(id, 0, message, 4, 8);
        return message;
    }
}
