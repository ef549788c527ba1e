package io.mtgj.perf;

import io.mtgj.crypto.AesCtr;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only FakeTLS proxy end on loopback, written from protocol.md 4.5-4.7, so that {@link FakeTlsClient} can
 * be exercised before the engine speaks FakeTLS: it checks the hello with {@link TlsHelloVerifier}, answers a
 * ServerHello (or a deliberately broken one), then unwraps the client's records, accepts the obfuscated2 frame
 * and echoes every packet back, each answer split over two ApplicationData records. One thread per connection.
 */
final class FakeTlsServerStub implements AutoCloseable
{
    private static final byte[] CHANGE_CIPHER_SPEC = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final int MAX_PACKETS = 1000;

    /**
     * How the stub misbehaves, to test the client's checks.
     */
    enum Reply
    {
        GOOD,
        BAD_DIGEST,
        WRONG_SESSION_ID,
        TWO_APPLICATION_RECORDS,
        NO_CHANGE_CIPHER_SPEC,
        BAD_RECORD_AFTER_HANDSHAKE
    }

    /**
     * What one connection showed.
     */
    static final class Seen
    {
        volatile TlsHelloVerifier.Verdict verdict;
        volatile boolean changeCipherSpec;
        volatile int firstRecordLength = -1;
        volatile int maxRecordLength;
        volatile int records;
        volatile ProtocolTag tag;
        volatile short dc;
        volatile int packets;
        volatile String error;
    }

    private final ServerSocket server;
    private final byte[] key;
    private final String host;
    private final long nowS;
    private final Reply reply;
    private final Random random = new Random(7);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeTlsServerStub(final byte[] key, final String host, final long nowS, final Reply reply) throws IOException
    {
        this.key = key.clone();
        this.host = host;
        this.nowS = nowS;
        this.reply = reply;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        final Thread acceptor = new Thread(this::acceptLoop, "tls-stub-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address()
    {
        return (InetSocketAddress)server.getLocalSocketAddress();
    }

    List<Seen> seen()
    {
        return seen;
    }

    private void acceptLoop()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket socket = server.accept();
                final Seen connection = new Seen();
                seen.add(connection);
                final Thread worker = new Thread(() -> serve(socket, connection), "tls-stub-conn");
                worker.setDaemon(true);
                worker.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket socket, final Seen connection)
    {
        try (socket)
        {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            final byte[] hello = readHello(in);
            final TlsHelloVerifier.Verdict verdict = TlsHelloVerifier.verify(hello, key, host, nowS, 5);
            connection.verdict = verdict;
            if (TlsHelloVerifier.Status.OK != verdict.status)
            {
                return;
            }
            out.write(serverHello(verdict));
            out.flush();
            final byte[] ccs = new byte[CHANGE_CIPHER_SPEC.length];
            in.readFully(ccs);
            connection.changeCipherSpec = Arrays.equals(CHANGE_CIPHER_SPEC, ccs);
            final RecordStream records = new RecordStream(in, connection);
            final byte[] frame = new byte[HandshakeFrame.LENGTH];
            records.readFully(frame, 0, frame.length);
            final ServerHandshake handshake = ServerHandshake.accept(frame, 0, key);
            connection.tag = ProtocolTag.fromWire(handshake.tagWire());
            connection.dc = handshake.dc();
            if (Reply.BAD_RECORD_AFTER_HANDSHAKE == reply)
            {
                out.write(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28});
                out.flush();
            }
            if (null != connection.tag)
            {
                echo(records, out, connection, handshake.decryptor(), handshake.encryptor());
            }
        }
        catch (final EOFException ex)
        {
            // the client left
        }
        catch (final IOException | RuntimeException ex)
        {
            connection.error = ex.toString();
        }
    }

    private void echo(final RecordStream records, final OutputStream out, final Seen connection,
        final AesCtr decryptor, final AesCtr encryptor) throws IOException
    {
        final ProtocolTag tag = connection.tag;
        for (int i = 0; i < MAX_PACKETS; i++)
        {
            final byte[] header = new byte[4];
            final byte[] plain = new byte[4];
            if (!records.readFully(header, 0, 1))
            {
                return;
            }
            decryptor.update(header, 0, 1, plain, 0);
            int headerLength = 1;
            if (PacketFraming.NEED_MORE == PacketFraming.headerLength(tag, plain, 0, 1))
            {
                records.readFully(header, 1, 3);
                decryptor.update(header, 1, 3, plain, 1);
                headerLength = 4;
            }
            final byte[] body = new byte[PacketFraming.bodyLength(tag, plain, 0)];
            records.readFully(body, 0, body.length);
            final byte[] packet = new byte[headerLength + body.length];
            System.arraycopy(plain, 0, packet, 0, headerLength);
            System.arraycopy(decryptor.process(body), 0, packet, headerLength, body.length);
            final byte[] cipher = encryptor.process(packet);
            // Two records per answer, the first one byte long, so the client must join records.
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            writeRecord(wire, 0x17, cipher, 0, 1);
            for (int offset = 1; offset < cipher.length; offset += FakeTlsClient.MAX_SERVER_RECORD_PAYLOAD)
            {
                writeRecord(wire, 0x17, cipher, offset,
                    Math.min(FakeTlsClient.MAX_SERVER_RECORD_PAYLOAD, cipher.length - offset));
            }
            out.write(wire.toByteArray());
            out.flush();
            connection.packets++;
        }
    }

    private static byte[] readHello(final DataInputStream in) throws IOException
    {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int messageLength = 0;
        int wanted = Integer.MAX_VALUE;
        final byte[] header = new byte[5];
        final byte[] start = new byte[4];
        for (int i = 0; i < TlsHelloVerifier.MAX_FRAGMENTS && messageLength < wanted; i++)
        {
            in.readFully(header);
            final byte[] payload = new byte[TlsHelloVerifier.u16(header, 3)];
            in.readFully(payload);
            wire.write(header, 0, header.length);
            wire.write(payload, 0, payload.length);
            for (int j = 0; j < payload.length && messageLength + j < 4; j++)
            {
                start[messageLength + j] = payload[j];
            }
            messageLength += payload.length;
            if (messageLength >= 4)
            {
                wanted = 4 + ((start[1] & 0xff) << 16 | (start[2] & 0xff) << 8 | (start[3] & 0xff));
            }
        }
        return wire.toByteArray();
    }

    private byte[] serverHello(final TlsHelloVerifier.Verdict verdict)
    {
        final byte[] sessionId = verdict.sessionId.clone();
        if (Reply.WRONG_SESSION_ID == reply)
        {
            sessionId[0] ^= 0x01;
        }
        final int s = sessionId.length;
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final byte[] handshake = new byte[95 + s];
        int at = 0;
        handshake[at++] = 0x16;
        handshake[at++] = 0x03;
        handshake[at++] = 0x03;
        handshake[at++] = (byte)((90 + s) >>> 8);
        handshake[at++] = (byte)(90 + s);
        handshake[at++] = 0x02;
        handshake[at++] = 0x00;
        handshake[at++] = (byte)((86 + s) >>> 8);
        handshake[at++] = (byte)(86 + s);
        handshake[at++] = 0x03;
        handshake[at++] = 0x03;
        at += 32;
        handshake[at++] = (byte)s;
        System.arraycopy(sessionId, 0, handshake, at, s);
        at += s;
        final byte[] tail =
        {
            0x13, 0x01, 0x00, 0x00, 0x2e, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20,
        };
        System.arraycopy(tail, 0, handshake, at, tail.length);
        at += tail.length;
        final byte[] publicKey = new byte[32];
        random.nextBytes(publicKey);
        System.arraycopy(publicKey, 0, handshake, at, 32);
        at += 32;
        final byte[] versions = {0x00, 0x2b, 0x00, 0x02, 0x03, 0x04};
        System.arraycopy(versions, 0, handshake, at, versions.length);
        wire.write(handshake, 0, handshake.length);
        if (Reply.NO_CHANGE_CIPHER_SPEC != reply)
        {
            wire.write(CHANGE_CIPHER_SPEC, 0, CHANGE_CIPHER_SPEC.length);
        }
        final byte[] noise = new byte[1024 + random.nextInt(3092)];
        random.nextBytes(noise);
        writeRecord(wire, 0x17, noise, 0, noise.length);
        if (Reply.TWO_APPLICATION_RECORDS == reply)
        {
            writeRecord(wire, 0x17, noise, 0, 100);
        }
        final byte[] response = wire.toByteArray();
        final byte[] message = new byte[32 + response.length];
        System.arraycopy(verdict.random, 0, message, 0, 32);
        System.arraycopy(response, 0, message, 32, response.length);
        final byte[] digest = ClientHelloBuilder.hmacSha256(key, message);
        if (Reply.BAD_DIGEST == reply)
        {
            digest[5] ^= 0x01;
        }
        System.arraycopy(digest, 0, response, 11, 32);
        return response;
    }

    private static void writeRecord(final ByteArrayOutputStream wire, final int type, final byte[] payload,
        final int offset, final int length)
    {
        wire.write(type);
        wire.write(0x03);
        wire.write(0x03);
        wire.write(length >>> 8);
        wire.write(length);
        wire.write(payload, offset, length);
    }

    @Override
    public void close() throws IOException
    {
        server.close();
    }

    /**
     * The client's ApplicationData payloads as one stream, with record statistics.
     */
    private static final class RecordStream
    {
        private final DataInputStream in;
        private final Seen seen;
        private int remaining;

        RecordStream(final DataInputStream in, final Seen seen)
        {
            this.in = in;
            this.seen = seen;
        }

        boolean readFully(final byte[] dst, final int offset, final int length) throws IOException
        {
            int done = 0;
            while (done < length)
            {
                if (0 == remaining)
                {
                    final int type = in.read();
                    if (type < 0 && 0 == done)
                    {
                        return false;
                    }
                    final byte[] rest = new byte[4];
                    in.readFully(rest);
                    if (0x17 != type || 0x03 != rest[0] || 0x03 != rest[1])
                    {
                        throw new IOException("unexpected record type " + type);
                    }
                    remaining = TlsHelloVerifier.u16(rest, 2);
                    if (0 == remaining)
                    {
                        throw new IOException("empty record from a client");
                    }
                    if (seen.firstRecordLength < 0)
                    {
                        seen.firstRecordLength = remaining;
                    }
                    seen.maxRecordLength = Math.max(seen.maxRecordLength, remaining);
                    seen.records++;
                }
                final int n = Math.min(remaining, length - done);
                in.readFully(dst, offset + done, n);
                remaining -= n;
                done += n;
            }
            return true;
        }
    }
}
