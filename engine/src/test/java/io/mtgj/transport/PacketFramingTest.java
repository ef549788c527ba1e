package io.mtgj.transport;

import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class PacketFramingTest
{
    @Test
    void shouldEncodeAbridgedShortAndLongForms()
    {
        final Random random = new Random(1);
        assertEquals("02", Hex.encode(PacketFraming.encode(ProtocolTag.ABRIDGED, new byte[8], random)).substring(0, 2));
        final byte[] longForm = PacketFraming.encode(ProtocolTag.ABRIDGED, new byte[127 * 4], random);
        assertEquals("7f7f0000", Hex.encode(longForm).substring(0, 8));
        assertEquals(4, PacketFraming.headerLength(ProtocolTag.ABRIDGED, longForm, 0, longForm.length));
        assertEquals(127 * 4, PacketFraming.bodyLength(ProtocolTag.ABRIDGED, longForm, 0));
        assertEquals(PacketFraming.NEED_MORE, PacketFraming.headerLength(ProtocolTag.ABRIDGED, longForm, 0, 3));
        final byte[] shortForm = PacketFraming.encode(ProtocolTag.ABRIDGED, new byte[126 * 4], random);
        assertEquals(1, PacketFraming.headerLength(ProtocolTag.ABRIDGED, shortForm, 0, shortForm.length));
        assertEquals(126 * 4, PacketFraming.bodyLength(ProtocolTag.ABRIDGED, shortForm, 0));
    }

    @Test
    void shouldEncodeIntermediateAndPadded()
    {
        final Random random = new Random(2);
        final byte[] payload = Hex.decode("0102030405060708");
        assertEquals("0800000001020304050607 08".replace(" ", ""),
            Hex.encode(PacketFraming.encode(ProtocolTag.INTERMEDIATE, payload, random)));
        for (int i = 0; i < 50; i++)
        {
            final byte[] padded = PacketFraming.encode(ProtocolTag.PADDED_INTERMEDIATE, payload, random);
            final int length = PacketFraming.bodyLength(ProtocolTag.PADDED_INTERMEDIATE, padded, 0);
            assertEquals(padded.length - 4, length);
            assertTrue(length >= 8 && length <= 11);
            final byte[] body = new byte[8];
            System.arraycopy(padded, 4, body, 0, 8);
            assertArrayEquals(payload, body);
        }
    }

    @Test
    void shouldSeeQuickAckBits()
    {
        assertTrue(PacketFraming.isQuickAckRequested(ProtocolTag.ABRIDGED, Hex.decode("82"), 0));
        assertFalse(PacketFraming.isQuickAckRequested(ProtocolTag.ABRIDGED, Hex.decode("02"), 0));
        final byte[] header = Hex.decode("08000080");
        assertTrue(PacketFraming.isQuickAckRequested(ProtocolTag.INTERMEDIATE, header, 0));
        assertEquals(8, PacketFraming.bodyLength(ProtocolTag.INTERMEDIATE, header, 0));
    }

    @Test
    void shouldMapTags()
    {
        assertEquals(ProtocolTag.PADDED_INTERMEDIATE, ProtocolTag.fromWire(0xdddddddd));
        assertEquals(null, ProtocolTag.fromWire(0x12345678));
    }
}
