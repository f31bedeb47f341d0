// Stacked bar charts with Chart.js v4, tree-shaken: only the bar controller and element, the
// category and linear scales, the tooltip and the legend are registered (chart.js's `auto`
// entry, which registers everything, is not used). Why Chart.js: stacked bars are built in, it
// draws on a canvas (fast however many bars), it tree-shakes, it is maintained, and it injects no
// CSS (the view's CSP allows only the bundled stylesheet). Animations are off: figures appear as
// they are, at once, and nothing moves for people who asked for reduced motion.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartDataset } from 'chart.js';
import { translucent, type ChartTheme } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface Series {
  label: string;
  /** One value per label. */
  values: number[];
  /** Index into the theme's series colours. */
  color: number;
  /** Drawn lighter: a share that is a local estimate. */
  light?: boolean;
  /** Bars with the same stack are stacked; different stacks stand side by side. */
  stack?: string;
}

export class BarChart {
  private readonly chart: Chart<'bar', number[], string>;
  private labels: string[] = [];
  private series: Series[] = [];

  constructor(canvas: HTMLCanvasElement, private readonly format: (n: number) => string, private theme: ChartTheme) {
    this.chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          // Hiding a series by clicking the legend would be the one thing the keyboard cannot do.
          legend: { position: 'bottom', onClick: () => undefined, labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            filter: (item) => item.parsed.y !== 0,
            callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${this.format(item.parsed.y ?? 0)}` },
          },
        },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: { stacked: true, beginAtZero: true, ticks: { maxTicksLimit: 6, callback: (v) => this.format(Number(v)) } },
        },
      },
    });
    this.applyTheme();
  }

  set(labels: string[], series: Series[]): void {
    this.labels = labels;
    this.series = series;
    this.render();
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.applyTheme();
    this.render();
  }

  destroy(): void {
    this.chart.destroy();
  }

  private render(): void {
    const { series: colours, highContrast, foreground } = this.theme;
    const datasets = this.chart.data.datasets;
    this.chart.data.labels = this.labels;
    // Datasets are changed in place where they can be: Chart.js then keeps their elements.
    datasets.length = Math.min(datasets.length, this.series.length);
    this.series.forEach((s, i) => {
      const base = colours[s.color % colours.length];
      const next: ChartDataset<'bar', number[]> = {
        label: s.label,
        data: s.values,
        stack: s.stack ?? 'all',
        backgroundColor: s.light ? translucent(base, 0.45) : base,
        borderColor: highContrast ? foreground : base,
        borderWidth: highContrast || s.light ? 1 : 0,
        maxBarThickness: 28,
      };
      if (datasets[i]) Object.assign(datasets[i], next);
      else datasets.push(next);
    });
    this.chart.update('none');
  }

  private applyTheme(): void {
    const t = this.theme;
    const o = this.chart.options;
    const font = { family: t.fontFamily, size: t.fontSize };
    o.color = t.foreground;
    o.font = font;
    for (const axis of [o.scales?.x, o.scales?.y]) {
      if (!axis) continue;
      axis.ticks = { ...axis.ticks, color: t.muted, font };
      axis.grid = { ...axis.grid, color: t.grid };
      axis.border = { color: t.grid };
    }
    if (o.plugins?.legend?.labels) Object.assign(o.plugins.legend.labels, { color: t.foreground, font });
    if (o.plugins?.tooltip) {
      Object.assign(o.plugins.tooltip, {
        backgroundColor: t.surface, titleColor: t.foreground, bodyColor: t.foreground, borderColor: t.grid, borderWidth: 1, titleFont: font, bodyFont: font,
      });
    }
  }
}
