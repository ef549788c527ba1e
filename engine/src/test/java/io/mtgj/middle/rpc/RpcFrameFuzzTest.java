package io.mtgj.middle.rpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decrypted stream from a middle proxy (protocol.md 7.3), whatever it holds, walked frame by frame as the
 * connection does: {@link RpcFrame#paddingLength} skips whole padding words inside what arrived,
 * {@link RpcFrame#readLength} asks for more, refuses, or names a frame that fits (at least header and CRC, whole
 * words, at most {@link Rpc#MAX_FRAME_LENGTH}), and {@link RpcFrame#hasValidCrc} agrees with the JDK's CRC32 over the
 * same bytes; nothing throws. A frame {@link RpcFrame#encode}s from the same bytes reads back whole and valid.
 * <p>
 * Input: the stream. Seeds (RpcFrameFuzzTestInputs/frames): the nonce and handshake frames of the Erlang proxy's
 * vectors, frames of several sizes with their padding, a frame with a bad CRC, one cut short, a length that is not
 * whole words and one past the limit.
 */
@Timeout(60)
class RpcFrameFuzzTest
{
    private static final int MAX_PAYLOAD_TO_ENCODE = 4096;

    @FuzzTest
    void frames(final byte[] input)
    {
        final ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, input.length));
        direct.put(input).clear();
        final UnsafeBuffer buffer = new UnsafeBuffer(direct);
        final CRC32 crc = new CRC32();

        int at = 0;
        while (at < input.length)
        {
            final int padding = RpcFrame.paddingLength(buffer, at, input.length - at);
            if (RpcFrame.NEED_MORE == padding)
            {
                assertTrue(input.length - at < 4, "padding needs more with " + (input.length - at) + " bytes");
                break;
            }
            assertTrue(padding >= 0 && 0 == (padding & 3) && padding <= input.length - at, "padding " + padding);
            at += padding;
            final int length = RpcFrame.readLength(buffer, at, input.length - at);
            if (RpcFrame.NEED_MORE == length || RpcFrame.MALFORMED == length)
            {
                break;
            }
            assertTrue(length >= RpcFrame.HEADER_LENGTH + RpcFrame.TRAILER_LENGTH && 0 == (length & 3) &&
                length <= Rpc.MAX_FRAME_LENGTH && length <= input.length - at, "frame length " + length);
            final int covered = length - RpcFrame.TRAILER_LENGTH;
            final int expectedCrc = buffer.getInt(at + covered, ByteOrder.LITTLE_ENDIAN);
            final boolean valid = RpcFrame.hasValidCrc(direct.duplicate().position(at).limit(at + covered),
                expectedCrc, crc);
            assertEquals(jdkCrc(input, at, covered) == expectedCrc, valid, "CRC at " + at);
            at += length;
        }

        final byte[] payload = Arrays.copyOf(input, Math.min(input.length, MAX_PAYLOAD_TO_ENCODE) & ~3);
        final byte[] frame = RpcFrame.encode(payload, input.length);
        final UnsafeBuffer encoded = new UnsafeBuffer(frame);
        assertEquals(0, RpcFrame.paddingLength(encoded, 0, frame.length));
        final int length = RpcFrame.readLength(encoded, 0, frame.length);
        assertEquals(RpcFrame.HEADER_LENGTH + payload.length + RpcFrame.TRAILER_LENGTH, length);
        assertEquals(RpcFrame.paddedLength(payload.length), frame.length);
        assertTrue(RpcFrame.hasValidCrc(ByteBuffer.wrap(frame, 0, length - RpcFrame.TRAILER_LENGTH),
            encoded.getInt(length - RpcFrame.TRAILER_LENGTH, ByteOrder.LITTLE_ENDIAN), crc));
        final int tail = frame.length - length;
        assertEquals(0 == tail ? RpcFrame.NEED_MORE : tail, RpcFrame.paddingLength(encoded, length, tail));
    }

    private static int jdkCrc(final byte[] bytes, final int offset, final int length)
    {
        final CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int)crc.getValue();
    }
}
