/**
 * The {@code docker} task driver: runs tasks as Docker containers through docker-java (httpclient5 transport).
 * Created through {@link dev.taskdrivers.docker.DockerDriverFactory}.
 */
package dev.taskdrivers.docker;
