package io.mtgj.obfuscated2;

import io.mtgj.VectorFile;
import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ClientHandshakeTest
{
    @Test
    void shouldBuildTheDcFrameLikeTheIndependentVectors() throws Exception
    {
        for (final Map<String, String> c : VectorFile.load("/vectors/obfuscated2/dc-handshakes.txt"))
        {
            final ClientHandshake handshake = ClientHandshake.fromFrame(Hex.decode(c.get("clear_frame")), null,
                (int)Long.parseLong(c.get("tag"), 16), Short.parseShort(c.get("dc")));
            assertArrayEquals(Hex.decode(c.get("wire_frame")), handshake.wireFrame(), c.toString());
            assertArrayEquals(Hex.decode(c.get("to_dc_cipher")),
                handshake.encryptor().process(Hex.decode(c.get("to_dc_plain"))));
            assertArrayEquals(Hex.decode(c.get("from_dc_plain")),
                handshake.decryptor().process(Hex.decode(c.get("from_dc_cipher"))));
        }
    }

    @Test
    void shouldLetTheDcEncryptWithTheClientsOwnStream()
    {
        final Random random = new Random(21);
        final byte[] secret = Hex.decode("0123456789abcdef0123456789abcdef");
        for (int i = 0; i < 100; i++)
        {
            final ClientHandshake client = ClientHandshake.create(random, secret, 0xdddddddd, (short)2);
            final ServerHandshake proxy = ServerHandshake.accept(client.wireFrame(), 0, secret);
            final ClientHandshake toDc = ClientHandshake.mirroring(random, proxy.encryptorKeyIv(), 0xdddddddd, (short)2);
            assertFalse(ClientHandshake.isForbidden(toDc.wireFrame()));
            final ServerHandshake dc = ServerHandshake.accept(toDc.wireFrame(), 0, null);
            assertEquals(0xdddddddd, dc.tagWire());
            // What the DC sends is already what the client decrypts: the proxy relays it untouched.
            final byte[] answer = new byte[1000];
            random.nextBytes(answer);
            assertArrayEquals(answer, client.decryptor().process(dc.encryptor().process(answer)));
        }
    }

    @Test
    void shouldNeverStartLikeAnotherProtocol()
    {
        final Random random = new Random(1);
        for (int i = 0; i < 5_000; i++)
        {
            final byte[] frame = ClientHandshake.create(random, null, 0xdddddddd, (short)2).wireFrame();
            assertFalse(ClientHandshake.isForbidden(frame));
        }
    }

    @Test
    void shouldRecogniseForbiddenStarts()
    {
        final byte[] frame = new byte[64];
        frame[4] = 1;
        for (final String start : new String[] {"ef000000", "48454144", "504f5354", "47455420", "4f505449",
            "dddddddd", "eeeeeeee", "16030102"})
        {
            System.arraycopy(Hex.decode(start), 0, frame, 0, 4);
            assertTrue(ClientHandshake.isForbidden(frame), start);
        }
        System.arraycopy(Hex.decode("01020304"), 0, frame, 0, 4);
        assertFalse(ClientHandshake.isForbidden(frame));
        frame[4] = 0;
        assertTrue(ClientHandshake.isForbidden(frame), "zero second word looks like the full transport");
    }

    /**
     * mtg 0.16 frame_test.go: [8..40)=01, [40..56)=02 reverses to sixteen 02 then thirty-two 01 (protocol.md 9.2 c).
     */
    @Test
    void shouldReverseKeyAndIvLikeMtg()
    {
        final byte[] frame = new byte[64];
        java.util.Arrays.fill(frame, 8, 40, (byte)1);
        java.util.Arrays.fill(frame, 40, 56, (byte)2);
        final byte[] reversed = HandshakeFrame.reversedKeyIv(frame);
        for (int i = 0; i < 48; i++)
        {
            assertTrue(reversed[i] == (i < 16 ? 2 : 1), "byte " + i);
        }
    }
}
