// @ts-check
'use strict';
// vscode:prepublish (run by vsce package): copies Mermaid's browser bundle
// and its licence from the mermaid devDependency into media/mermaid/, which
// the graph webview loads (localResourceRoots: media/). Only this one file
// of the package goes into the .vsix, not mermaid's node_modules tree.

const fs = require('fs');
const path = require('path');

const dist = path.dirname(require.resolve('mermaid/dist/mermaid.min.js'));
const out = path.join(__dirname, '..', 'media', 'mermaid');
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(path.join(dist, 'mermaid.min.js'), path.join(out, 'mermaid.min.js'));
fs.copyFileSync(path.join(dist, '..', 'LICENSE'), path.join(out, 'LICENSE'));
const version = require('mermaid/package.json').version;
fs.writeFileSync(path.join(out, 'VERSION'), `${version}\n`);
console.log(`media/mermaid: mermaid ${version}`);
