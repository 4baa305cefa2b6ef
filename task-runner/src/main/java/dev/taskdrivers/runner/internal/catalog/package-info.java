/**
 * The runner's own catalog of Nomad native service discovery: the services written with {@code provider = "nomad"},
 * registered while their task runs and read by templates' {@code nomadService} and {@code nomadServices}.
 */
package dev.taskdrivers.runner.internal.catalog;
