// The charts' colours and font, read from the theme's CSS variables (VS Code sets them on the
// page), and a watch on the body's theme class, which VS Code changes with the colour theme.
import { color } from 'chart.js/helpers';

export interface ChartTheme {
  /** Series colours, in order; a series past the last takes the colours again. */
  series: string[];
  foreground: string;
  muted: string;
  grid: string;
  /** Behind the tooltip. */
  surface: string;
  fontFamily: string;
  fontSize: number;
  /** High contrast: bars get an outline in the foreground colour. */
  highContrast: boolean;
}

const SERIES = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
/** Where a theme leaves a chart colour out (the values of VS Code's Dark Modern). */
const FALLBACK: Record<string, string> = { blue: '#3794ff', orange: '#d18616', green: '#89d185', purple: '#b180d7', red: '#f14c4c', yellow: '#cca700' };

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback = '') => style.getPropertyValue(`--vscode-${name}`).trim() || fallback;
  const foreground = v('foreground', '#cccccc');
  return {
    series: SERIES.map((name) => v(`charts-${name}`, FALLBACK[name])),
    foreground,
    muted: v('descriptionForeground', foreground),
    grid: v('editorWidget-border', v('panel-border', translucent(foreground, 0.2))),
    surface: v('editorWidget-background', v('editor-background', '#1e1e1e')),
    fontFamily: v('font-family', 'sans-serif'),
    fontSize: parseFloat(v('font-size', '13')) || 13,
    highContrast: document.body.classList.contains('vscode-high-contrast'),
  };
}

/** `css` at `alpha` opacity (estimated shares are drawn lighter than counted ones). */
export function translucent(css: string, alpha: number): string {
  const c = color(css);
  return c.valid ? c.alpha(alpha).rgbString() : css;
}

/** Calls `changed` after VS Code switches the colour theme (it swaps the body's classes). */
export function onThemeChange(changed: () => void): MutationObserver {
  let last = document.body.className;
  const observer = new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    changed();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return observer;
}
