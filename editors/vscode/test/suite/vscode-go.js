// @ts-check
'use strict';
// Extension tests for a window where vscode-go (a stand-in with its id) is
// installed and "go.alternateTools": {"gopls": <plugin-lsp>} is set: the
// extension must not start a second server.

const assert = require('assert');
const vscode = require('vscode');
const h = require('./harness');

const cases = [
  {
    name: 'with vscode-go running plugin-lsp, the extension starts no server',
    fn: async () => {
      assert.ok(vscode.extensions.getExtension('golang.go'), 'the vscode-go stand-in is not installed');
      const alt = vscode.workspace.getConfiguration('go').get('alternateTools');
      assert.strictEqual(/** @type {any} */ (alt).gopls, process.env.PLUGIN_LSP_E2E_SERVER);
      await h.open('cmd/host/broken.go');
      const { api } = await h.pluginLsp();
      assert.strictEqual(api.state(), 'through-vscode-go');
      assert.strictEqual(api.client(), undefined);
      assert.strictEqual(api.statusBar().text, '$(plug) plugin-lsp: via vscode-go');
      // The status command explains instead of failing.
      assert.strictEqual(await vscode.commands.executeCommand('plugin-lsp.showStatus'), undefined);
    },
  },
];

async function run() {
  let passed = 0;
  const failures = [];
  for (const c of cases) {
    try {
      await c.fn();
      passed++;
      h.log(`ok   ${c.name}`);
    } catch (err) {
      failures.push(c.name);
      h.log(`FAIL ${c.name}: ${err && err.stack ? err.stack : err}`);
    }
  }
  h.log(`${passed} passed, ${failures.length} failed`);
  if (failures.length > 0) {
    throw new Error(`failed: ${failures.join('; ')}`);
  }
}

module.exports = { run };
