package io.mtgj;

import io.mtgj.clock.ClockCheck;
import io.mtgj.middle.MiddleProxies;
import io.mtgj.net.CloseReason;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.Reactor;
import io.mtgj.net.ReactorCounters;
import io.mtgj.net.RejectReason;
import io.mtgj.socks5.Socks5Chain;
import io.mtgj.socks5.Socks5Failure;
import io.mtgj.socks5.Socks5Relay;
import io.mtgj.stats.DcLabel;
import io.mtgj.stats.Direction;
import io.mtgj.stats.IpFamily;
import io.mtgj.stats.StatsSnapshot;
import io.mtgj.stats.StatsSource;
import io.mtgj.users.Account;
import io.mtgj.users.Users;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sums the reactors' counters into a {@link StatsSnapshot}: the one place that knows both the reactor's counters and
 * the metrics' shape, so {@code stats} never reaches into {@code net}. Runs on the reading thread (scrape or control).
 */
final class ProxyStats implements StatsSource
{
    private static final String[] SOCKS5_FAILURE_LABELS = socks5FailureLabels();

    private final List<Reactor> reactors;
    private final MiddleProxies middleProxies;
    private final Users users;
    private final Socks5Chain socks5;
    private final ClockCheck clockCheck;

    /**
     * @param reactors      the reactors.
     * @param middleProxies promoted-channel mode's middle proxies, or null in direct mode.
     * @param users         named users, or null with one secret.
     * @param socks5        the SOCKS5 servers ({@code --socks5}), or null when Telegram is dialed directly.
     * @param clockCheck    the clock check, or null when it does not run.
     */
    ProxyStats(final List<Reactor> reactors, final MiddleProxies middleProxies, final Users users,
        final Socks5Chain socks5, final ClockCheck clockCheck)
    {
        this.clockCheck = clockCheck;
        this.socks5 = socks5;
        this.reactors = reactors;
        this.middleProxies = middleProxies;
        this.users = users;
    }

    /**
     * @return an empty snapshot labelled with the engine's reasons.
     */
    static StatsSnapshot newSnapshot()
    {
        return new StatsSnapshot(labels(HandshakeFailure.values()), labels(CloseReason.values()),
            labels(RejectReason.values()));
    }

    private static String[] socks5FailureLabels()
    {
        final String[] labels = new String[Socks5Failure.values().length];
        for (final Socks5Failure failure : Socks5Failure.values())
        {
            labels[failure.ordinal()] = failure.label();
        }
        return labels;
    }

    private static List<String> labels(final Enum<?>[] values)
    {
        final List<String> labels = new ArrayList<>(values.length);
        for (final Enum<?> value : values)
        {
            labels.add(value.name().toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    @Override
    public void snapshot(final StatsSnapshot into)
    {
        into.clear();
        if (null != middleProxies)
        {
            into.middleProxyMode();
            middleProxies.forEachGauge(into::addMiddleProxy);
        }
        if (null != clockCheck)
        {
            into.clockCheck(clockCheck.failedQueries());
            if (clockCheck.hasMeasurement())
            {
                into.clockOffset(clockCheck.lastOffsetSeconds());
            }
        }
        if (null != socks5)
        {
            final long[] failures = new long[SOCKS5_FAILURE_LABELS.length];
            for (final Socks5Relay relay : socks5.relays())
            {
                for (final Socks5Failure failure : Socks5Failure.values())
                {
                    failures[failure.ordinal()] = relay.failures(failure);
                }
                into.addSocks5Server(relay.name(), relay.isUp(), relay.tunnels(), SOCKS5_FAILURE_LABELS, failures);
            }
        }
        if (null != users)
        {
            final long[] userFailures = new long[Account.FAILURE_LABELS.length]; // scrape and statsd may overlap
            for (final Account account : users.accounts())
            {
                account.failures(userFailures);
                into.addUser(account.name(), account.connections(), account.ingressBytes(), account.egressBytes(),
                    Account.FAILURE_LABELS, userFailures);
            }
        }
        for (final Reactor reactor : reactors)
        {
            final ReactorCounters counters = reactor.counters();
            for (final IpFamily family : IpFamily.values())
            {
                into.addClientConnections(family, counters.active(family));
            }
            for (final Direction direction : Direction.values())
            {
                into.addClientBytes(direction, counters.clientBytes(direction));
                into.addCloakBytes(direction, counters.cloakBytes(direction));
            }
            for (int dc = 0; dc < DcLabel.COUNT; dc++)
            {
                into.addTelegramConnections(dc, counters.telegramActive(dc));
                for (final Direction direction : Direction.values())
                {
                    into.addTelegramBytes(dc, direction, counters.telegramBytes(dc, direction));
                }
            }
            for (final HandshakeFailure failure : HandshakeFailure.values())
            {
                into.addHandshakeFailures(failure.ordinal(), counters.handshakeFailures(failure));
            }
            for (final CloseReason reason : CloseReason.values())
            {
                into.addClosedConnections(reason.ordinal(), counters.closed(reason));
            }
            for (final RejectReason reason : RejectReason.values())
            {
                into.addRejectedConnections(reason.ordinal(), counters.rejected(reason));
            }
            into.addAcceptedConnections(counters.accepted());
            into.addClientHandshakes(counters.handshakes());
            into.addCrashes(counters.crashes());
            into.addReplayAttacks(counters.handshakeFailures(HandshakeFailure.REPLAY));
            into.addCloakedConnections(counters.cloaked());
            into.addBuffersInUse(reactor.buffersInUse());
            into.addBufferMemoryBytes(reactor.bufferMemoryBytes());
            into.addBufferLeasedBytes(reactor.bufferLeasedBytes());
            into.addBufferWaitingConnections(reactor.bufferWaiting());
            into.addBufferWaits(reactor.bufferWaits());
            into.addStalledConnections(counters.stalled());
            into.addSilentAfterHandshake(counters.silentAfterHandshake());
        }
    }
}
