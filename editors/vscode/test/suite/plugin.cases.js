// @ts-check
'use strict';
// plugin-lsp's own features on the fixture. Run by default;
// PLUGIN_LSP_E2E_PLUGIN=0 turns them off (to debug the editor wiring alone),
// PLUGIN_LSP_E2E_PLUGIN=<features> runs a comma-separated subset of
// diagnostics,settings,hover,definition,mention,completion,status,related,codelens,quickfix,graph,statusbar.
// The quick fix case edits main.go (unsaved) and reverts it: it runs last.

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
    feature: 'mention',
    name: 'definition of [[inputs.logger]] in telegraf.conf is the inputs.Add("logger") registration',
    fn: async () => {
      // telegraf.conf reaches the server only through the extension's
      // documentSelector (config-file patterns); without them VS Code asks
      // no one and the answer is empty.
      const { doc } = await h.open('telegraf.conf');
      const pos = h.positionOf(doc, '[[inputs.logger]]', '[[inputs.'.length + 2);
      /** @type {any[]} */
      const locs = await h.waitFor('a definition of the mention "logger"', async () =>
        vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, pos),
        15000,
      );
      h.log(`definition of [[inputs.logger]]: ${h.describe(locs.map((l) => `${h.target(l).uri.fsPath}:${h.target(l).range.start.line + 1}`))}`);
      const logger = h.fixtureUri('plugins/logger/logger.go');
      const inLogger = locs.map((l) => h.target(l)).filter((t) => t.uri.fsPath === logger.fsPath);
      assert.ok(inLogger.length > 0, `no target in ${logger.fsPath}`);
      const loggerDoc = await vscode.workspace.openTextDocument(logger);
      const lines = inLogger.map((t) => loggerDoc.lineAt(t.range.start.line).text.trim());
      // The registration (and the registered type, Stdout, which the server adds).
      assert.ok(lines.some((l) => /^inputs\.Add\("logger"/.test(l)), `no inputs.Add("logger") among ${h.describe(lines)}`);
      // The mention fits the inputs registry only: contract.Register("logger") is another registry's.
      assert.ok(!lines.some((l) => /contract\.Register/.test(l)), `a contract registration among ${h.describe(lines)}`);
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
  {
    feature: 'statusbar',
    name: 'the status bar shows the index state and counts from plugin-lsp.status',
    fn: async () => {
      const { api } = await h.pluginLsp();
      // REG003, REG001 twice, MF003: at least four findings once the index is ready.
      const sb = await h.waitFor('the status bar to show the counts', () => {
        const v = api.statusBar();
        return /findings$/.test(v.text) && api.lastStatus() && api.lastStatus().index.diagnostics >= 4 && v;
      }, 30000);
      const idx = api.lastStatus().index;
      h.log(`status bar: ${JSON.stringify(sb.text)}; index: ${h.describe({ state: idx.state, registries: idx.registries, registriesInUse: idx.registriesInUse, plugins: idx.plugins, diagnostics: idx.diagnostics })}`);
      // contract.Register and inputs.Add (the presets are not shown); logger twice, audit twice.
      assert.strictEqual(sb.text, `$(plug) plugin-lsp: 2 registries · 4 plugins · ${idx.diagnostics} findings`);
      assert.strictEqual(idx.state, 'ready');
      assert.match(sb.tooltip, /index: ready/);
      assert.strictEqual(sb.command, 'plugin-lsp.showStatus');
    },
  },
  {
    feature: 'graph',
    name: 'Show Plugin Graph renders plugin-lsp graph in a webview (bundled Mermaid), the manifest cycle in red',
    fn: async () => {
      /** @type {any} */
      const r = await vscode.commands.executeCommand('plugin-lsp.showGraph');
      h.log(`graph: ${h.describe(r)}`);
      assert.ok(r, 'the command returned nothing (see the plugin-lsp output)');
      assert.ok(!r.error, `mermaid failed: ${r.error}`);
      // Every node and edge of the graph output is drawn in the SVG.
      assert.strictEqual(r.nodes, r.summary.nodes, 'SVG nodes vs graph output');
      assert.strictEqual(r.edges, r.summary.edges, 'SVG edges vs graph output');
      assert.ok(r.nodes >= 7, `only ${r.nodes} nodes`);
      // plugins/audit and plugins/logger require each other (plugin-manifest.yaml).
      assert.deepStrictEqual(
        r.summary.cycleNodes.map((/** @type {string} */ l) => l.split(' ')[0]),
        ['example.com/fixture/plugins/audit', 'example.com/fixture/plugins/logger'],
      );
      assert.strictEqual(r.cycleNodes, 2, 'the two cycle nodes are drawn with the cycle class');
      // Hidden behind another editor, the webview is unloaded; shown again, it draws again.
      const { api } = await h.pluginLsp();
      const before = api.graphRenders();
      await h.open('cmd/host/main.go');
      await vscode.commands.executeCommand('workbench.action.openPreviousRecentlyUsedEditorInGroup');
      await h.waitFor('the graph drawn again after the tab was shown again', () => api.graphRenders() > before, 15000);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    },
  },
  {
    feature: 'related',
    name: 'REG001 on both registrations of "audit", each pointing at the other in relatedInformation',
    fn: async () => {
      const a = h.fixtureUri('plugins/audit/audit.go');
      const b = h.fixtureUri('plugins/auditcopy/auditcopy.go');
      // Neither file is open: plugin-lsp publishes the whole workspace's findings.
      const reg001 = (/** @type {vscode.Uri} */ uri) =>
        vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'plugin-lsp' && h.codeOf(d) === 'REG001');
      for (const [here, other] of [
        [a, b],
        [b, a],
      ]) {
        const diags = await h.waitFor(`REG001 in ${here.fsPath}`, () => reg001(here), 30000);
        const d = diags[0];
        h.log(`REG001 ${here.fsPath}: ${d.message}; related: ${h.describe((d.relatedInformation || []).map((r) => `${r.location.uri.fsPath}:${r.location.range.start.line + 1}: ${r.message}`))}`);
        assert.match(d.message, /duplicate plugin name "audit"/);
        assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
        const doc = await vscode.workspace.openTextDocument(here);
        assert.match(doc.lineAt(d.range.start.line).text, /contract\.Register\("audit"/, 'REG001 sits on the registration');
        const rel = (d.relatedInformation || []).find((r) => r.location.uri.fsPath === other.fsPath);
        assert.ok(rel, `no relatedInformation at ${other.fsPath}: ${h.describe(d.relatedInformation)}`);
        const otherDoc = await vscode.workspace.openTextDocument(other);
        assert.match(otherDoc.lineAt(rel.location.range.start.line).text, /contract\.Register\("audit"/, 'the related location is the other registration');
      }
    },
  },
  {
    feature: 'codelens',
    name: 'code lenses: "linked by cmd/host" on the logger registration, a plugin count on the contract',
    fn: async () => {
      /** @param {string} rel @param {RegExp} title */
      const lensesOf = (rel, title) =>
        h.waitFor(`a code lens ${title} in ${rel}`, async () => {
          // The second argument resolves that many lenses (plugin-lsp computes
          // titles in codeLens/resolve).
          /** @type {vscode.CodeLens[]} */
          const ls = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', h.fixtureUri(rel), 20);
          return ls.filter((l) => l.command && title.test(l.command.title));
        }, 15000);
      const logger = await vscode.workspace.openTextDocument(h.fixtureUri('plugins/logger/logger.go'));
      const linked = await lensesOf('plugins/logger/logger.go', /linked by/);
      h.log(`logger.go lenses: ${h.describe(linked.map((l) => `${l.range.start.line + 1}: ${l.command && l.command.title}`))}`);
      const regLine = h.positionOf(logger, 'contract.Register("logger"').line;
      assert.ok(
        linked.some((l) => l.range.start.line === regLine && /cmd\/host\b/.test(l.command ? l.command.title : '')),
        `no "linked by cmd/host" lens on line ${regLine + 1}`,
      );
      const contract = await vscode.workspace.openTextDocument(h.fixtureUri('contract/contract.go'));
      const counts = await lensesOf('contract/contract.go', /^\d+ plugins?$/);
      h.log(`contract.go lenses: ${h.describe(counts.map((l) => `${l.range.start.line + 1}: ${l.command && l.command.title}`))}`);
      const ifaceLine = h.positionOf(contract, 'type Logger interface').line;
      // logger, audit and its copy: three registrations implement the contract.
      assert.ok(
        counts.some((l) => l.range.start.line === ifaceLine && l.command && l.command.title === '3 plugins'),
        `no "3 plugins" lens on line ${ifaceLine + 1}`,
      );
    },
  },
  {
    feature: 'quickfix',
    name: 'the REG003 quick fix, applied with workspace.applyEdit, makes the diagnostic disappear',
    fn: async () => {
      const { doc } = await h.open('cmd/host/main.go');
      const reg003 = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'plugin-lsp' && h.codeOf(d) === 'REG003');
      const [diag] = await h.waitFor('REG003 before the fix', reg003, 30000);
      /** @type {Array<vscode.CodeAction | vscode.Command>} */
      const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      h.log(`code actions on "loger": ${h.describe(actions.map((a) => `${a.title} [${/** @type {any} */ (a).kind ? /** @type {any} */ (a).kind.value : 'command'}]`))}`);
      // vscode.executeCodeActionProvider does not carry an action's
      // diagnostics over to its result: pick the preferred quickfix here, and
      // check the attachment on the server's own answer below.
      const fix = /** @type {vscode.CodeAction | undefined} */ (
        actions.find((a) => 'edit' in a && a.edit && a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind) && /logger/.test(a.title))
      );
      assert.ok(fix && fix.edit, `no quick fix with an edit: ${h.describe(actions)}`);
      assert.ok(fix.isPreferred, 'the only replacement is the preferred fix');
      const { api } = await h.pluginLsp();
      const client = api.client();
      /** @type {any[]} */
      const raw = await client.sendRequest('textDocument/codeAction', {
        textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri) },
        range: { start: { line: diag.range.start.line, character: diag.range.start.character }, end: { line: diag.range.end.line, character: diag.range.end.character } },
        context: { diagnostics: [], only: ['quickfix'] },
      });
      const rawFix = (raw || []).find((a) => a.title === fix.title);
      assert.ok(rawFix, `the server's answer lacks ${fix.title}: ${h.describe(raw)}`);
      assert.ok((rawFix.diagnostics || []).some((/** @type {any} */ d) => d.code === 'REG003' && d.source === 'plugin-lsp'), `the fix is not attached to REG003: ${h.describe(rawFix)}`);
      assert.match(fix.title, /logger/);
      try {
        assert.ok(await vscode.workspace.applyEdit(fix.edit), 'workspace.applyEdit refused the edit');
        assert.strictEqual(doc.lineAt(diag.range.start.line).text.trim(), 'typo := contract.Get("logger")');
        // The server sees the unsaved change (didChange) and drops REG003.
        await h.waitFor('REG003 to disappear after the fix', () => reg003().length === 0, 15000);
      } finally {
        // Leave the fixture as it is on disk for whoever runs next.
        await vscode.window.showTextDocument(doc, { preview: false });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      assert.ok(!doc.isDirty && doc.getText().includes('Get("loger")'), 'main.go was not reverted');
      await h.waitFor('REG003 to come back after the revert', reg003, 15000);
    },
  },
];
