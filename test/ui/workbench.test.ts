import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../../scripts/vscode/codeServer';
import { workbench } from './support/fixture';

interface Manifest {
  displayName: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus?: { commandPalette?: Array<{ command: string; when?: string }> };
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/**
 * Whether a palette `when` clause holds with an editor open and nothing generating: only
 * `a && !b` forms; unknown context keys are unset, i.e. false, as in VS Code.
 */
function visibleWithEditorOpen(when: string | undefined): boolean {
  if (!when) return true;
  const context: Record<string, boolean> = { editorIsOpen: true, editorReadonly: false, editorHasSelection: false };
  return when.split('&&').every((term) => {
    const t = term.trim();
    if (/[|=<>()]/.test(t)) throw new Error(`visibleWithEditorOpen: cannot evaluate "${when}"; extend this helper`);
    return t.startsWith('!') ? !context[t.slice(1).trim()] : !!context[t];
  });
}

describe('workbench', () => {
  beforeEach(() => workbench().closeAllEditors());

  it('runs Llama on Bedrock in the extension host', async () => {
    const wb = workbench();
    await wb.runCommand('Developer: Show Running Extensions');
    const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: manifest.displayName });
    // "Activating..." until activate() returns, then "Activation: N ms"; it stays "Activating..." if activation threw.
    let text = '';
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(250)) {
      text = (await row.innerText({ timeout: 5_000 }).catch(() => '')).replace(/\s+/g, ' ');
      if (/Activation: \d+ms/.test(text)) break;
    }
    await wb.screenshot('running-extensions');
    assert.match(text, /Activation: \d+ms/, 'the extension is not listed as activated (see test-results/logs or the Running Extensions screenshot)');
  });

  it('lists the extension commands in the palette for "Llama"', async () => {
    const wb = workbench();
    await wb.openFile('sample.ts');
    const listed = await wb.searchCommands('Llama');
    await wb.screenshot('palette-llama');

    const when = new Map((manifest.contributes.menus?.commandPalette ?? []).map((m) => [m.command, m.when]));
    const label = (c: Manifest['contributes']['commands'][number]): string => (c.category ? `${c.category}: ${c.title}` : c.title);
    const commands = manifest.contributes.commands;
    const shown = commands.filter((c) => visibleWithEditorOpen(when.get(c.command))).map(label);
    const hidden = commands.filter((c) => !visibleWithEditorOpen(when.get(c.command))).map(label);
    assert.ok(shown.length > 0, 'no palette commands expected: check package.json');
    // The palette renders only the rows in view: a command below them is looked up by its own label.
    const missing: string[] = [];
    for (const l of shown.filter((x) => !listed.includes(x))) {
      if (!(await wb.searchCommands(l)).includes(l)) missing.push(l);
    }
    assert.ok(missing.length === 0, `missing from the palette: ${JSON.stringify(missing)}; it listed ${JSON.stringify(listed)}`);
    const unexpected = hidden.filter((l) => listed.includes(l));
    assert.ok(unexpected.length === 0, `listed although their \`when\` clause is false: ${JSON.stringify(unexpected)}`);
  });
});
