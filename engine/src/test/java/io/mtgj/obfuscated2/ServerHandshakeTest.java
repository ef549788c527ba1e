package io.mtgj.obfuscated2;

import io.mtgj.crypto.AesCtr;
import io.mtgj.VectorFile;
import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

@Timeout(10)
class ServerHandshakeTest
{
    @Test
    void shouldMatchIndependentVectorsForEveryTagAndDc() throws Exception
    {
        final List<Map<String, String>> cases = VectorFile.load("/vectors/obfuscated2/client-handshakes.txt");
        assertEquals(21, cases.size());
        for (final Map<String, String> c : cases)
        {
            final ServerHandshake handshake =
                ServerHandshake.accept(Hex.decode(c.get("frame")), 0, Hex.decode(c.get("secret")));
            assertEquals((int)Long.parseLong(c.get("tag"), 16), handshake.tagWire(), c.toString());
            assertEquals(Short.parseShort(c.get("dc")), handshake.dc(), c.toString());
            assertArrayEquals(Hex.decode(c.get("client_to_proxy_plain")),
                handshake.decryptor().process(Hex.decode(c.get("client_to_proxy_cipher"))));
            assertArrayEquals(Hex.decode(c.get("proxy_to_client_cipher")),
                handshake.encryptor().process(Hex.decode(c.get("proxy_to_client_plain"))));
        }
    }

    /**
     * mtg v2's client-handshake snapshots (protocol.md 9.2 a).
     */
    @Test
    void shouldMatchMtgSnapshots()
    {
        final byte[] secret = Hex.decode("367a189aee18fa31c190054efd4a8e95");
        final String[][] snapshots =
        {
            {
                "803717c1a318e11c2547e9c9c3e20b0ebd76dd42471e38c4fd4e691789bf634e00987ee512910be946119c86036c394e" +
                "1d20f17354e8ce23ef36524987c44ca3", "e30663ea65147b", "c195774d1dfd97d9d1a1",
            },
            {
                "3365b2c5e8b021007e64e17137348d1edbbd39d11291fc6fdc990a162982c54a18037043fd097d9d707f388a2708a2d4" +
                "282712d15cd9d8febffb9a10f4623c60", "42422fc0640380", "b73030ac2cf4d2874446",
            },
        };
        for (final String[] snapshot : snapshots)
        {
            final ServerHandshake handshake = ServerHandshake.accept(Hex.decode(snapshot[0]), 0, secret);
            assertEquals(0xdddddddd, handshake.tagWire());
            assertEquals(2, handshake.dc());
            assertArrayEquals(Hex.decode(snapshot[1]), handshake.decryptor().process("abcdefg".getBytes()));
            assertArrayEquals(Hex.decode(snapshot[2]),
                handshake.encryptor().process(Hex.decode("0102030405060708090a")));
        }
    }

    @Test
    void shouldNotFindTheTagUnderAnotherSecret() throws Exception
    {
        final Map<String, String> c = VectorFile.load("/vectors/obfuscated2/client-handshakes.txt").get(0);
        final ServerHandshake handshake =
            ServerHandshake.accept(Hex.decode(c.get("frame")), 0, Hex.decode("00112233445566778899aabbccddeeff"));
        assertNotEquals((int)Long.parseLong(c.get("tag"), 16), handshake.tagWire());
    }

    @Test
    void shouldRoundTripWithTheClientSideForEveryTagAndSignedDc()
    {
        final byte[] secret = Hex.decode("0123456789abcdef0123456789abcdef");
        final java.util.Random random = new java.util.Random(7);
        for (final int tag : new int[] {0xefefefef, 0xeeeeeeee, 0xdddddddd})
        {
            for (final short dc : new short[] {1, -1, 2, -3, 5, 0, 203, -10002})
            {
                final ClientHandshake client = ClientHandshake.create(random, secret, tag, dc);
                final ServerHandshake server = ServerHandshake.accept(client.wireFrame(), 0, secret);
                assertEquals(tag, server.tagWire());
                assertEquals(dc, server.dc());
                final byte[] up = "hello, telegram".getBytes();
                assertArrayEquals(up, server.decryptor().process(client.encryptor().process(up)));
                final byte[] down = "hello, client".getBytes();
                final byte[] downCipher = server.encryptor().process(down);
                assertFalse(java.util.Arrays.equals(down, downCipher));
                assertArrayEquals(down, client.decryptor().process(downCipher));
            }
        }
    }

    @Test
    void shouldKeepOneKeystreamAcrossCalls()
    {
        final byte[] key = new byte[32];
        final byte[] iv = new byte[16];
        final byte[] whole = new AesCtr(key, 0, iv, 0).process(new byte[100]);
        final AesCtr split = new AesCtr(key, 0, iv, 0);
        final byte[] a = split.process(new byte[7]);
        final byte[] b = split.process(new byte[93]);
        final byte[] joined = new byte[100];
        System.arraycopy(a, 0, joined, 0, 7);
        System.arraycopy(b, 0, joined, 7, 93);
        assertArrayEquals(whole, joined);
    }

    @Test
    void shouldPeekTheSameTagTheFullHandshakeDecrypts()
    {
        final java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 200; i++)
        {
            final byte[] key = new byte[16];
            random.nextBytes(key);
            final byte[] frame = new byte[HandshakeFrame.LENGTH + 5];
            random.nextBytes(frame);
            assertEquals(ServerHandshake.accept(frame, 5, key).tagWire(), ServerHandshake.peekTag(frame, 5, key));
        }
        // a frame whose IV's low bytes are all 0xff: adding 3 to the counter carries across bytes
        final byte[] key = new byte[16];
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        java.util.Arrays.fill(frame, HandshakeFrame.IV_OFFSET, HandshakeFrame.TAG_OFFSET, (byte)0xff);
        assertEquals(ServerHandshake.accept(frame, 0, key).tagWire(), ServerHandshake.peekTag(frame, 0, key));
    }
}
