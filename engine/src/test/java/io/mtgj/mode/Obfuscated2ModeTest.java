package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.obfuscated2.ClientHandshake;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(5)
class Obfuscated2ModeTest
{
    private static final String KEY = "367a189aee18fa31c190054efd4a8e95";
    private final Random random = new Random(11);

    private HandshakeResult offer(final SecretsMode mode, final String keyHex, final ProtocolTag tag,
        final short dc, final int length)
    {
        final byte[] frame = ClientHandshake.create(random, io.mtgj.secret.Hex.decode(keyHex), tag.wire(), dc)
            .wireFrame();
        return mode.onFirstBytes(new UnsafeBuffer(frame), length, null);
    }

    private static void assertRejected(final HandshakeResult result)
    {
        assertSame(HandshakeResult.Kind.REJECTED, result.kind());
    }

    @Test
    void shouldRefuseAReplayedFrame()
    {
        final SecretsMode mode = SecretsMode.single(Secret.parse(KEY), 1000, () -> 0L, AntiReplayCache.create(1 << 20));
        final byte[] frame = ClientHandshake.create(random, io.mtgj.secret.Hex.decode(KEY),
            ProtocolTag.INTERMEDIATE.wire(), (short)2).wireFrame();
        assertTrue(mode.onFirstBytes(new UnsafeBuffer(frame), 64, null).isAccepted());
        final HandshakeResult again = mode.onFirstBytes(new UnsafeBuffer(frame), 64, null);
        assertSame(HandshakeFailure.REPLAY, again.failure());
        assertFalse(mode.cloaksFailures());
    }

    @Test
    void shouldAcceptOnlyPaddedIntermediateForSecuredSecrets()
    {
        final SecretsMode mode = SecretsMode.single(Secret.parse("dd" + KEY), 1000, () -> 0L, null);
        final HandshakeResult ok = offer(mode, KEY, ProtocolTag.PADDED_INTERMEDIATE, (short)-3, 64);
        assertTrue(ok.isAccepted());
        assertEquals(-3, ok.dcIndex());
        assertEquals(64, ok.consumed());
        assertRejected(offer(mode, KEY, ProtocolTag.ABRIDGED, (short)2, 64));
        assertRejected(offer(mode, KEY, ProtocolTag.INTERMEDIATE, (short)2, 64));
    }

    @Test
    void shouldAcceptEveryTransportForSimpleSecrets()
    {
        final SecretsMode mode = SecretsMode.single(Secret.parse(KEY), 1000, () -> 0L, null);
        for (final ProtocolTag tag : ProtocolTag.values())
        {
            final HandshakeResult result = offer(mode, KEY, tag, (short)2, 64);
            assertTrue(result.isAccepted());
            assertEquals(tag, result.tag());
        }
    }

    @Test
    void shouldRejectAnotherSecretAndWaitForShortFrames()
    {
        final SecretsMode mode = SecretsMode.single(Secret.parse(KEY), 1000, () -> 0L, null);
        assertRejected(
            offer(mode, "00112233445566778899aabbccddeeff", ProtocolTag.INTERMEDIATE, (short)2, 64));
        assertSame(HandshakeResult.NEED_MORE, offer(mode, KEY, ProtocolTag.INTERMEDIATE, (short)2, 63));
    }
}
