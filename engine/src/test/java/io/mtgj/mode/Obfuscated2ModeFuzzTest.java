package io.mtgj.mode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first bytes of a simple or secured client, whatever they are: {@link SecretsMode#onFirstBytes} with a simple or secured secret waits for 64
 * bytes, then accepts a frame of our secret with a transport the mode allows (a secured secret: padded intermediate
 * only) or rejects it as not ours, never throws, never touches the bytes, and refuses an accepted frame the second
 * time; {@link FrameCheck#onFrame} judges the same bytes at another offset the same way.
 * <p>
 * Input: byte 0 bit 0 chooses the secret (set: secured, clear: simple, both with the vectors' key); the rest is the
 * client's stream. Seeds (Obfuscated2ModeFuzzTestInputs/onFirstBytes): the client frames of
 * {@code vectors/obfuscated2/client-handshakes.txt} (every tag, ±DC) followed by their first packet, for both
 * secrets, a frame cut short and a frame from another key.
 */
@Timeout(60)
class Obfuscated2ModeFuzzTest
{
    private static final String KEY = "367a189aee18fa31c190054efd4a8e95";
    private static final Secret SIMPLE = Secret.parse(KEY);
    private static final Secret SECURED = Secret.parse("dd" + KEY);
    private static final int SLACK = 16;

    @FuzzTest
    void onFirstBytes(final byte[] input)
    {
        final boolean secured = input.length > 0 && 0 != (input[0] & 1);
        final byte[] stream = input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : new byte[0];
        final Secret secret = secured ? SECURED : SIMPLE;
        final SecretsMode mode = SecretsMode.single(secret, 1000, () -> 0L, AntiReplayCache.create(1024));
        final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(stream, stream.length + SLACK));

        final HandshakeResult result = mode.onFirstBytes(buffer, stream.length, null);

        assertNotNull(result);
        assertArrayEquals(Arrays.copyOf(stream, stream.length + SLACK), buffer.byteArray(), "bytes untouched");
        if (stream.length < HandshakeFrame.LENGTH)
        {
            assertSame(HandshakeResult.NEED_MORE, result);
            return;
        }
        final ServerHandshake expected = ServerHandshake.accept(stream, 0, secret.key());
        final ProtocolTag tag = ProtocolTag.fromWire(expected.tagWire());
        final boolean ours = null != tag && (!secured || ProtocolTag.PADDED_INTERMEDIATE == tag);
        final UnsafeBuffer shifted = new UnsafeBuffer(new byte[SLACK + stream.length]);
        shifted.putBytes(SLACK, stream);
        final HandshakeResult framed = new FrameCheck(secret.key(), secured ?
            EnumSet.of(ProtocolTag.PADDED_INTERMEDIATE) : EnumSet.allOf(ProtocolTag.class), null, null)
            .onFrame(shifted, SLACK, stream.length);
        assertSame(result.kind(), framed.kind());
        if (!ours)
        {
            assertSame(HandshakeResult.Kind.REJECTED, result.kind());
            assertSame(HandshakeFailure.NOT_OURS, result.failure());
            return;
        }
        assertTrue(result.isAccepted());
        assertSame(tag, result.tag());
        assertEquals(expected.dc(), result.dcIndex());
        assertEquals(HandshakeFrame.LENGTH, result.consumed());
        assertNotNull(result.decryptor());
        assertArrayEquals(expected.encryptorKeyIv(), result.encryptorKeyIv());
        final HandshakeResult replay = mode.onFirstBytes(buffer, stream.length, null);
        assertSame(HandshakeFailure.REPLAY, replay.failure());
    }
}
