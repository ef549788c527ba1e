package io.mtgj.secret;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets come from the user (command line, environment, links): any text either parses into a secret that
 * round-trips through both of its wire forms, or is refused with an {@link IllegalArgumentException}.
 * <p>
 * Seeds (SecretFuzzTestInputs/parse): the three modes in hex and base64, both alphabets, with and without padding,
 * and near misses (odd length, wrong prefix, a bad hostname character).
 */
@Timeout(60)
class SecretFuzzTest
{
    @FuzzTest
    void parse(final byte[] input)
    {
        final String text = new String(input, StandardCharsets.UTF_8);
        final Secret secret;
        try
        {
            secret = Secret.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            assertNotNull(ex.getMessage());
            return;
        }
        assertEquals(Secret.KEY_LENGTH, secret.key().length);
        assertEquals(SecretMode.FAKE_TLS == secret.mode(), null != secret.host());
        if (null != secret.host())
        {
            assertTrue(secret.host().length() <= Secret.MAX_HOST_LENGTH, secret.host());
        }
        assertEquals(secret, Secret.parse(secret.toHex()));
        final String base64 = secret.toBase64Url();
        if (!Hex.isHex(base64)) // all-hex base64 reads as hex, for clients as for us
        {
            assertEquals(secret, Secret.parse(base64));
        }
        assertArrayEquals(secret.toBytes(), Secret.fromBytes(secret.toBytes(), "round trip").toBytes());
    }
}
