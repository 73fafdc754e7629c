#!/usr/bin/env bash
# End-to-end test of the REAL desktop app: the built binary under Xvfb, driven through
# tauri-driver -> WebKitWebDriver by webdriverio under node:test (tests/app-e2e/*.e2e.mjs).
# Usage: scripts/app-e2e.sh [path/to/trellis-desktop]   (default: $CARGO_TARGET_DIR or target, debug/)
# Env: TRELLIS_CLI (default target/debug/trellis) is used to read back what the app saved;
#      SCREENSHOT_DIR (default target/app-e2e) receives the screenshots;
#      E2E_FILES (default tests/app-e2e/*.e2e.mjs) selects the test files.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
APP_BINARY="$(realpath "${1:-$TARGET_DIR/debug/trellis-desktop}")"
export APP_BINARY
TRELLIS_CLI="$(realpath "${TRELLIS_CLI:-$TARGET_DIR/debug/trellis}")"
export TRELLIS_CLI
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/target/app-e2e}"
mkdir -p "$SCREENSHOT_DIR"
for tool in tauri-driver WebKitWebDriver Xvfb node; do
  command -v "$tool" >/dev/null || { echo "app-e2e: $tool is missing; run scripts/setup" >&2; exit 1; }
done

# A private home for the app: documents, recent list and WebKit data go to a scratch directory.
WORK="$(mktemp -d)"
export TRELLIS_DOCUMENTS_DIR="$WORK/documents" XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache"
export E2E_WORK="$WORK"
# Debug builds of the app accept paths under these folders without a file dialog (the tests pass
# paths to the commands); release builds ignore it. See src-tauri/src/grants.rs.
export TRELLIS_TEST_GRANTS="$WORK:$ROOT/../shared/samples"

pids=()
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # WebKit helper processes may still be flushing caches into $WORK for a moment.
  sleep 0.5
  rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK" 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  # No display: our own Xvfb on a free display number.
  exec 3<> <(:)
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$SCREENSHOT_DIR/xvfb.log" 2>&1 &
  pids+=($!)
  read -r -t 10 n <&3
  export DISPLAY=":$n"
fi

PORT="${TAURI_DRIVER_PORT:-4444}"
export TAURI_DRIVER_PORT="$PORT"
tauri-driver --port "$PORT" --native-port "$((PORT + 1))" >"$SCREENSHOT_DIR/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (echo >/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.1
done

cd "$ROOT"
# Node 20 does not match *.e2e.mjs by default: list the files explicitly (E2E_FILES picks some).
# shellcheck disable=SC2086
node --test --test-concurrency=1 --test-reporter=spec ${E2E_FILES:-tests/app-e2e/*.e2e.mjs}
