package io.mtgj.perf;

import io.mtgj.crypto.AesCtr;
import io.mtgj.obfuscated2.ClientHandshake;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;

/**
 * One simulated user's visit, as {@code users-bench} drives them: connect from a given source address, do the
 * client handshake of the user's secret, send one small packet, check the fake DC's echo of it (which proves that
 * the proxy took the handshake for this user's and dialed the DC), close.
 * <ul>
 *     <li>FakeTLS ({@code ee}): a classic ClientHello with the user's host as SNI ({@link ClientHelloBuilder}), the
 *     reply read and checked as tdlib does ({@link FakeTlsClient#readServerHello},
 *     {@link FakeTlsClient#verifyServerHello}), then the ChangeCipherSpec and one ApplicationData record holding the
 *     obfuscated2 frame and the packet, in one write as tdlib sends them (protocol.md 4.6).</li>
 *     <li>Secured ({@code dd}): the obfuscated2 frame and the packet in one write.</li>
 * </ul>
 * The transport is padded intermediate, which both modes use. {@link FakeTlsClient} and {@link TestClient} open
 * their sockets themselves; this one binds its socket to the source address first (on a port of
 * {@link SourceAddresses#nextPort()}), and keeps one visit to one method, since nothing follows the echo.
 */
final class UserVisit
{
    /** The DC every visit asks for: the one the bench's fake DC stands in for. */
    static final short DC = 2;
    /** Largest packet a visit sends, so that frame and packet fit one record of tdlib's size. */
    static final int MAX_PACKET_LENGTH = 2048;
    private static final ProtocolTag TAG = ProtocolTag.PADDED_INTERMEDIATE;
    private static final byte[] CHANGE_CIPHER_SPEC = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    private static final int TYPE_APPLICATION_DATA = 0x17;
    private static final int RECORD_HEADER_LENGTH = ClientHelloBuilder.RECORD_HEADER_LENGTH;
    private static final int INPUT_BUFFER_BYTES = 8 * 1024;
    /** More records than this for one small echo means the proxy sends something else. */
    private static final int MAX_ANSWER_RECORDS = 64;
    /** Local ports tried before a visit gives up connecting. */
    private static final int MAX_BIND_ATTEMPTS = 32;

    private UserVisit()
    {
    }

    /**
     * Visit once.
     *
     * @param proxy     the proxy.
     * @param source    the loopback address to connect from, or null for the system's choice.
     * @param secret    the user's secret: FakeTLS or secured.
     * @param packet    the packet to send, at most {@link #MAX_PACKET_LENGTH} bytes.
     * @param random    source of the hello, the frame and the padding.
     * @param timeoutMs connect and read timeout.
     * @throws IOException when the connection or the handshake fails, or the echo is missing or wrong.
     */
    static void visit(final InetSocketAddress proxy, final InetAddress source, final Secret secret,
        final byte[] packet, final Random random, final int timeoutMs) throws IOException
    {
        if (packet.length > MAX_PACKET_LENGTH)
        {
            throw new IllegalArgumentException("packets up to " + MAX_PACKET_LENGTH + " bytes, not " + packet.length);
        }
        final boolean fakeTls = SecretMode.FAKE_TLS == secret.mode();
        if (!fakeTls && SecretMode.SECURED != secret.mode())
        {
            throw new IllegalArgumentException("a visit needs a FakeTLS or secured secret, not " + secret);
        }
        try (Socket socket = connect(proxy, source, timeoutMs))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
                INPUT_BUFFER_BYTES));
            final byte[] answer = fakeTls ? fakeTls(out, in, secret, packet, random) :
                secured(out, in, secret, packet, random);
            if (answer.length < packet.length || !Arrays.equals(packet, 0, packet.length, answer, 0, packet.length))
            {
                throw new IOException("bad echo: " + answer.length + " bytes for a packet of " + packet.length);
            }
        }
    }

    /**
     * Connect, from {@code source} when given: on the next of {@link SourceAddresses#nextPort()} that binds and
     * connects (a port may be taken by a listener, or its pair with the proxy still in TIME_WAIT for a second).
     */
    private static Socket connect(final InetSocketAddress proxy, final InetAddress source, final int timeoutMs)
        throws IOException
    {
        for (int attempt = 1; ; attempt++)
        {
            final Socket socket = new Socket();
            try
            {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(timeoutMs);
                if (null != source)
                {
                    socket.setReuseAddress(true);
                    socket.bind(new InetSocketAddress(source, SourceAddresses.nextPort()));
                }
                socket.connect(proxy, timeoutMs);
                return socket;
            }
            catch (final BindException ex)
            {
                socket.close();
                if (attempt == MAX_BIND_ATTEMPTS)
                {
                    throw ex;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                socket.close();
                throw ex;
            }
        }
    }

    private static byte[] fakeTls(final OutputStream out, final DataInputStream in, final Secret secret,
        final byte[] packet, final Random random) throws IOException
    {
        // Built once connected, as a real client does, so that a wait in the backlog does not age its timestamp.
        final ClientHelloBuilder.Hello hello = ClientHelloBuilder.forSecret(secret,
            System.currentTimeMillis() / 1000, random).build();
        out.write(hello.wire());
        out.flush();
        FakeTlsClient.verifyServerHello(secret.key(), hello, FakeTlsClient.readServerHello(in));
        final ClientHandshake handshake = ClientHandshake.create(random, secret.key(), TAG.wire(), DC);
        final byte[] frame = handshake.wireFrame();
        final byte[] framed = handshake.encryptor().process(PacketFraming.encode(TAG, packet, random));
        final int payload = frame.length + framed.length;
        final ByteArrayOutputStream wire = new ByteArrayOutputStream(CHANGE_CIPHER_SPEC.length +
            RECORD_HEADER_LENGTH + payload);
        wire.write(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        wire.write(TYPE_APPLICATION_DATA);
        wire.write(0x03);
        wire.write(0x03);
        wire.write(payload >>> 8);
        wire.write(payload);
        wire.write(frame, 0, frame.length);
        wire.write(framed, 0, framed.length);
        out.write(wire.toByteArray());
        out.flush();
        return readRecordsPacket(in, handshake.decryptor());
    }

    private static byte[] secured(final OutputStream out, final DataInputStream in, final Secret secret,
        final byte[] packet, final Random random) throws IOException
    {
        final ClientHandshake handshake = ClientHandshake.create(random, secret.key(), TAG.wire(), DC);
        final byte[] frame = handshake.wireFrame();
        final byte[] framed = handshake.encryptor().process(PacketFraming.encode(TAG, packet, random));
        final byte[] wire = Arrays.copyOf(frame, frame.length + framed.length);
        System.arraycopy(framed, 0, wire, frame.length, framed.length);
        out.write(wire);
        out.flush();
        final AesCtr decryptor = handshake.decryptor();
        final byte[] header = new byte[4];
        readFully(in, header);
        final int length = bodyLength(decryptor.process(header));
        final byte[] body = new byte[length];
        readFully(in, body);
        return decryptor.process(body);
    }

    /**
     * Read ApplicationData records, decrypting each payload as it comes (one stream), until they hold one whole
     * packet.
     *
     * @return the packet's body, decrypted (padding included).
     */
    private static byte[] readRecordsPacket(final DataInputStream in, final AesCtr decryptor) throws IOException
    {
        final ByteArrayOutputStream plain = new ByteArrayOutputStream(256);
        final byte[] header = new byte[RECORD_HEADER_LENGTH];
        int wanted = -1;
        for (int records = 0; records < MAX_ANSWER_RECORDS; records++)
        {
            readFully(in, header);
            final int length = (header[3] & 0xff) << 8 | (header[4] & 0xff);
            if (TYPE_APPLICATION_DATA != (header[0] & 0xff) || 0x03 != header[1] || 0x03 != header[2] ||
                length > FakeTlsClient.MAX_SERVER_RECORD_PAYLOAD)
            {
                throw new IOException("bad record: header " + Hex.encode(header));
            }
            final byte[] body = new byte[length];
            readFully(in, body);
            final byte[] decrypted = decryptor.process(body);
            plain.write(decrypted, 0, decrypted.length);
            if (wanted < 0 && plain.size() >= 4)
            {
                wanted = 4 + bodyLength(plain.toByteArray());
            }
            if (wanted >= 0 && plain.size() >= wanted)
            {
                return Arrays.copyOfRange(plain.toByteArray(), 4, wanted);
            }
        }
        throw new IOException("no whole packet in " + MAX_ANSWER_RECORDS + " records");
    }

    private static int bodyLength(final byte[] plainHeader) throws IOException
    {
        final int length = PacketFraming.bodyLength(TAG, plainHeader, 0);
        if (length < 0 || length > MAX_PACKET_LENGTH + 16)
        {
            throw new IOException("packet length " + length + " out of range: the proxy did not take the handshake " +
                "for this user's");
        }
        return length;
    }

    private static void readFully(final DataInputStream in, final byte[] bytes) throws IOException
    {
        try
        {
            in.readFully(bytes);
        }
        catch (final EOFException ex)
        {
            throw new EOFException("closed by the proxy");
        }
    }
}
