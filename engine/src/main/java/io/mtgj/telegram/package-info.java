/**
 * Direct mode's side of Telegram: the DC address tables and the upstream that dials them. Promoted-channel mode (the
 * middle proxies) lives in {@code io.mtgj.middle}. Knows nothing of the reactor.
 */
package io.mtgj.telegram;
