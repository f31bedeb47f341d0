// Which models stream: a refusal Bedrock gave wins, then discovery, else nothing is known
// (the catalog decides in runRequest). Kept in a Memento, bounded, cleared on Refresh.
import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { resolveModel } from '../../src/core/catalog';
import { StreamingMemory } from '../../src/requests/streamingKnowledge';

/** A Memento backed by a Map, as globalState is by its storage. */
function memento(): vscode.Memento & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    keys: () => [...data.keys()],
    get: <T>(key: string, fallback?: T) => (data.has(key) ? (data.get(key) as T) : fallback),
    update: (key: string, value: unknown) => {
      if (value === undefined) data.delete(key);
      else data.set(key, value);
      return Promise.resolve();
    },
  } as vscode.Memento & { data: Map<string, unknown> };
}

describe('StreamingMemory', () => {
  const l33 = resolveModel('us.meta.llama3-3-70b-instruct-v1:0');
  const scout = resolveModel('meta.llama4-scout-17b-instruct-v1:0');

  it('knows nothing until discovery or a refusal says so', () => {
    const m = new StreamingMemory(memento());
    assert.equal(m.supported(l33), undefined);
  });

  it('takes discovery\'s answer by base model id, and a refusal over it', () => {
    const state = memento();
    const m = new StreamingMemory(state);
    m.setDiscovery((baseId) => (baseId === 'meta.llama3-3-70b-instruct-v1:0' ? true : baseId === scout.baseId ? false : undefined));
    assert.equal(m.supported(l33), true);
    assert.equal(m.supported(scout), false);
    m.refused(l33);
    assert.equal(m.supported(l33), false);
    assert.equal(new StreamingMemory(state).supported(l33), false, 'remembered across windows');
  });

  it('keeps a bounded list without duplicates, and forgets on clear', async () => {
    const state = memento();
    const m = new StreamingMemory(state);
    for (let i = 0; i < 250; i++) m.refused(resolveModel(`meta.llama3-custom-${i}-v1:0`));
    m.refused(l33);
    m.refused(l33);
    const list = state.data.get('bedrockLlama.noStreaming') as string[];
    assert.equal(list.length, 200);
    assert.equal(list.filter((k) => k === l33.baseId).length, 1);
    await m.clear();
    assert.equal(m.supported(l33), undefined);
  });
});
