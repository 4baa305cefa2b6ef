package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rules of services' providers in a group: one provider for all its services, as in Nomad, and no checks on
 * services of Nomad's native catalog, whose checks the runner does not run.
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
                if (service.provider() == ServiceProvider.NOMAD && service.hasChecks()) {
                    problems.add(new ValidationProblem(
                            path + ".checks",
                            "checks of services with provider nomad are not supported yet; use provider consul"
                                    + " for a checked service"));
                }
            }
        }
    }
}
