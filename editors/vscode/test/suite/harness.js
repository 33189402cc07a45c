// @ts-check
'use strict';
// A small test harness for the extension host: code-server runs the module
// named by extensionTestsPath and calls its run(); a rejected promise makes
// codeAutomationExit(1). No mocha: the host has only `vscode` and node.

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

/** Where the driver and these tests exchange files (results, screenshot sync). */
const E2E_DIR = process.env.PLUGIN_LSP_E2E_DIR || '';
/** The fixture workspace (editors/vscode/test-fixture). */
const FIXTURE = process.env.PLUGIN_LSP_E2E_FIXTURE || '';

/** @param {string} line */
function log(line) {
  const stamped = `[${new Date().toISOString()}] ${line}`;
  console.log(stamped);
  if (E2E_DIR) {
    fs.appendFileSync(path.join(E2E_DIR, 'results.log'), `${stamped}\n`);
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls fn until it returns a truthy value (not an empty array) or the time is up; the error
 * message says what was awaited and the last value seen.
 * @template T
 * @param {string} what
 * @param {() => Promise<T> | T} fn
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
async function waitFor(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      // An empty list (a filter that matched nothing) is not there yet.
      if (last && !(Array.isArray(last) && last.length === 0)) {
        return last;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${describe(last)}`);
    }
    await sleep(250);
  }
}

function describe(v) {
  if (v instanceof Error) {
    return v.message;
  }
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** @param {string} rel fixture-relative path */
function fixtureUri(rel) {
  return vscode.Uri.file(path.join(FIXTURE, rel));
}

/**
 * Opens rel and returns its document and editor.
 * @param {string} rel
 */
async function open(rel) {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(rel));
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  return { doc, editor };
}

/**
 * The position of the n-th occurrence of needle in doc, plus delta characters.
 * @param {vscode.TextDocument} doc
 * @param {string} needle
 * @param {number} [delta]
 * @param {number} [nth] 1-based
 */
function positionOf(doc, needle, delta = 0, nth = 1) {
  const text = doc.getText();
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) {
      throw new Error(`${needle} (#${nth}) not found in ${doc.uri.fsPath}`);
    }
  }
  return doc.positionAt(at + delta);
}

/** Plain text of a hover list, for matching. @param {vscode.Hover[] | undefined} hovers */
function hoverText(hovers) {
  return (hovers || [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : /** @type {any} */ (c).value || ''))
    .join('\n');
}

/** Normalises Location | LocationLink to {uri, range}. @param {any} l */
function target(l) {
  return l.targetUri ? { uri: l.targetUri, range: l.targetSelectionRange || l.targetRange } : { uri: l.uri, range: l.range };
}

/** The diagnostic code as a string (it may be {value, target}). @param {vscode.Diagnostic} d */
function codeOf(d) {
  const c = /** @type {any} */ (d.code);
  return c && typeof c === 'object' ? String(c.value) : c === undefined ? '' : String(c);
}

/** The plugin-lsp extension, activated; fails when activate() threw. */
async function pluginLsp() {
  const ext = vscode.extensions.getExtension('plugin-lsp.plugin-lsp');
  if (!ext) {
    throw new Error('extension plugin-lsp.plugin-lsp is not installed');
  }
  const api = await ext.activate();
  // isActive is true even when activate() threw; the API object is not there then.
  if (!api || typeof api.state !== 'function') {
    throw new Error('activate() returned no API: it failed (see the extension host log)');
  }
  return { ext, api };
}

/** Asks the driver for a screenshot called name and waits for it. @param {string} name */
async function screenshot(name) {
  if (!E2E_DIR) {
    return;
  }
  const done = path.join(E2E_DIR, 'screenshot-done');
  fs.rmSync(done, { force: true });
  fs.writeFileSync(path.join(E2E_DIR, 'screenshot-ready'), name);
  await waitFor(`the driver to take the screenshot ${name}`, () => fs.existsSync(done) && fs.readFileSync(done, 'utf8') === name, 30000);
}

/**
 * Has the driver click the button labelled label in a notification (a
 * real click in the browser: no API presses a notification's button).
 * @param {string} label
 */
async function clickNotification(label) {
  if (!E2E_DIR) {
    throw new Error('clickNotification needs PLUGIN_LSP_E2E_DIR (the driver)');
  }
  const done = path.join(E2E_DIR, 'ui-done');
  fs.rmSync(done, { force: true });
  fs.writeFileSync(path.join(E2E_DIR, 'ui-request'), JSON.stringify({ click: label }));
  const answer = await waitFor(`the driver to click ${label}`, () => fs.existsSync(done) && fs.readFileSync(done, 'utf8'), 45000);
  if (answer !== 'ok') {
    throw new Error(`the driver could not click the notification button ${label}: ${answer}`);
  }
}

module.exports = { E2E_DIR, FIXTURE, log, screenshot, clickNotification, sleep, waitFor, fixtureUri, open, positionOf, hoverText, target, codeOf, pluginLsp, describe };
