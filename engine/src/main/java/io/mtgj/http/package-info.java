/**
 * The proxy's few HTTP(S) fetches (Telegram's middle-proxy lists, doctor's checks): bounded in time and size.
 */
package io.mtgj.http;
