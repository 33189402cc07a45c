// @ts-check
'use strict';
// Reads what the graph view needs from `plugin-lsp graph -format mermaid`
// (cmd/plugin-lsp/graph.go: one node per line `nID<shape>"label"<shape>`,
// edges `a -->|"label"| b`, and `class n1,n2 cycle` for the nodes on a
// dependency cycle). Free of the `vscode` module for `node --test`.

/** Undoes graph.go's mermaidText escaping. @param {string} s */
function unescapeLabel(s) {
  return s.replace(/<br\/>/g, ' ').replace(/#quot;/g, '"').replace(/#124;/g, '|');
}

/**
 * @param {string} text the Mermaid flowchart
 * @returns {{nodes: number, edges: number, cycleNodes: string[]}} counts and
 *   the labels of the nodes on a cycle, in output order
 */
function summariseGraph(text) {
  /** @type {Map<string, string>} */
  const labels = new Map();
  let edges = 0;
  /** @type {string[]} */
  let cycleIds = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m;
    if ((m = /^(n\d+)\s*-->/.exec(line))) {
      edges++;
    } else if ((m = /^(n\d+)[\[\(>\/]+"(.*)"[\]\)\/]+$/.exec(line))) {
      labels.set(m[1], unescapeLabel(m[2]));
    } else if ((m = /^class\s+(\S+)\s+cycle$/.exec(line))) {
      cycleIds = cycleIds.concat(m[1].split(','));
    }
  }
  return { nodes: labels.size, edges, cycleNodes: cycleIds.map((id) => labels.get(id) || id) };
}

module.exports = { summariseGraph };
