package io.mtgj.middle.rpc;

import io.mtgj.transport.ProtocolTag;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Payloads of the RPC messages the proxy sends and checks (protocol.md 7.4, 7.6, 7.7). Pure byte layouts.
 */
public final class RpcMessages
{
    private static final int TAG_STRING_LENGTH = 16;
    private static final int EXTRA_SIZE = 24;
    private static final int SERVER_NONCE_OFFSET = 16;

    private RpcMessages()
    {
    }

    /**
     * @param proxySecret the secret from Telegram; its first 4 bytes select the key.
     * @param cryptoTs    our unix time, as sent.
     * @param clientNonce 16 random bytes.
     * @return the RPC_NONCE payload.
     */
    public static byte[] nonce(final byte[] proxySecret, final int cryptoTs, final byte[] clientNonce)
    {
        final byte[] payload = new byte[Rpc.HELLO_PAYLOAD_LENGTH];
        RpcFrame.putLe32(payload, 0, Rpc.NONCE);
        System.arraycopy(proxySecret, 0, payload, 4, 4);
        RpcFrame.putLe32(payload, 8, Rpc.CRYPTO_SCHEMA_AES);
        RpcFrame.putLe32(payload, 12, cryptoTs);
        System.arraycopy(clientNonce, 0, payload, 16, 16);
        return payload;
    }

    /**
     * @param payload     the middle proxy's nonce payload.
     * @param proxySecret our secret.
     * @return its server nonce, or null when the answer is not a valid nonce for our key.
     */
    public static byte[] serverNonce(final byte[] payload, final byte[] proxySecret)
    {
        if (Rpc.HELLO_PAYLOAD_LENGTH != payload.length || Rpc.NONCE != RpcFrame.getLe32(payload, 0) ||
            !Arrays.equals(payload, 4, 8, proxySecret, 0, 4) ||
            Rpc.CRYPTO_SCHEMA_AES != RpcFrame.getLe32(payload, 8))
        {
            return null;
        }
        return Arrays.copyOfRange(payload, SERVER_NONCE_OFFSET, SERVER_NONCE_OFFSET + 16);
    }

    /**
     * @return our RPC_HANDSHAKE payload.
     */
    public static byte[] handshake()
    {
        final byte[] payload = new byte[Rpc.HELLO_PAYLOAD_LENGTH];
        RpcFrame.putLe32(payload, 0, Rpc.HANDSHAKE);
        System.arraycopy(Rpc.PID, 0, payload, 8, Rpc.PID.length);
        System.arraycopy(Rpc.PID, 0, payload, 20, Rpc.PID.length);
        return payload;
    }

    /**
     * @param payload the middle proxy's answer.
     * @return whether it accepts our handshake (its PID echoes ours, flags clear).
     */
    public static boolean isHandshakeAccepted(final byte[] payload)
    {
        return Rpc.HELLO_PAYLOAD_LENGTH == payload.length && Rpc.HANDSHAKE == RpcFrame.getLe32(payload, 0) &&
            0 == (RpcFrame.getLe32(payload, 4) & 0xff) && Arrays.equals(payload, 20, 32, Rpc.PID, 0, Rpc.PID.length);
    }

    /**
     * @param tag          the client's transport.
     * @param quickAck     the client asked for a quick ack of this packet.
     * @param notEncrypted the packet's auth_key_id is zero.
     * @return PROXY_REQ flags (protocol.md 7.7; the padded bit as mtg sets it).
     */
    public static int proxyRequestFlags(final ProtocolTag tag, final boolean quickAck, final boolean notEncrypted)
    {
        int flags = Rpc.FLAG_HAS_AD_TAG | Rpc.FLAG_MAGIC | Rpc.FLAG_EXTMODE2;
        switch (tag)
        {
            case ABRIDGED:
                flags |= Rpc.FLAG_ABRIDGED;
                break;
            case PADDED_INTERMEDIATE:
                flags |= Rpc.FLAG_INTERMEDIATE | Rpc.FLAG_PADDED;
                break;
            default:
                flags |= Rpc.FLAG_INTERMEDIATE;
                break;
        }
        if (quickAck)
        {
            flags |= Rpc.FLAG_QUICK_ACK;
        }
        if (notEncrypted)
        {
            flags |= Rpc.FLAG_NOT_ENCRYPTED;
        }
        return flags;
    }

    /**
     * Write the 84 bytes before a client's packet in RPC_PROXY_REQ.
     *
     * @param dst        destination.
     * @param offset     where the header starts.
     * @param flags      from {@link #proxyRequestFlags}.
     * @param connId     the client's id on this connection.
     * @param clientIp   16 bytes, IPv4 mapped (see {@link #ipv6Form}).
     * @param clientPort the client's port.
     * @param ourIp      16 bytes: our address as the client dialed it.
     * @param ourPort    our listening port.
     * @param adTag      16 bytes.
     */
    public static void writeProxyRequestHeader(
        final byte[] dst,
        final int offset,
        final int flags,
        final long connId,
        final byte[] clientIp,
        final int clientPort,
        final byte[] ourIp,
        final int ourPort,
        final byte[] adTag)
    {
        RpcFrame.putLe32(dst, offset, Rpc.PROXY_REQ);
        RpcFrame.putLe32(dst, offset + 4, flags);
        RpcFrame.putLe32(dst, offset + 8, (int)connId);
        RpcFrame.putLe32(dst, offset + 12, (int)(connId >>> 32));
        System.arraycopy(clientIp, 0, dst, offset + 16, 16);
        RpcFrame.putLe32(dst, offset + 32, clientPort);
        System.arraycopy(ourIp, 0, dst, offset + 36, 16);
        RpcFrame.putLe32(dst, offset + 52, ourPort);
        RpcFrame.putLe32(dst, offset + 56, EXTRA_SIZE);
        RpcFrame.putLe32(dst, offset + 60, Rpc.PROXY_TAG);
        dst[offset + 64] = TAG_STRING_LENGTH;
        System.arraycopy(adTag, 0, dst, offset + 65, TAG_STRING_LENGTH);
        dst[offset + 81] = 0;
        dst[offset + 82] = 0;
        dst[offset + 83] = 0;
    }

    /**
     * @param address an address.
     * @return 16 bytes: IPv6 as is, IPv4 mapped as {@code 00×10 ff ff a b c d}.
     */
    public static byte[] ipv6Form(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        if (address instanceof Inet4Address)
        {
            final byte[] mapped = new byte[16];
            mapped[10] = (byte)0xff;
            mapped[11] = (byte)0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    /**
     * @param id a random 8-byte id, echoed in the pong.
     * @return the RPC_PING payload (a keep-alive: the middle proxy answers RPC_PONG).
     */
    public static byte[] ping(final long id)
    {
        return idMessage(Rpc.PING, id);
    }

    /**
     * @param id an 8-byte id as read little-endian.
     * @return the RPC_PONG payload.
     */
    public static byte[] pong(final long id)
    {
        return idMessage(Rpc.PONG, id);
    }

    /**
     * @param connId a client's id.
     * @return the RPC_CLOSE_CONN payload.
     */
    public static byte[] closeConn(final long connId)
    {
        return idMessage(Rpc.CLOSE_CONN, connId);
    }

    private static byte[] idMessage(final int constructor, final long id)
    {
        final byte[] payload = new byte[12];
        RpcFrame.putLe32(payload, 0, constructor);
        RpcFrame.putLe32(payload, 4, (int)id);
        RpcFrame.putLe32(payload, 8, (int)(id >>> 32));
        return payload;
    }
}
