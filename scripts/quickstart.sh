#!/usr/bin/env bash
# berth's main job on a fresh machine: set up, start berthd in the background, make the busybox
# test image, load it, and run a container from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

SOCK=${BERTH_SOCK:-/run/berth/berth.sock}
export BERTH_HOST="unix://$SOCK"
if ! node bin/berth version >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup node bin/berthd -H "unix://$SOCK" >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 1 100); do node bin/berth version >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "berthd is up on $SOCK (log: /var/log/berthd.log)"

IMAGES=${BERTH_TEST_IMAGES:-/var/lib/berth-test-images}
bash scripts/make-test-images.sh "$IMAGES"
node bin/berth load -i "$IMAGES/busybox.tar"
node bin/berth images
if node bin/berth run --help >/dev/null 2>&1; then
  node bin/berth run --rm busybox echo "hello from a berth container"
fi
