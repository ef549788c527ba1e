package io.mtgj.proxyprotocol;

/**
 * What the first bytes of a connection are, as far as the PROXY protocol goes.
 */
public enum HeaderStatus
{
    /** A valid start of a header, not complete yet. */
    NEED_MORE,
    /** A complete header naming the client (v1 TCP4/TCP6, v2 PROXY over TCP/IPv4 or TCP/IPv6). */
    PROXY,
    /**
     * A complete header that names no client (v1 UNKNOWN, v2 PROXY with an unspecified family): the spec says to
     * go on with the connection's own addresses.
     */
    UNKNOWN,
    /** A complete v2 LOCAL header: the load balancer speaking for itself, typically a health check. */
    LOCAL,
    /** Not a valid header; {@link ProxyHeaderDecoder#error()} says why. */
    INVALID
}
