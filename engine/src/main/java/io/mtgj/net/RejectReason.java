package io.mtgj.net;

/**
 * Why a connection was refused before its handshake, or, for the limits of named users, as it completed; bounded,
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
    /** Named users: the user's {@code max-connections} were open. */
    USER_CONNECTION_LIMIT,
    /** Named users: the user used up its traffic quota for the period. */
    USER_QUOTA,
    /** Named users: the user's {@code expires} date has passed. */
    USER_EXPIRED,
    /** Named users: the user was removed from the secrets file just as the client proved its secret. */
    USER_REMOVED
}
