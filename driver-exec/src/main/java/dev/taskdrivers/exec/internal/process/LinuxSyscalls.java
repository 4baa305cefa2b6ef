package dev.taskdrivers.exec.internal.process;

import java.util.Locale;
import java.util.Optional;

/**
 * The numbers of the few Linux system calls the fork server makes itself (Perl reaches them through
 * {@code syscall}, without loading POSIX.pm). They differ between architectures; where they are unknown the server
 * falls back to a process group instead of a session, to POSIX.pm for the signal mask, is no subreaper, and refuses
 * isolated launches.
 *
 * @param setsid setsid(2)
 * @param unshare unshare(2)
 * @param mount mount(2)
 * @param setns setns(2)
 * @param sethostname sethostname(2)
 * @param umount2 umount2(2)
 * @param rtSigprocmask rt_sigprocmask(2)
 * @param prctl prctl(2), which makes the server a child subreaper
 * @param execveat execveat(2), which executes an isolated task's init from outside its chroot
 */
public record LinuxSyscalls(
        int setsid,
        int unshare,
        int mount,
        int setns,
        int sethostname,
        int umount2,
        int rtSigprocmask,
        int prctl,
        int execveat) {
    /** For architectures whose numbers are unknown: the server falls back where it can. */
    static final LinuxSyscalls UNKNOWN = new LinuxSyscalls(0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static final LinuxSyscalls X86_64 = new LinuxSyscalls(112, 272, 165, 308, 170, 166, 14, 157, 322);
    /** The generic table shared by the newer architectures. */
    private static final LinuxSyscalls GENERIC = new LinuxSyscalls(157, 97, 40, 268, 161, 39, 135, 167, 281);

    /** The table of the architecture this JVM runs on, if known. */
    public static Optional<LinuxSyscalls> forThisMachine() {
        return forArchitecture(System.getProperty("os.arch", ""));
    }

    static Optional<LinuxSyscalls> forArchitecture(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64", "riscv64" -> Optional.of(GENERIC);
            default -> Optional.empty();
        };
    }
}
