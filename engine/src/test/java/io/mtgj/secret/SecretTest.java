package io.mtgj.secret;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class SecretTest
{
    private static final String KEY = "367a189aee18fa31c190054efd4a8e95";

    @Test
    void shouldClassifyEachMode()
    {
        assertEquals(SecretMode.SIMPLE, Secret.parse(KEY).mode());
        assertEquals(SecretMode.SECURED, Secret.parse("dd" + KEY).mode());
        assertEquals(SecretMode.SECURED, Secret.parse("DD" + KEY.toUpperCase()).mode());
        final Secret tls = Secret.parse("ee" + KEY + "73746f726167652e676f6f676c65617069732e636f6d");
        assertEquals(SecretMode.FAKE_TLS, tls.mode());
        assertEquals("storage.googleapis.com", tls.host());
        assertArrayEquals(Hex.decode(KEY), tls.key());
    }

    @Test
    void shouldReadTheBase64FormsClientsUse()
    {
        final Secret tls = Secret.parse("7jZ6GJruGPoxwZAFTv1KjpVzdG9yYWdlLmdvb2dsZWFwaXMuY29t");
        assertEquals(SecretMode.FAKE_TLS, tls.mode());
        assertEquals("storage.googleapis.com", tls.host());
        assertEquals("ee367a189aee18fa31c190054efd4a8e9573746f726167652e676f6f676c65617069732e636f6d", tls.toHex());
        assertEquals("7jZ6GJruGPoxwZAFTv1KjpVzdG9yYWdlLmdvb2dsZWFwaXMuY29t", tls.toBase64Url());
    }

    @Test
    void shouldRejectWrongLengthsNamingTheValue()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Secret.parse("abcd"));
        assertTrue(ex.getMessage().contains("'abcd'"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("dd" + KEY + "00"));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("ee" + KEY));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("ab" + KEY));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Secret.parse("zz!!"));
    }

    @Test
    void shouldGenerateEachModeAndParseItBack()
    {
        final Random random = new Random(3);
        for (final SecretMode mode : SecretMode.values())
        {
            final Secret secret = Secret.generate(mode, "example.com", random);
            assertEquals(secret, Secret.parse(secret.toHex()));
            assertEquals(mode, Secret.parse(secret.toHex()).mode());
        }
        assertTrue(Secret.generate(SecretMode.FAKE_TLS, "example.com", random).toHex()
            .endsWith(Hex.encode("example.com".getBytes())));
        assertNull(Secret.generate(SecretMode.SIMPLE, "ignored.com", random).host());
        assertThrows(IllegalArgumentException.class, () -> Secret.generate(SecretMode.FAKE_TLS, "bad host", random));
        assertThrows(IllegalArgumentException.class, () -> Secret.generate(SecretMode.FAKE_TLS, "", random));
    }

    @Test
    void shouldNeverPrintTheKey()
    {
        final Secret secret = Secret.parse("dd" + KEY);
        assertFalse(secret.toString().contains(KEY));
    }

    @Test
    void shouldNameModes()
    {
        assertEquals(SecretMode.FAKE_TLS, SecretMode.fromCliName("tls"));
        assertThrows(IllegalArgumentException.class, () -> SecretMode.fromCliName("quantum"));
    }
}
