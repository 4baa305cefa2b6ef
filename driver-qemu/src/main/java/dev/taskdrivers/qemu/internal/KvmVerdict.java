package dev.taskdrivers.qemu.internal;

/**
 * Whether a KVM-accelerated guest runs on this node, and if not, why.
 *
 * @param usable whether a test guest booted under KVM
 * @param reason why KVM is not usable, or a short confirmation when it is
 */
record KvmVerdict(boolean usable, String reason) {
    static KvmVerdict usable(String reason) {
        return new KvmVerdict(true, reason);
    }

    static KvmVerdict unusable(String reason) {
        return new KvmVerdict(false, reason);
    }
}
