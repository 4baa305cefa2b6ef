package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;

import japicmp.cmp.JApiCmpArchive;
import japicmp.cmp.JarArchiveComparator;
import japicmp.cmp.JarArchiveComparatorOptions;
import japicmp.model.JApiClass;
import japicmp.model.JApiCompatibilityChange;
import japicmp.model.JApiCompatibilityChangeType;
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
import javassist.CtNewMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build compares this module's jar with the recorded API baseline (japicmp-maven-plugin, breaking the build on
 * binary and source incompatible changes). These tests change a copy of that baseline the way a careless edit would
 * and check that the comparison reports the break, so the check in the build is known to bite.
 */
class ApiCompatibilityCheckTest {

    @TempDir
    Path dir;

    @Test
    void unchangedApiHasNoIncompatibility() {
        Path baseline = baseline();

        assertThat(incompatibilities(baseline, baseline)).isEmpty();
    }

    @Test
    void removedPublicMethodIsReportedAsBinaryBreak() {
        Path baseline = baseline();
        Path changed = copyWithClassChanged(
                baseline,
                "dev.taskdrivers.api.DriverException",
                type -> type.removeMethod(type.getDeclaredMethod("isRecoverable")));

        assertThat(incompatibilities(baseline, changed))
                .contains("dev.taskdrivers.api.DriverException.isRecoverable: METHOD_REMOVED (binary)");
    }

    @Test
    void newAbstractInterfaceMethodIsReportedAsSourceBreak() {
        Path baseline = baseline();
        Path changed = copyWithClassChanged(
                baseline,
                "dev.taskdrivers.api.Driver",
                type -> type.addMethod(CtNewMethod.make("public abstract void drainEverything();", type)));

        assertThat(incompatibilities(baseline, changed))
                .anyMatch(change -> change.startsWith("dev.taskdrivers.api.Driver.drainEverything: ")
                        && change.endsWith("(source)"));
    }

    /** The jar that scripts/api-baseline.sh recorded for this module. */
    private static Path baseline() {
        try (Stream<Path> jars = Files.list(Path.of("..", "api-baseline"))) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches("driver-api-.*\\.jar"))
                    .toList();
            assertThat(found).as("one driver-api baseline jar in api-baseline/").hasSize(1);
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each change that breaks callers, as "class.member: TYPE (binary|source)". */
    private static List<String> incompatibilities(Path oldJar, Path newJar) {
        JarArchiveComparator comparator = new JarArchiveComparator(new JarArchiveComparatorOptions());
        List<JApiClass> classes = comparator.compare(
                new JApiCmpArchive(oldJar.toFile(), "baseline"), new JApiCmpArchive(newJar.toFile(), "changed"));
        List<String> found = new ArrayList<>();
        for (JApiClass type : classes) {
            describe(type.getFullyQualifiedName(), type.getCompatibilityChanges(), found);
            for (JApiMethod method : type.getMethods()) {
                describe(
                        type.getFullyQualifiedName() + "." + method.getName(), method.getCompatibilityChanges(), found);
            }
        }
        return found;
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
