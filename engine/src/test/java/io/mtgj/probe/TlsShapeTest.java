package io.mtgj.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class TlsShapeTest
{
    @Test
    void shouldReadTheRecordsOfAnAnswer()
    {
        final byte[] answer = records(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 2934}, {0x17, 53}});

        final TlsShape shape = TlsShape.of(answer, answer.length);

        assertEquals(4, shape.count());
        assertEquals("handshake:122 ccs:1 data:2934 data:53", shape.toString());
    }

    @Test
    void shouldCountBytesAfterTheLastWholeRecord()
    {
        final byte[] answer = records(new int[][] {{0x16, 122}, {0x17, 500}});

        final TlsShape shape = TlsShape.of(answer, answer.length - 100);

        assertEquals("handshake:122 +405", shape.toString());
    }

    @Test
    void shouldFindNoRecordsInOtherBytes()
    {
        final byte[] http = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        assertNull(TlsShape.of(http, http.length));
        assertNull(TlsShape.of(new byte[0], 0));
        assertNull(TlsShape.of(new byte[] {0x16, 0x03, 0x03}, 3));
    }

    @Test
    void shouldMatchShapesWithinTheSlackOnly()
    {
        final TlsShape site = shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 411}, {0x17, 111}});

        assertTrue(site.isLike(shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 411}, {0x17, 113}})));
        assertTrue(site.isLike(shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 411}, {0x17, 111 + 16}})));
        assertFalse(site.isLike(shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 411}, {0x17, 111 + 17}})));
        assertFalse(site.isLike(shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 3179}})));
        assertFalse(site.isLike(shape(new int[][] {{0x16, 122}, {0x14, 1}, {0x17, 411}, {0x15, 111}})));
    }

    @Test
    void shouldNeverThrowOnGarbage()
    {
        final Random random = new Random(3);
        for (int i = 0; i < 10_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean())
            {
                bytes[0] = (byte)(0x14 + random.nextInt(4));
            }
            final TlsShape shape = TlsShape.of(bytes, random.nextInt(bytes.length + 1));
            if (null != shape)
            {
                assertFalse(shape.toString().isEmpty());
            }
        }
    }

    private static TlsShape shape(final int[][] records)
    {
        final byte[] bytes = records(records);
        return TlsShape.of(bytes, bytes.length);
    }

    private static byte[] records(final int[][] records)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final int[] record : records)
        {
            out.write(record[0]);
            out.write(0x03);
            out.write(0x03);
            out.write(record[1] >>> 8);
            out.write(record[1]);
            final byte[] body = new byte[record[1]];
            Arrays.fill(body, (byte)0x5a);
            out.write(body, 0, body.length);
        }
        return out.toByteArray();
    }
}
