import { strict as assert } from 'node:assert';
import { BlockTracker, type TextChange } from '../../src/core/editing/blockTracker';

/** A document and a tracker kept in step, as the editor glue does. */
function setup(doc: string, at: number) {
  const tracker = new BlockTracker(at, at);
  const state = { doc };
  const change = (c: TextChange) => {
    state.doc = state.doc.slice(0, c.rangeOffset) + c.text + state.doc.slice(c.rangeOffset + c.rangeLength);
    tracker.apply(c);
  };
  const insertOwn = (text: string) => change({ rangeOffset: tracker.expectOwnInsert(text), rangeLength: 0, text });
  return { tracker, state, change, insertOwn };
}

describe('block tracker', () => {
  it('follows its own insertions', () => {
    const t = setup('code\n', 0);
    t.insertOwn('// a');
    t.insertOwn('bc');
    assert.equal(t.state.doc, '// abccode\n');
    assert.deepEqual([t.tracker.start, t.tracker.end], [0, 6]);
  });

  it('shifts with edits above the block', () => {
    const t = setup('line1\nline2\n', 6);
    t.insertOwn('// x');
    t.change({ rangeOffset: 0, rangeLength: 0, text: 'new\n' });
    t.insertOwn('y');
    assert.equal(t.state.doc, 'new\nline1\n// xyline2\n');
    t.change({ rangeOffset: 0, rangeLength: 4, text: '' });
    t.insertOwn('z');
    assert.equal(t.state.doc, 'line1\n// xyzline2\n');
  });

  it('ignores edits below the block', () => {
    const t = setup('ab\ncd\n', 0);
    t.insertOwn('X');
    t.change({ rangeOffset: 5, rangeLength: 1, text: 'EEE' });
    t.insertOwn('Y');
    assert.equal(t.state.doc, 'XYab\ncEEE\n');
  });

  it('keeps an edit inside the block and goes on after it', () => {
    const t = setup('\n', 0);
    t.insertOwn('// hello');
    t.change({ rangeOffset: 3, rangeLength: 0, text: 'USER ' });
    t.insertOwn(' world');
    assert.equal(t.state.doc, '// USER hello world\n');
  });

  it('does not mistake a user edit at the insertion point for its own', () => {
    const t = setup('\n', 0);
    t.insertOwn('// a');
    t.tracker.expectOwnInsert('b');
    t.change({ rangeOffset: 4, rangeLength: 0, text: 'Q' }); // the user typed first
    t.change({ rangeOffset: t.tracker.end, rangeLength: 0, text: 'b' }); // then ours, at the insertion point
    assert.equal(t.state.doc, '// abQ\n');
    assert.equal(t.state.doc.slice(t.tracker.start, t.tracker.end), '// ab');
  });

  it('survives a deletion across the insertion point', () => {
    const t = setup('xx\n', 0);
    t.insertOwn('// abc');
    t.change({ rangeOffset: 3, rangeLength: 5, text: '' }); // removes "abc" + "xx"
    t.insertOwn('d');
    assert.equal(t.state.doc, '// d\n');
  });
});
