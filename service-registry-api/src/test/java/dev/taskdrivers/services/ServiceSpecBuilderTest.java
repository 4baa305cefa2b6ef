package dev.taskdrivers.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the service and check builders refuse, and the defaults they fill in. */
class ServiceSpecBuilderTest {

    private static List<String> refused(Runnable build) {
        Throwable thrown = catchThrowable(build::run);
        assertThat(thrown).isInstanceOf(ValidationException.class);
        return ((ValidationException) thrown)
                .problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void aCheckGetsItsDefaultsWithoutAnyNull() {
        CheckSpec check = CheckSpec.http("/health").build();

        assertThat(check.interval()).isEqualTo(CheckSpec.DEFAULT_INTERVAL);
        assertThat(check.timeout()).isEqualTo(CheckSpec.DEFAULT_TIMEOUT);
        assertThat(check.protocol()).isEqualTo("http");
        assertThat(check.method()).isEqualTo("GET");
        assertThat(check.headers()).isEmpty();
        assertThat(check.command()).isEmpty();
        assertThat(check.name()).isEqualTo("http check");
    }

    @Test
    void intervalAndTimeoutMustBeLongerThanZero() {
        assertThat(refused(() -> CheckSpec.tcp()
                        .interval(Duration.ZERO)
                        .timeout(Duration.ofSeconds(-1))
                        .build()))
                .containsExactly("interval: must be longer than 0", "timeout: must be longer than 0");
    }

    @Test
    void anHttpCheckNeedsAPathAndHttpOrHttps() {
        assertThat(refused(() -> CheckSpec.builder(CheckType.HTTP).build()))
                .containsExactly("path: is required for an http check");
        assertThat(refused(() -> CheckSpec.http(" ").build())).containsExactly("path: is required for an http check");
        assertThat(refused(() -> CheckSpec.http("/").protocol("ftp").build()))
                .containsExactly("protocol: must be \"http\" or \"https\", got \"ftp\"");
        assertThat(CheckSpec.http("/").protocol("https").build().protocol()).isEqualTo("https");
    }

    @Test
    void aScriptCheckNeedsACommand() {
        assertThat(refused(() -> CheckSpec.builder(CheckType.SCRIPT).build()))
                .containsExactly("command: is required for a script check");
        assertThat(refused(() -> CheckSpec.script(" ").build()))
                .containsExactly("command: is required for a script check");
        assertThat(CheckSpec.script("/bin/check", "-q").build().command()).containsExactly("/bin/check", "-q");
    }

    @Test
    void theInitialStatusIsPassingWarningOrCritical() {
        assertThat(refused(() -> CheckSpec.tcp().initialStatus("ok").build()))
                .containsExactly("initial_status: must be passing, warning or critical, got \"ok\"");
        assertThat(CheckSpec.tcp().initialStatus("warning").build().initialStatus())
                .isEqualTo("warning");
    }

    @Test
    void aServiceNeedsANameAndEveryProblemOfItsChecksUnderTheirIndex() {
        List<String> problems = refused(() -> ServiceSpec.builder(" ")
                .check(CheckSpec.tcp().port("admin"))
                .check(CheckSpec.http("/").interval(Duration.ZERO))
                .build());

        assertThat(problems)
                .containsExactly(
                        "name: must not be empty",
                        "checks[1].port: is required when the service has no port",
                        "checks[1].interval: must be longer than 0");
    }

    @Test
    void aCheckNeedsAPortOfItsOwnOrTheServicesUnlessItIsAScript() {
        ServiceSpec withPort =
                ServiceSpec.builder("web").port("http").check(CheckSpec.tcp()).build();
        ServiceSpec script = ServiceSpec.builder("worker")
                .check(CheckSpec.script("/bin/true"))
                .build();

        assertThat(withPort.checks()).hasSize(1);
        assertThat(script.checks()).hasSize(1);
        assertThat(refused(
                        () -> ServiceSpec.builder("web").check(CheckSpec.grpc()).build()))
                .containsExactly("checks[0].port: is required when the service has no port");
    }

    @Test
    void aServiceNamesItsUnnamedChecksAndFillsItsDefaults() {
        ServiceSpec service = ServiceSpec.builder("web")
                .port("http")
                .check(CheckSpec.tcp())
                .check(CheckSpec.tcp().name("mine").build())
                .build();

        assertThat(service.checks()).extracting(CheckSpec::name).containsExactly("service: \"web\" check", "mine");
        assertThat(service.addressMode()).isEqualTo(AddressMode.AUTO);
        assertThat(service.tags()).isEmpty();
        assertThat(service.meta()).isEmpty();
    }

    @Test
    void thePortsAServiceRefersToAreListedUnderTheirFields() {
        ServiceSpec.Builder service = ServiceSpec.builder("web")
                .port("http")
                .check(CheckSpec.tcp())
                .check(CheckSpec.tcp().port("admin"));

        assertThat(service.portReferences())
                .containsExactly(Map.entry("port", "http"), Map.entry("checks[1].port", "admin"));
    }

    @Test
    void aServiceBuiltAgainFromItsBuilderIsEqual() {
        ServiceSpec service = ServiceSpec.builder("web")
                .port("http")
                .tag("v1")
                .meta(Map.of("k", "v"))
                .addressMode(AddressMode.HOST)
                .check(CheckSpec.http("/")
                        .header("X-A", List.of("1"))
                        .tlsSkipVerify(true)
                        .initialStatus("passing"))
                .build();

        assertThat(service.toBuilder().build()).isEqualTo(service).hasSameHashCodeAs(service);
    }

    @Test
    void headerValuesStayOutOfToString() {
        CheckSpec check = CheckSpec.http("/")
                .header("Authorization", List.of("Bearer s3cret"))
                .build();

        assertThat(check.toString()).contains("Authorization").doesNotContain("s3cret");
    }

    @Test
    void aCustomAddressIsKeptThroughACopyAndNeedsAddressModeAuto() {
        ServiceSpec edge =
                ServiceSpec.builder("edge").port("http").address("10.0.0.7").build();

        assertThat(edge.address()).isEqualTo("10.0.0.7");
        assertThat(edge.toBuilder().build()).isEqualTo(edge);
        assertThat(ServiceSpec.builder("edge").port("http").build()).isNotEqualTo(edge);
        assertThat(ServiceSpec.builder("edge")
                        .address("10.0.0.7")
                        .addressMode(AddressMode.DRIVER)
                        .address(" ")
                        .problems())
                .extracting(ValidationProblem::toString)
                .containsExactly(
                        "address: must not be empty", "address_mode: must be auto with a custom address, got driver");
    }

    @Test
    void aCheckKeepsItsCheckRestartAndCountsWarningsUnlessIgnored() {
        CheckRestart rule = new CheckRestart(3, Duration.ofSeconds(10), false);
        CheckSpec check = CheckSpec.tcp().checkRestart(rule).build();

        assertThat(check.checkRestart()).isEqualTo(rule);
        assertThat(check.toBuilder().build()).isEqualTo(check);
        assertThat(check).isNotEqualTo(CheckSpec.tcp().build());
        assertThat(CheckSpec.tcp().build().checkRestart()).isNull();
        assertThat(rule.countsAsUnhealthy(CheckHealth.WARNING)).isTrue();
        assertThat(new CheckRestart(3, Duration.ZERO, true).countsAsUnhealthy(CheckHealth.WARNING))
                .isFalse();
        assertThat(rule.countsAsUnhealthy(CheckHealth.CRITICAL)).isTrue();
        assertThat(rule.countsAsUnhealthy(CheckHealth.PASSING)).isFalse();
        assertThat(catchThrowable(() -> new CheckRestart(-1, Duration.ZERO, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must not be negative, got -1");
    }
}
