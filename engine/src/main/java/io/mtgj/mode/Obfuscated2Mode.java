package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.ClientMode;
import io.mtgj.net.HandshakeResult;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.EnumSet;

/**
 * Simple and secured secrets: the client's stream starts with the obfuscated2 frame. Strict mode (protocol.md 2.4
 * "Use"): a secured secret accepts padded intermediate only, a simple secret any of the three transports. Clients
 * that are not ours are closed; a replayed frame too.
 */
public final class Obfuscated2Mode implements ClientMode
{
    private final FrameCheck frameCheck;

    /**
     * @param secret     a simple or secured secret.
     * @param antiReplay remembers accepted frames.
     */
    public Obfuscated2Mode(final Secret secret, final AntiReplayCache antiReplay)
    {
        if (SecretMode.FAKE_TLS == secret.mode())
        {
            throw new IllegalArgumentException("tls secrets need the FakeTLS mode");
        }
        frameCheck = new FrameCheck(secret.key(), SecretMode.SECURED == secret.mode() ?
            EnumSet.of(ProtocolTag.PADDED_INTERMEDIATE) : EnumSet.allOf(ProtocolTag.class), antiReplay);
    }

    @Override
    public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length)
    {
        return frameCheck.check(buffer, 0, length);
    }

    @Override
    public HandshakeResult onFrame(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return frameCheck.check(buffer, offset, length);
    }

    @Override
    public boolean cloaksFailures()
    {
        return false;
    }
}
