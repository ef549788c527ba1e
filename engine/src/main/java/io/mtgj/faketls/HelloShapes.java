package io.mtgj.faketls;

/**
 * Where a FakeTLS answer finds the shape of the real answer of the host a ClientHello names. Read on reactor threads
 * for every answer: implementations hand out immutable shapes without locks or allocation.
 */
@FunctionalInterface
public interface HelloShapes
{
    /** Nothing learned: every answer has the built-in shape. */
    HelloShapes NONE = host -> null;

    /**
     * @param host the hostname the client's SNI named, that of the secret it proved.
     * @return the shape to copy, or null for the built-in one.
     */
    ServerHelloShape forHost(String host);
}
