package dev.taskdrivers.qemu.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides once per driver, and once per host boot across processes, whether KVM really runs guests here: the
 * device must open, and a test guest must boot under KVM. The verdict is kept in the driver's state directory,
 * keyed by the kernel's boot id and the emulator, so later runners on the same boot do not pay for the probe; within
 * one process the verdict is shared by every driver using the same emulator.
 */
final class KvmSupport {
    private static final Logger LOG = LoggerFactory.getLogger(KvmSupport.class);
    private static final Path DEVICE = Path.of("/dev/kvm");
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    static final String CACHE_FILE = "kvm-probe";

    private static final Map<String, KvmVerdict> PROBED_IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final String qemuPath;
    private final Path stateDir;
    private @Nullable KvmVerdict verdict;

    KvmSupport(String qemuPath, Path stateDir) {
        this.qemuPath = qemuPath;
        this.stateDir = stateDir;
    }

    synchronized KvmVerdict verdict() {
        if (verdict == null) {
            verdict = decide();
        }
        return verdict;
    }

    private KvmVerdict decide() {
        if (!Files.exists(DEVICE)) {
            return KvmVerdict.unusable("/dev/kvm is missing");
        }
        try (RandomAccessFile ignored = new RandomAccessFile(DEVICE.toFile(), "rw")) {
            // QEMU opens it read-write; so must we
        } catch (IOException | SecurityException e) {
            return KvmVerdict.unusable("/dev/kvm cannot be opened for reading and writing");
        }
        String key = cacheKey();
        Path cache = stateDir.resolve(CACHE_FILE);
        KvmVerdict known = PROBED_IN_THIS_PROCESS.get(qemuPath);
        KvmVerdict kept = readCache(cache, key);
        if (known == null) {
            known = kept;
        }
        if (known == null) {
            GuestBootProbe.Outcome outcome = GuestBootProbe.boot(qemuPath, Accelerator.KVM, stateDir, PROBE_TIMEOUT);
            known = outcome.booted()
                    ? KvmVerdict.usable(outcome.detail())
                    : KvmVerdict.unusable("/dev/kvm opens, but " + outcome.detail());
            LOG.info("qemu: kvm {}: {}", known.usable() ? "usable" : "not usable", known.reason());
        }
        PROBED_IN_THIS_PROCESS.putIfAbsent(qemuPath, known);
        if (kept == null) {
            writeCache(cache, key, known);
        }
        return known;
    }

    private String cacheKey() {
        String bootId;
        try {
            bootId = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            bootId = "unknown-boot";
        }
        return bootId + " " + qemuPath;
    }

    private static @Nullable KvmVerdict readCache(Path cache, String key) {
        try {
            List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
            if (lines.size() == 3 && lines.get(0).equals(key)) {
                return new KvmVerdict(Boolean.parseBoolean(lines.get(1)), lines.get(2));
            }
        } catch (IOException e) {
            // no verdict kept yet, or an unreadable one: probe again
        }
        return null;
    }

    private static void writeCache(Path cache, String key, KvmVerdict v) {
        Path tmp = cache.resolveSibling(
                CACHE_FILE + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(cache.getParent());
            Files.writeString(tmp, key + "\n" + v.usable() + "\n" + v.reason().replace('\n', ' ') + "\n");
            try {
                Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.debug("qemu: could not keep the kvm verdict in {}", cache, e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                LOG.debug("qemu: could not remove {}", tmp, ignored);
            }
        }
    }
}
