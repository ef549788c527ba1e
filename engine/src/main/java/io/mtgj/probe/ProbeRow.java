package io.mtgj.probe;

import java.util.List;

/**
 * One probe's result: what the proxy did, what the cloak host did, and what differs.
 *
 * @param kind        the probe.
 * @param proxy       the proxy's answer.
 * @param reference   the cloak host's answer to the same bytes, or null when there is no cloak host to compare
 *                    with (a simple or secured secret): then the proxy is held to silence.
 * @param differences what a prober can tell apart, for people; empty when nothing.
 */
public record ProbeRow(ProbeKind kind, Observation proxy, Observation reference, List<String> differences)
{
    /**
     * @return whether this row makes the proxy distinguishable: something differs and the probe counts.
     */
    public boolean isTell()
    {
        return kind.isCounted() && !differences.isEmpty();
    }
}
