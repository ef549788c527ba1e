package io.mtgj.perf;

import io.mtgj.antireplay.ReplayCacheFile;
import io.mtgj.config.UsersSettings;
import io.mtgj.net.CloseReason;
import io.mtgj.net.RejectReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import io.mtgj.antireplay.ReplayCacheFile;
import io.mtgj.users.UsageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.mtgj.perf.NamedUsersEndToEndTest.BULK_PACKET;
import static io.mtgj.perf.NamedUsersEndToEndTest.TIMEOUT_MS;
import static io.mtgj.perf.NamedUsersEndToEndTest.account;
import static io.mtgj.perf.NamedUsersEndToEndTest.echo;
import static io.mtgj.perf.NamedUsersEndToEndTest.failures;
import static io.mtgj.perf.NamedUsersEndToEndTest.isRefused;
import static io.mtgj.perf.NamedUsersEndToEndTest.open;
import static io.mtgj.perf.NamedUsersEndToEndTest.spendUntilClosed;
import static io.mtgj.perf.NamedUsersEndToEndTest.writeSecrets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Named users' limits (connections, quota, expiry), the users as the secrets file changes under a running proxy
 * (polled every 2 s, or re-read at once by {@code Proxy.reloadUsers()}, which SIGHUP calls) and their usage as it
 * outlives a restart under {@code --state-dir}; real client handshakes throughout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamedUsersReloadTest
{
    /** The file is polled every 2 s: a change is served within one poll and the reload itself. */
    private static final long POLL_BOUND_MS = 4_000;
    private static final long RETRY_STEP_MS = 100;
    private static final int MAX_ATTEMPTS = 100;
    private static final long QUOTA_BYTES = 256 * 1024;
    private static final int PACKETS_BEFORE_RESTART = 4;
    private final Random random = new Random(1515);
    private final Secret alice = Secret.generate(SecretMode.FAKE_TLS, "localhost", random);
    private final Secret bob = Secret.generate(SecretMode.SECURED, null, random);
    private final Secret kiosk = Secret.generate(SecretMode.SIMPLE, null, random);
    private final Secret carol = Secret.generate(SecretMode.FAKE_TLS, "127.0.0.2", random);

    @TempDir
    Path dir;

    /**
     * A third connection over {@code max-connections=2} is refused while the two go on; traffic past
     * {@code quota=64KB} closes every connection of the user and refuses new ones; {@code expires} yesterday (UTC)
     * refuses, tomorrow serves.
     */
    @Test
    void shouldEnforceConnectionLimitQuotaAndExpiry() throws Exception
    {
        final Secret pair = Secret.generate(SecretMode.SIMPLE, null, random);
        final Secret metered = Secret.generate(SecretMode.SECURED, null, random);
        final Secret lapsed = Secret.generate(SecretMode.FAKE_TLS, "localhost", random);
        final Secret current = Secret.generate(SecretMode.SIMPLE, null, random);
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        final Path file = writeSecrets(dir, "pair " + pair.toHex() + " max-connections=2",
            "metered " + metered.toHex() + " quota=64KB", "lapsed " + lapsed.toHex() + " expires=" + today.minusDays(1),
            "current " + current.toHex() + " expires=" + today.plusDays(1));
        try (ProxyFixture fixture = ProxyFixture.start(pair, b -> b.users(new UsersSettings(file))))
        {
            try (ClientConnection first = open(fixture, pair, random);
                ClientConnection second = open(fixture, pair, random))
            {
                echo(first, random);
                echo(second, random);
                assertTrue(isRefused(fixture, pair, ProtocolTag.INTERMEDIATE, random), "a third connection");
                Await.until("the refusal to be counted", TIMEOUT_MS,
                    () -> 1 == fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT));
                echo(first, random);
                echo(second, random);
                assertEquals(1, failures(account(fixture, "pair"), "connection_limit"));
            }

            try (ClientConnection idle = open(fixture, metered, random);
                ClientConnection busy = open(fixture, metered, random))
            {
                echo(idle, random);
                final int packets = spendUntilClosed(busy, random);
                assertTrue(packets >= 2 && packets <= 3, "64KB lasts two round trips of 16KB, not " + packets);
                assertTrue(idle.isClosedByPeer(), "the user's other connection is closed too");
            }
            Await.until("both connections to be revoked", TIMEOUT_MS,
                () -> 2 == fixture.proxy.closed(CloseReason.REVOKED));
            assertTrue(account(fixture, "metered").usage().bytes() >= 64 * 1024);
            assertTrue(isRefused(fixture, metered, ProtocolTag.PADDED_INTERMEDIATE, random), "out of quota");
            Await.until("the quota refusal to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.rejected(RejectReason.USER_QUOTA));

            assertTrue(isRefused(fixture, lapsed, ProtocolTag.PADDED_INTERMEDIATE, random), "expired yesterday");
            Await.until("the expiry refusal to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.rejected(RejectReason.USER_EXPIRED));
            assertFalse(isRefused(fixture, current, ProtocolTag.ABRIDGED, random), "expires tomorrow");
            fixture.awaitQuiet();
            assertEquals(1, failures(account(fixture, "lapsed"), "expired"));
            assertEquals(1, failures(account(fixture, "metered"), "quota"));
            assertEquals(0, fixture.proxy.rejected(RejectReason.USER_REMOVED));
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldServeAnAddedUserWithinAPollAndAtOnceOnReload() throws Exception
    {
        final Path file = writeSecrets(dir, line("alice", alice));
        try (ProxyFixture fixture = start(file, null))
        {
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "bob is no user yet");

            Files.writeString(file, line("bob", bob) + "\n", StandardOpenOption.APPEND);
            final long tookMs = awaitServed(fixture, bob, POLL_BOUND_MS);
            assertTrue(tookMs <= POLL_BOUND_MS, "bob served after " + tookMs + " ms");

            Files.writeString(file, line("carol", carol) + "\n", StandardOpenOption.APPEND);
            assertTrue(fixture.proxy.reloadUsers());
            assertFalse(isRefused(fixture, carol, ProtocolTag.PADDED_INTERMEDIATE, random), "carol at once");
            assertFalse(isRefused(fixture, alice, ProtocolTag.PADDED_INTERMEDIATE, random), "alice all along");
            assertEquals(List.of("alice", "bob", "carol"), names(fixture));
            assertEquals("mixed", fixture.proxy.modeLabel());
        }
    }

    @Test
    void shouldCloseARemovedUsersConnectionsAndKeepTheOthers() throws Exception
    {
        final Path file = writeSecrets(dir, line("alice", alice), line("bob", bob), line("kiosk", kiosk));
        try (ProxyFixture fixture = start(file, null);
            ClientConnection aliceClient = open(fixture, alice, random);
            ClientConnection bobClient = open(fixture, bob, random);
            ClientConnection kioskClient = open(fixture, kiosk, random))
        {
            echo(aliceClient, random);
            echo(bobClient, random);
            echo(kioskClient, random);

            // as an editor saves: a new file renamed over the old one
            replace(file, line("alice", alice) + "\n" + line("kiosk", kiosk) + "\n");
            Await.until("the poll to close bob's connection", POLL_BOUND_MS,
                () -> 1 == fixture.proxy.closed(CloseReason.REVOKED));
            assertTrue(bobClient.isClosedByPeer(), "bob's open connection is closed");
            echo(aliceClient, random);
            echo(kioskClient, random);
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "bob is gone");

            Files.writeString(file, line("alice", alice) + "\n");
            assertTrue(fixture.proxy.reloadUsers());
            Await.until("the reload to close kiosk's connection", TIMEOUT_MS,
                () -> 2 == fixture.proxy.closed(CloseReason.REVOKED));
            assertTrue(kioskClient.isClosedByPeer(), "kiosk's open connection is closed");
            echo(aliceClient, random);
            assertEquals(List.of("alice"), names(fixture));
            assertEquals(2, fixture.proxy.closed(CloseReason.REVOKED));
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    @Test
    void shouldApplyALoweredConnectionLimitToNewConnectionsOnly() throws Exception
    {
        final Path file = writeSecrets(dir, line("alice", alice) + " max-connections=3", line("kiosk", kiosk));
        try (ProxyFixture fixture = start(file, null))
        {
            try (ClientConnection first = open(fixture, alice, random);
                ClientConnection second = open(fixture, alice, random))
            {
                echo(first, random);
                echo(second, random);
                Files.writeString(file, line("alice", alice) + " max-connections=1\n" + line("kiosk", kiosk) + "\n");
                assertTrue(fixture.proxy.reloadUsers());
                assertEquals(1, account(fixture, "alice").spec().maxConnections());
                assertTrue(isRefused(fixture, alice, ProtocolTag.PADDED_INTERMEDIATE, random), "over the new limit");
                Await.until("the refusal to be counted", TIMEOUT_MS,
                    () -> 1 == fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT));
                echo(first, random);
                echo(second, random);
                assertEquals(2, account(fixture, "alice").connections(), "the open ones stay");
            }
            Await.until("alice's connections to close", TIMEOUT_MS, () -> 0 == account(fixture, "alice").connections());
            try (ClientConnection only = open(fixture, alice, random))
            {
                echo(only, random);
                assertTrue(isRefused(fixture, alice, ProtocolTag.PADDED_INTERMEDIATE, random), "one is the limit");
            }
            assertEquals(0, fixture.proxy.closed(CloseReason.REVOKED));
            assertEquals(2, fixture.proxy.rejected(RejectReason.USER_CONNECTION_LIMIT));
        }
    }

    @Test
    void shouldRevokeTheOldKeyAndKeepTheCountsWhenAKeyIsRotated() throws Exception
    {
        final Secret rotated = Secret.generate(SecretMode.SECURED, null, random);
        final Path file = writeSecrets(dir, line("alice", alice), line("bob", bob));
        try (ProxyFixture fixture = start(file, null))
        {
            final long before;
            try (ClientConnection leaked = open(fixture, bob, random))
            {
                echo(leaked, random);
                before = account(fixture, "bob").ingressBytes();
                Files.writeString(file, line("alice", alice) + "\n" + line("bob", rotated) + "\n");
                assertTrue(fixture.proxy.reloadUsers());
                // a new key revokes the old one: its open connections go too, as with a removed user
                assertTrue(leaked.isClosedByPeer(), "the connection under the old key is closed");
            }
            // the client sees the close before the reactor has counted it
            Await.until("the revocation to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.closed(CloseReason.REVOKED));
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "the old key");
            assertFalse(isRefused(fixture, rotated, ProtocolTag.PADDED_INTERMEDIATE, random), "the new key");
            fixture.awaitQuiet();
            assertTrue(account(fixture, "bob").ingressBytes() > before, "bob's counts go on");
        }
    }

    @Test
    void shouldLetAUserBackInWhenItsQuotaIsRaised() throws Exception
    {
        final Path file = writeSecrets(dir, line("alice", alice), line("metered", bob) + " quota=64KB");
        try (ProxyFixture fixture = start(file, null))
        {
            try (ClientConnection client = open(fixture, bob, random))
            {
                spendUntilClosed(client, random);
            }
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "out of quota");
            fixture.awaitQuiet();
            final long used = account(fixture, "metered").usage().bytes();
            Files.writeString(file, line("alice", alice) + "\n" + line("metered", bob) + " quota=1MB\n");
            assertTrue(fixture.proxy.reloadUsers());
            assertFalse(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "under the new quota");
            fixture.awaitQuiet();
            assertTrue(account(fixture, "metered").usage().bytes() > used, "the count was kept, not reset");
            assertEquals(1, fixture.proxy.rejected(RejectReason.USER_QUOTA));
        }
    }

    @Test
    void shouldKeepThePreviousUsersWhenTheFileIsBroken() throws Exception
    {
        final Path file = writeSecrets(dir, line("alice", alice), line("kiosk", kiosk));
        try (ProxyFixture fixture = start(file, null);
            ClientConnection kioskClient = open(fixture, kiosk, random))
        {
            echo(kioskClient, random);
            // kiosk left out and a bad line: nothing of it applies
            Files.writeString(file, line("alice", alice) + "\nbob not-a-secret\n");
            assertFalse(fixture.proxy.reloadUsers());
            echo(kioskClient, random);
            assertFalse(isRefused(fixture, kiosk, ProtocolTag.ABRIDGED, random), "kiosk stays");
            assertFalse(isRefused(fixture, alice, ProtocolTag.PADDED_INTERMEDIATE, random), "alice stays");
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "bob never came");
            assertEquals(List.of("alice", "kiosk"), names(fixture));

            Files.delete(file);
            assertFalse(fixture.proxy.reloadUsers(), "no file, no change");
            assertFalse(isRefused(fixture, kiosk, ProtocolTag.ABRIDGED, random), "kiosk stays without a file");
            // the short connections are over before kiosk goes, so that only the long one is revoked
            Await.until("kiosk's short connections to end", TIMEOUT_MS,
                () -> 1 == account(fixture, "kiosk").connections());

            Files.writeString(file, line("alice", alice) + "\n" + line("bob", bob) + "\n");
            assertTrue(fixture.proxy.reloadUsers());
            assertFalse(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "bob once the file is good");
            assertTrue(kioskClient.isClosedByPeer(), "kiosk, gone from the good file, is closed");
            Await.until("the revocation to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.closed(CloseReason.REVOKED));
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    /**
     * The quota's count is saved on close and read back on start: a restarted proxy refuses the user as soon as
     * the rest of the quota is used, not after a fresh one.
     */
    @Test
    void shouldCarryQuotaUsageAcrossARestart() throws Exception
    {
        final Path state = dir.resolve("state");
        final Path file = writeSecrets(dir, line("metered", bob) + " quota=256KB", line("kiosk", kiosk));
        final long used;
        try (ProxyFixture fixture = start(file, state))
        {
            try (ClientConnection client = open(fixture, bob, random))
            {
                final byte[] payload = new byte[BULK_PACKET];
                for (int i = 0; i < PACKETS_BEFORE_RESTART; i++)
                {
                    random.nextBytes(payload);
                    client.echo(payload);
                }
            }
            fixture.awaitQuiet();
            used = account(fixture, "metered").usage().bytes();
            assertTrue(used > 2L * PACKETS_BEFORE_RESTART * BULK_PACKET && used < QUOTA_BYTES, "used " + used);
        }
        final String[] saved = savedLine(state, "metered");
        assertEquals(String.valueOf(used), saved[2], "bytes saved");
        assertEquals("0", saved[3], "no connection open at the stop");
        assertEquals(List.of(ReplayCacheFile.FILE_NAME, UsageStore.FILE_NAME), filesIn(state), "no temporary file left");

        try (ProxyFixture fixture = start(file, state))
        {
            assertEquals(used, account(fixture, "metered").usage().bytes(), "the count goes on from the saved one");
            assertEquals(0, account(fixture, "kiosk").usage().bytes());
            final int packets;
            try (ClientConnection client = open(fixture, bob, random))
            {
                // a fresh 256KB would last about eight round trips of 16KB each way
                packets = spendUntilClosed(client, random);
            }
            final long spentAfterRestart = account(fixture, "metered").usage().bytes() - used;
            assertTrue(packets <= PACKETS_BEFORE_RESTART + 1, "closed after " + packets + " packets");
            assertTrue(spentAfterRestart <= QUOTA_BYTES - used + 2L * (BULK_PACKET + 64),
                "spent " + spentAfterRestart + " of the " + (QUOTA_BYTES - used) + " left");
            assertTrue(isRefused(fixture, bob, ProtocolTag.PADDED_INTERMEDIATE, random), "out of quota");
            Await.until("the quota refusal to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.rejected(RejectReason.USER_QUOTA));
            Await.until("the revocation to be counted", TIMEOUT_MS,
                () -> 1 == fixture.proxy.closed(CloseReason.REVOKED));
            fixture.awaitQuiet();
        }
        assertTrue(Long.parseLong(savedLine(state, "metered")[2]) >= QUOTA_BYTES, "the used-up quota is saved");
        assertEquals(List.of(ReplayCacheFile.FILE_NAME, UsageStore.FILE_NAME), filesIn(state), "no temporary file left");
    }

    private static ProxyFixture start(final Path file, final Path stateDir) throws IOException
    {
        return ProxyFixture.start(Secret.parse(firstSecret(file)), b -> b.users(new UsersSettings(file)).stateDir(stateDir));
    }

    /**
     * @return the secret of the file's first user, the proxy's primary secret as {@code mtg run --secrets} picks it.
     */
    private static String firstSecret(final Path file) throws IOException
    {
        for (final String text : Files.readAllLines(file))
        {
            if (!text.isBlank() && !text.startsWith("#"))
            {
                return text.trim().split("\\s+")[1];
            }
        }
        throw new AssertionError("no user in " + file);
    }

    private static String line(final String name, final Secret secret)
    {
        return name + " " + secret.toHex();
    }

    private static List<String> names(final ProxyFixture fixture)
    {
        return fixture.proxy.users().accounts().stream().map(a -> a.name()).collect(Collectors.toList());
    }

    /**
     * Write the file's new contents beside it and rename them over it, as editors and configuration tools do.
     */
    private static void replace(final Path file, final String text) throws IOException
    {
        final Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Try the secret until the proxy serves it.
     *
     * @return milliseconds until it did.
     */
    private long awaitServed(final ProxyFixture fixture, final Secret secret, final long timeoutMs)
        throws InterruptedException
    {
        final long startNs = System.nanoTime();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++)
        {
            final boolean served = !isRefused(fixture, secret, ProtocolTag.PADDED_INTERMEDIATE, random);
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (served)
            {
                return elapsedMs;
            }
            if (elapsedMs > timeoutMs)
            {
                break;
            }
            Thread.sleep(RETRY_STEP_MS);
        }
        throw new AssertionError("not served within " + timeoutMs + " ms");
    }

    /**
     * @return the fields of the user's line in the state directory's usage file.
     */
    private static String[] savedLine(final Path state, final String user) throws IOException
    {
        String[] found = null;
        for (final String text : Files.readAllLines(state.resolve(UsageStore.FILE_NAME)))
        {
            if (text.startsWith(user + "\t"))
            {
                found = text.split("\t");
            }
        }
        assertNotNull(found, user + " in " + Files.readString(state.resolve(UsageStore.FILE_NAME)));
        return found;
    }

    private static List<String> filesIn(final Path state) throws IOException
    {
        try (Stream<Path> files = Files.list(state))
        {
            return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
