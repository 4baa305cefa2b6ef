package dev.taskdrivers.cli;

import picocli.CommandLine.Command;

/** The top command: only subcommands. */
@Command(
        name = "taskdrivers",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs Nomad-style jobs on this node with the task drivers on the class path.",
        subcommands = {RunCommand.class, ValidateCommand.class, DriversCommand.class, LogsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every task succeeded (run), the spec is valid (validate), every driver given options"
                    + " is healthy (drivers)",
            "1:a task failed or the run was stopped (run), a driver given options is not healthy (drivers)",
            "2:the spec or the command line is invalid, or run refused to change a running job"
        })
final class TaskdriversCommand {}
