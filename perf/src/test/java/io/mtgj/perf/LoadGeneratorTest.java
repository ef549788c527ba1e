package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness counts exactly what happened: every byte, round trip and handshake.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadGeneratorTest
{
    private static final int PAYLOAD = 1000;

    private static LoadSettings settings(final InetSocketAddress target, final Secret secret, final LoadMode mode,
        final int connections, final double rate)
    {
        return new LoadSettings(target, secret, ProtocolTag.INTERMEDIATE, (short)2, connections, 1000, 0, PAYLOAD,
            PAYLOAD, mode, rate, 5_000);
    }

    @Test
    void shouldCountEveryEchoedByteAndOneHandshakePerConnection() throws Exception
    {
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final LoadResult result = new LoadGenerator(settings(dc.address(), null, LoadMode.ECHO, 3, 0)).run(null);
            assertEquals(0, result.errorCount(), result.errors().toString());
            assertTrue(result.requests() > 0);
            // Payloads are rounded up to whole words: 1000 is one already.
            assertEquals(result.requests() * PAYLOAD, result.bytesUp());
            assertEquals(result.bytesUp(), result.bytesDown());
            assertEquals(3, result.handshakes());
            assertEquals(result.requests(), result.latencyMicros().getTotalCount());
        }
    }

    @Test
    void shouldCountHandshakesThroughTheProxyAndTheRelayAlike() throws Exception
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, new Random(1));
        try (ProxyFixture fixture = ProxyFixture.start(secret);
            RelayBaseline relay = RelayBaseline.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                fixture.dc.address(), 1, 32 * 1024))
        {
            final LoadResult viaProxy =
                new LoadGenerator(settings(fixture.address(), secret, LoadMode.HANDSHAKE_ONLY, 2, 0)).run(null);
            assertEquals(0, viaProxy.errorCount(), viaProxy.errors().toString());
            assertEquals(viaProxy.requests(), viaProxy.handshakes());
            final LoadResult viaRelay =
                new LoadGenerator(settings(relay.address(), null, LoadMode.HANDSHAKE_ONLY, 2, 0)).run(null);
            assertEquals(0, viaRelay.errorCount(), viaRelay.errors().toString());
            assertEquals(viaRelay.requests(), viaRelay.handshakes());
            fixture.awaitQuiet();
            assertTrue(fixture.proxy.handshakes() >= viaProxy.handshakes());
        }
    }

    @Test
    void shouldKeepAnOpenLoopSchedule() throws Exception
    {
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final LoadResult result = new LoadGenerator(settings(dc.address(), null, LoadMode.ECHO, 2, 200)).run(null);
            assertEquals(0, result.errorCount());
            // 200 requests per second for a second, give or take the edges of the window.
            assertTrue(result.requests() > 150 && result.requests() < 250, "requests: " + result.requests());
        }
    }

    @Test
    void shouldStreamAndSwallowBulkData() throws Exception
    {
        try (FakeDc dc = FakeDc.start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)))
        {
            final LoadResult down = new LoadGenerator(settings(dc.address(), null, LoadMode.DOWNLOAD, 1, 0)).run(null);
            assertEquals(0, down.errorCount(), down.errors().toString());
            assertTrue(down.bytesDown() > 0);
            assertEquals(0, down.bytesDown() % FakeDc.BULK_PACKET_LENGTH, "whole packets are counted");
            final long receivedBefore = dc.bytesReceived();
            final LoadResult up = new LoadGenerator(settings(dc.address(), null, LoadMode.UPLOAD, 1, 0)).run(null);
            assertEquals(0, up.errorCount(), up.errors().toString());
            assertTrue(up.bytesUp() > 0);
            Await.until("the DC to swallow what was sent", 5_000,
                () -> dc.bytesReceived() - receivedBefore >= up.bytesUp());
        }
    }

    @Test
    void shouldRejectBadCommandLinesWithStatusTwo()
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(2, PerfMain.run(new String[] {"load", "--proxy", "127.0.0.1:1"}, out, errStream));
        assertEquals(2, PerfMain.run(new String[] {"load", "--proxy", "127.0.0.1:1", "--secret", "none",
            "--payload", "2MB"}, out, errStream));
        assertEquals(2, PerfMain.run(new String[] {"load", "--proxy", "127.0.0.1:1", "--secret", "none",
            "--mode", "sideways"}, out, errStream));
        assertEquals(2, PerfMain.run(new String[] {"frobnicate"}, out, errStream));
        assertEquals(0, PerfMain.run(new String[] {"load", "--help"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("2MB"));
    }
}
