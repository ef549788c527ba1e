package io.mtgj.net;

/**
 * Why a handshake was refused; bounded, for counters and logs.
 */
public enum HandshakeFailure
{
    /** Another secret, another mode's transport, or garbage. */
    NOT_OURS,
    /** A handshake seen before: a replay attack. */
    REPLAY,
    /** FakeTLS: the stream does not start with a TLS handshake record. */
    NOT_TLS,
    /** FakeTLS: TLS, but not a ClientHello we accept, or records that are not a client's. */
    MALFORMED,
    /** FakeTLS: the SNI is not the secret's host. */
    BAD_SNI,
    /** FakeTLS: the HMAC does not match the secret. */
    BAD_DIGEST,
    /** FakeTLS: the timestamp is outside the tolerated skew. */
    BAD_TIME,
    /** The client stopped before completing its handshake (end of stream or timeout). */
    INCOMPLETE,
    /** The client's address is denied and {@code --cloak-denied} fronts it instead of a reset. */
    DENIED
}
