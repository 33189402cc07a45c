// @ts-check
'use strict';
// Pure functions behind the extension's decisions, kept free of the `vscode`
// module so that they can be unit-tested with `node --test` outside VS Code.

const path = require('path');
const os = require('os');

/** The configuration section the server reads (workspace/configuration). */
const SECTION = 'plugin-lsp';

/**
 * The settings object plugin-lsp receives, both as
 * initializationOptions["plugin-lsp"] and as the answer to a
 * workspace/configuration request for section "plugin-lsp". Only server
 * settings are sent: the client-only ones (path, goplsPath, trace) are not.
 *
 * @param {(key: string) => any} get reads one key of section "plugin-lsp"
 *   (vscode's WorkspaceConfiguration.get).
 * @returns {{rules: {disabled: string[], enabled: string[]}, severity: Record<string, string>,
 *   debounceMs: number, buildConfigs: Array<{goos?: string, goarch?: string, tags?: string[]}>}}
 */
function serverSettings(get) {
  const disabled = get('rules.disabled');
  const enabled = get('rules.enabled');
  const severity = get('severity');
  const debounce = get('debounceMs');
  const buildConfigs = get('buildConfigs');
  return {
    rules: {
      disabled: Array.isArray(disabled) ? disabled.map(String) : [],
      enabled: Array.isArray(enabled) ? enabled.map(String) : [],
    },
    severity: severity && typeof severity === 'object' ? { ...severity } : {},
    debounceMs: typeof debounce === 'number' && debounce >= 0 ? debounce : 150,
    buildConfigs: Array.isArray(buildConfigs) ? buildConfigs.map((c) => ({ ...c })) : [],
  };
}

/**
 * Resolves the configured server path: "~" is the home directory, a relative
 * path with a separator is relative to the first workspace folder, a bare
 * name is looked up on PATH by the operating system.
 *
 * @param {string | undefined} configured the plugin-lsp.path setting
 * @param {string | undefined} workspaceRoot the first workspace folder's path
 */
function resolveServerPath(configured, workspaceRoot) {
  let p = (configured || '').trim() || 'plugin-lsp';
  if (p === '~' || p.startsWith('~/')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (!path.isAbsolute(p) && p.includes('/') && workspaceRoot) {
    p = path.resolve(workspaceRoot, p);
  }
  return p;
}

/**
 * Tells whether vscode-go (extension id golang.go) already runs plugin-lsp:
 * it is installed and enabled, its language server is on, and its
 * go.alternateTools.gopls names plugin-lsp (by base name, or the same path as
 * our plugin-lsp.path). Then this extension must not start a second server.
 *
 * @param {{installed: boolean, useLanguageServer: unknown, alternateGopls: unknown,
 *   ourPath: string}} s
 * @returns {boolean}
 */
function runsThroughVscodeGo(s) {
  if (!s.installed || s.useLanguageServer === false) {
    return false;
  }
  if (typeof s.alternateGopls !== 'string' || s.alternateGopls.trim() === '') {
    return false;
  }
  const alt = s.alternateGopls.trim();
  const base = path.basename(alt).replace(/\.exe$/i, '');
  if (base === 'plugin-lsp') {
    return true;
  }
  return path.isAbsolute(alt) && path.isAbsolute(s.ourPath) && path.resolve(alt) === path.resolve(s.ourPath);
}

module.exports = { SECTION, serverSettings, resolveServerPath, runsThroughVscodeGo };
