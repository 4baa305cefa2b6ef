package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code validate} lists the JSON's, the rules' and the drivers' problems of a spec in one go. */
class ValidateCommandTest {
    @TempDir
    Path root;

    @Test
    void everyProblemOfASpecIsListedAtOnceWithItsPath() throws Exception {
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "raw_exec", "colour": "red", "config": {"command": "/bin/true"},
                   "resources": {"memory_mb": -5}},
                  {"name": "b", "driver": "raw_exec", "config": {"args": ["x"]}},
                  {"name": "c", "driver": "nope"}]}]}}
                """);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString())).isEqualTo(2);
        assertThat(err.toString()
                        .lines()
                        .dropWhile(l -> !l.startsWith(spec + " has "))
                        .skip(1)
                        .map(String::strip)
                        .map(l -> l.substring(0, l.indexOf(": "))))
                .containsExactly(
                        "job.groups[0].tasks[0].colour",
                        "job.groups[0].tasks[0].resources.memory_mb",
                        "job.groups[0].tasks[1].config.command");
        assertThat(err.toString())
                .as("a driver this command line does not have is this node's: a runner with it runs the task")
                .startsWith("warning: this node: job.groups[0].tasks[2].driver: unknown driver \"nope\"")
                .contains(spec + " has 3 problem(s):");
    }

    @Test
    void everyProblemOfANomadJobFileIsListedAtOnce() throws Exception {
        Path spec = root.resolve("web.nomad.hcl");
        Files.writeString(spec, """
                job "web" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      colour = "red"
                      config {
                        args = ["x"]
                      }
                    }
                  }
                }
                """);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString())).isEqualTo(2);
        assertThat(err.toString().lines().skip(1).map(String::strip).map(l -> l.substring(0, l.indexOf(": "))))
                .containsExactly("job.groups[0].tasks[0].config.command", "job.web.group.g.task.t.colour");
        assertThat(err.toString()).startsWith(spec + " has 2 problem(s):");
    }

    @Test
    void aNomadApiJsonJobIsValidatedAndItsSchedulerSettingsAreWarnings() throws Exception {
        Path spec = root.resolve("web.json");
        Files.writeString(spec, """
                {"Job": {"ID": "web", "Name": "web", "Type": "batch", "Priority": 70, "Datacenters": ["dc1"],
                  "TaskGroups": [{"Name": "g", "Count": 1,
                    "Update": {"MaxParallel": 1},
                    "Tasks": [{"Name": "t", "Driver": "raw_exec",
                      "Config": {"command": "/bin/echo", "args": ["${NOMAD_JOB_ID}", "${node.unique.name}"]},
                      "KillTimeout": 5000000000}]}]}}
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString())).isZero();
        assertThat(out.toString()).startsWith(spec + " is valid: job web, 1 group(s), 1 task(s)");
        assertThat(err.toString().lines())
                .containsExactly(
                        "warning: Job.Priority: ignored: it steers a cluster scheduler or Nomad's servers; this runner"
                                + " runs every task on its own node",
                        "warning: Job.TaskGroups[0].Update: ignored: it steers a cluster scheduler or Nomad's servers;"
                                + " this runner runs every task on its own node");
    }

    @Test
    void anUnknownVariableIsAProblemOfValidate() throws Exception {
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "raw_exec", "config": {"command": "/bin/echo", "args": ["${NOMAD_PORT_http}"]}}]}]}}
                """);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("job.groups[0].tasks[0].config.args[0]: unknown variable ${NOMAD_PORT_http} (the task has no"
                        + " ports)");
    }

    @Test
    void aJobAskingForNodeAttributesIsValidOnTheNodeTheOptionsDescribe() {
        Path spec = NomadCorpusValidateTest.CORPUS.resolve("tutorial-sd-hashicups.hcl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString()))
                .as("valid: a node on EC2 runs it")
                .isZero();
        assertThat(err.toString())
                .contains("warning: this node: job.groups[0].tasks[")
                .contains("].address: ")
                .contains("attr.unique.platform.aws.public-ipv4");
        assertThat(out.toString()).contains("this node cannot run it as it is");

        StringWriter out2 = new StringWriter();
        StringWriter err2 = new StringWriter();
        cl.setOut(new PrintWriter(out2, true));
        cl.setErr(new PrintWriter(err2, true));
        int exit = cl.execute(
                "validate",
                "--node-attr",
                "unique.platform.aws.public-ipv4=203.0.113.7",
                "--node-attr",
                "unique.platform.aws.public-hostname=ec2-203-0-113-7.compute-1.amazonaws.com",
                spec.toString());

        assertThat(exit).as(err2.toString()).isZero();
        assertThat(out2.toString())
                .startsWith(spec + " is valid: job hashicups")
                .doesNotContain("this node cannot");
        assertThat(err2.toString()).doesNotContain("warning: this node");
    }

    @Test
    void aNodeOptionThatIsNotKeyEqualsValueIsAUsageError() throws Exception {
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "a", "driver": "raw_exec", "config": {"command": "/bin/true"}}]}]}}
                """);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", "--node-meta", "zone", spec.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--node-meta zone: expected KEY=VALUE");
    }

    @Test
    void aJobsVolumeIsFoundAmongTheNodesHostVolumesGivenOnTheCommandLine() throws Exception {
        Path spec = root.resolve("db.nomad.hcl");
        Files.writeString(spec, """
                job "db" {
                  group "g" {
                    volume "data" {
                      type   = "host"
                      source = "pg-data"
                    }
                    task "t" {
                      driver = "docker"
                      config { image = "busybox" }
                      volume_mount {
                        volume      = "data"
                        destination = "/var/lib/db"
                      }
                    }
                  }
                }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString()))
                .as("valid: a node with the volume runs it")
                .isZero();
        assertThat(err.toString())
                .contains("warning: this node: job.groups[0].volumes.data.source: the node has no host volume"
                        + " \"pg-data\"; its host volumes: none");
        assertThat(out.toString()).contains("this node cannot run it as it is (1 warning(s) of this node");

        StringWriter outWithVolume = new StringWriter();
        cl.setOut(new PrintWriter(outWithVolume, true));
        assertThat(cl.execute("validate", spec.toString(), "--host-volume", "pg-data=" + root + ":ro"))
                .as("%s", err)
                .isEqualTo(0);
        assertThat(outWithVolume.toString())
                .startsWith(spec + " is valid: job db, 1 group(s), 1 task(s)")
                .doesNotContain("this node cannot");

        assertThat(cl.execute("validate", spec.toString(), "--host-volume", "pg-data=relative"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--host-volume pg-data=relative: expected NAME=PATH[:ro] with an absolute PATH");
        assertThat(cl.execute("validate", spec.toString(), "--csi-volume", "db[0]=relative"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--csi-volume db[0]=relative: expected ID=PATH[:ro] with an absolute PATH");
    }

    @Test
    void aPerAllocationCsiVolumeIsFoundAmongTheCsiVolumesGivenOnTheCommandLine() throws Exception {
        Path spec = NomadCorpusValidateTest.CORPUS.resolve("demo-csi-hostpath-redis.nomad");
        Path published = Files.createDirectories(root.resolve("csi"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString(), "--csi-volume", "test-volume[0]=" + published))
                .isZero();
        assertThat(err.toString())
                .contains("warning: this node: job.groups[0].volumes.volume0.source: the node has no csi volume"
                        + " \"test-volume[1]\"; its csi volumes: test-volume[0]");
        assertThat(out.toString()).contains("this node cannot run it as it is (1 warning(s) of this node");

        StringWriter outWithBoth = new StringWriter();
        StringWriter errWithBoth = new StringWriter();
        cl.setOut(new PrintWriter(outWithBoth, true));
        cl.setErr(new PrintWriter(errWithBoth, true));
        assertThat(cl.execute(
                        "validate",
                        spec.toString(),
                        "--csi-volume",
                        "test-volume[0]=" + published,
                        "--csi-volume",
                        "test-volume[1]=" + published + ":ro"))
                .as("%s", errWithBoth)
                .isZero();
        assertThat(outWithBoth.toString())
                .startsWith(spec + " is valid: job example, 1 group(s), 1 task(s)")
                .doesNotContain("this node cannot");
        assertThat(errWithBoth.toString()).doesNotContain("warning: this node");
    }

    @Test
    void aTaskUserAndCoresThisHostLacksAreWarningsOfThisNodeAtTheTasksFields() throws Exception {
        Path spec = root.resolve("as-user.nomad.hcl");
        Files.writeString(spec, """
                job "as-user" {
                  group "g" {
                    task "t" {
                      driver = "raw_exec"
                      user   = "no-such-user-here"
                      config {
                        command = "/bin/true"
                      }
                      resources {
                        cores = 1000
                      }
                    }
                  }
                }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString()))
                .as("valid: a host with the user and the cores runs it")
                .isZero();
        assertThat(err.toString().lines())
                .satisfiesExactly(
                        cores -> assertThat(cores)
                                .startsWith("warning: this node: job.groups[0].tasks[0].resources.cores: must be at"
                                        + " most "),
                        user -> assertThat(user)
                                .isEqualTo("warning: this node: job.groups[0].tasks[0].user: user 'no-such-user-here'"
                                        + " does not exist on this host"));
        assertThat(out.toString())
                .startsWith(spec + " is valid: job as-user, 1 group(s), 1 task(s); this node cannot run it as it is (2"
                        + " warning(s) of this node: run refuses them here)");
    }

    @Test
    void theHelpShowsTheNodeVariablesEachOptionSets() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));

        assertThat(cl.execute("validate", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("--node-name=NAME ${node.unique.name} (default: the host name).")
                .contains("--datacenter=DC ${node.datacenter} (default: the job's datacenter).")
                .contains("An attribute of the node, ${attr.KEY}, named without attr.")
                .contains("Node meta, ${meta.KEY} (repeatable).")
                .contains("warning: this node: PATH: PROBLEM")
                .doesNotContain("null");
    }
}
