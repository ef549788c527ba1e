package io.mtgj.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every counter and gauge of the proxy at one moment, summed over the reactors by a {@link StatsSource}. Both the
 * Prometheus collector and the statsd reporter read it; each owns one and refills it, on its own thread, before use.
 * Reasons are label values given at construction (the engine's enums, in lower case), indexed by position.
 */
public final class StatsSnapshot
{
    private static final int DIRECTIONS = Direction.values().length;

    private final List<String> handshakeFailureReasons;
    private final List<String> closeReasons;
    private final List<String> rejectReasons;
    private final long[] clientConnections = new long[IpFamily.values().length];
    private final long[] telegramConnections = new long[DcLabel.COUNT];
    private final long[] clientBytes = new long[DIRECTIONS];
    private final long[] telegramBytes = new long[DcLabel.COUNT * DIRECTIONS];
    private final long[] cloakBytes = new long[DIRECTIONS];
    private final long[] handshakeFailures;
    private final long[] closedConnections;
    private final long[] rejectedConnections;
    private long acceptedConnections;
    private long clientHandshakes;
    private long crashes;
    private long replayAttacks;
    private long cloakedConnections;
    private long buffersInUse;
    private long bufferMemoryBytes;
    private long bufferLeasedBytes;
    private long bufferWaitingConnections;
    private long bufferWaits;
    private long stalledConnections;
    private long silentAfterHandshake;
    private boolean middleProxyMode;
    private boolean clockChecked;
    private long clockCheckFailures;
    private boolean clockMeasured;
    private double clockOffsetSeconds;
    /** Promoted-channel mode: {open, failures} per middle proxy and DC label. */
    private final Map<MiddleProxyKey, long[]> middleProxies = new TreeMap<>();
    /** {@code --socks5}: one row per configured server, in the configured order. */
    private final List<Socks5Row> socks5Servers = new ArrayList<>();
    /** Named users ({@code --secrets}): one row per configured name, none in single-secret mode. */
    private final Map<String, UserRow> users = new TreeMap<>();

    /**
     * @param handshakeFailureReasons label values of handshake failures.
     * @param closeReasons            label values of close reasons.
     * @param rejectReasons           label values of rejections.
     */
    public StatsSnapshot(
        final List<String> handshakeFailureReasons, final List<String> closeReasons, final List<String> rejectReasons)
    {
        this.handshakeFailureReasons = List.copyOf(handshakeFailureReasons);
        this.closeReasons = List.copyOf(closeReasons);
        this.rejectReasons = List.copyOf(rejectReasons);
        this.handshakeFailures = new long[handshakeFailureReasons.size()];
        this.closedConnections = new long[closeReasons.size()];
        this.rejectedConnections = new long[rejectReasons.size()];
    }

    /**
     * Zero everything, before a {@link StatsSource} adds the reactors' values.
     */
    public void clear()
    {
        Arrays.fill(clientConnections, 0);
        Arrays.fill(telegramConnections, 0);
        Arrays.fill(clientBytes, 0);
        Arrays.fill(telegramBytes, 0);
        Arrays.fill(cloakBytes, 0);
        Arrays.fill(handshakeFailures, 0);
        Arrays.fill(closedConnections, 0);
        Arrays.fill(rejectedConnections, 0);
        acceptedConnections = 0;
        clientHandshakes = 0;
        crashes = 0;
        replayAttacks = 0;
        cloakedConnections = 0;
        buffersInUse = 0;
        bufferMemoryBytes = 0;
        bufferLeasedBytes = 0;
        bufferWaitingConnections = 0;
        bufferWaits = 0;
        stalledConnections = 0;
        silentAfterHandshake = 0;
        middleProxyMode = false;
        clockChecked = false;
        clockCheckFailures = 0;
        clockMeasured = false;
        clockOffsetSeconds = 0;
        middleProxies.clear();
        socks5Servers.clear();
        users.clear();
    }

    /**
     * Promoted-channel mode: Telegram connections are middle-proxy connections, labelled by middle proxy.
     */
    public void middleProxyMode()
    {
        middleProxyMode = true;
    }

    /**
     * @return whether {@link #middleProxyMode()} was called since the last {@link #clear()}.
     */
    public boolean isMiddleProxyMode()
    {
        return middleProxyMode;
    }

    /**
     * The clock check runs (tls mode with NTP servers).
     *
     * @param failures SNTP queries that got no usable answer since start.
     */
    public void clockCheck(final long failures)
    {
        clockChecked = true;
        clockCheckFailures = failures;
    }

    /**
     * The clock check has measured the offset; implies {@link #clockCheck(long)} was called too.
     *
     * @param offsetSeconds the local clock minus NTP's at the last measurement, seconds: positive when ours is ahead.
     */
    public void clockOffset(final double offsetSeconds)
    {
        clockMeasured = true;
        clockOffsetSeconds = offsetSeconds;
    }

    /**
     * @return whether {@link #clockCheck(long)} was called since the last {@link #clear()}.
     */
    public boolean isClockChecked()
    {
        return clockChecked;
    }

    /**
     * @return SNTP queries that got no usable answer since start.
     */
    public long clockCheckFailures()
    {
        return clockCheckFailures;
    }

    /**
     * @return whether {@link #clockOffset(double)} was called since the last {@link #clear()}.
     */
    public boolean hasClockOffset()
    {
        return clockMeasured;
    }

    /**
     * @return the local clock minus NTP's, seconds; meaningful only when {@link #hasClockOffset()}.
     */
    public double clockOffsetSeconds()
    {
        return clockOffsetSeconds;
    }

    /**
     * @param dcLabel  a {@link DcLabel} index: the cluster the connections serve.
     * @param address  the middle proxy, {@code ip:port} (Telegram's, from its published list).
     * @param open     connections to it open now.
     * @param failures connections to it that broke or could not be set up.
     */
    public void addMiddleProxy(final int dcLabel, final String address, final long open, final long failures)
    {
        final long[] values = middleProxies.computeIfAbsent(new MiddleProxyKey(dcLabel, address), k -> new long[2]);
        values[0] += open;
        values[1] += failures;
    }

    /**
     * @return middle-proxy connections that broke or could not be set up, over every middle proxy.
     */
    public long middleProxyFailures()
    {
        long failures = 0;
        for (final long[] values : middleProxies.values())
        {
            failures += values[1];
        }
        return failures;
    }

    /**
     * Visit the middle proxies added, in order of DC label and address.
     */
    public void forEachMiddleProxy(final MiddleProxyVisitor visitor)
    {
        middleProxies.forEach((key, values) -> visitor.visit(key.dcLabel(), key.address(), values[0], values[1]));
    }

    /**
     * What {@link #forEachMiddleProxy} reports.
     */
    @FunctionalInterface
    public interface MiddleProxyVisitor
    {
        /**
         * @param dcLabel  a {@link DcLabel} index.
         * @param address  {@code ip:port}.
         * @param open     connections open now.
         * @param failures connections that broke or could not be set up.
         */
        void visit(int dcLabel, String address, long open, long failures);
    }

    /**
     * {@code --socks5}: one configured server's values.
     *
     * @param server        the server, {@code host:port} as configured (never its login).
     * @param up            whether it is usable as far as the proxy knows (resolved, last attempt not its fault).
     * @param tunnels       tunnels set up through it since start.
     * @param failureLabels labels of the failure counters, in the order of the failures array.
     * @param failures      dials through it that failed since start, by label.
     */
    public void addSocks5Server(final String server, final boolean up, final long tunnels,
        final String[] failureLabels, final long[] failures)
    {
        socks5Servers.add(new Socks5Row(server, up, tunnels, failureLabels.clone(), failures.clone()));
    }

    /**
     * @return dials through SOCKS5 servers that failed since start, over every server and reason.
     */
    public long socks5Failures()
    {
        long total = 0;
        for (final Socks5Row row : socks5Servers)
        {
            for (final long failed : row.failures())
            {
                total += failed;
            }
        }
        return total;
    }

    /**
     * @return tunnels set up through SOCKS5 servers since start, over every server.
     */
    public long socks5Tunnels()
    {
        long total = 0;
        for (final Socks5Row row : socks5Servers)
        {
            total += row.tunnels();
        }
        return total;
    }

    /**
     * @return whether any SOCKS5 server was added since the last {@link #clear()}.
     */
    public boolean hasSocks5Servers()
    {
        return !socks5Servers.isEmpty();
    }

    /**
     * @return the SOCKS5 servers added, in the order added.
     */
    public List<Socks5Row> socks5Servers()
    {
        return socks5Servers;
    }

    /**
     * One SOCKS5 server's values, as {@link #addSocks5Server} took them.
     *
     * @param server        {@code host:port}.
     * @param up            whether it is usable.
     * @param tunnels       tunnels set up.
     * @param failureLabels failure labels.
     * @param failures      failures, by label.
     */
    public record Socks5Row(String server, boolean up, long tunnels, String[] failureLabels, long[] failures)
    {
    }

    private record MiddleProxyKey(int dcLabel, String address) implements Comparable<MiddleProxyKey>
    {
        @Override
        public int compareTo(final MiddleProxyKey other)
        {
            final int byDc = Integer.compare(dcLabel, other.dcLabel);
            return 0 != byDc ? byDc : address.compareTo(other.address);
        }
    }

    /**
     * One configured user's values; a name added twice before the next {@link #clear()} sums. Only configured names
     * may be added: each becomes a label value on every scrape.
     *
     * @param name          the user's name, as configured.
     * @param connections   the user's client connections open now.
     * @param ingressBytes  bytes read from the user's clients.
     * @param egressBytes   bytes written to the user's clients.
     * @param failureLabels labels of the per-user failure counters, in the order of the failures array; the same
     *                      labels on every call for a name, in any order.
     * @param failures      handshake failures and refusals after the client proved it is this user, by label.
     */
    public void addUser(
        final String name,
        final long connections,
        final long ingressBytes,
        final long egressBytes,
        final String[] failureLabels,
        final long[] failures)
    {
        Objects.requireNonNull(name, "name");
        if (failureLabels.length != failures.length)
        {
            throw new IllegalArgumentException("user " + name + ": " + failureLabels.length + " failure labels but " +
                failures.length + " failure counts");
        }
        final UserRow row = users.get(name);
        if (null == row)
        {
            users.put(name, new UserRow(connections, ingressBytes, egressBytes, failureLabels, failures));
        }
        else
        {
            row.add(connections, ingressBytes, egressBytes, failureLabels, failures);
        }
    }

    /**
     * @return whether {@link #addUser} was called since the last {@link #clear()}: named users are configured.
     */
    public boolean hasUsers()
    {
        return !users.isEmpty();
    }

    /**
     * Visit the users added, in name order.
     *
     * @param consumer called once per user.
     */
    public void forEachUser(final UserConsumer consumer)
    {
        users.forEach((name, row) ->
            consumer.accept(name, row.connections, row.ingressBytes, row.egressBytes, row.failureLabels, row.failures));
    }

    /**
     * What {@link #forEachUser} reports. The arrays belong to the snapshot: read them during the call only.
     */
    @FunctionalInterface
    public interface UserConsumer
    {
        /**
         * @param name          the user's name.
         * @param connections   client connections open now.
         * @param ingressBytes  bytes read from the user's clients.
         * @param egressBytes   bytes written to them.
         * @param failureLabels labels of the failure counters, in the order of the failures array.
         * @param failures      failures, by label.
         */
        void accept(String name, long connections, long ingressBytes, long egressBytes, String[] failureLabels,
            long[] failures);
    }

    /**
     * One user's sums; copies the caller's arrays, which it may reuse for the next user.
     */
    private static final class UserRow
    {
        private long connections;
        private long ingressBytes;
        private long egressBytes;
        private String[] failureLabels;
        private long[] failures;

        UserRow(
            final long connections,
            final long ingressBytes,
            final long egressBytes,
            final String[] failureLabels,
            final long[] failures)
        {
            this.connections = connections;
            this.ingressBytes = ingressBytes;
            this.egressBytes = egressBytes;
            this.failureLabels = failureLabels.clone();
            this.failures = failures.clone();
        }

        void add(
            final long connections,
            final long ingressBytes,
            final long egressBytes,
            final String[] failureLabels,
            final long[] failures)
        {
            this.connections += connections;
            this.ingressBytes += ingressBytes;
            this.egressBytes += egressBytes;
            if (Arrays.equals(this.failureLabels, failureLabels))
            {
                for (int i = 0; i < failures.length; i++)
                {
                    this.failures[i] += failures[i];
                }
                return;
            }
            // Sum by label, not by position, should two callers list the labels differently.
            for (int i = 0; i < failureLabels.length; i++)
            {
                final int at = indexOf(failureLabels[i]);
                this.failures[at] += failures[i];
            }
        }

        private int indexOf(final String label)
        {
            for (int i = 0; i < failureLabels.length; i++)
            {
                if (failureLabels[i].equals(label))
                {
                    return i;
                }
            }
            failureLabels = Arrays.copyOf(failureLabels, failureLabels.length + 1);
            failures = Arrays.copyOf(failures, failures.length + 1);
            failureLabels[failureLabels.length - 1] = label;
            return failureLabels.length - 1;
        }
    }

    /**
     * @param family ip family.
     * @param n      client connections open now.
     */
    public void addClientConnections(final IpFamily family, final long n)
    {
        clientConnections[family.ordinal()] += n;
    }

    /**
     * @param dcLabel a {@link DcLabel} index.
     * @param n       Telegram connections open now.
     */
    public void addTelegramConnections(final int dcLabel, final long n)
    {
        telegramConnections[dcLabel] += n;
    }

    /**
     * @param direction direction.
     * @param n         bytes read from or written to clients.
     */
    public void addClientBytes(final Direction direction, final long n)
    {
        clientBytes[direction.ordinal()] += n;
    }

    /**
     * @param dcLabel   a {@link DcLabel} index.
     * @param direction direction.
     * @param n         bytes read from or written to Telegram.
     */
    public void addTelegramBytes(final int dcLabel, final Direction direction, final long n)
    {
        telegramBytes[dcLabel * DIRECTIONS + direction.ordinal()] += n;
    }

    /**
     * @param direction direction.
     * @param n         bytes read from or written to the cloak host.
     */
    public void addCloakBytes(final Direction direction, final long n)
    {
        cloakBytes[direction.ordinal()] += n;
    }

    /**
     * @param reasonIndex index into the handshake failure reasons.
     * @param n           handshakes refused for it.
     */
    public void addHandshakeFailures(final int reasonIndex, final long n)
    {
        handshakeFailures[reasonIndex] += n;
    }

    /**
     * @param reasonIndex index into the close reasons.
     * @param n           connections closed for it.
     */
    public void addClosedConnections(final int reasonIndex, final long n)
    {
        closedConnections[reasonIndex] += n;
    }

    /**
     * @param reasonIndex index into the reject reasons.
     * @param n           connections rejected for it.
     */
    public void addRejectedConnections(final int reasonIndex, final long n)
    {
        rejectedConnections[reasonIndex] += n;
    }

    /**
     * @param n client connections accepted.
     */
    public void addAcceptedConnections(final long n)
    {
        acceptedConnections += n;
    }

    /**
     * @param n successful client handshakes.
     */
    public void addClientHandshakes(final long n)
    {
        clientHandshakes += n;
    }

    /**
     * @param n crashes.
     */
    public void addCrashes(final long n)
    {
        crashes += n;
    }

    /**
     * @param n replayed handshakes.
     */
    public void addReplayAttacks(final long n)
    {
        replayAttacks += n;
    }

    /**
     * @param n connections fronted to the cloak host.
     */
    public void addCloakedConnections(final long n)
    {
        cloakedConnections += n;
    }

    /**
     * @param n buffers leased now.
     */
    public void addBuffersInUse(final long n)
    {
        buffersInUse += n;
    }

    /**
     * @param n size of the buffer arena, bytes.
     */
    public void addBufferMemoryBytes(final long n)
    {
        bufferMemoryBytes += n;
    }

    /**
     * @param n bytes of the buffer arena leased now.
     */
    public void addBufferLeasedBytes(final long n)
    {
        bufferLeasedBytes += n;
    }

    /**
     * @param n connections waiting for a buffer now.
     */
    public void addBufferWaitingConnections(final long n)
    {
        bufferWaitingConnections += n;
    }

    /**
     * @param n times a connection had to wait for a buffer.
     */
    public void addBufferWaits(final long n)
    {
        bufferWaits += n;
    }

    /**
     * @param n relays closed because their peer accepted no byte for the stall timeout.
     */
    public void addStalledConnections(final long n)
    {
        stalledConnections += n;
    }

    /**
     * @param n clients that completed their handshake and then moved no byte either way within the check's window.
     */
    public void addSilentAfterHandshake(final long n)
    {
        silentAfterHandshake += n;
    }

    /**
     * @return clients that completed their handshake and then moved no byte either way within the check's window.
     */
    public long silentAfterHandshake()
    {
        return silentAfterHandshake;
    }

    /**
     * @param family ip family.
     * @return client connections open.
     */
    public long clientConnections(final IpFamily family)
    {
        return clientConnections[family.ordinal()];
    }

    /**
     * @return client connections open, every family.
     */
    public long clientConnections()
    {
        return sum(clientConnections);
    }

    /**
     * @param dcLabel a {@link DcLabel} index.
     * @return Telegram connections open.
     */
    public long telegramConnections(final int dcLabel)
    {
        return telegramConnections[dcLabel];
    }

    /**
     * @return Telegram connections open, every DC.
     */
    public long telegramConnections()
    {
        return sum(telegramConnections);
    }

    /**
     * @param direction direction.
     * @return bytes read from or written to clients.
     */
    public long clientBytes(final Direction direction)
    {
        return clientBytes[direction.ordinal()];
    }

    /**
     * @param dcLabel   a {@link DcLabel} index.
     * @param direction direction.
     * @return bytes read from or written to Telegram.
     */
    public long telegramBytes(final int dcLabel, final Direction direction)
    {
        return telegramBytes[dcLabel * DIRECTIONS + direction.ordinal()];
    }

    /**
     * @param direction direction.
     * @return bytes read from or written to the cloak host.
     */
    public long cloakBytes(final Direction direction)
    {
        return cloakBytes[direction.ordinal()];
    }

    /**
     * @return handshake failure label values.
     */
    public List<String> handshakeFailureReasons()
    {
        return handshakeFailureReasons;
    }

    /**
     * @param reasonIndex index into {@link #handshakeFailureReasons()}.
     * @return handshakes refused for it.
     */
    public long handshakeFailures(final int reasonIndex)
    {
        return handshakeFailures[reasonIndex];
    }

    /**
     * @return close reason label values.
     */
    public List<String> closeReasons()
    {
        return closeReasons;
    }

    /**
     * @param reasonIndex index into {@link #closeReasons()}.
     * @return connections closed for it.
     */
    public long closedConnections(final int reasonIndex)
    {
        return closedConnections[reasonIndex];
    }

    /**
     * @return reject reason label values.
     */
    public List<String> rejectReasons()
    {
        return rejectReasons;
    }

    /**
     * @param reasonIndex index into {@link #rejectReasons()}.
     * @return connections rejected for it.
     */
    public long rejectedConnections(final int reasonIndex)
    {
        return rejectedConnections[reasonIndex];
    }

    /**
     * @return client connections accepted.
     */
    public long acceptedConnections()
    {
        return acceptedConnections;
    }

    /**
     * @return successful client handshakes.
     */
    public long clientHandshakes()
    {
        return clientHandshakes;
    }

    /**
     * @return crashes.
     */
    public long crashes()
    {
        return crashes;
    }

    /**
     * @return replayed handshakes.
     */
    public long replayAttacks()
    {
        return replayAttacks;
    }

    /**
     * @return connections fronted to the cloak host.
     */
    public long cloakedConnections()
    {
        return cloakedConnections;
    }

    /**
     * @return buffers leased.
     */
    public long buffersInUse()
    {
        return buffersInUse;
    }

    /**
     * @return size of the buffer arena, bytes.
     */
    public long bufferMemoryBytes()
    {
        return bufferMemoryBytes;
    }

    /**
     * @return bytes of the buffer arena leased.
     */
    public long bufferLeasedBytes()
    {
        return bufferLeasedBytes;
    }

    /**
     * @return connections waiting for a buffer.
     */
    public long bufferWaitingConnections()
    {
        return bufferWaitingConnections;
    }

    /**
     * @return times a connection had to wait for a buffer.
     */
    public long bufferWaits()
    {
        return bufferWaits;
    }

    /**
     * @return relays closed because their peer accepted no byte for the stall timeout.
     */
    public long stalledConnections()
    {
        return stalledConnections;
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long value : values)
        {
            total += value;
        }
        return total;
    }
}
