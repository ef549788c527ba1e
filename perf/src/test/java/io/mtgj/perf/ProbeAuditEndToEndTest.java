package io.mtgj.perf;

import io.mtgj.net.HandshakeFailure;
import io.mtgj.probe.Ending;
import io.mtgj.probe.ProbeAudit;
import io.mtgj.probe.ProbeKind;
import io.mtgj.probe.ProbeRow;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mtg probe}'s audit ({@link ProbeAudit}) against an in-process FakeTLS proxy fronting a loopback site: the
 * proxy forwards every probe untouched, so nothing may differ; a server that is not the site must show up; a
 * simple-secret proxy must stay silent to every probe.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProbeAuditEndToEndTest
{
    private static final int PROBE_TIMEOUT_MS = 2_000;
    private static final int HANDSHAKE_TIMEOUT_MS = 500;
    private final Random random = new Random(614);
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);

    @Test
    void shouldFindNoDifferenceBetweenTheProxyAndItsCloakHost() throws Exception
    {
        try (DigestSite site = DigestSite.start(false);
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .cloakHost("127.0.0.1")
                .cloakPort(site.address().getPort())
                .handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)))
        {
            warmUp(fixture.address());

            final List<ProbeRow> rows = new ProbeAudit(fixture.address(), site.address(), CloakServer.TEST_HOST,
                secret, PROBE_TIMEOUT_MS).run();

            assertEquals(ProbeKind.values().length, rows.size(), rows.toString());
            for (final ProbeRow row : rows)
            {
                assertNotNull(row.reference(), row.toString());
                assertFalse(row.isTell(), row.toString());
            }
            final ProbeRow http = row(rows, ProbeKind.HTTP_GET);
            assertEquals(Ending.FIN, http.proxy().ending(), http.toString());
            assertTrue(http.proxy().byteCount() > 0 && http.proxy().sha256().equals(http.reference().sha256()));
            final ProbeRow valid = row(rows, ProbeKind.VALID_HELLO);
            assertEquals("handshake", valid.proxy().recordsText().split(":")[0], valid.toString());
            assertFalse(valid.differences().isEmpty(), "the proxy answers its client, the site does not");
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.REPLAY), "the replay was caught");
        }
    }

    /**
     * The same in front of a real TLS site (the JDK's TLS server, {@link CloakServer}): the site's records arrive
     * through the proxy as they left it.
     */
    @Test
    void shouldFindNoDifferenceInFrontOfATlsSite() throws Exception
    {
        try (CloakServer site = CloakServer.startTls();
            ProxyFixture fixture = ProxyFixture.start(secret, b -> b
                .cloakHost("127.0.0.1")
                .cloakPort(site.address().getPort())
                .handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)))
        {
            warmUp(fixture.address());

            final List<ProbeRow> rows = new ProbeAudit(fixture.address(), site.address(), CloakServer.TEST_HOST,
                secret, PROBE_TIMEOUT_MS).run();

            // A JSSE server's handshake time varies with the load (key generation, JIT) far more than a web
            // server's: judge what the site says and how it ends, not when.
            for (final ProbeRow row : rows)
            {
                if (row.kind().isCounted())
                {
                    for (final String difference : row.differences())
                    {
                        final boolean timingOnly = difference.startsWith("first byte ") ||
                            difference.matches("end (\\w+) \\S+ vs \\1 \\S+");
                        assertTrue(timingOnly, row.toString());
                    }
                }
            }
            final ProbeRow foreign = row(rows, ProbeKind.FOREIGN_SNI);
            assertTrue(foreign.proxy().recordsText().startsWith("handshake:"), foreign.toString());
            assertTrue(foreign.proxy().shape().isLike(foreign.reference().shape()), foreign.toString());
            final ProbeRow replay = row(rows, ProbeKind.REPLAYED_HELLO);
            assertTrue(replay.proxy().shape().isLike(replay.reference().shape()), "the replay reached the site: " +
                replay);
            final ProbeRow valid = row(rows, ProbeKind.VALID_HELLO);
            assertTrue(valid.differences().get(0).startsWith("records handshake:"), "only the proxy's client gets " +
                "its one-record answer: " + valid);
        }
    }

    @Test
    void shouldShowAServerThatIsNotTheSite() throws Exception
    {
        try (DigestSite site = DigestSite.start(false);
            DigestSite other = DigestSite.start(true))
        {
            final List<ProbeRow> rows = new ProbeAudit(other.address(), site.address(), CloakServer.TEST_HOST,
                secret, PROBE_TIMEOUT_MS).run();

            final List<ProbeKind> tells = new ArrayList<>();
            for (final ProbeRow row : rows)
            {
                if (row.isTell())
                {
                    tells.add(row.kind());
                }
            }
            assertTrue(tells.containsAll(List.of(ProbeKind.HTTP_GET, ProbeKind.TRUNCATED_HELLO, ProbeKind.EMPTY)),
                rows.toString());
            assertTrue(row(rows, ProbeKind.EMPTY).differences().get(0).startsWith("bytes "), rows.toString());
        }
    }

    @Test
    void shouldFindASimpleSecretProxySilent() throws Exception
    {
        final Secret simple = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(simple, b -> b.handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS)))
        {
            final List<ProbeRow> rows = new ProbeAudit(fixture.address(), null, "www.example.com", simple,
                PROBE_TIMEOUT_MS).run();

            assertEquals(6, rows.size(), "no valid hello without a tls secret: " + rows);
            for (final ProbeRow row : rows)
            {
                assertEquals(0, row.proxy().byteCount(), row.toString());
                assertTrue(row.differences().isEmpty(), row.toString());
            }
            assertEquals(0, fixture.dc.connections(), "no probe reached Telegram");
        }
    }

    private static ProbeRow row(final List<ProbeRow> rows, final ProbeKind kind)
    {
        for (final ProbeRow row : rows)
        {
            if (row.kind() == kind)
            {
                return row;
            }
        }
        throw new AssertionError("no row " + kind + " in " + rows);
    }

    /**
     * One cloaked request first, so the proxy's cloak path is loaded and compiled before timings are classed.
     */
    private static void warmUp(final InetSocketAddress proxy) throws IOException
    {
        for (int i = 0; i < 3; i++)
        {
            try (Socket socket = new Socket())
            {
                socket.setSoTimeout(PROBE_TIMEOUT_MS);
                socket.connect(proxy, PROBE_TIMEOUT_MS);
                socket.getOutputStream().write("GET /warm-up HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            }
        }
    }

    /**
     * A loopback site whose answer is a function of what it received: once a client half-closes or sends a
     * complete HTTP request head, it answers {@code received <n> bytes, sha256 <hex>} and closes; until then it
     * reads in silence. The {@code different} one answers "400 bad request" to everything, at once, and closes.
     */
    private static final class DigestSite implements AutoCloseable
    {
        private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

        private final ServerSocket server;
        private final boolean different;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        private DigestSite(final ServerSocket server, final boolean different)
        {
            this.server = server;
            this.different = different;
            final Thread acceptor = new Thread(this::accept, "digest-site-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static DigestSite start(final boolean different) throws IOException
        {
            return new DigestSite(new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1")), different);
        }

        InetSocketAddress address()
        {
            return (InetSocketAddress)server.getLocalSocketAddress();
        }

        private void accept()
        {
            while (!server.isClosed())
            {
                try
                {
                    final Socket socket = server.accept();
                    open.add(socket);
                    final Thread thread = new Thread(() -> serve(socket), "digest-site-conn");
                    thread.setDaemon(true);
                    thread.start();
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        }

        private void serve(final Socket socket)
        {
            try (socket)
            {
                if (different)
                {
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                socket.setSoTimeout(30_000);
                final InputStream in = socket.getInputStream();
                final ByteArrayOutputStream received = new ByteArrayOutputStream();
                final byte[] chunk = new byte[4096];
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk))
                {
                    received.write(chunk, 0, n);
                    final byte[] all = received.toByteArray();
                    if (all.length >= HEAD_END.length && Arrays.equals(all, all.length - HEAD_END.length, all.length,
                        HEAD_END, 0, HEAD_END.length))
                    {
                        break;
                    }
                }
                socket.getOutputStream().write(answerTo(received.toByteArray()));
            }
            catch (final IOException ex)
            {
                // the client left: no answer
            }
            finally
            {
                open.remove(socket);
            }
        }

        private static byte[] answerTo(final byte[] received)
        {
            try
            {
                final byte[] digest = MessageDigest.getInstance("SHA-256").digest(received);
                return ("received " + received.length + " bytes, sha256 " + io.mtgj.secret.Hex.encode(digest) + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            for (final Socket socket : open)
            {
                socket.close();
            }
        }
    }
}
