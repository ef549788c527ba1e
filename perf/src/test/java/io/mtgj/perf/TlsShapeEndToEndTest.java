package io.mtgj.perf;

import io.mtgj.config.HostPort;
import io.mtgj.config.TlsShapeSettings;
import io.mtgj.faketls.RecordSizing;
import io.mtgj.faketls.ServerHelloShape;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.tlsshape.ShapeLearner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FakeTLS proxy that looks like its cloak host: it learns the host's real TLS 1.3 answer (a local JSSE server with
 * a chosen certificate chain stands in), answers its clients in that shape, and sizes its first records as web
 * servers do. Loopback only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsShapeEndToEndTest
{
    private static final int TIMEOUT_MS = 10_000;
    private static final String HOST = CloakServer.TEST_HOST;

    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, HOST, new Random(14));

    @Test
    void shouldLearnDifferentShapesFromDifferentChains() throws Exception
    {
        try (TlsHost small = TlsHost.start(TlsHost.SHORT_CHAIN, "TLSv1.3");
            TlsHost large = TlsHost.start(TlsHost.LONG_CHAIN, "TLSv1.3"))
        {
            final ServerHelloShape smallShape = learn(small.port());
            final ServerHelloShape largeShape = learn(large.port());
            assertNotNull(smallShape);
            assertNotNull(largeShape);
            assertNotEquals(smallShape, largeShape);
            assertTrue(largeShape.flightLength() > 2 * smallShape.flightLength(),
                "long chain " + largeShape + " vs short chain " + smallShape);
            assertTrue(smallShape.hasChangeCipherSpec());
            assertTrue(0x1301 <= smallShape.cipherSuite() && smallShape.cipherSuite() <= 0x1303, smallShape::toString);
        }
    }

    @Test
    void shouldAnswerInTheLearnedShapeAndStillRelay() throws Exception
    {
        try (TlsHost host = TlsHost.start(TlsHost.LONG_CHAIN, "TLSv1.3"))
        {
            final ServerHelloShape shape = learn(host.port());
            assertNotNull(shape);
            try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.cloakPort(host.port())
                .tlsShape(TlsShapeSettings.DEFAULT)))
            {
                final Random random = new Random(3);
                // The proxy learns in the background: its answers take the shape within a few tries. The host's
                // suite (JSSE prefers 0x1302) tells a learned answer from a built-in one (the client's first, 0x1301),
                // whose random length may fall within the jitter by chance.
                assertNotEquals(0x1301, shape.cipherSuite());
                byte[] reply = null;
                final long deadline = System.currentTimeMillis() + TIMEOUT_MS;
                while (System.currentTimeMillis() < deadline)
                {
                    reply = relayOnce(fixture, random);
                    if (shape.cipherSuite() == cipherSuite(reply))
                    {
                        break;
                    }
                    Thread.sleep(50);
                }
                assertNotNull(reply);
                assertTrue(Math.abs(flightLength(reply) - shape.flightLength()) <= jitter(shape),
                    "answer record " + flightLength(reply) + " vs learned " + shape);
                assertEquals(shape.cipherSuite(), cipherSuite(reply), "the client offers every TLS 1.3 suite");
                assertTrue(Math.abs(flightLength(reply) - shape.flightLength()) <= jitter(shape));
                assertEquals(shape.isKeyShareFirst(), keyShareFirst(reply));
                for (int i = 0; i < 5; i++)
                {
                    final int length = flightLength(relayOnce(fixture, random));
                    assertTrue(Math.abs(length - shape.flightLength()) <= jitter(shape), length + " vs " + shape);
                }
                assertTrue(host.connections() >= 1);
            }
        }
    }

    @Test
    void shouldKeepTheBuiltInAnswerWhenTheHostSpeaksOnlyTls12() throws Exception
    {
        try (TlsHost host = TlsHost.start(TlsHost.SHORT_CHAIN, "TLSv1.2"))
        {
            assertNull(learn(host.port()));
            assertBuiltInAnswer(host.port());
        }
    }

    @Test
    void shouldKeepTheBuiltInAnswerWhenTheHostIsUnreachable() throws Exception
    {
        assertNull(learn(1));
        assertBuiltInAnswer(1);
    }

    @Test
    void shouldStartWithSmallRecordsAndGrowToFullOnes() throws Exception
    {
        final int[] lengths = bulkRecordLengths(true);
        for (int i = 0; i < RecordSizing.SMALL_RECORDS; i++)
        {
            assertTrue(lengths[i] <= RecordSizing.SMALL_PAYLOAD, "record " + i + ": " + lengths[i]);
        }
        for (int i = RecordSizing.SMALL_RECORDS; i < RecordSizing.FULL; i++)
        {
            assertTrue(lengths[i] <= RecordSizing.MEDIUM_PAYLOAD, "record " + i + ": " + lengths[i]);
        }
        assertTrue(Arrays.stream(lengths, 0, RecordSizing.SMALL_RECORDS).filter(l -> l == RecordSizing.SMALL_PAYLOAD)
            .count() > RecordSizing.SMALL_RECORDS / 2, () -> Arrays.toString(lengths));
        assertTrue(Arrays.stream(lengths, RecordSizing.FULL, lengths.length).max().orElse(0) >
            RecordSizing.MEDIUM_PAYLOAD, () -> Arrays.toString(lengths));
    }

    /**
     * Only a second of silence starts small again: a download that goes on for longer stays in full records, and the
     * first records after a pause are small again.
     */
    @Test
    void shouldStartSmallAgainAfterASecondOfSilenceOnly() throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret,
            b -> b.tlsShape(TlsShapeSettings.DEFAULT.withLearning(false).withSizedRecords(true))))
        {
            final Random random = new Random(8);
            try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random, TIMEOUT_MS,
                FakeTlsClient.NOW))
            {
                // 10 KB every 20 ms for 2.5 s: past the 60 sized records within the first second, then 1.5 s more
                // of sending with never a second of silence
                final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
                for (int p = 0; p < 500 && System.nanoTime() - endNs < 0; p++)
                {
                    echo(client, random, 10_000);
                    Thread.sleep(20);
                }
                final int[] busy = client.recordLengths();
                final long smallAfterStart = Arrays.stream(busy, RecordSizing.FULL, busy.length)
                    .filter(l -> l == RecordSizing.SMALL_PAYLOAD).count();
                assertTrue(smallAfterStart < RecordSizing.SMALL_RECORDS / 2,
                    smallAfterStart + " small records in 2.5 s of sending: " + busy.length + " records");

                Thread.sleep(1_200);
                echo(client, random, 300_000);
                final int[] all = client.recordLengths();
                final long smallAfterPause = Arrays.stream(all, busy.length, busy.length + RecordSizing.SMALL_RECORDS)
                    .filter(l -> l == RecordSizing.SMALL_PAYLOAD).count();
                assertTrue(smallAfterPause > RecordSizing.SMALL_RECORDS / 2,
                    () -> "after a pause: " + Arrays.toString(Arrays.copyOfRange(all, busy.length, all.length)));
            }
        }
    }

    private static void echo(final FakeTlsClient client, final Random random, final int length) throws Exception
    {
        final byte[] payload = new byte[length];
        random.nextBytes(payload);
        client.send(payload);
        final byte[] echoed = client.receive();
        assertNotNull(echoed);
        assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
    }

    @Test
    void shouldWriteFullRecordsWithoutShaping() throws Exception
    {
        final int[] lengths = bulkRecordLengths(false);
        assertTrue(Arrays.stream(lengths, 0, 8).max().orElse(0) > RecordSizing.MEDIUM_PAYLOAD,
            () -> Arrays.toString(lengths));
    }

    /**
     * Three 300 KB packets echoed by the DC: bytes intact; the lengths of the records that carried them.
     */
    private int[] bulkRecordLengths(final boolean sized) throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret,
            b -> b.tlsShape(TlsShapeSettings.DEFAULT.withLearning(false).withSizedRecords(sized))))
        {
            final Random random = new Random(7);
            try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random, TIMEOUT_MS,
                FakeTlsClient.NOW))
            {
                for (int p = 0; p < 3; p++)
                {
                    final byte[] payload = new byte[300_000];
                    random.nextBytes(payload);
                    client.send(payload);
                    final byte[] echoed = client.receive();
                    assertNotNull(echoed);
                    assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
                }
                return client.recordLengths();
            }
        }
    }

    private void assertBuiltInAnswer(final int cloakPort) throws Exception
    {
        try (ProxyFixture fixture = ProxyFixture.start(secret, b -> b.cloakPort(cloakPort)
            .tlsShape(TlsShapeSettings.DEFAULT)))
        {
            final Random random = new Random(11);
            for (int i = 0; i < 5; i++)
            {
                final int length = flightLength(relayOnce(fixture, random));
                assertTrue(length >= 2500 && length < 4700, "built-in noise record " + length);
            }
        }
    }

    /**
     * @return the shape a learner of our own finds at 127.0.0.1:port, or null when it finds none.
     */
    private static ServerHelloShape learn(final int port) throws InterruptedException
    {
        try (ShapeLearner learner = new ShapeLearner(TimeUnit.HOURS.toMillis(1), TIMEOUT_MS))
        {
            learner.hosts(Map.of(HOST, new HostPort("127.0.0.1", port)));
            learner.learnNow();
            return learner.forHost(HOST);
        }
    }

    /**
     * One client: handshake (verified as tdlib does), one packet there and back; the proxy's reply.
     */
    private byte[] relayOnce(final ProxyFixture fixture, final Random random) throws Exception
    {
        try (FakeTlsClient client = FakeTlsClient.connect(fixture.address(), secret, (short)2, random, TIMEOUT_MS,
            FakeTlsClient.NOW))
        {
            final byte[] payload = new byte[1024];
            random.nextBytes(payload);
            client.send(payload);
            final byte[] echoed = client.receive();
            assertNotNull(echoed);
            assertArrayEquals(payload, Arrays.copyOf(echoed, payload.length));
            return client.serverHelloBytes();
        }
    }

    private static int jitter(final ServerHelloShape shape)
    {
        return Math.max(16, shape.flightLength() * 3 / 100);
    }

    /** @return the length of the reply's ApplicationData record, after the handshake record and the CCS. */
    private static int flightLength(final byte[] reply)
    {
        final int at = 5 + TlsHelloVerifier.u16(reply, 3) + 6;
        assertEquals(0x17, reply[at]);
        return TlsHelloVerifier.u16(reply, at + 3);
    }

    private static int cipherSuite(final byte[] reply)
    {
        final int sessionIdLength = reply[5 + 4 + 2 + 32] & 0xff;
        return TlsHelloVerifier.u16(reply, 5 + 4 + 2 + 32 + 1 + sessionIdLength);
    }

    private static boolean keyShareFirst(final byte[] reply)
    {
        final int sessionIdLength = reply[5 + 4 + 2 + 32] & 0xff;
        return 0x0033 == TlsHelloVerifier.u16(reply, 5 + 4 + 2 + 32 + 1 + sessionIdLength + 2 + 1 + 2);
    }
}
