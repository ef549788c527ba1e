package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FakeTlsClient} against {@link FakeTlsServerStub}: the hello verifies, the reply is checked as tdlib checks
 * it, and packets cross in correctly sized records both ways.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeTlsClientTest
{
    private static final int TIMEOUT_MS = 5_000;
    private static final long NOW_S = 1_700_000_000L;
    private final Random random = new Random(11);
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, "storage.googleapis.com", random);

    @Test
    void shouldHandshakeAndCarryPacketsBothWays() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.GOOD);
            FakeTlsClient client = FakeTlsClient.connect(stub.address(), secret, (short)2, random, TIMEOUT_MS,
                NOW_S))
        {
            final byte[] reply = client.serverHelloBytes();
            assertEquals(0x16, reply[0]);
            assertEquals(517, client.clientHello().wire().length);

            final int[] sizes = {4, 100, 2800, 10_000, 64 * 1024};
            for (final int size : sizes)
            {
                final byte[] payload = new byte[size];
                random.nextBytes(payload);
                client.send(payload);
                assertEchoed(payload, client.receive());
            }

            final FakeTlsServerStub.Seen seen = stub.seen().get(0);
            assertEquals(TlsHelloVerifier.Status.OK, seen.verdict.status, seen.verdict.toString());
            assertEquals(NOW_S, seen.verdict.unixTime);
            assertTrue(seen.changeCipherSpec, "the client sends 14 03 03 00 01 01 first");
            assertTrue(seen.firstRecordLength >= 64 + 4 + 4, "frame and first packet share the first record");
            assertTrue(seen.maxRecordLength <= FakeTlsClient.MAX_CLIENT_RECORD_PAYLOAD);
            assertEquals(FakeTlsClient.MAX_CLIENT_RECORD_PAYLOAD, seen.maxRecordLength);
            assertEquals(ProtocolTag.PADDED_INTERMEDIATE, seen.tag);
            assertEquals(2, seen.dc);
            Await.until("the stub to count its answers", TIMEOUT_MS, () -> seen.packets == sizes.length);
            assertNull(seen.error);

            client.shutdownOutput();
            assertNull(client.receive(), "end of stream after the stub saw ours");
        }
    }

    @Test
    void shouldSendModernAndFragmentedHellosThatVerify() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.GOOD))
        {
            final FakeTlsClient.Options[] variants =
            {
                new FakeTlsClient.Options().modern(true),
                new FakeTlsClient.Options().fragments(3),
                new FakeTlsClient.Options().modern(true).fragments(2),
            };
            for (final FakeTlsClient.Options options : variants)
            {
                try (FakeTlsClient client = FakeTlsClient.connect(stub.address(), secret, (short)-4, random,
                    TIMEOUT_MS, NOW_S, options))
                {
                    client.send(new byte[] {1, 2, 3, 4});
                    assertEchoed(new byte[] {1, 2, 3, 4}, client.receive());
                }
            }
            assertEquals(variants.length, stub.seen().size());
            final int[] records = {1, 3, 2};
            for (int i = 0; i < variants.length; i++)
            {
                final FakeTlsServerStub.Seen seen = stub.seen().get(i);
                assertEquals(TlsHelloVerifier.Status.OK, seen.verdict.status, seen.verdict.toString());
                assertEquals(records[i], seen.verdict.records);
                assertEquals(-4, seen.dc);
            }
            assertTrue(stub.seen().get(0).verdict.singleRecord.length > 1600, "a modern hello is large");
        }
    }

    @Test
    void shouldAnnounceOtherTransportsWhenAsked() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.GOOD))
        {
            final ProtocolTag[] tags = {ProtocolTag.ABRIDGED, ProtocolTag.INTERMEDIATE};
            for (final ProtocolTag tag : tags)
            {
                try (FakeTlsClient client = FakeTlsClient.connect(stub.address(), secret, (short)1, random,
                    TIMEOUT_MS, NOW_S, new FakeTlsClient.Options().tag(tag)))
                {
                    final byte[] payload = new byte[1024];
                    random.nextBytes(payload);
                    client.send(payload);
                    assertArrayEquals(payload, client.receive(), tag.toString());
                }
            }
            assertEquals(ProtocolTag.ABRIDGED, stub.seen().get(0).tag);
            assertEquals(ProtocolTag.INTERMEDIATE, stub.seen().get(1).tag);
        }
    }

    @Test
    void shouldSendTheFrameAloneWhenFlushed() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.GOOD);
            FakeTlsClient client = FakeTlsClient.connect(stub.address(), secret, (short)3, random, TIMEOUT_MS,
                NOW_S))
        {
            client.flushHandshake();
            Await.until("the stub to read the frame", TIMEOUT_MS, () -> null != stub.seen().get(0).tag);
            assertEquals(64, stub.seen().get(0).firstRecordLength);
            assertEquals(3, stub.seen().get(0).dc);
        }
    }

    @Test
    void shouldRejectRepliesTdlibRejects()
    {
        final FakeTlsServerStub.Reply[] broken =
        {
            FakeTlsServerStub.Reply.BAD_DIGEST,
            FakeTlsServerStub.Reply.WRONG_SESSION_ID,
            FakeTlsServerStub.Reply.TWO_APPLICATION_RECORDS,
            FakeTlsServerStub.Reply.NO_CHANGE_CIPHER_SPEC,
        };
        for (final FakeTlsServerStub.Reply reply : broken)
        {
            final IOException ex = assertThrows(IOException.class, () ->
            {
                try (FakeTlsServerStub stub = stub(reply))
                {
                    FakeTlsClient.connect(stub.address(), secret, (short)2, random, TIMEOUT_MS, NOW_S).close();
                }
            }, reply.toString());
            assertTrue(ex.getMessage().startsWith("bad ServerHello"), reply + ": " + ex.getMessage());
        }
    }

    @Test
    void shouldFailWhenTheServerClosesInsteadOfAnswering() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.GOOD))
        {
            final IOException ex = assertThrows(IOException.class, () -> FakeTlsClient.connect(stub.address(),
                secret, (short)2, random, TIMEOUT_MS, NOW_S - 3600).close());
            assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
            assertEquals(TlsHelloVerifier.Status.STALE, stub.seen().get(0).verdict.status);
        }
    }

    @Test
    void shouldRefuseARecordThatIsNotApplicationData() throws Exception
    {
        try (FakeTlsServerStub stub = stub(FakeTlsServerStub.Reply.BAD_RECORD_AFTER_HANDSHAKE);
            FakeTlsClient client = FakeTlsClient.connect(stub.address(), secret, (short)2, random, TIMEOUT_MS,
                NOW_S))
        {
            client.send(new byte[8]);
            final IOException ex = assertThrows(IOException.class, client::receive);
            assertTrue(ex.getMessage().startsWith("bad record"), ex.getMessage());
        }
    }

    @Test
    void shouldBuildClassicModernAndBadHellos()
    {
        final ClientHelloBuilder builder = ClientHelloBuilder.forSecret(secret, NOW_S, random);
        final byte[] classic = builder.build().wire();
        assertEquals(517, classic.length);
        assertArrayEquals(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte)0xfc, 0x03, 0x03},
            Arrays.copyOf(classic, 11), "the prefix mtg v1 requires (protocol.md 4.1)");
        final TlsHelloVerifier.Verdict verdict = check(classic);
        assertEquals(TlsHelloVerifier.Status.OK, verdict.status);
        assertEquals(32, verdict.sessionId.length);
        assertEquals(0x1301, verdict.cipherSuite, "the first suite after GREASE");
        assertEquals(0x0a0a, TlsHelloVerifier.u16(classic, 76 + 2) & 0x0f0f, "GREASE comes first");

        final ClientHelloBuilder.Hello modern = builder.modern(true).build();
        final byte[] modernWire = modern.wire();
        assertTrue(modernWire.length > 1700 && modernWire.length < 2100, "modern size " + modernWire.length);
        assertTrue(indexOf(modernWire, new byte[] {0x11, (byte)0xec, 0x04, (byte)0xc0}) > 0, "a 1216-byte share");
        assertEquals(TlsHelloVerifier.Status.OK, check(modernWire).status);

        final ClientHelloBuilder.Hello fragmented = builder.modern(false).fragments(4).build();
        final TlsHelloVerifier.Verdict joined = check(fragmented.wire());
        assertEquals(TlsHelloVerifier.Status.OK, joined.status);
        assertEquals(4, joined.records);
        assertArrayEquals(fragmented.singleRecord(), joined.singleRecord);
        assertArrayEquals(fragmented.clientRandom(), joined.random);

        builder.fragments(1);
        assertEquals(TlsHelloVerifier.Status.BAD_DIGEST, check(builder.buildWithBadDigest().wire()).status);
        assertEquals(TlsHelloVerifier.Status.BAD_SNI, check(builder.buildWithSni("www.example.com").wire()).status);
        assertEquals(TlsHelloVerifier.Status.BAD_SNI, check(builder.buildWithoutSni().wire()).status);
        assertEquals(TlsHelloVerifier.Status.STALE, check(builder.buildAt(NOW_S - 6).wire()).status);
        assertEquals(TlsHelloVerifier.Status.OK, check(builder.grease(false).build().wire()).status);
    }

    private TlsHelloVerifier.Verdict check(final byte[] wire)
    {
        return TlsHelloVerifier.verify(wire, secret.key(), secret.host(), NOW_S, 5);
    }

    private FakeTlsServerStub stub(final FakeTlsServerStub.Reply reply) throws IOException
    {
        return new FakeTlsServerStub(secret.key(), secret.host(), NOW_S, reply);
    }

    private static void assertEchoed(final byte[] payload, final byte[] received)
    {
        assertNotNull(received);
        assertTrue(received.length - payload.length < 4, "at most 3 padding bytes");
        assertArrayEquals(payload, Arrays.copyOf(received, payload.length));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        return -1;
    }
}
