package io.mtgj.config;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where metrics go: the Prometheus endpoint ({@code --stats-bind}, {@code --stats-namespace}) and the statsd reporter
 * ({@code --statsd-*}). Validated at construction; each part is off unless its address is given.
 *
 * @param bind             address of the HTTP endpoint, or null for none.
 * @param namespace        prefix of every Prometheus metric name ({@code mtg} gives {@code mtg_crashes_total}); empty
 *                         for none.
 * @param statsd           statsd host and port (the host is resolved at run time, off the reactors), or null for none.
 * @param statsdPrefix     prefix of every statsd metric name ({@code mtg} gives {@code mtg.crashes}); empty for none.
 * @param statsdTagsFormat how tags are written.
 * @param statsdTags       tags added to every statsd metric, in the order given.
 * @param statsdIntervalMs how often the statsd gauges are sent.
 */
public record StatsConfig(
    InetSocketAddress bind,
    String namespace,
    HostPort statsd,
    String statsdPrefix,
    StatsdTagsFormat statsdTagsFormat,
    Map<String, String> statsdTags,
    long statsdIntervalMs)
{
    /** Default Prometheus namespace and statsd prefix, as mtg's. */
    public static final String DEFAULT_NAMESPACE = "mtg";
    /** Default statsd port. */
    public static final int DEFAULT_STATSD_PORT = 8125;
    /** Default statsd interval. */
    public static final long DEFAULT_STATSD_INTERVAL_MS = 10_000;
    /** Metrics off: no endpoint, no statsd. */
    public static final StatsConfig DISABLED = builder().build();

    private static final int MAX_HOST_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final int MAX_NAME_LENGTH = 64;

    /**
     * Validate and copy.
     *
     * @throws IllegalArgumentException naming the first bad value.
     */
    public StatsConfig
    {
        checkNamespace(namespace);
        checkStatsdPrefix(statsdPrefix);
        if (null == statsdTagsFormat)
        {
            throw new IllegalArgumentException("a statsd tags format is required");
        }
        if (null != statsd)
        {
            checkStatsdHost(statsd.host());
            if (statsd.port() < 1 || statsd.port() > 65535)
            {
                throw new IllegalArgumentException("bad --statsd-port " + statsd.port() + ": expected 1..65535");
            }
        }
        final Map<String, String> tags = new LinkedHashMap<>();
        for (final Map.Entry<String, String> tag : statsdTags.entrySet())
        {
            checkTagPart(tag.getKey() + "=" + tag.getValue(), tag.getKey());
            checkTagPart(tag.getKey() + "=" + tag.getValue(), tag.getValue());
            tags.put(tag.getKey(), tag.getValue());
        }
        statsdTags = Collections.unmodifiableMap(tags);
        if (statsdIntervalMs <= 0)
        {
            throw new IllegalArgumentException("bad --statsd-interval " + statsdIntervalMs + "ms: must be positive");
        }
    }

    /**
     * @return a builder with every default set and both parts off.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return whether the Prometheus endpoint is on.
     */
    public boolean hasEndpoint()
    {
        return null != bind;
    }

    /**
     * @return whether the statsd reporter is on.
     */
    public boolean hasStatsd()
    {
        return null != statsd;
    }

    /**
     * @param text a Prometheus namespace.
     * @return the namespace.
     * @throws IllegalArgumentException unless it is empty or letters, digits and underscores, not starting with a
     *                                  digit (a valid metric name prefix).
     */
    public static String checkNamespace(final String text)
    {
        boolean valid = text.length() <= MAX_NAME_LENGTH;
        for (int i = 0; valid && i < text.length(); i++)
        {
            final char c = text.charAt(i);
            valid = isAsciiLetter(c) || '_' == c || (i > 0 && isDigit(c));
        }
        if (!valid)
        {
            throw new IllegalArgumentException("bad namespace '" + text + "': expected letters, digits and " +
                "underscores, not starting with a digit");
        }
        return text;
    }

    /**
     * @param text a statsd prefix.
     * @return the prefix.
     * @throws IllegalArgumentException unless it is empty or dot-separated words of letters, digits, {@code _} and
     *                                  {@code -}: anything else would break the line syntax.
     */
    public static String checkStatsdPrefix(final String text)
    {
        boolean valid = text.length() <= MAX_NAME_LENGTH && !text.startsWith(".") && !text.endsWith(".") &&
            !text.contains("..");
        for (int i = 0; valid && i < text.length(); i++)
        {
            final char c = text.charAt(i);
            valid = isAsciiLetter(c) || isDigit(c) || '_' == c || '-' == c || '.' == c;
        }
        if (!valid)
        {
            throw new IllegalArgumentException("bad prefix '" + text + "': expected dot-separated words of " +
                "letters, digits, '_' and '-'");
        }
        return text;
    }

    /**
     * @param text a host name, an IPv4 address or an IPv6 address (bare or in brackets); not resolved here.
     * @return the host, without brackets.
     * @throws IllegalArgumentException naming the text when it is not a host or carries a port.
     */
    public static String checkStatsdHost(final String text)
    {
        final HostPort hostPort = HostPort.parse(text, true);
        if (hostPort.hasPort())
        {
            throw new IllegalArgumentException("bad host '" + text + "': give the port with --statsd-port");
        }
        final String host = hostPort.host();
        if (!isHostName(host) && !isIpv6Literal(host))
        {
            throw new IllegalArgumentException("bad host '" + text + "': not a host name or IP address");
        }
        return host;
    }

    /**
     * @param text {@code key=value}.
     * @return the key and the value.
     * @throws IllegalArgumentException naming the text unless both are non-empty words of letters, digits and
     *                                  {@code _ . - /}, the characters every tags format carries unescaped.
     */
    public static Map.Entry<String, String> parseTag(final String text)
    {
        final int equals = text.indexOf('=');
        if (equals <= 0 || equals == text.length() - 1)
        {
            throw new IllegalArgumentException("bad tag '" + text + "': expected key=value");
        }
        final String key = text.substring(0, equals);
        final String value = text.substring(equals + 1);
        checkTagPart(text, key);
        checkTagPart(text, value);
        return Map.entry(key, value);
    }

    private static void checkTagPart(final String tag, final String part)
    {
        boolean valid = !part.isEmpty() && part.length() <= MAX_NAME_LENGTH;
        for (int i = 0; valid && i < part.length(); i++)
        {
            final char c = part.charAt(i);
            valid = isAsciiLetter(c) || isDigit(c) || '_' == c || '.' == c || '-' == c || '/' == c;
        }
        if (!valid)
        {
            throw new IllegalArgumentException("bad tag '" + tag + "': keys and values take letters, digits and " +
                "_ . - / only");
        }
    }

    private static boolean isHostName(final String host)
    {
        if (host.isEmpty() || host.length() > MAX_HOST_LENGTH)
        {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            if ('.' == c)
            {
                if (0 == labelLength || '-' == host.charAt(i - 1))
                {
                    return false;
                }
                labelLength = 0;
                continue;
            }
            if (!isAsciiLetter(c) && !isDigit(c) && !('-' == c && labelLength > 0))
            {
                return false;
            }
            if (++labelLength > MAX_LABEL_LENGTH)
            {
                return false;
            }
        }
        return labelLength > 0 && '-' != host.charAt(host.length() - 1);
    }

    private static boolean isIpv6Literal(final String host)
    {
        if (host.indexOf(':') < 0)
        {
            return false;
        }
        final int scope = host.indexOf('%');
        final int end = scope < 0 ? host.length() : scope;
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            final boolean valid = i < end ?
                isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || ':' == c || '.' == c :
                i == end || isAsciiLetter(c) || isDigit(c);
            if (!valid)
            {
                return false;
            }
        }
        return end < host.length() - 1 || scope < 0;
    }

    private static boolean isAsciiLetter(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    /**
     * Mutable collector of settings; {@link #build()} validates.
     */
    public static final class Builder
    {
        private InetSocketAddress bind;
        private String namespace = DEFAULT_NAMESPACE;
        private String statsdHost;
        private int statsdPort = DEFAULT_STATSD_PORT;
        private String statsdPrefix = DEFAULT_NAMESPACE;
        private StatsdTagsFormat statsdTagsFormat = StatsdTagsFormat.NONE;
        private final Map<String, String> statsdTags = new LinkedHashMap<>();
        private long statsdIntervalMs = DEFAULT_STATSD_INTERVAL_MS;

        private Builder()
        {
        }

        /**
         * @param bind address of the Prometheus endpoint (port 0 picks a free one), or null for none.
         * @return this.
         */
        public Builder bind(final InetSocketAddress bind)
        {
            this.bind = bind;
            return this;
        }

        /**
         * @param namespace Prometheus metric name prefix; empty for none.
         * @return this.
         */
        public Builder namespace(final String namespace)
        {
            this.namespace = namespace;
            return this;
        }

        /**
         * @param host statsd host (name or IP, no port), or null for no statsd.
         * @return this.
         */
        public Builder statsdHost(final String host)
        {
            this.statsdHost = host;
            return this;
        }

        /**
         * @param port statsd UDP port.
         * @return this.
         */
        public Builder statsdPort(final int port)
        {
            this.statsdPort = port;
            return this;
        }

        /**
         * @param prefix statsd metric name prefix; empty for none.
         * @return this.
         */
        public Builder statsdPrefix(final String prefix)
        {
            this.statsdPrefix = prefix;
            return this;
        }

        /**
         * @param format how statsd tags are written.
         * @return this.
         */
        public Builder statsdTagsFormat(final StatsdTagsFormat format)
        {
            this.statsdTagsFormat = format;
            return this;
        }

        /**
         * @param key   tag key.
         * @param value tag value.
         * @return this.
         * @throws IllegalArgumentException when the key was already given.
         */
        public Builder statsdTag(final String key, final String value)
        {
            if (null != statsdTags.putIfAbsent(key, value))
            {
                throw new IllegalArgumentException("statsd tag '" + key + "' given twice");
            }
            return this;
        }

        /**
         * @param ms interval between two statsd reports.
         * @return this.
         */
        public Builder statsdIntervalMs(final long ms)
        {
            this.statsdIntervalMs = ms;
            return this;
        }

        /**
         * @return the validated configuration.
         * @throws IllegalArgumentException naming the first bad value.
         */
        public StatsConfig build()
        {
            final HostPort statsd = null == statsdHost ? null : new HostPort(checkStatsdHost(statsdHost), statsdPort);
            return new StatsConfig(bind, namespace, statsd, statsdPrefix, statsdTagsFormat, statsdTags,
                statsdIntervalMs);
        }
    }
}
