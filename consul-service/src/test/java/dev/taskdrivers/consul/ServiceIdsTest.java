package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.consul.internal.ServiceIds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

class ServiceIdsTest {
    private final ServiceIds ids = new ServiceIds("_taskdrivers");

    @Provide
    Arbitrary<String> safe() {
        return Arbitraries.strings()
                .withCharRange('a', 'c')
                .withChars('-', '.', '_')
                .ofMinLength(1)
                .ofMaxLength(6)
                .filter(TaskId::isSafe);
    }

    @Property(tries = 200)
    void differentTasksServicesOrPortsNeverShareAnId(
            @ForAll("safe") String task1,
            @ForAll("safe") String task2,
            @ForAll @StringLength(max = 5) String service1,
            @ForAll @StringLength(max = 5) String service2,
            @ForAll("safe") String port1,
            @ForAll("safe") String port2) {
        String a = ids.taskService(new TaskId("alloc", "j", "g", 0, task1), service1, port1);
        String b = ids.taskService(new TaskId("alloc", "j", "g", 0, task2), service2, port2);
        assertThat(a.equals(b)).isEqualTo(task1.equals(task2) && service1.equals(service2) && port1.equals(port2));
    }

    @Property(tries = 200)
    void idsAreStableOwnedAndUrlSafeWhateverTheServiceName(@ForAll @StringLength(max = 80) String service) {
        TaskId task = new TaskId("a1", "job", "group", 0, "web");
        String id = ids.taskService(task, service, "http");
        assertThat(id).isEqualTo(new ServiceIds("_taskdrivers").taskService(task, service, "http"));
        assertThat(id).matches("[A-Za-z0-9._-]+").startsWith("_taskdrivers-task-a1-web-");
        assertThat(ids.ownsService(id)).isTrue();
        assertThat(new ServiceIds("_taskdrivers_other").ownsService(id)).isFalse();
        assertThat(ids.ownsCheck(ids.check(id, "def"))).isTrue();
    }

    @Property(tries = 200)
    void aChangedCheckDefinitionGetsANewId(@ForAll String def1, @ForAll String def2) {
        assertThat(ids.check("s", def1).equals(ids.check("s", def2))).isEqualTo(def1.equals(def2));
    }
}
