/**
 * Cryptographic primitives over JCE: AES-CTR streams, hashing, in-place transcoding. No sockets, no pools.
 */
package io.mtgj.crypto;
