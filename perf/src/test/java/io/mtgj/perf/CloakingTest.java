package io.mtgj.perf;

import io.mtgj.net.HandshakeFailure;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything that is not our FakeTLS client reaches the cloak host byte for byte, and gets its answers back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloakingTest
{
    private static final int TIMEOUT_MS = 10_000;
    private final Random random = new Random(12);
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random);

    private ProxyFixture start(final CloakServer cloak, final UnaryOperator<io.mtgj.config.ProxyConfig.Builder> more)
        throws IOException
    {
        final InetSocketAddress target = cloak.address();
        return ProxyFixture.start(secret, b -> more.apply(b
            .cloakHost(target.getAddress().getHostAddress())
            .cloakPort(target.getPort())));
    }

    @Test
    void shouldLetARealTlsClientCompleteItsHandshakeWithTheCloakHost() throws Exception
    {
        try (CloakServer cloak = CloakServer.startTls();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            assertEquals(CloakServer.PAGE, CloakServer.fetchPage(fixture.address(), TIMEOUT_MS));
            assertEquals(1, cloak.tlsHandshakes());
            assertEquals(1, fixture.proxy.cloakedConnections());
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_DIGEST));
            fixture.awaitQuiet();
            assertEquals(0, fixture.dc.connections());
        }
    }

    @Test
    void shouldFrontAReplayedHelloByteForByte() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            final long now = System.currentTimeMillis() / 1000;
            final ClientHelloBuilder.Hello hello = ClientHelloBuilder.forSecret(secret, now, random).build();
            try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random,
                TIMEOUT_MS, now, new FakeTlsClient.Options().hello(hello)))
            {
                client.send(new byte[16]);
                client.receive();
            }
            assertFrontedProbe(cloak, fixture, hello.wire(), 0);
            assertEquals(1, fixture.proxy.cloakedConnections());
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.REPLAY));
        }
    }

    @Test
    void shouldFrontStaleWrongSniAndBadDigestHellos() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            final long now = System.currentTimeMillis() / 1000;
            final ClientHelloBuilder builder = ClientHelloBuilder.forSecret(secret, now, random);
            final byte[][] probes =
            {
                builder.buildAt(now - 3600).wire(),
                builder.buildAt(now + 600).wire(), // beyond the 2 minutes ahead the default window allows
                builder.buildWithSni("example.com").wire(),
                builder.buildWithoutSni().wire(),
                builder.buildWithBadDigest().wire(),
                ClientHelloBuilder.forSecret(Secret.generate(SecretMode.FAKE_TLS, CloakServer.TEST_HOST, random),
                    now, random).modern(true).build().wire(),
            };
            for (int i = 0; i < probes.length; i++)
            {
                assertFrontedProbe(cloak, fixture, probes[i], i);
            }
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_TIME));
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_SNI));
            assertEquals(2, fixture.proxy.handshakeFailures(HandshakeFailure.BAD_DIGEST));
            fixture.awaitQuiet();
            assertEquals(0, fixture.dc.connections());
        }
    }

    @Test
    void shouldFrontWhatIsNotTls() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, UnaryOperator.identity()))
        {
            final byte[] http = "GET / HTTP/1.1\r\nHost: cloak.mtgj.test\r\n\r\n".getBytes();
            assertFrontedProbe(cloak, fixture, http, 0);
            final byte[] garbage = new byte[300];
            random.nextBytes(garbage);
            garbage[0] = 0x16; // looks like TLS for one byte
            assertFrontedProbe(cloak, fixture, garbage, 1);
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_TLS));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.MALFORMED));
        }
    }

    @Test
    void shouldFrontATruncatedHelloWhenItsClientGivesUp() throws Exception
    {
        try (CloakServer cloak = CloakServer.startPlain();
            ProxyFixture fixture = start(cloak, b -> b.handshakeTimeoutMs(300)))
        {
            final byte[] hello = ClientHelloBuilder.forSecret(secret, System.currentTimeMillis() / 1000, random)
                .build().wire();
            final byte[] truncated = Arrays.copyOf(hello, 100);
            try (Socket socket = connect(fixture))
            {
                socket.getOutputStream().write(truncated);
                // No more bytes: after the handshake timeout the cloak host gets them and answers.
                assertArrayEquals(CloakServer.BANNER, socket.getInputStream().readNBytes(CloakServer.BANNER.length));
            }
            Await.until("the cloak host to see the bytes", TIMEOUT_MS, () -> cloak.connections() == 1 &&
                Arrays.equals(truncated, cloak.received(0)));
            assertEquals(1, fixture.proxy.handshakeFailures(HandshakeFailure.INCOMPLETE));
        }
    }

    private static void assertFrontedProbe(
        final CloakServer cloak, final ProxyFixture fixture, final byte[] probe, final int connection) throws Exception
    {
        try (Socket socket = connect(fixture))
        {
            socket.getOutputStream().write(probe);
            final InputStream in = socket.getInputStream();
            assertArrayEquals(CloakServer.BANNER, in.readNBytes(CloakServer.BANNER.length), "probe " + connection);
        }
        Await.until("probe " + connection + " at the cloak host", TIMEOUT_MS,
            () -> cloak.connections() > connection && Arrays.equals(probe, cloak.received(connection)));
    }

    private static Socket connect(final ProxyFixture fixture) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(TIMEOUT_MS);
        socket.connect(fixture.address(), TIMEOUT_MS);
        return socket;
    }
}
