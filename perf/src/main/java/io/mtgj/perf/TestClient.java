package io.mtgj.perf;

import io.mtgj.crypto.AesCtr;
import io.mtgj.obfuscated2.ClientHandshake;
import io.mtgj.secret.Secret;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;

/**
 * The client side of a simple or secured secret, as a Telegram app speaks it: an obfuscated2 frame with the
 * secret, then framed packets under AES-CTR. Blocking and single-threaded per instance.
 */
public final class TestClient extends ClientConnection
{
    private final ProtocolTag tag;
    private final Random random;
    private final AesCtr encryptor;
    private final AesCtr decryptor;

    private TestClient(final Socket socket, final ProtocolTag tag, final Random random, final ClientHandshake handshake)
        throws IOException
    {
        super(socket, bufferedInput(socket));
        this.tag = tag;
        this.random = random;
        this.encryptor = handshake.encryptor();
        this.decryptor = handshake.decryptor();
    }

    /**
     * Connect and send the handshake frame.
     *
     * @param proxy   the proxy.
     * @param secret  the proxy's secret (its key is what matters), or null to speak to a DC (or a plain relay in
     *                front of one) directly, as a proxy does.
     * @param tag     transport to announce.
     * @param dc      signed DC index to announce.
     * @param random  frame and padding source.
     * @param timeoutMs read timeout.
     * @return a connected client.
     * @throws IOException when the connection fails.
     */
    public static TestClient connect(final InetSocketAddress proxy, final Secret secret, final ProtocolTag tag,
        final short dc, final Random random, final int timeoutMs) throws IOException
    {
        return connect(proxy, null, new byte[0], secret, tag, dc, random, timeoutMs);
    }

    /**
     * Connect from a given local address (another loopback address, say) and send the handshake frame, after bytes
     * of the caller's in the same write (a load balancer's PROXY protocol header, say).
     *
     * @param proxy     the proxy.
     * @param from      the local address to connect from, or null for the system's choice.
     * @param prefix    bytes sent before the frame, in the same write; empty for none.
     * @param secret    the proxy's secret, or null to speak to a DC directly.
     * @param tag       transport to announce.
     * @param dc        signed DC index to announce.
     * @param random    frame and padding source.
     * @param timeoutMs read timeout.
     * @return a connected client.
     * @throws IOException when the connection fails.
     */
    public static TestClient connect(final InetSocketAddress proxy, final java.net.InetAddress from,
        final byte[] prefix, final Secret secret, final ProtocolTag tag, final short dc, final Random random, final int timeoutMs)
        throws IOException
    {
        final Socket socket = new Socket();
        try
        {
            if (null != from)
            {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(proxy, timeoutMs);
            final ClientHandshake handshake = ClientHandshake.create(random, null == secret ? null : secret.key(), tag.wire(), dc);
            final TestClient client = new TestClient(socket, tag, random, handshake);
            final byte[] frame = handshake.wireFrame();
            final byte[] first = java.util.Arrays.copyOf(prefix, prefix.length + frame.length);
            System.arraycopy(frame, 0, first, prefix.length, frame.length);
            client.out.write(first);
            return client;
        }
        catch (final IOException ex)
        {
            socket.close();
            throw ex;
        }
    }

    /**
     * Frame, encrypt and send one packet.
     *
     * @param payload packet bytes (a multiple of 4 for abridged).
     * @throws IOException on a socket error.
     */
    @Override
    public void send(final byte[] payload) throws IOException
    {
        out.write(encryptor.process(PacketFraming.encode(tag, payload, random)));
        out.flush();
    }

    /**
     * Frame, encrypt and send one packet with its quick-ack flag set (protocol.md 2.6): the top bit of abridged's
     * first byte, of the intermediate transports' length word.
     *
     * @param payload packet bytes (a multiple of 4 for abridged).
     * @throws IOException on a socket error.
     */
    public void sendAskingQuickAck(final byte[] payload) throws IOException
    {
        final byte[] framed = PacketFraming.encode(tag, payload, random);
        framed[ProtocolTag.ABRIDGED == tag ? 0 : 3] |= (byte)0x80;
        out.write(encryptor.process(framed));
        out.flush();
    }

    /**
     * Read a quick ack: four bytes in place of a packet header.
     *
     * @return them, decrypted, as they arrived.
     * @throws IOException on a socket error, a timeout or the end of the stream.
     */
    public byte[] receiveQuickAck() throws IOException
    {
        final byte[] ack = new byte[4];
        in.readFully(ack);
        return decryptor.process(ack);
    }

    /**
     * Read one packet.
     *
     * @return its body as framed (for padded intermediate, padding included), or null at end of stream.
     * @throws IOException on a socket error or timeout.
     */
    @Override
    public byte[] receive() throws IOException
    {
        final byte[] header = new byte[4];
        final byte[] plain = new byte[4];
        final int first = in.read();
        if (first < 0)
        {
            return null;
        }
        header[0] = (byte)first;
        decryptor.update(header, 0, 1, plain, 0);
        if (PacketFraming.NEED_MORE == PacketFraming.headerLength(tag, plain, 0, 1))
        {
            in.readFully(header, 1, 3);
            decryptor.update(header, 1, 3, plain, 1);
        }
        final byte[] body = new byte[PacketFraming.bodyLength(tag, plain, 0)];
        in.readFully(body);
        return decryptor.process(body);
    }

    /**
     * Send bytes exactly as given, bypassing framing and encryption.
     *
     * @param bytes raw bytes.
     * @throws IOException on a socket error.
     */
    public void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

}
