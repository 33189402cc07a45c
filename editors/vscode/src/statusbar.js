// @ts-check
'use strict';
// What the status bar item says, from the extension's state and the
// server's plugin-lsp.status answer (lsp/command.go: {version, gopls,
// index: {state, registries, plugins, diagnostics, …}}). Free of the
// `vscode` module so that `node --test` can test it.

/**
 * @param {number} n
 * @param {string} one
 * @param {string} many
 */
function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The status bar text (with a codicon), tooltip and whether it is a warning.
 *
 * @param {string} state the extension's state: stopped, starting, running,
 *   through-vscode-go, failed, missing, installing
 * @param {any} status the server's plugin-lsp.status answer, when running
 * @param {string} [detail] the last error, for failed and missing
 * @returns {{text: string, tooltip: string, warning: boolean}}
 */
function statusView(state, status, detail) {
  switch (state) {
    case 'missing':
      return { text: '$(warning) plugin-lsp: not installed', tooltip: `${detail || 'plugin-lsp or gopls was not found'}. Click to install them with go install.`, warning: true };
    case 'installing':
      return { text: '$(sync~spin) plugin-lsp: installing', tooltip: 'go install runs (see the plugin-lsp output)', warning: false };
    case 'failed':
      return { text: '$(error) plugin-lsp: failed', tooltip: `${detail || 'the server did not start'}. Click for the status.`, warning: true };
    case 'through-vscode-go':
      return { text: '$(plug) plugin-lsp: via vscode-go', tooltip: 'plugin-lsp runs as vscode-go\'s language server (go.alternateTools.gopls)', warning: false };
    case 'stopped':
      return { text: '$(circle-slash) plugin-lsp: stopped', tooltip: 'the server is not running', warning: false };
    case 'starting':
      return { text: '$(sync~spin) plugin-lsp: starting', tooltip: 'the server is starting', warning: false };
  }
  const idx = status && typeof status.index === 'object' && status.index ? status.index : undefined;
  if (!idx) {
    return { text: '$(sync~spin) plugin-lsp: indexing', tooltip: `index: ${status && typeof status.index === 'string' ? status.index : 'no answer yet'}`, warning: false };
  }
  // The registries the workspace uses; "registries" also counts the
  // built-in presets (a server before registriesInUse: that number).
  const inUse = typeof idx.registriesInUse === 'number' ? idx.registriesInUse : idx.registries || 0;
  const counts = [count(inUse, 'registry', 'registries'), count(idx.plugins || 0, 'plugin', 'plugins'), count(idx.diagnostics || 0, 'finding', 'findings')];
  const errors = Array.isArray(idx.errors) ? idx.errors : [];
  const tooltip = [
    `plugin-lsp ${status.version || ''}`.trim(),
    `index: ${idx.state} (generation ${idx.generation || 0}, ${idx.files || 0} files, ${count(idx.hosts || 0, 'host', 'hosts')}, ${count(idx.nativePlugins || 0, 'native plugin', 'native plugins')})`,
    `${counts.join(', ')} (registries in use, of ${idx.registries || 0} known with the presets; plugins = registrations; findings = plugin-lsp diagnostics)`,
    `gopls: ${status.gopls ? status.gopls.state : 'unknown'}`,
    ...errors.map((/** @type {string} */ e) => `error: ${e}`),
    'Click for the full status.',
  ].join('\n');
  if (idx.state !== 'ready') {
    return { text: `$(sync~spin) plugin-lsp: ${idx.state}`, tooltip, warning: idx.state === 'failed' };
  }
  return { text: `$(plug) plugin-lsp: ${counts.join(' · ')}`, tooltip, warning: errors.length > 0 };
}

module.exports = { statusView };
