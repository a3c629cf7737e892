#!/usr/bin/env bash
# PolicyStress entry point.
#   ./run.sh              restore, build (Release) and run the default suite on this machine
#   ./run.sh test         restore, build and run every test
#   ./run.sh bench ...    BenchmarkDotNet micro-benchmarks of the engine (args go to BenchmarkDotNet)
#   ./run.sh profile ...  one `run` configuration under dotnet-trace (restores the local tools first)
#   ./run.sh <verb> ...   run `policystress <verb> ...` (figures, run, suite, conformance, topology, ...)
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Quiet build: nothing on stdout, so `./run.sh <verb> | head` or `> out.txt` carries only the program's
# output. MSBuild prints errors on stdout, hence >&2; `dotnet msbuild -restore` is `dotnet build` without
# the "Build succeeded" summary that `dotnet build` adds whatever the verbosity.
build() {
  dotnet msbuild PolicyStress.sln -restore -p:Configuration=Release -nologo -v:quiet "-clp:ErrorsOnly;NoSummary" "$@" >&2
}

verb="${1:-}"
case "$verb" in
  test)
    shift
    build
    log=$(mktemp)
    set +e
    dotnet test PolicyStress.sln -c Release --no-build -nologo -v quiet "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    # One closing line over every test project, in the plain form CI reads.
    awk '/(Passed|Failed)!/ { for (i = 1; i < NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
         END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' "$log" || rc=1
    rm -f "$log"
    exit "$rc"
    ;;
  bench)
    shift
    build
    [ $# -eq 0 ] && set -- --filter '*' --job short
    # Artifacts (CSV, full JSON, markdown, logs) per commit under results/bench/ (git-ignored), unless given.
    case " $* " in
      *" --artifacts "*|*" -a "*) ;;
      *) set -- --artifacts "results/bench/$(git rev-parse --short=12 HEAD 2>/dev/null || echo no-git)" "$@" ;;
    esac
    exec dotnet bench/PolicyStress.Benchmarks/bin/Release/net10.0/PolicyStress.Benchmarks.dll "$@"
    ;;
  profile)
    # dotnet-trace is a local tool (dotnet-tools.json): restored only for the verb that needs it.
    dotnet tool restore -v quiet > /dev/null
    ;&
  *)
    build
    # No verb: the default suite (README, "Two commands").
    [ $# -eq 0 ] && set -- suite
    # The apphost, so the process is named policystress (dotnet-counters monitor -n policystress).
    exec src/PolicyStress.Cli/bin/Release/net10.0/policystress "$@"
    ;;
esac
