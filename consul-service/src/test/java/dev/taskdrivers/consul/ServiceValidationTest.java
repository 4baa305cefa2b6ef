package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.http;
import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.consul.internal.ServiceValidation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules Consul has for one service, reported before a task starts and enforced again at registration. */
class ServiceValidationTest {

    @Test
    void aNameThatIsNotADnsLabelIsAProblemOfTheServiceNamingTheField() {
        List<ValidationProblem> problems = ServiceValidation.service(service("web_api", "http"));

        assertThat(problems)
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "name: must be letters, digits"
                                + " and '-' (a DNS label, at most 63 characters, not starting or ending with '-'), got \"web_api\"");
        assertThat(ServiceValidation.service(service("web-api", "http"))).isEmpty();
    }

    @Test
    void checkRulesAreReportedUnderTheServicesCheck() {
        assertThat(ServiceValidation.service(service("web", "http", http("h", "health", "get", Map.of()))))
                .extracting(ValidationProblem::field)
                .containsExactly("checks[0].path", "checks[0].method");
    }

    @Test
    void registrationRefusesWhatTheUpFrontCheckRefuses() {
        ServiceTranslator translator = new ServiceTranslator(new ServiceIds("_td"));

        assertThatThrownBy(() -> translator.task(
                        task(taskId("t"), List.of(port("http", 25000)), null, service("web_api", "http"))))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems())
                        .containsExactlyElementsOf(ServiceValidation.service(service("web_api", "http")).stream()
                                .map(p -> p.under("services[0]"))
                                .toList()));
    }
}
