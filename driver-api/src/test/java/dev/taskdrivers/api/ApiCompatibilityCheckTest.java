package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.model.JApiChangeStatus;
import japicmp.model.JApiClass;
import japicmp.model.JApiCompatibilityChange;
import japicmp.model.JApiCompatibilityChangeType;
import japicmp.model.JApiField;
import japicmp.model.JApiMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javassist.ClassPool;
import javassist.CtClass;
import javassist.CtField;
import javassist.CtNewMethod;
import javassist.Modifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The build compares each API module's jar with its recorded baseline in {@code api-baseline/} (japicmp-maven-plugin,
 * breaking the build on binary and source incompatible changes). These tests change a copy of a baseline the way a
 * careless edit would and check that the comparison reports the break, so the check in the build is known to bite;
 * and that the changes the APIs promise to stay free to make (a new enum constant) are not reported.
 */
class ApiCompatibilityCheckTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"driver-api", "service-registry-api", "template-api"})
    void unchangedApiHasNoIncompatibility(String module) {
        Path baseline = baseline(module);

        assertThat(incompatibilities(baseline, baseline)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "driver-api, dev.taskdrivers.api.DriverException, isRecoverable",
        "template-api, dev.taskdrivers.templates.TemplateQuery, describe"
    })
    void removedPublicMethodIsReportedAsBinaryBreak(String module, String className, String method) {
        Path baseline = baseline(module);
        Path changed =
                copyWithClassChanged(baseline, className, type -> type.removeMethod(type.getDeclaredMethod(method)));

        assertThat(incompatibilities(baseline, changed))
                .contains(className + "." + method + ": METHOD_REMOVED (binary)");
    }

    @ParameterizedTest
    @CsvSource({"driver-api, dev.taskdrivers.api.Driver", "template-api, dev.taskdrivers.templates.TemplateDataSource"})
    void newAbstractInterfaceMethodIsReportedAsSourceBreak(String module, String interfaceName) {
        Path baseline = baseline(module);
        Path changed = copyWithClassChanged(
                baseline,
                interfaceName,
                type -> type.addMethod(CtNewMethod.make("public abstract void drainEverything();", type)));

        assertThat(incompatibilities(baseline, changed))
                .anyMatch(change ->
                        change.startsWith(interfaceName + ".drainEverything: ") && change.endsWith("(source)"));
    }

    /** Template data sources answer kinds they do not know as unsupported, so a new kind breaks nobody. */
    @Test
    void newTemplateQueryKindIsCompatible() {
        Path baseline = baseline("template-api");
        Path changed = copyWithClassChanged(baseline, "dev.taskdrivers.templates.TemplateQuery$Kind", type -> {
            CtField constant = new CtField(type, "NEW_KIND", type);
            constant.setModifiers(Modifier.PUBLIC | Modifier.STATIC | Modifier.FINAL | Modifier.ENUM);
            type.addField(constant);
        });

        assertThat(incompatibilities(baseline, changed)).isEmpty();
        assertThat(compare(baseline, changed))
                .filteredOn(type -> type.getFullyQualifiedName().equals("dev.taskdrivers.templates.TemplateQuery$Kind"))
                .flatExtracting(JApiClass::getFields)
                .filteredOn(field -> field.getName().equals("NEW_KIND"))
                .extracting(JApiField::getChangeStatus)
                .as("the comparison sees the new constant")
                .containsExactly(JApiChangeStatus.NEW);
    }

    /** The jar that scripts/api-baseline.sh recorded for {@code module}. */
    private static Path baseline(String module) {
        try (Stream<Path> jars = Files.list(Path.of("..", "api-baseline"))) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
                    .toList();
            assertThat(found)
                    .as("one " + module + " baseline jar in api-baseline/")
                    .hasSize(1);
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each change that breaks callers, as "class.member: TYPE (binary|source)". */
    private static List<String> incompatibilities(Path oldJar, Path newJar) {
        List<String> found = new ArrayList<>();
        for (JApiClass type : compare(oldJar, newJar)) {
            describe(type.getFullyQualifiedName(), type.getCompatibilityChanges(), found);
            for (JApiMethod method : type.getMethods()) {
                describe(
                        type.getFullyQualifiedName() + "." + method.getName(), method.getCompatibilityChanges(), found);
            }
        }
        return found;
    }

    private static List<JApiClass> compare(Path oldJar, Path newJar) {
        JarArchiveComparator comparator = new JarArchiveComparator(new JarArchiveComparatorOptions());
        return comparator.compare(
                new JApiCmpArchive(oldJar.toFile(), "baseline"), new JApiCmpArchive(newJar.toFile(), "changed"));
    }

    private static void describe(String element, List<JApiCompatibilityChange> changes, List<String> into) {
        for (JApiCompatibilityChange change : changes) {
            JApiCompatibilityChangeType type = change.getType();
            if (!change.isBinaryCompatible()) {
                into.add(element + ": " + type + " (binary)");
            } else if (!change.isSourceCompatible()) {
                into.add(element + ": " + type + " (source)");
            }
        }
    }

    private Path copyWithClassChanged(Path jar, String className, ClassChange change) {
        String entryName = className.replace('.', '/') + ".class";
        Path copy = dir.resolve("changed.jar");
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = Files.newOutputStream(copy);
                ZipOutputStream out = new ZipOutputStream(file)) {
            boolean changed = false;
            for (ZipEntry entry : in.stream().toList()) {
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                if (entry.getName().equals(entryName)) {
                    CtClass type = ClassPool.getDefault().makeClass(new ByteArrayInputStream(bytes));
                    change.apply(type);
                    bytes = type.toBytecode();
                    type.detach();
                    changed = true;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
            assertThat(changed).as(entryName + " in the baseline").isTrue();
        } catch (IOException | javassist.CannotCompileException | javassist.NotFoundException e) {
            throw new IllegalStateException(e);
        }
        return copy;
    }

    /** An edit of one class of the API, as a careless change to the source would make it. */
    private interface ClassChange {
        void apply(CtClass type) throws javassist.CannotCompileException, javassist.NotFoundException;
    }
}
