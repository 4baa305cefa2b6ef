package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A port of the group's network is the group's: the task not granted it reads the same values as the one that is. */
@Tag("real")
class GroupNetworkPortsRunTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @Test
    void bothTasksOfTheGroupSeeTheGroupPortUnderItsLabel() throws Exception {
        AllocationHandle alloc = real.runner().submit(real.runner().parse("""
                        job "pair" {
                          type = "batch"
                          group "g" {
                            network {
                              port "http" {}
                            }
                            task "server" {
                              driver = "raw_exec"
                              config {
                                command = "/bin/sh"
                                args    = ["-c", "echo $NOMAD_ADDR_http $NOMAD_PORT_http > $NOMAD_ALLOC_DIR/server"]
                              }
                              service {
                                name     = "web"
                                port     = "http"
                                provider = "nomad"
                              }
                            }
                            task "proxy" {
                              driver = "raw_exec"
                              config {
                                command = "/bin/sh"
                                args    = ["-c", "echo ${NOMAD_ADDR_http} ${NOMAD_PORT_http} > $NOMAD_ALLOC_DIR/proxy"]
                              }
                            }
                          }
                        }
                        """)).get(0);

        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().values())
                .allSatisfy(t -> assertThat(t.succeeded()).isTrue());
        int port = status.tasks().get("server").port("http").orElseThrow().value();
        Path shared = real.allocDir(alloc).resolve("alloc");
        assertThat(Files.readString(shared.resolve("server")))
                .isEqualTo(Files.readString(shared.resolve("proxy")))
                .endsWith(":" + port + " " + port + "\n");
        assertThat(status.tasks().get("proxy").port("http"))
                .as("granted to one task only")
                .isEmpty();
    }
}
