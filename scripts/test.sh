#!/usr/bin/env bash
# The whole test suite: build, lint (types, layer rules), then unit and end-to-end tests in one run.
#   scripts/test.sh          everything
#   scripts/test.sh unit     unit tests only (no root needed): src/**/*.test.ts and the in-process API tests in test/api/
#   scripts/test.sh FILE...  just those test files
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent build
if [ "${1:-}" = "unit" ]; then
  mapfile -t files < <(find src test/api -name '*.test.ts' | sort)
elif [ $# -gt 0 ]; then
  files=("$@")
else
  npm run --silent lint
  mapfile -t files < <(find src test -name '*.test.ts' | sort)
  # The longest files first (CI, 2026-12-04: 1-3 min each with their daemons), so that the run does not end on
  # one of them alone on its slot while the other slot has nothing left.
  longest=(cri-critest cri-critest-security clients-compose compose-corpus rootless registry-peers
    buildkit-corpus clients-python compose containers)
  first=()
  for name in "${longest[@]}"; do
    for f in "${files[@]}"; do [ "$f" = "test/e2e/$name.test.ts" ] && first+=("$f"); done
  done
  rest=()
  for f in "${files[@]}"; do [[ " ${first[*]} " == *" $f "* ]] || rest+=("$f"); done
  files=("${first[@]}" "${rest[@]}")
fi
[ ${#files[@]} -gt 0 ] || { echo "no test files found" >&2; exit 1; }

# Rules that stopped test daemons left behind (a run killed half-way, older runs on this host) would take the host
# ports they published from whoever binds them next: removed first. Running daemons' chains stay.
if [ "$(id -u)" = 0 ] && command -v iptables-save >/dev/null; then node --import tsx test/helpers/host-chains.ts; fi

# End-to-end tests each run their own daemon on temporary roots, so files can run side by side. Each file prints
# its wall time (test/helpers/file-clock.ts); the slowest are listed again at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node --import tsx --import ./test/helpers/file-clock.ts --test --test-concurrency="${BERTH_TEST_CONCURRENCY:-2}" \
  --test-timeout=600000 "${files[@]}" | tee "$log" || status=$?
# A report only: it never changes the run's status. (`head` here once ended the pipe early, sort died of SIGPIPE
# and pipefail turned a passing run into exit 141.)
echo "# slowest test files (wall time, seconds):"
grep -o 'file wall time .*' "$log" | awk '{print $4, $6}' | sort -rn | sed -n '1,25s/^/#   /p' || true
exit "$status"
