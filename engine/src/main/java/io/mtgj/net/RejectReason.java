package io.mtgj.net;

/**
 * Why a connection was refused before its handshake; bounded, for counters.
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
    HANDSHAKE_LIMIT
}
