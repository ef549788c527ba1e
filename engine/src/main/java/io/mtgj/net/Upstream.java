package io.mtgj.net;

/**
 * The strategy for reaching Telegram (direct DC today, middle proxy later). Shared by every session of a proxy and
 * called on reactor threads during handshakes, so implementations must be thread-safe and must not block.
 */
public interface Upstream
{
    /**
     * @param client the accepted client.
     * @return the plan, or null when there is no route (e.g. the family policy excludes every address).
     */
    UpstreamPlan plan(HandshakeResult client);
}
