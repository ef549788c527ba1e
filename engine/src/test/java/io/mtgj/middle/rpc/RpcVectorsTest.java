package io.mtgj.middle.rpc;

import io.mtgj.crypto.AesCbc;
import io.mtgj.secret.Hex;
import io.mtgj.transport.ProtocolTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RPC layer against the Erlang proxy's fixed vectors (protocol.md 9.2 d-g).
 */
@Timeout(10)
class RpcVectorsTest
{
    static final byte[] PROXY_SECRET = Hex.decode("c4f9faca9678e6bb48ad6c7e2ce5c0d24430645d554addeb55419e034da62721" +
        "d046eaab6e52ab14a95a443ecfb3463e79a05a66612adf9caeda8be9a80da6986fb0a6ff387af84d88ef3a6413713e5c3377f6e1a3d47d" +
        "99f5e0c56eece8f05c54c490b079e31bef82ff0ee8f2b0a32756d249c5f21269816cb7061b265db212");

    @Test
    void shouldDeriveTheErlangProxysClientKey()
    {
        final byte[] keyIv = RpcKeys.derive(
            Hex.decode("f728d238410c65aad89b0efdfaeedbe2"),
            Hex.decode("1831356fc60aebb4e6705c4e01c96a69"),
            1528396015,
            new byte[] {(byte)149, (byte)154, (byte)162, 38},
            54208,
            true,
            new byte[] {80, (byte)211, 29, 34},
            80,
            PROXY_SECRET,
            null,
            null);
        assertArrayEquals(Hex.decode("a59e7f3129e8bb45261da3e2b7921c43e1e086bfcf98ffa69842a9c4368732bc"),
            Arrays.copyOf(keyIv, 32));
        assertArrayEquals(Hex.decode("216e7dddb779a07482b49cf9346f25b2"), Arrays.copyOfRange(keyIv, 32, 48));
    }

    @Test
    void shouldFrameWithCrcAndPadding()
    {
        assertEquals("100000000000000001010101" + "1627afa0", Hex.encode(RpcFrame.encode(Hex.decode("01010101"), 0)));
        assertEquals("140000000000000001010101010101" + "01f6c42e95040000000400000004000000",
            Hex.encode(RpcFrame.encode(Hex.decode("0101010101010101"), 0)));
        assertEquals("14000000010000000808080808080808" + "30928474" + "040000000400000004000000",
            Hex.encode(RpcFrame.encode(Hex.decode("0808080808080808"), 1)));
    }

    @Test
    void shouldChainCbcAcrossFramesLikeTheErlangProxy()
    {
        final AesCbc decrypt = new AesCbc(Hex.decode("15d3bf7f8fdeb898e8d519adf3a3f3e08583c70dce9c928d43ac5572becbb0d7"),
            Hex.decode("099caff725a1db9b34735d4c7ac39ec2"), false);
        assertEquals("2c000000fffffffff5ee827600000000",
            Hex.encode(decrypt.process(Hex.decode("24aa935f351b2cfffc6946085a284de2"))));
        assertEquals("8699420a5f098631dd85155b495049505052504454494d4585fa4c5404000000", Hex.encode(decrypt.process(
            Hex.decode("89bb50ee6e8e3482778cd28a0d48a9903fa7ac13a10de7a9ed22cbf00887431d"))));

        final AesCbc encrypt = new AesCbc(Hex.decode("595448f7ac38cc0b0af28ff06f3521a2dd8d94f36415a7a084633dbd80498a59"),
            Hex.decode("f8c32a35eb684ee154abb67d12c0fb4d"), true);
        // Our handshake frame: built by our own encoder, it must be byte for byte the vector's plaintext.
        final byte[] handshake = RpcFrame.encode(RpcMessages.handshake(), Rpc.SEQ_HANDSHAKE);
        assertEquals("2c000000fffffffff5ee827600000000495049505052504454494d45495049505052504454494d4502761d8104000000",
            Hex.encode(handshake));
        assertEquals("a1cec6bfaff030a2f5c0ead268c3a1d63793919dae21f3c654bc1dc97480b99549f1957af4c13b7099bc8d865a184bd8",
            Hex.encode(encrypt.process(handshake)));
    }

    @Test
    void shouldEncodeTheProxyRequestHeaderLikeTheErlangProxy() throws Exception
    {
        final byte[] header = new byte[Rpc.PROXY_REQ_HEADER_LENGTH];
        RpcMessages.writeProxyRequestHeader(header, 0,
            RpcMessages.proxyRequestFlags(ProtocolTag.ABRIDGED, false, true), 1L,
            RpcMessages.ipv6Form(InetAddress.getByName("109.238.131.159")), 1128,
            RpcMessages.ipv6Form(InetAddress.getByName("80.211.29.34")), 53634,
            Hex.decode("dcbe8f1493fa4cd9ab300891c0b5b326"));
        assertEquals(("eef1ce36 0a100240 0100000000000000 00000000000000000000ffff6dee839f 68040000 " +
            "00000000000000000000ffff50d31d22 82d10000 18000000 ae261edb 10 dcbe8f1493fa4cd9ab300891c0b5b326 000000")
            .replace(" ", ""), Hex.encode(header));
        assertEquals(0x40021008, RpcMessages.proxyRequestFlags(ProtocolTag.ABRIDGED, false, false));
        assertEquals(0x28021008, RpcMessages.proxyRequestFlags(ProtocolTag.PADDED_INTERMEDIATE, false, false));
    }

    @Test
    void shouldCheckNonceAndHandshakeAnswers()
    {
        final byte[] nonce = RpcMessages.nonce(PROXY_SECRET, 1528396015, new byte[16]);
        assertEquals("aa87cb7ac4f9faca01000000ef78195b", Hex.encode(Arrays.copyOf(nonce, 16)));
        assertNotNull(RpcMessages.serverNonce(nonce, PROXY_SECRET));
        final byte[] wrongKey = nonce.clone();
        wrongKey[4] ^= 1;
        assertEquals(null, RpcMessages.serverNonce(wrongKey, PROXY_SECRET));
        assertTrue(RpcMessages.isHandshakeAccepted(RpcMessages.handshake()));
    }
}
