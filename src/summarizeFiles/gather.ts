// Which files a Summarize Files… selection stands for: folders expanded with findFiles (one
// RelativePattern per folder, excluding what files.exclude and search.exclude exclude, as search
// does), files taken as they are; then .gitignore (every .gitignore from the repository's root
// down to the file, read with the `ignore` package, as git reads them). A file the user chose
// by itself that a setting excludes, and every git-ignored file, is listed as skipped with why;
// what a folder's expansion leaves out by files.exclude or search.exclude is left out silently,
// as the Explorer and search do.
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import ignore, { type Ignore } from 'ignore';
import * as vscode from 'vscode';
import { MAX_RUN_FILES } from '../core/summarizeFiles/progress';
import type { SkipReason } from '../core/summarizeFiles/skipRules';

export interface GatheredSkip {
  uri: vscode.Uri;
  reason: SkipReason;
}

export interface Gathered {
  /** In path order, each once. */
  files: vscode.Uri[];
  skipped: GatheredSkip[];
  /** More files than a run takes: the rest were left out. */
  truncated: boolean;
}

export async function gatherFiles(selection: readonly vscode.Uri[], token?: vscode.CancellationToken): Promise<Gathered> {
  const found = new Map<string, vscode.Uri>();
  const skipped: GatheredSkip[] = [];
  let truncated = false;
  for (const uri of selection) {
    if (token?.isCancellationRequested) break;
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (!stat) {
      skipped.push({ uri, reason: { kind: 'notFound', reason: 'not found' } });
      continue;
    }
    if (stat.type & vscode.FileType.Directory) {
      const excludes = excludePatterns(uri);
      const exclude = globOf([...excludes.files, ...excludes.search]);
      const uris = await vscode.workspace.findFiles(within(uri, '**/*'), exclude, MAX_RUN_FILES + 1, token);
      if (uris.length > MAX_RUN_FILES) truncated = true;
      for (const u of uris.slice(0, MAX_RUN_FILES)) found.set(u.toString(), u);
    } else if (stat.type & vscode.FileType.File) {
      const excluded = await excludedBy(uri, token);
      if (excluded) skipped.push({ uri, reason: { kind: 'excluded', reason: excluded } });
      else found.set(uri.toString(), uri);
    }
  }
  const gitignore = new GitIgnore();
  const files: vscode.Uri[] = [];
  for (const uri of [...found.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    if (token?.isCancellationRequested) break;
    const rule = await gitignore.rule(uri);
    if (rule) skipped.push({ uri, reason: { kind: 'gitignored', reason: `ignored by ${rule}` } });
    else files.push(uri);
  }
  if (files.length > MAX_RUN_FILES) {
    files.length = MAX_RUN_FILES;
    truncated = true;
  }
  return { files, skipped, truncated };
}

/** The patterns set to true in files.exclude and in search.exclude for `uri`'s folder. */
function excludePatterns(uri: vscode.Uri): { files: string[]; search: string[] } {
  const on = (section: 'files' | 'search') => {
    const value = vscode.workspace.getConfiguration(section, uri).get<Record<string, unknown>>('exclude') ?? {};
    // `{ "when": "$(basename).ts" }` entries depend on a sibling file: only plain `true` ones are applied.
    return Object.entries(value).filter(([, on]) => on === true).flatMap(([pattern]) => expandBraces(pattern));
  };
  return { files: on('files'), search: on('search') };
}

/** One glob for findFiles' exclude (its `{a,b}` groups do not nest, so each pattern's own braces were expanded). */
function globOf(patterns: string[]): string | null {
  if (patterns.length === 0) return null;
  return patterns.length === 1 ? patterns[0] : `{${patterns.join(',')}}`;
}

/** `**\/*.{log,tmp}` → `**\/*.log`, `**\/*.tmp` (one level of groups, each expanded in turn). */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  const close = open === -1 ? -1 : pattern.indexOf('}', open);
  if (close === -1) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  return pattern.slice(open + 1, close).split(',').flatMap((alt) => expandBraces(head + alt + tail));
}

/** Which setting excludes a file chosen by itself, or undefined. */
async function excludedBy(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<string | undefined> {
  const excludes = excludePatterns(uri);
  for (const [setting, patterns] of [['files.exclude', excludes.files], ['search.exclude', excludes.search]] as const) {
    if (await matches(uri, patterns, token)) return `excluded by ${setting}`;
  }
  return undefined;
}

/**
 * A pattern for `uri` (with `rest` below it, for a folder) based on its workspace folder: the
 * excludes findFiles applies are matched against paths from the base, and settings' patterns
 * (`build/**`, `src/gen/*.ts`) are written from the workspace folder.
 */
function within(uri: vscode.Uri, rest?: string): vscode.RelativePattern {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const base = folder?.uri ?? (rest ? uri : vscode.Uri.joinPath(uri, '..'));
  const relative = uri.path.slice(base.path.replace(/\/$/, '').length + 1).replace(/[[\]{}*?,]/g, (c) => `[${c}]`);
  return new vscode.RelativePattern(base, [relative, rest].filter(Boolean).join('/'));
}

/** Whether a glob of `patterns` matches the file: asked of findFiles, so VS Code's own glob rules decide. */
async function matches(uri: vscode.Uri, patterns: string[], token?: vscode.CancellationToken): Promise<boolean> {
  const glob = globOf(patterns);
  if (!glob) return false;
  const name = within(uri);
  if ((await vscode.workspace.findFiles(name, glob, 1, token)).length > 0) return false;
  // Left out by the glob, not a file findFiles cannot see at all.
  return (await vscode.workspace.findFiles(name, null, 1, token)).length > 0;
}

/**
 * Why a header cannot be written into the file, or undefined: a file system that cannot be
 * written, a file the file system or the OS marks read-only, or one `files.readonlyInclude`
 * makes read-only in the editor (VS Code would take the edit and then refuse to save it).
 */
export async function readOnlyReason(uri: vscode.Uri, stat?: vscode.FileStat): Promise<string | undefined> {
  if (vscode.workspace.fs.isWritableFileSystem(uri.scheme) === false) return `read-only (${uri.scheme} files cannot be written)`;
  const info = stat ?? await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
  if (info?.permissions) return 'read-only';
  if (uri.scheme === 'file' && !(await access(uri.fsPath, fsConstants.W_OK).then(() => true, () => false))) return 'read-only';
  const setting = (key: string) => Object.entries(vscode.workspace.getConfiguration('files', uri).get<Record<string, unknown>>(key) ?? {})
    .filter(([, on]) => on === true).flatMap(([pattern]) => expandBraces(pattern));
  if (await matches(uri, setting('readonlyInclude')) && !(await matches(uri, setting('readonlyExclude')))) return 'read-only (files.readonlyInclude)';
  return undefined;
}

/**
 * .gitignore as git reads it: the files from the repository's root (the nearest folder above
 * with a `.git`; without one, the workspace folder) down to the file's folder, each matching
 * paths relative to its own folder, deeper files overriding. Each .gitignore is read once.
 */
class GitIgnore {
  private readonly rules = new Map<string, Promise<Ignore | undefined>>();
  private readonly roots = new Map<string, Promise<vscode.Uri>>();

  /** "path/.gitignore (pattern)" when git ignores the file. */
  async rule(uri: vscode.Uri): Promise<string | undefined> {
    const dir = vscode.Uri.joinPath(uri, '..');
    const root = await this.root(dir);
    const chain: vscode.Uri[] = [];
    for (let d = dir; ; d = vscode.Uri.joinPath(d, '..')) {
      chain.unshift(d);
      if (d.path === root.path || d.path === '/' || chain.length > 64) break;
    }
    let hit: string | undefined;
    for (const d of chain) {
      const ig = await this.rulesIn(d);
      if (!ig) continue;
      const relative = uri.path.slice(d.path.replace(/\/$/, '').length + 1);
      const result = ig.test(relative);
      if (result.ignored) hit = `${vscode.workspace.asRelativePath(vscode.Uri.joinPath(d, '.gitignore'), false)} (${result.rule?.pattern ?? ''})`;
      else if (result.unignored) hit = undefined;
    }
    return hit;
  }

  private rulesIn(dir: vscode.Uri): Promise<Ignore | undefined> {
    let pending = this.rules.get(dir.path);
    if (!pending) {
      pending = Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, '.gitignore')))
        .then((bytes) => ignore().add(new TextDecoder().decode(bytes)), () => undefined);
      this.rules.set(dir.path, pending);
    }
    return pending;
  }

  private root(dir: vscode.Uri): Promise<vscode.Uri> {
    let pending = this.roots.get(dir.path);
    if (!pending) {
      pending = this.findRoot(dir);
      this.roots.set(dir.path, pending);
    }
    return pending;
  }

  private async findRoot(dir: vscode.Uri): Promise<vscode.Uri> {
    const folder = vscode.workspace.getWorkspaceFolder(dir)?.uri;
    for (let d = dir, n = 0; n < 64; d = vscode.Uri.joinPath(d, '..'), n++) {
      if (await Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(d, '.git'))).then(() => true, () => false)) return d;
      if (d.path === '/' || d.path === '') break;
    }
    return folder ?? dir;
  }
}
