package io.mtgj.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client's decrypted stream in its transport (protocol.md 2.6), whatever it holds: walked packet by packet as the
 * middle-proxy path does, {@link PacketFraming#headerLength} asks for more or names a header that fits in what
 * arrived, {@link PacketFraming#bodyLength} is never negative (whole words in abridged), and neither it nor
 * {@link PacketFraming#isQuickAckRequested} reads past the header. Packets {@link PacketFraming#encode}s from the same
 * bytes read back as they were written.
 * <p>
 * Input: byte 0 picks the transport (modulo 3, in {@link ProtocolTag} order); the rest is the stream. Seeds
 * (PacketFramingFuzzTestInputs/packets): streams of each transport with short and long abridged headers, quick-ack
 * bits, padding, a packet cut short and a length larger than the limit.
 */
@Timeout(60)
class PacketFramingFuzzTest
{
    private static final int ABRIDGED_MAX_BODY = 4 * 0xffffff;
    private static final int MAX_PAYLOAD_TO_ENCODE = 4096;

    @FuzzTest
    void packets(final byte[] input)
    {
        final ProtocolTag tag = ProtocolTag.values()[input.length > 0 ? (input[0] & 0xff) % 3 : 0];
        final byte[] stream = input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : new byte[0];

        int at = 0;
        while (at < stream.length)
        {
            final int available = stream.length - at;
            final int header = PacketFraming.headerLength(tag, stream, at, available);
            if (PacketFraming.NEED_MORE == header)
            {
                assertTrue(available < 4, "needs more with " + available + " bytes");
                break;
            }
            assertTrue((1 == header && ProtocolTag.ABRIDGED == tag) || 4 == header, "header " + header);
            assertTrue(header <= available);
            // Read from a copy holding just the header: a read past it would throw.
            final byte[] headerOnly = Arrays.copyOfRange(stream, at, at + header);
            final int body = PacketFraming.bodyLength(tag, headerOnly, 0);
            PacketFraming.isQuickAckRequested(tag, headerOnly, 0);
            assertTrue(body >= 0, "body " + body);
            if (ProtocolTag.ABRIDGED == tag)
            {
                assertTrue(0 == (body & 3) && body <= ABRIDGED_MAX_BODY, "abridged body " + body);
            }
            if (body > available - header)
            {
                break; // the rest of the packet has not arrived
            }
            at += header + body;
        }

        final byte[] payload = Arrays.copyOf(stream, Math.min(stream.length, MAX_PAYLOAD_TO_ENCODE) & ~3);
        final byte[] packet = PacketFraming.encode(tag, payload, new Random(stream.length));
        final int header = PacketFraming.headerLength(tag, packet, 0, packet.length);
        final int body = PacketFraming.bodyLength(tag, packet, 0);
        assertEquals(packet.length, header + body);
        assertEquals(payload.length, ProtocolTag.PADDED_INTERMEDIATE == tag ? body & ~3 : body);
        assertFalse(PacketFraming.isQuickAckRequested(tag, packet, 0));
        assertArrayEquals(payload, Arrays.copyOfRange(packet, header, header + payload.length));
    }
}
