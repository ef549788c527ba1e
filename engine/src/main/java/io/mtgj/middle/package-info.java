/**
 * Promoted-channel mode, whole: Telegram's middle-proxy list and proxy secret (fetched and refreshed), the pools of
 * long-lived RPC connections each reactor keeps to the middle proxies, and the clients multiplexed over them. The RPC
 * codec is below, in {@code io.mtgj.middle.rpc}. The reactor knows none of it: this package implements
 * {@link io.mtgj.net.SharedUpstream} and uses only what {@link io.mtgj.net.ReactorServices} lends it.
 */
package io.mtgj.middle;
