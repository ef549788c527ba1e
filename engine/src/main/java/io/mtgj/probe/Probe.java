package io.mtgj.probe;

/**
 * What one probe sends on a fresh connection.
 *
 * @param kind      which probe.
 * @param bytes     sent right after connecting (may be empty).
 * @param halfClose whether to shut the output after them; else the probe waits with it open.
 */
public record Probe(ProbeKind kind, byte[] bytes, boolean halfClose)
{
}
