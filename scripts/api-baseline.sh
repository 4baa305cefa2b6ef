#!/usr/bin/env bash
# Records the current public API as the baseline that `mvn verify` checks for compatibility (japicmp).
# Run it when a release is cut:  scripts/api-baseline.sh 0.2.0
# It builds driver-api, service-registry-api, template-api and task-runner, writes api-baseline/<module>-<version>.jar
# (the module's classes), points each module's japicmp.baseline property at the new jar and turns the check on for a
# module that had no baseline yet. Modules named after the version are the only ones recorded, e.g. the first
# baseline of a new API module:  scripts/api-baseline.sh 0.1.0 template-api
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: scripts/api-baseline.sh RELEASE_VERSION [MODULE...]}"
shift
modules=(driver-api service-registry-api template-api task-runner)
if [ "$#" -gt 0 ]; then
  modules=("$@")
fi

mvn -B -ntp -q package -pl "$(IFS=,; echo "${modules[*]}")" -am -DskipTests -Djapicmp.skip -Dspotless.check.skip -Djacoco.skip

mkdir -p api-baseline
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for module in "${modules[@]}"; do
  classes="$work/$module"
  mkdir -p "$classes"
  cp -r "$module/target/classes/." "$classes/"
  find "$classes" -type f ! -name '*.class' -delete
  jar="$module-$version.jar"
  rm -f api-baseline/"$module"-*.jar
  # fixed timestamps: the same code gives the same bytes
  (cd "$classes" && find . -type f -exec touch -d '2000-01-01T00:00:00Z' {} + && jar --create --file "$work/$jar" --no-manifest -C . .)
  mv "$work/$jar" api-baseline/"$jar"
  sed -i "s#<japicmp.baseline>.*</japicmp.baseline>#<japicmp.baseline>$jar</japicmp.baseline>#" "$module/pom.xml"
  sed -i '/<japicmp.skip>true<\/japicmp.skip>/d' "$module/pom.xml"
  echo "api-baseline/$jar: $(unzip -l api-baseline/"$jar" | tail -1 | awk '{print $2}') classes"
done
