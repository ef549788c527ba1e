package io.mtgj.crypto;

import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class AesBlockTest
{
    @Test
    void shouldMatchFips197AppendixC3()
    {
        final byte[] key = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        final byte[] block = Hex.decode("00112233445566778899aabbccddeeff");
        final byte[] out = new byte[AesBlock.LENGTH];

        AesBlock.encrypt(key, block, 0, out, 0);

        assertArrayEquals(Hex.decode("8ea2b7ca516745bfeafc49904b496089"), out);
    }

    @Test
    void shouldMatchJceForRandomKeysAndBlocksInPlace() throws Exception
    {
        final Random random = new Random(42);
        final Cipher jce = Cipher.getInstance("AES/ECB/NoPadding");
        for (int i = 0; i < 500; i++)
        {
            final byte[] key = new byte[AesBlock.KEY_LENGTH];
            final byte[] buffer = new byte[3 + AesBlock.LENGTH];
            random.nextBytes(key);
            random.nextBytes(buffer);
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            final byte[] expected = jce.doFinal(buffer, 3, AesBlock.LENGTH);

            AesBlock.encrypt(key, buffer, 3, buffer, 3);

            assertArrayEquals(expected, java.util.Arrays.copyOfRange(buffer, 3, 3 + AesBlock.LENGTH));
        }
    }

    @Test
    void shouldRefuseAKeyOfAnotherSize()
    {
        assertThrows(IllegalArgumentException.class,
            () -> AesBlock.encrypt(new byte[16], new byte[16], 0, new byte[16], 0));
    }
}
