'use strict';
// Stand-in for vscode-go (id golang.go) in the e2e test. The real one would
// start go.alternateTools.gopls (plugin-lsp) itself; this one only exists.
module.exports = { activate() {}, deactivate() {} };
