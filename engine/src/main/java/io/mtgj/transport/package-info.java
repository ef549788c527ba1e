/**
 * Client transports (abridged, intermediate, padded intermediate): tags and packet boundaries only. No sockets,
 * no crypto.
 */
package io.mtgj.transport;
