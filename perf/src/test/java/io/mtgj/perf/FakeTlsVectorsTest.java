package io.mtgj.perf;

import io.mtgj.VectorFile;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vectors made by {@code vectors/faketls/generate.py} are themselves right: each ok hello verifies with the
 * time and fields the file states, each bad one fails for the stated reason, and the engine's copy is identical.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FakeTlsVectorsTest
{
    private static final String RESOURCE = "/vectors/faketls/client-hellos.txt";
    private static final Path OWN_COPY = Path.of("src", "test", "resources", "vectors", "faketls", "client-hellos.txt");
    private static final Path ENGINE_COPY = Path.of("..", "engine", "src", "test", "resources", "vectors", "faketls",
        "client-hellos.txt");

    @Test
    void shouldVerifyEveryVectorAsItsExpectationSays() throws IOException
    {
        final List<Map<String, String>> cases = VectorFile.load(RESOURCE);
        assertTrue(cases.size() >= 20, "cases: " + cases.size());
        int ok = 0;
        for (final Map<String, String> c : cases)
        {
            final String name = c.get("name");
            final Secret secret = Secret.parse(c.get("secret"));
            final byte[] hello = Hex.decode(c.get("hello"));
            assertEquals(Integer.parseInt(c.get("length")), hello.length, name);
            final TlsHelloVerifier.Verdict verdict = TlsHelloVerifier.verify(hello, secret.key(), secret.host(),
                Long.parseLong(c.get("now")), Long.parseLong(c.get("tolerance_s")));
            assertEquals(expected(c.get("expect")), verdict.status, name + ": " + verdict);
            assertEquals(Integer.parseInt(c.get("fragments")), verdict.records, name);
            assertArrayEquals(Hex.decode(c.get("session_id")), verdict.sessionId, name);
            assertArrayEquals(Hex.decode(c.get("random")), verdict.random, name);
            assertEquals(Integer.parseInt(c.get("cipher_suite"), 16), verdict.cipherSuite, name);
            if (TlsHelloVerifier.Status.OK == verdict.status || TlsHelloVerifier.Status.STALE == verdict.status)
            {
                assertEquals(Long.parseLong(c.get("unix_time")), verdict.unixTime, name);
            }
            if (TlsHelloVerifier.Status.OK == verdict.status)
            {
                ok++;
                assertEquals(c.get("sni"), secret.host(), name);
            }
        }
        assertTrue(ok >= 8, "ok cases: " + ok);
    }

    @Test
    void shouldCarryTheMtgSnapshotWithItsEmbeddedTime() throws IOException
    {
        final Map<String, Map<String, String>> byName = new HashMap<>();
        for (final Map<String, String> c : VectorFile.load(RESOURCE))
        {
            byName.put(c.get("name"), c);
        }
        final Map<String, String> ok = byName.get("mtg-ok-19dfe38384b9884b");
        assertEquals("1617181365", ok.get("unix_time"));
        assertEquals("5ef08f7376806c76e144bbf49149b2e817cf64e1afb2eb1e779fc736c29710fb", ok.get("random"));
        assertEquals("4add81676b873059f7076b6b0f58df76da63a0938e83a24178b84573208c0aae", ok.get("session_id"));
        assertEquals("1303", ok.get("cipher_suite"));
        final byte[] good = Hex.decode(ok.get("hello"));
        final byte[] bad = Hex.decode(byName.get("mtg-bad-fa2e46cdb33e2a1b").get("hello"));
        int differences = 0;
        for (int i = 0; i < good.length; i++)
        {
            differences += good[i] != bad[i] ? 1 : 0;
        }
        assertEquals(3, differences, "byte 73 and bytes 206-207 (protocol.md 9.2(b))");
        assertEquals((byte)0x80, bad[73]);
    }

    @Test
    void shouldMatchTheEngineCopy() throws IOException
    {
        assertTrue(Files.exists(ENGINE_COPY), ENGINE_COPY.toAbsolutePath() + " is where the engine reads them");
        assertEquals(Files.readString(OWN_COPY, StandardCharsets.US_ASCII),
            Files.readString(ENGINE_COPY, StandardCharsets.US_ASCII),
            "re-run generate.py: it writes both copies");
    }

    private static TlsHelloVerifier.Status expected(final String expect)
    {
        switch (expect)
        {
            case "ok":
                return TlsHelloVerifier.Status.OK;
            case "bad_digest":
                return TlsHelloVerifier.Status.BAD_DIGEST;
            case "bad_sni":
                return TlsHelloVerifier.Status.BAD_SNI;
            case "stale":
                return TlsHelloVerifier.Status.STALE;
            default:
                throw new IllegalArgumentException("unknown expectation " + expect);
        }
    }
}
