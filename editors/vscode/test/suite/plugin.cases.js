// @ts-check
'use strict';
// plugin-lsp's own features on the fixture. Run only with
// PLUGIN_LSP_E2E_PLUGIN=1 (all of them) or PLUGIN_LSP_E2E_PLUGIN=<features>,
// a comma-separated subset of diagnostics,settings,hover,definition,completion,status:
// turned on as the features land in the server.

const assert = require('assert');
const vscode = require('vscode');
const h = require('./harness');

/** @type {Array<{feature: string, name: string, fn: () => Promise<void>}>} */
module.exports = [
  {
    feature: 'diagnostics',
    name: 'REG003 for Get("loger"), with source plugin-lsp, next to gopls diagnostics',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const diags = await h.waitFor('a REG003 diagnostic in main.go', () =>
        vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'plugin-lsp' && h.codeOf(d) === 'REG003'),
        30000,
      );
      h.log(`main.go plugin diagnostics: ${h.describe(diags.map((d) => `${h.codeOf(d)}: ${d.message}`))}`);
      const typo = h.positionOf(doc, '"loger"', 1);
      assert.ok(diags.some((d) => d.range.contains(typo)), `no REG003 covers "loger": ${h.describe(diags.map((d) => d.range))}`);
      assert.match(diags[0].message, /logger/, 'REG003 suggests the registered name');
      // The correct lookup is not reported.
      const good = h.positionOf(doc, '"logger"', 1);
      assert.ok(!diags.some((d) => d.range.contains(good)), 'Get("logger") must not be reported');
      // gopls's own diagnostic in broken.go is still there (the union is published).
      assert.ok(vscode.languages.getDiagnostics(h.fixtureUri('cmd/host/broken.go')).some((d) => /forty-two/.test(d.message)));
    },
  },
  {
    feature: 'settings',
    name: 'disabling REG003 in the settings removes it, enabling brings it back',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const cfg = () => vscode.workspace.getConfiguration('plugin-lsp');
      const reg003 = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'plugin-lsp' && h.codeOf(d) === 'REG003');
      await h.waitFor('REG003 before the change', reg003, 30000);
      const before = cfg().get('rules.disabled');
      // The extension sends workspace/didChangeConfiguration; the server pulls
      // section "plugin-lsp" again and recomputes.
      await cfg().update('rules.disabled', ['REG005', 'REG003'], vscode.ConfigurationTarget.Global);
      try {
        await h.waitFor('REG003 to disappear', () => reg003().length === 0, 15000);
      } finally {
        await cfg().update('rules.disabled', before, vscode.ConfigurationTarget.Global);
      }
      await h.waitFor('REG003 to come back', reg003, 15000);
    },
  },
  {
    feature: 'hover',
    name: 'hover on the plugin name "logger" describes the registration',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, '"logger"', 2);
      const text = await h.waitFor('a hover on "logger"', async () =>
        h.hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos)),
        10000,
      );
      h.log(`hover on "logger": ${JSON.stringify(text)}`);
      assert.match(text, /logger/);
      assert.match(text, /Stdout|logger\.go/, 'the hover names the registered type or its file');
    },
  },
  {
    feature: 'definition',
    name: 'definition of the plugin name "logger" is its registration',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, '"logger"', 2);
      /** @type {any[]} */
      const locs = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, pos);
      const files = locs.map((l) => h.target(l).uri.fsPath);
      assert.ok(files.includes(h.fixtureUri('plugins/logger/logger.go').fsPath), `definition targets: ${files.join(', ')}`);
    },
  },
  {
    feature: 'completion',
    name: 'completion inside Get("…") offers the registered name',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const pos = h.positionOf(doc, 'Get("loger")', 'Get("'.length);
      /** @type {vscode.CompletionList} */
      const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, pos, '"');
      // editor.wordBasedSuggestions is off in the test settings: a "logger"
      // here comes from the server, not from the words of the file.
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('logger'), `labels: ${labels.slice(0, 20).join(', ')}`);
    },
  },
  {
    feature: 'status',
    name: 'plugin-lsp.status answers',
    fn: async () => {
      const result = await vscode.commands.executeCommand('plugin-lsp.showStatus');
      assert.ok(result !== undefined && result !== null, 'plugin-lsp.status returned nothing');
    },
  },
];
