package io.mtgj.perf;

import io.mtgj.net.CloseReason;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anything that is not a client of this secret and mode is closed, and not one byte reaches the DC.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeRejectionTest
{
    private static final int READ_TIMEOUT_MS = 5_000;
    private final Random random = new Random(42);

    @Test
    void shouldCloseAClientWithAnotherSecret() throws Exception
    {
        final Secret proxySecret = Secret.generate(SecretMode.SECURED, null, random);
        final Secret otherSecret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(proxySecret);
            TestClient client = TestClient.connect(fixture.address(), otherSecret,
                ProtocolTag.PADDED_INTERMEDIATE, (short)2, random, READ_TIMEOUT_MS))
        {
            client.send(new byte[64]);
            assertTrue(client.isClosedByPeer());
            assertNothingReachedTheDc(fixture, 1);
        }
    }

    @Test
    void shouldCloseTransportsOtherThanPaddedIntermediateForASecuredSecret() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            for (final ProtocolTag tag : new ProtocolTag[] {ProtocolTag.INTERMEDIATE, ProtocolTag.ABRIDGED})
            {
                try (TestClient client = TestClient.connect(
                    fixture.address(), secret, tag, (short)2, random, READ_TIMEOUT_MS))
                {
                    client.send(new byte[16]);
                    assertTrue(client.isClosedByPeer(), tag.toString());
                }
            }
            assertNothingReachedTheDc(fixture, 2);
        }
    }

    @Test
    void shouldCloseGarbageAndShortHandshakes() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            final byte[] garbage = new byte[200];
            random.nextBytes(garbage);
            try (Socket socket = rawClient(fixture))
            {
                socket.getOutputStream().write(garbage);
                assertTrue(ClientConnection.isClosedByPeer(socket.getInputStream()));
            }
            try (Socket socket = rawClient(fixture))
            {
                final String request = "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n" +
                    "Accept: */*\r\n\r\n";
                socket.getOutputStream().write(request.getBytes());
                assertTrue(ClientConnection.isClosedByPeer(socket.getInputStream()));
            }
            try (Socket socket = rawClient(fixture))
            {
                socket.getOutputStream().write(garbage, 0, 30);
                socket.shutdownOutput();
                assertTrue(ClientConnection.isClosedByPeer(socket.getInputStream()));
            }
            assertNothingReachedTheDc(fixture, 3);
        }
    }

    @Test
    void shouldDropAClientThatDoesNotFinishItsHandshakeInTime() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.handshakeTimeoutMs(300));
            Socket socket = rawClient(fixture))
        {
            socket.getOutputStream().write(new byte[10]);
            final long startNs = System.nanoTime();
            final InputStream in = socket.getInputStream();
            assertTrue(ClientConnection.isClosedByPeer(in));
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(4));
            Await.until("the timeout to be counted", 5_000,
                () -> fixture.proxy.closed(CloseReason.HANDSHAKE_TIMEOUT) == 1);
            assertNothingReachedTheDc(fixture, 1);
        }
    }

    private static Socket rawClient(final ProxyFixture fixture) throws IOException
    {
        final Socket socket = new Socket();
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(fixture.address(), READ_TIMEOUT_MS);
        return socket;
    }

    private static void assertNothingReachedTheDc(final ProxyFixture fixture, final int rejected)
    {
        fixture.awaitQuiet();
        assertEquals(0, fixture.dc.connections(), "the DC was never dialed");
        assertEquals(0, fixture.dc.bytesReceived());
        assertEquals(0, fixture.proxy.handshakes());
        assertEquals(rejected, fixture.proxy.acceptedConnections());
        assertEquals(0, fixture.proxy.crashes());
    }
}
