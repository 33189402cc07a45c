// @ts-check
'use strict';
// Finding and installing the binaries the extension runs (plugin-lsp and
// gopls), the way vscode-go finds its tools: the setting, then PATH, GOBIN,
// GOPATH/bin, then what `go env` says. VS Code's server process (code-server,
// Remote-SSH) often has a PATH without GOPATH/bin, where `go install` puts
// them. Free of the `vscode` module so that `node --test` can test it.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile, spawn } = require('child_process');

/** This repository's Go module (go.mod; a unit test keeps them equal). */
const MODULE = 'github.com/plugin-lsp/plugin-lsp';
/** The gopls plugin-lsp is built and tested with (go.mod's tool directive). */
const GOPLS_MODULE = 'golang.org/x/tools/gopls';
const GOPLS_VERSION = 'v0.23.0';

const EXE = process.platform === 'win32' ? '.exe' : '';

/** @param {string} p */
function isExecutable(p) {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string | undefined} list a PATH-like list @returns {string[]} */
function splitList(list) {
  return (list || '').split(path.delimiter).filter((d) => d !== '');
}

/**
 * The folders `go install` may have written to, in the order vscode-go
 * searches them: GOBIN, then each GOPATH entry's bin, first from the
 * environment, then from `go env` (which also knows the default GOPATH,
 * ~/go, and a GOBIN set with `go env -w`).
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {{GOBIN?: string, GOPATH?: string} | undefined} goEnv `go env` output, when go ran
 * @returns {string[]}
 */
function goBinDirs(env, goEnv) {
  const dirs = [];
  for (const e of [env, goEnv || {}]) {
    if (e.GOBIN) {
      dirs.push(e.GOBIN);
    }
    for (const p of splitList(e.GOPATH)) {
      dirs.push(path.join(p, 'bin'));
    }
  }
  if (!goEnv) {
    // Go is not on PATH, or failed: the default GOPATH.
    dirs.push(path.join(os.homedir(), 'go', 'bin'));
  }
  return [...new Set(dirs)];
}

/**
 * Where a tool called name is searched: each PATH folder, then goBinDirs.
 * @param {string} name
 * @param {NodeJS.ProcessEnv} env
 * @param {{GOBIN?: string, GOPATH?: string} | undefined} goEnv
 */
function candidates(name, env, goEnv) {
  const file = name.endsWith(EXE) ? name : name + EXE;
  return [...new Set([...splitList(env.PATH), ...goBinDirs(env, goEnv)].map((d) => path.join(d, file)))];
}

/**
 * Runs `go env -json GOBIN GOPATH` with the go found on PATH (or in GOROOT,
 * or /usr/local/go): undefined when there is no go.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{GOBIN?: string, GOPATH?: string} | undefined>}
 */
function goEnv(env) {
  const go = findGo(env);
  if (!go) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    execFile(go, ['env', '-json', 'GOBIN', 'GOPATH'], { env, timeout: 20000 }, (err, stdout) => {
      if (err) {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        resolve(undefined);
      }
    });
  });
}

/**
 * The go command: on PATH, else $GOROOT/bin, else /usr/local/go/bin (where
 * the official archive goes; a login shell adds it to PATH, a server
 * process often does not).
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
function findGo(env) {
  const dirs = [...splitList(env.PATH)];
  if (env.GOROOT) {
    dirs.push(path.join(env.GOROOT, 'bin'));
  }
  dirs.push(path.join(path.sep, 'usr', 'local', 'go', 'bin'));
  return dirs.map((d) => path.join(d, 'go' + EXE)).find(isExecutable);
}

/**
 * Finds a tool. A configured path (absolute, ~, or relative to the
 * workspace) is taken as it is, found or not: the user chose it. A bare name
 * (the default) is searched on PATH and in the Go bin folders.
 *
 * @param {{name: string, configured?: string, workspaceRoot?: string, env: NodeJS.ProcessEnv,
 *   goEnv?: {GOBIN?: string, GOPATH?: string}}} o
 * @returns {{path: string | undefined, searched: string[], configured: boolean}}
 */
function findTool(o) {
  const c = (o.configured || '').trim();
  const bare = c === '' || (!c.includes('/') && !c.includes('\\') && c !== '~');
  if (!bare) {
    let p = c;
    if (p === '~' || p.startsWith('~/')) {
      p = path.join(os.homedir(), p.slice(1));
    }
    if (!path.isAbsolute(p) && o.workspaceRoot) {
      p = path.resolve(o.workspaceRoot, p);
    }
    return { path: isExecutable(p) ? p : undefined, searched: [p], configured: true };
  }
  const searched = candidates(c || o.name, o.env, o.goEnv);
  return { path: searched.find(isExecutable), searched, configured: false };
}

/**
 * The `go install` runs that install the missing tools. From the module
 * proxy: this module's cmd/plugin-lsp at the extension's version and the
 * pinned gopls. From a local checkout of plugin-lsp (installFrom): its
 * ./cmd/plugin-lsp, and `go install tool`, which installs the gopls its
 * go.mod pins.
 *
 * @param {{plugin: boolean, gopls: boolean, version: string, installFrom?: string}} o
 * @returns {Array<{args: string[], cwd?: string, what: string}>}
 */
function installSteps(o) {
  const from = (o.installFrom || '').trim();
  const steps = [];
  if (o.plugin) {
    steps.push(
      from
        ? { args: ['install', './cmd/plugin-lsp'], cwd: from, what: `plugin-lsp from ${from}` }
        : { args: ['install', `${MODULE}/cmd/plugin-lsp@v${o.version.replace(/^v/, '')}`], what: `plugin-lsp v${o.version.replace(/^v/, '')}` },
    );
  }
  if (o.gopls) {
    steps.push(
      from
        ? { args: ['install', 'tool'], cwd: from, what: `gopls (go.mod of ${from})` }
        : { args: ['install', `${GOPLS_MODULE}@${GOPLS_VERSION}`], what: `gopls ${GOPLS_VERSION}` },
    );
  }
  return steps;
}

/**
 * Runs go with args, reporting each output line; rejects with the last
 * lines of output when it fails. The abort signal kills it.
 *
 * @param {string} go
 * @param {{args: string[], cwd?: string}} step
 * @param {{env: NodeJS.ProcessEnv, signal?: AbortSignal, onLine?: (line: string) => void}} o
 * @returns {Promise<void>}
 */
function runGo(go, step, o) {
  return new Promise((resolve, reject) => {
    // Outside any module unless a checkout is given: `go install pkg@version`
    // must not read the user's workspace go.mod.
    const child = spawn(go, step.args, { cwd: step.cwd || os.homedir(), env: o.env, signal: o.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (/** @type {Buffer} */ b) => {
      for (const line of b.toString().split('\n')) {
        if (line.trim() === '') {
          continue;
        }
        tail.push(line);
        if (tail.length > 20) {
          tail.shift();
        }
        if (o.onLine) {
          o.onLine(line);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new Error(`go ${step.args.join(' ')}: ${err.message}`)));
    child.on('close', (code, sig) => {
      if (code === 0) {
        resolve();
        return;
      }
      reject(new Error(`go ${step.args.join(' ')} ${sig ? `was stopped (${sig})` : `exited with ${code}`}${tail.length ? `:\n${tail.join('\n')}` : ''}`));
    });
  });
}

module.exports = { MODULE, GOPLS_MODULE, GOPLS_VERSION, goBinDirs, candidates, goEnv, findGo, findTool, installSteps, runGo, isExecutable };
