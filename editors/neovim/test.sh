#!/usr/bin/env bash
# Headless Neovim end-to-end test of plugin-lsp on editors/vscode/test-fixture
# (see test-init.lua). Installs Debian's neovim when it is missing, builds
# plugin-lsp unless PLUGIN_LSP_BIN names one, and fails when Neovim fails or
# when a server process outlives the session.
#   PLUGIN_LSP_E2E_PLUGIN=0  skip the plugin-lsp feature checks (REG003, REG001, …; on by default)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

if ! command -v nvim >/dev/null; then
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq neovim >/dev/null
fi
export PATH="$(go env GOPATH)/bin:$PATH"
command -v gopls >/dev/null || (cd "$ROOT" && go install tool)

SCRATCH=$(mktemp -d)
# The server and gopls (and gopls's telemetry child, which starts a session of
# its own) must be gone with the Neovim session. They all carry $SCRATCH in
# their environment (XDG_*), which finds them by id whatever their group.
session_pids() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    if grep -qsF "$SCRATCH" "/proc/$p/environ" 2>/dev/null; then echo "$p"; fi
  done
  return 0
}
NVIM_PID=
cleanup() {
  local rc=$?
  set +e
  # Everything of the session runs in one process group: stop what is left.
  [ -n "$NVIM_PID" ] && kill -KILL -- "-$NVIM_PID" 2>/dev/null
  # What left the group (gopls's telemetry child) when the run was cut short.
  local left
  left=$(session_pids)
  [ -n "$left" ] && kill -KILL $left 2>/dev/null
  rm -rf "$SCRATCH"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${PLUGIN_LSP_BIN:-}" ]; then
  (cd "$ROOT" && go build -o "$SCRATCH/plugin-lsp" ./cmd/plugin-lsp)
  export PLUGIN_LSP_BIN="$SCRATCH/plugin-lsp"
fi
export PLUGIN_LSP_E2E_FIXTURE="$ROOT/editors/vscode/test-fixture"
export PLUGIN_LSP_GOPLS="${PLUGIN_LSP_GOPLS:-$(command -v gopls)}"
# Neovim's own state (shada, logs, swap) stays in the scratch folder.
export XDG_STATE_HOME="$SCRATCH/state" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config"
export GOCACHE="$(go env GOCACHE)" GOPLSCACHE="${GOPLSCACHE:-$HOME/.cache/gopls}"

# -u after --clean: the other order makes 0.7 ignore -u.
setsid timeout -k 5 120 nvim --headless --clean -u "$HERE/test-init.lua" </dev/null &
NVIM_PID=$!
set +e
wait "$NVIM_PID"
rc=$?
set -e
left=
for _ in $(seq 1 50); do
  left=$(session_pids)
  [ -z "$left" ] && break
  sleep 0.1
done
if [ -n "$left" ]; then
  echo "FAIL: processes outlived the Neovim session by 5 s:" >&2
  for p in $left; do echo "  $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2; done
  kill -KILL $left 2>/dev/null || true
  rc=1
fi
if [ "$rc" != 0 ]; then
  echo "neovim test failed (exit $rc)" >&2
else
  echo "neovim test passed"
fi
exit "$rc"
