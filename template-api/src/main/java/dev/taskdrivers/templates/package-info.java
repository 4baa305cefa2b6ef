/**
 * Where the runner's {@code template} blocks get their data: the {@link dev.taskdrivers.templates.TemplateDataSource}
 * SPI (Consul's in {@code consul-service}), the queries it answers and an in-process source.
 */
package dev.taskdrivers.templates;
