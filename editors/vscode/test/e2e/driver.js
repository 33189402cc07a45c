// @ts-check
'use strict';
// Drives the VS Code workbench of code-server in Chromium (both started and
// stopped by test-e2e.sh) over CDP: opens the workbench with a test payload,
// takes the screenshot when the extension tests ask for it, and exits with
// the tests' exit code (code-server calls window.codeAutomationExit).
//
// Usage: node driver.js (all parameters in the environment, see `need`).

const fs = require('fs');
const path = require('path');

/** @param {string} name */
function need(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`driver: ${name} is not set`);
  }
  return v;
}

async function main() {
  const tools = need('E2E_TOOLS'); // folder whose node_modules has playwright-core
  const cdpPort = need('E2E_CDP_PORT');
  const csPort = need('E2E_CS_PORT');
  const fixture = need('PLUGIN_LSP_E2E_FIXTURE');
  const testsPath = need('E2E_TESTS_PATH');
  const syncDir = need('PLUGIN_LSP_E2E_DIR');
  // Optional: a suite that shows nothing to photograph runs without it.
  const shot = process.env.E2E_SCREENSHOT || '';
  const timeoutMs = Number(process.env.E2E_TIMEOUT_MS || 150000);

  const { chromium } = require(path.join(tools, 'node_modules', 'playwright-core'));
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`);
  try {
    // A page of our own for each run: the next run's workbench gets a fresh
    // extension host when this page closes.
    const page = await browser.contexts()[0].newPage();
    await page.setViewportSize({ width: 1400, height: 860 });
    page.on('console', (m) => {
      if (m.type() === 'error') {
        fs.appendFileSync(path.join(syncDir, 'browser-console.log'), `${m.text()}\n`);
      }
    });
    /** @type {(code: number) => void} */
    let exited = () => {};
    const exitCode = new Promise((resolve) => {
      exited = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => {
      exited(code);
    });
    // Tests run in the remote extension host: their path is a vscode-remote URI.
    const remote = (/** @type {string} */ p) => `vscode-remote://127.0.0.1:${csPort}${p}`;
    // Without extensionDevelopmentPath code-server ignores extensionTestsPath.
    // It points at the extension installed from the .vsix, so the package is
    // what is tested.
    // E2E_EXTENSION_PATH may list several folders, separated by ':'.
    const payload = [
      ...need('E2E_EXTENSION_PATH')
        .split(':')
        .map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(testsPath)],
    ];
    const url = `http://127.0.0.1:${csPort}/?folder=${encodeURIComponent(fixture)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);

    // The tests ask for a screenshot by writing screenshot-ready holding a
    // name ("editor", "hover"): the picture goes next to E2E_SCREENSHOT as
    // <name>.png ("editor" is E2E_SCREENSHOT itself), and screenshot-done
    // (holding the name) says it is taken.
    const ready = path.join(syncDir, 'screenshot-ready');
    const done = path.join(syncDir, 'screenshot-done');
    // The tests ask for a click in the workbench (a notification's button,
    // which no extension API can press) by writing ui-request: {"click": label}.
    const uiReq = path.join(syncDir, 'ui-request');
    const deadline = Date.now() + timeoutMs;
    let code;
    const taken = [];
    while (code === undefined) {
      if (Date.now() > deadline) {
        await page.screenshot({ path: shot.replace(/\.png$/, '-timeout.png') }).catch(() => {});
        throw new Error(`driver: no result from the extension tests after ${timeoutMs} ms`);
      }
      if (shot && fs.existsSync(ready)) {
        const name = fs.readFileSync(ready, 'utf8').trim() || 'editor';
        const file = name === 'editor' ? shot : path.join(path.dirname(shot), `${name.replace(/[^\w-]/g, '_')}.png`);
        fs.unlinkSync(ready);
        await page.screenshot({ path: file });
        taken.push(name);
        fs.writeFileSync(done, name);
        console.log(`driver: screenshot ${file}`);
      }
      if (fs.existsSync(uiReq)) {
        await uiRequest(page, uiReq, path.join(syncDir, 'ui-done'));
      }
      code = await Promise.race([exitCode, new Promise((r) => setTimeout(() => r(undefined), 200))]);
    }
    // The screenshots a passing run must have taken (E2E_WANT_SHOTS, comma-separated; default "editor").
    const want = (process.env.E2E_WANT_SHOTS || 'editor').split(',').filter(Boolean);
    const lacking = want.filter((n) => !taken.includes(n));
    if (shot && lacking.length > 0) {
      await page.screenshot({ path: shot.replace(/\.png$/, '-final.png') }).catch(() => {});
      console.log(`driver: the tests ended before asking for the screenshots ${lacking.join(', ')}`);
      if (code === 0) {
        code = 1;
      }
    }
    console.log(`driver: extension tests exited with ${code}`);
    await page.close().catch(() => {});
    return Number(code);
  } finally {
    // Only the CDP connection: test-e2e.sh owns and stops the browser process.
    await browser.close().catch(() => {});
  }
}

/**
 * Carries out one ui-request and answers in ui-done: "ok" or the error.
 * @param {any} page playwright Page
 * @param {string} req
 * @param {string} done
 */
async function uiRequest(page, req, done) {
  const r = JSON.parse(fs.readFileSync(req, 'utf8'));
  fs.unlinkSync(req);
  let answer = 'ok';
  try {
    if (typeof r.click !== 'string') {
      throw new Error(`unknown ui-request ${JSON.stringify(r)}`);
    }
    // A notification toast's button, by its label.
    await page.locator('.notifications-toasts .notification-toast .monaco-button', { hasText: r.click }).first().click({ timeout: 30000 });
    // Off the workbench's content, so that no tooltip opens where the pointer was.
    await page.mouse.move(1200, 16);
    console.log(`driver: clicked the notification button ${JSON.stringify(r.click)}`);
  } catch (err) {
    answer = String(err && err.message ? err.message : err);
  }
  fs.writeFileSync(done, answer);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
