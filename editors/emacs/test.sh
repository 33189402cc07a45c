#!/usr/bin/env bash
# Headless Emacs end-to-end test of plugin-lsp on editors/vscode/test-fixture:
# Debian's emacs 28.2 with eglot 1.9 (elpa-eglot) in `emacs --batch` (see
# test.el). Installs emacs-nox and elpa-eglot when missing, builds plugin-lsp
# unless PLUGIN_LSP_BIN names one, and fails when Emacs fails or when a server
# process outlives the session.
#   PLUGIN_LSP_E2E_PLUGIN=0  skip the plugin-lsp feature checks (REG003, definition of a plugin name)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

missing=()
command -v emacs >/dev/null || missing+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || missing+=(elpa-eglot)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$(go env GOPATH)/bin:$PATH"
command -v gopls >/dev/null || (cd "$ROOT" && go install tool)

SCRATCH=$(mktemp -d)
# The server and gopls (and gopls's telemetry child, which starts a session of
# its own) must be gone with the Emacs session. They all carry $SCRATCH in
# their environment (HOME, XDG_*), which finds them by id whatever their group.
session_pids() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    if grep -qsF "$SCRATCH" "/proc/$p/environ" 2>/dev/null; then echo "$p"; fi
  done
  return 0
}
EMACS_PID=
cleanup() {
  local rc=$?
  set +e
  # Everything of the session runs in one process group: stop what is left.
  [ -n "$EMACS_PID" ] && kill -KILL -- "-$EMACS_PID" 2>/dev/null
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
# Go's and gopls's settings and caches stay the machine's: read them before
# HOME moves.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)" GOENV="$(go env GOENV)"
export GOPLSCACHE="${GOPLSCACHE:-$(dirname "$GOCACHE")/gopls}"
# Emacs's own state stays in the scratch folder; HOME too, so no ~/.emacs.d
# is read or written.
export HOME="$SCRATCH/home" XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache"
mkdir -p "$HOME"

setsid timeout -k 5 120 emacs --batch -Q -l "$HERE/test.el" </dev/null &
EMACS_PID=$!
set +e
wait "$EMACS_PID"
rc=$?
set -e
left=
for _ in $(seq 1 50); do
  left=$(session_pids)
  [ -z "$left" ] && break
  sleep 0.1
done
if [ -n "$left" ]; then
  echo "FAIL: processes outlived the Emacs session by 5 s:" >&2
  for p in $left; do echo "  $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2; done
  kill -KILL $left 2>/dev/null || true
  rc=1
fi
if [ "$rc" != 0 ]; then
  echo "emacs test failed (exit $rc)" >&2
else
  echo "emacs test passed"
fi
exit "$rc"
