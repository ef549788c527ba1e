package io.mtgj.middle;

import io.mtgj.config.MiddleProxySettings;
import io.mtgj.net.ReactorServices;
import io.mtgj.stats.DcLabel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One reactor's long-lived connections to the middle proxies of one DC cluster and IP family (protocol.md 7.2). The
 * pool opens its floor when the reactor starts; a client joins the oldest ready connection below
 * {@code --multiplex-per-connection}, and only when every connection is that full does the pool open another, so
 * clients pack onto few connections and the newer ones empty first when the load falls. A connection without
 * clients stays open for {@link MiddleProxySettings#idleCloseMs()} and then closes, unless the pool would drop below
 * its floor.
 * <p>
 * A connection that breaks closes its own clients only. Below the floor, the pool replaces it: at once after a
 * connection that had worked, then with a back-off doubling from {@value #FIRST_RETRY_S} s to {@value #MAX_RETRY_S} s
 * while set-ups keep failing. During that back-off no client dials on its own: clients join a full connection if the
 * pool has one (the cap is soft) and are refused otherwise, so a dead middle proxy costs a refusal, not a storm.
 */
final class MiddlePool
{
    private static final long NO_TIMER = -1;
    static final int FIRST_RETRY_S = 1;
    static final int MAX_RETRY_S = 64;

    private final MiddlePools owner;
    private final ReactorServices reactor;
    private final MiddleProxySettings settings;
    private final int key;
    private final int dcLabel;
    private final List<MiddleConnection> connections = new ArrayList<>(2);
    private final Runnable retry = this::onRetry;
    /** Set-ups failed in a row: the back-off's exponent. */
    private int failures;
    /** While set-ups fail, none is tried before this time. */
    private long retryAtNs;
    private long retryTimer = NO_TIMER;
    private boolean closingAll;

    /**
     * @param key the cluster x 2, plus 1 for the IPv6 list ({@link MiddleProxies#poolKey}).
     */
    MiddlePool(final MiddlePools owner, final int key)
    {
        this.owner = owner;
        this.reactor = owner.reactor();
        this.settings = owner.settings();
        this.key = key;
        this.dcLabel = DcLabel.index(key >> 1);
    }

    /**
     * @return a connection for one more client, or null when none is open and none can be opened now.
     */
    MiddleConnection connectionFor()
    {
        final int cap = settings.multiplexPerConnection();
        MiddleConnection settingUp = null;
        MiddleConnection leastLoaded = null;
        for (int i = 0; i < connections.size(); i++)
        {
            final MiddleConnection connection = connections.get(i);
            final int clients = connection.clientCount();
            if (clients < cap)
            {
                if (connection.isReady())
                {
                    return connection;
                }
                if (null == settingUp)
                {
                    settingUp = connection; // its handshake is on the way: the client's packets wait for it
                }
            }
            if (null == leastLoaded || clients < leastLoaded.clientCount())
            {
                leastLoaded = connection;
            }
        }
        if (null != settingUp)
        {
            return settingUp;
        }
        if (!isBackingOff())
        {
            final MiddleConnection opened = open();
            if (null != opened)
            {
                return opened;
            }
        }
        return leastLoaded;
    }

    /**
     * Open connections up to the floor, unless a back-off is running.
     */
    void fill()
    {
        while (!closingAll && connections.size() < settings.poolFloor() && !isBackingOff())
        {
            if (null == open())
            {
                return;
            }
        }
    }

    private MiddleConnection open()
    {
        final InetSocketAddress address = owner.proxies().pick(key);
        if (null == address)
        {
            return null; // the list has nothing for this cluster now; a refresh may bring some
        }
        final MiddleConnection connection;
        try
        {
            connection = new MiddleConnection(owner, this, address, dcLabel);
        }
        catch (final IOException ex)
        {
            onSetUpFailed(); // no socket to be had: out of descriptors
            return null;
        }
        connections.add(connection);
        owner.onOpened();
        connection.start();
        return connection.isOpen() ? connection : null; // a failed start has already given everything back
    }

    /**
     * A connection finished its handshake: set-ups work again.
     */
    void onReady()
    {
        failures = 0;
    }

    /**
     * A connection lost its last client: above the floor it closes once idle for a while.
     */
    void onIdle(final MiddleConnection connection)
    {
        if (mayCloseIdle())
        {
            connection.closeWhenIdleFor(TimeUnit.MILLISECONDS.toNanos(settings.idleCloseMs()));
        }
    }

    /**
     * @return whether an idle connection may close now without taking the pool below its floor.
     */
    boolean mayCloseIdle()
    {
        return connections.size() > settings.poolFloor();
    }

    /**
     * @param connection the connection that closed.
     * @param failed     whether it broke or failed to set up (not idle, not shutting down).
     * @param wasReady   whether it had finished its handshake.
     */
    void onClosed(final MiddleConnection connection, final boolean failed, final boolean wasReady)
    {
        if (!connections.remove(connection))
        {
            return;
        }
        owner.onClosed();
        if (closingAll)
        {
            return;
        }
        if (failed && !wasReady)
        {
            onSetUpFailed();
        }
        else if (connections.size() < settings.poolFloor())
        {
            scheduleRetry(reactor.nowNs()); // it had worked: replace it at once
        }
    }

    private void onSetUpFailed()
    {
        failures++;
        final long capped = Math.min((long)MAX_RETRY_S, (long)FIRST_RETRY_S << Math.min(failures - 1, 6));
        // +-25% so that the reactors, and proxies restarted together, do not retry in step
        retryAtNs = reactor.nowNs() +
            (long)(TimeUnit.SECONDS.toNanos(capped) * (0.75 + ThreadLocalRandom.current().nextDouble() / 2));
        if (connections.size() < settings.poolFloor())
        {
            scheduleRetry(retryAtNs);
        }
    }

    private boolean isBackingOff()
    {
        return failures > 0 && reactor.nowNs() - retryAtNs < 0;
    }

    private void scheduleRetry(final long atNs)
    {
        if (NO_TIMER == retryTimer && !closingAll)
        {
            retryTimer = reactor.schedule(retry, atNs);
        }
    }

    private void onRetry()
    {
        retryTimer = NO_TIMER;
        if (isBackingOff())
        {
            scheduleRetry(retryAtNs); // a set-up failed again meanwhile
        }
        else
        {
            fill();
        }
    }

    /**
     * Close every connection and stop replacing them: the reactor is stopping.
     */
    void closeAll()
    {
        closingAll = true;
        if (NO_TIMER != retryTimer)
        {
            reactor.cancelTimer(retryTimer);
            retryTimer = NO_TIMER;
        }
        for (final MiddleConnection connection : new ArrayList<>(connections))
        {
            connection.shutDown("shutting down");
        }
    }
}
