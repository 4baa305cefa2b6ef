package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A java task's {@code config} block, as Nomad's java driver reads it: {@code jar_path}, or {@code class} with an
 * optional {@code class_path} (a {@code jar_path} with a {@code class} runs that class from the jar),
 * {@code jvm_options}, {@code args}, and the exec options {@code pid_mode} and {@code ipc_mode}; {@code max_file_size}
 * and {@code max_files} size the logs as for exec.
 *
 * @param jarPath the jar, resolved; empty when the task runs a class
 * @param mainClass the class to run; {@code null} to run the jar's {@code Main-Class}
 * @param classPath the class path entries, resolved
 * @param jvmOptions options for the JVM, passed as they are
 * @param args the arguments of the main method
 * @param execConfig the options handed to the exec machinery as they were written ({@code pid_mode}, ...)
 * @param problems every problem found that does not depend on files, with field names
 */
record JavaTaskConfig(
        Optional<TaskPaths.Resolved> jarPath,
        @Nullable String mainClass,
        List<TaskPaths.Resolved> classPath,
        List<String> jvmOptions,
        List<String> args,
        Map<String, Object> execConfig,
        List<ValidationProblem> problems) {

    static final String JAR_PATH = "jar_path";
    static final String CLASS = "class";
    static final String CLASS_PATH = "class_path";
    static final String JVM_OPTIONS = "jvm_options";

    /** Options of Nomad's java driver this one does not have, each with the reason. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "cap_add", "not supported: tasks get the capabilities of their user (nobody by default)",
            "cap_drop", "not supported: tasks get the capabilities of their user (nobody by default)",
            "work_dir", "not supported: the task starts in its task directory (/ of its chroot when isolated)");

    /** The exec options passed through; the namespace modes only when isolated. */
    private static final List<String> LOG_OPTIONS = List.of("max_file_size", "max_files");

    private static final List<String> NAMESPACE_OPTIONS = List.of("pid_mode", "ipc_mode");

    /** A bridge group's network (set by the group) and the task's ports in it, read by the exec machinery. */
    private static final List<String> NETWORK_OPTIONS = List.of("network_mode", "port_map");

    private static final String IDENTIFIER = "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*";
    private static final Pattern CLASS_NAME = Pattern.compile(IDENTIFIER + "([./]" + IDENTIFIER + ")*");

    static JavaTaskConfig read(TaskConfig task, JavaIsolation isolation, TaskPaths paths) {
        ConfigReader r = new ConfigReader(task.driverConfig(), "config");
        String jar = r.optionalString(JAR_PATH);
        String mainClass = r.optionalString(CLASS);
        String classPathText = r.optionalString(CLASS_PATH);
        List<String> jvmOptions = r.stringList(JVM_OPTIONS);
        List<String> args = r.stringList("args");
        Map<String, Object> execConfig = new LinkedHashMap<>();
        for (String key : concat(LOG_OPTIONS, NETWORK_OPTIONS)) {
            if (r.has(key)) {
                execConfig.put(key, task.driverConfig().get(key));
            }
        }
        for (String key : NAMESPACE_OPTIONS) {
            if (r.has(key)) {
                Object value = task.driverConfig().get(key);
                if (isolation == JavaIsolation.CHROOT) {
                    execConfig.put(key, value);
                } else if (!"host".equals(value)) {
                    r.problem(
                            key,
                            "the driver runs tasks without isolation (its option isolation = \"none\"), so only"
                                    + " \"host\" applies, got " + describe(value));
                }
            }
        }
        UNSUPPORTED.forEach((key, why) -> {
            if (r.has(key)) {
                r.problem(key, why);
            }
        });

        if (jar == null && mainClass == null) {
            r.problem(JAR_PATH, "either jar_path (a jar to run) or class (a main class to run) must be set");
        }
        if (jar != null && mainClass == null && classPathText != null) {
            r.problem(
                    CLASS_PATH,
                    "java -jar ignores a class path: set class as well to run it from jar_path and class_path");
        }
        if (mainClass != null && !CLASS_NAME.matcher(mainClass).matches()) {
            r.problem(
                    CLASS, "must be a fully qualified class name such as com.example.Main, got \"" + mainClass + "\"");
        }
        for (int i = 0; i < jvmOptions.size(); i++) {
            String option = jvmOptions.get(i);
            String field = JVM_OPTIONS + "[" + i + "]";
            if (!option.startsWith("-")) {
                r.problem(field, "must be a JVM option starting with '-', got \"" + option + "\"");
            } else if (option.equals("-jar")) {
                r.problem(field, "-jar is set by the driver: use jar_path");
            } else if (List.of("-cp", "-classpath", "--class-path").contains(option)
                    || option.startsWith("--class-path=")) {
                r.problem(field, option + " is set by the driver: use class_path");
            }
        }
        Optional<TaskPaths.Resolved> jarPath = Optional.empty();
        if (jar != null) {
            TaskPaths.Resolved resolved = paths.resolve(jar);
            resolved.problem().ifPresent(p -> r.problem(JAR_PATH, p));
            jarPath = Optional.of(resolved);
        }
        List<TaskPaths.Resolved> classPath = new ArrayList<>();
        if (classPathText != null) {
            for (String entry : classPathText.split(":")) {
                if (entry.isEmpty()) {
                    continue;
                }
                // a directory/* entry names every jar in the directory
                boolean wildcard = entry.equals("*") || entry.endsWith("/*");
                String dir = wildcard ? entry.substring(0, entry.length() - 1) : entry;
                TaskPaths.Resolved resolved = paths.resolve(dir.isEmpty() ? "." : dir);
                resolved.problem().ifPresent(p -> r.problem(CLASS_PATH, "entry " + p));
                classPath.add(
                        wildcard
                                ? new TaskPaths.Resolved(resolved.host(), resolved.forTask() + "/*", resolved.problem())
                                : resolved);
            }
            if (classPath.isEmpty()) {
                r.problem(CLASS_PATH, "must name at least one directory or jar, got \"" + classPathText + "\"");
            }
        }
        return new JavaTaskConfig(jarPath, mainClass, classPath, jvmOptions, args, execConfig, r.problems());
    }

    /**
     * What is missing on disk now: the jar, class path entries. Checked at start, not at validation, because a
     * task's files may come only with its allocation.
     */
    List<ValidationProblem> missingFiles() {
        List<ValidationProblem> missing = new ArrayList<>();
        jarPath.ifPresent(jar -> jar.host().ifPresent(host -> {
            if (!Files.isRegularFile(host)) {
                missing.add(new ValidationProblem(
                        "config." + JAR_PATH,
                        jar.forTask() + " is not a file in the task's directories (looked for " + host + ")"));
            }
        }));
        for (TaskPaths.Resolved entry : classPath) {
            entry.host().ifPresent(host -> {
                if (!Files.exists(host)) {
                    missing.add(new ValidationProblem(
                            "config." + CLASS_PATH,
                            "entry " + entry.forTask() + " does not exist (looked for " + host + ")"));
                }
            });
        }
        return missing;
    }

    /** The JVM's arguments after {@code java}: its options, then what to run, then the program's arguments. */
    List<String> javaArgs(List<String> driverJvmOptions) {
        List<String> argv = new ArrayList<>(driverJvmOptions);
        argv.addAll(jvmOptions);
        List<String> cp = new ArrayList<>();
        jarPath.ifPresent(jar -> cp.add(jar.forTask()));
        classPath.forEach(entry -> cp.add(entry.forTask()));
        if (mainClass == null) {
            jarPath.ifPresent(jar -> {
                argv.add("-jar");
                argv.add(jar.forTask());
            });
        } else {
            if (!cp.isEmpty()) {
                argv.add("-cp");
                argv.add(String.join(":", cp));
            }
            argv.add(mainClass);
        }
        argv.addAll(args);
        return argv;
    }

    private static String describe(@Nullable Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
