#!/usr/bin/env bash
# Runs docker-py 5.0.3's own integration tests (tests/integration of Debian's python-docker source, the version
# /usr/bin/python3's python3-docker is) against berthd and against Docker's engine (dockerd 20.10) side by side,
# then prints pass/fail counts per engine and the tests that pass on dockerd but not on berthd.
# Not part of npm test. Needs root, /usr/sbin/dockerd, busybox-static,
# python3-pytest, python3-pytest-timeout, python3-paramiko.
#
#   bash scripts/upstream-docker-py.sh [OUTDIR]      (default /var/tmp/berth-upstream-docker-py)
#
# The test source: $DOCKER_PY_SRC (a docker-py 5.0.3 tree with tests/integration) if set, else `apt-get source
# python-docker` from bookworm's deb-src with temporary apt lists (the machine's apt config is not touched).
# No registry traffic: both daemons run in network namespaces of their own that have only loopback (so pulls,
# pushes and logins fail on both alike, and are deselected anyway), and berthd also blocks docker.io.
# The images the tests name (alpine:3.10, alpine:latest, busybox:latest, hello-world:latest) are all the busybox
# fixture of scripts/make-test-images.sh, loaded and tagged on each engine.
# Deselected: swarm, services, secrets, configs, nodes, plugins (berth has no swarm mode nor plugins), and tests
# that pull, push or log in to a registry.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/var/tmp/berth-upstream-docker-py}
PY=/usr/bin/python3
TEST_TIMEOUT=${DOCKER_PY_TEST_TIMEOUT:-120}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

for dep in pytest pytest_timeout docker paramiko; do
  "$PY" -c "import $dep" 2>/dev/null || {
    echo "upstream-docker-py: $PY lacks $dep (apt-get install python3-{pytest,pytest-timeout,docker,paramiko})" >&2
    exit 1
  }
done

# --- the test source ---
SRC=${DOCKER_PY_SRC:-}
if [ -z "$SRC" ]; then
  SRC=$OUT/src
  if [ ! -d "$SRC/tests/integration" ]; then
    APT=$OUT/apt
    mkdir -p "$APT/lists/partial"
    echo 'deb-src http://deb.debian.org/debian bookworm main' >"$APT/sources.list"
    opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null)
    opts+=(-o "Dir::State::Lists=$APT/lists")
    apt-get "${opts[@]}" update >/dev/null
    (cd "$APT" && apt-get "${opts[@]}" source --download-only python-docker=5.0.3-1 >/dev/null) || {
      echo "upstream-docker-py: could not download python-docker's source; set DOCKER_PY_SRC to a 5.0.3 tree" >&2
      exit 1
    }
    rm -rf "$SRC" && mkdir -p "$SRC"
    tar -xzf "$APT"/python-docker_5.0.3.orig.tar.gz -C "$SRC" --strip-components=1
  fi
fi
[ -d "$SRC/tests/integration" ] || {
  echo "upstream-docker-py: $SRC has no tests/integration" >&2
  exit 1
}

# Only tests/ and pytest.ini are copied: the tests import Debian's installed docker package, not the tree's.
WORK=$(mktemp -d /tmp/berth-upstream-py.XXXXXX)
PIDS=()
cleanup() {
  local sock id
  for sock in "$WORK"/*/sock; do # containers outlive berthd (conmon): remove what a test left behind
    [ -S "$sock" ] || continue
    for id in $(curl -sf --unix-socket "$sock" 'http://x/containers/json?all=1' | "$PY" -c \
      'import json,sys; print(" ".join(c["Id"] for c in json.load(sys.stdin)))' 2>/dev/null); do
      curl -sf --unix-socket "$sock" -X DELETE "http://x/containers/$id?force=1&v=1" >/dev/null || true
    done
  done
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done
  { grep " $WORK/" /proc/mounts || true; } | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cp -r "$SRC/tests" "$SRC/pytest.ini" "$WORK/"
# The suite turns every warning into an error; on Python 3.11 docker-py 5.0.3's own use of distutils' StrictVersion
# warns (DeprecationWarning) on every version check, so those alone are let through, on both engines alike.
sed -i "s/warnings.simplefilter('error')/&; warnings.filterwarnings('ignore', category=DeprecationWarning)/" \
  "$WORK/tests/integration/conftest.py"

IMAGES=${BERTH_TEST_IMAGES:-/var/tmp/berth-test-images}
bash "$REPO/scripts/make-test-images.sh" "$IMAGES"

# start_engine NAME CMD...: starts CMD in a network namespace with only loopback; waits for its socket.
start_engine() {
  local name=$1
  shift
  unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@" 2>"$WORK/$name.log" &
  PIDS+=($!)
  local sock=$WORK/$name/sock
  for _ in $(seq 1 300); do
    if curl -sf --unix-socket "$sock" http://x/_ping >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "upstream-docker-py: $name did not start; its log:" >&2
  tail -20 "$WORK/$name.log" >&2
  exit 1
}

load_images() { # load_images SOCKET
  local sock=$1 ref
  curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/x-tar' \
    --data-binary @"$IMAGES/busybox.tar" 'http://x/images/load?quiet=1' >/dev/null
  for ref in alpine:3.10 alpine:latest hello-world:latest; do
    curl -sf --unix-socket "$sock" -X POST "http://x/images/busybox:latest/tag?repo=${ref%%:*}&tag=${ref#*:}" >/dev/null
  done
}

mkdir -p "$WORK/dockerd" "$WORK/berthd"
start_engine dockerd dockerd -H "unix://$WORK/dockerd/sock" --data-root "$WORK/dockerd/root" \
  --exec-root "$WORK/dockerd/exec" --pidfile "$WORK/dockerd/pid"
start_engine berthd node "$REPO/bin/berthd" -H "unix://$WORK/berthd/sock" --data-root "$WORK/berthd/root" \
  --exec-root "$WORK/berthd/exec" --pidfile "$WORK/berthd/pid" --blocked-registry docker.io --dashboard off
load_images "$WORK/dockerd/sock"
load_images "$WORK/berthd/sock"

IGNORE=()
for f in api_swarm api_service api_secret api_config api_plugin models_swarm models_services models_nodes; do
  IGNORE+=(--ignore "tests/integration/${f}_test.py")
done
DESELECT='not pull and not push and not login and not swarm and not plugin'
# Network tests that init a swarm without saying so in their names.
DESELECT+=' and not test_create_inspect_network_with_scope and not test_create_network_attachable'
DESELECT+=' and not test_create_network_ingress'

# Both engines at once, one pytest each (they are mostly waiting on containers), each with a HOME of its own
# (the context tests write next to ~/.docker/config.json, or in ./contexts when there is none).
# Both speak API 1.41, dockerd 20.10's: the same requests to each engine.
for engine in dockerd berthd; do
  mkdir -p "$WORK/$engine/home/.docker"
  echo '{}' >"$WORK/$engine/home/.docker/config.json"
  (cd "$WORK" && HOME="$WORK/$engine/home" DOCKER_TEST_API_VERSION=1.41 DOCKER_HOST="unix://$WORK/$engine/sock" \
    timeout 3600 "$PY" -m pytest -p no:cacheprovider -q \
    --timeout "$TEST_TIMEOUT" "${IGNORE[@]}" -k "$DESELECT" --junitxml "$OUT/$engine.xml" tests/integration \
    >"$OUT/$engine.log" 2>&1 || true) &
done
wait_runs() { # waits for the two pytest runs only, not the daemons
  local pid
  for pid in $(jobs -p); do
    case " ${PIDS[*]} " in *" $pid "*) ;; *) wait "$pid" || true ;; esac
  done
}
wait_runs
cp "$WORK/dockerd.log" "$OUT/dockerd-daemon.log"
cp "$WORK/berthd.log" "$OUT/berthd-daemon.log"

"$PY" - "$OUT" <<'EOF'
import sys, xml.etree.ElementTree as ET
out = sys.argv[1]

def results(engine):
    res = {}
    for case in ET.parse(f'{out}/{engine}.xml').iter('testcase'):
        name = f"{case.get('classname')}::{case.get('name')}"
        kind, msg = 'passed', ''
        for child in case:
            if child.tag in ('failure', 'error', 'skipped'):
                kind = 'failed' if child.tag in ('failure', 'error') else 'skipped'
                msg = (child.get('message') or '').strip().splitlines()[0:1]
                msg = msg[0][:300] if msg else ''
        res[name] = (kind, msg)
    return res

runs = {e: results(e) for e in ('dockerd', 'berthd')}
for engine, res in runs.items():
    kinds = [k for k, _ in res.values()]
    print(f"{engine}: {kinds.count('passed')} passed, {kinds.count('failed')} failed, {kinds.count('skipped')} skipped")
d, b = runs['dockerd'], runs['berthd']
worse = sorted(n for n in d if d[n][0] == 'passed' and b.get(n, ('missing', ''))[0] != 'passed')
better = sorted(n for n in b if b[n][0] == 'passed' and d.get(n, ('missing', ''))[0] != 'passed')
print(f"\npass on dockerd, not on berthd ({len(worse)}):")
for n in worse:
    print(f"  {n}\n      berthd: {b.get(n, ('missing', ''))[0]}: {b.get(n, ('', ''))[1]}")
print(f"\npass on berthd, not on dockerd ({len(better)}):")
for n in better:
    print(f"  {n}\n      dockerd: {d.get(n, ('missing', ''))[0]}: {d.get(n, ('', ''))[1]}")
EOF
