// @ts-check
'use strict';
// Entry point of the extension tests (the extensionTestsPath module). Runs
// gopls.cases.js always and plugin.cases.js as PLUGIN_LSP_E2E_PLUGIN says
// (unset, "1" or "all": every case; "0": none, for debugging the editor
// wiring alone; or a list such as "diagnostics,hover"),
// then leaves the editor showing a diagnostic with its hover open and waits
// for the driver to take the screenshots.

const vscode = require('vscode');
const h = require('./harness');

async function run() {
  const features = pluginFeatures(process.env.PLUGIN_LSP_E2E_PLUGIN);
  const cases = [...require('./gopls.cases')];
  for (const c of require('./plugin.cases')) {
    if (features.has(c.feature)) {
      cases.push(c);
    }
  }
  h.log(`running ${cases.length} cases (plugin features: ${features.size ? [...features].join(',') : 'none (PLUGIN_LSP_E2E_PLUGIN=0)'})`);
  let passed = 0;
  const failures = [];
  for (const c of cases) {
    const t0 = Date.now();
    try {
      await c.fn();
      passed++;
      h.log(`ok   ${c.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failures.push(c.name);
      h.log(`FAIL ${c.name} (${Date.now() - t0} ms): ${err && err.stack ? err.stack : err}`);
    }
  }
  try {
    await showcase(features);
  } catch (err) {
    failures.push('screenshot');
    h.log(`FAIL screenshot: ${err && err.stack ? err.stack : err}`);
  }
  h.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length > 0) {
    throw new Error(`failed: ${failures.join('; ')}`);
  }
}

const ALL_FEATURES = ['diagnostics', 'settings', 'hover', 'definition', 'mention', 'completion', 'status', 'related', 'codelens', 'quickfix', 'graph', 'statusbar'];

/**
 * The plugin features to assert: unset, "1" or "all" is every one, "0" none,
 * otherwise a comma-separated list; an unknown name is an error, not
 * silently nothing.
 * @param {string | undefined} env
 */
function pluginFeatures(env) {
  const v = (env || '').trim();
  if (v === '0') {
    return new Set();
  }
  if (v === '' || v === '1' || v === 'all') {
    return new Set(ALL_FEATURES);
  }
  const set = new Set(v.split(',').map((f) => f.trim()).filter(Boolean));
  for (const f of set) {
    if (!ALL_FEATURES.includes(f)) {
      throw new Error(`PLUGIN_LSP_E2E_PLUGIN: unknown feature ${f} (want 1 or a list of ${ALL_FEATURES.join(',')})`);
    }
  }
  return set;
}

/**
 * Puts the cursor on a diagnostic, opens the Problems panel and the hover,
 * and has the driver take "editor" (the diagnostic and its hover); with the
 * plugin features, then "hover": the hover of the registered plugin name
 * "logger".
 * @param {Set<string>} features
 */
async function showcase(features) {
  const plugin = features.has('diagnostics');
  const rel = plugin ? 'cmd/host/main.go' : 'cmd/host/broken.go';
  const needle = plugin ? '"loger"' : '"forty-two"';
  const { doc, editor } = await h.open(rel);
  // Not an assertion (the cases assert the diagnostics); a failed run still
  // gets its screenshot.
  await h.waitFor(`a diagnostic in ${rel}`, () => vscode.languages.getDiagnostics(doc.uri).length > 0, 10000).catch((err) => h.log(`screenshot: ${err.message}`));
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: false });
  await hoverAt(editor, h.positionOf(doc, needle, 2));
  await h.screenshot('editor');
  if (plugin && features.has('hover')) {
    await vscode.commands.executeCommand('editor.action.hideHover');
    await hoverAt(editor, h.positionOf(doc, '"logger"', 2));
    await h.screenshot('hover');
  }
  if (plugin && features.has('graph')) {
    await vscode.commands.executeCommand('editor.action.hideHover');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const r = await vscode.commands.executeCommand('plugin-lsp.showGraph');
    h.log(`graph for the screenshot: ${h.describe(r)}`);
    await h.sleep(500);
    await h.screenshot('graph');
  }
}

/** Moves the cursor to pos and opens the hover there. @param {vscode.TextEditor} editor @param {vscode.Position} pos */
async function hoverAt(editor, pos) {
  editor.selection = new vscode.Selection(pos, pos);
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  await h.sleep(500);
  await vscode.commands.executeCommand('editor.action.showHover');
  await h.sleep(1500);
}

module.exports = { run };
