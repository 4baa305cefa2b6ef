package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The rules of services' providers in a group: one provider for all its services, as in Nomad; and services of
 * Nomad's native catalog have http and tcp checks only, as in Nomad. Whether the service registry can watch a consul
 * check's {@code check_restart} is the {@link JobValidator}'s to ask, since it knows the registry.
 */
final class ServiceProviderRules {
    private ServiceProviderRules() {}

    static void problems(List<TaskSpec.Builder> tasks, List<ValidationProblem> problems) {
        @Nullable ServiceProvider first = null;
        @Nullable String firstPath = null;
        for (int t = 0; t < tasks.size(); t++) {
            List<ServiceSpec.Builder> services = tasks.get(t).services();
            for (int s = 0; s < services.size(); s++) {
                ServiceSpec.Builder service = services.get(s);
                String path = "tasks[" + t + "].services[" + s + "]";
                if (first == null) {
                    first = service.provider();
                    firstPath = path;
                } else if (service.provider() != first) {
                    problems.add(new ValidationProblem(
                            path + ".provider",
                            "is " + service.provider().specName() + " but " + firstPath + " is " + first.specName()
                                    + ": all services of a group must use the same provider"));
                }
                checkProblems(service, path, problems);
            }
        }
    }

    private static void checkProblems(ServiceSpec.Builder service, String path, List<ValidationProblem> problems) {
        List<CheckSpec.Builder> checks = service.checks();
        for (int c = 0; c < checks.size(); c++) {
            CheckSpec.Builder check = checks.get(c);
            String at = path + ".checks[" + c + "]";
            if (service.provider() == ServiceProvider.NOMAD
                    && check.type() != CheckType.HTTP
                    && check.type() != CheckType.TCP) {
                problems.add(new ValidationProblem(
                        at + ".type",
                        "is " + check.type().name().toLowerCase(Locale.ROOT)
                                + ": a service with provider nomad has http and tcp checks only, as in Nomad; use"
                                + " provider consul for script and grpc checks"));
            }
        }
    }
}
