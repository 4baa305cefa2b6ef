/**
 * The {@code java} driver: a Java program ({@code jar_path}, or {@code class} and {@code class_path}, with
 * {@code jvm_options} and {@code args}) run by the JDK the operator names or the driver finds, isolated like the
 * {@code exec} driver or, when the operator says so, as a plain host process. {@link
 * dev.taskdrivers.exec.java.JavaDriverFactory} is the API (found by {@link java.util.ServiceLoader}); the driver
 * itself lives in {@code dev.taskdrivers.exec.internal.java}.
 */
package dev.taskdrivers.exec.java;
