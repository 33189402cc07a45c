#!/usr/bin/env bash
# End-to-end test of the plugin-lsp VS Code extension in a real VS Code
# (code-server 4.100.3 = VS Code 1.100.3) driven in Chromium, then the headless
# Neovim test (editors/neovim/test.sh) and the headless Emacs + eglot test
# (editors/emacs/test.sh).
#
# Sets up everything it needs on a fresh Debian machine (apt packages only when
# missing; npm tools into editors/vscode/.e2e/, git-ignored), builds
# plugin-lsp, packages the extension (`npm run package`: vsce, a pinned
# devDependency) and installs the .vsix into an isolated code-server, runs the
# extension-host test suites through the workbench's test payload (the
# features: test/suite/index.js; next to vscode-go: vscode-go.js; a new user
# without plugin-lsp or gopls who accepts the install prompt: install.js),
# keeps screenshots in .artifacts/vscode-e2e/, and stops every process it
# started.
#
# Environment:
#   PLUGIN_LSP_E2E_PLUGIN=0   skip the plugin-lsp feature cases, which run by
#                             default (test/suite/plugin.cases.js, the plugin
#                             parts of editors/neovim/test-init.lua and
#                             editors/emacs/test.el), to debug the editor wiring
#                             alone; or a subset: =diagnostics,settings,hover,
#                             definition,mention,completion,status,related,codelens,quickfix,
#                             graph,statusbar
#   PLUGIN_LSP_E2E_SKIP_NVIM=1  skip the Neovim test
#   PLUGIN_LSP_E2E_SKIP_EMACS=1 skip the Emacs test
#   PLUGIN_LSP_E2E_SKIP_INSTALL=1 skip the install-prompt window (it runs
#                             go install of this checkout and of gopls)
#   PLUGIN_LSP_E2E_KEEP=1     keep the scratch folder (.e2e/run.*) for debugging
#   PLUGIN_LSP_BIN=path       test this plugin-lsp binary instead of building one
#                             (the install window still builds this checkout:
#                             its subject is the extension's go install)
# Exit status: 0 when every test passed, non-zero otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
E2E="$HERE/.e2e"
TOOLS="$E2E/tools"
ART="$ROOT/.artifacts/vscode-e2e"
FIXTURE="$HERE/test-fixture"

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
TOOLS_STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"

T0=$(date +%s)
phase() { echo "== [$(($(date +%s) - T0))s] $*"; }

mkdir -p "$E2E" "$ART"
RUN=$(mktemp -d "$E2E/run.XXXXXX")
# Everything this script starts runs in its own session (setsid), so that its
# whole process group can be stopped by that one id.
PIDS=()

# Lists the pids of processes that belong to this run: their command line or
# environment names the run's scratch folder. Used to find what escaped a
# process group (Chromium's crash handler does).
run_pids() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = "$$" ] && continue
    if grep -qsF "$RUN" "/proc/$p/cmdline" 2>/dev/null || grep -qsF "$RUN" "/proc/$p/environ" 2>/dev/null; then
      echo "$p"
    fi
  done
}

cleanup() {
  local rc=$?
  set +e
  local pid
  # A command run through fg_run (driver, editor test scripts) first, so that
  # it can stop what it started itself.
  if [ -n "${FG:-}" ]; then
    kill -TERM "$FG" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$FG" 2>/dev/null || break
      sleep 0.1
    done
  fi
  for pid in "${PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null
  done
  for _ in $(seq 1 30); do
    local alive=0
    for pid in "${PIDS[@]}"; do
      kill -0 -- "-$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do
    kill -KILL -- "-$pid" 2>/dev/null
  done
  local left
  left=$(run_pids)
  if [ -n "$left" ]; then
    echo "stopping processes of this run that left their group: $(echo $left)" >&2
    kill -KILL $left 2>/dev/null
    sleep 0.2
    left=$(run_pids)
    if [ -n "$left" ]; then
      echo "FAIL: processes still running: $(echo $left)" >&2
      rc=1
    fi
  fi
  # Keep the logs; drop the scratch folder unless asked to keep it.
  # This run's logs only (cp -r into an existing folder would nest them).
  [ -d "$RUN/user-data/logs" ] && rm -rf "$ART/code-server-logs" && cp -r "$RUN/user-data/logs" "$ART/code-server-logs" 2>/dev/null
  [ -f "$RUN/code-server.log" ] && cp "$RUN/code-server.log" "$ART/" 2>/dev/null
  [ -f "$RUN/code-server-install.log" ] && cp "$RUN/code-server-install.log" "$ART/" 2>/dev/null
  [ -f "$RUN/sync/results.log" ] && cp "$RUN/sync/results.log" "$ART/" 2>/dev/null
  [ -f "$RUN/sync/browser-console.log" ] && cp "$RUN/sync/browser-console.log" "$ART/" 2>/dev/null
  if [ "${PLUGIN_LSP_E2E_KEEP:-}" != 1 ]; then
    rm -rf "$RUN"
  fi
  if [ "$rc" = 0 ]; then
    phase "PASS (artifacts in $ART)"
  else
    phase "FAIL (exit $rc; logs in $ART)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs "$@" in the background and waits for it: the shell runs a trap only
# between commands, so a signal would otherwise wait for a 2-minute driver.
FG=
fg_run() {
  "$@" &
  FG=$!
  local rc=0
  wait "$FG" || rc=$?
  FG=
  return "$rc"
}

# Starts "$@" in a new session with output to $LOG; sets STARTED to its pid.
start_bg() {
  setsid "$@" >"$LOG" 2>&1 </dev/null &
  STARTED=$!
  PIDS+=("$STARTED")
}

# ---------------------------------------------------------------- packages
phase "system packages"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
command -v nvim >/dev/null || missing+=(neovim)
command -v emacs >/dev/null || missing+=(emacs-nox)
for p in libkrb5-dev libsecret-1-dev elpa-eglot; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v node >/dev/null || { echo "node (20) is required" >&2; exit 2; }

export PATH="$(go env GOPATH)/bin:$PATH"
if ! command -v gopls >/dev/null; then
  phase "installing the pinned gopls"
  (cd "$ROOT" && go install tool)
fi
GOPLS=$(command -v gopls)

# ---------------------------------------------------------------- npm tools
if [ "$(cat "$TOOLS/.stamp" 2>/dev/null)" != "$TOOLS_STAMP" ]; then
  phase "npm install $TOOLS_STAMP"
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS" "$E2E/tmp"
  # code-server's ripgrep postinstall downloads a binary: seed its cache with
  # Debian's rg instead.
  RGCACHE="$E2E/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RGCACHE"
  RGTMP=$(mktemp -d "$E2E/tmp/rg.XXXXXX")
  cp "$(command -v rg)" "$RGTMP/rg"
  tar -C "$RGTMP" -czf "$RGCACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  rm -rf "$RGTMP"
  echo '{"private": true}' >"$TOOLS/package.json"
  (cd "$TOOLS" && TMPDIR="$E2E/tmp" npm_config_yes=true npm_config_unsafe_perm=true \
    npm install --no-audit --no-fund --loglevel=error --save-exact \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
  echo "$TOOLS_STAMP" >"$TOOLS/.stamp"
fi
CODE_SERVER="$TOOLS/node_modules/.bin/code-server"

# The extension's dependencies, vsce and mermaid included (devDependencies),
# exactly as package-lock.json pins them; again only when the lock changed.
LOCK_SUM=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$HERE/node_modules/.lock-sha256" 2>/dev/null)" != "$LOCK_SUM" ]; then
  phase "npm ci (extension dependencies)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_SUM" >"$HERE/node_modules/.lock-sha256"
fi

phase "unit tests (node --test)"
(cd "$HERE" && node --test --test-reporter=dot test/unit/)

# ---------------------------------------------------------------- build
mkdir -p "$RUN/bin"
if [ -n "${PLUGIN_LSP_BIN:-}" ]; then
  phase "using PLUGIN_LSP_BIN=$PLUGIN_LSP_BIN"
  cp "$PLUGIN_LSP_BIN" "$RUN/bin/plugin-lsp"
else
  phase "go build plugin-lsp"
  (cd "$ROOT" && go build -o "$RUN/bin/plugin-lsp" ./cmd/plugin-lsp)
fi
SERVER="$RUN/bin/plugin-lsp"

phase "npm run package (vsce)"
fg_run env -C "$HERE" npm run --silent package -- -o "$RUN/plugin-lsp.vsix" >"$RUN/vsce.log" 2>&1 ||
  { cat "$RUN/vsce.log"; exit 1; }
# The package must hold the extension, its runtime dependency and the
# Mermaid bundle of the graph view, and no tests, build tools or the rest
# of mermaid's dependency tree.
unzip -l "$RUN/plugin-lsp.vsix" >"$RUN/vsix.txt"
for want in extension/src/extension.js extension/src/config.js extension/src/tools.js extension/src/graph.js \
  extension/media/graph.js extension/media/mermaid/mermaid.min.js extension/media/mermaid/LICENSE \
  extension/node_modules/vscode-languageclient/package.json; do
  grep -q " $want\$" "$RUN/vsix.txt" || { echo "vsix lacks $want" >&2; cat "$RUN/vsix.txt"; exit 1; }
done
if grep -Eq ' extension/(test|test-fixture|\.e2e|scripts|node_modules/(mermaid|@vscode|d3|katex))/' "$RUN/vsix.txt"; then
  echo "vsix holds files it should not:" >&2
  grep -E ' extension/(test|test-fixture|\.e2e|scripts|node_modules/(mermaid|@vscode|d3|katex))/' "$RUN/vsix.txt" >&2
  exit 1
fi

# ---------------------------------------------------------------- code-server
# An isolated VS Code: its own config, data, cache and temp folders. Go's and
# gopls's caches stay the machine's (they are keyed by content, and a cold
# gopls cache would only make the test slower).
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
export GOPLSCACHE="${GOPLSCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gopls}"
export XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data" XDG_CACHE_HOME="$RUN/xdg/cache" TMPDIR="$RUN/tmp"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$TMPDIR" "$RUN/sync"
UD="$RUN/user-data"
EXT="$RUN/extensions"
mkdir -p "$UD/User" "$EXT"
PLUGIN_SETTINGS='  "plugin-lsp.path": "'"$SERVER"'",
  "plugin-lsp.goplsPath": "'"$GOPLS"'",
  "plugin-lsp.rules.disabled": ["REG005"],
  "plugin-lsp.severity": {"REG007": "error"},
  "plugin-lsp.debounceMs": 100,
  "plugin-lsp.buildConfigs": [{"goos": "linux", "goarch": "amd64"}],
'
# $1: extra settings lines (JSON members, each followed by a comma); $2: the
# plugin-lsp settings (default $PLUGIN_SETTINGS).
write_settings() {
  cat >"$UD/User/settings.json" <<EOF
{
$1${2-$PLUGIN_SETTINGS}  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "chat.commandCenter.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "editor.hover.delay": 100,
  "editor.wordBasedSuggestions": "off",
  "editor.minimap.enabled": false,
  "window.zoomLevel": 0
}
EOF
}
write_settings ""

phase "install the vsix into code-server"
fg_run "$CODE_SERVER" --user-data-dir "$UD" --extensions-dir "$EXT" --install-extension "$RUN/plugin-lsp.vsix" >"$RUN/install.log" 2>&1 ||
  { cat "$RUN/install.log"; exit 1; }

phase "start code-server"
export PLUGIN_LSP_E2E_DIR="$RUN/sync" PLUGIN_LSP_E2E_FIXTURE="$FIXTURE" PLUGIN_LSP_E2E_SERVER="$SERVER"
export PLUGIN_LSP_E2E_PLUGIN="${PLUGIN_LSP_E2E_PLUGIN:-1}"
LOG="$RUN/code-server.log"
start_bg "$CODE_SERVER" --bind-addr 127.0.0.1:0 --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$UD" --extensions-dir "$EXT" "$FIXTURE"
CS_PID=$STARTED
# Sets CS_PORT from code-server's log ($LOG).
wait_port() {
  CS_PORT=
  for _ in $(seq 1 300); do
    CS_PORT=$(sed -n 's#.*HTTP server listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$LOG" 2>/dev/null | head -1 || true)
    [ -n "$CS_PORT" ] && break
    kill -0 "$STARTED" 2>/dev/null || { cat "$LOG"; echo "code-server exited" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$CS_PORT" ] || { cat "$LOG"; echo "code-server did not report its port" >&2; exit 1; }
  echo "code-server on 127.0.0.1:$CS_PORT"
}
wait_port

phase "start chromium"
LOG="$RUN/chromium.log"
start_bg chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-crash-reporter --disable-breakpad --no-default-browser-check \
  --window-size=1400,860 --user-data-dir="$RUN/chromium" --remote-debugging-port=0 about:blank
CDP_PORT=
for _ in $(seq 1 300); do
  [ -s "$RUN/chromium/DevToolsActivePort" ] && CDP_PORT=$(head -1 "$RUN/chromium/DevToolsActivePort" || true)
  [ -n "$CDP_PORT" ] && break
  kill -0 "$STARTED" 2>/dev/null || { cat "$LOG"; echo "chromium exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$CDP_PORT" ] || { cat "$LOG"; echo "chromium did not report its debugging port" >&2; exit 1; }

phase "extension tests in the extension host (plugin features: $PLUGIN_LSP_E2E_PLUGIN)"
rm -f "$ART"/*.png
set +e
INSTALLED=$(ls -d "$EXT"/plugin-lsp.plugin-lsp-*)
export E2E_TOOLS="$TOOLS" E2E_CDP_PORT="$CDP_PORT" E2E_CS_PORT="$CS_PORT"
fg_run env E2E_TESTS_PATH="$HERE/test/suite/index.js" E2E_EXTENSION_PATH="$INSTALLED" E2E_SCREENSHOT="$ART/editor.png" \
  node "$HERE/test/e2e/driver.js"
code=$?
set -e
cat "$RUN/sync/results.log" 2>/dev/null || echo "(no results.log: the tests did not run)"
if [ "$code" != 0 ]; then
  echo "extension tests failed (exit $code)" >&2
  exit "$code"
fi
# Both the results and the screenshot must be there: a green run with
# nothing to show is a failure.
grep -Eq '^\[.*\] [0-9]+ passed, 0 failed$' "$RUN/sync/results.log" || { echo "no passing summary in results.log" >&2; exit 1; }
[ -s "$ART/editor.png" ] || { echo "no screenshot" >&2; exit 1; }
case "$PLUGIN_LSP_E2E_PLUGIN" in
1 | all)
  [ -s "$ART/hover.png" ] || { echo "no screenshot of the plugin hover (hover.png)" >&2; exit 1; }
  [ -s "$ART/graph.png" ] || { echo "no screenshot of the plugin graph (graph.png)" >&2; exit 1; }
  ;;
esac

phase "extension tests with vscode-go running plugin-lsp (go.alternateTools)"
# A second window with a stand-in for vscode-go (extension id golang.go) and
# go.alternateTools.gopls naming plugin-lsp: the extension must not start a
# second server, and must say so in its log.
write_settings "  \"go.alternateTools\": {\"gopls\": \"$SERVER\"},
"
mv "$RUN/sync/results.log" "$ART/results-main.log"
set +e
fg_run env E2E_TESTS_PATH="$HERE/test/suite/vscode-go.js" E2E_EXTENSION_PATH="$INSTALLED:$HERE/test/fake-vscode-go" E2E_SCREENSHOT= \
  node "$HERE/test/e2e/driver.js"
code=$?
set -e
cat "$RUN/sync/results.log"
[ "$code" = 0 ] || { echo "vscode-go extension tests failed (exit $code)" >&2; exit "$code"; }
grep -Eq '^\[.*\] [0-9]+ passed, 0 failed$' "$RUN/sync/results.log" || { echo "no passing summary in results.log" >&2; exit 1; }
grep -rqs 'plugin-lsp runs through vscode-go' "$UD"/logs/*/exthost*/plugin-lsp.plugin-lsp/ ||
  { echo 'the extension log lacks "plugin-lsp runs through vscode-go"' >&2; exit 1; }

# Stops code-server (the first entry of PIDS, its process group) and waits
# for it to end.
stop_code_server() {
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 -- "-$CS_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL -- "-$CS_PID" 2>/dev/null || true
}

if [ "${PLUGIN_LSP_E2E_SKIP_INSTALL:-}" != 1 ]; then
  phase "extension tests of a new user: no plugin-lsp, no gopls, accept the install prompt"
  # code-server again, as a new user's: no plugin-lsp setting, a PATH
  # without any folder holding plugin-lsp or gopls, an empty GOPATH (so
  # that `go env GOPATH`/bin has neither) and no GOBIN. The extension's
  # install runs `go install` of this checkout (PLUGIN_LSP_INSTALL_FROM; the
  # test has no network: GOPROXY=off, the module cache is the machine's).
  stop_code_server
  NEW_PATH=
  IFS=: read -r -a path_dirs <<<"$PATH"
  for d in "${path_dirs[@]}"; do
    [ -n "$d" ] && [ ! -e "$d/plugin-lsp" ] && [ ! -e "$d/gopls" ] && NEW_PATH="${NEW_PATH:+$NEW_PATH:}$d"
  done
  if env PATH="$NEW_PATH" sh -c 'command -v plugin-lsp || command -v gopls'; then
    echo "plugin-lsp or gopls is still on the new user's PATH" >&2
    exit 1
  fi
  env PATH="$NEW_PATH" sh -c 'command -v go >/dev/null' || { echo "go is not on PATH without the Go bin folders" >&2; exit 1; }
  write_settings "" ""
  # Settings the earlier windows' tests wrote for the remote machine.
  rm -f "$UD/Machine/settings.json"
  mkdir -p "$RUN/gopath" "$RUN/home"
  # VS Code's server gives the extension host the environment of a login
  # shell ($SHELL -il), whose profile may add GOPATH/bin (this machine's
  # does): a HOME of the new user's own, whose profile only puts go on PATH.
  GODIR=$(dirname "$(command -v go)")
  if [ -e "$GODIR/plugin-lsp" ] || [ -e "$GODIR/gopls" ]; then
    echo "go's folder $GODIR holds plugin-lsp or gopls: cannot test a new user's install" >&2
    exit 1
  fi
  for f in .profile .bashrc; do
    printf 'export PATH="%s:$PATH"\n' "$GODIR" >"$RUN/home/$f"
  done
  LOG="$RUN/code-server-install.log"
  start_bg env -u GOBIN -u PLUGIN_LSP_GOPLS HOME="$RUN/home" PATH="$NEW_PATH" GOPATH="$RUN/gopath" GOPROXY=off GOTOOLCHAIN=local \
    PLUGIN_LSP_INSTALL_FROM="$ROOT" \
    "$CODE_SERVER" --bind-addr 127.0.0.1:0 --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
    --user-data-dir "$UD" --extensions-dir "$EXT" "$FIXTURE"
  CS_PID=$STARTED
  wait_port
  mv "$RUN/sync/results.log" "$ART/results-vscode-go.log"
  set +e
  fg_run env E2E_CS_PORT="$CS_PORT" E2E_TESTS_PATH="$HERE/test/suite/install.js" E2E_EXTENSION_PATH="$INSTALLED" \
    E2E_SCREENSHOT="$ART/install.png" E2E_WANT_SHOTS=install-prompt,installed E2E_TIMEOUT_MS=300000 \
    node "$HERE/test/e2e/driver.js"
  code=$?
  set -e
  cat "$RUN/sync/results.log"
  [ "$code" = 0 ] || { echo "install extension tests failed (exit $code)" >&2; exit "$code"; }
  grep -Eq '^\[.*\] [0-9]+ passed, 0 failed$' "$RUN/sync/results.log" || { echo "no passing summary in results.log" >&2; exit 1; }
  for f in plugin-lsp gopls; do
    [ -x "$RUN/gopath/bin/$f" ] || { echo "the install did not put $f in GOPATH/bin" >&2; exit 1; }
  done
fi

# Stop code-server and Chromium before the Neovim test.
for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done

if [ "${PLUGIN_LSP_E2E_SKIP_NVIM:-}" != 1 ]; then
  phase "neovim headless test"
  fg_run env PLUGIN_LSP_BIN="$SERVER" PLUGIN_LSP_GOPLS="$GOPLS" "$ROOT/editors/neovim/test.sh"
fi

if [ "${PLUGIN_LSP_E2E_SKIP_EMACS:-}" != 1 ]; then
  phase "emacs (eglot) headless test"
  fg_run env PLUGIN_LSP_BIN="$SERVER" PLUGIN_LSP_GOPLS="$GOPLS" "$ROOT/editors/emacs/test.sh"
fi
