import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activate, manifest } from './support/extension';

describe('commands', () => {
  it('registers every command declared in package.json contributes.commands', async () => {
    await activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = manifest().contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares no commands');
    const missing = declared.filter((id) => !registered.has(id));
    assert.ok(missing.length === 0, `declared in package.json but not registered: ${missing.join(', ')}`);
  });
});
