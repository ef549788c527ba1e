package io.mtgj.config;

/**
 * How the proxy gets its listening socket, which decides how a new process can take over from a running one.
 */
public enum Listening
{
    /**
     * Bind its own: an address another process holds fails at start as "address in use", so two proxies never
     * share clients by mistake.
     */
    BIND,
    /**
     * Bind with {@code SO_REUSEPORT} ({@code --reuse-port}): a second proxy started the same way on the same address
     * shares it, the kernel spreading new connections over both, so the old one can stop accepting and drain while
     * the new one serves. Linux moves the connections still queued on a closing socket to the others only with
     * {@code net.ipv4.tcp_migrate_req=1} (Linux 5.14 and later); without it the few queued at that moment are reset.
     */
    REUSE_PORT,
    /**
     * Use the listening socket inherited on standard input (systemd socket activation with
     * {@code StandardInput=socket}): systemd holds it, so connections wait in its queue while one process stops
     * accepting and the next one starts, and none is refused.
     */
    INHERITED
}
