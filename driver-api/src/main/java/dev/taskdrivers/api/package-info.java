/**
 * The driver SPI: what a task driver implements and what the task runner calls.
 *
 * <p>A driver is found through {@link java.util.ServiceLoader} by its {@link dev.taskdrivers.api.DriverFactory}.
 * The lifecycle of one task is {@code validate -> prestart -> start -> (wait | stop | signal | exec) -> cleanup};
 * after the embedding process restarts, {@link dev.taskdrivers.api.Driver#recover} reattaches a running task from
 * the {@link dev.taskdrivers.api.HandleState} the runner persisted, and
 * {@link dev.taskdrivers.api.Driver#findUnrecorded} finds a task started just before the process died, whose handle
 * state was never persisted, so it is taken over instead of being started twice.
 *
 * <p>Compatibility: this package grows only by new types and new default methods. Types in packages named
 * {@code internal} carry no promise.
 */
package dev.taskdrivers.api;
