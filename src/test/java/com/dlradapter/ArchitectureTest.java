package com.dlradapter;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages only look down (README, "Layout"): a package may use its own layer and the layers
 * below it, never one above, and no two packages depend on each other, however indirectly.
 */
@AnalyzeClasses(packages = "com.dlradapter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "com.dlradapter";

    /** The layers, bottom first; the last one, the wiring, also holds the root package (Application). */
    static final List<List<String>> LAYERS = List.of(
            List.of("canonical", "backoff"),                 // the canonical receipt; retry schedules
            List.of("mapping", "store", "security", "ops", "reload", "routes"),   // building blocks
            List.of("observe", "cluster", "http"),           // shared services
            List.of("health", "ingest", "polling", "routing"),   // the features
            List.of("api", "console"),                       // the admin API over the features, its console
            List.of("config"));                              // the wiring, and Application

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule packagesOnlyLookDown = CompositeArchRule.of(upwardImportRules());

    /** A new package gets a place in the layers (and a line in the README's package map). */
    @ArchTest
    static void everyPackageHasALayer(JavaClasses classes) {
        Set<String> layered = LAYERS.stream().flatMap(List::stream).collect(Collectors.toSet());
        Set<String> packages = classes.stream().map(JavaClass::getPackageName)
                .filter(name -> name.startsWith(ROOT + "."))
                .map(name -> name.substring(ROOT.length() + 1).split("\\.")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(layered).as("the packages of ArchitectureTest.LAYERS").containsAll(packages);
    }

    private static List<ArchRule> upwardImportRules() {
        List<ArchRule> rules = new ArrayList<>();
        for (int layer = 0; layer < LAYERS.size() - 1; layer++) {
            List<String> above = new ArrayList<>();
            LAYERS.subList(layer + 1, LAYERS.size()).forEach(higher -> higher.forEach(name -> above.add(ROOT + "." + name + "..")));
            above.add(ROOT);   // Application
            rules.add(noClasses().that().resideInAnyPackage(packages(LAYERS.get(layer)))
                    .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                    .as("packages " + LAYERS.get(layer) + " do not use a layer above theirs"));
        }
        return rules;
    }

    private static String[] packages(List<String> names) {
        return names.stream().map(name -> ROOT + "." + name + "..").toArray(String[]::new);
    }
}
