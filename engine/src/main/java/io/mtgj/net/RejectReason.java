package io.mtgj.net;

/**
 * Why a connection was refused before its handshake; bounded, for counters. No limit is configurable yet, so every
 * count is 0: the counter exists so dashboards and alerts can be built before the limits are.
 */
public enum RejectReason
{
    /** Too many client connections open at once. */
    CONNECTION_LIMIT
}
