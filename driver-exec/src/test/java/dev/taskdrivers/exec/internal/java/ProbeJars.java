package dev.taskdrivers.exec.internal.java;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A small Java program for the java driver's tests, compiled here with the JDK's compiler: {@code probe.Main} runs
 * what its first argument says (print its settings, exit with a code, wait for a signal, allocate memory...).
 */
public final class ProbeJars {
    /** The program's main class. */
    public static final String MAIN = "probe.Main";

    private static final String SOURCE = String.join(
            "\n",
            "package probe;",
            "import java.io.File;",
            "import java.util.ArrayList;",
            "import java.util.Arrays;",
            "import java.util.List;",
            "public class Main {",
            "  public static void main(String[] a) throws Exception {",
            "    String mode = a.length == 0 ? \"hello\" : a[0];",
            "    switch (mode) {",
            "      case \"hello\":",
            "        System.out.println(\"hello from java\");",
            "        return;",
            "      case \"report\":",
            "        System.out.println(\"foo=\" + System.getProperty(\"foo\"));",
            "        System.out.println(\"maxMemory=\" + Runtime.getRuntime().maxMemory());",
            "        System.out.println(\"args=\" + String.join(\",\", Arrays.asList(a).subList(1, a.length)));",
            "        System.out.println(\"user=\" + System.getProperty(\"user.name\"));",
            "        System.out.println(\"java.home=\" + System.getProperty(\"java.home\"));",
            "        System.out.println(\"class=\" + Main.class.getProtectionDomain().getCodeSource().getLocation());",
            "        return;",
            "      case \"exit\":",
            "        System.exit(Integer.parseInt(a[1]));",
            "      case \"env\":",
            "        System.exit(a[2].equals(System.getenv(a[1])) ? 0 : 1);",
            "      case \"sleep\":",
            "        System.out.println(\"sleeping\");",
            "        Thread.sleep(600_000);",
            "        return;",
            "      case \"ignore-term\":",
            "        sun.misc.Signal.handle(new sun.misc.Signal(\"TERM\"), sun.misc.SignalHandler.SIG_IGN);",
            "        touch(a[1]);",
            "        Thread.sleep(600_000);",
            "        return;",
            "      case \"on-signal\":",
            "        int code = Integer.parseInt(a[2]);",
            "        sun.misc.Signal.handle(new sun.misc.Signal(a[1].replaceFirst(\"^SIG\", \"\")),"
                    + " s -> Runtime.getRuntime().halt(code));",
            "        touch(a[3]);",
            "        Thread.sleep(600_000);",
            "        return;",
            "      case \"until-file\":",
            "        while (!new File(System.getenv(\"NOMAD_ALLOC_DIR\"), a[1]).exists()) Thread.sleep(50);",
            "        System.exit(Integer.parseInt(a[2]));",
            "      case \"file-holds\":",
            "        String held0 = new String(java.nio.file.Files.readAllBytes(new File(a[1]).toPath()), \"UTF-8\");",
            "        System.exit(held0.equals(a[2]) ? 0 : 1);",
            "      case \"write\":",
            "        try {",
            "          java.nio.file.Files.write(new File(a[1]).toPath(), \"written\".getBytes(\"UTF-8\"));",
            "        } catch (java.io.IOException e) {",
            "          System.exit(1);",
            "        }",
            "        System.exit(0);",
            "      case \"chatter\":",
            "        int lines = Integer.parseInt(a[1]);",
            "        for (int i = 1; i <= lines; i++) {",
            "          System.out.println(String.format(\"line %06d \", i) + \"x\".repeat(88));",
            "          if (i % 40 == 0) { System.out.flush(); Thread.sleep(10); }",
            "        }",
            "        System.out.flush();",
            "        Thread.sleep(600_000);",
            "        return;",
            "      case \"allocate\":",
            "        List<byte[]> held = new ArrayList<>();",
            "        for (int i = 0; i < Integer.parseInt(a[1]); i++) {",
            "          byte[] b = new byte[1 << 20];",
            "          Arrays.fill(b, (byte) 1);",
            "          held.add(b);",
            "        }",
            "        System.out.println(\"allocated \" + held.size() + \" MiB\");",
            "        return;",
            "      default:",
            "        System.err.println(\"unknown mode \" + mode);",
            "        System.exit(64);",
            "    }",
            "  }",
            "  static void touch(String name) throws Exception {",
            "    new File(System.getenv(\"NOMAD_ALLOC_DIR\"), name).createNewFile();",
            "  }",
            "}",
            "");

    private static Path shared;

    private ProbeJars() {}

    /**
     * Compiles the program into {@code dir/classes} and packs it into {@code dir/probe.jar} (with {@code Main-Class})
     * and {@code dir/plain.jar} (without); all readable by every user.
     */
    public static void build(Path dir) {
        try {
            Path src = Files.createDirectories(dir.resolve("src/probe"));
            Path classes = Files.createDirectories(dir.resolve("classes"));
            Files.writeString(src.resolve("Main.java"), SOURCE, StandardCharsets.UTF_8);
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int rc = compiler.run(
                    null,
                    null,
                    null,
                    "-nowarn",
                    "-XDignore.symbol.file",
                    "-d",
                    classes.toString(),
                    src.resolve("Main.java").toString());
            if (rc != 0) {
                throw new IllegalStateException("javac failed: " + rc);
            }
            jar(classes, dir.resolve("probe.jar"), true);
            jar(classes, dir.resolve("plain.jar"), false);
            openToAll(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One build per test JVM in its own temporary directory, removed when the JVM ends. */
    public static synchronized Path shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("java-driver-probe");
                build(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
                shared = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private static void jar(Path classes, Path jar, boolean withMainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (withMainClass) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MAIN);
        }
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
        }
    }

    private static void openToAll(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // the temporary directory is left for the system to clean
        }
    }
}
