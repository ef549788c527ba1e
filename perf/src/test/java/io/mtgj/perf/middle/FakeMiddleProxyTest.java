package io.mtgj.perf.middle;

import io.mtgj.secret.Hex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FakeMiddleProxy} over loopback, driven by {@link MiddleTestClient}: handshake, echo, quick ack, the
 * commands, the proxy's own messages, and every violation it must catch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeMiddleProxyTest
{
    private static final byte[] SECRET = MiddleVectorsTest.PROXY_SECRET;
    private static final byte[] AD_TAG = Hex.decode("0123456789abcdef0123456789abcdef");
    /** The C proxy's sender PID is real: 127.0.0.1 as LE32, port 40001, process 4242, a time. */
    private static final byte[] OFFICIAL_SENDER_PID = Hex.decode("0100007f419c9210a1b2c3d4");
    private static final int INTERMEDIATE = RpcConstants.FLAG_INTERMEDIATE | RpcConstants.FLAG_EXTMODE2 |
        RpcConstants.FLAG_MAGIC | RpcConstants.FLAG_HAS_AD_TAG;

    private FakeMiddleProxy me;

    @BeforeEach
    void start() throws IOException
    {
        me = FakeMiddleProxy.start(SECRET);
    }

    @AfterEach
    void stop()
    {
        me.close();
        assertEquals(0, me.fixtureErrors(), () -> me.protocolErrorMessages().toString());
    }

    @Test
    void shouldHandshakeAndEchoAPacket() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] nonce = client.serverNonceMessage();
            assertEquals(RpcConstants.RPC_NONCE, LittleEndian.getInt(nonce, 0));
            assertEquals("c4f9faca", Hex.encode(Arrays.copyOfRange(nonce, 4, 8)));
            assertEquals(RpcConstants.CRYPTO_SCHEMA_AES, LittleEndian.getInt(nonce, 8));
            final byte[] handshake = client.handshakeAnswer();
            assertEquals(RpcConstants.RPC_HANDSHAKE, LittleEndian.getInt(handshake, 0));
            assertEquals(0, LittleEndian.getInt(handshake, 4));
            assertEquals("0100007f", Hex.encode(Arrays.copyOfRange(handshake, 8, 12)));
            assertArrayEquals(MiddleTestClient.PLACEHOLDER_PID, Arrays.copyOfRange(handshake, 20, 32));

            final byte[] packet = Hex.decode("1122334455667788990011223344556677889900");
            final byte[] connId = Hex.decode("a1a2a3a4a5a6a7a8");
            client.send(request(INTERMEDIATE, connId, packet));
            final byte[] answer = client.readMessage();
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(answer));
            assertEquals(0, LittleEndian.getInt(answer, 4));
            assertEquals("a1a2a3a4a5a6a7a8", Hex.encode(Arrays.copyOfRange(answer, 8, 16)));
            assertEquals(Hex.encode(packet), Hex.encode(Arrays.copyOfRange(answer, 16, answer.length)));
        }
        Await.until("connection closed", () -> 0 == me.openConnections());
        assertEquals(1, me.connectionsAccepted());
        assertEquals(1, me.handshakesCompleted());
        assertEquals(1, me.requests());
        assertEquals(0, me.requestsWithoutAdTag());
        assertEquals(Set.of(Hex.encode(AD_TAG)), me.adTagsSeen());
        assertEquals(Set.of(INTERMEDIATE), me.flagsSeen());
        assertEquals(List.of(Set.of("a1a2a3a4a5a6a7a8")), me.connIdsPerConnection());
        assertEquals(0, me.notEncryptedFlagMismatches());
        assertEquals(0, me.protocolErrors());
        assertEquals(3, me.framesReceived());
        assertEquals(3, me.framesSent());
        assertEquals(1, me.answersSent());
        final ProxyRequest recorded = me.recentRequests().get(0);
        assertEquals(InetAddress.getByName("127.0.0.1"), recorded.clientIp());
        assertEquals(40001, recorded.clientPort());
        assertEquals(443, recorded.proxyPort());
    }

    @Test
    void shouldAcceptAnUnpaddedNonceFrame() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake(false, null))
        {
            client.send(request(INTERMEDIATE, new byte[8], FakeMiddleProxy.commandPacket(new byte[]{ 1 })));
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(client.readMessage()));
        }
        assertEquals(0, me.protocolErrors());
    }

    @Test
    void shouldAnswerWithAnUnpaddedNonceLikeTheOfficialProxy() throws IOException
    {
        try (FakeMiddleProxy official = FakeMiddleProxy.start(SECRET, null, false);
            MiddleTestClient client = MiddleTestClient.connect(official.address(), SECRET).handshake())
        {
            client.send(request(INTERMEDIATE, new byte[8], new byte[]{ 5, 5, 5, 5, 5, 5, 5, 5 }));
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(client.readMessage()));
            assertEquals(0, official.protocolErrors());
        }
    }

    @Test
    void shouldUseTheAnnouncedClientIpInTheKeys() throws IOException
    {
        final InetAddress publicIp = InetAddress.getByName("203.0.113.7");
        try (FakeMiddleProxy natMe = FakeMiddleProxy.start(SECRET, publicIp))
        {
            try (MiddleTestClient client = MiddleTestClient.connect(natMe.address(), SECRET)
                .handshake(true, publicIp))
            {
                client.send(request(INTERMEDIATE, new byte[8], new byte[]{ 9, 9, 9, 9, 9, 9, 9, 9 }));
                assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(client.readMessage()));
            }
            try (MiddleTestClient client = MiddleTestClient.connect(natMe.address(), SECRET))
            {
                assertThrowsIo(() -> client.handshake(true, null));
            }
            Await.until("the bad handshake counted", () -> 1 == natMe.protocolErrors());
            assertTrue(natMe.protocolErrorMessages().get(0).contains("handshake"),
                natMe.protocolErrorMessages().toString());
            assertEquals(1, natMe.handshakesCompleted());
        }
    }

    @Test
    void shouldAcceptTheHandshakeOfTheOfficialProxy() throws IOException
    {
        try (MiddleTestClient client = officialHandshake(me.address().getPort()))
        {
            final byte[] answer = client.readMessage();
            assertEquals(RpcConstants.RPC_HANDSHAKE, LittleEndian.getInt(answer, 0));
            assertEquals(0, LittleEndian.getInt(answer, 4), "CRC32-C declined");
            assertArrayEquals(OFFICIAL_SENDER_PID, Arrays.copyOfRange(answer, 20, 32));
            client.send(request(INTERMEDIATE, new byte[8], new byte[]{ 7, 7, 7, 7, 7, 7, 7, 7 }));
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(client.readMessage()));
        }
        try (MiddleTestClient client = officialHandshake(me.address().getPort() ^ 1))
        {
            assertTrue(client.isClosedByPeer());
        }
        Await.until("the wrong peer port counted", () -> 1 == me.protocolErrors());
        assertTrue(me.protocolErrorMessages().get(0).contains("peer PID"), me.protocolErrorMessages().toString());
        assertEquals(1, me.handshakesCompleted());
    }

    /**
     * Nonce and keys as usual, then the handshake as the official C proxy sends it: the CRC32-C flag, its real PID,
     * and as peer PID the ME's address as it knows it (IP 0 for 127.0.0.1, the port, process id and time 0).
     */
    private MiddleTestClient officialHandshake(final int mePort) throws IOException
    {
        final MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET);
        final byte[] clientNonce = new byte[16];
        final int ts = (int)(System.currentTimeMillis() / 1000);
        final byte[] answer = client.exchangeNonce(RpcMessages.nonce(LittleEndian.getInt(SECRET, 0), ts,
            clientNonce), false);
        client.startEncryption(clientNonce, ts, answer, null);
        final byte[] peer = new byte[RpcConstants.PID_LENGTH];
        LittleEndian.putShort(peer, 4, mePort);
        final byte[] handshake = RpcMessages.handshake(OFFICIAL_SENDER_PID, peer);
        LittleEndian.putInt(handshake, 4, RpcConstants.HANDSHAKE_FLAG_CRC32C);
        client.send(handshake);
        return client;
    }

    @Test
    void shouldSendTheQuickAckBeforeTheEcho() throws IOException
    {
        final byte[] packet = Hex.decode("0102030405060708090a0b0c");
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] connId = Hex.decode("0807060504030201");
            client.send(request(INTERMEDIATE | RpcConstants.FLAG_QUICK_ACK, connId, packet));
            final byte[] ack = client.readMessage();
            assertEquals(RpcConstants.RPC_SIMPLE_ACK, RpcMessages.constructor(ack));
            assertEquals(16, ack.length);
            assertEquals("0807060504030201", Hex.encode(Arrays.copyOfRange(ack, 4, 12)));
            final byte[] confirm = Arrays.copyOfRange(ack, 12, 16);
            assertArrayEquals(FakeMiddleProxy.confirmFor(packet), confirm);
            assertTrue(LittleEndian.getInt(confirm, 0) < 0, "top bit of the confirm word");
            final byte[] answer = client.readMessage();
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(answer));
        }
        assertEquals(1, me.quickAckRequests());
        assertEquals(1, me.simpleAcksSent());
    }

    @Test
    void shouldCloseTheClientOnTheCloseCommand() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] connId = Hex.decode("00000000000000ff");
            client.send(request(INTERMEDIATE, connId, FakeMiddleProxy.commandPacket(FakeMiddleProxy.CLOSE_COMMAND)));
            final byte[] close = client.readMessage();
            assertEquals(RpcConstants.RPC_CLOSE_EXT, RpcMessages.constructor(close));
            assertEquals("00000000000000ff", Hex.encode(Arrays.copyOfRange(close, 4, 12)));
            assertEquals(12, close.length);

            client.send(RpcMessages.closeConn(connId));
            Await.until("CLOSE_CONN recorded", () -> me.closeConnsReceived().contains("00000000000000ff"));
        }
        assertEquals(1, me.closeExtsSent());
        assertEquals(0, me.answersSent());
        assertEquals(0, me.protocolErrors());
    }

    @Test
    void shouldPingOnThePingCommandAndRecordThePong() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] packet = FakeMiddleProxy.commandPacket(FakeMiddleProxy.PING_COMMAND);
            client.send(request(INTERMEDIATE, new byte[]{ 1, 2, 3, 4, 5, 6, 7, 8 }, packet));
            final byte[] ping = client.readMessage();
            assertEquals(RpcConstants.RPC_PING, RpcMessages.constructor(ping));
            final byte[] echo = client.readMessage();
            assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(echo));
            final byte[] pingId = Arrays.copyOfRange(ping, 4, 12);
            client.send(RpcMessages.pong(pingId));
            Await.until("pong recorded", () -> me.pongs().contains(Hex.encode(pingId)));

            client.send(RpcMessages.ping(Hex.decode("1111111122222222")));
            final byte[] pong = client.readMessage();
            assertEquals(RpcConstants.RPC_PONG, RpcMessages.constructor(pong));
            assertEquals("1111111122222222", Hex.encode(Arrays.copyOfRange(pong, 4, 12)));

            client.send(RpcMessages.pong(Hex.decode("0000000000000001")));
            assertTrue(client.isClosedByPeer());
        }
        Await.until("unknown pong counted", () -> 1 == me.protocolErrors());
        assertEquals(1, me.pingsSent());
        assertEquals(1, me.pingsReceived());
        assertEquals(1, me.pongs().size());
    }

    @Test
    void shouldStreamBulkAnswers() throws IOException
    {
        final long total = 3L * FakeMiddleProxy.BULK_PAYLOAD_LENGTH + 3390;
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] connId = Hex.decode("b0b0b0b0b0b0b0b0");
            client.send(request(INTERMEDIATE, connId, FakeMiddleProxy.bulkPacket(total)));
            client.send(request(INTERMEDIATE, connId, new byte[]{ 7, 7, 7, 7, 7, 7, 7, 7 }));
            long received = 0;
            for (int i = 0; i < 4; i++)
            {
                final byte[] answer = client.readMessage();
                assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(answer));
                assertEquals("b0b0b0b0b0b0b0b0", Hex.encode(Arrays.copyOfRange(answer, 8, 16)));
                final int length = answer.length - 16;
                assertEquals(i < 3 ? FakeMiddleProxy.BULK_PAYLOAD_LENGTH : 3392, length);
                for (int j = 0; j < length; j++)
                {
                    if ((byte)(received + j) != answer[16 + j])
                    {
                        throw new AssertionError("bulk byte " + (received + j));
                    }
                }
                received += length;
            }
            final byte[] echo = client.readMessage();
            assertEquals("0707070707070707", Hex.encode(Arrays.copyOfRange(echo, 16, echo.length)));
        }
        assertEquals(total + 2, me.bulkBytesSent());
        assertEquals(1, me.answersSent());
    }

    @Test
    void shouldStopABulkAnswerOnceTheProxyClosesThatClient() throws IOException
    {
        final long total = 64L << 20;
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] bulkId = Hex.decode("0000000000000b01");
            client.send(request(INTERMEDIATE, bulkId, FakeMiddleProxy.bulkPacket(total)));
            assertEquals("0000000000000b01", Hex.encode(Arrays.copyOfRange(client.readMessage(), 8, 16)));
            client.send(RpcMessages.closeConn(bulkId));
            client.send(request(INTERMEDIATE, Hex.decode("0000000000000b02"), new byte[8]));
            int bulkFrames = 1;
            boolean echoed = false;
            for (int i = 0; i < 1100 && !echoed; i++)
            {
                final byte[] answer = client.readMessage();
                echoed = "0000000000000b02".equals(Hex.encode(Arrays.copyOfRange(answer, 8, 16)));
                bulkFrames += echoed ? 0 : 1;
            }
            assertTrue(echoed);
            assertTrue(bulkFrames < 1024, "bulk frames: " + bulkFrames);
        }
        assertTrue(me.bulkBytesSent() < total, "bulk bytes: " + me.bulkBytesSent());
        assertEquals(List.of("0000000000000b01"), me.closeConnsReceived());
    }

    @Test
    void shouldDropTheWholeConnectionOnTheDieCommand() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            client.send(request(INTERMEDIATE | RpcConstants.FLAG_QUICK_ACK, new byte[8],
                FakeMiddleProxy.commandPacket(FakeMiddleProxy.DIE_COMMAND)));
            assertTrue(client.isClosedByPeer());
        }
        Await.until("connection gone", () -> 0 == me.openConnections());
        assertEquals(1, me.connectionsDied());
        assertEquals(0, me.simpleAcksSent());
        assertEquals(0, me.protocolErrors());
    }

    @Test
    void shouldCountRequestsWithoutAdTagAndWrongUnencryptedFlags() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            final byte[] zeros = new byte[16];
            client.send(request(RpcConstants.FLAG_ABRIDGED, new byte[8], zeros));
            client.readMessage();
            client.send(request(RpcConstants.FLAG_ABRIDGED | RpcConstants.FLAG_HAS_AD_TAG |
                RpcConstants.FLAG_NOT_ENCRYPTED, new byte[8], zeros));
            client.readMessage();
            client.send(request(RpcConstants.FLAG_ABRIDGED | RpcConstants.FLAG_HAS_AD_TAG |
                RpcConstants.FLAG_NOT_ENCRYPTED, new byte[8], new byte[]{ 1, 0, 0, 0, 0, 0, 0, 0 }));
            client.readMessage();
        }
        assertEquals(3, me.requests());
        assertEquals(1, me.requestsWithoutAdTag());
        assertEquals(2, me.notEncryptedFlagMismatches());
    }

    @Test
    void shouldRejectAWrongKeySelector() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET))
        {
            final byte[] nonce = RpcMessages.nonce(0x01020304, (int)(System.currentTimeMillis() / 1000), new byte[16]);
            assertThrowsIo(() -> client.exchangeNonce(nonce, true));
        }
        Await.until("error counted", () -> 1 == me.protocolErrors());
        assertTrue(me.protocolErrorMessages().get(0).contains("key selector"), me.protocolErrorMessages().toString());
    }

    @Test
    void shouldRejectAWrongSchemaAndAStaleClockIsOnlyCounted() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET))
        {
            final byte[] nonce = RpcMessages.nonce(LittleEndian.getInt(SECRET, 0), 1000, new byte[16]);
            LittleEndian.putInt(nonce, 8, 2);
            assertThrowsIo(() -> client.exchangeNonce(nonce, true));
        }
        Await.until("error counted", () -> 1 == me.protocolErrors());
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET))
        {
            final byte[] nonce = RpcMessages.nonce(LittleEndian.getInt(SECRET, 0), 1000, new byte[16]);
            assertEquals(RpcConstants.RPC_NONCE, RpcMessages.constructor(client.exchangeNonce(nonce, false)));
        }
        Await.until("skew counted", () -> 1 == me.nonceClockSkews());
    }

    @Test
    void shouldRejectABadCrcAfterTheHandshake() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            client.sendCorrupted(request(INTERMEDIATE, new byte[8], new byte[8]), 20);
            assertTrue(client.isClosedByPeer());
        }
        Await.until("error counted", () -> 1 == me.protocolErrors());
        assertTrue(me.protocolErrorMessages().get(0).contains("CRC"), me.protocolErrorMessages().toString());
        assertEquals(0, me.requests());
    }

    @Test
    void shouldRejectASkippedSequenceNumber() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            client.send(request(INTERMEDIATE, new byte[8], new byte[8]));
            client.readMessage();
            client.skipSeq();
            client.send(request(INTERMEDIATE, new byte[8], new byte[8]));
            assertTrue(client.isClosedByPeer());
        }
        Await.until("error counted", () -> 1 == me.protocolErrors());
        assertTrue(me.protocolErrorMessages().get(0).contains("sequence number 2, expected 1"),
            me.protocolErrorMessages().toString());
    }

    @Test
    void shouldRejectUnknownMessagesAndBadHandshakes() throws IOException
    {
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            client.send(new byte[]{ 1, 2, 3, 4 });
            assertTrue(client.isClosedByPeer());
        }
        try (MiddleTestClient client = MiddleTestClient.connect(me.address(), SECRET))
        {
            final byte[] clientNonce = new byte[16];
            final int ts = (int)(System.currentTimeMillis() / 1000);
            final byte[] answer = client.exchangeNonce(RpcMessages.nonce(LittleEndian.getInt(SECRET, 0), ts,
                clientNonce), true);
            client.startEncryption(clientNonce, ts, answer, null);
            client.send(RpcMessages.handshake(MiddleTestClient.PLACEHOLDER_PID,
                "NOTTHEPIDYOU".getBytes(StandardCharsets.US_ASCII)));
            assertTrue(client.isClosedByPeer());
        }
        Await.until("errors counted", () -> 2 == me.protocolErrors());
        assertEquals(1, me.handshakesCompleted());
    }

    @Test
    void shouldKeepConnIdsPerConnectionAndKillAll() throws IOException
    {
        try (MiddleTestClient first = MiddleTestClient.connect(me.address(), SECRET).handshake();
            MiddleTestClient second = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            first.send(request(INTERMEDIATE, Hex.decode("0000000000000001"), new byte[8]));
            first.readMessage();
            first.send(request(INTERMEDIATE, Hex.decode("0000000000000002"), new byte[8]));
            first.readMessage();
            second.send(request(INTERMEDIATE, Hex.decode("0000000000000003"), new byte[8]));
            second.readMessage();

            assertEquals(2, me.openConnections());
            final List<Set<String>> ids = me.connIdsPerConnection();
            assertEquals(List.of(Set.of("0000000000000001", "0000000000000002"), Set.of("0000000000000003")), ids);

            assertEquals(2, me.killAll());
            assertTrue(first.isClosedByPeer());
            assertTrue(second.isClosedByPeer());
        }
        Await.until("all closed", () -> 0 == me.openConnections());
        try (MiddleTestClient third = MiddleTestClient.connect(me.address(), SECRET).handshake())
        {
            assertNotEquals(null, third.handshakeAnswer());
        }
        assertEquals(3, me.connectionsAccepted());
        assertEquals(0, me.protocolErrors());
    }

    private static byte[] request(final int flags, final byte[] connId, final byte[] packet)
    {
        return MiddleTestClient.proxyRequest(flags, connId, new InetSocketAddress(loopback(), 40001),
            new InetSocketAddress(loopback(), 443), AD_TAG, packet);
    }

    private static InetAddress loopback()
    {
        try
        {
            return InetAddress.getByAddress(new byte[]{ 127, 0, 0, 1 });
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void assertThrowsIo(final IoAction action)
    {
        try
        {
            action.run();
        }
        catch (final IOException ex)
        {
            return;
        }
        throw new AssertionError("expected the ME to close the connection");
    }

    /**
     * A step that may fail with an I/O error.
     */
    @FunctionalInterface
    private interface IoAction
    {
        void run() throws IOException;
    }
}
