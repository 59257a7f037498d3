#!/usr/bin/env bash
# npm run bench: berth against Docker's engine, side by side. Needs root (daemons, mounts, runc).
# Settings (environment): BENCH_N, BENCH_WARMUP (quick workloads), BENCH_HEAVY_N (heavy ones), BENCH_ONLY=id,id.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "bench: needs root (it starts dockerd and berthd, mounts overlays and runs runc)" >&2
  exit 1
fi

# Build berth when dist/ is missing or older than any source file.
if [ ! -f dist/src/daemon/main.js ] || [ -n "$(find src -name '*.ts' -newer dist/src/daemon/main.js -print -quit)" ]; then
  echo "bench: building berth" >&2
  if ! npm run build >&2; then
    [ -f dist/src/daemon/main.js ] || { echo "bench: the build failed and there is no earlier build" >&2; exit 1; }
    echo "bench: the build failed (work in progress in src/?); benchmarking the earlier build in dist/" >&2
  fi
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker >/dev/null || missing+=(docker.io)
command -v runc >/dev/null || missing+=(runc)
command -v conmon >/dev/null || missing+=(conmon)
command -v busybox >/dev/null || missing+=(busybox-static)
command -v skopeo >/dev/null || missing+=(skopeo)
command -v docker-registry >/dev/null || missing+=(docker-registry)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]} from the distribution's packages" >&2
  apt-get install -y "${missing[@]}" >&2
fi

# One run at a time: both runs would use the same sockets and roots under bench/.work. Wait for the other.
mkdir -p bench/.work
exec 9>bench/.work/run.lock
if ! flock -n 9; then
  echo "bench: another bench run holds bench/.work/run.lock; waiting for it" >&2
  flock 9
fi
exec node --import tsx bench/main.ts
