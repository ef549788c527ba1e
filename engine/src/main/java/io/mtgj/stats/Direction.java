package io.mtgj.stats;

/**
 * Direction of traffic as seen from the proxy, a bounded label value: mtg's {@code traffic.ingress} and
 * {@code traffic.egress}.
 */
public enum Direction
{
    /** Bytes read by the proxy from a socket. */
    INGRESS("ingress"),
    /** Bytes written by the proxy to a socket. */
    EGRESS("egress");

    private final String label;

    Direction(final String label)
    {
        this.label = label;
    }

    /**
     * @return the label value.
     */
    public String label()
    {
        return label;
    }
}
