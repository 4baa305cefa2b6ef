package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A group's {@code volume} blocks and a task's {@code volume_mount}s: read from the three job formats alike. */
class VolumesSpecTest {

    private final SpecParser parser = new SpecParser();

    private static final String HCL = """
            job "j" {
              group "g" {
                count = 2
                volume "data" {
                  type      = "host"
                  source    = "pg-data"
                  read_only = true
                }
                volume "cache" {
                  type            = "csi"
                  source          = "cache-vol"
                  access_mode     = "single-node-writer"
                  attachment_mode = "file-system"
                  per_alloc       = true
                  mount_options {
                    fs_type     = "ext4"
                    mount_flags = ["noatime"]
                  }
                }
                task "t" {
                  driver = "docker"
                  config { image = "busybox" }
                  volume_mount {
                    volume      = "data"
                    destination = "/srv/data"
                    read_only   = true
                  }
                  volume_mount {
                    volume           = "cache"
                    destination      = "${NOMAD_ALLOC_DIR}/cache"
                    propagation_mode = "host-to-task"
                  }
                }
              }
            }
            """;

    private static final String API = """
            {"Job": {"ID": "j", "TaskGroups": [{"Name": "g", "Count": 2,
              "Volumes": {
                "data": {"Name": "data", "Type": "host", "Source": "pg-data", "ReadOnly": true,
                         "AccessMode": "", "AttachmentMode": "", "PerAlloc": false, "MountOptions": null},
                "cache": {"Name": "cache", "Type": "csi", "Source": "cache-vol", "ReadOnly": false,
                          "AccessMode": "single-node-writer", "AttachmentMode": "file-system", "PerAlloc": true,
                          "MountOptions": {"FSType": "ext4", "MountFlags": ["noatime"]}}},
              "Tasks": [{"Name": "t", "Driver": "docker", "Config": {"image": "busybox"},
                "VolumeMounts": [
                  {"Volume": "data", "Destination": "/srv/data", "ReadOnly": true, "PropagationMode": "private"},
                  {"Volume": "cache", "Destination": "${NOMAD_ALLOC_DIR}/cache", "ReadOnly": false,
                   "PropagationMode": "host-to-task", "SELinuxLabel": ""}]}]}]}}
            """;

    private static final String JSON = """
            {"job": {"name": "j", "id": "j", "groups": [{"name": "g", "count": 2,
              "volumes": {
                "data": {"type": "host", "source": "pg-data", "read_only": true},
                "cache": {"type": "csi", "source": "cache-vol", "access_mode": "single-node-writer",
                          "attachment_mode": "file-system", "per_alloc": true,
                          "mount_options": {"fs_type": "ext4", "mount_flags": ["noatime"]}}},
              "tasks": [{"name": "t", "driver": "docker", "config": {"image": "busybox"},
                "volume_mounts": [
                  {"volume": "data", "destination": "/srv/data", "read_only": true},
                  {"volume": "cache", "destination": "${NOMAD_ALLOC_DIR}/cache",
                   "propagation_mode": "host-to-task"}]}]}]}}
            """;

    private static GroupSpec expectedGroup() {
        return GroupSpec.builder("g")
                .count(2)
                .volume("data", VolumeSpec.host("pg-data").readOnly(true))
                .volume(
                        "cache",
                        VolumeSpec.csi("cache-vol")
                                .accessMode("single-node-writer")
                                .attachmentMode("file-system")
                                .perAlloc(true)
                                .fsType("ext4")
                                .mountFlags(List.of("noatime")))
                .task(TaskSpec.builder("t", "docker")
                        .config(Map.of("image", "busybox"))
                        .volumeMount(
                                VolumeMountSpec.builder("data", "/srv/data").readOnly(true))
                        .volumeMount(VolumeMountSpec.builder("cache", "${NOMAD_ALLOC_DIR}/cache")
                                .propagation(TaskMount.Propagation.HOST_TO_TASK)))
                .build();
    }

    @Test
    void theJobFileTheApiJsonAndTheJsonSpecGiveTheSameVolumesAndMounts() {
        JobSpec fromHcl = parser.parse(HCL);
        JobSpec fromApi = parser.parse(API);
        JobSpec fromJson = parser.parse(JSON);

        assertThat(fromHcl.groups().get(0)).isEqualTo(expectedGroup());
        assertThat(fromApi).isEqualTo(fromHcl);
        assertThat(fromJson).isEqualTo(fromHcl);
        VolumeSpec cache = fromHcl.groups().get(0).volumes().get("cache");
        assertThat(cache.sourceFor(1)).isEqualTo("cache-vol[1]");
        assertThat(fromHcl.groups().get(0).volumes().get("data").sourceFor(1)).isEqualTo("pg-data");
    }

    @Test
    void aTasksMountsAndItsGroupsVolumesSurviveTheStateFilesShape() {
        GroupSpec group = expectedGroup();
        TaskSpec task = group.tasks().get(0);
        List<ValidationProblem> problems = new ArrayList<>();

        assertThat(parser.task(SpecWriter.task(task), "task", problems)).isEqualTo(task);
        assertThat(parser.volumes(SpecWriter.volumes(group.volumes()), "group", problems))
                .isEqualTo(group.volumes());
        assertThat(problems).isEmpty();
    }

    @Test
    void everyBadVolumeAndMountIsReportedAtOnceUnderItsPath() {
        String json = """
                {"job": {"name": "j", "groups": [{"name": "g",
                  "volumes": {
                    "a": {"type": "nfs", "source": "x"},
                    "b": {"type": "host", "source": "", "per_alloc": true, "mount_options": {"fs_type": "ext4"}},
                    "c": {"type": "csi", "source": "y", "access_mode": "everyone", "attachment_mode": "block-device"},
                    "d": {"source": "z", "colour": "red"}},
                  "tasks": [{"name": "t", "driver": "docker", "config": {"image": "busybox"},
                    "volume_mounts": [
                      {"volume": "nope", "destination": "/x"},
                      {"volume": "a", "propagation_mode": "sideways"},
                      "text"]}]}]}}
                """;

        assertThat(problems(json))
                .containsExactlyInAnyOrder(
                        "job.groups[0].volumes.a.type: must be \"host\" or \"csi\", got \"nfs\"",
                        "job.groups[0].volumes.b.source: must not be empty",
                        "job.groups[0].volumes.b.per_alloc: only a csi volume can be per_alloc",
                        "job.groups[0].volumes.b.mount_options: only a csi volume has mount options",
                        "job.groups[0].volumes.c.access_mode: must be one of [multi-node-multi-writer,"
                                + " multi-node-reader-only, multi-node-single-writer, single-node-multi-writer,"
                                + " single-node-reader-only, single-node-single-writer, single-node-writer],"
                                + " got \"everyone\"",
                        "job.groups[0].volumes.c.attachment_mode: block-device is not supported: a task mounts a"
                                + " volume as a directory",
                        "job.groups[0].volumes.d.type: is required: \"host\" or \"csi\"",
                        "job.groups[0].volumes.d.colour: unknown option",
                        "job.groups[0].tasks[0].volume_mounts[0].volume: the group has no volume \"nope\"; its"
                                + " volumes: a, b, c, d",
                        "job.groups[0].tasks[0].volume_mounts[1].destination: is required",
                        "job.groups[0].tasks[0].volume_mounts[1].propagation_mode: must be \"private\","
                                + " \"host-to-task\" or \"bidirectional\", got \"sideways\"",
                        "job.groups[0].tasks[0].volume_mounts[2]: must be an object");
    }

    @Test
    void aJobFileNamesItsPathsAndRefusesWhatItCannotDo() {
        String hcl = """
                job "j" {
                  group "g" {
                    volume "v" {
                      type   = "host"
                      source = "x"
                      sticky = true
                      flavour = "sweet"
                    }
                    task "t" {
                      driver = "docker"
                      config { image = "busybox" }
                      volume_mount {
                        volume        = "v"
                        destination   = "/v"
                        selinux_label = "z"
                      }
                    }
                  }
                }
                """;
        List<ValidationProblem> warnings = new ArrayList<>();
        ValidationException e = catchThrowableOfType(
                ValidationException.class,
                () -> new JobValidator(DriverRegistry.of(List.of(), Path.of("/tmp/unused"), Map.of()))
                        .parseAndValidate(parser, hcl, warnings::add));

        assertThat(e.problems().stream().map(ValidationProblem::toString))
                .contains(
                        "job.j.group.g.volume.v.flavour: unknown",
                        "job.j.group.g.task.t.volume_mount.selinux_label: not supported yet");
        assertThat(warnings.stream().map(ValidationProblem::field)).contains("job.j.group.g.volume.v.sticky");
    }

    private List<String> problems(String text) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parser.parse(text));
        assertThat(e).as("a ValidationException").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }
}
