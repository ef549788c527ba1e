package io.mtgj.perf;

import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The statsd reporter's datagrams, received on a loopback UDP socket after known traffic through the fake DC: the
 * exact lines of each tags format.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsdEndToEndTest
{
    private static final int CLIENTS = 3;
    private static final int TIMEOUT_MS = 10_000;
    private static final long INTERVAL_MS = 100;

    @ParameterizedTest
    @EnumSource(StatsdTagsFormat.class)
    void shouldSendMtgGaugesInEachTagsFormat(final StatsdTagsFormat format) throws Exception
    {
        final Random random = new Random(60 + format.ordinal());
        final Secret secret = Secret.generate(SecretMode.SIMPLE, null, random);
        try (DatagramSocket statsd = new DatagramSocket(0, InetAddress.getByName("127.0.0.1")))
        {
            statsd.setSoTimeout(TIMEOUT_MS);
            final StatsConfig stats = StatsConfig.builder().statsdHost("127.0.0.1").statsdPort(statsd.getLocalPort())
                .statsdPrefix("mtg").statsdTagsFormat(format).statsdTag("env", "test").statsdTag("region", "eu-1")
                .statsdIntervalMs(INTERVAL_MS).build();
            try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.stats(stats)))
            {
                for (int i = 0; i < CLIENTS; i++)
                {
                    exchange(fixture, secret, random);
                }
                fixture.awaitQuiet();
                final long ingress = fixture.dc.bytesReceived();
                final long egress = ingress - (long)CLIENTS * HandshakeFrame.LENGTH;

                final String expected = String.join("\n",
                    line(format, "mtg.connections", 0),
                    line(format, "mtg.telegram_connections", 0),
                    line(format, "mtg.crashes", 0),
                    line(format, "mtg.traffic.ingress", ingress),
                    line(format, "mtg.traffic.egress", egress),
                    line(format, "mtg.replay_attacks", 0),
                    line(format, "mtg.buffer_memory", arenaBytes(fixture)),
                    line(format, "mtg.buffer_leased", 0),
                    line(format, "mtg.buffer_waiting", 0),
                    line(format, "mtg.buffer_waits", 0),
                    line(format, "mtg.stalled_connections", 0));
                assertEquals(expected, awaitReport(statsd, expected));
            }
        }
    }

    /**
     * @return the buffer arena's size as the reactors report it: each its share of {@code --buffer-memory}.
     */
    private static long arenaBytes(final ProxyFixture fixture)
    {
        final int workers = fixture.proxy.config().workers();
        return fixture.proxy.config().capacity().bufferMemoryBytes() / workers * workers;
    }

    /**
     * The line as each format's reference writes it (see StatsdReporter's javadoc for the sources).
     */
    private static String line(final StatsdTagsFormat format, final String name, final long value)
    {
        switch (format)
        {
            case INFLUXDB:
                return name + ",env=test,region=eu-1:" + value + "|g";
            case DATADOG:
                return name + ":" + value + "|g|#env:test,region:eu-1";
            default:
                return name + ":" + value + "|g";
        }
    }

    /**
     * Reports keep coming every interval; the first ones may predate the traffic.
     *
     * @return the first datagram equal to {@code expected}, else the last one received before the deadline.
     */
    private static String awaitReport(final DatagramSocket statsd, final String expected) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        final byte[] buffer = new byte[4096];
        String last = "(nothing received)";
        while (System.nanoTime() - deadlineNs < 0)
        {
            final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try
            {
                statsd.receive(packet);
            }
            catch (final SocketTimeoutException ex)
            {
                break;
            }
            last = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
            if (expected.equals(last))
            {
                break;
            }
        }
        return last;
    }

    private static void exchange(final ProxyFixture fixture, final Secret secret, final Random random)
        throws Exception
    {
        try (TestClient client = TestClient.connect(fixture.address(), secret, ProtocolTag.INTERMEDIATE, (short)2,
            random, TIMEOUT_MS))
        {
            for (int p = 0; p < 3; p++)
            {
                final byte[] payload = new byte[1 + random.nextInt(5000)];
                random.nextBytes(payload);
                client.send(payload);
                assertArrayEquals(payload, Arrays.copyOf(client.receive(), payload.length));
            }
        }
    }
}
