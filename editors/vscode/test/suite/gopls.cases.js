// @ts-check
'use strict';
// What works today through plugin-lsp: gopls's own diagnostics, hover,
// definition and completion, plus the extension's wiring (settings, command).

const assert = require('assert');
const vscode = require('vscode');
const h = require('./harness');

/** @type {Array<{name: string, fn: () => Promise<void>}>} */
module.exports = [
  {
    name: 'the installed extension activates and its client runs',
    fn: async () => {
      const { ext, api } = await h.pluginLsp();
      await h.waitFor('client state running', () => api.state() === 'running', 30000);
      // The vsix was installed into code-server; a development path would mean
      // the test did not exercise the package.
      assert.match(ext.extensionPath, /plugin-lsp\.plugin-lsp-\d+\.\d+\.\d+/, `extension path ${ext.extensionPath}`);
      const info = api.client().initializeResult.serverInfo;
      assert.ok(info && info.name, `serverInfo missing: ${h.describe(api.client().initializeResult)}`);
      h.log(`serverInfo: ${info.name} ${String(info.version || '').slice(0, 60)}…; server path ${api.serverPath()}`);
      assert.strictEqual(api.serverPath(), process.env.PLUGIN_LSP_E2E_SERVER, 'plugin-lsp.path from the user settings');
    },
  },
  {
    name: 'settings reach the server as initializationOptions and under workspace/configuration "plugin-lsp"',
    fn: async () => {
      const { api } = await h.pluginLsp();
      const client = api.client();
      const want = {
        rules: { disabled: ['REG005'], enabled: [] },
        severity: { REG007: 'error' },
        debounceMs: 100,
        buildConfigs: [{ goos: 'linux', goarch: 'amd64' }],
      };
      const init = client.clientOptions.initializationOptions();
      assert.deepStrictEqual(init, { 'plugin-lsp': want });
      const mw = client.clientOptions.middleware.workspace.configuration;
      const params = { items: [{ section: 'gopls' }, { section: 'plugin-lsp', scopeUri: h.fixtureUri('go.mod').toString() }] };
      const next = async (/** @type {any} */ p) => p.items.map(() => ({ fromDefault: true }));
      const answer = await mw(params, new vscode.CancellationTokenSource().token, next);
      assert.deepStrictEqual(answer, [{ fromDefault: true }, want]);
    },
  },
  {
    name: 'gopls reports the type error in broken.go through plugin-lsp',
    fn: async () => {
      await h.open('cmd/host/broken.go');
      const uri = h.fixtureUri('cmd/host/broken.go');
      const diags = await h.waitFor('a type error diagnostic in broken.go', () =>
        vscode.languages.getDiagnostics(uri).filter((d) => /cannot use "forty-two"/.test(d.message)),
      );
      h.log(`broken.go diagnostics: ${h.describe(diags.map((d) => `${d.source}: ${d.message} @${d.range.start.line}:${d.range.start.character}`))}`);
      assert.strictEqual(diags[0].range.start.line, 4);
      assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Error);
    },
  },
  {
    name: 'hover on contract.Get shows its signature',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, 'Get("logger")', 1);
      const text = await h.waitFor('a hover on Get', async () =>
        h.hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos)),
      );
      h.log(`hover on Get: ${JSON.stringify(text)}`);
      assert.match(text, /func contract\.Get\(name string\) contract\.Logger/);
    },
  },
  {
    name: 'definition of contract.Get is in contract/contract.go',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, 'Get("logger")', 1);
      /** @type {any[]} */
      const locs = await h.waitFor('a definition of Get', async () =>
        vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, pos).then((l) => (/** @type {any[]} */ (l).length ? l : undefined)),
      );
      const t = h.target(locs[0]);
      assert.strictEqual(t.uri.fsPath, h.fixtureUri('contract/contract.go').fsPath);
      const contract = await vscode.workspace.openTextDocument(t.uri);
      assert.match(contract.lineAt(t.range.start.line).text, /^func Get\(/);
    },
  },
  {
    name: 'completion after "contract." offers Register and Get',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, 'contract.Get("logger")', 'contract.'.length);
      /** @type {vscode.CompletionList} */
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, pos);
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('Register') && labels.includes('Get'), `labels: ${labels.slice(0, 20).join(', ')}`);
    },
  },
  {
    name: 'the "plugin-lsp: Show Status" command is registered and does not throw',
    fn: async () => {
      const cmds = await vscode.commands.getCommands(true);
      assert.ok(cmds.includes('plugin-lsp.showStatus'));
      // Today the server may not implement plugin-lsp.status yet: the command
      // then shows an error message and resolves to undefined.
      const result = await vscode.commands.executeCommand('plugin-lsp.showStatus');
      h.log(`status: ${h.describe(result)}`);
    },
  },
  {
    name: 'a plugin-lsp.path that does not exist is reported (no search elsewhere, no install offer); fixing it restarts the server',
    fn: async () => {
      const { api } = await h.pluginLsp();
      const cfg = () => vscode.workspace.getConfiguration('plugin-lsp');
      const before = cfg().get('path');
      const missing = `${before}.missing`;
      await cfg().update('path', missing, vscode.ConfigurationTarget.Global);
      try {
        await h.waitFor('the state "failed"', () => api.state() === 'failed', 15000);
        assert.strictEqual(api.lastError(), `plugin-lsp.path (${missing}): no such executable`);
        assert.match(api.statusBar().text, /plugin-lsp: failed/);
      } finally {
        // In code-server a machine-overridable setting is written to the
        // remote machine's settings (Machine/settings.json), over the user
        // settings' value: remove it there instead of copying that value.
        await cfg().update('path', undefined, vscode.ConfigurationTarget.Global);
      }
      await h.waitFor('the server to run again', () => api.state() === 'running', 30000);
      assert.strictEqual(api.serverPath(), before);
      // The restart cleared the diagnostics: leave the next cases a server
      // that has published them again (gopls's and plugin-lsp's).
      await h.waitFor("gopls's diagnostic in broken.go after the restart", () =>
        vscode.languages.getDiagnostics(h.fixtureUri('cmd/host/broken.go')).some((d) => /forty-two/.test(d.message)),
        60000,
      );
      await h.waitFor('REG003 in main.go after the restart', () =>
        vscode.languages.getDiagnostics(h.fixtureUri('cmd/host/main.go')).some((d) => d.source === 'plugin-lsp' && h.codeOf(d) === 'REG003'),
        30000,
      );
    },
  },
];
