package io.mtgj.perf;

import io.mtgj.net.HandshakeFailure;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Probing resistance of a FakeTLS secret (issue 8, item 5): a prober who sends a FakeTLS proxy anything but a hello
 * of its secret gets exactly what the fronted site gives for the same bytes, and sees the connection end when the
 * site ends it. Each probe is sent once to the cloak host directly and once through the proxy, and the two answers
 * are compared byte for byte.
 * <p>
 * The cloak host is {@link DigestCloak}: it answers a fixed function of everything it received (its length and
 * SHA-256), once the client has half-closed or sent a complete HTTP request head, and then closes. So an identical
 * answer proves that the proxy delivered exactly the probe's bytes, and nothing else, and that it relayed the close.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProbingResistanceTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final int HANDSHAKE_TIMEOUT_MS = 500;
    private final Random random = new Random(85);
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);

    @Test
    void shouldAnswerEveryProbeAsTheCloakHostDoes() throws Exception
    {
        try (DigestCloak cloak = DigestCloak.start();
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .cloakHost("127.0.0.1")
                .cloakPort(cloak.address().getPort())
                .handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)))
        {
            final long now = System.currentTimeMillis() / 1000;
            final ClientHelloBuilder.Hello used = ClientHelloBuilder.forSecret(secret, now, random).build();
            final byte[] payload = randomBytes(64);
            try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                TIMEOUT_MS, now, new FakeTlsClient.Options().hello(used)))
            {
                client.send(payload);
                final byte[] echoed = client.receive();
                assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length), "the real client is served");
            }
            final byte[] http = ("GET / HTTP/1.1\r\nHost: " + CloakServer.TEST_HOST + "\r\nUser-Agent: probe\r\n" +
                "Accept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            final byte[] garbage = randomBytes(1000);
            garbage[0] = 0x47;
            final byte[] tlsLike = randomBytes(600);
            tlsLike[0] = 0x16;
            final byte[] fresh = ClientHelloBuilder.forSecret(secret, now, random).build().wire();
            final byte[] truncated = Arrays.copyOf(fresh, 100);
            final List<Probe> probes = List.of(
                new Probe("HTTP request, half-closed", http, Ending.HALF_CLOSE),
                new Probe("HTTP request, left open until the site closes", http, Ending.WAIT_FOR_CLOSE),
                new Probe("a browser's TLS ClientHello (the JDK's)", jdkClientHello(), Ending.HALF_CLOSE),
                new Probe("random bytes", garbage, Ending.HALF_CLOSE),
                new Probe("random bytes after a TLS handshake byte", tlsLike, Ending.HALF_CLOSE),
                new Probe("a replayed valid hello", used.wire(), Ending.HALF_CLOSE),
                new Probe("a truncated hello, half-closed", truncated, Ending.HALF_CLOSE),
                new Probe("a truncated hello, left open past the handshake timeout", truncated,
                    Ending.HALF_CLOSE_ONCE_RECEIVED),
                new Probe("an empty connection", new byte[0], Ending.HALF_CLOSE),
                new Probe("a silent connection, half-closed once the site has it", new byte[0],
                    Ending.HALF_CLOSE_ONCE_RECEIVED));

            for (final Probe probe : probes)
            {
                final byte[] direct = probe.send(cloak.address(), cloak);
                final byte[] proxied = probe.send(fixture.address(), cloak);
                assertArrayEquals(DigestCloak.answerTo(probe.bytes), direct, probe.name + ": the cloak host itself");
                assertArrayEquals(direct, proxied, probe.name + ": through the proxy, got '" +
                    new String(proxied, StandardCharsets.US_ASCII) + "'");
            }

            assertEquals(probes.size(), fixture.proxy.cloakedConnections());
            assertEquals(3, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_TLS));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_DIGEST));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.REPLAY));
            assertEquals(1, fixture.dc.connections(), "only the real client reached Telegram");
            fixture.awaitQuiet();
        }
    }

    private byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Capture the first record the JDK's TLS client sends (TLS 1.3 and 1.2 offered, SNI {@link CloakServer#TEST_HOST})
     * on a loopback socket that never answers it.
     */
    private static byte[] jdkClientHello() throws IOException
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            server.setSoTimeout(TIMEOUT_MS);
            final Thread client = new Thread(() -> helloTo(server.getLocalPort()), "jdk-tls-client");
            client.setDaemon(true);
            client.start();
            try (Socket socket = server.accept())
            {
                socket.setSoTimeout(TIMEOUT_MS);
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final byte[] header = new byte[ClientHelloBuilder.RECORD_HEADER_LENGTH];
                in.readFully(header);
                final byte[] body = new byte[(header[3] & 0xff) << 8 | (header[4] & 0xff)];
                in.readFully(body);
                final byte[] hello = Arrays.copyOf(header, header.length + body.length);
                System.arraycopy(body, 0, hello, header.length, body.length);
                return hello;
            }
        }
    }

    private static void helloTo(final int port)
    {
        try (SSLSocket socket = (SSLSocket)CloakServer.clientContext().getSocketFactory().createSocket())
        {
            socket.setSoTimeout(TIMEOUT_MS);
            final SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(CloakServer.TEST_HOST)));
            socket.setSSLParameters(parameters);
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), TIMEOUT_MS);
            socket.startHandshake();
        }
        catch (final IOException ex)
        {
            // expected: the capturing side closes without answering
        }
    }

    /**
     * How a probe ends its side of the connection.
     */
    private enum Ending
    {
        /** Shut the output right after the bytes. */
        HALF_CLOSE,
        /** Keep the output open; the site answers a complete request and closes. */
        WAIT_FOR_CLOSE,
        /**
         * Keep the output open until the site holds every byte (through the proxy: after its handshake timeout),
         * then shut it.
         */
        HALF_CLOSE_ONCE_RECEIVED
    }

    /**
     * Bytes a prober sends on a fresh connection, and what it does next.
     */
    private static final class Probe
    {
        final String name;
        final byte[] bytes;
        final Ending ending;

        Probe(final String name, final byte[] bytes, final Ending ending)
        {
            this.name = name;
            this.bytes = bytes;
            this.ending = ending;
        }

        /**
         * @return everything received until the other side closed; fails when it does not close in time.
         */
        byte[] send(final InetSocketAddress address, final DigestCloak cloak) throws IOException
        {
            final int connection = cloak.connections();
            try (Socket socket = new Socket())
            {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.connect(address, TIMEOUT_MS);
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                if (Ending.HALF_CLOSE_ONCE_RECEIVED == ending)
                {
                    Await.until(name + ": the bytes at the cloak host", TIMEOUT_MS,
                        () -> cloak.connections() > connection && Arrays.equals(bytes, cloak.received(connection)));
                }
                if (Ending.WAIT_FOR_CLOSE != ending)
                {
                    socket.shutdownOutput();
                }
                return readUntilClosed(socket.getInputStream());
            }
        }

        private byte[] readUntilClosed(final InputStream in) throws IOException
        {
            final ByteArrayOutputStream all = new ByteArrayOutputStream();
            final byte[] chunk = new byte[1024];
            try
            {
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk))
                {
                    all.write(chunk, 0, n);
                }
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError(name + ": not closed within " + TIMEOUT_MS + " ms after '" +
                    all.toString(StandardCharsets.US_ASCII) + "'", ex);
            }
            return all.toByteArray();
        }
    }

    /**
     * A deterministic stand-in for the fronted site on 127.0.0.1: per connection, it reads until end of stream or
     * a complete HTTP request head ({@code \r\n\r\n} at the end of what it has), answers {@link #answerTo} of all it
     * received, and closes. Thread per connection, bounded by read timeouts and a 1 MiB cap.
     */
    private static final class DigestCloak implements AutoCloseable
    {
        private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
        private static final int MAX_BYTES = 1 << 20;

        private final ServerSocket server;
        private final List<ByteArrayOutputStream> recordings = new CopyOnWriteArrayList<>();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        private DigestCloak(final ServerSocket server)
        {
            this.server = server;
            final Thread acceptor = new Thread(this::accept, "digest-cloak-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static DigestCloak start() throws IOException
        {
            return new DigestCloak(new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1")));
        }

        /**
         * @param received everything a connection brought.
         * @return the answer: {@code received <n> bytes, sha256 <hex>\n}.
         */
        static byte[] answerTo(final byte[] received)
        {
            try
            {
                final byte[] digest = MessageDigest.getInstance("SHA-256").digest(received);
                return ("received " + received.length + " bytes, sha256 " + Hex.encode(digest) + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        InetSocketAddress address()
        {
            return (InetSocketAddress)server.getLocalSocketAddress();
        }

        int connections()
        {
            return recordings.size();
        }

        byte[] received(final int connection)
        {
            final ByteArrayOutputStream recording = recordings.get(connection);
            synchronized (recording)
            {
                return recording.toByteArray();
            }
        }

        private void accept()
        {
            while (!server.isClosed())
            {
                try
                {
                    final Socket socket = server.accept();
                    final ByteArrayOutputStream recording = new ByteArrayOutputStream();
                    open.add(socket);
                    recordings.add(recording);
                    final Thread thread = new Thread(() -> serve(socket, recording), "digest-cloak-conn");
                    thread.setDaemon(true);
                    thread.start();
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        }

        private void serve(final Socket socket, final ByteArrayOutputStream recording)
        {
            try (socket)
            {
                socket.setSoTimeout(TIMEOUT_MS);
                final InputStream in = socket.getInputStream();
                final byte[] chunk = new byte[4096];
                byte[] all = new byte[0];
                for (int n = in.read(chunk); n >= 0 && all.length < MAX_BYTES; n = in.read(chunk))
                {
                    synchronized (recording)
                    {
                        recording.write(chunk, 0, n);
                        all = recording.toByteArray();
                    }
                    if (endsWithHead(all))
                    {
                        break;
                    }
                }
                socket.getOutputStream().write(answerTo(all));
                socket.getOutputStream().flush();
            }
            catch (final IOException ex)
            {
                // the peer left or timed out: no answer
            }
            finally
            {
                open.remove(socket);
            }
        }

        private static boolean endsWithHead(final byte[] bytes)
        {
            return bytes.length >= HEAD_END.length &&
                Arrays.equals(bytes, bytes.length - HEAD_END.length, bytes.length, HEAD_END, 0, HEAD_END.length);
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            final List<Socket> sockets = new ArrayList<>(open);
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }
}
