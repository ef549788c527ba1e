package io.mtgj.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class AesCtrTest
{
    @Test
    void shouldContinueTheSameKeystreamAfterSleepingAtAnyPosition()
    {
        final Random random = new Random(41);
        for (int trial = 0; trial < 40; trial++)
        {
            final byte[] key = new byte[AesCtr.KEY_LENGTH];
            final byte[] iv = new byte[AesCtr.IV_LENGTH];
            random.nextBytes(key);
            random.nextBytes(iv);
            if (0 == trial % 4)
            {
                Arrays.fill(iv, 8, 16, (byte)0xFF); // the counter carries out of its low 64 bits
            }
            if (1 == trial % 4)
            {
                Arrays.fill(iv, (byte)0xFF); // and wraps around all 128
            }
            final byte[] plain = new byte[4096 + random.nextInt(4096)];
            random.nextBytes(plain);
            final byte[] expected = new AesCtr(key, 0, iv, 0).process(plain);

            final AesCtr stream = new AesCtr(key, 0, iv, 0);
            final byte[] actual = new byte[plain.length];
            int done = 0;
            while (done < plain.length)
            {
                final int n = Math.min(plain.length - done, 1 + random.nextInt(100));
                if (random.nextBoolean())
                {
                    stream.sleep();
                    assertTrue(stream.isAsleep());
                }
                stream.update(plain, done, n, actual, done);
                assertFalse(stream.isAsleep());
                done += n;
            }
            assertEquals(plain.length, stream.position());
            assertArrayEquals(expected, actual, "trial " + trial);
        }
    }

    @Test
    void shouldKeepEveryStreamItsOwnWhileManyShareTheThreadsSpareCiphers()
    {
        // More streams than spares, interleaved, each sleeping at random: a re-keyed spare must never carry another
        // stream's key or position.
        final Random random = new Random(43);
        final int streams = AesCtr.MAX_SPARE_CIPHERS * 2;
        final AesCtr[] live = new AesCtr[streams];
        final AesCtr[] reference = new AesCtr[streams];
        for (int i = 0; i < streams; i++)
        {
            final byte[] key = new byte[AesCtr.KEY_LENGTH];
            final byte[] iv = new byte[AesCtr.IV_LENGTH];
            random.nextBytes(key);
            random.nextBytes(iv);
            live[i] = new AesCtr(key, 0, iv, 0);
            reference[i] = new AesCtr(key, 0, iv, 0);
            reference[i].sleep(); // both kinds feed the spares
        }
        for (int round = 0; round < 2_000; round++)
        {
            final int i = random.nextInt(streams);
            if (random.nextInt(3) == 0)
            {
                live[i].sleep();
            }
            final byte[] plain = new byte[1 + random.nextInt(64)];
            random.nextBytes(plain);
            final byte[] expected = reference[i].process(plain);
            final byte[] actual = new byte[plain.length];
            live[i].update(plain, 0, plain.length, actual, 0);
            assertArrayEquals(expected, actual, "stream " + i + " round " + round);
        }
    }

    @Test
    void shouldAddBlocksToTheCounterAsA128BitBigEndianNumber()
    {
        final byte[] iv = new byte[16];
        Arrays.fill(iv, 12, 16, (byte)0xFF);
        final byte[] next = AesCtr.counterAt(iv, 1);
        assertEquals(1, next[11]);
        assertEquals(0, next[15]);
        final byte[] all = new byte[16];
        Arrays.fill(all, (byte)0xFF);
        assertArrayEquals(new byte[16], AesCtr.counterAt(all, 1), "wraps");
        final byte[] low = new byte[16];
        Arrays.fill(low, 8, 16, (byte)0xFF);
        final byte[] carried = AesCtr.counterAt(low, 2);
        assertEquals(1, carried[7], "carries into the high 64 bits");
        assertEquals(1, carried[15]);
        assertArrayEquals(iv, AesCtr.counterAt(iv, 0), "zero blocks leave it");
    }
}
