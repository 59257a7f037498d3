#!/usr/bin/env bash
# Generates src/gen/cri/ (TypeScript, protobuf-es) from the CRI v1 api.proto of Kubernetes 1.26 as vendored
# in cri-tools v1.26.1 (../shared/peers/cri-tools-v1.26.1.tar.gz), with the gogo options file it imports.
# Usage: npm run gen:cri [-- ARCHIVE]. The output is checked in; never edit it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:-${CRI_TOOLS_ARCHIVE:-/work/shared/peers/cri-tools-v1.26.1.tar.gz}}
[ -f "$archive" ] || { echo "gen-cri: $archive not found (pass the cri-tools v1.26.1 archive)" >&2; exit 1; }
top=cri-tools-v1.26.1/vendor
api=k8s.io/cri-api/pkg/apis/runtime/v1/api.proto
gogo=github.com/gogo/protobuf/gogoproto/gogo.proto
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work" "$top/$api" "$top/$gogo"
rm -rf src/gen/cri
# The vendor dir is the import root: api.proto imports gogo.proto by its github path.
npx buf generate "$work/$top" --template scripts/cri/buf.gen.yaml --path "$work/$top/$api"
