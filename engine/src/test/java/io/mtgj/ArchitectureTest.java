package io.mtgj;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Dependencies point one way (style.md 3): protocol codecs never reach the reactor or sockets.
 */
@Timeout(60)
class ArchitectureTest
{
    private static final String[] CODECS =
    {
        "io.mtgj.crypto..", "io.mtgj.obfuscated2..", "io.mtgj.transport..", "io.mtgj.secret..", "io.mtgj.config..",
        "io.mtgj.faketls..", "io.mtgj.antireplay..",
    };

    private final JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.mtgj");

    @Test
    void shouldKeepCodecsAwayFromTheReactorAndSockets()
    {
        noClasses().that().resideInAnyPackage(CODECS)
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepTheAntiReplayCacheOffTheNetwork()
    {
        noClasses().that().resideInAPackage("io.mtgj.antireplay..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.clock..", "java.net..")
            .check(classes);
    }

    @Test
    void shouldKeepTheClockCheckAwayFromTheReactor()
    {
        noClasses().that().resideInAPackage("io.mtgj.clock..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepStatsAwayFromTheReactor()
    {
        noClasses().that().resideInAPackage("io.mtgj.stats..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.net..", "io.mtgj.mode..",
                "io.mtgj.telegram..", "io.mtgj.cloak..", "java.nio.channels..")
            .check(classes);
    }

    @Test
    void shouldKeepTheReactorFreeOfConcreteModesAndUpstreams()
    {
        noClasses().that().resideInAPackage("io.mtgj.net..")
            .should().dependOnClassesThat().resideInAnyPackage("io.mtgj.mode..", "io.mtgj.telegram..",
                "io.mtgj.obfuscated2..")
            .check(classes);
    }
}
