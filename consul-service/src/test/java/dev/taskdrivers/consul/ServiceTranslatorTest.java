package dev.taskdrivers.consul;

import static dev.taskdrivers.consul.Specs.http;
import static dev.taskdrivers.consul.Specs.port;
import static dev.taskdrivers.consul.Specs.script;
import static dev.taskdrivers.consul.Specs.service;
import static dev.taskdrivers.consul.Specs.task;
import static dev.taskdrivers.consul.Specs.taskId;
import static dev.taskdrivers.consul.Specs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.consul.internal.ServiceValidation;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceTranslatorTest {
    private final ServiceTranslator translator = new ServiceTranslator(new ServiceIds("_td"));
    private final DriverNetwork bridge =
            DriverNetwork.builder().ip("172.17.0.5").port("http", 80).build();

    private static ServiceSpec withMode(String name, AddressMode mode) {
        return ServiceSpec.builder(name)
                .port("http")
                .addressMode(mode)
                .check(http("h", "/", null, Map.of()))
                .build();
    }

    @Test
    void hostAndAutoAdvertiseTheHostPortDriverTheMappedOne() {
        List<WantedService> result = translator.task(task(
                taskId("t"),
                List.of(port("http", 25000)),
                Optional.of(bridge),
                null,
                withMode("host", AddressMode.HOST),
                withMode("auto", AddressMode.AUTO),
                withMode("driver", AddressMode.DRIVER)));

        assertThat(result)
                .extracting(s -> s.address() + ":" + s.port())
                .containsExactly("127.0.0.1:25000", "127.0.0.1:25000", "172.17.0.5:80");
        assertThat(result.get(2).checks().get(0).target()).isEqualTo("http://172.17.0.5:80/");
    }

    @Test
    void allocAdvertisesTheHostAddressWithThePortsToElseItsHostPortAndChecksGoThere() {
        ServiceSpec noPort =
                ServiceSpec.builder("bare").addressMode(AddressMode.ALLOC).build();
        List<WantedService> mapped = translator.task(task(
                taskId("t"),
                List.of(port("http", 25000)),
                Optional.of(bridge),
                null,
                withMode("alloc", AddressMode.ALLOC),
                noPort));
        List<WantedService> unmapped = translator.task(task(
                taskId("u"),
                List.of(port("http", 25000)),
                Optional.empty(),
                null,
                withMode("alloc", AddressMode.ALLOC)));

        assertThat(mapped).extracting(s -> s.address() + ":" + s.port()).containsExactly("127.0.0.1:80", "127.0.0.1:0");
        assertThat(mapped.get(0).checks().get(0).target()).isEqualTo("http://127.0.0.1:80/");
        assertThat(unmapped.get(0).address() + ":" + unmapped.get(0).port()).isEqualTo("127.0.0.1:25000");
    }

    @Test
    void allocAdvertisesTheToOfAnotherTasksGroupPortForATaskWithoutADriverNetwork() {
        TaskServices rawExec = new TaskServices(
                taskId("r"),
                List.of(withMode("alloc", AddressMode.ALLOC), withMode("host", AddressMode.HOST)),
                "127.0.0.1",
                List.of(port("http", 25000)),
                Optional.empty(),
                null,
                Map.of("http", 8080));

        List<WantedService> result = translator.task(rawExec);

        assertThat(result)
                .extracting(s -> s.address() + ":" + s.port())
                .containsExactly("127.0.0.1:8080", "127.0.0.1:25000");
        assertThat(result.get(0).checks().get(0).target()).isEqualTo("http://127.0.0.1:8080/");
    }

    @Test
    void aPortNumberNoLabelNamesIsAdvertisedAsItIsOnTheHostAndIsValid() {
        ServiceSpec numbered = ServiceSpec.builder("group-service-1")
                .port("9001")
                .check(tcp("alive"))
                .build();

        List<WantedService> result =
                translator.task(task(taskId("t"), List.of(port("http", 25000)), Optional.empty(), null, numbered));

        assertThat(result).extracting(s -> s.address() + ":" + s.port()).containsExactly("127.0.0.1:9001");
        assertThat(result.get(0).checks().get(0).target()).isEqualTo("127.0.0.1:9001");
        assertThat(ServiceValidation.validate(List.of(numbered), Set.of("http"), false))
                .isEmpty();
        assertThat(ServiceValidation.validate(
                        List.of(ServiceSpec.builder("s").port("70000").build()), Set.of("http"), false))
                .extracting(ValidationProblem::field)
                .containsExactly("services[0].port");
    }

    @Test
    void autoFollowsADriverNetworkThatAsksToBeAdvertised() {
        DriverNetwork advertised = DriverNetwork.builder()
                .ip("10.1.0.7")
                .port("http", 8080)
                .autoAdvertise(true)
                .build();
        List<WantedService> result = translator.task(task(
                taskId("t"),
                List.of(port("http", 25000)),
                Optional.of(advertised),
                null,
                withMode("auto", AddressMode.AUTO)));

        assertThat(result.get(0).address()).isEqualTo("10.1.0.7");
        assertThat(result.get(0).port()).isEqualTo(8080);
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheField() {
        assertThatThrownBy(() -> translator.task(task(
                        taskId("t"),
                        List.of(port("http", 25000)),
                        null,
                        withMode("driver", AddressMode.DRIVER),
                        service("bad name", "nope", tcp("c1")),
                        service(
                                "web",
                                "http",
                                http("h", "no-slash", "get", Map.of()),
                                script("s", Duration.ofSeconds(1), "true")))))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).problems())
                        .extracting(ValidationProblem::field)
                        .contains(
                                "services[0].address_mode",
                                "services[1].name",
                                "services[1].port",
                                "services[2].checks[0].path",
                                "services[2].checks[0].method",
                                "services[2].checks[1]"));
    }

    @Test
    void aScriptCheckOnADriverWithoutExecIsAValidationErrorNamingTheCheck() {
        List<ValidationProblem> problems = ServiceValidation.validate(
                List.of(service("vm", "http", script("alive", Duration.ofSeconds(1), "true"))),
                Set.of("http"),
                Capabilities.builder()
                        .fsIsolation(Capabilities.FsIsolation.IMAGE)
                        .build());

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("services[0].checks[0]");
            assertThat(p.problem()).contains("\"alive\"").contains("exec");
        });
    }

    @Test
    void httpMethodAndHeadersTakePartInTheCheckId() {
        WantedService get = translator
                .task(task(
                        taskId("t"),
                        List.of(port("http", 1)),
                        null,
                        service("web", "http", http("h", "/", null, Map.of()))))
                .get(0);
        WantedService post = translator
                .task(task(
                        taskId("t"),
                        List.of(port("http", 1)),
                        null,
                        service("web", "http", http("h", "/", "POST", Map.of()))))
                .get(0);

        assertThat(get.checks().get(0).id()).isNotEqualTo(post.checks().get(0).id());
        assertThat(post.checks().get(0).method()).isEqualTo("POST");
    }
}
