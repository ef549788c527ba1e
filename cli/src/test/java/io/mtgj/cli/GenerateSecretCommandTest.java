package io.mtgj.cli;

import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class GenerateSecretCommandTest
{
    private final Console console = new Console();

    private String generate(final String... args)
    {
        assertEquals(0, GenerateSecretCommand.execute(args, console.out, console.err), console.err());
        assertEquals("", console.err());
        assertEquals(1, console.outLines().size(), console.out());
        final String hex = console.outLines().get(0);
        assertTrue(hex.matches("[0-9a-f]+"), hex);
        assertTrue(console.out().endsWith(System.lineSeparator()), console.out());
        return hex;
    }

    @Test
    void shouldGenerateSimple()
    {
        final String hex = generate("simple");

        assertEquals(32, hex.length());
        assertEquals(SecretMode.SIMPLE, Secret.parse(hex).mode());
    }

    @Test
    void shouldGenerateSecured()
    {
        final String hex = generate("secured");

        assertEquals(34, hex.length());
        assertTrue(hex.startsWith("dd"), hex);
        assertEquals(SecretMode.SECURED, Secret.parse(hex).mode());
        assertNull(Secret.parse(hex).host());
    }

    @Test
    void shouldGenerateTlsWithTheDefaultHost()
    {
        final String hex = generate("tls");

        final Secret secret = Secret.parse(hex);
        assertEquals(SecretMode.FAKE_TLS, secret.mode());
        assertEquals(Secret.DEFAULT_TLS_HOST, secret.host());
        assertTrue(hex.startsWith("ee"), hex);
        assertTrue(hex.endsWith(hexOf("storage.googleapis.com")), hex);
    }

    @Test
    void shouldGenerateTlsWithACloakHost()
    {
        for (final String[] args : new String[][] {{"tls", "-c", "example.com"}, {"--cloak-host", "example.com", "tls"},
            {"tls", "--cloak-host=example.com"}})
        {
            final Console console = new Console();
            assertEquals(0, GenerateSecretCommand.execute(args, console.out, console.err), console.err());
            final String hex = console.outLines().get(0);
            assertTrue(hex.contains("6578616d706c652e636f6d"), hex);
            assertEquals(2 + 32 + 22, hex.length(), hex);
            assertEquals("example.com", Secret.parse(hex).host());
        }
    }

    @Test
    void shouldDrawTheKeyFromTheRandomSource()
    {
        final byte[] key = new byte[16];
        new Random(42).nextBytes(key);

        assertEquals(0, GenerateSecretCommand.execute(new String[] {"secured"}, console.out, console.err,
            new Random(42)));

        assertEquals("dd" + Hex.encode(key), console.outLines().get(0));
    }

    @Test
    void shouldGenerateDifferentSecrets()
    {
        final Console first = new Console();
        final Console second = new Console();
        GenerateSecretCommand.execute(new String[] {"simple"}, first.out, first.err);
        GenerateSecretCommand.execute(new String[] {"simple"}, second.out, second.err);

        assertNotEquals(first.out(), second.out());
    }

    @Test
    void shouldRejectBadInputWithOneLine()
    {
        final String[][] cases =
        {
            {"nope", "nope"},
            {"TLS", "TLS"},
            {"", "''"},
            {"tls -c bad_host", "bad_host"},
            {"tls -c " + "a".repeat(200), "a".repeat(200)},
            {"simple secured", "secured"},
            {"--frob simple", "--frob"},
            {"tls -c", "c"},
            {"tls -c a.com -c b.com", "--cloak-host"},
        };
        for (final String[] c : cases)
        {
            final Console console = new Console();
            final String[] args = c[0].isEmpty() ? new String[0] : c[0].split(" ");
            assertEquals(2, GenerateSecretCommand.execute(args, console.out, console.err), c[0]);
            assertEquals(1, console.errLines().size(), console.err());
            final String line = console.errLines().get(0);
            assertTrue(line.startsWith("mtg: "), line);
            if (!"''".equals(c[1]))
            {
                assertTrue(line.contains(c[1]), line);
            }
            assertEquals("", console.out());
        }
    }

    @Test
    void shouldPrintHelp()
    {
        assertEquals(0, GenerateSecretCommand.execute(new String[] {"--help"}, console.out, console.err));

        assertEquals(GenerateSecretCommand.USAGE, console.out());
        assertEquals("", console.err());
    }

    private static String hexOf(final String text)
    {
        return Hex.encode(text.getBytes(StandardCharsets.US_ASCII));
    }
}
