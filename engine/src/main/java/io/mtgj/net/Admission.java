package io.mtgj.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Who may connect through one reactor: the {@code --max-connections} permits, the client gate (access lists, per-IP
 * limit, {@code --cloak-denied}) and, behind a load balancer ({@code --proxy-protocol}), the same checks in two steps:
 * the peer against {@code --proxy-protocol-from} at accept, the client its header names once the session has read it.
 * A refusal is a reset, counted; the connection limit is warned about at most once a minute. Reactor thread only.
 */
final class Admission
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.reactor");
    /** Refusals at the connection limit are logged at most this often per reactor; all are counted. */
    private static final long LIMIT_WARNING_INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);

    private final Reactor reactor;
    private final ConnectionLimit connectionLimit;
    private final ClientGate gate;
    /** {@code --proxy-protocol}: the gate's checks wait for each connection's header. */
    private final ProxyHeaders proxyHeaders;
    /** Whether a client the access lists deny is fronted instead of reset: asked for, and a cloak host to front. */
    private final boolean cloaksDenied;
    private long limitWarnedNs;
    private long rejectedSinceWarning;

    Admission(
        final Reactor reactor,
        final ConnectionLimit connectionLimit,
        final ClientGate gate,
        final ProxyHeaders proxyHeaders,
        final boolean hasCloak)
    {
        this.reactor = reactor;
        this.connectionLimit = connectionLimit;
        this.gate = gate;
        this.proxyHeaders = proxyHeaders;
        this.cloaksDenied = gate.cloaksDenied() && hasCloak;
    }

    ProxyHeaders proxyHeaders()
    {
        return proxyHeaders;
    }

    /**
     * @return whether a client the access lists deny is fronted instead of reset.
     */
    boolean cloaksDenied()
    {
        return cloaksDenied;
    }

    /**
     * A client socket was accepted: let the reactor adopt it, or reset it.
     *
     * @param channel the client socket, not yet registered.
     */
    void onAccepted(final SocketChannel channel)
    {
        final InetAddress ip = remoteIp(channel);
        if (proxyHeaders.isEnabled())
        {
            acceptFromLoadBalancer(channel, ip);
            return;
        }
        final RejectReason refused = null == ip ? null : gate.admit(ip);
        if (RejectReason.ACCESS_LIST == refused && cloaksDenied && connectionLimit.tryAcquire())
        {
            // --cloak-denied: a denied client of a FakeTLS proxy meets the fronted site, not a reset.
            reactor.counters().onRejected(refused);
            gate.count(ip);
            final Session session = reactor.adopt(channel, ip);
            if (null != session)
            {
                session.cloakAtOnce();
            }
        }
        else if (null != refused)
        {
            reject(channel, refused);
        }
        else if (connectionLimit.tryAcquire())
        {
            reactor.adopt(channel, ip);
        }
        else
        {
            gate.onClosed(ip);
            reject(channel, RejectReason.CONNECTION_LIMIT);
        }
    }

    /**
     * {@code --proxy-protocol}: the peer is a load balancer, checked only against {@code --proxy-protocol-from}; the
     * access lists and the per-IP limit wait for the client its header names ({@link #admitProxied}).
     */
    private void acceptFromLoadBalancer(final SocketChannel channel, final InetAddress peer)
    {
        if (!proxyHeaders.isTrusted(peer))
        {
            proxyHeaders.onRefused(null == peer ? "-" : reactor.logged(remoteAddress(channel)), "untrusted_source",
                reactor.nowNs());
            reject(channel, RejectReason.PROXY_PROTOCOL);
        }
        else if (connectionLimit.tryAcquire())
        {
            reactor.adopt(channel, null);
        }
        else
        {
            reject(channel, RejectReason.CONNECTION_LIMIT);
        }
    }

    /**
     * {@code --proxy-protocol}: a session's header named its client; the accept-time checks apply to that address
     * now. Admitted, the client counts against its IP until the session closes; denied with {@code --cloak-denied},
     * it is counted too and fronted.
     *
     * @param session the session.
     * @param client  the client's address, or null when the header named none (then nothing is checked).
     * @return null when admitted, else why not (counted here).
     */
    RejectReason admitProxied(final Session session, final InetAddress client)
    {
        final RejectReason refused = null == client ? null : gate.admit(client);
        if (null == refused)
        {
            session.countedAs(client);
            return null;
        }
        reactor.counters().onRejected(refused);
        if (RejectReason.ACCESS_LIST == refused && cloaksDenied)
        {
            gate.count(client);
            session.countedAs(client);
        }
        return refused;
    }

    /**
     * An adopted connection is gone: its permit goes back, and its count against the IP it was counted by.
     *
     * @param countedIp the address the gate counted it against, or null.
     */
    void onClosed(final InetAddress countedIp)
    {
        connectionLimit.release();
        gate.onClosed(countedIp);
    }

    /**
     * Refused at accept time: close at once with a reset, so the refusal costs no buffer, no timer and no
     * TIME_WAIT entry here, and count it.
     */
    private void reject(final SocketChannel channel, final RejectReason reason)
    {
        reactor.counters().onRejected(reason);
        if (RejectReason.CONNECTION_LIMIT == reason)
        {
            warnLimitReached();
        }
        try
        {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        catch (final IOException ignore)
        {
            // closed anyway, with a FIN instead of a reset
        }
        Reactor.closeQuietly(channel);
    }

    private void warnLimitReached()
    {
        final long nowNs = reactor.nowNs();
        rejectedSinceWarning++;
        if (0 == limitWarnedNs || nowNs - limitWarnedNs >= LIMIT_WARNING_INTERVAL_NS)
        {
            LOG.log(System.Logger.Level.WARNING, "connection limit reached: refusing new clients limit={0} " +
                "refused={1} reactor={2} (--max-connections; at most one such line a minute per reactor)",
                connectionLimit.max(), rejectedSinceWarning, reactor.index());
            limitWarnedNs = 0 == nowNs ? 1 : nowNs;
            rejectedSinceWarning = 0;
        }
    }

    private static InetAddress remoteIp(final SocketChannel channel)
    {
        final InetSocketAddress remote = remoteAddress(channel);
        return null == remote ? null : remote.getAddress();
    }

    private static InetSocketAddress remoteAddress(final SocketChannel channel)
    {
        try
        {
            final SocketAddress remote = channel.getRemoteAddress();
            return remote instanceof InetSocketAddress ? (InetSocketAddress)remote : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
