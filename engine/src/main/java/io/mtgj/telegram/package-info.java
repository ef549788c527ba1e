/**
 * Telegram's side: DC address tables and, later, the middle-proxy client. Knows nothing of the reactor.
 */
package io.mtgj.telegram;
