#!/usr/bin/env bash
# Makes berth's test images from distribution packages, with no registry and no Docker engine:
#   OUTDIR/busybox.tar      docker-archive, busybox:latest (static busybox, every applet linked)
#   OUTDIR/busybox-oci.tar  the same image as an OCI image layout (gzip layer)
#   OUTDIR/layered.tar      docker-archive, berth-test/layered:latest, three layers:
#                             1. busybox + /data/keep, /data/gone, /opaque/old
#                             2. deletes /data/gone (whiteout), adds /data/new
#                             3. makes /opaque opaque (drops /opaque/old), adds /opaque/fresh
#                           so a container sees /data/keep, /data/new, /opaque/fresh and nothing else there.
# Output is deterministic (fixed mtimes, sorted entries, numeric owners): image IDs are stable run to run.
set -euo pipefail
OUT=${1:?usage: make-test-images.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SELF=$(readlink -f "$0")
if [ -s "$OUT/busybox.tar" ] && [ -s "$OUT/busybox-oci.tar" ] && [ -s "$OUT/layered.tar" ] && [ "$OUT/layered.tar" -nt "$SELF" ]; then
  exit 0
fi

BUSYBOX=$(command -v busybox || true)
if [ -z "$BUSYBOX" ] || ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
  echo "make-test-images: needs the busybox-static package (apt-get install busybox-static)" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
EPOCH=1700000000
CREATED=2023-11-14T22:13:20Z
case "$(dpkg --print-architecture)" in
  amd64) ARCH=amd64 ;; arm64) ARCH=arm64 ;; armhf) ARCH=arm ;; i386) ARCH=386 ;; *) ARCH=$(dpkg --print-architecture) ;;
esac

det_tar() { # det_tar DIR OUTFILE: a reproducible tar of DIR's contents
  (cd "$1" && tar --sort=name --mtime="@$EPOCH" --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$2" .)
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- the busybox root ---
ROOT=$WORK/rootfs
mkdir -p "$ROOT"/{bin,etc,tmp,root,home/app,var,proc,sys,dev}
cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 0755 "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$ROOT/bin/$applet"
done
chmod 1777 "$ROOT/tmp"
chmod 0700 "$ROOT/root"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$ROOT/etc/passwd"
printf 'root:x:0:\napp:x:1000:\nstaff:x:50:app\nnogroup:x:65534:\n' >"$ROOT/etc/group"
chown -R 1000:1000 "$ROOT/home/app"
det_tar "$ROOT" "$WORK/base.tar"

ENV='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'

# write_docker_archive NAME:TAG OUTFILE "history-json" LAYER.tar...
write_docker_archive() {
  local ref=$1 outfile=$2 history=$3; shift 3
  local dir=$WORK/archive.$RANDOM
  mkdir -p "$dir"
  local diff_ids="" layers_json=""
  for layer in "$@"; do
    local h; h=$(sha "$layer")
    mkdir -p "$dir/$h"
    cp "$layer" "$dir/$h/layer.tar"
    diff_ids="$diff_ids${diff_ids:+,}\"sha256:$h\""
    layers_json="$layers_json${layers_json:+,}\"$h/layer.tar\""
  done
  printf '{"architecture":"%s","config":{"Env":[%s],"Cmd":["sh"]},"created":"%s","history":[%s],"os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$ARCH" "$ENV" "$CREATED" "$history" "$diff_ids" >"$dir/config.json"
  local cfg; cfg=$(sha "$dir/config.json")
  mv "$dir/config.json" "$dir/$cfg.json"
  local repo=${ref%:*} tag=${ref##*:}
  local top; top=$(sha "${@: -1}")
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]' "$cfg" "$ref" "$layers_json" >"$dir/manifest.json"
  printf '{"%s":{"%s":"%s"}}' "$repo" "$tag" "$top" >"$dir/repositories"
  det_tar "$dir" "$outfile"
}

HIST_BASE='{"created":"'$CREATED'","created_by":"/bin/sh -c #(nop) ADD busybox-static rootfs in /"},{"created":"'$CREATED'","created_by":"/bin/sh -c #(nop)  CMD [\"sh\"]","empty_layer":true}'
write_docker_archive busybox:latest "$WORK/busybox.tar" "$HIST_BASE" "$WORK/base.tar"

# --- the OCI layout of the same image, gzip layer ---
OCI=$WORK/oci
mkdir -p "$OCI/blobs/sha256"
gzip -n -9 -c "$WORK/base.tar" >"$WORK/base.tar.gz"
GZ=$(sha "$WORK/base.tar.gz"); GZSIZE=$(stat -c %s "$WORK/base.tar.gz")
cp "$WORK/base.tar.gz" "$OCI/blobs/sha256/$GZ"
printf '{"architecture":"%s","config":{"Env":[%s],"Cmd":["sh"]},"created":"%s","history":[%s],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$ARCH" "$ENV" "$CREATED" "$HIST_BASE" "$(sha "$WORK/base.tar")" >"$WORK/oci-config.json"
CFG=$(sha "$WORK/oci-config.json"); CFGSIZE=$(stat -c %s "$WORK/oci-config.json")
cp "$WORK/oci-config.json" "$OCI/blobs/sha256/$CFG"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$CFG" "$CFGSIZE" "$GZ" "$GZSIZE" >"$WORK/oci-manifest.json"
MAN=$(sha "$WORK/oci-manifest.json"); MANSIZE=$(stat -c %s "$WORK/oci-manifest.json")
cp "$WORK/oci-manifest.json" "$OCI/blobs/sha256/$MAN"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"docker.io/library/busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' \
  "$MAN" "$MANSIZE" >"$OCI/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$OCI/oci-layout"
det_tar "$OCI" "$WORK/busybox-oci.tar"

# --- the layered image: whiteouts and an opaque directory ---
L1=$WORK/l1; cp -a "$ROOT" "$L1"
mkdir -p "$L1/data" "$L1/opaque"
echo keep >"$L1/data/keep"; echo gone >"$L1/data/gone"; echo old >"$L1/opaque/old"
det_tar "$L1" "$WORK/l1.tar"
L2=$WORK/l2; mkdir -p "$L2/data"
: >"$L2/data/.wh.gone"; echo new >"$L2/data/new"
det_tar "$L2" "$WORK/l2.tar"
L3=$WORK/l3; mkdir -p "$L3/opaque"
: >"$L3/opaque/.wh..wh..opq"; echo fresh >"$L3/opaque/fresh"
det_tar "$L3" "$WORK/l3.tar"
HIST_LAYERED='{"created":"'$CREATED'","created_by":"base"},{"created":"'$CREATED'","created_by":"rm /data/gone; add /data/new"},{"created":"'$CREATED'","created_by":"make /opaque opaque; add /opaque/fresh"}'
write_docker_archive berth-test/layered:latest "$WORK/layered.tar" "$HIST_LAYERED" "$WORK/l1.tar" "$WORK/l2.tar" "$WORK/l3.tar"

mv "$WORK/busybox.tar" "$WORK/busybox-oci.tar" "$OUT/"
mv "$WORK/layered.tar" "$OUT/"
echo "make-test-images: wrote $OUT/busybox.tar $OUT/busybox-oci.tar $OUT/layered.tar"
