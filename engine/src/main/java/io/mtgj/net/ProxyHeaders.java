package io.mtgj.net;

import io.mtgj.access.CidrSet;
import io.mtgj.config.ProxyProtocolSettings;
import io.mtgj.proxyprotocol.ProxyHeaderDecoder;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * One reactor's side of {@code --proxy-protocol}: which peers may send a PROXY protocol header, the decoder every
 * session of the reactor shares, the header timeout, and the log of refusals. A load balancer sending bad headers is
 * a misconfiguration the operator must hear about, and a port scanner hitting the listener directly is not, so each
 * refusal is one debug line and a warning sums them up at most once a minute per reactor.
 */
final class ProxyHeaders
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.reactor");
    private static final long WARNING_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    private final boolean enabled;
    private final CidrSet trusted;
    private final long headerTimeoutNs;
    private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
    private long warnedNs;
    private long refusedSinceWarning;

    ProxyHeaders(final ProxyProtocolSettings settings)
    {
        this.enabled = settings.enabled();
        this.trusted = settings.trusted();
        this.headerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(settings.headerTimeoutMs());
    }

    /**
     * @return whether every connection must start with a header.
     */
    boolean isEnabled()
    {
        return enabled;
    }

    /**
     * @param peer the address a connection comes from, or null when it has none.
     * @return whether it may send a header: in {@code --proxy-protocol-from}, or anyone when that is empty.
     */
    boolean isTrusted(final InetAddress peer)
    {
        return null != peer && (trusted.isEmpty() || trusted.contains(peer));
    }

    /**
     * @return the decoder, shared by the reactor's sessions one call at a time.
     */
    ProxyHeaderDecoder decoder()
    {
        return decoder;
    }

    /**
     * @return how long a connection has to send its whole header.
     */
    long headerTimeoutNs()
    {
        return headerTimeoutNs;
    }

    /**
     * A connection was reset for its header or its source; the caller counts it.
     *
     * @param peer   the connection's own address, as logs may show it.
     * @param reason why, in lower case.
     * @param nowNs  the reactor's time.
     */
    void onRefused(final String peer, final String reason, final long nowNs)
    {
        if (LOG.isLoggable(System.Logger.Level.DEBUG))
        {
            LOG.log(System.Logger.Level.DEBUG, "proxy protocol refused peer={0} reason={1}", peer, reason);
        }
        refusedSinceWarning++;
        if (0 == warnedNs || nowNs - warnedNs >= WARNING_INTERVAL_NS)
        {
            LOG.log(System.Logger.Level.WARNING, "connections without a valid PROXY protocol header reset " +
                "refused={0} last_peer={1} last_reason={2} (--proxy-protocol, --proxy-protocol-from; at most one such " +
                "line a minute per reactor)", refusedSinceWarning, peer, reason);
            warnedNs = 0 == nowNs ? 1 : nowNs;
            refusedSinceWarning = 0;
        }
    }
}
