package io.mtgj.perf;

import io.mtgj.config.StatsConfig;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code --max-connections N}: with N clients relaying, k more are closed as they are accepted, without a byte
 * reaching the DC, and counted as rejected (in the metrics too); the N keep working, and a freed permit takes a new
 * client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitEndToEndTest
{
    private static final int LIMIT = 5;
    private static final int EXTRA = 7;
    private static final int TIMEOUT_MS = 10_000;

    private final Random random = new Random(77);
    private final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);

    @Test
    void shouldCloseClientsAboveTheLimitAtOnceAndKeepTheOthersWorking() throws Exception
    {
        final StatsConfig stats = StatsConfig.builder()
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).build();
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.maxConnections(LIMIT).stats(stats)))
        {
            final List<TestClient> clients = new ArrayList<>();
            try
            {
                for (int i = 0; i < LIMIT; i++)
                {
                    final TestClient client = connect(fixture);
                    clients.add(client);
                    roundTrip(client, 100 + i);
                }
                assertEquals(LIMIT, fixture.proxy.activeConnections());

                for (int i = 0; i < EXTRA; i++)
                {
                    try (Socket over = new Socket(fixture.address().getAddress(), fixture.address().getPort()))
                    {
                        assertClosedAtOnce(over);
                    }
                }

                Await.until("the refusals to be counted", TIMEOUT_MS,
                    () -> fixture.proxy.rejectedConnections() == EXTRA);
                assertEquals(LIMIT, fixture.proxy.acceptedConnections(), "refused clients are not accepted");
                assertEquals(LIMIT, fixture.dc.connections(), "nothing of theirs reached the DC");
                assertEquals(0, fixture.proxy.handshakeFailures(HandshakeFailure.NOT_OURS));
                assertEquals(EXTRA, MetricsScrape.scrape(fixture.proxy.statsAddress())
                    .value("mtg_rejected_connections_total{mode=\"simple\",reason=\"connection_limit\"}"));

                for (int i = 0; i < LIMIT; i++)
                {
                    roundTrip(clients.get(i), 2_000 + i);
                }

                clients.remove(0).close();
                Await.until("a permit to come back", TIMEOUT_MS, () -> fixture.proxy.activeConnections() == LIMIT - 1);
                final TestClient late = connect(fixture);
                clients.add(late);
                roundTrip(late, 3_000);
                assertEquals(EXTRA, fixture.proxy.rejectedConnections());
            }
            finally
            {
                for (final TestClient client : clients)
                {
                    client.close();
                }
            }
            fixture.awaitQuiet();
            assertEquals(0, fixture.proxy.crashes());
        }
    }

    private TestClient connect(final ProxyFixture fixture) throws IOException
    {
        return TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2, random, TIMEOUT_MS);
    }

    private void roundTrip(final TestClient client, final int length) throws IOException
    {
        final byte[] payload = new byte[length];
        random.nextBytes(payload);
        client.send(payload);
        assertArrayEquals(payload, client.receive());
    }

    private static void assertClosedAtOnce(final Socket socket) throws IOException
    {
        socket.setSoTimeout(5_000);
        try
        {
            socket.getOutputStream().write(new byte[64]);
            assertEquals(-1, socket.getInputStream().read(), "closed as it was accepted");
        }
        catch (final SocketException reset)
        {
            // the proxy resets refused connections: the usual outcome
        }
    }
}
