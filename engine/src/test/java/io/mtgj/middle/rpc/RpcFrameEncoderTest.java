package io.mtgj.middle.rpc;

import io.mtgj.crypto.AesCbc;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame produced in pieces is {@link RpcFrame#encode} of the same payload, whatever the pieces, and CBC over
 * 16-byte pieces equals CBC over the whole frame: what lets a middle-proxy connection send a megabyte through
 * 16 KiB buffers.
 */
@Timeout(30)
class RpcFrameEncoderTest
{
    private final Random random = new Random(11);

    @Test
    void shouldProduceTheSameBytesAsEncodeWhateverThePieces()
    {
        final RpcFrameEncoder encoder = new RpcFrameEncoder();
        final int[] prefixLengths = {0, 4, 12, Rpc.PROXY_REQ_HEADER_LENGTH, RpcFrameEncoder.MAX_PREFIX_LENGTH};
        final int[] bodyLengths = {0, 4, 8, 12, 16, 100, 4096, 16 * 1024 - 8, 70_000};
        for (final int prefixLength : prefixLengths)
        {
            for (final int bodyLength : bodyLengths)
            {
                final byte[] payload = new byte[prefixLength + bodyLength];
                random.nextBytes(payload);
                final int seq = random.nextInt();
                final byte[] expected = RpcFrame.encode(payload, seq);
                // the body at an offset inside a larger array, as a client's staged packet may be
                final byte[] body = new byte[bodyLength + 10];
                System.arraycopy(payload, prefixLength, body, 7, bodyLength);
                encoder.begin(payload, 0, prefixLength, body, 7, bodyLength, seq);
                assertEquals(expected.length, encoder.frameLength());
                final ByteArrayOutputStream produced = new ByteArrayOutputStream();
                while (encoder.isActive())
                {
                    final int n = Math.min(encoder.remaining(), 1 + random.nextInt(3000));
                    final byte[] piece = new byte[n + 3];
                    encoder.next(piece, 3, n);
                    produced.write(piece, 3, n);
                }
                assertArrayEquals(expected, produced.toByteArray(), prefixLength + " + " + bodyLength);
                assertEquals(0, encoder.remaining());
            }
        }
    }

    @Test
    void shouldEncryptInBlockPiecesAsInOne()
    {
        final byte[] key = new byte[32];
        final byte[] iv = new byte[16];
        random.nextBytes(key);
        random.nextBytes(iv);
        final AesCbc whole = new AesCbc(key, iv, true);
        final AesCbc pieces = new AesCbc(key, iv, true);
        final RpcFrameEncoder encoder = new RpcFrameEncoder();
        for (int frame = 0; frame < 3; frame++)
        {
            final byte[] prefix = new byte[Rpc.PROXY_REQ_HEADER_LENGTH];
            final byte[] body = new byte[(1 << 20) + 4 * frame];
            random.nextBytes(prefix);
            random.nextBytes(body);
            final byte[] payload = Arrays.copyOf(prefix, prefix.length + body.length);
            System.arraycopy(body, 0, payload, prefix.length, body.length);
            final byte[] expected = whole.process(RpcFrame.encode(payload, frame));

            encoder.begin(prefix, 0, prefix.length, body, 0, body.length, frame);
            final byte[] produced = new byte[encoder.frameLength()];
            final byte[] plain = new byte[16 * 1024];
            int at = 0;
            while (encoder.isActive())
            {
                final int n = Math.min(encoder.remaining(), 16 * (1 + random.nextInt(1024)));
                assertEquals(0, n % AesCbc.BLOCK_LENGTH);
                encoder.next(plain, 0, n);
                pieces.update(plain, 0, n, produced, at);
                at += n;
            }
            assertArrayEquals(expected, produced, "frame " + frame);
        }
    }

    @Test
    void shouldReadTheBodyOnlyWhileTheFrameIsInProgress()
    {
        final RpcFrameEncoder encoder = new RpcFrameEncoder();
        final byte[] body = new byte[64];
        encoder.begin(new byte[4], 0, 4, body, 0, body.length, 0);
        assertTrue(encoder.isReading(body));
        assertThrows(IllegalStateException.class, () -> encoder.begin(new byte[4], 0, 4, null, 0, 0, 1));
        encoder.next(new byte[encoder.remaining()], 0, encoder.remaining());
        assertFalse(encoder.isReading(body));
        assertFalse(encoder.isActive());

        encoder.begin(new byte[4], 0, 4, body, 0, body.length, 1);
        encoder.clear();
        assertFalse(encoder.isActive());
        assertFalse(encoder.isReading(body));
    }

    @Test
    void shouldRefuseWhatIsNotAFrame()
    {
        final RpcFrameEncoder encoder = new RpcFrameEncoder();
        assertThrows(IllegalArgumentException.class, () -> encoder.begin(new byte[6], 0, 6, null, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
            () -> encoder.begin(new byte[132], 0, 132, null, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
            () -> encoder.begin(new byte[4], 0, 4, new byte[0], 0, Rpc.MAX_FRAME_LENGTH, 0));
        encoder.begin(new byte[4], 0, 4, null, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> encoder.next(new byte[64], 0, 17));
    }

    @Test
    void shouldAnnounceTheLengthBeforeTheFrameIsIn()
    {
        final byte[] frame = RpcFrame.encode(new byte[1000], 3);
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        assertEquals(1012, RpcFrame.announcedLength(buffer, 0, 4));
        assertEquals(RpcFrame.NEED_MORE, RpcFrame.readLength(buffer, 0, 4));
        assertEquals(RpcFrame.NEED_MORE, RpcFrame.announcedLength(buffer, 0, 3));
        assertEquals(1012, RpcFrame.readLength(buffer, 0, 1012));
        buffer.putInt(0, Rpc.MAX_FRAME_LENGTH + 4, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(RpcFrame.MALFORMED, RpcFrame.announcedLength(buffer, 0, 4));
        buffer.putInt(0, 10, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(RpcFrame.MALFORMED, RpcFrame.announcedLength(buffer, 0, 4));
    }
}
