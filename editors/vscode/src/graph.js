// @ts-check
'use strict';
// "plugin-lsp: Show Plugin Graph": runs `plugin-lsp graph -format mermaid`
// on the workspace and renders it in a webview with the Mermaid copy shipped
// in the extension (media/mermaid/, copied from the mermaid npm package at
// packaging time): nothing is fetched at run time, and the page's CSP allows
// only the extension's own scripts, by nonce.

const crypto = require('crypto');
const { execFile } = require('child_process');
const vscode = require('vscode');
const { summariseGraph } = require('./graphtext');

/**
 * Runs `server graph -format mermaid root`.
 * @param {string} server
 * @param {string} root
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string>}
 */
function runGraph(server, root, env) {
  return new Promise((resolve, reject) => {
    execFile(server, ['graph', '-format', 'mermaid', root], { cwd: root, env, maxBuffer: 64 << 20, timeout: 300000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${server} graph -format mermaid ${root}: ${(stderr || err.message).trim()}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/**
 * What the webview reports after rendering: the numbers of SVG nodes, edges
 * and nodes drawn with the cycle class, or the Mermaid error.
 * @typedef {{nodes: number, edges: number, cycleNodes: number, error?: string}} Rendered
 */

/** One graph panel at a time; "Show Plugin Graph" again refreshes and reveals it. */
class GraphView {
  /**
   * @param {vscode.ExtensionContext} context
   * @param {vscode.LogOutputChannel} log
   * @param {() => Promise<{server: string, root: string, env: NodeJS.ProcessEnv} | undefined>} target
   *   the server to run and the folder, or undefined (the caller has said why)
   */
  constructor(context, log, target) {
    this.context = context;
    this.log = log;
    this.target = target;
    /** @type {vscode.WebviewPanel | undefined} */
    this.panel = undefined;
    /** @type {((r: Rendered) => void) | undefined} */
    this.onRendered = undefined;
    /** @type {Promise<void>} */
    this.ready = Promise.resolve();
    /** The last graph posted, sent again when the webview reloads. */
    this.last = undefined;
    /** Renders reported by the webview so far (the tests read it). */
    this.renders = 0;
  }

  /**
   * Shows the graph; resolves with what the webview rendered (the tests
   * read it), or undefined when there is nothing to show.
   * @returns {Promise<(Rendered & {summary: ReturnType<typeof summariseGraph>}) | undefined>}
   */
  async show() {
    const t = await this.target();
    if (!t) {
      return undefined;
    }
    let text;
    try {
      text = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'plugin-lsp: building the plugin graph' },
        () => runGraph(t.server, t.root, t.env),
      );
    } catch (err) {
      const msg = String(/** @type {any} */ (err).message || err);
      this.log.error(msg);
      vscode.window.showErrorMessage(`plugin-lsp: could not build the plugin graph: ${msg.split('\n')[0]}`);
      return undefined;
    }
    const summary = summariseGraph(text);
    this.log.info(`graph of ${t.root}: ${summary.nodes} nodes, ${summary.edges} edges, ${summary.cycleNodes.length} on a cycle`);
    const panel = this.open();
    await this.ready;
    const rendered = new Promise((resolve) => {
      this.onRendered = resolve;
    });
    this.last = { type: 'graph', text, root: t.root, cycleNodes: summary.cycleNodes, nodes: summary.nodes, edges: summary.edges };
    panel.webview.postMessage(this.last);
    const r = /** @type {Rendered} */ (await rendered);
    if (r.error) {
      this.log.error(`mermaid: ${r.error}`);
    }
    return { ...r, summary };
  }

  /** Creates the panel (or reveals it) and its page. */
  open() {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('plugin-lsp.graph', 'Plugin Graph', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    this.panel = panel;
    /** @type {() => void} */
    let ready = () => {};
    this.ready = new Promise((r) => {
      ready = r;
    });
    panel.webview.onDidReceiveMessage((m) => {
      if (m && m.type === 'ready') {
        // A hidden webview is unloaded (no retainContextWhenHidden, which
        // would keep it in memory): shown again, it loads anew and asks.
        if (this.last && !this.onRendered) {
          panel.webview.postMessage(this.last);
        }
        ready();
      } else if (m && m.type === 'rendered') {
        this.renders++;
        if (!this.onRendered) {
          return;
        }
        const f = this.onRendered;
        this.onRendered = undefined;
        f(m);
      } else if (m && m.type === 'refresh') {
        this.show();
      }
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.last = undefined;
      if (this.onRendered) {
        this.onRendered({ nodes: 0, edges: 0, cycleNodes: 0, error: 'the panel was closed' });
        this.onRendered = undefined;
      }
    });
    const nonce = crypto.randomBytes(16).toString('base64');
    const w = panel.webview;
    const uri = (/** @type {string[]} */ ...p) => w.asWebviewUri(vscode.Uri.joinPath(media, ...p));
    // Mermaid writes <style> into the SVG: style-src needs 'unsafe-inline'.
    // Scripts: only the two files below, by nonce; no eval, no network.
    w.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${w.cspSource} data:; font-src ${w.cspSource}; style-src ${w.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('graph.css')}">
<title>Plugin Graph</title>
</head>
<body>
<header>
  <div id="title">Plugin graph</div>
  <div id="cycles"></div>
  <div id="legend">hosts <code>[ ]</code> · plugin packages <code>[[ ]]</code> · registries <code>[( )]</code> · native plugins <code>[/ /]</code> · manifests <code>&gt; ]</code> · <span class="cycle">red: on a dependency cycle</span></div>
  <button id="refresh" title="Run plugin-lsp graph again">Refresh</button>
</header>
<main id="graph"></main>
<script nonce="${nonce}" src="${uri('mermaid', 'mermaid.min.js')}"></script>
<script nonce="${nonce}" src="${uri('graph.js')}"></script>
</body>
</html>`;
    return panel;
  }

  dispose() {
    if (this.panel) {
      this.panel.dispose();
    }
  }
}

module.exports = { GraphView, runGraph };
