// Files the UI tests summarize: a fresh folder in the workspace with `count` files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceFolder } from './fixture';

/** `name`/`content` give file i (1-based); returns the folder and the files' paths in order. */
export function makeFolder(name: string, count: number, file: (i: number) => { name: string; content: string }): { dir: string; files: string[] } {
  const dir = path.join(workspaceFolder(), name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= count; i++) {
    const { name: fileName, content } = file(i);
    const full = path.join(dir, fileName);
    fs.writeFileSync(full, content);
    files.push(full);
  }
  return { dir, files };
}
