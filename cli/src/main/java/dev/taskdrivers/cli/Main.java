package dev.taskdrivers.cli;

import picocli.CommandLine;

/** The {@code taskdrivers} command line. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its subcommands, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TaskdriversCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
