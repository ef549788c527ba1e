package io.mtgj.faketls;

import io.mtgj.secret.Hex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class RecordUnwrapperTest
{
    @Test
    void shouldJoinPayloadsWhateverTheReadBoundaries()
    {
        final Random random = new Random(2);
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        wire.writeBytes(Hex.decode("140303000101"));
        for (int i = 0; i < 40; i++)
        {
            final byte[] chunk = new byte[random.nextInt(3000)];
            random.nextBytes(chunk);
            wire.writeBytes(new byte[] {0x17, 0x03, 0x03, (byte)(chunk.length >>> 8), (byte)chunk.length});
            wire.writeBytes(chunk);
            payload.writeBytes(chunk);
        }
        final byte[] bytes = wire.toByteArray();
        for (int trial = 0; trial < 50; trial++)
        {
            assertArrayEquals(payload.toByteArray(), unwrapInRandomReads(bytes, random));
        }
    }

    /**
     * Feed the bytes in random read sizes into one buffer the way a pipe does, draining the payload as it comes.
     */
    private static byte[] unwrapInRandomReads(final byte[] bytes, final Random random)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length + 16));
        final RecordUnwrapper unwrapper = new RecordUnwrapper();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offered = 0;
        int end = 0;
        while (offered < bytes.length)
        {
            final int n = Math.min(bytes.length - offered, 1 + random.nextInt(700));
            buffer.putBytes(end, bytes, offered, n);
            offered += n;
            final int payloadEnd = unwrapper.unwrap(buffer, 0, end + n);
            final byte[] ready = new byte[payloadEnd];
            buffer.getBytes(0, ready);
            out.writeBytes(ready);
            final int tail = unwrapper.tailLength();
            buffer.putBytes(0, buffer, payloadEnd, tail);
            end = tail;
        }
        assertEquals(0, end);
        return out.toByteArray();
    }

    @Test
    void shouldRefuseRecordsAClientNeverSendsAfterItsHello()
    {
        for (final String bad : new String[] {"1603030005", "1503030002", "1703010005", "170303ffff", "1403030002"})
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(Hex.decode(bad + "0000000000"));
            assertEquals(RecordUnwrapper.ERROR, new RecordUnwrapper().unwrap(buffer, 0, buffer.capacity()), bad);
        }
    }
}
