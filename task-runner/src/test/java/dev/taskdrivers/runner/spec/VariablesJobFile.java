package dev.taskdrivers.runner.spec;

/** A job file whose values come from variable blocks, for the tests of how variables are given (-var, var files). */
public final class VariablesJobFile {
    /**
     * {@code name} (default "from-default") names the job, {@code workers} (a number without default) is the group's
     * count, {@code labels} (a map of strings, default empty) the task's env and {@code ports} (a list of numbers,
     * default [1, 2]) gives its meta {@code first_port}.
     */
    public static final String TEXT = """
            variable "name" {
              default = "from-default"
            }

            variable "workers" {
              type = number
            }

            variable "labels" {
              type    = map(string)
              default = {}
            }

            variable "ports" {
              type    = list(number)
              default = [1, 2]
            }

            job "vars" {
              name = var.name
              type = "batch"

              group "g" {
                count = var.workers

                task "t" {
                  driver = "raw_exec"
                  env    = var.labels
                  meta {
                    first_port = var.ports[1]
                  }

                  config {
                    command = "/bin/true"
                  }
                }
              }
            }
            """;

    private VariablesJobFile() {}
}
