package dev.taskdrivers.cli;

import picocli.CommandLine.Command;

/** The top command: only subcommands. */
@Command(
        name = "taskdrivers",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs Nomad-style jobs on this node with the task drivers on the class path.",
        subcommands = {
            RunCommand.class,
            StatusCommand.class,
            LogsCommand.class,
            ValidateCommand.class,
            DriversCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every task succeeded (run), the spec is valid (validate), every driver given options"
                    + " is healthy (drivers), the state directory was read (status)",
            "1:a task failed or the run was stopped (run), a driver given options is not healthy (drivers)",
            "2:the spec or the command line is invalid, run refused to change a running job, or the state"
                    + " directory does not exist (status)"
        })
final class TaskdriversCommand {}
