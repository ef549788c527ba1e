package io.mtgj.net;

import io.mtgj.proxyprotocol.ProxyHeaderDecoder;

import java.net.InetSocketAddress;

/**
 * A session's first step behind a load balancer ({@code --proxy-protocol}): no byte goes to the handshake before the
 * PROXY protocol header is read. A complete header names the client, which {@link Admission} checks then; the
 * client's bytes after it move to the buffer's start for the handshake. A bad, late or cut-short header is reset,
 * never fronted: the load balancer, not a prober, is on the other end. One per session of such a listener, made at
 * accept; reactor thread only.
 */
final class ProxyHeaderPhase
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.session");

    private final Session session;
    private final Reactor reactor;
    private final ProxyHeaders headers;
    /** The session's client-to-upstream pipe, whose buffer the header is read into. */
    private final Pipe fromClient;
    private boolean awaiting = true;

    ProxyHeaderPhase(final Session session, final Reactor reactor, final Pipe fromClient)
    {
        this.session = session;
        this.reactor = reactor;
        this.headers = reactor.admission().proxyHeaders();
        this.fromClient = fromClient;
    }

    /**
     * @return whether the header is still awaited: the client's reads come here, not to the handshake.
     */
    boolean isAwaiting()
    {
        return awaiting;
    }

    /**
     * @param nowNs the reactor's time at accept.
     * @return when the header is late: its own timeout, or the handshake's when that is shorter.
     */
    long deadlineNs(final long nowNs)
    {
        return nowNs + Math.min(headers.headerTimeoutNs(), reactor.handshakeTimeoutNs());
    }

    /**
     * A read while the header is awaited.
     *
     * @param n what the read returned: bytes now in the pipe (positive), or the end of the stream (negative).
     * @return whether the header is read and its client admitted: the handshake's time starts now, over the bytes
     *         that followed the header. When false, the session waits for more or was closed (or sent to the cloak).
     */
    boolean onRead(final int n)
    {
        if (n > 0)
        {
            return examine();
        }
        // the load balancer hung up before its header was complete: with nothing sent at all, a health check that
        // only connects; with part of a header, a bad one
        if (session.isLoadBalancerCheck())
        {
            session.close(CloseReason.HEALTH_CHECK);
        }
        else
        {
            refuse("truncated");
        }
        return false;
    }

    /**
     * The header did not come in time.
     */
    void onTimeout()
    {
        refuse("timeout");
    }

    /**
     * Decode what arrived; a complete header names the client, which the access lists and limits check now.
     */
    private boolean examine()
    {
        final ProxyHeaderDecoder decoder = headers.decoder();
        switch (decoder.decode(fromClient.buffer().buffer(), 0, fromClient.end()))
        {
            case NEED_MORE:
                if (fromClient.isFull())
                {
                    refuse("too_long");
                }
                return false;
            case INVALID:
                refuse(Session.lower(decoder.error()));
                return false;
            case LOCAL:
                session.close(CloseReason.HEALTH_CHECK);
                return false;
            case PROXY:
                final InetSocketAddress peer = session.onClientNamed(decoder.source());
                if (LOG.isLoggable(System.Logger.Level.DEBUG))
                {
                    LOG.log(System.Logger.Level.DEBUG,
                        "client opened client={0} reactor={1} via={2} proxy_protocol=v{3}", session.clientText(),
                        reactor.index(), reactor.logged(peer), decoder.version());
                }
                break;
            default: // UNKNOWN: the spec says to go on with the connection's own addresses
                if (LOG.isLoggable(System.Logger.Level.DEBUG))
                {
                    LOG.log(System.Logger.Level.DEBUG, "client opened client={0} reactor={1} proxy_protocol=unknown",
                        session.clientText(), reactor.index());
                }
                break;
        }
        awaiting = false;
        fromClient.dropHandshakePrefix(decoder.headerLength());
        final RejectReason refused = reactor.admission().admitProxied(session, session.remoteIp());
        if (null == refused)
        {
            return true;
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG))
        {
            LOG.log(System.Logger.Level.DEBUG, "client refused client={0} reason={1}", session.clientText(),
                Session.lower(refused));
        }
        if (RejectReason.ACCESS_LIST == refused && reactor.admission().cloaksDenied())
        {
            session.startCloak(HandshakeFailure.DENIED, null);
        }
        else
        {
            session.reset(CloseReason.REFUSED);
        }
        return false;
    }

    private void refuse(final String reason)
    {
        reactor.counters().onRejected(RejectReason.PROXY_PROTOCOL);
        headers.onRefused(session.clientText(), reason, reactor.nowNs());
        session.reset(CloseReason.PROXY_HEADER);
    }
}
