#!/usr/bin/env bash
# Builds the dashboard SPA (dashboard/ -> dist/dashboard/) with Vite, only when its sources changed,
# so the many `npm run build`s of the test runs stay fast.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/dashboard/index.html
# The SPA also bundles the shared engine client and the types it reads (src/client, src/gen, src/spec).
if [ -f "$out" ] && [ -z "$(find dashboard src/client src/gen src/spec package-lock.json -newer "$out" -print -quit)" ]; then
  exit 0
fi
npx vite build --config dashboard/vite.config.mjs
touch "$out"
