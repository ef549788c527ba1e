package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ClientHelloTest
{
    /** mtg v2's snapshot ok-19dfe38384b9884b (protocol.md 9.2 b): 517 bytes, the last 161 are zero padding. */
    static final String SNAPSHOT_HEX = "1603010200010001fc03035ef08f7376806c76e144bbf49149b2e817cf64e1afb2eb1e779fc73" +
        "6c29710fb204add81676b873059f7076b6b0f58df76da63a0938e83a24178b84573208c0aae0034130313011302c02cc02bc024c023" +
        "c00ac009cca9c030c02fc028c027c014c013cca8009d009c003d003c0035002fc008c012000a0100017fff010001000000001b001900" +
        "001673746f726167652e676f6f676c65617069732e636f6d00170000000d0018001604030804040105030203080508050501080606" +
        "010201000500050100000000337400000012000000100030002e0268320568322d31360568322d31350568322d313408737064792f" +
        "332e3106737064792f3308687474702f312e31000b00020100003300260024001d002007fee82f1f491252002ec2c94bdd47d90372" +
        "5351f4a2c2b02147a556776c2f22002d00020101002b0009080304030303020301000a000a0008001d001700180019001500a1";
    static final Secret SNAPSHOT_SECRET =
        Secret.parse("ee367a189aee18fa31c190054efd4a8e9573746f726167652e676f6f676c65617069732e636f6d");
    private static final long THIRTY_YEARS_SEC = 30L * 365 * 24 * 3600;

    static byte[] snapshot()
    {
        final byte[] head = Hex.decode(SNAPSHOT_HEX);
        return Arrays.copyOf(head, head.length + 161);
    }

    @Test
    void shouldMeasureParseAndVerifyMtgsSnapshot()
    {
        final byte[] hello = snapshot();
        assertEquals(517, hello.length);
        assertEquals(517, ClientHello.measure(hello, hello.length));
        final ClientHello parsed = ClientHello.parse(hello, hello.length);
        assertNotNull(parsed);
        assertArrayEquals(Hex.decode("5ef08f7376806c76e144bbf49149b2e817cf64e1afb2eb1e779fc736c29710fb"),
            parsed.random());
        assertArrayEquals(Hex.decode("4add81676b873059f7076b6b0f58df76da63a0938e83a24178b84573208c0aae"),
            parsed.sessionId());
        assertEquals(0x1303, parsed.cipherSuite());
        final long embedded = embeddedTime(hello, SNAPSHOT_SECRET.key());
        assertEquals(HelloVerdict.OK,
            parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com", embedded, 5));
        assertEquals(HelloVerdict.BAD_TIME,
            parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com", embedded + 6, 5));
        assertEquals(HelloVerdict.OK,
            parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com", embedded - 5, 5));
        assertEquals(HelloVerdict.BAD_SNI, parsed.verify(SNAPSHOT_SECRET.key(), "example.com", embedded, 5));
        assertEquals(HelloVerdict.BAD_DIGEST,
            parsed.verify(new byte[16], "storage.googleapis.com", embedded, THIRTY_YEARS_SEC));
    }

    @Test
    void shouldRejectMtgsBadSnapshot()
    {
        final byte[] hello = snapshot();
        hello[73] = (byte)0x80;
        hello[206] = 0x00;
        hello[207] = (byte)0xd0;
        final ClientHello parsed = ClientHello.parse(hello, ClientHello.measure(hello, hello.length));
        assertTrue(null == parsed || HelloVerdict.BAD_DIGEST == parsed.verify(SNAPSHOT_SECRET.key(),
            "storage.googleapis.com", embeddedTime(snapshot(), SNAPSHOT_SECRET.key()), THIRTY_YEARS_SEC));
    }

    @Test
    void shouldFailWhenAnyByteOutsideTheRandomChanges()
    {
        final byte[] original = snapshot();
        final long now = embeddedTime(original, SNAPSHOT_SECRET.key());
        final Random random = new Random(9);
        for (int i = 0; i < 300; i++)
        {
            final byte[] hello = original.clone();
            int index = random.nextInt(hello.length);
            while (index >= 11 && index < 43 - 4)
            {
                index = random.nextInt(hello.length);
            }
            hello[index] ^= (byte)(1 + random.nextInt(255));
            final int length = ClientHello.measure(hello, hello.length);
            final ClientHello parsed = length > 0 ? ClientHello.parse(hello, length) : null;
            final HelloVerdict verdict = null == parsed ? HelloVerdict.MALFORMED :
                parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com", now, 5);
            assertTrue(HelloVerdict.OK != verdict, "byte " + index + " changed yet " + verdict);
        }
    }

    @Test
    void shouldWaitForAWholeHelloAndRefuseWhatIsNotOne()
    {
        final byte[] hello = snapshot();
        for (final int length : new int[] {0, 1, 4, 5, 8, 9, 100, 516})
        {
            assertEquals(ClientHello.NEED_MORE, ClientHello.measure(hello, length), "length " + length);
        }
        assertEquals(ClientHello.NOT_TLS, ClientHello.measure("GET / HTTP/1.1\r\n".getBytes(), 16));
        final byte[] alert = Hex.decode("15030100020228");
        assertEquals(ClientHello.NOT_TLS, ClientHello.measure(alert, alert.length));
        final byte[] serverHello = hello.clone();
        serverHello[5] = 0x02;
        assertEquals(ClientHello.MALFORMED, ClientHello.measure(serverHello, serverHello.length));
        final byte[] oversized = hello.clone();
        oversized[3] = (byte)0x41; // record length 0x4100 > 16384
        assertEquals(ClientHello.MALFORMED, ClientHello.measure(oversized, oversized.length));
    }

    @Test
    void shouldReassembleAHelloSplitOverRecords()
    {
        final byte[] hello = snapshot();
        final int body = hello.length - 5;
        final int first = 100;
        final byte[] split = new byte[hello.length + 5];
        System.arraycopy(hello, 0, split, 0, 5 + first);
        split[3] = 0;
        split[4] = (byte)first;
        split[5 + first] = 0x16;
        split[6 + first] = 0x03;
        split[7 + first] = 0x01;
        split[8 + first] = (byte)((body - first) >>> 8);
        split[9 + first] = (byte)(body - first);
        System.arraycopy(hello, 5 + first, split, 10 + first, body - first);
        assertEquals(ClientHello.NEED_MORE, ClientHello.measure(split, 5 + first + 3));
        assertEquals(split.length, ClientHello.measure(split, split.length));
        final ClientHello parsed = ClientHello.parse(split, split.length);
        assertEquals(HelloVerdict.OK, parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com",
            embeddedTime(hello, SNAPSHOT_SECRET.key()), 5));
    }

    @Test
    void shouldNeverThrowOnGarbage()
    {
        final Random random = new Random(17);
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] raw = snapshot();
            final int flips = 1 + random.nextInt(20);
            for (int f = 0; f < flips; f++)
            {
                raw[random.nextInt(raw.length)] = (byte)random.nextInt(256);
            }
            final int length = ClientHello.measure(raw, raw.length);
            if (length > 0)
            {
                final ClientHello parsed = ClientHello.parse(raw, length);
                if (null != parsed)
                {
                    parsed.verify(SNAPSHOT_SECRET.key(), "storage.googleapis.com", 0, 5);
                }
            }
        }
    }

    /**
     * The timestamp a client embedded, recovered as the proxy does (protocol.md 4.3).
     */
    static long embeddedTime(final byte[] hello, final byte[] key)
    {
        final byte[] zeroed = hello.clone();
        Arrays.fill(zeroed, 11, 43, (byte)0);
        final byte[] digest = HmacSha256.mac(key, zeroed, 0, zeroed.length);
        long ts = 0;
        for (int i = 3; i >= 0; i--)
        {
            ts = ts << 8 | ((digest[28 + i] ^ hello[11 + 28 + i]) & 0xff);
        }
        return ts;
    }
}
