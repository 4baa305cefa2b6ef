/**
 * Service advertisement: what a task advertises (services and health checks) and the {@link
 * dev.taskdrivers.services.ServiceRegistry} the runner tells about it. The default registry keeps everything in
 * process; {@code consul-service} provides one backed by a Consul agent.
 */
package dev.taskdrivers.services;
