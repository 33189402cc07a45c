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
const tools = require('./tools');
const { statusView } = require('./statusbar');
const { GraphView } = require('./graph');

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
    /** @type {'stopped' | 'starting' | 'running' | 'through-vscode-go' | 'failed' | 'missing' | 'installing'} */
    this.state = 'stopped';
    /** The binaries found by the last start (tools.findTool). */
    /** @type {{server?: string, gopls?: string}} */
    this.found = {};
    /** What is missing when state is 'missing'. */
    /** @type {{plugin: boolean, gopls: boolean}} */
    this.missing = { plugin: false, gopls: false };
    /** The go install runs of this activation (the tests read them). */
    /** @type {string[]} */
    this.installed = [];
    /** @type {Promise<boolean> | undefined} */
    this.installing = undefined;
    this.statusItem = vscode.window.createStatusBarItem('plugin-lsp.status', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'plugin-lsp';
    this.statusItem.command = 'plugin-lsp.showStatus';
    /** The last plugin-lsp.status answer shown in the status bar. */
    this.lastStatus = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.statusTimer = undefined;
    this.graph = new GraphView(context, this.log, () => this.graphTarget());
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

  /** The server this activation runs: the one found at start, else the setting. */
  serverPath() {
    if (this.found.server) {
      return this.found.server;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return resolveServerPath(cfg.get('path'), this.workspaceRoot());
  }

  /**
   * Finds plugin-lsp and gopls: the settings, else PATH, GOBIN, GOPATH/bin
   * and `go env` (tools.findTool).
   */
  async discover() {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const env = process.env;
    const goEnv = await tools.goEnv(env);
    const root = this.workspaceRoot();
    const server = tools.findTool({ name: 'plugin-lsp', configured: cfg.get('path'), workspaceRoot: root, env, goEnv });
    // PLUGIN_LSP_GOPLS in VS Code's environment counts as a setting (the server reads it too).
    const gopls = tools.findTool({ name: 'gopls', configured: cfg.get('goplsPath') || env.PLUGIN_LSP_GOPLS, workspaceRoot: root, env, goEnv });
    return { server, gopls };
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

  /** @param {Controller['state']} state */
  setState(state) {
    this.state = state;
    if (state !== 'running') {
      this.lastStatus = undefined;
    }
    this.renderStatus();
  }

  async doStart() {
    if (this.client) {
      return;
    }
    if (this.vscodeGoRunsUs()) {
      this.setState('through-vscode-go');
      this.log.info('plugin-lsp runs through vscode-go (go.alternateTools.gopls); not starting a second server');
      return;
    }
    const found = await this.discover();
    this.found = { server: found.server.path, gopls: found.gopls.path };
    for (const [what, f] of /** @type {const} */ ([['plugin-lsp', found.server], ['gopls', found.gopls]])) {
      this.log.info(f.path ? `${what}: ${f.path}` : `${what}: not found; looked for ${f.searched.join(', ')}`);
    }
    // A path the user set and that is not there: say so; installing would
    // not put it there.
    const badSetting = [
      found.server.configured && !found.server.path ? `plugin-lsp.path (${found.server.searched[0]})` : '',
      found.gopls.configured && !found.gopls.path ? `plugin-lsp.goplsPath (${found.gopls.searched[0]})` : '',
    ].filter(Boolean);
    if (badSetting.length > 0) {
      this.lastError = `${badSetting.join(' and ')}: no such executable`;
      this.setState('failed');
      this.log.error(this.lastError);
      vscode.window.showErrorMessage(`plugin-lsp: ${this.lastError}.`, 'Open Settings').then((c) => {
        if (c) {
          vscode.commands.executeCommand('workbench.action.openSettings', 'plugin-lsp');
        }
      });
      return;
    }
    if (!found.server.path || !found.gopls.path) {
      this.missing = { plugin: !found.server.path, gopls: !found.gopls.path };
      this.lastError = `${missingNames(this.missing)} not found on PATH, in GOBIN or in GOPATH/bin`;
      this.setState('missing');
      this.offerInstall();
      return;
    }
    const command = found.server.path;
    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env, PLUGIN_LSP_GOPLS: found.gopls.path };
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
    this.setState('starting');
    this.log.info(`starting ${command} (gopls: ${env.PLUGIN_LSP_GOPLS})`);
    try {
      await client.start();
      this.lastError = undefined;
      this.setState('running');
      this.refreshStatus();
      const info = client.initializeResult && client.initializeResult.serverInfo;
      // gopls's serverInfo.version is a long JSON text: its first line is enough.
      const version = info && info.version ? String(info.version).slice(0, 80) : '';
      this.log.info(`started: ${info ? `${info.name} ${version}` : 'no serverInfo'}`);
    } catch (err) {
      this.lastError = String(err && /** @type {any} */ (err).message ? /** @type {any} */ (err).message : err);
      this.client = undefined;
      this.setState('failed');
      this.log.error(`could not start ${command}: ${this.lastError}`);
      vscode.window.showErrorMessage(`plugin-lsp: could not start "${command}": ${this.lastError}`, 'Show Log').then((c) => {
        if (c) {
          this.log.show(true);
        }
      });
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
    this.found = {};
    this.setState('stopped');
    if (client) {
      try {
        await client.stop(5000);
      } catch (err) {
        this.log.warn(`stopping plugin-lsp: ${err}`);
      }
    }
  }

  /**
   * The notification that offers to install what is missing. Not awaited by
   * doStart: the start queue must not wait for the user.
   */
  offerInstall() {
    const what = missingNames(this.missing);
    this.log.warn(`${what} not found; offering to install with go install`);
    vscode.window
      .showWarningMessage(`plugin-lsp: ${what} not found (PATH, GOBIN, GOPATH/bin). Install with "go install"?`, 'Install', 'Open Settings')
      .then((choice) => {
        if (choice === 'Install') {
          this.install(this.missing);
        } else if (choice === 'Open Settings') {
          vscode.commands.executeCommand('workbench.action.openSettings', 'plugin-lsp.path');
        }
      });
  }

  /**
   * Runs `go install` for the given tools under a progress notification,
   * then starts the server. From the module proxy at the extension's version
   * (and the pinned gopls), or from a local checkout (plugin-lsp.installFrom
   * or PLUGIN_LSP_INSTALL_FROM). Resolves true when every install worked.
   * @param {{plugin: boolean, gopls: boolean}} which
   * @returns {Promise<boolean>}
   */
  install(which) {
    if (!this.installing) {
      this.installing = this.doInstall(which).finally(() => {
        this.installing = undefined;
      });
    }
    return this.installing;
  }

  /** @param {{plugin: boolean, gopls: boolean}} which */
  async doInstall(which) {
    const go = tools.findGo(process.env);
    if (!go) {
      const msg = 'plugin-lsp: go was not found (PATH, GOROOT/bin, /usr/local/go/bin); install Go from https://go.dev/dl/ first';
      this.log.error(msg);
      vscode.window.showErrorMessage(msg);
      return false;
    }
    const cfg = vscode.workspace.getConfiguration(SECTION);
    const installFrom = String(cfg.get('installFrom') || process.env.PLUGIN_LSP_INSTALL_FROM || '');
    const steps = tools.installSteps({ ...which, version: this.context.extension.packageJSON.version, installFrom });
    const before = this.state;
    this.setState('installing');
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'plugin-lsp: installing', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          for (const [i, step] of steps.entries()) {
            const cmd = `go ${step.args.join(' ')}`;
            progress.report({ message: `${step.what}: ${cmd} (${i + 1}/${steps.length})`, increment: i === 0 ? 0 : 100 / steps.length });
            this.log.info(`running ${go} ${step.args.join(' ')}${step.cwd ? ` in ${step.cwd}` : ''}`);
            await tools.runGo(go, step, { env: process.env, signal: abort.signal, onLine: (l) => this.log.info(`go: ${l}`) });
            this.installed.push(cmd);
          }
        },
      );
    } catch (err) {
      const msg = String(/** @type {any} */ (err).message || err);
      this.log.error(`install failed: ${msg}`);
      this.setState(before);
      vscode.window.showErrorMessage(`plugin-lsp: install failed: ${msg.split('\n')[0]}`, 'Show Log').then((c) => {
        if (c) {
          this.log.show(true);
        }
      });
      return false;
    }
    this.log.info(`installed: ${steps.map((s) => s.what).join(', ')}`);
    await this.restart();
    if (this.state === 'missing') {
      // go install wrote somewhere we do not look (a GOBIN outside the environment?).
      vscode.window.showErrorMessage(`plugin-lsp: installed, but ${missingNames(this.missing)} still not found; set plugin-lsp.path`);
      return false;
    }
    return this.state === 'running';
  }

  /** The server and folder for the graph command, or undefined after saying why. */
  async graphTarget() {
    const root = this.workspaceRoot();
    if (!root) {
      vscode.window.showWarningMessage('plugin-lsp: open a folder to see its plugin graph');
      return undefined;
    }
    let server = this.found.server;
    if (!server) {
      const found = await this.discover();
      server = found.server.path;
    }
    if (!server) {
      vscode.window.showWarningMessage('plugin-lsp: the plugin-lsp binary is not installed', 'Install').then((c) => {
        if (c) {
          this.install({ plugin: true, gopls: !this.found.gopls });
        }
      });
      return undefined;
    }
    return { server, root, env: process.env };
  }

  /** Shows the state and the last status answer in the status bar. */
  renderStatus() {
    const v = statusView(this.state, this.lastStatus, this.lastError);
    this.statusItem.text = v.text;
    this.statusItem.tooltip = v.tooltip;
    this.statusItem.backgroundColor = v.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.statusItem.command = this.state === 'missing' ? 'plugin-lsp.installTools' : 'plugin-lsp.showStatus';
    this.statusItem.show();
  }

  /**
   * Asks the server for plugin-lsp.status and shows it; asks again in a
   * second while the index is not ready. Called at start and when
   * diagnostics change (a new index publishes new findings).
   */
  async refreshStatus() {
    this.clearStatusTimer();
    const client = this.client;
    if (!client || this.state !== 'running') {
      return;
    }
    try {
      this.lastStatus = await client.sendRequest(ExecuteCommandRequest.type, { command: STATUS_COMMAND, arguments: [] });
    } catch (err) {
      this.log.warn(`status: ${err}`);
    }
    if (client !== this.client) {
      return;
    }
    this.renderStatus();
    const idx = this.lastStatus && typeof this.lastStatus === 'object' ? /** @type {any} */ (this.lastStatus).index : undefined;
    if (!idx || typeof idx !== 'object' || idx.state !== 'ready' || idx.typeChecks === 'running') {
      this.statusTimer = setTimeout(() => this.refreshStatus(), 1000);
    }
  }

  /** Refreshes the status soon, once for a burst of diagnostics changes. */
  scheduleStatus() {
    if (this.state !== 'running') {
      return;
    }
    this.clearStatusTimer();
    this.statusTimer = setTimeout(() => this.refreshStatus(), 300);
  }

  clearStatusTimer() {
    if (this.statusTimer) {
      clearTimeout(this.statusTimer);
      this.statusTimer = undefined;
    }
  }

  dispose() {
    this.clearStatusTimer();
    this.statusItem.dispose();
    this.graph.dispose();
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
    if (this.state === 'missing') {
      this.offerInstall();
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

/** "plugin-lsp", "gopls" or "plugin-lsp and gopls". @param {{plugin: boolean, gopls: boolean}} m */
function missingNames(m) {
  return [m.plugin ? 'plugin-lsp' : '', m.gopls ? `gopls ${tools.GOPLS_VERSION}` : ''].filter(Boolean).join(' and ');
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
    ctl,
    vscode.commands.registerCommand('plugin-lsp.showStatus', () => ctl.showStatus()),
    vscode.commands.registerCommand('plugin-lsp.restart', () => ctl.restart()),
    // From the palette: both tools at the pinned versions (install or update).
    vscode.commands.registerCommand('plugin-lsp.installTools', () =>
      ctl.install(ctl.state === 'missing' ? ctl.missing : { plugin: true, gopls: true }),
    ),
    vscode.commands.registerCommand('plugin-lsp.showGraph', () => ctl.graph.show()),
    vscode.workspace.onDidChangeConfiguration((e) => ctl.onConfigurationChanged(e)),
    vscode.languages.onDidChangeDiagnostics(() => ctl.scheduleStatus()),
  );
  ctl.renderStatus();
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
    goplsPath: () => ctl.found.gopls,
    installed: () => [...ctl.installed],
    statusBar: () => ({ text: ctl.statusItem.text, tooltip: String(ctl.statusItem.tooltip || ''), command: ctl.statusItem.command }),
    lastStatus: () => ctl.lastStatus,
    graphRenders: () => ctl.graph.renders,
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
