package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ShapedServerHelloTest
{
    private static final int[] HOST_EXTENSIONS = {0x002b, 0x0033};

    @Test
    void shouldCopyTheHostsCipherOrderAndFlightLengthAndStayValid()
    {
        final byte[] helloBytes = ClientHelloTest.snapshot();
        final ClientHello hello = ClientHello.parse(helloBytes, helloBytes.length);
        final byte[] key = ClientHelloTest.SNAPSHOT_SECRET.key();
        assertTrue(hello.offersCipherSuite(0x1302));
        final ServerHelloShape shape = new ServerHelloShape(0x1302, HOST_EXTENSIONS, true, new int[] {65, 3676, 297, 85});
        assertEquals(4123, shape.flightLength());
        assertFalse(shape.isKeyShareFirst());
        final Random random = new Random(9);
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (int i = 0; i < 200; i++)
        {
            final byte[] reply = ServerHello.build(key, hello, random, shape);
            final int first = 5 + ClientHello.u16(reply, 3);
            assertArrayEquals(new byte[] {0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x17, 0x03, 0x03},
                Arrays.copyOfRange(reply, first, first + 9));
            final int flight = ClientHello.u16(reply, first + 9);
            assertEquals(first + 6 + 5 + flight, reply.length);
            smallest = Math.min(smallest, flight);
            largest = Math.max(largest, flight);
            assertEquals(0x1302, ClientHello.u16(reply, 76));
            // supported_versions first, as the host; then key_share x25519 with 32 bytes.
            assertEquals(46, ClientHello.u16(reply, 79));
            assertEquals(0x002b, ClientHello.u16(reply, 81));
            assertEquals(0x0304, ClientHello.u16(reply, 85));
            assertEquals(0x0033, ClientHello.u16(reply, 87));
            assertEquals(0x001d, ClientHello.u16(reply, 91));
            assertEquals(32, ClientHello.u16(reply, 93));
            final byte[] zeroed = reply.clone();
            Arrays.fill(zeroed, 11, 43, (byte)0);
            assertArrayEquals(HmacSha256.mac(key, hello.random(), zeroed), Arrays.copyOfRange(reply, 11, 43));
        }
        final int spread = 4123 * ServerHello.JITTER_PERCENT / 100;
        assertTrue(smallest >= 4123 - spread && largest <= 4123 + spread, smallest + ".." + largest);
        assertTrue(largest - smallest > spread, "the length varies: " + smallest + ".." + largest);
    }

    @Test
    void shouldFallBackToTheClientsSuiteWhenTheHostsWasNotOffered()
    {
        final byte[] helloBytes = ClientHelloTest.snapshot();
        final ClientHello hello = ClientHello.parse(helloBytes, helloBytes.length);
        assertFalse(hello.offersCipherSuite(0x1304));
        final ServerHelloShape shape = new ServerHelloShape(0x1304, new int[] {0x0033, 0x002b, 0x0029}, true,
            new int[] {20_000, 9_000});
        assertTrue(shape.isKeyShareFirst());
        assertEquals(ServerHelloShape.MAX_CIPHERTEXT, shape.flightLength());
        final byte[] reply = ServerHello.build(ClientHelloTest.SNAPSHOT_SECRET.key(), hello, new Random(1), shape);
        assertEquals(hello.cipherSuite(), ClientHello.u16(reply, 76));
        assertEquals(0x0033, ClientHello.u16(reply, 81)); // key_share first; pre_shared_key dropped
        final int first = 5 + ClientHello.u16(reply, 3);
        assertTrue(ClientHello.u16(reply, first + 9) <= ServerHelloShape.MAX_CIPHERTEXT);
    }

    @Test
    void shouldSizeRecordsSmallThenMediumThenFull()
    {
        assertEquals(RecordSizing.SMALL_PAYLOAD, RecordSizing.payloadLimit(0));
        assertEquals(RecordSizing.SMALL_PAYLOAD, RecordSizing.payloadLimit(RecordSizing.SMALL_RECORDS - 1));
        assertEquals(RecordSizing.MEDIUM_PAYLOAD, RecordSizing.payloadLimit(RecordSizing.SMALL_RECORDS));
        assertEquals(TlsRecord.MAX_PAYLOAD, RecordSizing.payloadLimit(RecordSizing.FULL));
        final Random random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            final int index = random.nextInt(RecordSizing.FULL + 10);
            final int space = random.nextInt(300_000);
            final int room = RecordSizing.payloadRoom(index, space);
            // Framing the room in the schedule's records needs no more than the space.
            int used = 0;
            int left = room;
            for (int record = index; left > 0; record++)
            {
                final int length = Math.min(left, RecordSizing.payloadLimit(record));
                used += TlsRecord.HEADER_LENGTH + length;
                left -= length;
            }
            assertTrue(used <= space, "index " + index + " space " + space + " room " + room);
            assertTrue(space - used <= TlsRecord.HEADER_LENGTH * 2, "room wasted: " + (space - used));
        }
    }
}
