/**
 * The engine's public entry: {@link io.mtgj.Proxy}.
 */
package io.mtgj;
