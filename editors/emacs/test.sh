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

source "$ROOT/editors/headless-session.sh"
missing=()
command -v emacs >/dev/null || missing+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || missing+=(elpa-eglot)
apt_install ${missing[@]+"${missing[@]}"}
# Go's and gopls's settings and caches stay the machine's: read them before
# HOME moves.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)" GOENV="$(go env GOENV)"
export GOPLSCACHE="${GOPLSCACHE:-$(dirname "$GOCACHE")/gopls}"
# Emacs's own state stays in the scratch folder; HOME too, so no ~/.emacs.d
# is read or written.
export HOME="$SCRATCH/home" XDG_CONFIG_HOME="$SCRATCH/config" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache"
mkdir -p "$HOME"

run_session Emacs emacs --batch -Q -l "$HERE/test.el"
