#!/usr/bin/env bash
# What a scheduler that imports the BOM gets at run time: installs the SDK into a scratch local repository (a copy of
# ~/.m2, so nothing of the developer's is touched), builds a consumer pom that imports taskdrivers-bom and depends on
# task-runner, driver-exec, driver-docker and consul-service, and lists its run-time dependencies. It fails when two
# Jackson artifacts (annotations aside, which Jackson versions as MAJOR.MINOR) or commons-lang3 disagree with the SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "${HOME}/.m2/repository" "$work/repo"
rm -rf "$work/repo/dev/taskdrivers"
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)"
mvn -B -ntp -o -q install -DskipTests -Djapicmp.skip -Dspotless.check.skip -Djacoco.skip -Dtaskdrivers.cds.skip \
  -Dmaven.repo.local="$work/repo"
mkdir "$work/consumer"
cat > "$work/consumer/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>scheduler</artifactId><version>1</version>
  <dependencyManagement><dependencies>
    <dependency><groupId>dev.taskdrivers</groupId><artifactId>taskdrivers-bom</artifactId><version>$version</version>
      <type>pom</type><scope>import</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>dev.taskdrivers</groupId><artifactId>task-runner</artifactId></dependency>
    <dependency><groupId>dev.taskdrivers</groupId><artifactId>driver-exec</artifactId></dependency>
    <dependency><groupId>dev.taskdrivers</groupId><artifactId>driver-docker</artifactId></dependency>
    <dependency><groupId>dev.taskdrivers</groupId><artifactId>consul-service</artifactId></dependency>
  </dependencies>
</project>
POM
(cd "$work/consumer" && mvn -B -ntp -o -Dmaven.repo.local="$work/repo" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:list -DincludeScope=runtime -DoutputFile=deps.txt -q)
sort "$work/consumer/deps.txt" | grep -E 'jackson|commons-lang3|guava|slf4j' | sed 's/^ *//'
jackson="$(grep -oE 'com\.fasterxml\.jackson\.[a-z.]+:[a-z0-9-]+:jar:[0-9.]+' "$work/consumer/deps.txt" \
  | grep -v jackson-annotations | awk -F: '{print $4}' | sort -u)"
lang3="$(grep -oE 'org\.apache\.commons:commons-lang3:jar:[0-9.]+' "$work/consumer/deps.txt" | awk -F: '{print $4}')"
expected_jackson="$(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' pom.xml | head -1)"
if [ "$jackson" != "$expected_jackson" ] || { [ -n "$lang3" ] && [ "$lang3" != "3.19.0" ]; }; then
  echo "check-bom: misaligned: jackson [$jackson] (want $expected_jackson), commons-lang3 [$lang3] (want 3.19.0)" >&2
  exit 1
fi
echo "check-bom: aligned: every Jackson artifact at $jackson, commons-lang3 at ${lang3:-absent}"
