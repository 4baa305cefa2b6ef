package dev.taskdrivers.runner.faults;

/** The driver SPI calls a {@link FaultyDriver} can fail. */
public enum SpiCall {
    VALIDATE,
    PRESTART,
    START,
    RECOVER,
    FIND_UNRECORDED,
    CLEANUP,
    HANDLE_STATE,
    EXIT_FUTURE,
    STOP,
    SIGNAL,
    HANDLE_CLOSE
}
