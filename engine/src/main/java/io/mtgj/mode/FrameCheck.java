package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.ClientAccount;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.HandshakeStep;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Set;

/**
 * Checks a client's obfuscated2 frame against one secret's key and the transports its mode allows (protocol.md 2.2,
 * 2.4), and, when given a cache, refuses a frame seen before. A FakeTLS client's frame comes after its hello, so the
 * check is also the {@link HandshakeStep} that follows the hello's reply.
 */
final class FrameCheck implements HandshakeStep
{
    private static final int REPLAY_KEY_OFFSET = HandshakeFrame.KEY_OFFSET;
    private static final int REPLAY_KEY_LENGTH = HandshakeFrame.KEY_LENGTH + HandshakeFrame.IV_LENGTH;

    private final byte[] key;
    private final Set<ProtocolTag> acceptedTags;
    private final AntiReplayCache antiReplay;
    private final ClientAccount account;

    FrameCheck(final byte[] key, final Set<ProtocolTag> acceptedTags, final AntiReplayCache antiReplay,
        final ClientAccount account)
    {
        this.key = key;
        this.acceptedTags = acceptedTags;
        this.antiReplay = antiReplay;
        this.account = account;
    }

    @Override
    public HandshakeResult onFrame(final UnsafeBuffer buffer, final int offset, final int length)
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
            return refused(HandshakeFailure.NOT_OURS, null != tag);
        }
        // Recorded only once the frame proved it knows the secret, so strangers cannot fill the cache.
        if (null != antiReplay && antiReplay.seenBefore(frame, REPLAY_KEY_OFFSET, REPLAY_KEY_LENGTH))
        {
            return refused(HandshakeFailure.REPLAY, true);
        }
        return HandshakeResult.accepted(
            handshake.decryptor(), handshake.encryptorKeyIv(), handshake.dc(), tag, HandshakeFrame.LENGTH, account);
    }

    /**
     * @param proven whether the frame was made with this key (a known tag), so the failure is its user's.
     */
    private HandshakeResult refused(final HandshakeFailure failure, final boolean proven)
    {
        if (proven && null != account)
        {
            account.onFailedHandshake(failure);
        }
        return HandshakeResult.rejected(failure);
    }
}
