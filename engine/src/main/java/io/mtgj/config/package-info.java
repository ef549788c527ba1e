/**
 * Configuration: the immutable, validated {@link io.mtgj.config.ProxyConfig} and the parsers for sizes, durations
 * and addresses it is built from. No I/O except resolving addresses at start-up.
 */
package io.mtgj.config;
