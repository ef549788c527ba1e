/**
 * Promoted-channel mode's directory: fetching and refreshing Telegram's middle-proxy list and proxy secret. The RPC
 * bytes are in {@code io.mtgj.rpc}; the shared connections live in the reactor ({@code io.mtgj.net}).
 */
package io.mtgj.telegram.middle;
