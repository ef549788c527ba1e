package io.mtgj.net;

/**
 * Why a session ended; one value per expected outcome, so counters and logs stay bounded.
 */
public enum CloseReason
{
    /** Both directions finished normally. */
    DONE,
    /** The client sent something that is not a handshake of this secret (wrong secret, tag, garbage). */
    BAD_HANDSHAKE,
    /** The client did not finish its handshake in time. */
    HANDSHAKE_TIMEOUT,
    /** No Telegram address could be dialed. */
    DIAL_FAILED,
    /** No traffic in either direction for the idle timeout. */
    IDLE_TIMEOUT,
    /** Bytes waited for a peer that accepted none of them for the stall timeout; their buffer went back at once. */
    STALLED,
    /** A socket error (reset, broken pipe). */
    IO_ERROR,
    /**
     * Promoted-channel mode: the client fell too far behind its answers, or its reactor's clients hold all the heap
     * they are allowed for queued answers.
     */
    SLOW_CLIENT,
    /** Promoted-channel mode: the client's large packet found no heap left to be gathered in. */
    OVERLOADED,
    /** An unexpected exception in a handler. */
    CRASH,
    /** The proxy is shutting down. */
    SHUTDOWN,
    /**
     * Named users: the client's user may not connect now (connection limit, quota or expiry). Behind a PROXY protocol
     * load balancer, also a client its header named that the access lists or the per-IP limit refuse.
     */
    REFUSED,
    /** {@code --proxy-protocol}: the connection's PROXY protocol header was missing, malformed or late; reset. */
    PROXY_HEADER,
    /**
     * {@code --proxy-protocol}: the load balancer's own connection (a v2 LOCAL header, or no byte before it hung up
     * or reset) or one that hung up or reset right after its header, sending nothing (HAProxy's v1 health checks);
     * closed cleanly, not a failure.
     */
    HEALTH_CHECK,
    /** Named users: the client's user was removed, expired or used up its quota while connected. */
    REVOKED
}
