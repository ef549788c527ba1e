package io.mtgj.net;

/**
 * Why a connection was refused before its handshake (behind a PROXY protocol load balancer: once its header named
 * the client), by the unknown-SNI policy on its hello, or, for the limits of named users, as it completed; bounded,
 * for counters.
 */
public enum RejectReason
{
    /** {@code --max-connections} client connections were open: closed as it was accepted. */
    CONNECTION_LIMIT,
    /** The client's address is not allowed ({@code --allow-cidr}, {@code --deny-cidr}, {@code --blocklist}). */
    ACCESS_LIST,
    /** {@code --max-connections-per-ip} connections from that address were open. */
    PER_IP_LIMIT,
    /** {@code --max-handshakes} unauthenticated connections were open: the oldest of them was dropped. */
    HANDSHAKE_LIMIT,
    /**
     * {@code --proxy-protocol}: the connection came from a peer outside {@code --proxy-protocol-from}, or its PROXY
     * protocol header was missing, malformed or not complete within the header timeout. Reset, never fronted.
     */
    PROXY_PROTOCOL,
    /**
     * FakeTLS, {@code --unknown-sni reset}: a well-formed ClientHello named no secret's host (also counted as the
     * handshake failure {@code bad_sni}); reset instead of fronted.
     */
    UNKNOWN_SNI,
    /** Named users: the user's {@code max-connections} were open. */
    USER_CONNECTION_LIMIT,
    /** Named users: the user used up its traffic quota for the period. */
    USER_QUOTA,
    /** Named users: the user's {@code expires} date has passed. */
    USER_EXPIRED,
    /** Named users: the user was removed from the secrets file just as the client proved its secret. */
    USER_REMOVED
}
