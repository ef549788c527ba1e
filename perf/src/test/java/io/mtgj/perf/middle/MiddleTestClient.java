package io.mtgj.perf.middle;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;

/**
 * The proxy's side of an ME connection, just enough to drive {@link FakeMiddleProxy} from tests: nonce,
 * key derivation, handshake, then raw messages. It encrypts frames itself (the frame writer stays plaintext) so a
 * test can corrupt a frame before encryption.
 */
final class MiddleTestClient implements AutoCloseable
{
    static final byte[] PLACEHOLDER_PID = RpcConstants.PLACEHOLDER_PID.getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final OutputStream out;
    private final RpcFrameReader reader;
    private final RpcFrameWriter writer = new RpcFrameWriter(RpcConstants.SEQ_HANDSHAKE, true);
    private final SecureRandom random = new SecureRandom();
    private final byte[] secret;
    private Cipher encryptor;
    private byte[] serverNonceMessage;
    private byte[] handshakeAnswer;

    private MiddleTestClient(final Socket socket, final byte[] secret) throws IOException
    {
        this.socket = socket;
        this.secret = secret;
        this.out = socket.getOutputStream();
        this.reader = new RpcFrameReader(new BufferedInputStream(socket.getInputStream()), RpcConstants.SEQ_NONCE);
    }

    static MiddleTestClient connect(final InetSocketAddress me, final byte[] secret) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(me, 5_000);
        socket.setTcpNoDelay(true);
        return new MiddleTestClient(socket, secret);
    }

    /**
     * The standard exchange: padded nonce with the secret's key selector, keys from the socket's addresses.
     */
    MiddleTestClient handshake() throws IOException
    {
        return handshake(true, null);
    }

    MiddleTestClient handshake(final boolean padNonce, final InetAddress announcedIp) throws IOException
    {
        final int clientTs = (int)(System.currentTimeMillis() / 1000);
        final byte[] clientNonce = new byte[16];
        random.nextBytes(clientNonce);
        final byte[] answer = exchangeNonce(
            RpcMessages.nonce(LittleEndian.getInt(secret, 0), clientTs, clientNonce), padNonce);
        startEncryption(clientNonce, clientTs, answer, announcedIp);
        send(RpcMessages.handshake(PLACEHOLDER_PID, PLACEHOLDER_PID));
        handshakeAnswer = readMessage();
        return this;
    }

    byte[] exchangeNonce(final byte[] nonceMessage, final boolean pad) throws IOException
    {
        out.write(new RpcFrameWriter(RpcConstants.SEQ_NONCE, pad).encode(nonceMessage));
        out.flush();
        serverNonceMessage = reader.read();
        return serverNonceMessage;
    }

    void startEncryption(
        final byte[] clientNonce, final int clientTs, final byte[] serverNonceAnswer, final InetAddress announcedIp)
    {
        final byte[] serverNonce = new byte[16];
        System.arraycopy(serverNonceAnswer, 16, serverNonce, 0, 16);
        final InetSocketAddress me = (InetSocketAddress)socket.getRemoteSocketAddress();
        final InetSocketAddress self = new InetSocketAddress(
            null == announcedIp ? socket.getLocalAddress() : announcedIp, socket.getLocalPort());
        encryptor = MiddleKeys.derive(serverNonce, clientNonce, clientTs, me, self, MiddleKeys.PURPOSE_CLIENT, secret)
            .encryptor();
        reader.enableDecryption(
            MiddleKeys.derive(serverNonce, clientNonce, clientTs, me, self, MiddleKeys.PURPOSE_SERVER, secret)
                .decryptor());
    }

    byte[] handshakeAnswer()
    {
        return handshakeAnswer;
    }

    byte[] serverNonceMessage()
    {
        return serverNonceMessage;
    }

    void send(final byte[] message) throws IOException
    {
        sendCorrupted(message, -1);
    }

    /**
     * @param corruptOffset a byte of the plaintext frame to flip before encryption, or -1.
     */
    void sendCorrupted(final byte[] message, final int corruptOffset) throws IOException
    {
        final byte[] frame = writer.encode(message);
        if (corruptOffset >= 0)
        {
            frame[corruptOffset] ^= 0x01;
        }
        out.write(encrypt(frame));
        out.flush();
    }

    /**
     * Burn a sequence number: the next frame sent carries one more than the ME expects.
     */
    void skipSeq()
    {
        writer.encode(new byte[4]);
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    byte[] readMessage() throws IOException
    {
        return reader.read();
    }

    /**
     * @return true when the ME closed the connection before sending anything more.
     */
    boolean isClosedByPeer()
    {
        try
        {
            reader.read();
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    private byte[] encrypt(final byte[] frame)
    {
        try
        {
            final byte[] wire = new byte[frame.length];
            encryptor.update(frame, 0, frame.length, wire, 0);
            return wire;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }

    /**
     * Encode an {@code RPC_PROXY_REQ} as protocol.md 7.7 lays it out (the extra section only with flag 8).
     */
    static byte[] proxyRequest(
        final int flags,
        final byte[] connId,
        final InetSocketAddress client,
        final InetSocketAddress proxy,
        final byte[] adTag,
        final byte[] packet)
    {
        final boolean withTag = 0 != (flags & RpcConstants.FLAG_HAS_AD_TAG);
        final int tagItemLength = withTag ? 4 + ((1 + adTag.length + 3) & -4) : 0;
        final int headerLength = 56 + (withTag ? 4 + tagItemLength : 0);
        final byte[] message = new byte[headerLength + packet.length];
        LittleEndian.putInt(message, 0, RpcConstants.RPC_PROXY_REQ);
        LittleEndian.putInt(message, 4, flags);
        System.arraycopy(connId, 0, message, 8, 8);
        putAddress(message, 16, client);
        putAddress(message, 36, proxy);
        if (withTag)
        {
            LittleEndian.putInt(message, 56, tagItemLength);
            LittleEndian.putInt(message, 60, RpcConstants.TL_PROXY_TAG);
            message[64] = (byte)adTag.length;
            System.arraycopy(adTag, 0, message, 65, adTag.length);
        }
        System.arraycopy(packet, 0, message, headerLength, packet.length);
        return message;
    }

    private static void putAddress(final byte[] message, final int offset, final InetSocketAddress address)
    {
        final byte[] ip = address.getAddress().getAddress();
        if (address.getAddress() instanceof Inet4Address)
        {
            message[offset + 10] = (byte)0xff;
            message[offset + 11] = (byte)0xff;
            System.arraycopy(ip, 0, message, offset + 12, 4);
        }
        else
        {
            System.arraycopy(ip, 0, message, offset, 16);
        }
        LittleEndian.putInt(message, offset + 16, address.getPort());
    }
}
