'use strict';
// Unit tests of the extension's pure decisions (node --test, no VS Code).

const test = require('node:test');
const assert = require('node:assert');
const os = require('node:os');
const path = require('node:path');
const { serverSettings, resolveServerPath, runsThroughVscodeGo } = require('../../src/config');

test('runsThroughVscodeGo', async (t) => {
  const cases = [
    { name: 'no vscode-go', in: { installed: false, useLanguageServer: true, alternateGopls: 'plugin-lsp', ourPath: 'plugin-lsp' }, want: false },
    { name: 'vscode-go without alternateTools', in: { installed: true, useLanguageServer: true, alternateGopls: undefined, ourPath: 'plugin-lsp' }, want: false },
    { name: 'vscode-go with its gopls elsewhere', in: { installed: true, useLanguageServer: true, alternateGopls: '/usr/local/bin/gopls', ourPath: 'plugin-lsp' }, want: false },
    { name: 'alternateTools names plugin-lsp', in: { installed: true, useLanguageServer: undefined, alternateGopls: 'plugin-lsp', ourPath: 'plugin-lsp' }, want: true },
    { name: 'alternateTools is a path to plugin-lsp', in: { installed: true, useLanguageServer: true, alternateGopls: '/home/u/go/bin/plugin-lsp', ourPath: 'plugin-lsp' }, want: true },
    { name: 'windows executable', in: { installed: true, useLanguageServer: true, alternateGopls: 'C:/go/bin/plugin-lsp.exe', ourPath: 'plugin-lsp' }, want: true },
    { name: 'same path under another name', in: { installed: true, useLanguageServer: true, alternateGopls: '/opt/pl/server', ourPath: '/opt/pl/server' }, want: true },
    { name: 'language server off in vscode-go', in: { installed: true, useLanguageServer: false, alternateGopls: 'plugin-lsp', ourPath: 'plugin-lsp' }, want: false },
    { name: 'empty alternate', in: { installed: true, useLanguageServer: true, alternateGopls: '  ', ourPath: 'plugin-lsp' }, want: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.strictEqual(runsThroughVscodeGo(c.in), c.want));
  }
});

test('resolveServerPath', async (t) => {
  const cases = [
    { name: 'default', configured: undefined, root: '/ws', want: 'plugin-lsp' },
    { name: 'blank', configured: '  ', root: '/ws', want: 'plugin-lsp' },
    { name: 'bare name stays for PATH lookup', configured: 'my-plugin-lsp', root: '/ws', want: 'my-plugin-lsp' },
    { name: 'absolute', configured: '/opt/bin/plugin-lsp', root: '/ws', want: '/opt/bin/plugin-lsp' },
    { name: 'relative to the workspace', configured: './bin/plugin-lsp', root: '/ws', want: '/ws/bin/plugin-lsp' },
    { name: 'home', configured: '~/go/bin/plugin-lsp', root: '/ws', want: path.join(os.homedir(), 'go/bin/plugin-lsp') },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.strictEqual(resolveServerPath(c.configured, c.root), c.want));
  }
});

test('serverSettings', async (t) => {
  const cases = [
    {
      name: 'defaults when nothing is set',
      values: {},
      want: { rules: { disabled: [], enabled: [] }, severity: {}, debounceMs: 150, buildConfigs: [] },
    },
    {
      name: 'all set',
      values: {
        'rules.disabled': ['REG005'],
        'rules.enabled': ['REG007'],
        severity: { REG007: 'error' },
        debounceMs: 0,
        buildConfigs: [{ goos: 'linux', goarch: 'arm64', tags: ['integration'] }],
        path: '/not/sent',
      },
      want: { rules: { disabled: ['REG005'], enabled: ['REG007'] }, severity: { REG007: 'error' }, debounceMs: 0, buildConfigs: [{ goos: 'linux', goarch: 'arm64', tags: ['integration'] }] },
    },
    {
      name: 'wrong types fall back to defaults',
      values: { 'rules.disabled': 'REG001', 'rules.enabled': 'REG001', severity: 'error', debounceMs: -5, buildConfigs: {} },
      want: { rules: { disabled: [], enabled: [] }, severity: {}, debounceMs: 150, buildConfigs: [] },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepStrictEqual(serverSettings((k) => c.values[k]), c.want));
  }
});
