package io.mtgj.perf;

import io.mtgj.config.StatsConfig;
import io.mtgj.config.UsersSettings;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.RejectReason;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import io.mtgj.users.Account;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Named users on one port ({@code --secrets FILE}), end to end with real client handshakes: every mode served
 * under the secret it proves and only in that mode, strangers fronted to the host their SNI names, and per-user
 * metrics. Limits, reloads and saved usage are in {@link NamedUsersReloadTest}.
 * FakeTLS hosts are loopback names, so no test looks a name up in DNS or dials off the machine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamedUsersEndToEndTest
{
    /** Read timeout of clients expected to be served. */
    static final int TIMEOUT_MS = 10_000;
    /** Read timeout of clients expected to be refused: closed at once, or cloaked to a port nothing listens on. */
    static final int REFUSAL_TIMEOUT_MS = 3_000;
    /** Bytes of one echoed packet when a test spends a quota. */
    static final int BULK_PACKET = 16 * 1024;
    private static final int MAX_FRONT_CONNECTIONS = 8;
    private static final int ACCEPT_TIMEOUT_MS = 30_000;
    private static final int MAX_QUOTA_PACKETS = 8;
    private final Random random = new Random(15);
    private final Secret alice = Secret.generate(SecretMode.FAKE_TLS, "localhost", random);
    private final Secret bob = Secret.generate(SecretMode.SECURED, null, random);
    private final Secret kiosk = Secret.generate(SecretMode.SIMPLE, null, random);
    private final Secret carol = Secret.generate(SecretMode.FAKE_TLS, "127.0.0.2", random);

    @TempDir
    Path dir;

    @Test
    void shouldServeEveryModeOnOnePort() throws Exception
    {
        final Path file = dir.resolve("secrets.txt");
        Files.writeString(file, "# users\nalice " + alice.toHex() + " max-connections=2\nbob " + bob.toHex() +
            "\nkiosk " + kiosk.toHex() + "\ncarol " + carol.toHex() + "\n");
        try (ProxyFixture fixture = ProxyFixture.start(alice, b -> b.users(new UsersSettings(file))))
        {
            for (final Secret secret : new Secret[] {alice, bob, kiosk, carol})
            {
                try (ClientConnection client = ClientConnection.connect(fixture.address(), secret,
                    ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS))
                {
                    final byte[] payload = new byte[64];
                    random.nextBytes(payload);
                    client.echo(payload);
                }
            }
            fixture.awaitQuiet();
            assertEquals(4, fixture.proxy.handshakes());
            assertEquals(0, fixture.proxy.crashes());
            assertEquals(0, fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT));
            assertTrue(fixture.proxy.users().accounts().get(0).ingressBytes() > 64);
            assertEquals("mixed", fixture.proxy.modeLabel());
        }
    }

    /**
     * One key, one mode: a FakeTLS key is no simple or secured secret, a secured key takes padded intermediate
     * only, and a hello naming a user's host is proven by that user's key alone.
     */
    @Test
    void shouldServeEachKeyOnlyInItsOwnModeAndUnderItsOwnHost() throws Exception
    {
        final Path file = writeSecrets(dir, "alice " + alice.toHex(), "bob " + bob.toHex(), "kiosk " + kiosk.toHex(),
            "carol " + carol.toHex());
        try (ProxyFixture fixture = ProxyFixture.start(alice, b -> b.users(new UsersSettings(file))))
        {
            final Secret aliceAsSimple = Secret.parse(Hex.encode(alice.key()));
            final Secret aliceAsSecured = Secret.parse("dd" + Hex.encode(alice.key()));
            final Secret bobAsSimple = Secret.parse(Hex.encode(bob.key()));
            assertTrue(isRefused(fixture, aliceAsSimple, ProtocolTag.INTERMEDIATE, random),
                "a FakeTLS key in a bare obfuscated2 frame");
            assertTrue(isRefused(fixture, aliceAsSecured, ProtocolTag.PADDED_INTERMEDIATE, random),
                "a FakeTLS key as a secured secret");
            assertTrue(isRefused(fixture, bobAsSimple, ProtocolTag.INTERMEDIATE, random),
                "a secured key with intermediate");
            assertTrue(isRefused(fixture, bobAsSimple, ProtocolTag.ABRIDGED, random), "a secured key with abridged");
            assertTrue(isHelloRefused(fixture, alice, carol.host()), "alice's key under carol's host");
            assertTrue(isHelloRefused(fixture, carol, alice.host()), "carol's key under alice's host");
            assertEquals(0, fixture.proxy.handshakes(), "no refused client reached the DC");

            assertFalse(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "bob as bob");
            assertFalse(isRefused(fixture, kiosk, ProtocolTag.ABRIDGED, random), "a simple key takes abridged");
            assertFalse(isRefused(fixture, kiosk, ProtocolTag.PADDED_INTERMEDIATE, random),
                "a simple key takes padded intermediate");
            assertFalse(isHelloRefused(fixture, carol, carol.host()), "carol as carol");
            assertFalse(isHelloRefused(fixture, alice, alice.host()), "alice as alice");
            fixture.awaitQuiet();
            assertEquals(5, fixture.proxy.handshakes());
            assertEquals(5, fixture.dc.connections());
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_TLS),
                "the FakeTLS key's frames, proven by no key and fronted as what is not TLS");
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_OURS), "bob's key, wrong transport");
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_DIGEST), "the two crossed hellos");
            assertEquals(2, failures(account(fixture, "bob"), "bad_frame"),
                "bob's key proved the frames with a transport bob may not use");
            assertEquals(0, failures(account(fixture, "alice"), "bad_frame"), "a frame is never tried on a TLS key");
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    /**
     * Strangers whose hello names a user's host are fronted to that host, each FakeTLS user looking like its own
     * website; a hello naming no user's host goes to the proxy's cloak host. The hosts share the cloak port, so
     * each one listens on its own loopback address: {@code localhost} (127.0.0.1), 127.0.0.2 and, for the proxy's
     * own cloak host, 127.0.0.3.
     */
    @Test
    void shouldFrontStrangersToTheHostTheirHelloNames() throws Exception
    {
        final Secret dora = Secret.generate(SecretMode.FAKE_TLS, "localhost", random);
        final Secret erin = Secret.generate(SecretMode.FAKE_TLS, "127.0.0.2", random);
        final Path file = writeSecrets(dir, "dora " + dora.toHex(), "erin " + erin.toHex(), "kiosk " + kiosk.toHex());
        try (CloakServer doraSite = CloakServer.startPlain();
            Front erinSite = Front.bindOrSkip("127.0.0.2", doraSite.address().getPort());
            Front defaultSite = Front.bindOrSkip("127.0.0.3", doraSite.address().getPort());
            ProxyFixture fixture = ProxyFixture.start(dora, b -> b.users(new UsersSettings(file))
                .cloakHost("127.0.0.3").cloakPort(doraSite.address().getPort())))
        {
            final long now = System.currentTimeMillis() / 1000;
            final byte[] stranger = new byte[16];
            random.nextBytes(stranger);
            final byte[] toDora = new ClientHelloBuilder(stranger, "localhost", now, random).build().wire();
            final byte[] toErin = new ClientHelloBuilder(stranger, "127.0.0.2", now, random).build().wire();
            final byte[] toNobody = new ClientHelloBuilder(stranger, "nobody.invalid", now, random).build().wire();
            final byte[] doraAsErin = new ClientHelloBuilder(dora.key(), "127.0.0.2", now, random).build().wire();

            assertFronted(fixture, toDora);
            Await.until("the stranger at dora's host", TIMEOUT_MS,
                () -> 1 == doraSite.connections() && Arrays.equals(toDora, doraSite.received(0)));
            assertFronted(fixture, toErin);
            Await.until("the stranger at erin's host", TIMEOUT_MS, () -> erinSite.hasReceived(0, toErin));
            assertFronted(fixture, toNobody);
            Await.until("the stranger at the proxy's cloak host", TIMEOUT_MS,
                () -> defaultSite.hasReceived(0, toNobody));
            assertFronted(fixture, doraAsErin);
            Await.until("dora's key under erin's host at erin's host", TIMEOUT_MS,
                () -> erinSite.hasReceived(1, doraAsErin));

            assertEquals(4, fixture.proxy.cloakedConnections());
            assertEquals(3, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_DIGEST));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_SNI));
            assertEquals(1, doraSite.connections());
            assertEquals(2, erinSite.connections());
            assertEquals(1, defaultSite.connections());
            assertFalse(isHelloRefused(fixture, dora, dora.host()), "dora is served, not fronted");
            assertFalse(isHelloRefused(fixture, erin, erin.host()), "erin is served, not fronted");
            fixture.awaitQuiet();
            assertEquals(2, fixture.dc.connections());
            assertEquals(4, fixture.proxy.cloakedConnections());
        }
    }

    @Test
    void shouldLabelMetricsByUserAndDropRemovedUsers() throws Exception
    {
        final Path file = writeSecrets(dir, "alice " + alice.toHex() + " max-connections=1", "bob " + bob.toHex(),
            "kiosk " + kiosk.toHex());
        final StatsConfig stats =
            StatsConfig.builder().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (ProxyFixture fixture = ProxyFixture.start(alice, b -> b.users(new UsersSettings(file))
            .stats(stats)))
        {
            final InetSocketAddress endpoint = fixture.proxy.statsAddress();
            try (ClientConnection aliceClient = open(fixture, alice, random);
                ClientConnection bobClient = open(fixture, bob, random))
            {
                echo(aliceClient, random);
                echo(bobClient, random);
                assertTrue(isRefused(fixture, alice, ProtocolTag.PADDED_INTERMEDIATE, random), "alice's second");
                Await.until("alice's refusal and bob's echo to be counted", TIMEOUT_MS,
                    () -> 1 == fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT) &&
                        account(fixture, "bob").egressBytes() > 0);

                final MetricsScrape metrics = MetricsScrape.scrape(endpoint);
                assertEquals(1, metrics.value(userSample("user_connections", "alice", null)));
                assertEquals(1, metrics.value(userSample("user_connections", "bob", null)));
                assertEquals(0, metrics.value(userSample("user_connections", "kiosk", null)));
                assertTrue(metrics.value(userSample("user_traffic_bytes_total", "alice", "direction=\"ingress\"")) > 0);
                assertTrue(metrics.value(userSample("user_traffic_bytes_total", "alice", "direction=\"egress\"")) > 0);
                assertTrue(metrics.value(userSample("user_traffic_bytes_total", "bob", "direction=\"ingress\"")) > 0);
                assertEquals(0, metrics.value(userSample("user_traffic_bytes_total", "kiosk", "direction=\"egress\"")));
                assertEquals(1, metrics.value(userSample("user_handshake_failures_total", "alice",
                    "reason=\"connection_limit\"")));
                assertEquals(0, metrics.value(userSample("user_handshake_failures_total", "bob",
                    "reason=\"connection_limit\"")));
                for (final String reason : Account.FAILURE_LABELS)
                {
                    metrics.value(userSample("user_handshake_failures_total", "kiosk", "reason=\"" + reason + "\""));
                }
            }

            Files.writeString(file, "alice " + alice.toHex() + " max-connections=1\nkiosk " + kiosk.toHex() + "\n");
            assertTrue(fixture.proxy.reloadUsers());
            final String body = MetricsScrape.get(endpoint, "/metrics", 200);
            assertFalse(body.contains("user=\"bob\""), "bob was removed:\n" + body);
            assertTrue(body.contains("mtg_user_connections{mode=\"mixed\",user=\"alice\""), body);
            assertTrue(body.contains("mtg_user_connections{mode=\"mixed\",user=\"kiosk\""), body);
        }
    }

    /**
     * @return the sample's name as {@link MetricsScrape} keys it, under mode {@code mixed}.
     */
    private static String userSample(final String metric, final String user, final String label)
    {
        return "mtg_" + metric + "{mode=\"mixed\",user=\"" + user + "\"" + (null == label ? "" : "," + label) + "}";
    }

    /**
     * @param dir   where to write.
     * @param lines the users, one a line.
     * @return a secrets file holding them.
     * @throws IOException when it cannot be written.
     */
    static Path writeSecrets(final Path dir, final String... lines) throws IOException
    {
        final Path file = dir.resolve("secrets.txt");
        Files.writeString(file, "# name secret [options]\n" + String.join("\n", lines) + "\n");
        return file;
    }

    /**
     * @return a client of the secret past its handshake, the way a Telegram app of that secret's mode connects.
     */
    static ClientConnection open(final ProxyFixture fixture, final Secret secret, final Random random)
        throws IOException
    {
        return ClientConnection.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random,
            TIMEOUT_MS);
    }

    /**
     * One round trip of 64 random bytes through the fake DC.
     */
    static void echo(final ClientConnection client, final Random random) throws IOException
    {
        final byte[] payload = new byte[64];
        random.nextBytes(payload);
        client.echo(payload);
    }

    /**
     * @return whether a client of the secret with that transport gets no echo: closed, reset or cloaked.
     */
    static boolean isRefused(final ProxyFixture fixture, final Secret secret, final ProtocolTag tag,
        final Random random)
    {
        try (ClientConnection client = ClientConnection.connect(fixture.address(), secret, tag, (short)2, random,
            REFUSAL_TIMEOUT_MS))
        {
            echo(client, random);
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /**
     * @param signer whose key signs the hello (and checks the proxy's reply).
     * @param sni    the host the hello names.
     * @return whether the hello gets no ServerHello or the client no echo.
     */
    private boolean isHelloRefused(final ProxyFixture fixture, final Secret signer, final String sni)
    {
        final ClientHelloBuilder.Hello hello =
            new ClientHelloBuilder(signer.key(), sni, System.currentTimeMillis() / 1000, random).build();
        try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), signer, (short)2, random,
            REFUSAL_TIMEOUT_MS, FakeTlsClient.NOW, new FakeTlsClient.Options().hello(hello)))
        {
            echo(client, random);
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /**
     * Echo packets of {@link #BULK_PACKET} bytes until the proxy closes the connection.
     *
     * @return how many packets were sent, the one that found the connection closed included.
     */
    static int spendUntilClosed(final ClientConnection client, final Random random)
    {
        final byte[] payload = new byte[BULK_PACKET];
        for (int i = 1; i <= MAX_QUOTA_PACKETS; i++)
        {
            random.nextBytes(payload);
            try
            {
                client.echo(payload);
            }
            catch (final IOException ex)
            {
                return i;
            }
        }
        return fail("still open after " + MAX_QUOTA_PACKETS + " packets of " + BULK_PACKET + " bytes");
    }

    /**
     * @return the named user's account.
     */
    static Account account(final ProxyFixture fixture, final String name)
    {
        for (final Account account : fixture.proxy.users().accounts())
        {
            if (account.name().equals(name))
            {
                return account;
            }
        }
        throw new AssertionError("no user " + name);
    }

    /**
     * @return the account's count of one of {@link Account#FAILURE_LABELS}.
     */
    static long failures(final Account account, final String label)
    {
        final long[] counts = new long[Account.FAILURE_LABELS.length];
        account.failures(counts);
        final int index = Arrays.asList(Account.FAILURE_LABELS).indexOf(label);
        assertTrue(index >= 0, label);
        return counts[index];
    }

    /**
     * Send a stranger's bytes and read the cloak host's banner back through the proxy.
     */
    private static void assertFronted(final ProxyFixture fixture, final byte[] probe) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(fixture.address(), TIMEOUT_MS);
            socket.getOutputStream().write(probe);
            assertArrayEquals(CloakServer.BANNER, socket.getInputStream().readNBytes(CloakServer.BANNER.length));
        }
    }

    /**
     * A website on another loopback address but the cloak port, as {@link CloakServer#startPlain()} answers: it
     * records what each connection sends and answers {@link CloakServer#BANNER} after the first bytes. Serves its
     * connections one after another, at most {@link #MAX_FRONT_CONNECTIONS}.
     */
    private static final class Front implements AutoCloseable
    {
        private final ServerSocket server;
        private final List<ByteArrayOutputStream> recordings = new CopyOnWriteArrayList<>();
        private final Thread thread;

        private Front(final ServerSocket server)
        {
            this.server = server;
            this.thread = new Thread(this::serve, "named-users-front");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * @param address a loopback address other than 127.0.0.1.
         * @param port    the cloak port.
         * @return the site, or the test skipped when the address cannot be bound (only 127.0.0.1 is loopback on
         *         some systems).
         */
        static Front bindOrSkip(final String address, final int port) throws IOException
        {
            final ServerSocket server = new ServerSocket();
            try
            {
                server.setReuseAddress(true);
                server.setSoTimeout(ACCEPT_TIMEOUT_MS);
                server.bind(new InetSocketAddress(InetAddress.getByName(address), port), MAX_FRONT_CONNECTIONS);
            }
            catch (final IOException ex)
            {
                server.close();
                Assumptions.abort("cannot listen on " + address + ":" + port + ": " + ex.getMessage());
            }
            return new Front(server);
        }

        private void serve()
        {
            for (int i = 0; i < MAX_FRONT_CONNECTIONS; i++)
            {
                try (Socket socket = server.accept())
                {
                    socket.setSoTimeout(TIMEOUT_MS);
                    final ByteArrayOutputStream recording = new ByteArrayOutputStream();
                    recordings.add(recording);
                    final InputStream in = socket.getInputStream();
                    final OutputStream out = socket.getOutputStream();
                    final byte[] chunk = new byte[8192];
                    boolean answered = false;
                    int n;
                    while ((n = in.read(chunk)) > 0 && recording.size() < 1 << 20)
                    {
                        synchronized (recording)
                        {
                            recording.write(chunk, 0, n);
                        }
                        if (!answered)
                        {
                            out.write(CloakServer.BANNER);
                            out.flush();
                            answered = true;
                        }
                    }
                }
                catch (final IOException ex)
                {
                    if (server.isClosed())
                    {
                        return;
                    }
                }
            }
        }

        int connections()
        {
            return recordings.size();
        }

        boolean hasReceived(final int connection, final byte[] expected)
        {
            if (recordings.size() <= connection)
            {
                return false;
            }
            final ByteArrayOutputStream recording = recordings.get(connection);
            synchronized (recording)
            {
                return Arrays.equals(expected, recording.toByteArray());
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            try
            {
                thread.join(TIMEOUT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
