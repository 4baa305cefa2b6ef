package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.DriverContext;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Operator configuration of the rkt driver.
 *
 * @param rktPath the rkt binary ({@code rkt_path}, default {@code rkt} from PATH)
 * @param prepareTimeout how long {@code rkt prepare} (which fetches the image) may take ({@code prepare_timeout})
 * @param networkTimeout how long start polls {@code rkt status} for the pod's network ({@code network_timeout})
 * @param statusPollInterval how often it polls ({@code status_poll_interval})
 * @param dataDir where pod UUIDs are persisted, so a pod is never lost between prepare and the runner's state
 */
public record RktDriverOptions(
        String rktPath, Duration prepareTimeout, Duration networkTimeout, Duration statusPollInterval, Path dataDir) {

    /** Reads the options; throws a {@link dev.taskdrivers.api.ValidationException} listing every problem. */
    public static RktDriverOptions from(DriverContext context) {
        ConfigReader r = new ConfigReader(context.options(), "");
        String rkt = r.string("rkt_path", "rkt");
        if (rkt != null && rkt.isBlank()) {
            r.problem("rkt_path", "must not be empty");
        }
        Duration prepare = r.duration("prepare_timeout", Duration.ofMinutes(5));
        Duration network = r.duration("network_timeout", Duration.ofSeconds(5));
        Duration poll = r.duration("status_poll_interval", Duration.ofMillis(400));
        if (poll.isZero()) {
            r.problem("status_poll_interval", "must be positive");
        }
        r.throwIfInvalid();
        return new RktDriverOptions(rkt, prepare, network, poll, context.dataDir());
    }
}
