package io.mtgj.faketls;

import io.mtgj.VectorFile;
import io.mtgj.secret.Hex;
import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hello check against vectors made by an independent Python implementation (vectors/faketls/generate.py in
 * perf), including mtg v2's snapshots.
 */
@Timeout(10)
class ClientHelloVectorsTest
{
    @Test
    void shouldJudgeEveryVectorAsItsGeneratorDid() throws IOException
    {
        final List<Map<String, String>> cases = VectorFile.load("/vectors/faketls/client-hellos.txt");
        assertTrue(cases.size() >= 20, "cases: " + cases.size());
        for (final Map<String, String> c : cases)
        {
            final String name = c.get("name");
            final Secret secret = Secret.parse(c.get("secret"));
            final byte[] wire = Hex.decode(c.get("hello"));
            final int length = ClientHello.measure(wire, wire.length);
            assertEquals(Integer.parseInt(c.get("length")), length, name);
            assertEquals(ClientHello.NEED_MORE, ClientHello.measure(wire, wire.length - 1), name);
            final ClientHello hello = ClientHello.parse(wire, length);
            assertNotNull(hello, name);
            assertArrayEquals(Hex.decode(c.get("random")), hello.random(), name);
            assertArrayEquals(Hex.decode(c.get("session_id")), hello.sessionId(), name);
            assertEquals(Integer.parseInt(c.get("cipher_suite"), 16), hello.cipherSuite(), name);
            final HelloVerdict verdict = hello.verify(secret.key(), secret.host(), Long.parseLong(c.get("now")),
                Long.parseLong(c.get("tolerance_s")));
            assertEquals(expected(c.get("expect")), verdict, name);
        }
    }

    private static HelloVerdict expected(final String expect)
    {
        return "stale".equals(expect) ? HelloVerdict.BAD_TIME : HelloVerdict.valueOf(expect.toUpperCase(Locale.ROOT));
    }
}
