package dev.taskdrivers.runner.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A var file whose name ends in {@code .json} is a JSON object of the variables' values, as Nomad reads it. */
class JsonVarFileTest {
    private static final String JOB = VariablesJobFile.TEXT;

    private static JobSpec parse(JobVariables variables) {
        return new SpecParser().withVariables(variables).parse(JOB);
    }

    private static List<String> problems(JobVariables variables) {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> parse(variables));
        assertThat(e).as("refused").isNotNull();
        return e.problems().stream().map(ValidationProblem::toString).toList();
    }

    @Test
    void aJsonFileGivesStringsNumbersListsAndMapsTheirTypes() {
        JobSpec job = parse(JobVariables.none().file("prod.vars.json", """
                {
                  "name": "from-json",
                  "workers": 3,
                  "labels": {"TIER": "web", "ZONE": "a"},
                  "ports": [80, 443]
                }
                """));

        assertThat(job.name()).isEqualTo("from-json");
        assertThat(job.groups().get(0).count()).isEqualTo(3);
        TaskSpec t = job.groups().get(0).tasks().get(0);
        assertThat(t.env()).isEqualTo(Map.of("TIER", "web", "ZONE", "a"));
        assertThat(t.meta()).containsEntry("first_port", "443");
    }

    @Test
    void jsonAndHclFilesAndTheCommandLineKeepNomadsPrecedence() {
        JobVariables files = JobVariables.none()
                .file("first.json", "{\"name\": \"from-json\", \"workers\": 2}")
                .file("second.hcl", "name = \"from-hcl\"\n");

        assertThat(parse(files).name()).isEqualTo("from-hcl");
        assertThat(parse(files.file("third.json", "{\"name\": \"from-last-json\"}"))
                        .name())
                .isEqualTo("from-last-json");
        assertThat(parse(files.value("name", "from-cli")).name()).isEqualTo("from-cli");
        assertThat(parse(files).groups().get(0).count()).isEqualTo(2);
    }

    @Test
    void aJsonStringIsTakenAsItIsNotAsATemplate() {
        // in HCL, %{ starts a template directive
        JobSpec job =
                parse(JobVariables.none().file("v.json", "{\"workers\": 1, \"labels\": {\"RATE\": \"100%{x}\"}}"));

        assertThat(job.groups().get(0).tasks().get(0).env()).containsEntry("RATE", "100%{x}");
    }

    @Test
    void aValueOfTheWrongTypeOrAnUndeclaredNameIsAProblemAtItsLineInTheFile() {
        assertThat(problems(JobVariables.none().file("bad.json", """
                        {
                          "workers": "many",
                          "extra": true,
                          "ports": [80, "https"]
                        }
                        """)))
                .contains(
                        "job: -var-file bad.json at line 2, column 3: variable \"workers\" must be a number,"
                                + " found the string \"many\"",
                        "job: -var-file bad.json at line 3, column 3: a value is given for \"extra\" but the job file"
                                + " declares no variable \"extra\"")
                .contains(
                        "job: -var-file bad.json at line 4, column 3: variable \"ports\"[1] must be a number, found the"
                                + " string \"https\"");
    }

    @Test
    void invalidJsonIsAProblemAtItsLineAndColumn() {
        assertThat(problems(JobVariables.none().file("broken.json", "{\n  \"workers\": 1,\n  \"name\" \"x\"\n}")))
                .singleElement()
                .asString()
                .startsWith("job: -var-file broken.json at line 3, column 10: not valid JSON: ");
    }

    @Test
    void aJsonFileThatIsNotOneObjectOrGivesANameTwiceIsRefused() {
        assertThat(problems(JobVariables.none().value("workers", "1").file("list.json", "[1, 2]")))
                .singleElement()
                .asString()
                .isEqualTo("job: -var-file list.json at line 1, column 1: a JSON var file holds one object of"
                        + " \"name\": value members, as in {\"image\": \"redis:7\"}; found an array");
        assertThat(problems(JobVariables.none().file("twice.json", "{\"workers\": 1,\n \"workers\": 2}")))
                .singleElement()
                .asString()
                .isEqualTo("job: -var-file twice.json at line 2, column 2: \"workers\" is given a value twice; the"
                        + " first is at line 1, column 2");
    }

    @Test
    void onlyANameEndingInJsonIsReadAsJson() {
        assertThat(problems(JobVariables.none().value("workers", "1").file("vars.hcl", "{\"workers\": 1}")))
                .singleElement()
                .asString()
                .startsWith("job: -var-file vars.hcl at line 1, column 1: ");
    }
}
