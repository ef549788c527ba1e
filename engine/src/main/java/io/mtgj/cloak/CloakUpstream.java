package io.mtgj.cloak;

import io.mtgj.config.HostPort;
import io.mtgj.net.HandshakeResult;
import io.mtgj.net.Upstream;
import io.mtgj.net.UpstreamPlan;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where clients that are not ours go (protocol.md 6): the cloak host, dialed without a prologue or ciphers, so the
 * session relays bytes untouched. The name is resolved off the reactor ({@link #refresh()}, from the control
 * thread) and the last good address is kept when a later lookup fails.
 */
public final class CloakUpstream implements Upstream
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.cloak");

    private final HostPort target;
    /** Whether a failed lookup is left to the caller to report (one line for many hosts). */
    private final boolean quiet;
    private volatile UpstreamPlan plan;

    /**
     * @param target cloak host and port.
     */
    public CloakUpstream(final HostPort target)
    {
        this(target, false);
    }

    /**
     * @param target cloak host and port.
     * @param quiet  whether a failed lookup is left to the caller to report.
     */
    CloakUpstream(final HostPort target, final boolean quiet)
    {
        this.target = target;
        this.quiet = quiet;
    }

    /**
     * Resolve the cloak host now; blocks on DNS, so never call it on a reactor.
     *
     * @return whether an address is known after the call.
     */
    public boolean refresh()
    {
        try
        {
            final InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
            final UpstreamPlan current = plan;
            if (null == current || !current.addresses().get(0).equals(address))
            {
                plan = new UpstreamPlan(List.of(address), null, null, null);
                LOG.log(System.Logger.Level.DEBUG, "cloak host resolved host={0} address={1}", target.host(),
                    address.getAddress().getHostAddress());
            }
        }
        catch (final UnknownHostException ex)
        {
            if (quiet)
            {
                return null != plan;
            }
            LOG.log(System.Logger.Level.WARNING, "cannot resolve the cloak host {0}: {1}", target.host(),
                null == plan ? "clients that are not ours are closed until it resolves" : "keeping the last address");
        }
        return null != plan;
    }

    /**
     * @return the cloak host and port as configured.
     */
    public HostPort target()
    {
        return target;
    }

    @Override
    public UpstreamPlan plan(final HandshakeResult client)
    {
        return plan;
    }
}
