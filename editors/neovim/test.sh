#!/usr/bin/env bash
# Headless Neovim end-to-end test of plugin-lsp on editors/vscode/test-fixture
# (see test-init.lua). Installs Debian's neovim when it is missing, builds
# plugin-lsp unless PLUGIN_LSP_BIN names one, and fails when Neovim fails or
# when a server process outlives the session.
#   PLUGIN_LSP_E2E_PLUGIN=0  skip the plugin-lsp feature checks (REG003, REG001, …; on by default)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

source "$ROOT/editors/headless-session.sh"
command -v nvim >/dev/null || apt_install neovim
# Neovim's own state (shada, logs, swap) stays in the scratch folder.
export XDG_STATE_HOME="$SCRATCH/state" XDG_DATA_HOME="$SCRATCH/data" XDG_CACHE_HOME="$SCRATCH/cache" XDG_CONFIG_HOME="$SCRATCH/config"
export GOCACHE="$(go env GOCACHE)" GOPLSCACHE="${GOPLSCACHE:-$HOME/.cache/gopls}"

# -u after --clean: the other order makes 0.7 ignore -u.
run_session Neovim nvim --headless --clean -u "$HERE/test-init.lua"
