package io.mtgj.socks5;

import io.mtgj.config.Socks5Server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One configured SOCKS5 server and what every reactor shares about it: its resolved address (written by the control
 * thread), its back-off and its counters, all atomics, so picking and reporting take no lock. Written by outcomes
 * only: a success is one read when nothing failed before it.
 */
public final class Socks5Relay
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.socks5");
    /** A failing server is skipped for this long after its first failure in a row... */
    static final long FIRST_BACKOFF_NS = TimeUnit.SECONDS.toNanos(2);
    /** ...twice as long after each further one, up to this. */
    static final long MAX_BACKOFF_NS = TimeUnit.SECONDS.toNanos(60);
    /** At most one warning per server this often; the rest of its failures log at debug. */
    private static final long WARN_EVERY_NS = TimeUnit.SECONDS.toNanos(10);

    private final Socks5Server server;
    private final String name;
    private volatile InetSocketAddress address;
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicLong backoffUntilNs = new AtomicLong();
    private final AtomicLong lastWarningNs = new AtomicLong();
    private final AtomicLong tunnels = new AtomicLong();
    private final AtomicLongArray failures = new AtomicLongArray(Socks5Failure.values().length);
    private volatile boolean warnedUnresolved;

    Socks5Relay(final Socks5Server server, final long nowNs)
    {
        this.server = server;
        this.name = server.toString();
        this.lastWarningNs.set(nowNs - WARN_EVERY_NS);
    }

    /**
     * @return the server as configured (with its login).
     */
    Socks5Server server()
    {
        return server;
    }

    /**
     * @return {@code host:port}, for logs and the metrics' label.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return its address, or null until its name resolves.
     */
    InetSocketAddress address()
    {
        return address;
    }

    /**
     * Resolve the host name now (an IP literal needs no DNS); blocks, so never on a reactor. A failure keeps the
     * last address.
     *
     * @return whether an address is known after the call.
     */
    boolean resolve()
    {
        try
        {
            final InetSocketAddress fresh =
                new InetSocketAddress(InetAddress.getByName(server.address().host()), server.address().port());
            final InetSocketAddress old = address;
            if (null == old || !old.equals(fresh))
            {
                address = fresh;
                LOG.log(System.Logger.Level.DEBUG, "socks5 server resolved server={0} address={1}", name,
                    fresh.getAddress().getHostAddress());
            }
            warnedUnresolved = false;
        }
        catch (final UnknownHostException ex)
        {
            if (!warnedUnresolved)
            {
                warnedUnresolved = true;
                LOG.log(System.Logger.Level.WARNING, "cannot resolve the socks5 server {0}: {1}", name,
                    null == address ? "it is skipped until it resolves" : "keeping its last address");
            }
        }
        return null != address;
    }

    /**
     * @return whether it may be tried now: resolved and not in back-off.
     */
    boolean isAvailable(final long nowNs)
    {
        return null != address && nowNs - backoffUntilNs.get() >= 0;
    }

    /**
     * @return when its back-off ends, on the reactors' clock.
     */
    long backoffUntilNs()
    {
        return backoffUntilNs.get();
    }

    /**
     * @return whether it is usable as far as anyone knows: resolved, and its last attempt did not fail on its side.
     */
    public boolean isUp()
    {
        return null != address && 0 == failuresInARow.get();
    }

    /**
     * @return tunnels it set up since start.
     */
    public long tunnels()
    {
        return tunnels.get();
    }

    /**
     * @param failure a reason.
     * @return dials through it that failed for that reason since start.
     */
    public long failures(final Socks5Failure failure)
    {
        return failures.get(failure.ordinal());
    }

    void onTunnel()
    {
        tunnels.incrementAndGet();
        if (0 != failuresInARow.get() && 0 != failuresInARow.getAndSet(0))
        {
            LOG.log(System.Logger.Level.INFO, "socks5 {0} works again", name);
        }
    }

    /**
     * Count a failed dial, put the server in back-off when it is to blame, and log it: a warning at most once per
     * {@link #WARN_EVERY_NS} per server, the rest at debug.
     *
     * @param message what happened, naming the server as {@code host:port} and never the login.
     */
    void onFailure(final Socks5Failure failure, final String message, final long nowNs)
    {
        failures.incrementAndGet(failure.ordinal());
        String backoff = "";
        if (failure.isServerFault())
        {
            final int inARow = failuresInARow.incrementAndGet();
            final long backoffNs = Math.min(MAX_BACKOFF_NS, FIRST_BACKOFF_NS << Math.min(inARow - 1, 16));
            backoffUntilNs.set(nowNs + backoffNs);
            backoff = "; skipping it for " + TimeUnit.NANOSECONDS.toSeconds(backoffNs) + " s";
        }
        final long last = lastWarningNs.get();
        final boolean warn = nowNs - last >= WARN_EVERY_NS && lastWarningNs.compareAndSet(last, nowNs);
        final System.Logger.Level level = warn ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(level))
        {
            LOG.log(level, "{0}{1} (reason={2})", message, backoff, failure.label());
        }
    }
}
