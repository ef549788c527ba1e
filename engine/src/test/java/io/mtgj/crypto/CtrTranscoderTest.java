package io.mtgj.crypto;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

@Timeout(5)
class CtrTranscoderTest
{
    @Test
    void shouldDecryptAndReencryptInPlaceAcrossChunks()
    {
        final Random random = new Random(5);
        final byte[] keyA = new byte[32];
        final byte[] keyB = new byte[32];
        final byte[] iv = new byte[16];
        random.nextBytes(keyA);
        random.nextBytes(keyB);
        final byte[] plain = new byte[10_000];
        random.nextBytes(plain);

        final byte[] underA = new AesCtr(keyA, 0, iv, 0).process(plain);
        final byte[] expectedUnderB = new AesCtr(keyB, 0, iv, 0).process(plain);

        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(10_100));
        buffer.putBytes(50, underA);
        final AesCtr decrypt = new AesCtr(keyA, 0, iv, 0);
        final AesCtr encrypt = new AesCtr(keyB, 0, iv, 0);
        final CtrTranscoder transcoder = new CtrTranscoder(1000);
        transcoder.transcode(buffer, 50, 3333, decrypt, encrypt);
        transcoder.transcode(buffer, 50 + 3333, 10_000 - 3333, decrypt, encrypt);

        final byte[] out = new byte[10_000];
        buffer.getBytes(50, out);
        assertArrayEquals(expectedUnderB, out);
    }
}
