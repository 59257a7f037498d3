#!/usr/bin/env bash
# Idempotent machine setup for berth: system packages berth drives, npm dependencies, the build.
# Run as root on Debian or Ubuntu. Safe to run again; it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages berth drives or its scripts use; busybox-static (not busybox) because test images
# need a statically linked busybox to run in an otherwise empty root. skopeo and docker-registry
# (distribution's server) are the registry's peers in tests and bench; apache2-utils (htpasswd) and zstd
# serve the registry client's tests (htpasswd logins, zstd layers); chromium the dashboard's browser tests;
# tmux the interactive tests (docker and berth driven in a real terminal); python3-docker and docker-compose
# (1.29, on python3-docker) are real clients the client tests drive (test/e2e/clients-*.test.ts); docker.io is
# Docker's own engine (dockerd 20.10), the reference those tests also run against, each on its own socket and
# roots (the package's service is not started here). uidmap (newuidmap/newgidmap), rootlesskit and slirp4netns are
# what a berthd started by an ordinary user runs on (rootless; `berth rootless check` names any that is missing).
# tcpdump: CI's report of what leaves the machine during each phase (scripts/net-watch.sh).
PACKAGES=(runc conmon busybox-static iptables catatonit tini containernetworking-plugins iproute2 attr sqlite3 curl jq xz-utils ca-certificates skopeo docker-registry apache2-utils zstd chromium tmux python3-docker docker-compose docker.io uidmap rootlesskit slirp4netns tcpdump)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Setup reaches only the npm and Debian registries. better-sqlite3's install script would first ask github.com
  # for a prebuilt binary: .prebuild-installrc makes it compile instead, with node-gyp against the installed node's
  # headers, named here so that node-gyp does not download them from nodejs.org either.
  nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
  [ -n "$nodedir" ] && [ "$nodedir" != undefined ] && [ "$nodedir" != null ] || nodedir=/usr
  if [ ! -f "$nodedir/include/node/node_api.h" ]; then
    echo "setup: no node headers in $nodedir/include/node (node-gyp would download them): install your node's headers (Debian: libnode-dev), or set npm_config_nodedir" >&2
    exit 1
  fi
  export npm_config_nodedir=$nodedir
  # `npm install`, not `npm ci`: node-unix-socket lists per-platform optional packages that the registry
  # does not serve, so they cannot be in the lock file and `npm ci` refuses it. The lock still pins versions.
  npm install --no-audit --no-fund
fi
npm run --silent build

# The real clients no package ships (docker-buildx, crictl, critest), built offline from the sources in
# ../shared/peers into a cache directory (about five minutes the first time, then nothing). buildx is not
# installed as the machine's docker CLI plugin: tests that want BuildKit point DOCKER_CONFIG at a directory
# holding it, so `docker build` elsewhere keeps the classic protocol.
PEERS_SRC=${BERTH_PEERS_SRC:-../shared/peers}
PEERS_DIR=${BERTH_PEERS_DIR:-/var/cache/berth-peers}
if [ -f "$PEERS_SRC/build.sh" ]; then
  bash "$PEERS_SRC/build.sh" "$PEERS_DIR"
else
  echo "setup: $PEERS_SRC/build.sh not found; BuildKit and CRI tests will report the peers missing"
fi
# critest's default image is busybox 1.29, whose shell finds `ls` on PATH, so a masked /bin/ls answers "Permission
# denied" (critest's MaskedPaths spec). Debian's busybox-static, which the test images are built from, runs its own
# applets without a PATH lookup; its dynamically linked `busybox` package (which conflicts with busybox-static, so
# it is only unpacked here, not installed) behaves as upstream's. The critest stand-in takes its shell from there.
BUSYBOX_SHELL_DIR="$PEERS_DIR/busybox-shell"
if [ ! -x "$BUSYBOX_SHELL_DIR/bin/busybox" ]; then
  tmp=$(mktemp -d)
  chmod 755 "$tmp" # apt's download user must be able to write there
  (cd "$tmp" && { apt-get download -qq busybox >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq busybox >/dev/null 2>&1; }; })
  mkdir -p "$BUSYBOX_SHELL_DIR"
  dpkg-deb -x "$tmp"/busybox_*.deb "$BUSYBOX_SHELL_DIR"
  rm -rf "$tmp"
fi
echo "setup: done"
