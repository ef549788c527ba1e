package io.mtgj.net;

import io.mtgj.crypto.AesCtr;
import io.mtgj.transport.ProtocolTag;

/**
 * What a {@link ClientMode} made of the client's bytes: wait, refuse (close or front), answer and continue, or an
 * accepted client with its ciphers. Results other than the shared constants are created once per connection
 * (handshake paths may allocate).
 */
public final class HandshakeResult
{
    /** The kinds of result. */
    public enum Kind
    {
        /** Not enough bytes yet. */
        NEED_MORE,
        /** Not our client: close without a byte upstream. */
        REJECTED,
        /** Not our client: relay it, untouched, to the cloak host. */
        CLOAK,
        /** Send {@link #reply()} to the client, drop {@link #consumed()} bytes, then continue with record framing. */
        REPLY,
        /** Our client. */
        ACCEPTED
    }

    /** {@link #clockSkewSeconds()} of a result that read no client clock. */
    public static final long NO_CLOCK_SKEW = Long.MIN_VALUE;

    /** Not enough bytes yet. */
    public static final HandshakeResult NEED_MORE = new HandshakeResult(Kind.NEED_MORE, null, null, null, (short)0,
        null, 0, null, null, null, null);

    private static final HandshakeResult[] REJECTIONS = new HandshakeResult[HandshakeFailure.values().length];
    private static final HandshakeResult[] CLOAKS = new HandshakeResult[HandshakeFailure.values().length];

    static
    {
        for (final HandshakeFailure failure : HandshakeFailure.values())
        {
            REJECTIONS[failure.ordinal()] =
                new HandshakeResult(Kind.REJECTED, failure, null, null, (short)0, null, 0, null, null, null, null);
            CLOAKS[failure.ordinal()] =
                new HandshakeResult(Kind.CLOAK, failure, null, null, (short)0, null, 0, null, null, null, null);
        }
    }

    private final Kind kind;
    private final HandshakeFailure failure;
    private final byte[] reply;
    private final AesCtr decryptor;
    private final byte[] encryptorKeyIv;
    private AesCtr encryptor;
    private final short dcIndex;
    private final ProtocolTag tag;
    private final int consumed;
    /** REPLY: checks the frame that follows. */
    private final HandshakeStep next;
    /** CLOAK: where to front the client; null for the proxy's own cloak host. */
    private final Upstream cloakTarget;
    private final ClientAccount account;
    /** FakeTLS: the client's clock minus ours, when its hello was proven and its time judged; else NO_CLOCK_SKEW. */
    private final long clockSkewSeconds;
    /** REJECTED: close with a reset rather than a FIN, counted as this refusal; null for a FIN. */
    private final RejectReason resetReason;

    private HandshakeResult(
        final Kind kind,
        final HandshakeFailure failure,
        final AesCtr decryptor,
        final byte[] encryptorKeyIv,
        final short dcIndex,
        final ProtocolTag tag,
        final int consumed,
        final byte[] reply,
        final HandshakeStep next,
        final Upstream cloakTarget,
        final ClientAccount account)
    {
        this(kind, failure, decryptor, encryptorKeyIv, dcIndex, tag, consumed, reply, next, cloakTarget, account,
            NO_CLOCK_SKEW, null);
    }

    private HandshakeResult(
        final Kind kind,
        final HandshakeFailure failure,
        final AesCtr decryptor,
        final byte[] encryptorKeyIv,
        final short dcIndex,
        final ProtocolTag tag,
        final int consumed,
        final byte[] reply,
        final HandshakeStep next,
        final Upstream cloakTarget,
        final ClientAccount account,
        final long clockSkewSeconds,
        final RejectReason resetReason)
    {
        this.kind = kind;
        this.failure = failure;
        this.decryptor = decryptor;
        this.encryptorKeyIv = encryptorKeyIv;
        this.dcIndex = dcIndex;
        this.tag = tag;
        this.consumed = consumed;
        this.reply = reply;
        this.next = next;
        this.cloakTarget = cloakTarget;
        this.account = account;
        this.clockSkewSeconds = clockSkewSeconds;
        this.resetReason = resetReason;
    }

    /**
     * @param failure why.
     * @return a shared result: close the client.
     */
    public static HandshakeResult rejected(final HandshakeFailure failure)
    {
        return REJECTIONS[failure.ordinal()];
    }

    /**
     * @param failure what was wrong with the handshake.
     * @param refusal the refusal it is counted as, the policy that chose a reset.
     * @return a result: close the client with a reset (RST) rather than a FIN, without a byte upstream.
     */
    public static HandshakeResult reset(final HandshakeFailure failure, final RejectReason refusal)
    {
        return new HandshakeResult(Kind.REJECTED, failure, null, null, (short)0, null, 0, null, null, null, null,
            NO_CLOCK_SKEW, java.util.Objects.requireNonNull(refusal, "refusal"));
    }

    /**
     * @param failure why.
     * @return a shared result: front the client to the cloak host.
     */
    public static HandshakeResult cloak(final HandshakeFailure failure)
    {
        return CLOAKS[failure.ordinal()];
    }

    /**
     * @param failure why.
     * @param target  the cloak host the client's hello names, or null for the proxy's own.
     * @return a result: front the client to {@code target}.
     */
    public static HandshakeResult cloak(final HandshakeFailure failure, final Upstream target)
    {
        return null == target ? CLOAKS[failure.ordinal()] :
            new HandshakeResult(Kind.CLOAK, failure, null, null, (short)0, null, 0, null, null, target, null);
    }

    /**
     * @param failure          why.
     * @param target           the cloak host the client's hello names, or null for the proxy's own.
     * @param clockSkewSeconds the client's clock minus ours, read from its proven hello.
     * @return a result: front the client to {@code target}.
     */
    public static HandshakeResult cloak(final HandshakeFailure failure, final Upstream target,
        final long clockSkewSeconds)
    {
        return new HandshakeResult(Kind.CLOAK, failure, null, null, (short)0, null, 0, null, null, target, null,
            clockSkewSeconds, null);
    }

    /**
     * @param reply    bytes to send to the client now.
     * @param consumed handshake bytes to drop from the client's stream.
     * @param next     checks the obfuscated2 frame the client sends next, inside its records.
     * @return a result: answer, then frame records both ways and continue the handshake inside them.
     */
    public static HandshakeResult reply(final byte[] reply, final int consumed, final HandshakeStep next)
    {
        return reply(reply, consumed, next, NO_CLOCK_SKEW);
    }

    /**
     * @param reply            bytes to send to the client now.
     * @param consumed         handshake bytes to drop from the client's stream.
     * @param next             checks the obfuscated2 frame the client sends next, inside its records.
     * @param clockSkewSeconds FakeTLS: the client's clock minus ours, read from its hello.
     * @return a result: answer, then frame records both ways and continue the handshake inside them.
     */
    public static HandshakeResult reply(final byte[] reply, final int consumed, final HandshakeStep next,
        final long clockSkewSeconds)
    {
        return new HandshakeResult(Kind.REPLY, null, null, null, (short)0, null, consumed, reply, next, null, null,
            clockSkewSeconds, null);
    }

    /**
     * @param decryptor      client to proxy stream, positioned after the handshake; null relays plain bytes.
     * @param encryptorKeyIv proxy to client key (32 bytes) and IV (16 bytes) at stream offset 0; null for plain.
     * @param dcIndex        signed DC index from the frame.
     * @param tag            the client's transport.
     * @param consumed       handshake bytes, from where the examined bytes start, that must not be relayed.
     * @param account        whose secret the client proved, when the proxy has named users; else null.
     * @return an accepted result.
     */
    public static HandshakeResult accepted(
        final AesCtr decryptor,
        final byte[] encryptorKeyIv,
        final short dcIndex,
        final ProtocolTag tag,
        final int consumed,
        final ClientAccount account)
    {
        return new HandshakeResult(
            Kind.ACCEPTED, null, decryptor, encryptorKeyIv, dcIndex, tag, consumed, null, null, null, account);
    }

    /**
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * @return whether the client was accepted.
     */
    public boolean isAccepted()
    {
        return Kind.ACCEPTED == kind;
    }

    /**
     * @return why a client was rejected or cloaked; null otherwise.
     */
    public HandshakeFailure failure()
    {
        return failure;
    }

    /**
     * @return for {@link Kind#REJECTED}: the refusal to count when the client is closed with a reset (RST), or null
     *         when it is closed with a FIN.
     */
    public RejectReason resetReason()
    {
        return resetReason;
    }

    /**
     * @return FakeTLS: the client's clock minus ours in seconds (negative when it is behind), read from a hello
     *         proven ours whose time was judged (answered, or refused for its time); else {@link #NO_CLOCK_SKEW}.
     */
    public long clockSkewSeconds()
    {
        return clockSkewSeconds;
    }

    /**
     * @return bytes to send for {@link Kind#REPLY}.
     */
    public byte[] reply()
    {
        return reply;
    }

    /**
     * @return for {@link Kind#REPLY}: the check of the frame that follows.
     */
    public HandshakeStep next()
    {
        return next;
    }

    /**
     * @return for {@link Kind#CLOAK}: the cloak host the client's hello names, or null for the proxy's own.
     */
    public Upstream cloakTarget()
    {
        return cloakTarget;
    }

    /**
     * @return for an accepted client: whose secret it proved, or null when the proxy serves one secret.
     */
    public ClientAccount account()
    {
        return account;
    }

    /**
     * @return client to proxy stream.
     */
    public AesCtr decryptor()
    {
        return decryptor;
    }

    /**
     * @return proxy to client stream, built on first use (an upstream that relays the DC's bytes untouched never
     *         asks); null for a plain relay.
     */
    public AesCtr encryptor()
    {
        if (null == encryptor && null != encryptorKeyIv)
        {
            encryptor = new AesCtr(encryptorKeyIv, 0, encryptorKeyIv, AesCtr.KEY_LENGTH);
        }
        return encryptor;
    }

    /**
     * @return a copy of the proxy to client key and IV, or null for a plain relay.
     */
    public byte[] encryptorKeyIv()
    {
        return null == encryptorKeyIv ? null : encryptorKeyIv.clone();
    }

    /**
     * @return signed DC index.
     */
    public short dcIndex()
    {
        return dcIndex;
    }

    /**
     * @return transport tag.
     */
    public ProtocolTag tag()
    {
        return tag;
    }

    /**
     * @return handshake bytes consumed.
     */
    public int consumed()
    {
        return consumed;
    }
}
