package io.mtgj.proxyprotocol;

/**
 * Why bytes are not a valid PROXY protocol header; bounded, for logs.
 */
public enum HeaderError
{
    /** Neither the v1 text ({@code PROXY }) nor the v2 signature: no header was sent. */
    NO_HEADER,
    /** v2: the version nibble is not 2. */
    BAD_VERSION,
    /** v2: the command is neither LOCAL nor PROXY. */
    BAD_COMMAND,
    /** v2: an address family or transport byte the spec does not define. */
    BAD_FAMILY,
    /** A client that is not TCP over IPv4 or IPv6 (UNIX sockets, UDP): nothing this listener can serve. */
    UNSUPPORTED_FAMILY,
    /** v1: no CRLF within 107 bytes; v2: a declared length past the decoder's bound. */
    TOO_LONG,
    /** v1: the line does not follow the grammar (spaces, protocol name, field count, a lone CR or LF). */
    BAD_LINE,
    /** An address that does not parse. */
    BAD_ADDRESS,
    /** v1: an address of the other family than the line declares (an IPv6 address after TCP4, or the reverse). */
    FAMILY_MISMATCH,
    /** v1: a port that is not a decimal 0..65535 without leading zeros. */
    BAD_PORT,
    /** v2: the declared length is too short for the addresses, or a TLV runs past the header's end. */
    BAD_LENGTH
}
