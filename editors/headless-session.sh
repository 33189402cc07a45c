# Shared set-up for the headless editor tests (editors/neovim/test.sh,
# editors/emacs/test.sh); sourced, not run. The caller sets HERE and ROOT and
# `set -euo pipefail`. It gets a scratch folder ($SCRATCH), a plugin-lsp binary
# ($PLUGIN_LSP_BIN, built unless given), the fixture and gopls in the
# environment, and clean-up of every process of the session on exit.

# apt_install PKG...: install Debian packages (the caller lists only missing ones).
apt_install() {
  [ $# -gt 0 ] || return 0
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

export PATH="$(go env GOPATH)/bin:$PATH"
command -v gopls >/dev/null || (cd "$ROOT" && go install tool)

SCRATCH=$(mktemp -d)
# The server and gopls (and gopls's telemetry child, which starts a session of
# its own) must be gone with the editor session. They all carry $SCRATCH in
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
SESSION_PID=
cleanup() {
  local rc=$?
  set +e
  # Everything of the session runs in one process group: stop what is left.
  [ -n "$SESSION_PID" ] && kill -KILL -- "-$SESSION_PID" 2>/dev/null
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

# run_session NAME CMD...: run the editor in a session of its own (120 s at
# most), then fail when it failed or when any of its processes outlives it by
# 5 s. Exits with the result.
run_session() {
  local name=$1
  shift
  setsid timeout -k 5 120 "$@" </dev/null &
  SESSION_PID=$!
  set +e
  wait "$SESSION_PID"
  local rc=$?
  set -e
  local left=
  for _ in $(seq 1 50); do
    left=$(session_pids)
    [ -z "$left" ] && break
    sleep 0.1
  done
  if [ -n "$left" ]; then
    echo "FAIL: processes outlived the $name session by 5 s:" >&2
    for p in $left; do echo "  $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2; done
    kill -KILL $left 2>/dev/null || true
    rc=1
  fi
  local lower
  lower=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  if [ "$rc" != 0 ]; then
    echo "$lower test failed (exit $rc)" >&2
  else
    echo "$lower test passed"
  fi
  exit "$rc"
}
