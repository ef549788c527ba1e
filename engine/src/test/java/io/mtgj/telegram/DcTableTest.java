package io.mtgj.telegram;

import io.mtgj.config.PreferIp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@Timeout(5)
class DcTableTest
{
    @Test
    void shouldMapSignedUnsetAndUnknownDcs()
    {
        final DcTable table = DcTable.create(PreferIp.IPV6, Map.of());
        assertEquals(4, table.resolve((short)4));
        assertEquals(4, table.resolve((short)-4));
        assertEquals(2, table.resolve((short)0));
        assertEquals(2, table.resolve((short)7));
        assertEquals(2, table.resolve((short)-10002));
        assertEquals(203, table.resolve((short)203));
    }

    @Test
    void shouldOrderFamiliesByPreference()
    {
        final List<InetSocketAddress> v6First = DcTable.create(PreferIp.IPV6, Map.of()).addresses(1);
        assertInstanceOf(Inet6Address.class, v6First.get(0).getAddress());
        assertInstanceOf(Inet4Address.class, v6First.get(1).getAddress());
        final List<InetSocketAddress> v4First = DcTable.create(PreferIp.IPV4, Map.of()).addresses(1);
        assertEquals("149.154.175.50", v4First.get(0).getAddress().getHostAddress());
        assertEquals(443, v4First.get(0).getPort());
        assertEquals(1, DcTable.create(PreferIp.ONLY_IPV4, Map.of()).addresses(5).size());
        assertEquals(1, DcTable.create(PreferIp.ONLY_IPV6, Map.of()).addresses(5).size());
    }

    @Test
    void shouldLetOverridesReplaceAndAddDcs()
    {
        final InetSocketAddress fake = new InetSocketAddress("127.0.0.1", 9999);
        final DcTable table = DcTable.create(PreferIp.IPV6, Map.of(2, List.of(fake), 77, List.of(fake)));
        assertEquals(List.of(fake), table.addresses(2));
        assertEquals(77, table.resolve((short)-77));
        assertEquals(List.of(fake), table.addresses(table.resolve((short)0)));
    }
}
