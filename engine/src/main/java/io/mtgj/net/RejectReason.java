package io.mtgj.net;

/**
 * Why a connection was refused before its handshake; bounded, for counters.
 */
public enum RejectReason
{
    /** {@code --max-connections} client connections were open: closed as it was accepted. */
    CONNECTION_LIMIT
}
