package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Set;

/**
 * Checks a client's obfuscated2 frame against the secret's key and the transports a mode allows (protocol.md 2.2,
 * 2.4), and, when given a cache, refuses a frame seen before.
 */
final class FrameCheck
{
    private static final int REPLAY_KEY_OFFSET = HandshakeFrame.KEY_OFFSET;
    private static final int REPLAY_KEY_LENGTH = HandshakeFrame.KEY_LENGTH + HandshakeFrame.IV_LENGTH;

    private final byte[] key;
    private final Set<ProtocolTag> acceptedTags;
    private final AntiReplayCache antiReplay;

    FrameCheck(final byte[] key, final Set<ProtocolTag> acceptedTags, final AntiReplayCache antiReplay)
    {
        this.key = key;
        this.acceptedTags = acceptedTags;
        this.antiReplay = antiReplay;
    }

    HandshakeResult check(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length < HandshakeFrame.LENGTH)
        {
            return HandshakeResult.NEED_MORE;
        }
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        buffer.getBytes(offset, frame);
        final ServerHandshake handshake = ServerHandshake.accept(frame, 0, key);
        final ProtocolTag tag = ProtocolTag.fromWire(handshake.tagWire());
        if (null == tag || !acceptedTags.contains(tag))
        {
            return HandshakeResult.rejected(HandshakeFailure.NOT_OURS);
        }
        // Recorded only once the frame proved it knows the secret, so strangers cannot fill the cache.
        if (null != antiReplay && antiReplay.seenBefore(frame, REPLAY_KEY_OFFSET, REPLAY_KEY_LENGTH))
        {
            return HandshakeResult.rejected(HandshakeFailure.REPLAY);
        }
        return HandshakeResult.accepted(
            handshake.decryptor(), handshake.encryptorKeyIv(), handshake.dc(), tag, HandshakeFrame.LENGTH);
    }
}
