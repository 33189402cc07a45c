'use strict';
// Unit tests of binary discovery and the install commands (src/tools.js),
// and of the status bar and graph summaries (node --test, no VS Code).

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tools = require('../../src/tools');
const { statusView } = require('../../src/statusbar');
const { summariseGraph } = require('../../src/graphtext');

/** A temp tree with executables at the given relative paths. */
function tree(t, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plsp-tools-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [rel, mode] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '#!/bin/sh\n');
    fs.chmodSync(p, mode);
  }
  return dir;
}

test('findTool searches the setting, PATH, GOBIN, GOPATH/bin, then go env, in that order', async (t) => {
  const d = tree(t, {
    'path1/plugin-lsp': 0o755,
    'gobin/plugin-lsp': 0o755,
    'gp1/bin/plugin-lsp': 0o755,
    'gp2/bin/gopls': 0o755,
    'goenvbin/gopls': 0o755,
    'goenvpath/bin/plugin-lsp': 0o755,
    'noexec/plugin-lsp': 0o644,
    'ws/bin/plugin-lsp': 0o755,
  });
  const j = (...p) => path.join(d, ...p);
  const cases = [
    { name: 'on PATH first', name_: 'plugin-lsp', env: { PATH: [j('noexec'), j('path1')].join(path.delimiter), GOBIN: j('gobin') }, want: j('path1', 'plugin-lsp') },
    { name: 'not executable is skipped, GOBIN next', name_: 'plugin-lsp', env: { PATH: j('noexec'), GOBIN: j('gobin') }, want: j('gobin', 'plugin-lsp') },
    { name: 'every GOPATH entry', name_: 'gopls', env: { PATH: '', GOPATH: [j('gp1'), j('gp2')].join(path.delimiter) }, want: j('gp2', 'bin', 'gopls') },
    { name: 'go env GOBIN', name_: 'gopls', env: { PATH: '' }, goEnv: { GOBIN: j('goenvbin'), GOPATH: j('nothing') }, want: j('goenvbin', 'gopls') },
    { name: 'go env GOPATH', name_: 'plugin-lsp', env: { PATH: '' }, goEnv: { GOBIN: '', GOPATH: j('goenvpath') }, want: j('goenvpath', 'bin', 'plugin-lsp') },
    { name: 'a bare name in the setting is searched', name_: 'plugin-lsp', configured: 'plugin-lsp', env: { PATH: j('path1') }, want: j('path1', 'plugin-lsp') },
    { name: 'not found', name_: 'plugin-lsp', env: { PATH: j('gp2', 'bin') }, goEnv: {}, want: undefined },
    { name: 'an absolute setting is taken as it is', name_: 'plugin-lsp', configured: j('gobin', 'plugin-lsp'), env: { PATH: j('path1') }, want: j('gobin', 'plugin-lsp'), isConfigured: true },
    { name: 'a relative setting is relative to the workspace', name_: 'plugin-lsp', configured: 'bin/plugin-lsp', root: j('ws'), env: { PATH: j('path1') }, want: j('ws', 'bin', 'plugin-lsp'), isConfigured: true },
    { name: 'a setting that is not there is not searched elsewhere', name_: 'plugin-lsp', configured: j('nowhere', 'plugin-lsp'), env: { PATH: j('path1') }, want: undefined, isConfigured: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = tools.findTool({ name: c.name_, configured: c.configured, workspaceRoot: c.root, env: c.env, goEnv: c.goEnv });
      assert.strictEqual(r.path, c.want);
      assert.strictEqual(r.configured, Boolean(c.isConfigured));
    });
  }
  await t.test('without go env, the default GOPATH ~/go/bin is searched last', () => {
    const r = tools.findTool({ name: 'plugin-lsp', env: { PATH: j('path1') } });
    assert.strictEqual(r.searched[r.searched.length - 1], path.join(os.homedir(), 'go', 'bin', 'plugin-lsp'));
  });
});

test('installSteps', async (t) => {
  const cases = [
    {
      name: 'both from the module proxy at the extension version',
      in: { plugin: true, gopls: true, version: '0.1.0' },
      want: [['install', 'github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp@v0.1.0'], ['install', 'golang.org/x/tools/gopls@v0.23.0']],
    },
    { name: 'gopls only', in: { plugin: false, gopls: true, version: '0.1.0' }, want: [['install', 'golang.org/x/tools/gopls@v0.23.0']] },
    {
      name: 'from a checkout',
      in: { plugin: true, gopls: true, version: '0.1.0', installFrom: '/src/plugin-lsp' },
      want: [['install', './cmd/plugin-lsp'], ['install', 'tool']],
      cwd: '/src/plugin-lsp',
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const steps = tools.installSteps(c.in);
      assert.deepStrictEqual(steps.map((s) => s.args), c.want);
      for (const s of steps) {
        assert.strictEqual(s.cwd, c.cwd);
      }
    });
  }
});

test('the module path and the pinned gopls match go.mod', () => {
  const gomod = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'go.mod'), 'utf8');
  assert.strictEqual(/^module (\S+)$/m.exec(gomod)[1], tools.MODULE);
  assert.match(gomod, /^tool golang\.org\/x\/tools\/gopls$/m);
  assert.strictEqual(new RegExp(`^\\s*${tools.GOPLS_MODULE.replace(/\./g, '\\.')} (\\S+)`, 'm').exec(gomod)[1], tools.GOPLS_VERSION);
});

test('runGo reports output lines and fails with the last of them', async (t) => {
  const d = tree(t, {});
  const fake = path.join(d, 'go');
  fs.writeFileSync(fake, '#!/bin/sh\necho "building $*"\n[ "$1" = ok ] || { echo "no such module" >&2; exit 1; }\n');
  fs.chmodSync(fake, 0o755);
  const lines = [];
  await tools.runGo(fake, { args: ['ok'] }, { env: process.env, onLine: (l) => lines.push(l) });
  assert.deepStrictEqual(lines, ['building ok']);
  await assert.rejects(tools.runGo(fake, { args: ['install', 'x@v1'] }, { env: process.env }), /go install x@v1 exited with 1:\nbuilding install x@v1\nno such module/);
});

test('statusView', async (t) => {
  const ready = { version: 'v0.1.0', gopls: { state: 'running' }, index: { state: 'ready', registries: 16, registriesInUse: 2, plugins: 1, diagnostics: 5, generation: 3, files: 9 } };
  const cases = [
    { name: 'ready: the counts', state: 'running', status: ready, text: '$(plug) plugin-lsp: 2 registries · 1 plugin · 5 findings' },
    { name: 'a server without registriesInUse', state: 'running', status: { index: { state: 'ready', registries: 3, plugins: 0, diagnostics: 1 } }, text: '$(plug) plugin-lsp: 3 registries · 0 plugins · 1 finding' },
    { name: 'indexing', state: 'running', status: { index: { ...ready.index, state: 'indexing' } }, text: '$(sync~spin) plugin-lsp: indexing' },
    { name: 'no answer yet', state: 'running', status: undefined, text: '$(sync~spin) plugin-lsp: indexing' },
    { name: 'missing', state: 'missing', status: undefined, text: '$(warning) plugin-lsp: not installed', warning: true },
    { name: 'installing', state: 'installing', status: undefined, text: '$(sync~spin) plugin-lsp: installing' },
    { name: 'failed', state: 'failed', status: undefined, text: '$(error) plugin-lsp: failed', warning: true },
    { name: 'index errors warn', state: 'running', status: { index: { ...ready.index, errors: ['boom'] } }, text: '$(plug) plugin-lsp: 2 registries · 1 plugin · 5 findings', warning: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const v = statusView(c.state, c.status, 'detail');
      assert.strictEqual(v.text, c.text);
      assert.strictEqual(v.warning, Boolean(c.warning));
    });
  }
  await t.test('the tooltip has the index details', () => {
    assert.match(statusView('running', ready).tooltip, /plugin-lsp v0\.1\.0\nindex: ready \(generation 3, 9 files/);
  });
});

test('summariseGraph reads graph.go Mermaid output', () => {
  const text = [
    'flowchart LR',
    '\tn0["example.com/m/cmd/host"]',
    '\tn1[["example.com/m/plugins/a<br/>a, #quot;b#quot;"]]',
    '\tn2[["example.com/m/plugins/c<br/>c"]]',
    '\tn3[("example.com/m/contract.Register")]',
    '\tn4[/"native (native plugin)"/]',
    '\tn5>"manifest:x"]',
    '\tn0 -->|"links"| n1',
    '\tn1 -->|"requires"| n2',
    '\tn2 -->|"requires"| n1',
    '\tclassDef cycle stroke:#d00,stroke-width:3px,color:#d00',
    '\tclass n1,n2 cycle',
    '\tlinkStyle 1,2 stroke:#d00,stroke-width:3px',
  ].join('\n');
  assert.deepStrictEqual(summariseGraph(text), { nodes: 6, edges: 3, cycleNodes: ['example.com/m/plugins/a a, "b"', 'example.com/m/plugins/c c'] });
  assert.deepStrictEqual(summariseGraph('flowchart LR\n\tclassDef cycle stroke:#d00\n'), { nodes: 0, edges: 0, cycleNodes: [] });
});
