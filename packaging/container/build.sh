#!/usr/bin/env bash
# Builds the control plane's runtime tree: the Dockerfile's build stage runs this, and so does
# test/packaging/container-build.test.ts outside Docker, so the two cannot drift.
#
#   build.sh SRC OUT
#
# SRC is a checkout (its node_modules is installed with `npm ci` when absent: the console build and the TypeScript
# compile need the dev dependencies). OUT receives:
#   packaging/container/entry.ts, packaging/ci/upload-bundle.ts and what they import, compiled to ESM, same layout
#   models/bundles/default/                 the model bundle the server scores with
#   control-plane/console/dist/             the fleet console (when control-plane/console/build.ts exists)
#   node_modules/                           production dependencies only
#
# Environment:
#   VIGIL_DEPS=npm|copy       npm (default): `npm ci --omit=dev` in OUT from the lockfile.
#                             copy: copy the production dependency tree from SRC/node_modules (fast, offline; tests)
#   VIGIL_CONSOLE=auto|require|skip
#                             auto (default): build the console when control-plane/console/build.ts exists;
#                             require: fail when it is missing (the image build sets this); skip: do not build it
#   VIGIL_ORT_ARCH=x64|arm64  keep only this linux onnxruntime binding (default: both linux ones)
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: build.sh SRC OUT" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
deps=${VIGIL_DEPS:-npm}
log() { echo "build.sh: $*" >&2; }

case "$deps" in npm | copy) ;; *)
  log "VIGIL_DEPS must be npm or copy, got '$deps'"
  exit 2
  ;;
esac
if [ -n "$(ls -A "$out")" ]; then
  log "output directory $out is not empty"
  exit 2
fi

cd "$src"
if [ ! -d node_modules ]; then
  log "installing build dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# 1. The console is static files built from control-plane/console by its own script.
console=${VIGIL_CONSOLE:-auto}
case "$console" in
skip) log "console: skipped (VIGIL_CONSOLE=skip); this build serves no console" ;;
auto | require)
  if [ -f control-plane/console/build.ts ]; then
    log "building the console"
    npx --no-install tsx control-plane/console/build.ts
  elif [ "$console" = require ]; then
    log "control-plane/console/build.ts is missing and VIGIL_CONSOLE=require"
    exit 1
  else
    log "console: control-plane/console/build.ts not found; this build serves no console"
  fi
  ;;
*)
  log "VIGIL_CONSOLE must be auto, require or skip, got '$console'"
  exit 2
  ;;
esac

# 2. Compile what the image's entry point and the bundle uploader import (their import graph, nothing else).
npx --no-install tsx packaging/container/transpile.ts --src "$src" --out "$out" \
  packaging/container/entry.ts packaging/ci/upload-bundle.ts

# 3. Runtime resources, at the same relative paths the code resolves them from.
mkdir -p "$out/models/bundles"
cp -R models/bundles/default "$out/models/bundles/default"
if [ "$console" != skip ] && [ -d control-plane/console/dist ]; then
  mkdir -p "$out/control-plane/console"
  cp -R control-plane/console/dist "$out/control-plane/console/dist"
fi
cp package.json package-lock.json .npmrc "$out/"

# 4. Production dependencies only. Install scripts are off: the only ones in the tree are onnxruntime-node's CUDA
# download (skipped anyway, the CPU binaries ship in the package) and core-js's banner.
if [ "$deps" = npm ]; then
  log "installing production dependencies (npm ci --omit=dev)"
  (cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline)
else
  log "copying production dependencies from $src/node_modules"
  npm ls --omit=dev --all --parseable 2>/dev/null | while read -r dir; do
    rel=${dir#"$src"/}
    [ "$rel" = "$dir" ] && continue # the project itself
    mkdir -p "$out/$rel"
    tar -C "$dir" --exclude=./node_modules -cf - . | tar -C "$out/$rel" -xf -
  done
fi

# 5. onnxruntime-node ships binaries for every platform (about 290 MB); the server needs one linux binding.
ort="$out/node_modules/onnxruntime-node/bin"
if [ -d "$ort" ]; then
  find "$ort" -mindepth 2 -maxdepth 2 -type d ! -name linux -exec rm -rf {} +
  if [ -n "${VIGIL_ORT_ARCH:-}" ]; then
    find "$ort" -mindepth 3 -maxdepth 3 -type d -path '*/linux/*' ! -name "$VIGIL_ORT_ARCH" -exec rm -rf {} +
  fi
fi
# Source maps and type declarations are never read at run time (about 240 MB of the production tree, mostly tfjs).
find "$out/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
log "runtime tree ready in $out ($(du -sh "$out" | cut -f1))"
