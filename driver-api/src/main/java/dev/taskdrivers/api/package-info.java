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
 * <p>Events: a driver reports what it does through the {@link dev.taskdrivers.api.EventEmitter} it is given, as
 * {@link dev.taskdrivers.api.DriverEvent}s (a message and details). The task lifecycle (Received, Started, Killing,
 * Terminated, Restarting, ...) is the runner's to tell; a driver cannot emit those events.
 *
 * <p>Compatibility: this package grows only by new types, new default methods and new builder methods. The values a
 * driver hands back ({@link dev.taskdrivers.api.Capabilities}, {@link dev.taskdrivers.api.Fingerprint},
 * {@link dev.taskdrivers.api.PrestartResult}, {@link dev.taskdrivers.api.StartResult},
 * {@link dev.taskdrivers.api.DriverNetwork}, {@link dev.taskdrivers.api.ExitResult},
 * {@link dev.taskdrivers.api.ExecResult}, {@link dev.taskdrivers.api.TaskStats}) are final classes with private
 * constructors, built through static factories for the common cases or a builder; a new fact becomes a builder
 * method with a default, so a driver compiled against an older version keeps compiling and linking. Builders check
 * their invariants in {@code build()} and name every broken one at once. Types in packages named {@code internal}
 * carry no promise.
 */
package dev.taskdrivers.api;
