package io.mtgj.perf.middle;

import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codecs under {@link FakeMiddleProxy} against the Erlang proxy's vectors, protocol.md 9.2 (d) to (h).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MiddleVectorsTest
{
    static final byte[] PROXY_SECRET = Hex.decode(
        "c4f9faca9678e6bb48ad6c7e2ce5c0d24430645d554addeb55419e034da62721d046eaab6e52ab14a95a443ecfb3463e" +
        "79a05a66612adf9caeda8be9a80da6986fb0a6ff387af84d88ef3a6413713e5c3377f6e1a3d47d99f5e0c56eece8f05c" +
        "54c490b079e31bef82ff0ee8f2b0a32756d249c5f21269816cb7061b265db212");

    private static final String F_DECRYPT_KEY = "15d3bf7f8fdeb898e8d519adf3a3f3e08583c70dce9c928d43ac5572becbb0d7";
    private static final String F_DECRYPT_IV = "099caff725a1db9b34735d4c7ac39ec2";
    private static final String F_ENCRYPT_KEY = "595448f7ac38cc0b0af28ff06f3521a2dd8d94f36415a7a084633dbd80498a59";
    private static final String F_ENCRYPT_IV = "f8c32a35eb684ee154abb67d12c0fb4d";
    private static final String F_HANDSHAKE_FRAME =
        "2c000000fffffffff5ee827600000000495049505052504454494d45495049505052504454494d4502761d8104000000";
    private static final String F_HANDSHAKE_CIPHER =
        "a1cec6bfaff030a2f5c0ead268c3a1d63793919dae21f3c654bc1dc97480b99549f1957af4c13b7099bc8d865a184bd8";
    private static final String F_REQUEST_FRAME =
        "8800000000000000eef1ce3608100240c32b6a7fd3da9c66414141414141414141414141414141414141414142424242" +
        "4242424242424242424242424242424218000000ae261edb10dcbe8f1493fa4cd9ab300891c0b5b32600000000000000" +
        "000000000000000038dc175b14000000789746601a31604addf3680dad0d84c0ee16617ef7e997160400000004000000";
    private static final String F_REQUEST_CIPHER =
        "5cad8bf70193306ca2627dd7aab95783411a5acd2b3673d85a6503bc97a57e9068f73941206bf59a4dc2a19d3fe8a944" +
        "714060c50ad14275fb0f0a8df87a28f2c326c4ed4484bd3166351f8b3840d56b4f69d2b69d49cb69a586a374315e8fab" +
        "5884547bc4262335dcb6e8c75c1db681ef74fc1f481d78cb39312e818e5ecc791571d30ac17eb4e38b2855df867c9851";
    private static final String G_HEADER =
        "eef1ce360a1002400100000000000000" +
        "00000000000000000000ffff6dee839f68040000" +
        "00000000000000000000ffff50d31d2282d10000" +
        "18000000ae261edb10dcbe8f1493fa4cd9ab300891c0b5b326000000";
    private static final String G_PACKET =
        "0000000000000000000000003d02185b140000007897466099c58eeef58b55d0a0f144596a0776a7";
    private static final String AD_TAG = "dcbe8f1493fa4cd9ab300891c0b5b326";

    @Test
    void shouldDeriveTheKeyOfVectorD() throws IOException
    {
        final byte[] serverNonce = Hex.decode("f728d238410c65aad89b0efdfaeedbe2");
        final byte[] clientNonce = Hex.decode("1831356fc60aebb4e6705c4e01c96a69");
        final InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("149.154.162.38"), 80);
        final InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("80.211.29.34"), 54208);

        final MiddleKeys keys = MiddleKeys.derive(serverNonce, clientNonce, 1528396015, server, client,
            MiddleKeys.PURPOSE_CLIENT, PROXY_SECRET);

        assertEquals("a59e7f3129e8bb45261da3e2b7921c43e1e086bfcf98ffa69842a9c4368732bc", Hex.encode(keys.key()));
        assertEquals("216e7dddb779a07482b49cf9346f25b2", Hex.encode(keys.iv()));

        final byte[] s = MiddleKeys.material(serverNonce, clientNonce, 1528396015, server, client,
            MiddleKeys.PURPOSE_CLIENT, PROXY_SECRET);
        assertEquals(214, s.length);
        assertEquals("ef78195b", Hex.encode(Arrays.copyOfRange(s, 32, 36)));
        assertEquals("26a29a95", Hex.encode(Arrays.copyOfRange(s, 36, 40)));
        assertEquals("c0d3", Hex.encode(Arrays.copyOfRange(s, 40, 42)));
        assertEquals("221dd350", Hex.encode(Arrays.copyOfRange(s, 48, 52)));
        assertEquals("5000", Hex.encode(Arrays.copyOfRange(s, 52, 54)));

        final MiddleKeys server2 = MiddleKeys.derive(serverNonce, clientNonce, 1528396015, server, client,
            MiddleKeys.PURPOSE_SERVER, PROXY_SECRET);
        assertFalse(Arrays.equals(keys.key(), server2.key()));
    }

    @Test
    void shouldLayOutIpv6MaterialAsTheTableSays() throws IOException
    {
        final byte[] nonce = new byte[16];
        final InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 8888);
        final InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 40000);
        final byte[] s = MiddleKeys.material(nonce, nonce, 1, server, client, MiddleKeys.PURPOSE_CLIENT,
            PROXY_SECRET);
        assertEquals(118 + 128, s.length);
        assertEquals("00000000", Hex.encode(Arrays.copyOfRange(s, 36, 40)));
        assertEquals("00000000", Hex.encode(Arrays.copyOfRange(s, 48, 52)));
        assertEquals("20010db8000000000000000000000002", Hex.encode(Arrays.copyOfRange(s, 198, 214)));
        assertEquals("20010db8000000000000000000000001", Hex.encode(Arrays.copyOfRange(s, 214, 230)));
        assertThrows(IllegalArgumentException.class, () -> MiddleKeys.material(nonce, nonce, 1, server,
            new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 1), MiddleKeys.PURPOSE_CLIENT, PROXY_SECRET));
    }

    @Test
    void shouldEncodeTheFramesOfVectorE() throws IOException
    {
        final RpcFrameWriter single = new RpcFrameWriter(0, true);
        assertEquals("10000000000000000101010116" + "27afa0", Hex.encode(single.encode(Hex.decode("01010101"))));

        final RpcFrameWriter padded = new RpcFrameWriter(0, true);
        assertEquals("14000000000000000101010101010101f6c42e95040000000400000004000000",
            Hex.encode(padded.encode(Hex.decode("0101010101010101"))));

        final RpcFrameWriter pair = new RpcFrameWriter(0, true);
        final String first = "14000000000000000909090909090909e523a2a4040000000400000004000000";
        final String second = "14000000010000000808080808080808309284740400000004000000" + "04000000";
        assertEquals(first, Hex.encode(pair.encode(Hex.decode("0909090909090909"))));
        assertEquals(second, Hex.encode(pair.encode(Hex.decode("0808080808080808"))));

        final RpcFrameReader reader = new RpcFrameReader(new ByteArrayInputStream(Hex.decode(first + second)), 0);
        assertEquals("0909090909090909", Hex.encode(reader.read()));
        assertEquals("0808080808080808", Hex.encode(reader.read()));
        assertThrows(EOFException.class, reader::read);
    }

    @Test
    void shouldRejectBrokenFramesAndSkipPadding() throws IOException
    {
        final String frame = "14000000000000000101010101010101f6c42e95";
        assertEquals("0101010101010101", Hex.encode(reader(frame + "04000000040000000400000004000000" + frame,
            0).read()));

        final RpcFrameReader padded = reader("04000000" + "04000000" + frame, 0);
        assertEquals("0101010101010101", Hex.encode(padded.read()));

        final RpcProtocolException crc = assertThrows(RpcProtocolException.class,
            () -> reader("14000000000000000101010101010101f6c42e94", 0).read());
        assertTrue(crc.getMessage().contains("CRC"), crc.getMessage());

        final RpcProtocolException seq = assertThrows(RpcProtocolException.class, () -> reader(frame, 1).read());
        assertTrue(seq.getMessage().contains("sequence"), seq.getMessage());

        assertThrows(RpcProtocolException.class, () -> reader("15000000000000000101010101010101f6c42e95", 0).read());
        assertThrows(RpcProtocolException.class, () -> reader("08000000000000000101010101010101", 0).read());
        assertThrows(RpcProtocolException.class, () -> reader("04000000040000000400000004000000" + frame, 0).read());

        final RpcFrameWriter writer = new RpcFrameWriter(RpcConstants.SEQ_NONCE, false);
        final byte[] unpadded = writer.encode(new byte[32]);
        assertEquals(44, unpadded.length);
        assertEquals("2c000000feffffff", Hex.encode(Arrays.copyOf(unpadded, 8)));
        assertEquals(48, new RpcFrameWriter(RpcConstants.SEQ_NONCE, true).encode(new byte[32]).length);
    }

    @Test
    void shouldDecryptTheHandshakeAnswerOfVectorF() throws IOException
    {
        final byte[] wire = Hex.decode("24aa935f351b2cfffc6946085a284de2" +
            "89bb50ee6e8e3482778cd28a0d48a9903fa7ac13a10de7a9ed22cbf00887431d");
        final Cipher decryptor = MiddleKeys.cbc(Cipher.DECRYPT_MODE, Hex.decode(F_DECRYPT_KEY),
            Hex.decode(F_DECRYPT_IV));
        assertEquals("2c000000fffffffff5ee827600000000", Hex.encode(decryptor.update(Arrays.copyOf(wire, 16))));
        assertEquals("8699420a5f098631dd85155b495049505052504454494d4585fa4c5404000000",
            Hex.encode(decryptor.update(Arrays.copyOfRange(wire, 16, 48))));

        final RpcFrameReader reader = new RpcFrameReader(new ByteArrayInputStream(wire), RpcConstants.SEQ_HANDSHAKE);
        reader.enableDecryption(MiddleKeys.cbc(Cipher.DECRYPT_MODE, Hex.decode(F_DECRYPT_KEY),
            Hex.decode(F_DECRYPT_IV)));
        final byte[] answer = reader.read();
        assertEquals(32, answer.length);
        assertEquals(RpcConstants.RPC_HANDSHAKE, LittleEndian.getInt(answer, 0));
        assertEquals(0, LittleEndian.getInt(answer, 4));
        assertEquals("8699420a5f098631dd85155b", Hex.encode(Arrays.copyOfRange(answer, 8, 20)));
        assertArrayEquals(MiddleTestClient.PLACEHOLDER_PID, Arrays.copyOfRange(answer, 20, 32));
        assertEquals(0, reader.expectedSeq());
    }

    @Test
    void shouldEncryptTheHandshakeAndProxyRequestOfVectorF() throws IOException
    {
        final byte[] handshake = RpcMessages.handshake(MiddleTestClient.PLACEHOLDER_PID,
            MiddleTestClient.PLACEHOLDER_PID);
        final byte[] requestFrame = Hex.decode(F_REQUEST_FRAME);
        assertEquals(144, requestFrame.length);
        assertEquals(136, LittleEndian.getInt(requestFrame, 0));
        final byte[] request = Arrays.copyOfRange(requestFrame, 8, 132);

        final RpcFrameWriter plain = new RpcFrameWriter(RpcConstants.SEQ_HANDSHAKE, true);
        assertEquals(F_HANDSHAKE_FRAME, Hex.encode(plain.encode(handshake)));
        assertEquals(F_REQUEST_FRAME, Hex.encode(plain.encode(request)));

        final RpcFrameWriter writer = new RpcFrameWriter(RpcConstants.SEQ_HANDSHAKE, true);
        writer.enableEncryption(MiddleKeys.cbc(Cipher.ENCRYPT_MODE, Hex.decode(F_ENCRYPT_KEY),
            Hex.decode(F_ENCRYPT_IV)));
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        writer.write(wire, handshake, 0, handshake.length);
        assertEquals(F_HANDSHAKE_CIPHER, Hex.encode(wire.toByteArray()));
        wire.reset();
        writer.write(wire, request, 0, request.length);
        assertEquals(F_REQUEST_CIPHER, Hex.encode(wire.toByteArray()));

        final RpcFrameReader reader = new RpcFrameReader(
            new ByteArrayInputStream(Hex.decode(F_HANDSHAKE_CIPHER + F_REQUEST_CIPHER)), RpcConstants.SEQ_HANDSHAKE);
        reader.enableDecryption(MiddleKeys.cbc(Cipher.DECRYPT_MODE, Hex.decode(F_ENCRYPT_KEY),
            Hex.decode(F_ENCRYPT_IV)));
        assertArrayEquals(handshake, reader.read());
        assertArrayEquals(request, reader.read());
    }

    @Test
    void shouldParseTheProxyRequestInsideVectorF() throws IOException
    {
        final byte[] frame = Hex.decode(F_REQUEST_FRAME);
        final ProxyRequest request = ProxyRequest.parse(Arrays.copyOfRange(frame, 8, 132));
        assertEquals(0x40021008, request.flags());
        assertEquals("c32b6a7fd3da9c66", request.connIdHex());
        assertEquals("41414141414141414141414141414141", Hex.encode(request.clientIpBytes()));
        assertEquals(0x41414141, request.clientPort());
        assertEquals(0x42424242, request.proxyPort());
        assertEquals(AD_TAG, request.adTagHex());
        assertEquals(40, request.packetLength());
        // The Erlang test packet starts with 8 zero bytes yet its flags lack 2: the fake ME would count a mismatch.
        assertTrue(request.isPacketUnencrypted());
        assertFalse(request.hasFlag(RpcConstants.FLAG_NOT_ENCRYPTED));
    }

    @Test
    void shouldParseTheProxyRequestOfVectorG() throws IOException
    {
        final byte[] message = Hex.decode(G_HEADER + G_PACKET);
        assertEquals(84, Hex.decode(G_HEADER).length);

        final ProxyRequest request = ProxyRequest.parse(message);

        assertEquals(0x4002100a, request.flags());
        assertTrue(request.hasFlag(RpcConstants.FLAG_ABRIDGED));
        assertTrue(request.hasFlag(RpcConstants.FLAG_HAS_AD_TAG));
        assertTrue(request.hasFlag(RpcConstants.FLAG_NOT_ENCRYPTED));
        assertFalse(request.hasFlag(RpcConstants.FLAG_QUICK_ACK));
        assertEquals("0100000000000000", request.connIdHex());
        assertEquals(InetAddress.getByName("109.238.131.159"), request.clientIp());
        assertEquals(1128, request.clientPort());
        assertEquals(InetAddress.getByName("80.211.29.34"), request.proxyIp());
        assertEquals(53634, request.proxyPort());
        assertEquals(24, request.extraSize());
        assertEquals(AD_TAG, request.adTagHex());
        assertEquals(G_PACKET, Hex.encode(request.packet()));
        assertTrue(request.isPacketUnencrypted());

        final byte[] encoded = MiddleTestClient.proxyRequest(0x4002100a, Hex.decode("0100000000000000"),
            new InetSocketAddress(InetAddress.getByName("109.238.131.159"), 1128),
            new InetSocketAddress(InetAddress.getByName("80.211.29.34"), 53634), Hex.decode(AD_TAG),
            Hex.decode(G_PACKET));
        assertArrayEquals(message, encoded);

        final ProxyRequest encrypted = ProxyRequest.parse(
            Hex.decode(G_HEADER.replace("0a100240", "08100240") + "1122334455667788" + G_PACKET.substring(16)));
        assertEquals(0x40021008, encrypted.flags());
        assertFalse(encrypted.isPacketUnencrypted());
    }

    @Test
    void shouldRejectBrokenProxyRequests()
    {
        final String header = G_HEADER;
        assertThrows(RpcProtocolException.class, () -> ProxyRequest.parse(Hex.decode(header)));
        assertThrows(RpcProtocolException.class, () -> ProxyRequest.parse(Hex.decode(header + "0102")));
        assertThrows(RpcProtocolException.class,
            () -> ProxyRequest.parse(Hex.decode(header.replace("18000000ae26", "1c000000ae26") + G_PACKET)));
        assertThrows(RpcProtocolException.class,
            () -> ProxyRequest.parse(Hex.decode(header.replace("ae261edb", "ae261edc") + G_PACKET)));
        assertThrows(RpcProtocolException.class,
            () -> ProxyRequest.parse(Hex.decode(header.substring(0, 112))));
    }

    @Test
    void shouldParseARequestWithoutExtra() throws IOException
    {
        final byte[] packet = Hex.decode("0102030405060708");
        final byte[] message = MiddleTestClient.proxyRequest(RpcConstants.FLAG_INTERMEDIATE, new byte[8],
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1),
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2), null, packet);
        final ProxyRequest request = ProxyRequest.parse(message);
        assertFalse(request.hasAdTag());
        assertNull(request.adTag());
        assertEquals(-1, request.extraSize());
        assertArrayEquals(packet, request.packet());
    }

    @Test
    void shouldEncodeAndDecodeTheProxyAnswerOfVectorH()
    {
        final byte[] payload = Hex.decode("00000000000000000000000001020304");
        final byte[] answer = RpcMessages.proxyAnswer(0, Hex.decode("0100000000000000"), payload, 0, payload.length);
        assertEquals("0dda0344" + "00000000" + "0100000000000000" + Hex.encode(payload), Hex.encode(answer));

        final byte[] input = Hex.decode("0dda0344000000000100000000000000" + "deadbeefcafebabe");
        assertEquals(RpcConstants.RPC_PROXY_ANS, RpcMessages.constructor(input));
        assertEquals(0, LittleEndian.getInt(input, 4));
        assertEquals(1L, LittleEndian.getLong(input, 8));
        assertEquals("deadbeefcafebabe", Hex.encode(Arrays.copyOfRange(input, RpcConstants.PROXY_ANS_HEADER_LENGTH,
            input.length)));
    }

    private static RpcFrameReader reader(final String hex, final int firstSeq)
    {
        return new RpcFrameReader(new ByteArrayInputStream(Hex.decode(hex)), firstSeq);
    }
}
