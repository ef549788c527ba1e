package io.mtgj.faketls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgj.secret.Secret;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FakeTLS proxy reads the first bytes of anyone who connects as a ClientHello (protocol.md 4.2-4.4). Whatever they
 * are, {@link ClientHello#measure} answers a length within them or one of its three codes, {@link ClientHello#parse}
 * a hello or null, {@link ClientHello#verify} a verdict; none of them throws or writes to the bytes. A measured hello
 * also needs more bytes when any of its own are missing.
 * <p>
 * Input: the client's first bytes, checked against the secret of the vectors' classic hello at its proxy time.
 * Seeds (ClientHelloFuzzTestInputs/measureParseVerify): every hello of {@code vectors/faketls/client-hellos.txt}
 * (classic and modern, fragmented, mtg v2's snapshot, bad digest, wrong or missing SNI, stale), the JDK's own TLS
 * hello, an HTTP request, a hello cut short and one with a length pointing past its record.
 */
@Timeout(60)
class ClientHelloFuzzTest
{
    private static final Secret SECRET =
        Secret.parse("ee367a189aee18fa31c190054efd4a8e9573746f726167652e676f6f676c65617069732e636f6d");
    private static final long NOW_SEC = 1_700_000_000L;
    private static final long TOLERANCE_SEC = 5;
    private static final int MIN_HELLO_LENGTH = 9; // a record header and a handshake header

    @FuzzTest
    void measureParseVerify(final byte[] input)
    {
        final byte[] raw = input.clone();
        final int length = ClientHello.measure(raw, raw.length);
        assertArrayEquals(input, raw, "measure reads only");
        if (length < 0)
        {
            assertTrue(ClientHello.NEED_MORE == length || ClientHello.NOT_TLS == length ||
                ClientHello.MALFORMED == length, "measure: " + length);
            assertTrue(raw.length > 0 || ClientHello.NEED_MORE == length, "nothing yet: need more");
            assertEquals(raw.length > 0 && TlsRecord.TYPE_HANDSHAKE != raw[0], ClientHello.NOT_TLS == length);
            return;
        }
        assertTrue(length >= MIN_HELLO_LENGTH && length <= raw.length, "measure: " + length);
        assertEquals(ClientHello.NEED_MORE, ClientHello.measure(raw, length - 1), "a hello with a byte missing");

        final ClientHello hello = ClientHello.parse(raw, length);
        assertArrayEquals(input, raw, "parse reads only");
        if (null == hello)
        {
            return;
        }
        assertEquals(ClientHello.RANDOM_LENGTH, hello.random().length);
        assertTrue(hello.sessionId().length <= 32, "session id: " + hello.sessionId().length);
        assertTrue(hello.cipherSuite() >= -1 && hello.cipherSuite() <= 0xffff, "suite: " + hello.cipherSuite());

        final HelloVerdict verdict = hello.verify(SECRET.key(), SECRET.host(), NOW_SEC, TOLERANCE_SEC);
        assertNotNull(verdict);
        assertNotSame(HelloVerdict.NOT_TLS, verdict);
        assertArrayEquals(input, raw, "verify reads only");
    }
}
