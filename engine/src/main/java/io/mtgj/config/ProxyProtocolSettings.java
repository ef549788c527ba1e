package io.mtgj.config;

import io.mtgj.access.CidrSet;

import java.util.List;

/**
 * The listener behind a load balancer that speaks the PROXY protocol ({@code --proxy-protocol}): every connection
 * must start with a v1 or v2 header, and the client it names is the client everywhere (access lists, per-IP limits,
 * logs). Only peers in {@code from} may send one; with none given, any peer may.
 *
 * @param enabled         whether every connection must start with a header.
 * @param from            networks of the load balancers allowed to connect ({@code --proxy-protocol-from}); empty
 *                        for any.
 * @param headerTimeoutMs how long a connection has to send its whole header, before the handshake timeout starts.
 */
public record ProxyProtocolSettings(boolean enabled, List<String> from, long headerTimeoutMs)
{
    /**
     * Long enough for a TCP retransmit of the header (the spec asks for at least 3 s), short enough that a stray
     * connection to the load balancer's port holds nothing for long.
     */
    public static final long DEFAULT_HEADER_TIMEOUT_MS = 5_000;

    /** No PROXY protocol: clients connect directly. */
    public static final ProxyProtocolSettings OFF = new ProxyProtocolSettings(false, List.of(),
        DEFAULT_HEADER_TIMEOUT_MS);

    /**
     * @throws IllegalArgumentException naming a network that does not parse, load balancers named while the
     *                                  PROXY protocol is off, or a timeout that is not positive.
     */
    public ProxyProtocolSettings
    {
        from = List.copyOf(from);
        CidrSet.parse(from);
        if (!enabled && !from.isEmpty())
        {
            throw new IllegalArgumentException("--proxy-protocol-from needs --proxy-protocol: it names the load " +
                "balancers allowed to send PROXY protocol headers, and without --proxy-protocol none are read");
        }
        if (headerTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("bad PROXY protocol header timeout " + headerTimeoutMs +
                "ms: expected more than 0");
        }
    }

    /**
     * @return the load balancers' networks as a set; empty for any peer.
     */
    public CidrSet trusted()
    {
        return CidrSet.parse(from);
    }
}
