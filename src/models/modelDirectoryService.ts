// Which Llama models this account and region can use, for Select Model… and the request
// path. Discovery runs in the background on first use (never awaited by a request: until it
// is done the built-in catalog applies) and again on Refresh Model List; results are kept
// 24 hours per account, region and endpoint in globalState. Failures are quiet: the picker
// shows the built-in list with one note, never an error popup.
import * as vscode from 'vscode';
import type { BedrockClientOptions } from '../core/bedrock/client';
import type { ProxySettings } from '../core/proxyConfig';
import { ControlPlaneClient } from '../core/discovery/controlPlaneClient';
import { DiscoveryCache, type CacheStorage } from '../core/discovery/discoveryCache';
import { availabilityLookup, discoverySummary, fallbackNote, streamingLookup, underlyingEntries, underlyingLookup } from '../core/discovery/modelDirectory';
import type { Discovery, DiscoveryFailure, DiscoveryResult } from '../core/discovery/types';
import type { ApiKeyStore } from '../requests/apiKeyStore';
import { APPLICATION_PROFILES_KEY, readApplicationProfiles } from './applicationProfiles';
import type { Settings } from '../settings';

/** A failed discovery is tried again on first use after this long. */
const RETRY_AFTER_FAILURE_MS = 5 * 60_000;
const MAX_REMEMBERED_PROFILES = 200;

/** Same connect timeout as request clients (ClientProvider). */
const CONNECT_TIMEOUT_MS = 10_000;

export interface ModelDirectoryInputs {
  settings: Pick<Settings, 'current' | 'onDidChange'>;
  apiKey: Pick<ApiKeyStore, 'current' | 'ready'>;
  /** context.globalState. */
  globalState: CacheStorage;
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>;
  /** VS Code's proxy settings (readNetworkSettings). */
  network?: () => ProxySettings;
  /** Epoch ms clock of the cache (tests). */
  now?: () => number;
}

export interface DirectoryState {
  /** What Bedrock listed (possibly from the cache); undefined: the built-in catalog applies. */
  discovery?: Discovery;
  /** Why there is no discovery, when asking failed. */
  failure?: DiscoveryFailure;
  /** Discovery is under way. */
  running: boolean;
  /** The region from the settings (the SDK's own resolution when empty). */
  region?: string;
}

export class ModelDirectoryService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the discovery (or the failure note) changes. */
  readonly onDidChange = this.changed.event;
  private readonly cache: DiscoveryCache;
  private readonly subscription: vscode.Disposable;
  private discovery: Discovery | undefined;
  private failure: DiscoveryFailure | undefined;
  private running: Promise<DiscoveryResult> | undefined;
  private abort: AbortController | undefined;
  /** The connection settings the state belongs to. */
  private connection: string | undefined;
  private lookupUnderlying = underlyingLookup(undefined);
  private lookupStreaming = streamingLookup(undefined);
  private lookupAvailable = availabilityLookup(undefined);
  private disposed = false;
  /** When the last failure was recorded (epoch ms), for the retry back-off. */
  private failedAt = 0;
  private readonly now: () => number;
  /** Bumped by every start and forget: a run whose generation is gone changes nothing. */
  private generation = 0;
  /** The stored API key has been read (before that, the identity is not known yet). */
  private keyRead = false;

  constructor(private readonly inputs: ModelDirectoryInputs) {
    this.cache = new DiscoveryCache(inputs.globalState, inputs.now);
    this.now = inputs.now ?? Date.now;
    void Promise.resolve(inputs.apiKey.ready).then(() => (this.keyRead = true), () => (this.keyRead = true));
    // A different region, endpoint or profile is another directory: forget this one.
    this.subscription = inputs.settings.onDidChange(() => {
      const options = this.options();
      if (options && this.connection !== undefined && connectionKey(options) !== this.connection) this.forget();
    });
  }

  /**
   * Starts discovery in the background unless it ran (or is running) for the current
   * settings. Cheap and synchronous: call it on every request and when the picker opens.
   */
  ensureStarted(): void {
    if (this.disposed) return;
    if (!this.keyRead) return void Promise.resolve(this.inputs.apiKey.ready).then(() => this.ensureStarted(), () => undefined);
    const options = this.options();
    if (!options) return; // invalid settings: requests say so
    if (connectionKey(options) !== this.connection) this.forget();
    if (this.running || this.discovery) return;
    // A failure (offline, expired SSO) is asked again after a while, not for the rest of the session.
    if (this.failure && this.now() - this.failedAt < RETRY_AFTER_FAILURE_MS) return;
    this.start(options, true);
  }

  /**
   * Asks Bedrock again (no cache), with a progress notification and a one-line summary:
   * "Found N Llama models and M inference profiles in <region>." or the quiet fallback note.
   */
  async refresh(): Promise<DiscoveryResult> {
    await this.inputs.apiKey.ready;
    const options = this.options();
    if (!options) {
      const failure: DiscoveryFailure = { status: 'failed', message: 'The Llama settings are invalid: fix them first' };
      void vscode.window.showInformationMessage(fallbackNote(failure).detail);
      return failure;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Llama: Refreshing the model list…', cancellable: true },
      (_progress, token) => {
        // What is known stays in use until Bedrock answers: a failed or cancelled refresh loses nothing.
        if (connectionKey(options) !== this.connection) this.forget();
        const run = this.start(options, false);
        const sub = token.onCancellationRequested(() => this.abort?.abort());
        return run.finally(() => sub.dispose());
      },
    );
    const message = result.status === 'ok' ? summaryWithNotes(result.discovery) : fallbackNote(result).detail;
    void vscode.window.showInformationMessage(message);
    return result;
  }

  get state(): DirectoryState {
    const options = this.options();
    return { discovery: this.discovery, failure: this.failure, running: this.running !== undefined, region: this.discovery?.region ?? options?.region };
  }

  /** Resolves when no discovery is running (at once when none is). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /**
   * The base model id (or profile id) behind an application inference profile, provisioned
   * throughput or custom model ARN: discovered now, or remembered from before.
   */
  readonly underlying = (arn: string): string | undefined => this.lookupUnderlying(arn) ?? readApplicationProfiles(this.inputs.globalState)[arn];

  /** Whether Bedrock streams this base model: discovery's answer, else the catalog's. */
  readonly streamingSupported = (baseId: string): boolean | undefined => this.lookupStreaming(baseId);

  /** For routing: whether the account can use a base model here; undefined until discovery has run. */
  readonly available = (baseId: string): boolean | undefined => this.lookupAvailable(baseId);

  dispose(): void {
    this.disposed = true;
    this.abort?.abort();
    this.subscription.dispose();
    this.changed.dispose();
  }

  private start(options: BedrockClientOptions, useCache: boolean): Promise<DiscoveryResult> {
    this.connection = connectionKey(options);
    const generation = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    const run = this.discover(options, useCache, abort.signal).then((result) => {
      if (generation !== this.generation || this.disposed) return result; // forgotten or replaced meanwhile
      if (result.status === 'ok') {
        this.set(result.discovery, undefined);
        this.remember(result.discovery);
      } else if (abort.signal.aborted) {
        // Cancelled: not a failure, and nothing known is dropped.
      } else if (!this.discovery) {
        this.set(undefined, result);
        this.failedAt = this.now();
      }
      return result;
    });
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
      if (!this.disposed) this.changed.fire();
    });
    this.changed.fire(); // the picker shows it is busy
    return run;
  }

  private async discover(options: BedrockClientOptions, useCache: boolean, signal: AbortSignal): Promise<DiscoveryResult> {
    const client = new ControlPlaneClient(options);
    try {
      const key = await client.cacheKey();
      const hit = useCache ? this.cache.get(key) : undefined;
      if (hit) return { status: 'ok', discovery: hit, cached: true };
      const started = Date.now();
      const result = await client.discover(signal);
      if (result.status === 'ok') {
        await Promise.resolve(this.cache.put(key, result.discovery)).catch((err: unknown) => this.inputs.log.warn(`Could not keep the model list: ${String(err)}`));
        this.inputs.log.info(`${discoverySummary(result.discovery)} (${Date.now() - started} ms)${result.discovery.notes.length ? `; ${result.discovery.notes.join('; ')}` : ''}`);
      } else {
        this.inputs.log.info(`Model discovery: ${result.status}: ${result.message}; using the built-in list`);
      }
      return result;
    } catch (err) {
      // discover() never throws; this is a bug guard, and still not a popup.
      this.inputs.log.warn(`Model discovery failed: ${String(err)}`);
      return { status: 'failed', message: String(err) };
    } finally {
      client.dispose();
    }
  }

  /**
   * Application profile, provisioned throughput and custom model ARNs and the model behind
   * each, kept across sessions (an ARN names one resource in one account for good): the
   * settings resolve such an ARN at the next start, before discovery has run again.
   */
  private remember(discovery: Discovery): void {
    const known: Record<string, string> = { ...readApplicationProfiles(this.inputs.globalState) };
    for (const [arn, underlying] of underlyingEntries(discovery)) {
      delete known[arn]; // re-added last: the newest survive the cap
      known[arn] = underlying;
    }
    const entries = Object.entries(known).slice(-MAX_REMEMBERED_PROFILES);
    void Promise.resolve(this.inputs.globalState.update(APPLICATION_PROFILES_KEY, Object.fromEntries(entries))).catch(() => undefined);
  }

  private set(discovery: Discovery | undefined, failure: DiscoveryFailure | undefined): void {
    this.discovery = discovery;
    this.failure = failure;
    this.lookupUnderlying = underlyingLookup(discovery);
    this.lookupStreaming = streamingLookup(discovery);
    this.lookupAvailable = availabilityLookup(discovery);
  }

  private forget(): void {
    this.abort?.abort();
    this.generation++;
    this.running = undefined;
    this.connection = undefined;
    const had = this.discovery !== undefined || this.failure !== undefined;
    this.set(undefined, undefined);
    if (had && !this.disposed) this.changed.fire();
  }

  /** The runtime client's connection settings (ClientProvider builds the same). */
  private options(): BedrockClientOptions | undefined {
    const snapshot = this.inputs.settings.current;
    // A model id that cannot be resolved yet (an application profile ARN) is what discovery is for.
    const c = snapshot.ok ? snapshot.config : snapshot.connection;
    if (!c) return undefined;
    return {
      region: c.region,
      endpoint: c.endpoint,
      profile: c.profile,
      bearerToken: this.inputs.apiKey.current,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      proxy: this.inputs.network?.(),
    };
  }
}

// The key string holds the API key in memory only, as ClientProvider's does; never logged.
function connectionKey(o: BedrockClientOptions): string {
  return JSON.stringify([o.region, o.endpoint, o.profile, o.bearerToken, o.proxy]);
}

function summaryWithNotes(d: Discovery): string {
  return d.notes.length ? `${discoverySummary(d)} Not listed: ${d.notes.join('; ')}.` : discoverySummary(d);
}
