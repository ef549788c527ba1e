package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.faketls.ClientHello;
import io.mtgj.faketls.HelloVerdict;
import io.mtgj.faketls.ServerHello;
import io.mtgj.net.ClientMode;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Random;

/**
 * FakeTLS secrets (protocol.md 4): a ClientHello carrying the secret's HMAC, answered by a ServerHello, then the
 * obfuscated2 frame inside ApplicationData records. Every failure before the hello is proven ours (not TLS, bad
 * record, wrong SNI, bad HMAC, stale time, a replay) is fronted to the cloak host; a bad frame afterwards is
 * closed, as mtg does.
 */
public final class FakeTlsMode implements ClientMode
{
    private final byte[] key;
    private final String host;
    private final long toleranceSec;
    private final EpochClock clock;
    private final AntiReplayCache antiReplay;
    private final FrameCheck frameCheck;
    private final Random random = new SecureRandom();

    /**
     * @param secret      a tls secret.
     * @param toleranceMs how far a client's clock may be from ours.
     * @param clock       our clock.
     * @param antiReplay  remembers accepted hellos' randoms.
     */
    public FakeTlsMode(
        final Secret secret, final long toleranceMs, final EpochClock clock, final AntiReplayCache antiReplay)
    {
        if (SecretMode.FAKE_TLS != secret.mode())
        {
            throw new IllegalArgumentException("FakeTLS needs a tls secret");
        }
        this.key = secret.key();
        this.host = secret.host();
        this.toleranceSec = Math.max(1, toleranceMs / 1000);
        this.clock = clock;
        this.antiReplay = antiReplay;
        // mtg v1 accepts every transport inside TLS; current clients use padded intermediate (protocol.md 2.4).
        this.frameCheck = new FrameCheck(key, EnumSet.allOf(ProtocolTag.class), null);
    }

    @Override
    public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length)
    {
        final byte first = length > 0 ? buffer.getByte(0) : 0;
        if (length > 0 && first != 0x16)
        {
            return HandshakeResult.cloak(HandshakeFailure.NOT_TLS);
        }
        final byte[] raw = new byte[length];
        buffer.getBytes(0, raw);
        final int helloLength = ClientHello.measure(raw, length);
        if (ClientHello.NEED_MORE == helloLength)
        {
            return HandshakeResult.NEED_MORE;
        }
        if (helloLength < 0)
        {
            return HandshakeResult.cloak(
                ClientHello.NOT_TLS == helloLength ? HandshakeFailure.NOT_TLS : HandshakeFailure.MALFORMED);
        }
        final ClientHello hello = ClientHello.parse(raw, helloLength);
        if (null == hello)
        {
            return HandshakeResult.cloak(HandshakeFailure.MALFORMED);
        }
        final HelloVerdict verdict = hello.verify(key, host, clock.time() / 1000, toleranceSec);
        if (HelloVerdict.OK != verdict)
        {
            return HandshakeResult.cloak(failureOf(verdict));
        }
        // Recorded only after the HMAC and time checks, so a forger cannot poison the cache (protocol.md 5).
        final byte[] clientRandom = hello.random();
        if (null != antiReplay && antiReplay.seenBefore(clientRandom, 0, clientRandom.length))
        {
            return HandshakeResult.cloak(HandshakeFailure.REPLAY);
        }
        return HandshakeResult.reply(ServerHello.build(key, hello, random), helloLength);
    }

    @Override
    public HandshakeResult onFrame(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return frameCheck.check(buffer, offset, length);
    }

    @Override
    public boolean cloaksFailures()
    {
        return true;
    }

    private static HandshakeFailure failureOf(final HelloVerdict verdict)
    {
        switch (verdict)
        {
            case NOT_TLS:
                return HandshakeFailure.NOT_TLS;
            case BAD_SNI:
                return HandshakeFailure.BAD_SNI;
            case BAD_DIGEST:
                return HandshakeFailure.BAD_DIGEST;
            case BAD_TIME:
                return HandshakeFailure.BAD_TIME;
            default:
                return HandshakeFailure.MALFORMED;
        }
    }
}
