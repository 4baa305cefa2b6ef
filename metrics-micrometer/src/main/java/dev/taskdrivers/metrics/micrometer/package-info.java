/**
 * Micrometer meters of a task runner ({@link dev.taskdrivers.metrics.micrometer.TaskRunnerMetrics}), of the
 * in-process registry's checks ({@link dev.taskdrivers.metrics.micrometer.CheckMetrics}) and of a Consul registry
 * ({@link dev.taskdrivers.metrics.micrometer.ConsulRegistryMetrics}). Meter names and tags are listed in the
 * project's README.
 */
package dev.taskdrivers.metrics.micrometer;
