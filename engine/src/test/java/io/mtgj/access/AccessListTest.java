package io.mtgj.access;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class AccessListTest
{
    @TempDir
    Path dir;

    private static InetAddress ip(final String text) throws Exception
    {
        return InetAddress.getByName(text);
    }

    @Test
    void shouldAllowOnlyTheAllowedAndNeverTheDenied() throws Exception
    {
        final AccessList list = new AccessList(List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.9.0.0/16"),
            List.of());
        assertFalse(list.isDenied(ip("10.1.2.3")));
        assertTrue(list.isDenied(ip("10.9.1.1")), "deny wins over allow");
        assertTrue(list.isDenied(ip("192.0.2.1")), "not in the allow list");
        assertFalse(list.isDenied(ip("2001:db8::5")));
        assertTrue(new AccessList(List.of(), List.of(), List.of()).isOpen());
        assertFalse(new AccessList(List.of(), List.of(), List.of()).isDenied(ip("192.0.2.1")));
    }

    @Test
    void shouldReloadABlockListWhenItChangesAndKeepTheLastGoodOne() throws Exception
    {
        final Path file = dir.resolve("blocklist.txt");
        Files.writeString(file, "# scanners\n198.51.100.0/24\n\n203.0.113.7 # one host\n");
        final AccessList list = new AccessList(List.of(), List.of(), List.of(file));
        assertTrue(list.isDenied(ip("198.51.100.200")));
        assertTrue(list.isDenied(ip("203.0.113.7")));
        assertFalse(list.isDenied(ip("203.0.113.8")));
        assertFalse(list.reload(), "nothing changed");

        Files.writeString(file, "203.0.113.0/24\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertTrue(list.reload());
        assertFalse(list.isDenied(ip("198.51.100.200")));
        assertTrue(list.isDenied(ip("203.0.113.8")));

        Files.writeString(file, "not a network\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertFalse(list.reload(), "a broken file is refused as a whole");
        assertTrue(list.isDenied(ip("203.0.113.8")), "the last good contents stay");
    }

    @Test
    void shouldRefuseBadNetworksAndMissingFilesAtStart()
    {
        assertThrows(IllegalArgumentException.class, () -> new AccessList(List.of("10/8x"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
            () -> new AccessList(List.of(), List.of(), List.of(dir.resolve("missing.txt"))));
    }
}
