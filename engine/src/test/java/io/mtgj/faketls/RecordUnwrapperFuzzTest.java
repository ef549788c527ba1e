package io.mtgj.faketls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FakeTLS client's record stream after its hello, whatever it is, fed in reads of random sizes into one direct
 * buffer the way a pipe does (payload left in place for a while, then drained; an incomplete header's tail moved to
 * the front): {@link RecordUnwrapper#unwrap} stays inside the range it was given, never throws, and yields exactly
 * the payload and the verdict of a whole-stream reading written here from protocol.md 4.6, whatever the read
 * boundaries.
 * <p>
 * Input: byte 0 seeds the read sizes and the draining; the rest is the stream. Seeds
 * (RecordUnwrapperFuzzTestInputs/unwrap): tdlib-shaped streams (ChangeCipherSpec, then ApplicationData records up to
 * the largest accepted), empty records, a header cut at the end, and each kind of refused record (handshake,
 * alert, wrong version, too long, a ChangeCipherSpec of two bytes).
 */
@Timeout(60)
class RecordUnwrapperFuzzTest
{
    private static final int CAPACITY = 4096;
    private static final int MAX_READ = 1500;

    @FuzzTest
    void unwrap(final byte[] input)
    {
        final Random random = new Random(input.length > 0 ? input[0] : 0);
        final byte[] stream = input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : new byte[0];
        final Reading expected = Reading.of(stream);

        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CAPACITY));
        final RecordUnwrapper unwrapper = new RecordUnwrapper();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        int offered = 0;
        int payloadEnd = 0;
        int end = 0;
        boolean refused = false;
        while (offered < stream.length)
        {
            final int n = Math.min(Math.min(stream.length - offered, CAPACITY - end), 1 + random.nextInt(MAX_READ));
            buffer.putBytes(end, stream, offered, n);
            offered += n;
            end += n;
            final int unwrapped = unwrapper.unwrap(buffer, payloadEnd, end);
            if (RecordUnwrapper.ERROR == unwrapped)
            {
                refused = true;
                break;
            }
            final int tail = unwrapper.tailLength();
            assertTrue(unwrapped >= payloadEnd && tail >= 0 && tail < TlsRecord.HEADER_LENGTH &&
                unwrapped + tail <= end, "unwrapped " + unwrapped + " tail " + tail + " of " + payloadEnd + ".." + end);
            payloadEnd = unwrapped;
            end = unwrapped + tail;
            if (CAPACITY == end || 0 == random.nextInt(4))
            {
                drain(buffer, payload, payloadEnd, end);
                end -= payloadEnd;
                payloadEnd = 0;
            }
        }
        if (!refused)
        {
            drain(buffer, payload, payloadEnd, end);
        }

        assertEquals(expected.refused, refused, "refused");
        final byte[] delivered = payload.toByteArray();
        if (refused)
        {
            assertArrayEquals(Arrays.copyOf(expected.payload, delivered.length), delivered, "payload before refusal");
        }
        else
        {
            assertArrayEquals(expected.payload, delivered, "payload");
            assertEquals(expected.tailLength, end - payloadEnd, "incomplete header left");
        }
    }

    /**
     * Take the payload out and move the rest (an incomplete header) to the front.
     */
    private static void drain(
        final UnsafeBuffer buffer, final ByteArrayOutputStream payload, final int payloadEnd, final int end)
    {
        final byte[] ready = new byte[payloadEnd];
        buffer.getBytes(0, ready);
        payload.writeBytes(ready);
        buffer.putBytes(0, buffer, payloadEnd, end - payloadEnd);
    }

    /**
     * What a client's record stream holds, read in one piece: the ApplicationData payload (protocol.md 4.6),
     * whether a record no client sends appears, and the bytes of a header cut by the end of the stream.
     */
    private static final class Reading
    {
        private static final int MAX_CHANGE_CIPHER_SPEC_LENGTH = 1;

        final byte[] payload;
        final boolean refused;
        final int tailLength;

        private Reading(final byte[] payload, final boolean refused, final int tailLength)
        {
            this.payload = payload;
            this.refused = refused;
            this.tailLength = tailLength;
        }

        static Reading of(final byte[] stream)
        {
            final ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int at = 0;
            while (at < stream.length)
            {
                if (stream.length - at < TlsRecord.HEADER_LENGTH)
                {
                    return new Reading(payload.toByteArray(), false, stream.length - at);
                }
                final int type = stream[at];
                final int version = (stream[at + 1] & 0xff) << 8 | (stream[at + 2] & 0xff);
                final int length = (stream[at + 3] & 0xff) << 8 | (stream[at + 4] & 0xff);
                final boolean data = TlsRecord.TYPE_APPLICATION_DATA == type &&
                    length <= TlsRecord.MAX_INBOUND_PAYLOAD;
                final boolean changeCipherSpec = TlsRecord.TYPE_CHANGE_CIPHER_SPEC == type &&
                    length <= MAX_CHANGE_CIPHER_SPEC_LENGTH;
                if (TlsRecord.VERSION_TLS12 != version || !(data || changeCipherSpec))
                {
                    return new Reading(payload.toByteArray(), true, 0);
                }
                at += TlsRecord.HEADER_LENGTH;
                final int present = Math.min(length, stream.length - at);
                if (data)
                {
                    payload.write(stream, at, present);
                }
                at += present;
            }
            return new Reading(payload.toByteArray(), false, 0);
        }
    }
}
