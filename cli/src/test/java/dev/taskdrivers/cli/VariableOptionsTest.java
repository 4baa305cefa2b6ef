package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.spec.VariablesJobFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code validate} takes Nomad's -var and -var-file for a job file's variable blocks, with Nomad's precedence. */
class VariableOptionsTest {
    private static final String JOB = VariablesJobFile.TEXT;

    @TempDir
    Path root;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int validate(String... args) throws Exception {
        Path spec = root.resolve("vars.nomad.hcl");
        Files.writeString(spec, JOB);
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "validate";
        all[1] = spec.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cl.execute(all);
    }

    private Path varFile(String name, String text) throws Exception {
        Path file = root.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theCommandLineWinsOverAVarFileWhichWinsOverTheDefault() throws Exception {
        Path first = varFile("first.hcl", "name = \"from-first-file\"\nworkers = 2\n");
        Path second = varFile("second.hcl", "name = \"from-second-file\"\n");

        assertValidJobNamed("from-default", "-var", "workers=3");
        assertValidJobNamed("from-second-file", "-var-file", first.toString(), "--var-file=" + second);
        assertValidJobNamed(
                "from-cli-again", "-var-file", first.toString(), "-var", "name=from-cli", "--var=name=from-cli-again");
    }

    @Test
    void aVarFileNamedJsonIsAJsonObjectWithTheSamePrecedence() throws Exception {
        Path json = varFile("prod.json", "{\n  \"name\": \"from-json\",\n  \"workers\": 2\n}\n");
        Path hcl = varFile("later.hcl", "name = \"from-hcl\"\n");

        assertValidJobNamed("from-json", "-var-file", json.toString());
        assertValidJobNamed("from-hcl", "-var-file", json.toString(), "-var-file", hcl.toString());
        assertValidJobNamed(
                "from-cli", "-var-file", hcl.toString(), "-var-file", json.toString(), "-var", "name=from-cli");
    }

    /** {@code validate} with {@code args} succeeds and names the job {@code name}. */
    private void assertValidJobNamed(String name, String... args) throws Exception {
        assertThat(validate(args)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("is valid: job " + name + ",");
    }

    @Test
    void aJsonVarFilesProblemsNameTheFileAndTheLine() throws Exception {
        Path wrongType = varFile("wrong.json", "{\n  \"workers\": \"many\",\n  \"extra\": 1\n}\n");
        Path broken = varFile("broken.json", "{\"workers\": 1,\n  \"name\" \"x\"}\n");

        assertThat(validate("-var-file", wrongType.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("job: -var-file " + wrongType
                        + " at line 2, column 3: variable \"workers\" must be a number, found the string \"many\"")
                .contains("job: -var-file " + wrongType + " at line 3, column 3: a value is given for \"extra\" but the"
                        + " job file declares no variable \"extra\"");

        assertThat(validate("-var-file", broken.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("job: -var-file " + broken + " at line 2, column 10: not valid JSON: ");
    }

    @Test
    void anUnknownNameAVariableWithoutValueAndAWrongTypeAreProblemsNamingWhereTheyCameFrom() throws Exception {
        Path file = varFile("extra.hcl", "workers = 1\nextra = true\n");

        assertThat(validate("-var", "nope=1", "-var-file", file.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("job: -var nope: a value is given for \"nope\" but the file declares no variable \"nope\"")
                .contains("job: -var-file " + file + " at line 2, column 1: a value is given for \"extra\" but the"
                        + " job file declares no variable \"extra\"");

        assertThat(validate()).isEqualTo(2);
        assertThat(err.toString())
                .contains("variable \"workers\" has no value: give it a default, set it with -var workers=... or in"
                        + " a -var-file");

        assertThat(validate("-var", "workers=many")).isEqualTo(2);
        assertThat(err.toString()).contains("job: -var workers: variable \"workers\" must be a number");
    }

    @Test
    void aValueWithoutNameOrAnUnreadableVarFileIsAUsageError() throws Exception {
        assertThat(validate("-var", "workers")).isEqualTo(2);
        assertThat(err.toString()).contains("-var workers: expected NAME=VALUE");

        assertThat(validate("-var-file", root.resolve("missing.hcl").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("-var-file " + root.resolve("missing.hcl") + ": cannot read it");
    }

    @Test
    void aJsonSpecRefusesVariableValues() throws Exception {
        Path spec = root.resolve("spec.json");
        Files.writeString(spec, """
                {"job": {"name": "j", "groups": [{"name": "g", "tasks": [
                  {"name": "t", "driver": "raw_exec", "config": {"command": "/bin/true"}}]}]}}
                """);
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertThat(cl.execute("validate", spec.toString(), "-var", "a=b")).isEqualTo(2);
        assertThat(err.toString()).contains("job: variable values (-var, -var-file) are for the variable blocks");
    }
}
