package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code users-bench}'s visit against the engine in process (one secret, so no secrets file is needed): a FakeTLS
 * and a secured handshake with one echo through the fake DC, from the user's own loopback address; a wrong key
 * fails; the socket really leaves from the address asked for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserVisitTest
{
    private static final int TIMEOUT_MS = 10_000;

    private final Random random = new Random(15);

    @Test
    void shouldHandshakeAndEchoWithAFakeTlsSecretFromTheUsersAddress() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, UserSecrets.ONE_HOST, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            for (int user = 0; user < 3; user++)
            {
                UserVisit.visit(fixture.address(), SourceAddresses.forUser(user * 1000), secret,
                    IdleConnections.packet(random, 64), random, TIMEOUT_MS);
            }
            fixture.awaitQuiet();
            assertEquals(3, fixture.proxy.handshakes());
            assertEquals(0, fixture.proxy.cloakedConnections());
        }
    }

    @Test
    void shouldHandshakeAndEchoWithASecuredSecret() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            UserVisit.visit(fixture.address(), SourceAddresses.forUser(7), secret,
                IdleConnections.packet(random, 2048), random, TIMEOUT_MS);
            UserVisit.visit(fixture.address(), SourceAddresses.shared(), secret, IdleConnections.packet(random, 4),
                random, TIMEOUT_MS);
            fixture.awaitQuiet();
            assertEquals(2, fixture.proxy.handshakes());
        }
    }

    @Test
    void shouldFailWithAnotherUsersKey() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, UserSecrets.ONE_HOST, random);
        final Secret other = Secret.generate(SecretMode.FAKE_TLS, UserSecrets.ONE_HOST, random);
        final Secret otherSecured = Secret.generate(SecretMode.SECURED, null, random);
        try (ProxyFixture fixture = ProxyFixture.start(secret))
        {
            assertThrows(IOException.class, () -> UserVisit.visit(fixture.address(), SourceAddresses.forUser(1),
                other, IdleConnections.packet(random, 64), random, TIMEOUT_MS));
        }
        try (ProxyFixture fixture = ProxyFixture.start(Secret.generate(SecretMode.SECURED, null, random)))
        {
            assertThrows(IOException.class, () -> UserVisit.visit(fixture.address(), SourceAddresses.forUser(1),
                otherSecured, IdleConnections.packet(random, 64), random, TIMEOUT_MS));
        }
    }

    @Test
    void shouldConnectFromTheAddressAskedFor() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final AtomicReference<InetAddress> seen = new AtomicReference<>();
            final Thread acceptor = new Thread(() ->
            {
                try (Socket socket = server.accept())
                {
                    seen.set(socket.getInetAddress());
                }
                catch (final IOException ignore)
                {
                    // the assertion below fails instead
                }
            }, "visit-acceptor");
            acceptor.start();
            final InetSocketAddress address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
            assertThrows(IOException.class, () -> UserVisit.visit(address, SourceAddresses.forUser(300), secret,
                IdleConnections.packet(random, 64), random, TIMEOUT_MS));
            acceptor.join(TIMEOUT_MS);
            assertEquals(SourceAddresses.forUser(300), seen.get());
        }
    }

    @Test
    void shouldRefuseWhatAVisitCannotSend()
    {
        final Secret simple = Secret.generate(SecretMode.SIMPLE, null, random);
        final InetSocketAddress nowhere = new InetSocketAddress(SourceAddresses.shared(), 1);
        assertThrows(IllegalArgumentException.class, () -> UserVisit.visit(nowhere, null, simple, new byte[64],
            random, TIMEOUT_MS));
        final Secret secured = Secret.generate(SecretMode.SECURED, null, random);
        assertThrows(IllegalArgumentException.class, () -> UserVisit.visit(nowhere, null, secured,
            new byte[UserVisit.MAX_PACKET_LENGTH + 4], random, TIMEOUT_MS));
    }
}
