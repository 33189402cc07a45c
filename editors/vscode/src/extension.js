// @ts-check
'use strict';
// The plugin-lsp extension: starts `plugin-lsp` (a drop-in for gopls that adds
// plugin-system diagnostics and navigation) over stdio with
// vscode-languageclient, unless vscode-go already runs it through
// "go.alternateTools": {"gopls": "plugin-lsp"}; two servers on one workspace
// would report every diagnostic twice.

const vscode = require('vscode');
const { LanguageClient, ExecuteCommandRequest, DidChangeConfigurationNotification } = require('vscode-languageclient/node');
const { SECTION, serverSettings, resolveServerPath, runsThroughVscodeGo } = require('./config');

/**
 * The controller of the current activation. deactivate() takes no arguments,
 * so VS Code leaves no other place to find what activate() started.
 * @type {Controller | undefined}
 */
let active;

/**
 * The config files that mention plugins by name, as the server's index reads
 * them (index/mentions.go): CoreDNS plugin.cfg and Corefile, Caddyfile and
 * Caddy JSON, Telegraf TOML tables. The server indexes every *.toml; the
 * editor sends only Telegraf-named ones (telegraf*.conf, *telegraf*.toml,
 * telegraf.d/*.toml).
 */
const CONFIG_FILES = [
  '**/plugin.cfg',
  '**/{Corefile,Corefile.*}',
  '**/{Caddyfile,Caddyfile.*,*.caddyfile}',
  '**/*{caddy,Caddy}*.json',
  '**/telegraf*.conf',
  '**/*telegraf*.toml',
  '**/telegraf.d/**/*.toml',
];

/** @param {vscode.TextDocument} document */
function isConfigFile(document) {
  return (
    !['go', 'go.mod', 'go.work'].includes(document.languageId) &&
    vscode.languages.match(CONFIG_FILES.map((pattern) => ({ scheme: 'file', pattern })), document) > 0
  );
}

/** The server command that reports the index state (lsp side). */
const STATUS_COMMAND = 'plugin-lsp.status';

/**
 * One activation's state. Kept in an object owned by activate() rather than
 * in module globals so that a deactivate/activate cycle starts clean.
 */
class Controller {
  /** @param {vscode.ExtensionContext} context */
  constructor(context) {
    this.context = context;
    // vscode-languageclient 11 needs a log output channel: with a plain one,
    // start() throws "outputChannel.error is not a function".
    this.log = vscode.window.createOutputChannel('plugin-lsp', { log: true });
    /** @type {LanguageClient | undefined} */
    this.client = undefined;
    /** @type {'stopped' | 'starting' | 'running' | 'through-vscode-go' | 'failed'} */
    this.state = 'stopped';
    /** @type {string | undefined} */
    this.lastError = undefined;
    // Serialises start/stop so that quick configuration changes cannot run
    // two starts at once.
    /** @type {Promise<void>} */
    this.queue = Promise.resolve();
  }

  /** @returns {string | undefined} */
  workspaceRoot() {
    const folders = vscode.workspace.workspaceFolders;
    return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  }

  serverPath() {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return resolveServerPath(cfg.get('path'), this.workspaceRoot());
  }

  vscodeGoRunsUs() {
    const goExt = vscode.extensions.getExtension('golang.go');
    const goCfg = vscode.workspace.getConfiguration('go');
    const alt = goCfg.get('alternateTools');
    return runsThroughVscodeGo({
      installed: goExt !== undefined,
      useLanguageServer: goCfg.get('useLanguageServer'),
      alternateGopls: alt && typeof alt === 'object' ? /** @type {any} */ (alt).gopls : undefined,
      ourPath: this.serverPath(),
    });
  }

  /** @param {() => Promise<void>} fn */
  enqueue(fn) {
    this.queue = this.queue.then(fn, fn);
    return this.queue;
  }

  start() {
    return this.enqueue(() => this.doStart());
  }

  restart() {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop() {
    return this.enqueue(() => this.doStop());
  }

  async doStart() {
    if (this.client) {
      return;
    }
    if (this.vscodeGoRunsUs()) {
      this.state = 'through-vscode-go';
      this.log.info('plugin-lsp runs through vscode-go (go.alternateTools.gopls); not starting a second server');
      return;
    }
    const command = this.serverPath();
    const goplsPath = (vscode.workspace.getConfiguration(SECTION).get('goplsPath') || '').toString().trim();
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env };
    if (goplsPath !== '') {
      env.PLUGIN_LSP_GOPLS = resolveServerPath(goplsPath, this.workspaceRoot());
    }
    /** @type {import('vscode-languageclient/node').ServerOptions} */
    const serverOptions = {
      // No `transport`: TransportKind.stdio would append --stdio to the
      // arguments; plugin-lsp serves stdio with no arguments, like gopls.
      command,
      args: [],
      options: { env, cwd: this.workspaceRoot() },
    };
    /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
    const clientOptions = {
      documentSelector: [
        { language: 'go', scheme: 'file' },
        { language: 'go.mod', scheme: 'file' },
        { language: 'go.work', scheme: 'file' },
        { language: 'yaml', scheme: 'file', pattern: '**/{plugin-manifest.yaml,.plugin-lsp.yaml}' },
        // Config files that name plugins (index/mentions.go): definition,
        // references, hover and rename work from the names in them. By file
        // name, whatever language VS Code gives them. TOML only when the name
        // says Telegraf: a bare **/*.toml would attach the server to every
        // Cargo.toml or pyproject.toml, and VS Code would send requests
        // (and gopls didOpen) for files that cannot hold a mention.
        ...CONFIG_FILES.map((pattern) => ({ scheme: 'file', pattern })),
      ],
      outputChannel: this.log,
      initializationOptions: () => ({ [SECTION]: this.settings() }),
      middleware: {
        // gopls gets the didOpen of a config file (through the proxy), loads
        // no package for it and answers code action and inlay hint requests
        // for it with "no package metadata for file", which the client would
        // show as an error notification each time such a file is opened.
        // plugin-lsp has neither for config files: do not ask.
        provideCodeActions: (document, range, context, token, next) =>
          isConfigFile(document) ? [] : next(document, range, context, token),
        provideInlayHints: (document, range, token, next) => (isConfigFile(document) ? [] : next(document, range, token)),
        workspace: {
          // gopls asks for section "gopls" and plugin-lsp for "plugin-lsp";
          // answer ours with the server settings only, the rest as usual.
          configuration: async (params, token, next) => {
            const answer = await next(params, token);
            if (!Array.isArray(answer)) {
              return answer;
            }
            return params.items.map((item, i) => {
              if (item.section !== SECTION) {
                return answer[i];
              }
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              const cfg = vscode.workspace.getConfiguration(SECTION, scope);
              return serverSettings((key) => cfg.get(key));
            });
          },
        },
      },
    };
    const client = new LanguageClient(SECTION, 'plugin-lsp', serverOptions, clientOptions);
    this.client = client;
    this.state = 'starting';
    this.log.info(`starting ${command}${goplsPath ? ` (gopls: ${env.PLUGIN_LSP_GOPLS})` : ''}`);
    try {
      await client.start();
      this.state = 'running';
      this.lastError = undefined;
      const info = client.initializeResult && client.initializeResult.serverInfo;
      // gopls's serverInfo.version is a long JSON text: its first line is enough.
      const version = info && info.version ? String(info.version).slice(0, 80) : '';
      this.log.info(`started: ${info ? `${info.name} ${version}` : 'no serverInfo'}`);
    } catch (err) {
      this.state = 'failed';
      this.lastError = String(err && /** @type {any} */ (err).message ? /** @type {any} */ (err).message : err);
      this.client = undefined;
      this.log.error(`could not start ${command}: ${this.lastError}`);
      vscode.window.showErrorMessage(
        `plugin-lsp: could not start "${command}": ${this.lastError}. Set "plugin-lsp.path" or install it with: go install github.com/plugin-lsp/plugin-lsp/cmd/plugin-lsp@latest`,
      );
      try {
        await client.dispose();
      } catch {
        // The client never ran; nothing more to release.
      }
    }
  }

  async doStop() {
    const client = this.client;
    this.client = undefined;
    this.state = 'stopped';
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.log.warn(`stopping plugin-lsp: ${err}`);
      }
    }
  }

  settings() {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return serverSettings((key) => cfg.get(key));
  }

  /** @param {vscode.ConfigurationChangeEvent} e */
  async onConfigurationChanged(e) {
    const restartKeys = [`${SECTION}.path`, `${SECTION}.goplsPath`, 'go.alternateTools', 'go.useLanguageServer'];
    if (restartKeys.some((k) => e.affectsConfiguration(k))) {
      this.log.info('server configuration changed: restarting');
      await this.restart();
      return;
    }
    if (e.affectsConfiguration(SECTION) && this.client && this.state === 'running') {
      // The server pulls settings again (workspace/configuration) on this
      // notification; the payload also carries them for servers that read it.
      await this.client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: this.settings() },
      });
    }
  }

  /**
   * "plugin-lsp: Show Status": asks the server for plugin-lsp.status and shows
   * it. Returns the server's answer (undefined when there is none), which the
   * extension tests read.
   */
  async showStatus() {
    if (this.state === 'through-vscode-go') {
      vscode.window.showInformationMessage('plugin-lsp runs through vscode-go (go.alternateTools.gopls); its status is in the Go output.');
      return undefined;
    }
    if (!this.client || this.state !== 'running') {
      vscode.window.showWarningMessage(`plugin-lsp is not running (${this.state}${this.lastError ? `: ${this.lastError}` : ''})`);
      return undefined;
    }
    try {
      const result = await this.client.sendRequest(ExecuteCommandRequest.type, { command: STATUS_COMMAND, arguments: [] });
      const text = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
      this.log.info(`status:\n${text}`);
      this.log.show(true);
      vscode.window.showInformationMessage(`plugin-lsp: ${summarise(result)}`);
      return result;
    } catch (err) {
      const msg = String(err && /** @type {any} */ (err).message ? /** @type {any} */ (err).message : err);
      this.log.error(`status: ${msg}`);
      vscode.window.showErrorMessage(`plugin-lsp status: ${msg}`);
      return undefined;
    }
  }
}

/** One line for the notification; the full answer is in the output channel. */
function summarise(result) {
  if (result === null || result === undefined) {
    return 'no status';
  }
  if (typeof result === 'string') {
    return result.split('\n')[0];
  }
  const s = JSON.stringify(result);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const ctl = new Controller(context);
  context.subscriptions.push(
    ctl.log,
    vscode.commands.registerCommand('plugin-lsp.showStatus', () => ctl.showStatus()),
    vscode.commands.registerCommand('plugin-lsp.restart', () => ctl.restart()),
    vscode.workspace.onDidChangeConfiguration((e) => ctl.onConfigurationChanged(e)),
  );
  active = ctl;
  ctl.log.info(`plugin-lsp extension ${context.extension.packageJSON.version} from ${context.extensionPath}`);
  await ctl.start();
  // What tests and other extensions may read. Not a stable API.
  return {
    state: () => ctl.state,
    lastError: () => ctl.lastError,
    client: () => ctl.client,
    extensionPath: context.extensionPath,
    serverPath: () => ctl.serverPath(),
  };
}

function deactivate() {
  // VS Code awaits this promise before it ends the extension host, so the
  // server gets shutdown/exit instead of a closed pipe.
  const ctl = active;
  active = undefined;
  return ctl ? ctl.stop() : undefined;
}

module.exports = { activate, deactivate };
