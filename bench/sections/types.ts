// What a bench section is: a name and an async function returning figures.
import type { BenchServer } from '../lib/server';
import type { SectionResult } from '../lib/report';

export interface BenchContext {
  /** `--no-package`: reuse an existing .vsix instead of running `npm run package`. */
  noPackage: boolean;
  /** The shared local Bedrock-compatible server (its own process), started on first use. */
  server(): Promise<BenchServer>;
  /** Progress line on stderr (the table goes to stdout). */
  log(line: string): void;
  /** Sections that run in a real VS Code set this, e.g. '1.100.3 (code-server)'; null otherwise. */
  vscodeVersion: string | null;
}

export interface Section {
  name: string;
  /** 'node': plain Node. 'vscode': needs a VS Code (code-server) it starts itself. */
  host: 'node' | 'vscode';
  description: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}
