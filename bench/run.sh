#!/usr/bin/env bash
# The benchmark of issue 4, in one command:
#   ./bench/run.sh [--size quick|default] [--results DIR] [--runs N] [--only ID,ID,...]
#   ./bench/run.sh --search [--series N] [--queries N]   (the search workload alone: searchSeries over
#                                                         100,000 series by default, p50/p95 printed)
# Builds what is missing, starts Almanac (embedded PostgreSQL, three subgraphs, Hive Gateway) and the
# PostgreSQL baseline (its subgraph JVM and a second Hive Gateway), loads the dataset into both, runs
# every workload, prints the table, writes bench/results/{results.md,results.csv,latency.png} and
# stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."

for dir in schema gateway-config; do
  if [ ! -d "$dir/node_modules" ]; then
    echo "Installing npm packages in $dir ..."
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

stale() {
  for module in financial-subgraph crawler-write-api user-subgraph; do
    ls "$module"/target/"$module"-*.jar >/dev/null 2>&1 || return 0
  done
  [ -f bench/target/classpath.txt ] && [ -d bench/target/classes/io ] || return 0
  [ -n "$(find pom.xml schema timeseries-store subgraph-common financial-subgraph crawler-write-api user-subgraph local-stack bench \
      -path '*/target' -prune -o -path '*/node_modules' -prune -o -path 'bench/results' -prune -o \
      -type f -newer bench/target/classpath.txt -print -quit)" ]
}

if stale; then
  echo "Building (mvn -DskipTests package -pl bench -am) ..."
  mvn -B -q -DskipTests package -pl bench -am
  touch bench/target/classpath.txt
fi

revision="${BENCH_REVISION:-$(git rev-parse --short HEAD 2>/dev/null || true)}"
if [ -n "$revision" ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  revision="$revision (with uncommitted changes)"
fi
classpath="$PWD/bench/target/classes:$(cat bench/target/classpath.txt)"
# BENCH_JAVA_OPTS: extra options of the runner's JVM, e.g. -Dbench.profile=DIR (JFRs of the financial
# subgraph and the crawler during T1 and T2 at 16 clients) or -Dbench.concurrency.segmentSeconds=4 (T1/T2 segment length).
# shellcheck disable=SC2086
exec java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} \
  -Dalmanac.home="$PWD" -Dbench.almanac.revision="$revision" -Dbench.classpath="$classpath" -cp "$classpath" \
  io.almanac.bench.BenchMain "$@"
