package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TaskUserCacheTest {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger lookups = new AtomicInteger();

    private TaskUser lookup(String name) {
        lookups.incrementAndGet();
        if (name.equals("ghost")) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "user 'ghost' does not exist on this host");
        }
        return new TaskUser(name, 1000 + lookups.get(), 1000, List.of(1000));
    }

    private final TaskUserCache cache = new TaskUserCache(this::lookup, clock::get);

    @Test
    void aUserIsLookedUpOnceWithinTheExpiry() {
        TaskUser first = cache.get("app");
        clock.addAndGet(TaskUserCache.EXPIRY.toNanos() - 1);
        assertThat(cache.get("app")).isSameAs(first);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void anExpiredUserIsLookedUpAgain() {
        TaskUser first = cache.get("app");
        clock.addAndGet(TaskUserCache.EXPIRY.toNanos());
        assertThat(cache.get("app").uid()).isNotEqualTo(first.uid());
        assertThat(lookups).hasValue(2);
    }

    @Test
    void anUnknownUserIsNotRemembered() {
        assertThatThrownBy(() -> cache.get("ghost")).hasMessageContaining("ghost");
        assertThatThrownBy(() -> cache.get("ghost")).hasMessageContaining("ghost");
        assertThat(lookups).hasValue(2);
    }
}
