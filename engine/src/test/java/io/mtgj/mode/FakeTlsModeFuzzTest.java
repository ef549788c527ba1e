package io.mtgj.mode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.faketls.ClientHello;
import io.mtgj.faketls.TlsRecord;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.secret.Secret;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first bytes of anyone who connects to a FakeTLS proxy: {@link SecretsMode#onFirstBytes} with a tls secret waits while a hello
 * may still be arriving, answers a hello of our secret with a ServerHello, and fronts everything else to the cloak
 * host with a reason (protocol.md 6); it never rejects outright, never throws, never touches the bytes (they are
 * forwarded as they came), and fronts an answered hello the second time as a replay.
 * <p>
 * Input: the client's stream, judged for the vectors' classic-hello secret at its proxy time. Seeds
 * (FakeTlsModeFuzzTestInputs/onFirstBytes): the hellos of {@code vectors/faketls/client-hellos.txt}, some followed by
 * the client's next records, the JDK's TLS hello, an HTTP request, random bytes and a hello cut short.
 */
@Timeout(60)
class FakeTlsModeFuzzTest
{
    private static final Secret SECRET =
        Secret.parse("ee367a189aee18fa31c190054efd4a8e9573746f726167652e676f6f676c65617069732e636f6d");
    private static final long NOW_MS = 1_700_000_000_000L;
    private static final long TOLERANCE_MS = 5_000;
    private static final int SLACK = 16;

    @FuzzTest
    void onFirstBytes(final byte[] input)
    {
        final SecretsMode mode =
            SecretsMode.single(SECRET, TOLERANCE_MS, () -> NOW_MS, AntiReplayCache.create(1024));
        final byte[] padded = Arrays.copyOf(input, input.length + SLACK);
        final UnsafeBuffer buffer = new UnsafeBuffer(padded.clone());

        final HandshakeResult result = mode.onFirstBytes(buffer, input.length, null);

        assertNotNull(result);
        assertArrayEquals(padded, buffer.byteArray(), "bytes untouched");
        final int measured = ClientHello.measure(input, input.length);
        switch (result.kind())
        {
            case NEED_MORE:
                assertEquals(ClientHello.NEED_MORE, measured);
                break;
            case CLOAK:
                assertNotNull(result.failure());
                assertTrue(ClientHello.NEED_MORE != measured, "cloaked while a hello may still be arriving");
                assertEquals(input.length > 0 && TlsRecord.TYPE_HANDSHAKE != input[0],
                    HandshakeFailure.NOT_TLS == result.failure());
                break;
            case REPLY:
                assertEquals(measured, result.consumed());
                assertTrue(result.reply().length > TlsRecord.HEADER_LENGTH, "reply: " + result.reply().length);
                assertEquals(TlsRecord.TYPE_HANDSHAKE, result.reply()[0]);
                final HandshakeResult replay = mode.onFirstBytes(buffer, input.length, null);
                assertSame(HandshakeResult.Kind.CLOAK, replay.kind());
                assertSame(HandshakeFailure.REPLAY, replay.failure());
                break;
            default:
                throw new AssertionError("a FakeTLS client is never " + result.kind() + " on its first bytes");
        }
    }
}
