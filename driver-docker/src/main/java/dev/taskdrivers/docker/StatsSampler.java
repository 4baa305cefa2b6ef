package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import dev.taskdrivers.api.TaskStats;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Takes resource samples of one container; cpu percent is computed between this sampler's own samples. */
final class StatsSampler {
    private static final long TIMEOUT_SECONDS = 10;

    private final DockerClient docker;
    private final String containerId;
    private long previousCpuNanos = -1;
    private long previousWallNanos;

    StatsSampler(DockerClient docker, String containerId) {
        this.docker = docker;
        this.containerId = containerId;
    }

    synchronized TaskStats sample() {
        Statistics s = fetch();
        long wall = System.nanoTime();
        long cpu = s.getCpuStats() != null
                        && s.getCpuStats().getCpuUsage() != null
                        && s.getCpuStats().getCpuUsage().getTotalUsage() != null
                ? s.getCpuStats().getCpuUsage().getTotalUsage()
                : 0;
        double percent = 0;
        if (previousCpuNanos >= 0 && wall > previousWallNanos) {
            percent = Math.max(0, (cpu - previousCpuNanos) * 100.0 / (wall - previousWallNanos));
        }
        previousCpuNanos = cpu;
        previousWallNanos = wall;
        long throttled = s.getCpuStats() != null
                        && s.getCpuStats().getThrottlingData() != null
                        && s.getCpuStats().getThrottlingData().getThrottledPeriods() != null
                ? s.getCpuStats().getThrottlingData().getThrottledPeriods()
                : 0;
        return TaskStats.builder()
                .memoryRssBytes(memoryOf(s))
                .memoryCacheBytes(cacheOf(s))
                .memorySwapBytes(swapOf(s))
                .cpuTotalNanos(cpu)
                .cpuPercent(percent)
                .throttledPeriods(throttled)
                .build();
    }

    /** Resident memory: cgroup v1 reports rss; v2 reports anon, so fall back to usage minus cache. */
    private static long memoryOf(Statistics s) {
        var mem = s.getMemoryStats();
        if (mem == null) {
            return 0;
        }
        if (mem.getStats() != null && mem.getStats().getRss() != null) {
            return mem.getStats().getRss();
        }
        long usage = mem.getUsage() == null ? 0 : mem.getUsage();
        long cache = mem.getStats() != null && mem.getStats().getCache() != null
                ? mem.getStats().getCache()
                : 0;
        return Math.max(0, usage - cache);
    }

    /** Page cache: cgroup v1's cache, v2's file. */
    private static long cacheOf(Statistics s) {
        var mem = s.getMemoryStats();
        if (mem == null || mem.getStats() == null) {
            return 0;
        }
        Long cache = mem.getStats().getCache() != null
                ? mem.getStats().getCache()
                : mem.getStats().getTotalCache();
        return cache == null ? 0 : Math.max(0, cache);
    }

    /** Swap: cgroup v1 reports it as swap in the memory stats; the engine gives none on v2. */
    private static long swapOf(Statistics s) {
        var mem = s.getMemoryStats();
        if (mem == null || mem.getStats() == null || mem.getStats().getSwap() == null) {
            return 0;
        }
        return Math.max(0, mem.getStats().getSwap());
    }

    private Statistics fetch() {
        CompletableFuture<Statistics> first = new CompletableFuture<>();
        ResultCallback.Adapter<Statistics> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Statistics statistics) {
                first.complete(statistics);
            }

            @Override
            public void onError(Throwable throwable) {
                first.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                first.completeExceptionally(new IllegalStateException("the engine sent no statistics"));
            }
        };
        try (callback) {
            docker.statsCmd(containerId).withNoStream(true).exec(callback);
            return first.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // a failed future's ExecutionException always has a cause
            throw EngineErrors.translate(
                    "stats of container " + containerId, Objects.requireNonNullElse(e.getCause(), e));
        } catch (TimeoutException e) {
            throw DriverException.fatal(
                    ErrorCode.TIMEOUT,
                    "stats of container " + containerId + " took more than " + TIMEOUT_SECONDS + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DriverException.fatal(ErrorCode.INTERNAL, "interrupted while reading stats of " + containerId);
        } catch (IOException e) {
            throw DriverException.fatal(ErrorCode.EXTERNAL, "stats of container " + containerId + ": " + e, e);
        } catch (RuntimeException e) {
            throw EngineErrors.translate("stats of container " + containerId, e);
        }
    }
}
