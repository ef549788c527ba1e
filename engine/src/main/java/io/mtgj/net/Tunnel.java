package io.mtgj.net;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.net.InetSocketAddress;

/**
 * One attempt to reach a target through a relay: the exchange that runs after the TCP connection to the relay and
 * before the first relayed byte, as pure steps over buffers ({@link TunnelConnector} moves the bytes). The attempt
 * counts and logs its own outcome, once.
 */
public interface Tunnel
{
    /** {@link #onBytes}: the relay's answer is not all in yet. */
    int NEED_MORE = 0;
    /** {@link #onBytes}: the tunnel stands; from the next byte on, the socket carries the target's stream. */
    int READY = -1;
    /** {@link #onBytes}: the attempt failed; it was counted and logged. */
    int FAILED = -2;

    /** {@link #onBroken}: the TCP connection to the relay could not be made. */
    int BROKEN_CONNECT = 1;
    /** {@link #onBroken}: the relay closed or reset the connection during the exchange. */
    int BROKEN_CLOSED = 2;
    /** {@link #onBroken}: the dial timeout passed during the exchange. */
    int BROKEN_TIMEOUT = 3;

    /**
     * @return the relay's address to connect to, or null when it is not known (its name never resolved): then the
     *         caller reports {@link #BROKEN_CONNECT}.
     */
    InetSocketAddress relay();

    /**
     * @param out room for the first message, at least {@link TunnelConnector#CAPACITY} bytes.
     * @return bytes of the first message, written at index 0.
     */
    int start(MutableDirectBuffer out);

    /**
     * @param in     what the relay sent since the last message, from index 0.
     * @param length its length.
     * @param out    where the next message goes, at index 0.
     * @return the length of the next message (then {@code in} is consumed), {@link #NEED_MORE}, {@link #READY} or
     *         {@link #FAILED}.
     */
    int onBytes(DirectBuffer in, int length, MutableDirectBuffer out);

    /**
     * The attempt failed outside the exchange's bytes: count and log it.
     *
     * @param cause  one of the {@code BROKEN_*} constants.
     * @param detail for the log: the socket error, or null.
     */
    void onBroken(int cause, String detail);

    /**
     * @return once {@link #READY}: the address the target sees the connection come from, as the relay reported it;
     *         null when it reported none (an all-zero address, or a name).
     */
    InetSocketAddress bound();

    /**
     * @return the relay, as {@code host:port} without credentials, for logs.
     */
    String name();
}
