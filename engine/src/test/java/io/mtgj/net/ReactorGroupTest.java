package io.mtgj.net;

import io.mtgj.config.ProxyConfig;
import io.mtgj.secret.Secret;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group's own duties: one connection limit for every reactor, refusing new clients while open ones carry on,
 * and reporting a reactor thread that dies. Clients here never finish a handshake, so no upstream is dialed.
 */
@Timeout(30)
class ReactorGroupTest
{
    private static final ClientMode NEVER_DONE = new ClientMode()
    {
        @Override
        public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length,
            final java.net.InetAddress from)
        {
            return HandshakeResult.NEED_MORE;
        }

        @Override
        public boolean cloaksFailures()
        {
            return false;
        }
    };

    private static final Upstream NOWHERE = client -> null;

    private final InetAddress loopback = InetAddress.getLoopbackAddress();

    private ReactorGroup start(final int workers, final int maxConnections) throws IOException
    {
        final ProxyConfig config = ProxyConfig.builder(Secret.parse("00112233445566778899aabbccddeeff"))
            .bind(new InetSocketAddress(loopback, 0)).workers(workers).maxConnections(maxConnections).build();
        return new ReactorGroup(config, NEVER_DONE, NOWHERE, null);
    }

    @Test
    void shouldSpreadClientsOverOneListenerPerReactorYetRefuseAnAddressInUse() throws Exception
    {
        try (ReactorGroup group = start(2, 100))
        {
            final ProxyConfig same = ProxyConfig.builder(Secret.parse("00112233445566778899aabbccddeeff"))
                .bind(group.localAddress()).workers(2).build();
            assertThrows(java.net.BindException.class, () -> new ReactorGroup(same, NEVER_DONE, NOWHERE, null),
                "a second proxy on the port fails to start rather than sharing the first one's clients");
            final Socket[] clients = new Socket[40];
            try
            {
                for (int i = 0; i < clients.length; i++)
                {
                    clients[i] = new Socket(loopback, group.localAddress().getPort());
                }
                await("every client accepted", () -> clients.length == group.openConnections());
                for (final Reactor reactor : group.reactors())
                {
                    assertTrue(reactor.counters().accepted() > 0, "the kernel gave each reactor some clients");
                }
            }
            finally
            {
                for (final Socket client : clients)
                {
                    if (null != client)
                    {
                        client.close();
                    }
                }
            }
        }
    }

    @Test
    void shouldCloseClientsOverTheLimitAsTheyAreAccepted() throws Exception
    {
        try (ReactorGroup group = start(2, 2);
            Socket first = new Socket(loopback, group.localAddress().getPort());
            Socket second = new Socket(loopback, group.localAddress().getPort()))
        {
            await("two sessions", () -> 2 == group.openConnections());

            for (int i = 0; i < 3; i++)
            {
                try (Socket over = new Socket(loopback, group.localAddress().getPort()))
                {
                    assertClosedByPeer(over);
                }
            }

            await("three refusals counted", () -> 3 == rejected(group));
            assertEquals(2, group.openConnections());
            assertStillOpen(first);
            first.close();
            await("a permit back", () -> 1 == group.openConnections());
            try (Socket third = new Socket(loopback, group.localAddress().getPort()))
            {
                await("a new client taken", () -> 2 == group.openConnections());
                assertStillOpen(third);
            }
            assertEquals(3, rejected(group));
        }
    }

    @Test
    void shouldRefuseNewClientsAndKeepOpenOnesAfterStopAccepting() throws Exception
    {
        try (ReactorGroup group = start(2, 100);
            Socket open = new Socket(loopback, group.localAddress().getPort()))
        {
            final int port = group.localAddress().getPort();
            await("the session", () -> 1 == group.openConnections());

            group.stopAccepting();

            await("the port to refuse connections", () -> isRefused(port));
            assertStillOpen(open);
            assertEquals(1, group.openConnections());
            assertTrue(group.isHealthy());
            group.close();
            assertEquals(-1, read(open), "closed when the group is");
        }
    }

    @Test
    void shouldReportAReactorThreadThatDies() throws Exception
    {
        try (ReactorGroup group = start(2, 100))
        {
            assertTrue(group.isHealthy());
            assertFalse(group.fatalError().toCompletableFuture().isDone());

            group.reactors().get(0).offer(() ->
            {
                throw new Error("test: a reactor thread dies here on purpose");
            });

            final Throwable error = group.fatalError().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("test: a reactor thread dies here on purpose", error.getMessage());
            await("the thread to end", () -> !group.isHealthy());
            try (Socket client = new Socket(loopback, group.localAddress().getPort()))
            {
                await("the other reactor to take a client", () -> 1 == group.openConnections());
            }
        }
    }

    private static long rejected(final ReactorGroup group)
    {
        long total = 0;
        for (final Reactor reactor : group.reactors())
        {
            total += reactor.counters().rejected(RejectReason.CONNECTION_LIMIT);
        }
        return total;
    }

    private static void assertClosedByPeer(final Socket socket) throws IOException
    {
        socket.setSoTimeout(5_000);
        try
        {
            assertEquals(-1, socket.getInputStream().read(), "closed at once");
        }
        catch (final SocketException reset)
        {
            // a reset is how the refusal usually arrives
        }
    }

    private static void assertStillOpen(final Socket socket) throws IOException
    {
        socket.setSoTimeout(200);
        assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read());
    }

    private static int read(final Socket socket) throws IOException
    {
        socket.setSoTimeout(5_000);
        final InputStream in = socket.getInputStream();
        return in.read();
    }

    private boolean isRefused(final int port)
    {
        try (Socket probe = new Socket(loopback, port))
        {
            return false;
        }
        catch (final ConnectException refused)
        {
            return true;
        }
        catch (final IOException other)
        {
            return false;
        }
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }
}
