// Data tables: a caption, column headers and a header cell per row, so a screen reader names
// every figure. Each sits in a focusable region that scrolls (the arrow keys scroll it) sideways
// when the panel is narrow and, for long ones, down, with the header row and the row headers
// staying in view; new figures replace the table inside, so focus stays put.
import { h } from '../dom';

export interface Column {
  label: string;
  /** Right-aligned, in tabular figures. */
  numeric?: boolean;
}

/** The first cell of each row is its header. */
export type Row = string[];

export class DataTable {
  readonly element: HTMLElement;

  /** @param rows a long table: its region shows some rows and scrolls to the rest. */
  constructor(private readonly id: string, { rows = false } = {}) {
    this.element = h('div', { class: rows ? 'table-scroll rows' : 'table-scroll', role: 'region', tabindex: '0' });
  }

  set(caption: string, columns: Column[], rows: Row[]): void {
    const head = h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label)));
    const body = rows.map((cells) =>
      h('tr', {}, ...cells.map((text, i) => (i === 0 ? h('th', { scope: 'row' }, text) : h('td', { class: columns[i]?.numeric ? 'num' : undefined }, text)))),
    );
    const table = h('table', { id: this.id, class: 'data' }, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, ...body));
    this.element.setAttribute('aria-label', caption);
    this.element.replaceChildren(table);
  }
}
