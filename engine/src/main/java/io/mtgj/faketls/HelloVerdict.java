package io.mtgj.faketls;

/**
 * The outcome of checking a ClientHello. Everything but {@link #OK} means: not our client, front it.
 */
public enum HelloVerdict
{
    /** A client of this secret. */
    OK,
    /** The first byte is not a TLS handshake record. */
    NOT_TLS,
    /** TLS, but not a well-formed ClientHello (or one larger than we accept). */
    MALFORMED,
    /** The SNI does not name the secret's host. */
    BAD_SNI,
    /** The HMAC in the random does not match: another secret, or no secret at all. */
    BAD_DIGEST,
    /** The embedded timestamp is outside the tolerated clock skew. */
    BAD_TIME
}
