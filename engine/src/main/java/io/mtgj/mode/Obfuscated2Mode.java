package io.mtgj.mode;

import io.mtgj.net.ClientMode;
import io.mtgj.net.HandshakeResult;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.EnumSet;
import java.util.Set;

/**
 * Simple and secured secrets: the client's stream starts with the obfuscated2 frame. Strict mode (protocol.md 2.4
 * "Use"): a secured secret accepts padded intermediate only, a simple secret any of the three transports.
 */
public final class Obfuscated2Mode implements ClientMode
{
    private final byte[] key;
    private final Set<ProtocolTag> acceptedTags;

    /**
     * @param secret a simple or secured secret.
     */
    public Obfuscated2Mode(final Secret secret)
    {
        if (SecretMode.FAKE_TLS == secret.mode())
        {
            throw new IllegalArgumentException("tls secrets need the FakeTLS mode");
        }
        this.key = secret.key();
        this.acceptedTags = SecretMode.SECURED == secret.mode() ?
            EnumSet.of(ProtocolTag.PADDED_INTERMEDIATE) : EnumSet.allOf(ProtocolTag.class);
    }

    /**
     * @return the transports this instance accepts.
     */
    public Set<ProtocolTag> acceptedTags()
    {
        return EnumSet.copyOf(acceptedTags);
    }

    @Override
    public HandshakeResult onHandshakeBytes(final UnsafeBuffer buffer, final int length)
    {
        if (length < HandshakeFrame.LENGTH)
        {
            return HandshakeResult.NEED_MORE;
        }
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        buffer.getBytes(0, frame);
        final ServerHandshake handshake = ServerHandshake.accept(frame, 0, key);
        final ProtocolTag tag = ProtocolTag.fromWire(handshake.tagWire());
        if (null == tag || !acceptedTags.contains(tag))
        {
            return HandshakeResult.REJECTED;
        }
        return HandshakeResult.accepted(
            handshake.decryptor(), handshake.encryptor(), handshake.dc(), tag, HandshakeFrame.LENGTH);
    }
}
