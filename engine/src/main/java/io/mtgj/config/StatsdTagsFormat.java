package io.mtgj.config;

/**
 * How tags are written into statsd lines: the plain protocol has none, and two extensions put them in different
 * places of the line.
 */
public enum StatsdTagsFormat
{
    /** Plain statsd: tags are dropped. */
    NONE("none"),
    /** Telegraf's statsd input (InfluxDB): {@code name,key=value:12|g}. */
    INFLUXDB("influxdb"),
    /** DogStatsD: {@code name:12|g|#key:value}. */
    DATADOG("datadog");

    private final String cliName;

    StatsdTagsFormat(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the command-line name.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * @param name command-line name.
     * @return the format.
     * @throws IllegalArgumentException naming the value when unknown.
     */
    public static StatsdTagsFormat fromCliName(final String name)
    {
        for (final StatsdTagsFormat format : values())
        {
            if (format.cliName.equals(name))
            {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown tags format '" + name + "' (expected none, influxdb or datadog)");
    }
}
