package io.mtgj.stats;

import io.mtgj.config.HostPort;
import io.mtgj.config.StatsConfig;
import io.mtgj.config.StatsdTagsFormat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends mtg v1's gauges, and the buffer arena's named in its style, to a statsd server over UDP at a fixed interval,
 * from the control thread: the host is resolved there (again every few minutes), never on a reactor. Each report is
 * one snapshot written as one line per gauge, lines joined by newlines into datagrams of at most
 * {@link #MAX_PACKET_BYTES}.
 * <p>
 * Line syntax, per {@link StatsdTagsFormat}:
 * <ul>
 *   <li>plain statsd, {@code <name>:<value>|g}: statsd's docs/metric_types.md ("Gauges": {@code gaugor:333|g}; a
 *   leading sign would make it a delta, so the one gauge that can be negative, the clock offset, is sent as
 *   {@code name:0|g} then {@code name:-1.5|g} in the same datagram, as the docs advise; "Multi-Metric Packets": lines
 *   separated by a newline, kept within the MTU, 1432 bytes on an intranet).</li>
 *   <li>influxdb, {@code <name>,<k>=<v>,<k2>=<v2>:<value>|g}: Telegraf's statsd input README, "Influx Statsd"
 *   ({@code users.current,service=payroll,region=us-west:32|g}).</li>
 *   <li>datadog, {@code <name>:<value>|g|#<k>:<v>,<k2>:<v2>}: Datadog's "Datagram Format and Shell Usage"
 *   ({@code <METRIC_NAME>:<VALUE>|<TYPE>|@<SAMPLE_RATE>|#<TAG_KEY_1>:<TAG_VALUE_1>,<TAG_2>}, the sample rate
 *   optional).</li>
 * </ul>
 * Tag keys and values are restricted by {@link StatsConfig} to characters none of these syntaxes escape. Sources:
 * github.com/statsd/statsd docs/metric_types.md, github.com/influxdata/telegraf plugins/inputs/statsd/README.md,
 * docs.datadoghq.com/extend/dogstatsd/datagram_shell.
 */
public final class StatsdReporter implements AutoCloseable
{
    /** Largest datagram sent: statsd's advice for an intranet MTU. */
    public static final int MAX_PACKET_BYTES = 1432;

    private static final System.Logger LOG = System.getLogger("io.mtgj.stats");
    private static final long RESOLVE_EVERY_MS = TimeUnit.MINUTES.toMillis(5);

    private final HostPort target;
    private final String prefix;
    private final StatsdTagsFormat format;
    private final String tags;
    private final StatsSource source;
    private final StatsSnapshot snapshot;
    private final DatagramSocket socket;
    private InetSocketAddress address;
    private long resolvedAtMs;
    private boolean failing;
    private volatile boolean closed;

    /**
     * @param config   statsd settings; {@link StatsConfig#hasStatsd()} must be true.
     * @param source   sums the reactors' counters.
     * @param snapshot the snapshot this reporter fills (and owns from now on).
     * @throws SocketException when no UDP socket can be opened.
     */
    public StatsdReporter(final StatsConfig config, final StatsSource source, final StatsSnapshot snapshot)
        throws SocketException
    {
        this.target = config.statsd();
        this.prefix = config.statsdPrefix();
        this.format = config.statsdTagsFormat();
        this.tags = formatTags(config.statsdTagsFormat(), config.statsdTags());
        this.source = source;
        this.snapshot = snapshot;
        this.socket = new DatagramSocket();
    }

    /**
     * Report every {@code intervalMs} from now on, the first time one interval from now.
     *
     * @param control    the control thread.
     * @param intervalMs interval.
     */
    public void start(final ScheduledExecutorService control, final long intervalMs)
    {
        control.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * One report: snapshot, format, send. Never throws, so the schedule keeps running; failures are logged once until
     * a report succeeds again.
     */
    void report()
    {
        try
        {
            final InetSocketAddress destination = destination();
            source.snapshot(snapshot);
            int bytes = 0;
            for (final byte[] packet : packets(lines(snapshot, prefix, format, tags)))
            {
                socket.send(new DatagramPacket(packet, packet.length, destination));
                bytes += packet.length;
            }
            if (failing)
            {
                failing = false;
                LOG.log(System.Logger.Level.INFO, "statsd reports sent again address={0}", target);
            }
            if (LOG.isLoggable(System.Logger.Level.TRACE))
            {
                LOG.log(System.Logger.Level.TRACE, "statsd report sent address={0} bytes={1}", target, bytes);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            address = null;
            if (!failing && !closed)
            {
                failing = true;
                LOG.log(System.Logger.Level.WARNING, "cannot send statsd reports address={0} error={1}; " +
                    "retrying every interval", target, ex.toString());
            }
        }
    }

    private InetSocketAddress destination() throws UnknownHostException
    {
        final long nowMs = System.currentTimeMillis();
        if (null == address || nowMs - resolvedAtMs >= RESOLVE_EVERY_MS)
        {
            address = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
            resolvedAtMs = nowMs;
        }
        return address;
    }

    /**
     * @param snapshot current values.
     * @param prefix   name prefix, possibly empty.
     * @param format   tags format.
     * @param tags     tags as {@link #formatTags} wrote them.
     * @return one line per gauge: mtg v1's, in its order, then the buffer arena's, the stalled relays, with an ad
     *         tag the middle-proxy failures, with the clock check its failures and offset (a negative offset is two
     *         lines in one element, see {@link #signedLine}) and, with named users, each user's in name order (see
     *         {@link #userLine}).
     */
    static List<String> lines(
        final StatsSnapshot snapshot, final String prefix, final StatsdTagsFormat format, final String tags)
    {
        final List<String> lines = new ArrayList<>(12);
        lines.add(line(prefix, MetricNames.STATSD_CONNECTIONS, snapshot.clientConnections(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_TELEGRAM_CONNECTIONS, snapshot.telegramConnections(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_CRASHES, snapshot.crashes(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_TRAFFIC_INGRESS, snapshot.clientBytes(Direction.INGRESS), format,
            tags));
        lines.add(line(prefix, MetricNames.STATSD_TRAFFIC_EGRESS, snapshot.clientBytes(Direction.EGRESS), format,
            tags));
        lines.add(line(prefix, MetricNames.STATSD_REPLAY_ATTACKS, snapshot.replayAttacks(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_BUFFER_MEMORY, snapshot.bufferMemoryBytes(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_BUFFER_LEASED, snapshot.bufferLeasedBytes(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_BUFFER_WAITING, snapshot.bufferWaitingConnections(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_BUFFER_WAITS, snapshot.bufferWaits(), format, tags));
        lines.add(line(prefix, MetricNames.STATSD_STALLED_CONNECTIONS, snapshot.stalledConnections(), format, tags));
        if (snapshot.isMiddleProxyMode())
        {
            lines.add(line(prefix, MetricNames.STATSD_MIDDLE_PROXY_FAILURES, snapshot.middleProxyFailures(), format,
                tags));
        }
        if (snapshot.hasSocks5Servers())
        {
            lines.add(line(prefix, MetricNames.STATSD_SOCKS5_TUNNELS, snapshot.socks5Tunnels(), format, tags));
            lines.add(line(prefix, MetricNames.STATSD_SOCKS5_FAILURES, snapshot.socks5Failures(), format, tags));
        }
        if (snapshot.isClockChecked())
        {
            lines.add(line(prefix, MetricNames.STATSD_CLOCK_CHECK_FAILURES, snapshot.clockCheckFailures(), format,
                tags));
        }
        if (snapshot.hasClockOffset())
        {
            lines.add(signedLine(prefix, MetricNames.STATSD_CLOCK_OFFSET_SECONDS, snapshot.clockOffsetSeconds(), format,
                tags));
        }
        snapshot.forEachUser((user, open, ingressBytes, egressBytes, failureLabels, failures) ->
        {
            lines.add(userLine(prefix, MetricNames.STATSD_USER_CONNECTIONS, user, null, open, format, tags));
            lines.add(userLine(prefix, MetricNames.STATSD_USER_TRAFFIC_INGRESS, user, null, ingressBytes, format,
                tags));
            lines.add(userLine(prefix, MetricNames.STATSD_USER_TRAFFIC_EGRESS, user, null, egressBytes, format, tags));
            for (int i = 0; i < failureLabels.length; i++)
            {
                lines.add(userLine(prefix, MetricNames.STATSD_USER_HANDSHAKE_FAILURES, user, failureLabels[i],
                    failures[i], format, tags));
            }
        });
        return lines;
    }

    /**
     * A named user's gauge. Plain statsd has no tags, so there the user, then the reason, end the name
     * ({@code mtg.user_handshake_failures.alice.replay}); influxdb and datadog get {@code user} and {@code reason}
     * tags after the configured ones. Characters a format would not carry unescaped become {@code _}.
     *
     * @param prefix name prefix, possibly empty.
     * @param name   gauge name.
     * @param user   the user's name.
     * @param reason the reason label, or null for none.
     * @param value  its value, not negative.
     * @param format tags format.
     * @param tags   tags as {@link #formatTags} wrote them, empty for none.
     * @return the line, without a newline.
     */
    static String userLine(
        final String prefix,
        final String name,
        final String user,
        final String reason,
        final long value,
        final StatsdTagsFormat format,
        final String tags)
    {
        if (StatsdTagsFormat.NONE == format)
        {
            final String path = name + "." + safe(user, false) + (null == reason ? "" : "." + safe(reason, false));
            return line(prefix, path, value, format, "");
        }
        final char separator = StatsdTagsFormat.INFLUXDB == format ? '=' : ':';
        final StringBuilder all = new StringBuilder(tags.length() + 40).append(tags);
        if (all.length() > 0)
        {
            all.append(',');
        }
        all.append(MetricNames.LABEL_USER).append(separator).append(safe(user, true));
        if (null != reason)
        {
            all.append(',').append(MetricNames.LABEL_REASON).append(separator).append(safe(reason, true));
        }
        return line(prefix, name, value, format, all.toString());
    }

    /**
     * @param text  a user name or reason.
     * @param inTag whether it goes into a tag value, which may also hold {@code . /} like {@link StatsConfig}'s tags;
     *              in a name a dot would start a new level.
     * @return the text with every character but letters, digits and {@code _ -} (and those) replaced by {@code _};
     *         {@code _} for an empty one.
     */
    private static String safe(final String text, final boolean inTag)
    {
        if (text.isEmpty())
        {
            return "_";
        }
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                '_' == c || '-' == c || (inTag && ('.' == c || '/' == c));
            out.append(plain ? c : '_');
        }
        return out.toString();
    }

    /**
     * @param prefix name prefix, possibly empty.
     * @param name   gauge name.
     * @param value  its value, not negative.
     * @param format tags format.
     * @param tags   tags as {@link #formatTags} wrote them, empty for none.
     * @return the line, without a newline.
     */
    static String line(
        final String prefix, final String name, final long value, final StatsdTagsFormat format, final String tags)
    {
        return line(prefix, name, Long.toString(value), format, tags);
    }

    private static String line(
        final String prefix, final String name, final String value, final StatsdTagsFormat format, final String tags)
    {
        final String metric = MetricNames.statsdName(prefix, name);
        if (tags.isEmpty())
        {
            return metric + ":" + value + "|g";
        }
        switch (format)
        {
            case INFLUXDB:
                return metric + "," + tags + ":" + value + "|g";
            case DATADOG:
                return metric + ":" + value + "|g|#" + tags;
            default:
                return metric + ":" + value + "|g";
        }
    }

    /**
     * A gauge that may be negative, with a fraction and no exponent. statsd and Telegraf read a leading sign as a
     * change to the gauge, so a negative value is set in two steps: zero, then the change, as two lines joined by a
     * newline that {@link #packets} keeps in one datagram. Datadog, which has no such deltas, just takes the last.
     *
     * @param prefix name prefix, possibly empty.
     * @param name   gauge name.
     * @param value  its value, finite.
     * @param format tags format.
     * @param tags   tags as {@link #formatTags} wrote them, empty for none.
     * @return one line, or two joined by a newline for a negative value.
     */
    static String signedLine(
        final String prefix, final String name, final double value, final StatsdTagsFormat format, final String tags)
    {
        final String text = BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        final String last = line(prefix, name, text, format, tags);
        return value < 0 ? line(prefix, name, "0", format, tags) + "\n" + last : last;
    }

    /**
     * @param format tags format.
     * @param tags   tags, in order.
     * @return their text in that format ({@code k=v,k2=v2} or {@code k:v,k2:v2}); empty for none or for
     *         {@link StatsdTagsFormat#NONE}.
     */
    static String formatTags(final StatsdTagsFormat format, final Map<String, String> tags)
    {
        if (StatsdTagsFormat.NONE == format)
        {
            return "";
        }
        final char separator = StatsdTagsFormat.INFLUXDB == format ? '=' : ':';
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, String> tag : tags.entrySet())
        {
            if (text.length() > 0)
            {
                text.append(',');
            }
            text.append(tag.getKey()).append(separator).append(tag.getValue());
        }
        return text.toString();
    }

    /**
     * @param lines lines, each shorter than a datagram; an element of two lines stays in one datagram.
     * @return datagrams of whole lines joined by newlines, each at most {@link #MAX_PACKET_BYTES} unless one line
     *         alone is longer.
     */
    static List<byte[]> packets(final List<String> lines)
    {
        final List<byte[]> packets = new ArrayList<>(1);
        final StringBuilder packet = new StringBuilder(MAX_PACKET_BYTES);
        for (final String line : lines)
        {
            if (packet.length() > 0 && packet.length() + 1 + line.length() > MAX_PACKET_BYTES)
            {
                packets.add(packet.toString().getBytes(StandardCharsets.US_ASCII));
                packet.setLength(0);
            }
            if (packet.length() > 0)
            {
                packet.append('\n');
            }
            packet.append(line);
        }
        if (packet.length() > 0)
        {
            packets.add(packet.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return packets;
    }

    @Override
    public void close()
    {
        closed = true;
        socket.close();
    }
}
