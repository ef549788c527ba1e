package io.mtgj.perf;

import io.mtgj.crypto.AesCtr;
import io.mtgj.obfuscated2.ClientHandshake;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * The client side of an {@code ee} (FakeTLS) secret as tdlib and tdesktop speak it, written from protocol.md 4
 * alone, independently of the engine's FakeTLS code:
 * <ol>
 *     <li>send a ClientHello from {@link ClientHelloBuilder};</li>
 *     <li>read and verify the reply exactly as tdlib does (protocol.md 4.5): one {@code 16 03 03} record, then
 *     exactly {@code 14 03 03 00 01 01}, then one {@code 17 03 03} record, and
 *     HMAC-SHA256(K, client random || reply with bytes [11..43) zeroed) equal to reply[11..43); the session id
 *     must be echoed;</li>
 *     <li>send {@code 14 03 03 00 01 01} and the obfuscated2 frame (tag {@code dd} unless told otherwise) in the
 *     same write as the first packet, everything in ApplicationData records of at most
 *     {@value #MAX_CLIENT_RECORD_PAYLOAD} payload bytes (protocol.md 4.6);</li>
 *     <li>accept from the proxy only {@code 17 03 03} records of at most {@value #MAX_SERVER_RECORD_PAYLOAD}
 *     bytes (protocol.md 4.7); anything else is an {@link IOException} "bad record".</li>
 * </ol>
 * Blocking and single-threaded per instance, like {@link TestClient}, whose API it mirrors.
 */
public final class FakeTlsClient extends ClientConnection
{
    /** {@code unixTime} for "the clock when the hello is sent", right after the connect completes. */
    public static final long NOW = Long.MIN_VALUE;

    /** tdlib's largest ApplicationData payload (protocol.md 4.6). */
    public static final int MAX_CLIENT_RECORD_PAYLOAD = 2878;
    /** tdlib refuses larger records from the proxy (protocol.md 4.7). */
    public static final int MAX_SERVER_RECORD_PAYLOAD = 16384;
    /** The ChangeCipherSpec record, in both directions. */
    private static final byte[] CHANGE_CIPHER_SPEC = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    private static final int TYPE_HANDSHAKE = 0x16;
    private static final int TYPE_APPLICATION_DATA = 0x17;
    private static final int SERVER_HELLO = 0x02;
    private static final int RANDOM_OFFSET = ClientHelloBuilder.RANDOM_OFFSET;
    private static final int RANDOM_LENGTH = ClientHelloBuilder.RANDOM_LENGTH;
    private static final int RECORD_HEADER_LENGTH = ClientHelloBuilder.RECORD_HEADER_LENGTH;
    private static final int MAX_EMPTY_RECORDS_IN_A_ROW = 1024;
    /** How many record lengths are kept for {@link #recordLengths()}. */
    private static final int RECORD_LENGTHS_KEPT = 1024;

    private final ProtocolTag tag;
    private final Random random;
    private final AesCtr encryptor;
    private final AesCtr decryptor;
    private final int maxRecordPayload;
    private final ClientHelloBuilder.Hello hello;
    private final byte[] serverHello;
    private byte[] pendingFrame;
    private final int[] recordLengths = new int[RECORD_LENGTHS_KEPT];
    private int recordsReceived;
    private int recordRemaining;

    private FakeTlsClient(final Socket socket, final Options options, final Random random,
        final ClientHandshake handshake, final DataInputStream in, final ClientHelloBuilder.Hello hello,
        final byte[] serverHello) throws IOException
    {
        super(socket, in);
        this.tag = options.tag;
        this.random = random;
        this.encryptor = handshake.encryptor();
        this.decryptor = handshake.decryptor();
        this.maxRecordPayload = options.maxRecordPayload;
        this.hello = hello;
        this.serverHello = serverHello;
        this.pendingFrame = handshake.wireFrame();
    }

    /**
     * Connect with a classic hello and tag {@code dd}, verify the proxy's reply.
     *
     * @param proxy     the proxy.
     * @param secret    an {@code ee} secret: key and hostname (the SNI).
     * @param dc        signed DC index to announce.
     * @param random    hello, frame and padding source.
     * @param timeoutMs connect and read timeout.
     * @param unixTime  the client's clock in unix seconds, embedded in the hello, or {@link #NOW}.
     * @return a client past the TLS handshake; the frame goes out with the first packet.
     * @throws IOException when the connection fails or the reply is not what tdlib accepts.
     */
    public static FakeTlsClient connect(final InetSocketAddress proxy, final Secret secret, final short dc,
        final Random random, final int timeoutMs, final long unixTime) throws IOException
    {
        return connect(proxy, secret, dc, random, timeoutMs, unixTime, new Options());
    }

    /**
     * Connect, send the hello, verify the proxy's reply.
     *
     * @param proxy     the proxy.
     * @param secret    an {@code ee} secret: key and hostname (the SNI).
     * @param dc        signed DC index to announce.
     * @param random    hello, frame and padding source.
     * @param timeoutMs connect and read timeout.
     * @param unixTime  the client's clock in unix seconds, or {@link #NOW}, embedded in the hello (ignored when
     *                  {@link Options#hello(ClientHelloBuilder.Hello)} supplies one).
     * @param options   hello shape, transport tag, record size.
     * @return a client past the TLS handshake; the frame goes out with the first packet.
     * @throws IOException when the connection fails or the reply is not what tdlib accepts.
     */
    public static FakeTlsClient connect(final InetSocketAddress proxy, final Secret secret, final short dc,
        final Random random, final int timeoutMs, final long unixTime, final Options options) throws IOException
    {
        if (SecretMode.FAKE_TLS != secret.mode())
        {
            throw new IllegalArgumentException("a FakeTLS client needs an ee secret, not " + secret);
        }
        final Socket socket = new Socket();
        try
        {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(proxy, timeoutMs);
            // Built once connected, as a real client does: a connect that waits in a busy backlog must not age it.
            final ClientHelloBuilder.Hello hello = null != options.hello ? options.hello :
                ClientHelloBuilder.forSecret(secret, NOW == unixTime ? System.currentTimeMillis() / 1000 : unixTime,
                    random)
                .modern(options.modern)
                .fragments(options.fragments)
                .build();
            final OutputStream out = socket.getOutputStream();
            out.write(hello.wire());
            out.flush();
            final DataInputStream in = bufferedInput(socket);
            final byte[] reply = readServerHello(in);
            verifyServerHello(secret.key(), hello, reply);
            final ClientHandshake handshake = ClientHandshake.create(random, secret.key(), options.tag.wire(), dc);
            return new FakeTlsClient(socket, options, random, handshake, in, hello, reply);
        }
        catch (final IOException | RuntimeException ex)
        {
            socket.close();
            throw ex;
        }
    }

    /**
     * Read the three records of a ServerHello as tdlib does: no more, no less.
     *
     * @param in the stream after the hello was sent.
     * @return the reply bytes, all three records.
     * @throws IOException when the reply does not have the shape of protocol.md 4.5.
     */
    static byte[] readServerHello(final DataInputStream in) throws IOException
    {
        final ByteArrayOutputStream reply = new ByteArrayOutputStream(4096);
        final byte[] header = new byte[RECORD_HEADER_LENGTH];
        readExactly(in, header, "the ServerHello record header");
        if (TYPE_HANDSHAKE != (header[0] & 0xff) || 0x03 != header[1] || 0x03 != header[2])
        {
            throw new IOException("bad ServerHello: the reply starts with " + Hex.encode(header) +
                ", not a 16 03 03 handshake record");
        }
        reply.write(header, 0, header.length);
        reply.write(readBody(in, header, "the ServerHello record"), 0, recordLength(header));

        final byte[] ccs = new byte[CHANGE_CIPHER_SPEC.length];
        readExactly(in, ccs, "the ChangeCipherSpec record");
        if (!Arrays.equals(CHANGE_CIPHER_SPEC, ccs))
        {
            throw new IOException("bad ServerHello: expected 140303000101 after the handshake record, got " +
                Hex.encode(ccs));
        }
        reply.write(ccs, 0, ccs.length);

        readExactly(in, header, "the ApplicationData record header");
        if (TYPE_APPLICATION_DATA != (header[0] & 0xff) || 0x03 != header[1] || 0x03 != header[2])
        {
            throw new IOException("bad ServerHello: expected a 17 03 03 record after the ChangeCipherSpec, got " +
                Hex.encode(header));
        }
        reply.write(header, 0, header.length);
        reply.write(readBody(in, header, "the ApplicationData record"), 0, recordLength(header));
        return reply.toByteArray();
    }

    /**
     * Check the reply's digest and session-id echo (protocol.md 4.5).
     *
     * @param key   the secret's 16-byte key.
     * @param hello the hello that was sent.
     * @param reply the three records as read.
     * @throws IOException naming what is wrong.
     */
    static void verifyServerHello(final byte[] key, final ClientHelloBuilder.Hello hello, final byte[] reply)
        throws IOException
    {
        final byte[] sessionId = hello.sessionId();
        final int handshakeRecordLength = recordLength(reply);
        if (handshakeRecordLength < RANDOM_OFFSET + RANDOM_LENGTH + 1 - RECORD_HEADER_LENGTH)
        {
            throw new IOException("bad ServerHello: the handshake record is " + handshakeRecordLength +
                " bytes, too short for a random");
        }
        final byte[] zeroed = reply.clone();
        Arrays.fill(zeroed, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH, (byte)0);
        final byte[] message = new byte[RANDOM_LENGTH + zeroed.length];
        System.arraycopy(hello.clientRandom(), 0, message, 0, RANDOM_LENGTH);
        System.arraycopy(zeroed, 0, message, RANDOM_LENGTH, zeroed.length);
        final byte[] expected = ClientHelloBuilder.hmacSha256(key, message);
        final byte[] actual = Arrays.copyOfRange(reply, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH);
        if (!MessageDigest.isEqual(expected, actual))
        {
            throw new IOException("bad ServerHello: its random is not HMAC-SHA256(key, client random || reply)");
        }
        final int sessionIdOffset = RANDOM_OFFSET + RANDOM_LENGTH + 1;
        if (SERVER_HELLO != reply[RECORD_HEADER_LENGTH] ||
            RECORD_HEADER_LENGTH + handshakeRecordLength < sessionIdOffset + sessionId.length ||
            (reply[sessionIdOffset - 1] & 0xff) != sessionId.length ||
            !Arrays.equals(reply, sessionIdOffset, sessionIdOffset + sessionId.length, sessionId, 0, sessionId.length))
        {
            throw new IOException("bad ServerHello: not a ServerHello echoing the session id " +
                Hex.encode(sessionId));
        }
    }

    private static int recordLength(final byte[] header)
    {
        return (header[3] & 0xff) << 8 | (header[4] & 0xff);
    }

    private static byte[] readBody(final DataInputStream in, final byte[] header, final String what)
        throws IOException
    {
        final byte[] body = new byte[recordLength(header)];
        readExactly(in, body, what);
        return body;
    }

    private static void readExactly(final DataInputStream in, final byte[] bytes, final String what)
        throws IOException
    {
        try
        {
            in.readFully(bytes);
        }
        catch (final EOFException ex)
        {
            throw new EOFException("bad ServerHello: the proxy closed the connection while sending " + what);
        }
    }

    /**
     * Frame, encrypt and send one packet in ApplicationData records; the first call also sends the
     * ChangeCipherSpec and the obfuscated2 frame, in the same write as tdlib does.
     *
     * @param payload packet bytes (a multiple of 4 for abridged).
     * @throws IOException on a socket error.
     */
    @Override
    public void send(final byte[] payload) throws IOException
    {
        sendStream(encryptor.process(PacketFraming.encode(tag, payload, random)));
    }

    /**
     * Send the ChangeCipherSpec and a record holding just the obfuscated2 frame, if not sent yet, for tests that
     * want the proxy to dial the DC before the first packet.
     *
     * @throws IOException on a socket error.
     */
    public void flushHandshake() throws IOException
    {
        if (null != pendingFrame)
        {
            sendStream(new byte[0]);
        }
    }

    private void sendStream(final byte[] encrypted) throws IOException
    {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream(encrypted.length + 128);
        byte[] stream = encrypted;
        if (null != pendingFrame)
        {
            wire.write(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
            stream = new byte[pendingFrame.length + encrypted.length];
            System.arraycopy(pendingFrame, 0, stream, 0, pendingFrame.length);
            System.arraycopy(encrypted, 0, stream, pendingFrame.length, encrypted.length);
            pendingFrame = null;
        }
        for (int offset = 0; offset < stream.length; offset += maxRecordPayload)
        {
            final int length = Math.min(maxRecordPayload, stream.length - offset);
            writeRecordHeader(wire, TYPE_APPLICATION_DATA, length);
            wire.write(stream, offset, length);
        }
        out.write(wire.toByteArray());
        out.flush();
    }

    /**
     * Send one record exactly as given: no ChangeCipherSpec, no frame, no encryption.
     *
     * @param type    record type byte, e.g. {@code 0x15} for an alert.
     * @param payload record payload.
     * @throws IOException on a socket error.
     */
    public void sendRecord(final int type, final byte[] payload) throws IOException
    {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream(payload.length + RECORD_HEADER_LENGTH);
        writeRecordHeader(wire, type, payload.length);
        wire.write(payload, 0, payload.length);
        out.write(wire.toByteArray());
        out.flush();
    }

    /**
     * Send bytes exactly as given, bypassing records, framing and encryption.
     *
     * @param bytes raw bytes.
     * @throws IOException on a socket error.
     */
    public void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    private static void writeRecordHeader(final ByteArrayOutputStream wire, final int type, final int length)
    {
        wire.write(type);
        wire.write(0x03);
        wire.write(0x03);
        wire.write(length >>> 8);
        wire.write(length);
    }

    /**
     * Read one packet out of the proxy's ApplicationData records.
     *
     * @return its body as framed (for padded intermediate, padding included), or null at end of stream.
     * @throws IOException on a socket error, a timeout, or a record tdlib would refuse ("bad record").
     */
    @Override
    public byte[] receive() throws IOException
    {
        final byte[] header = new byte[4];
        final byte[] plain = new byte[4];
        if (!readStream(header, 0, 1, true))
        {
            return null;
        }
        decryptor.update(header, 0, 1, plain, 0);
        if (PacketFraming.NEED_MORE == PacketFraming.headerLength(tag, plain, 0, 1))
        {
            readStream(header, 1, 3, false);
            decryptor.update(header, 1, 3, plain, 1);
        }
        final int bodyLength = PacketFraming.bodyLength(tag, plain, 0);
        if (bodyLength < 0 || bodyLength > PacketFraming.MAX_PACKET_LENGTH + 16)
        {
            throw new IOException("packet length " + bodyLength + " out of range");
        }
        final byte[] body = new byte[bodyLength];
        readStream(body, 0, bodyLength, false);
        return decryptor.process(body);
    }

    /**
     * Fill a range from the concatenated payloads of the proxy's records.
     *
     * @return false at a clean end of stream before the first byte, when allowed.
     */
    private boolean readStream(final byte[] dst, final int offset, final int length, final boolean eofAllowed)
        throws IOException
    {
        int done = 0;
        int emptyRecords = 0;
        while (done < length)
        {
            if (0 == recordRemaining)
            {
                if (!readRecordHeader(eofAllowed && 0 == done))
                {
                    return false;
                }
                if (0 == recordRemaining)
                {
                    if (++emptyRecords > MAX_EMPTY_RECORDS_IN_A_ROW)
                    {
                        throw new IOException("bad record: " + MAX_EMPTY_RECORDS_IN_A_ROW + " empty records in a row");
                    }
                    continue;
                }
                emptyRecords = 0;
            }
            final int n = Math.min(length - done, recordRemaining);
            in.readFully(dst, offset + done, n);
            recordRemaining -= n;
            done += n;
        }
        return true;
    }

    private boolean readRecordHeader(final boolean eofAllowed) throws IOException
    {
        final byte[] header = new byte[RECORD_HEADER_LENGTH];
        final int first = in.read();
        if (first < 0)
        {
            if (eofAllowed)
            {
                return false;
            }
            throw new EOFException("the proxy closed the connection inside a packet");
        }
        header[0] = (byte)first;
        in.readFully(header, 1, RECORD_HEADER_LENGTH - 1);
        final int length = recordLength(header);
        if (TYPE_APPLICATION_DATA != first || 0x03 != header[1] || 0x03 != header[2] ||
            length > MAX_SERVER_RECORD_PAYLOAD)
        {
            throw new IOException("bad record: header " + Hex.encode(header) +
                " (tdlib accepts only 17 03 03 with length <= " + MAX_SERVER_RECORD_PAYLOAD + ")");
        }
        recordRemaining = length;
        if (recordsReceived < recordLengths.length)
        {
            recordLengths[recordsReceived] = length;
        }
        recordsReceived++;
        return true;
    }

    /**
     * @return the payload lengths of the first records received after the ServerHello, in order (at most 1024).
     */
    public int[] recordLengths()
    {
        return java.util.Arrays.copyOf(recordLengths, Math.min(recordsReceived, recordLengths.length));
    }

    /**
     * @return a copy of the proxy's three-record reply as received.
     */
    public byte[] serverHelloBytes()
    {
        return serverHello.clone();
    }

    /**
     * @return the hello that was sent.
     */
    public ClientHelloBuilder.Hello clientHello()
    {
        return hello;
    }

    /**
     * @return the transport announced in the frame.
     */
    public ProtocolTag tag()
    {
        return tag;
    }

    /**
     * How to connect: hello shape, transport inside, record size. Setters return this.
     */
    public static final class Options
    {
        private boolean modern;
        private int fragments = 1;
        private ProtocolTag tag = ProtocolTag.PADDED_INTERMEDIATE;
        private int maxRecordPayload = MAX_CLIENT_RECORD_PAYLOAD;
        private ClientHelloBuilder.Hello hello;

        /**
         * @param modern true for the large hello with the hybrid key share, false (default) for 517 bytes.
         * @return this.
         */
        public Options modern(final boolean modern)
        {
            this.modern = modern;
            return this;
        }

        /**
         * @param fragments handshake records to split the hello over (default 1).
         * @return this.
         */
        public Options fragments(final int fragments)
        {
            this.fragments = fragments;
            return this;
        }

        /**
         * @param tag the transport to announce in the obfuscated2 frame; tdlib always uses
         *            {@link ProtocolTag#PADDED_INTERMEDIATE} (default), others test what mtg v1 also accepts.
         * @return this.
         */
        public Options tag(final ProtocolTag tag)
        {
            this.tag = tag;
            return this;
        }

        /**
         * @param maxRecordPayload largest ApplicationData payload to send, 1..16384 (default 2878, tdlib's).
         * @return this.
         */
        public Options maxRecordPayload(final int maxRecordPayload)
        {
            if (maxRecordPayload < 1 || maxRecordPayload > MAX_SERVER_RECORD_PAYLOAD)
            {
                throw new IllegalArgumentException("record payload must be 1..16384, not " + maxRecordPayload);
            }
            this.maxRecordPayload = maxRecordPayload;
            return this;
        }

        /**
         * @param hello a prepared hello to send instead of building one, e.g. the same one twice for replay
         *              tests; its session id is what the reply must echo.
         * @return this.
         */
        public Options hello(final ClientHelloBuilder.Hello hello)
        {
            this.hello = hello;
            return this;
        }
    }
}
