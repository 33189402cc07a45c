// @ts-check
// The plugin graph webview's script: renders the Mermaid text the extension
// posts with the bundled mermaid.min.js and reports back what it drew.
/* global mermaid, acquireVsCodeApi */
(function () {
  'use strict';
  // @ts-ignore: provided by the webview host
  const vscode = acquireVsCodeApi();
  const body = document.body;
  const dark = body.classList.contains('vscode-dark') || body.classList.contains('vscode-high-contrast');
  // @ts-ignore: a global of mermaid.min.js
  const m = mermaid;
  m.initialize({
    startOnLoad: false,
    // strict: labels are text, no click handlers or scripts in the diagram.
    securityLevel: 'strict',
    theme: dark ? 'dark' : 'default',
    // Scaled to the panel's width: the whole graph in view, LR graphs are wide.
    flowchart: { useMaxWidth: true },
  });
  const graph = /** @type {HTMLElement} */ (document.getElementById('graph'));
  const title = /** @type {HTMLElement} */ (document.getElementById('title'));
  const cycles = /** @type {HTMLElement} */ (document.getElementById('cycles'));
  /** @type {HTMLElement} */ (document.getElementById('refresh')).addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  let seq = 0;

  window.addEventListener('message', async (event) => {
    const msg = event.data;
    if (!msg || msg.type !== 'graph') {
      return;
    }
    title.textContent = `Plugin graph of ${msg.root}: ${msg.nodes} nodes, ${msg.edges} edges`;
    cycles.replaceChildren();
    if (msg.cycleNodes.length > 0) {
      cycles.className = 'cycle';
      cycles.textContent = `Dependency cycle (${msg.cycleNodes.length} nodes, in red): ${msg.cycleNodes.join(' · ')}`;
    } else {
      cycles.className = '';
      cycles.textContent = 'No dependency cycle.';
    }
    try {
      const { svg } = await m.render(`plugin-graph-${++seq}`, msg.text);
      graph.innerHTML = svg;
      vscode.postMessage({
        type: 'rendered',
        nodes: graph.querySelectorAll('g.node').length,
        edges: graph.querySelectorAll('path.flowchart-link').length,
        cycleNodes: graph.querySelectorAll('g.node.cycle').length,
      });
    } catch (err) {
      graph.textContent = `Mermaid could not render the graph: ${err && err.message ? err.message : err}`;
      vscode.postMessage({ type: 'rendered', nodes: 0, edges: 0, cycleNodes: 0, error: String(err && err.message ? err.message : err) });
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
