// A small Prometheus registry: counters and duration summaries kept in memory, gauges computed at
// scrape time. Exposed at GET /metrics in the text format Prometheus reads.

type Labels = Record<string, string>;

function key(name: string, labels: Labels): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, value]) => `${label}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length ? `${name}{${pairs.join(',')}}` : name;
}

export class Metrics {
  private readonly counters = new Map<string, { name: string; help: string; values: Map<string, number> }>();
  private readonly gauges: Array<{ name: string; help: string; read: () => Promise<Array<[Labels, number]>> }> = [];

  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = { name, help, values: new Map() };
      this.counters.set(name, counter);
    }
    const series = key(name, labels);
    counter.values.set(series, (counter.values.get(series) ?? 0) + by);
  }

  /** Records a duration as a summary (`_sum` and `_count`), in seconds. */
  observe(name: string, help: string, seconds: number, labels: Labels = {}): void {
    this.increment(`${name}_sum`, help, labels, seconds);
    this.increment(`${name}_count`, help, labels, 1);
  }

  gauge(name: string, help: string, read: () => Promise<Array<[Labels, number]>>): void {
    this.gauges.push({ name, help, read });
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    for (const counter of this.counters.values()) {
      const type = counter.name.endsWith('_sum') || counter.name.endsWith('_count') ? 'untyped' : 'counter';
      lines.push(`# HELP ${counter.name} ${counter.help}`, `# TYPE ${counter.name} ${type}`);
      for (const [series, value] of counter.values) lines.push(`${series} ${value}`);
    }
    for (const gauge of this.gauges) {
      lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
      const values = await gauge.read().catch(() => []);
      for (const [labels, value] of values) lines.push(`${key(gauge.name, labels)} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
