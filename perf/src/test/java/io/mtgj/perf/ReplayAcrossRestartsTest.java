package io.mtgj.perf;

import io.mtgj.antireplay.ReplayCacheFile;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, point 4: with {@code --state-dir}, a handshake seen before a restart is still a replay after it, for a
 * FakeTLS hello (within its time window) and for an obfuscated2 frame (which has no time, so is kept for good).
 * Without a state directory the same replay gets through a restarted proxy: the gap the file closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayAcrossRestartsTest
{
    private static final int TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAFakeTlsHelloReplayedAfterARestart() throws IOException
    {
        final Random random = new Random(161);
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);
        final Path state = dir.resolve("state");
        final long now = System.currentTimeMillis() / 1000;
        final ClientHelloBuilder.Hello hello = ClientHelloBuilder.forSecret(secret, now, random).build();

        try (ProxyFixture first = ProxyFixture.start(secret, b -> b.stateDir(state)))
        {
            try (FakeTlsClient client = FakeTlsClient.connect(first.address(), secret, (short)2, random, TIMEOUT_MS,
                now, new FakeTlsClient.Options().hello(hello)))
            {
                final byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
                client.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
            }
            first.awaitQuiet();
        }
        final Path file = state.resolve(ReplayCacheFile.FILE_NAME);
        assertTrue(Files.isRegularFile(file), "saved at stop");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        try (ProxyFixture second = ProxyFixture.start(secret, b -> b.stateDir(state)))
        {
            sendAndAwaitClose(second, hello.wire());
            Await.until("the replay to be counted", TIMEOUT_MS,
                () -> 1 == second.proxy.handshakeFailures(HandshakeFailure.REPLAY));
            assertEquals(0, second.dc.connections(), "the replay never reached Telegram");
        }

        try (ProxyFixture forgetful = ProxyFixture.start(secret))
        {
            try (FakeTlsClient client = FakeTlsClient.connect(forgetful.address(), secret, (short)2, random,
                TIMEOUT_MS, now, new FakeTlsClient.Options().hello(hello)))
            {
                final byte[] payload = {9, 10, 11, 12};
                client.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length),
                    "without a state directory a restart forgets the hello");
            }
        }
    }

    @Test
    void shouldRefuseAnObfuscated2FrameReplayedAfterARestart() throws IOException
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, new Random(162));
        final Path state = dir.resolve("state");

        try (ProxyFixture first = ProxyFixture.start(secret, b -> b.stateDir(state)))
        {
            try (TestClient client = TestClient.connect(first.address(), secret, ProtocolTag.INTERMEDIATE, (short)2,
                new Random(163), TIMEOUT_MS))
            {
                final byte[] payload = {1, 2, 3, 4};
                client.send(payload);
                assertArrayEquals(payload, client.receive());
            }
            first.awaitQuiet();
        }

        try (ProxyFixture second = ProxyFixture.start(secret, b -> b.stateDir(state)))
        {
            // the same seed makes the same 64-byte frame: a replay of the first connection's handshake
            try (TestClient replay = TestClient.connect(second.address(), secret, ProtocolTag.INTERMEDIATE, (short)2,
                new Random(163), TIMEOUT_MS))
            {
                Await.until("the replay to be counted", TIMEOUT_MS,
                    () -> 1 == second.proxy.handshakeFailures(HandshakeFailure.REPLAY));
            }
            assertEquals(0, second.dc.connections(), "the replay never reached Telegram");
        }
    }

    private static void sendAndAwaitClose(final ProxyFixture fixture, final byte[] bytes) throws IOException
    {
        try (java.net.Socket socket = new java.net.Socket())
        {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.connect(fixture.address(), TIMEOUT_MS);
            socket.getOutputStream().write(bytes);
            socket.shutdownOutput();
            final byte[] sink = new byte[4096];
            try
            {
                while (socket.getInputStream().read(sink) >= 0)
                {
                    // the cloak host (nothing listens in the fixture) or the close
                }
            }
            catch (final java.net.SocketException reset)
            {
                // a reset ends it as well
            }
        }
    }
}
