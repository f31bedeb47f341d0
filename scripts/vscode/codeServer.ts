// Shared by the code-server launchers (integration and UI): install/locate code-server,
// throwaway user-data/extensions/workspace dirs, a free loopback port, code-server and
// Chromium as process-group leaders that are always stopped by pid (finally, SIGINT,
// SIGTERM, exit). Everything listens on and talks to 127.0.0.1 only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserServer, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.BEDROCK_LLAMA_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

// ---------------------------------------------------------------------------------------
// Processes we started: stopped by process group, whatever way this process ends.

type Stopper = () => Promise<void>;
const stoppers = new Set<Stopper>();
const groups = new Set<number>();
const sandboxes = new Set<Sandbox>();

/** Runs every registered stopper once (newest first); safe to call more than once. */
export async function stopAll(): Promise<void> {
  for (const stop of [...stoppers].reverse()) {
    stoppers.delete(stop);
    await stop().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  }
}

let signalsInstalled = false;
function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping code-server and Chromium`);
      void stopAll().finally(() => {
        for (const sandbox of [...sandboxes]) sandbox.remove();
        process.exit(code);
      });
    });
  }
  // Last resort (process.exit elsewhere, a crash, EPIPE on stdout): only sync work is possible here.
  process.once('exit', () => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL');
    for (const sandbox of [...sandboxes]) sandbox.remove();
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if anything in it is left. */
async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
  groups.delete(pgid);
}

function track(child: ChildProcess, name: string): number {
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  installSignalHandlers();
  groups.add(child.pid);
  return child.pid;
}

// ---------------------------------------------------------------------------------------
// Setup and build steps

/** Runs scripts/vscode/setup.sh (idempotent) and returns the code-server executable. */
export function ensureCodeServer(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/vscode/setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(bin)) throw new Error(`setup.sh did not print a code-server path (got "${bin}")`);
  return bin;
}

/** Runs a build step in the repo, inheriting output; throws on a non-zero exit. */
export function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  } catch {
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (its output is above)`);
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------
// Sandbox: fresh state for one run

export interface Sandbox {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  /** An empty code-server config, so ~/.config/code-server is neither read nor written. */
  configFile: string;
  remove(): void;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

/** Sample files for editor tests: one per comment syntax family the extension cares about. */
const SAMPLE_FILES: Record<string, string> = {
  'sample.ts': [
    'export function fibonacci(n: number): number {',
    '  if (n < 2) return n;',
    '  return fibonacci(n - 1) + fibonacci(n - 2);',
    '}',
    '',
  ].join('\n'),
  'sample.py': ['def greet(name: str) -> str:', '    return f"Hello, {name}!"', '', '', 'print(greet("Llama"))', ''].join('\n'),
  'README.md': ['# Sample workspace', '', 'Files for the Llama on Bedrock tests.', ''].join('\n'),
};

/** The sandbox's user settings file (`$UD/User/settings.json`). */
export function userSettingsFile(sandbox: Sandbox): string {
  return path.join(sandbox.userDataDir, 'User', 'settings.json');
}

/**
 * Writes the server's machine settings (`$UD/Machine/settings.json`), before code-server starts.
 * code-server's window is a remote window: machine-scoped settings (`bedrockLlama.endpoint`,
 * `bedrockLlama.profile`) put in user settings count at start-up but are dropped as soon as the
 * user settings change; here they stay.
 */
export function writeMachineSettings(sandbox: Sandbox, values: Record<string, unknown>): void {
  const file = path.join(sandbox.userDataDir, 'Machine', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(values, null, 2));
}

/** The user settings' JSON with `values` merged in (undefined removes a key); writes nothing. */
export function userSettingsWith(sandbox: Sandbox, values: Record<string, unknown>): string {
  const settings = JSON.parse(fs.readFileSync(userSettingsFile(sandbox), 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete settings[key];
    else settings[key] = value;
  }
  return JSON.stringify(settings, null, 2);
}

export function createSandbox(label: string): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `bedrock-llama-${label}-`));
  const sandbox: Sandbox = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    configFile: path.join(root, 'code-server.yaml'),
    remove: () => {
      sandboxes.delete(sandbox);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  sandboxes.add(sandbox); // removed on SIGINT/SIGTERM too
  installSignalHandlers();
  fs.mkdirSync(path.join(sandbox.userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(sandbox.extensionsDir);
  fs.mkdirSync(sandbox.workspace);
  fs.writeFileSync(userSettingsFile(sandbox), JSON.stringify(USER_SETTINGS, null, 2));
  fs.writeFileSync(sandbox.configFile, '');
  for (const [name, text] of Object.entries(SAMPLE_FILES)) fs.writeFileSync(path.join(sandbox.workspace, name), text);
  return sandbox;
}

/** The extension host's log (newest), if code-server wrote one. */
export function findExthostLog(sandbox: Sandbox): string | undefined {
  const logs = path.join(sandbox.userDataDir, 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const found = (fs.readdirSync(logs, { recursive: true }) as string[])
    .filter((f) => f.endsWith('remoteexthost.log'))
    .map((f) => path.join(logs, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return found[0];
}

/** Copies code-server's logs out of the sandbox (before it is removed) for a failed run. */
export function keepLogs(sandbox: Sandbox, suite: string): string {
  const dest = path.join(ROOT, 'test-results', 'logs', suite);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  const logs = path.join(sandbox.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, dest, { recursive: true });
  return dest;
}

// ---------------------------------------------------------------------------------------
// code-server

/**
 * Throwaway AWS settings for the extension host: fake keys, and no shared config files,
 * profile or instance metadata, so a test can never reach a real account.
 */
export function throwawayAwsEnv(sandbox: Sandbox): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-west-2',
    AWS_CONFIG_FILE: path.join(sandbox.root, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(sandbox.root, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * The environment code-server (and so the extension host) runs with: throwaway AWS
 * settings only, no extension gallery, nothing from an enclosing VS Code (its IPC hook
 * would hand our CLI calls to that instance).
 */
export function isolatedEnv(sandbox: Sandbox, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|VSCODE_|CODE_SERVER_|ELECTRON_)/.test(key) || ['PORT', 'PASSWORD', 'HASHED_PASSWORD'].includes(key)) continue;
    env[key] = value;
  }
  // EXTENSIONS_GALLERY={}: code-server would otherwise query open-vsx.org.
  return { ...env, ...throwawayAwsEnv(sandbox), EXTENSIONS_GALLERY: '{}', ...extra };
}

/** Installs a packaged .vsix into the sandbox's extensions dir. */
export function installVsix(bin: string, sandbox: Sandbox, vsix: string): void {
  execFileSync(bin, [
    '--config', sandbox.configFile, '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir,
    '--install-extension', vsix, '--force',
  ], { env: isolatedEnv(sandbox), stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  /** code-server's own stdout/stderr so far (for failure reports). */
  output(): string;
  stop(): Promise<void>;
}

export async function startCodeServer(bin: string, sandbox: Sandbox, env: Record<string, string> = {}): Promise<CodeServer> {
  const port = await freePort();
  const args = [
    '--config', sandbox.configFile, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', sandbox.workspace,
  ];
  // detached: its own process group, so stopping it also stops the extension host and helpers.
  const child = spawn(bin, args, { env: isolatedEnv(sandbox, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = track(child, 'code-server');
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    stoppers.delete(stop);
    await stopGroup(pid);
  };
  stoppers.add(stop);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url} within 60 s:\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return { url, port, pid, output: () => output, stop };
}

// ---------------------------------------------------------------------------------------
// Chromium (Debian's, driven by playwright-core; no browser download)

export interface BrowserHandle {
  browser: Browser;
  pid: number;
  /** A page in a fresh context that can reach 127.0.0.1 only. */
  newPage(): Promise<Page>;
  stop(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserHandle> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  installSignalHandlers();
  // launchServer (rather than launch) exposes the browser's pid; our handlers, not Playwright's, own signals.
  const server: BrowserServer = await chromium.launchServer({
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, host: '127.0.0.1',
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const pid = server.process().pid;
  if (pid === undefined) throw new Error('Chromium did not start');
  groups.add(pid);
  const browser = await chromium.connect(server.wsEndpoint());
  const stop = async (): Promise<void> => {
    stoppers.delete(stop);
    await browser.close().catch(() => undefined);
    await Promise.race([server.close(), sleep(5000)]);
    await stopGroup(pid, 1000);
  };
  stoppers.add(stop);
  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort('blockedbyclient'));
    await context.grantPermissions(['clipboard-read', 'clipboard-write']); // Workbench.writeUserSettings pastes
    return context.newPage();
  };
  return { browser, pid, newPage, stop };
}

/** Workbench URL for the sandbox's workspace, with VS Code web `payload` pairs. */
export function workbenchUrl(server: CodeServer, sandbox: Sandbox, payload?: Array<[string, string]>): string {
  const params = new URLSearchParams({ folder: sandbox.workspace });
  if (payload) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params.toString()}`;
}

/** A local path as the remote URI VS Code web uses for files on the code-server machine. */
export function remoteUri(server: CodeServer, absPath: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${absPath}`;
}

/** "1.2 s" */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
