package io.mtgj.mode;

import io.mtgj.antireplay.AntiReplayCache;
import io.mtgj.net.ClientAccount;
import io.mtgj.net.Upstream;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version of the secrets a proxy accepts, indexed for handshakes: obfuscated2 keys (simple and secured) in one
 * list, FakeTLS keys by the hostname their clients put in the SNI. Immutable; a reload builds a new ring.
 */
final class KeyRing
{
    private static final AtomicInteger STAMPS = new AtomicInteger();
    private static final Key[] NONE = new Key[0];
    /** Shared by every key of a kind (only read): with thousands of users, a set each would add up. */
    private static final Set<ProtocolTag> EVERY_TRANSPORT = Collections.unmodifiableSet(
        EnumSet.allOf(ProtocolTag.class));
    private static final Set<ProtocolTag> PADDED_ONLY = Collections.unmodifiableSet(
        EnumSet.of(ProtocolTag.PADDED_INTERMEDIATE));

    /** One secret, ready for handshakes. */
    static final class Key
    {
        final byte[] key;
        final boolean tls;
        final String host;
        final ClientAccount account;
        final FrameCheck frameCheck;

        Key(final Secret secret, final ClientAccount account, final AntiReplayCache antiReplay)
        {
            this.key = secret.key();
            this.tls = SecretMode.FAKE_TLS == secret.mode();
            this.host = secret.host();
            this.account = account;
            // Strict mode (protocol.md 2.4 "Use"): secured takes padded intermediate only, simple every transport.
            // mtg v1 accepts every transport inside TLS; current clients use padded intermediate. A FakeTLS replay
            // is caught on its hello, so its frame needs no cache.
            this.frameCheck = new FrameCheck(key, SecretMode.SECURED == secret.mode() ? PADDED_ONLY : EVERY_TRANSPORT,
                tls ? null : antiReplay, account);
        }
    }

    final int stamp = STAMPS.incrementAndGet();
    final Key[] obfuscated2;
    private final Map<String, Key[]> tlsByHost;
    private final Map<String, Upstream> cloakByHost;

    /**
     * @param credentials the secrets, in the order to try them.
     * @param cloakHosts  where to front a stranger whose hello names one of the FakeTLS hosts; may miss some.
     * @param antiReplay  remembers accepted obfuscated2 frames.
     */
    KeyRing(final List<Credential> credentials, final Map<String, Upstream> cloakHosts,
        final AntiReplayCache antiReplay)
    {
        final List<Key> plain = new ArrayList<>();
        final Map<String, List<Key>> byHost = new HashMap<>();
        for (final Credential credential : credentials)
        {
            final Key key = new Key(credential.secret(), credential.account(), antiReplay);
            if (key.tls)
            {
                byHost.computeIfAbsent(key.host, h -> new ArrayList<>()).add(key);
            }
            else
            {
                plain.add(key);
            }
        }
        this.obfuscated2 = plain.toArray(NONE);
        this.tlsByHost = new HashMap<>();
        byHost.forEach((host, keys) -> tlsByHost.put(host, keys.toArray(NONE)));
        this.cloakByHost = Map.copyOf(cloakHosts);
    }

    /**
     * @return the most secrets one handshake may have to try: the obfuscated2 ones, or one host's FakeTLS ones.
     */
    int widestChoice()
    {
        int widest = obfuscated2.length;
        for (final Key[] keys : tlsByHost.values())
        {
            widest = Math.max(widest, keys.length);
        }
        return widest;
    }

    boolean hasTls()
    {
        return !tlsByHost.isEmpty();
    }

    boolean hasObfuscated2()
    {
        return obfuscated2.length > 0;
    }

    /**
     * @param host a hello's server name.
     * @return the FakeTLS keys of that host, or null when no secret names it.
     */
    Key[] tlsKeys(final String host)
    {
        return tlsByHost.get(host);
    }

    /**
     * @param host a server name some FakeTLS secret uses.
     * @return where to front strangers who name it, or null for the proxy's own cloak host.
     */
    Upstream cloakFor(final String host)
    {
        return cloakByHost.get(host);
    }
}
