package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.HelloPolicy;
import io.mtgj.config.UnknownSni;
import io.mtgj.faketls.ClientHello;
import io.mtgj.faketls.HelloShapes;
import io.mtgj.faketls.ServerHello;
import io.mtgj.net.ClientMode;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.RejectReason;
import io.mtgj.net.Upstream;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How clients authenticate, for one secret or many (named users): each connection is served in the mode of the
 * secret it proves, and only in that mode (protocol.md 2.4).
 * <ul>
 * <li>FakeTLS (protocol.md 4): a ClientHello whose random is the HMAC of a secret whose hostname the SNI names,
 * answered by a ServerHello; the obfuscated2 frame follows inside ApplicationData records. Every failure before
 * the hello is proven ours (not TLS, bad record, unknown SNI, bad HMAC, time outside the window, a replay) is
 * fronted to the cloak host, the one the SNI names when a secret uses it, never a host only the stranger names; a
 * well-formed hello naming no secret's host is reset instead with {@link UnknownSni#RESET}. A bad frame afterwards is
 * closed, as mtg does.</li>
 * <li>Simple and secured: the stream starts with the obfuscated2 frame. Strangers are closed, or fronted when the
 * proxy also has FakeTLS secrets, so that it looks like the website to a prober; a replayed frame is closed.</li>
 * </ul>
 * With many secrets each one is tried in turn, FakeTLS ones only among the SNI's host, and first the one that last
 * matched from the client's address. Thread-safe: shared by every reactor; {@link #update} swaps the secrets.
 */
public final class SecretsMode implements ClientMode
{
    private static final byte TLS_RECORD_HANDSHAKE = 0x16;

    private final ClockWindow window;
    private final UnknownSni unknownSni;
    private final EpochClock clock;
    private final AntiReplayCache antiReplay;
    private final Random random = new SecureRandom();
    private final RecentMatches recent = new RecentMatches();
    private volatile KeyRing ring;
    private volatile HelloShapes shapes = HelloShapes.NONE;

    /**
     * @param credentials the secrets, in the order to try them; at least one.
     * @param cloakHosts  where to front a stranger whose hello names a FakeTLS secret's host; a missing host falls
     *                    back to the proxy's cloak host.
     * @param policy      the clock window of FakeTLS hellos, and what becomes of those naming no secret's host.
     * @param clock       our clock.
     * @param antiReplay  remembers accepted handshakes; null for none.
     */
    public SecretsMode(final List<Credential> credentials, final Map<String, Upstream> cloakHosts,
        final HelloPolicy policy, final EpochClock clock, final AntiReplayCache antiReplay)
    {
        this.window = policy.clockWindow();
        this.unknownSni = policy.unknownSni();
        this.clock = clock;
        this.antiReplay = antiReplay;
        update(credentials, cloakHosts);
    }

    /**
     * Unknown server names fronted, the clock window the same both ways.
     *
     * @param credentials the secrets, in the order to try them; at least one.
     * @param cloakHosts  where to front strangers, by the FakeTLS host their hello names.
     * @param toleranceMs how far a FakeTLS client's clock may be from ours, either way, whole seconds.
     * @param clock       our clock.
     * @param antiReplay  remembers accepted handshakes; null for none.
     */
    public SecretsMode(final List<Credential> credentials, final Map<String, Upstream> cloakHosts,
        final long toleranceMs, final EpochClock clock, final AntiReplayCache antiReplay)
    {
        this(credentials, cloakHosts, new HelloPolicy(ClockWindow.symmetric(toleranceMs), UnknownSni.CLOAK), clock,
            antiReplay);
    }

    /**
     * @param secret     the one secret.
     * @param policy     the clock window of FakeTLS hellos, and what becomes of those naming another host.
     * @param clock      our clock.
     * @param antiReplay remembers accepted handshakes; null for none.
     * @return the mode of a proxy with one secret and no named users.
     */
    public static SecretsMode single(final Secret secret, final HelloPolicy policy, final EpochClock clock,
        final AntiReplayCache antiReplay)
    {
        return new SecretsMode(List.of(new Credential(secret, null)), Map.of(), policy, clock, antiReplay);
    }

    /**
     * @param secret      the one secret.
     * @param toleranceMs how far a FakeTLS client's clock may be from ours, either way, whole seconds.
     * @param clock       our clock.
     * @param antiReplay  remembers accepted handshakes; null for none.
     * @return the mode of a proxy with one secret and no named users, fronting unknown server names.
     */
    public static SecretsMode single(final Secret secret, final long toleranceMs, final EpochClock clock,
        final AntiReplayCache antiReplay)
    {
        return new SecretsMode(List.of(new Credential(secret, null)), Map.of(), toleranceMs, clock, antiReplay);
    }

    /**
     * Answer FakeTLS clients in the shape of their cloak host's real answers from now on.
     *
     * @param shapes where the learned shapes are; {@link HelloShapes#NONE} for the built-in answer.
     */
    public void shapes(final HelloShapes shapes)
    {
        this.shapes = shapes;
    }

    /**
     * Serve these secrets from now on; handshakes under way finish with the secrets they started with.
     *
     * @param credentials the secrets, in the order to try them; at least one.
     * @param cloakHosts  where to front strangers, by the FakeTLS host their hello names.
     */
    public void update(final List<Credential> credentials, final Map<String, Upstream> cloakHosts)
    {
        if (credentials.isEmpty())
        {
            throw new IllegalArgumentException("at least one secret is needed");
        }
        final KeyRing next = new KeyRing(credentials, cloakHosts, antiReplay);
        recent.sizeFor(next.widestChoice());
        ring = next;
    }

    @Override
    public HandshakeResult onFirstBytes(final UnsafeBuffer buffer, final int length, final InetAddress from)
    {
        if (length <= 0)
        {
            return HandshakeResult.NEED_MORE;
        }
        final KeyRing keys = ring;
        final boolean looksTls = TLS_RECORD_HANDSHAKE == buffer.getByte(0);
        HandshakeResult tls = null;
        if (keys.hasTls() && looksTls)
        {
            tls = onHello(keys, buffer, length, from);
            if (HandshakeResult.Kind.REPLY == tls.kind() || !keys.hasObfuscated2())
            {
                return tls;
            }
            // A TLS record header could also open an obfuscated2 frame (one in 2^24): read on until the hello is
            // whole, and try the frame only then or when it is not a hello at all.
            if (HandshakeResult.NEED_MORE == tls && looksLikeRecordHeader(buffer, length))
            {
                return tls;
            }
        }
        if (!keys.hasObfuscated2())
        {
            return HandshakeResult.cloak(HandshakeFailure.NOT_TLS);
        }
        if (length < HandshakeFrame.LENGTH)
        {
            return HandshakeResult.NEED_MORE;
        }
        final HandshakeResult frame = onFrame(keys, buffer, length, from);
        if (null != frame)
        {
            return frame;
        }
        if (null != tls && HandshakeResult.NEED_MORE != tls)
        {
            return tls;
        }
        return keys.hasTls() ? HandshakeResult.cloak(HandshakeFailure.NOT_TLS) :
            HandshakeResult.rejected(HandshakeFailure.NOT_OURS);
    }

    @Override
    public boolean cloaksFailures()
    {
        return ring.hasTls();
    }

    private static boolean looksLikeRecordHeader(final UnsafeBuffer buffer, final int length)
    {
        return length < 3 || (0x03 == buffer.getByte(1) && 0x01 == buffer.getByte(2));
    }

    /**
     * @return NEED_MORE, a reply with the frame check of the secret the hello proved, or a cloak.
     */
    private HandshakeResult onHello(final KeyRing keys, final UnsafeBuffer buffer, final int length,
        final InetAddress from)
    {
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
        if (null == hello || hello.cipherSuite() < 0)
        {
            return HandshakeResult.cloak(HandshakeFailure.MALFORMED);
        }
        KeyRing.Key[] candidates = null;
        String host = null;
        for (int i = 0; i < hello.serverNameCount() && null == candidates; i++)
        {
            host = hello.serverName(i);
            candidates = keys.tlsKeys(host);
        }
        if (null == candidates)
        {
            // Fronted to the proxy's own cloak host (null target), never to a host only the stranger names.
            return UnknownSni.RESET == unknownSni ?
                HandshakeResult.reset(HandshakeFailure.BAD_SNI, RejectReason.UNKNOWN_SNI) :
                HandshakeResult.cloak(HandshakeFailure.BAD_SNI);
        }
        final Upstream cloak = keys.cloakFor(host);
        KeyRing.Key proven = null;
        long timestamp = ClientHello.NOT_PROVEN;
        final KeyRing.Key hint = candidates.length > 1 ? recent.lookup(from, keys.stamp) : null;
        if (null != hint && hint.tls && host.equals(hint.host))
        {
            timestamp = hello.provenTime(hint.key);
            proven = ClientHello.NOT_PROVEN == timestamp ? null : hint;
        }
        for (int i = 0; i < candidates.length && null == proven; i++)
        {
            if (candidates[i] != hint)
            {
                timestamp = hello.provenTime(candidates[i].key);
                proven = ClientHello.NOT_PROVEN == timestamp ? null : candidates[i];
            }
        }
        if (null == proven)
        {
            return HandshakeResult.cloak(HandshakeFailure.BAD_DIGEST, cloak);
        }
        final long nowSec = clock.time() / 1000;
        final long skewSec = ClientHello.skewSeconds(timestamp, nowSec);
        if (!ClientHello.isTimely(timestamp, nowSec, window.pastSeconds(), window.futureSeconds()))
        {
            countFailure(proven, HandshakeFailure.BAD_TIME);
            return HandshakeResult.cloak(HandshakeFailure.BAD_TIME, cloak, skewSec);
        }
        // Recorded only after the HMAC and time checks, so a forger cannot poison the cache (protocol.md 5).
        final byte[] clientRandom = hello.random();
        if (null != antiReplay && antiReplay.seenBefore(clientRandom, 0, clientRandom.length))
        {
            return failed(proven, HandshakeFailure.REPLAY, cloak);
        }
        if (candidates.length > 1)
        {
            recent.remember(from, proven, keys.stamp);
        }
        return HandshakeResult.reply(ServerHello.build(proven.key, hello, random, shapes.forHost(host)), helloLength,
            proven.frameCheck, skewSec);
    }

    private static HandshakeResult failed(final KeyRing.Key proven, final HandshakeFailure failure,
        final Upstream cloak)
    {
        countFailure(proven, failure);
        return HandshakeResult.cloak(failure, cloak);
    }

    private static void countFailure(final KeyRing.Key proven, final HandshakeFailure failure)
    {
        if (null != proven.account)
        {
            proven.account.onFailedHandshake(failure);
        }
    }

    /**
     * @return the check's answer for the secret the frame was made with, or null when it was made with none.
     */
    private HandshakeResult onFrame(final KeyRing keys, final UnsafeBuffer buffer, final int length,
        final InetAddress from)
    {
        final KeyRing.Key[] candidates = keys.obfuscated2;
        if (1 == candidates.length)
        {
            final HandshakeResult result = candidates[0].frameCheck.onFrame(buffer, 0, length);
            return HandshakeResult.Kind.REJECTED == result.kind() && HandshakeFailure.NOT_OURS == result.failure() &&
                keys.hasTls() ? null : result;
        }
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        buffer.getBytes(0, frame);
        final KeyRing.Key hint = recent.lookup(from, keys.stamp);
        KeyRing.Key proven = null;
        if (null != hint && !hint.tls && isMadeWith(frame, hint))
        {
            proven = hint;
        }
        for (int i = 0; i < candidates.length && null == proven; i++)
        {
            if (candidates[i] != hint && isMadeWith(frame, candidates[i]))
            {
                proven = candidates[i];
            }
        }
        if (null == proven)
        {
            return null;
        }
        final HandshakeResult result = proven.frameCheck.onFrame(buffer, 0, length);
        if (result.isAccepted())
        {
            recent.remember(from, proven, keys.stamp);
        }
        return result;
    }

    /**
     * @return whether the frame decrypts to a known transport under the key: by chance one frame in about 10^9 per
     *         key, so the full check that follows decides.
     */
    private static boolean isMadeWith(final byte[] frame, final KeyRing.Key key)
    {
        return null != ProtocolTag.fromWire(ServerHandshake.peekTag(frame, 0, key.key));
    }
}
