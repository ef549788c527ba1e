package io.mtgj;

import io.mtgj.middle.MiddleProxies;
import io.mtgj.net.CloseReason;
import io.mtgj.net.HandshakeFailure;
import io.mtgj.net.Reactor;
import io.mtgj.net.ReactorCounters;
import io.mtgj.net.RejectReason;
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
    private final List<Reactor> reactors;
    private final MiddleProxies middleProxies;
    private final Users users;

    /**
     * @param reactors      the reactors.
     * @param middleProxies promoted-channel mode's middle proxies, or null in direct mode.
     * @param users         named users, or null with one secret.
     */
    ProxyStats(final List<Reactor> reactors, final MiddleProxies middleProxies, final Users users)
    {
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
        }
    }
}
