import { escapeMarkdown as md } from './escape.ts';
import { isoMinute } from './format.ts';
import type { ReportModel } from './model.ts';
import { type Block, sections } from './sections.ts';

export interface MarkdownOptions {
  /** Figure name → relative path of its SVG file; figures without one are listed by title only. */
  chartPaths?: Record<string, string>;
}

function block(b: Block, o: MarkdownOptions): string {
  switch (b.kind) {
    case 'p':
      return md(b.text);
    case 'note':
      return `> ${md(b.text)}`;
    case 'tiles':
      return b.items.map((t) => `- **${md(t.label)}:** ${md(t.value)} (${md(t.detail)})`).join('\n');
    case 'figure': {
      const path = o.chartPaths?.[b.figure.name];
      // the path is built by the CLI from a fixed stem and the figure's constant name, never from store data
      return path
        ? `![${md(b.figure.title)}](${encodeURI(path)})`
        : `*Chart: ${md(b.figure.title)} (see the HTML or PDF report)*`;
    }
    case 'table': {
      if (b.rows.length === 0) return `*${md(b.head[0])}: none in this window.*`;
      const head = `| ${b.head.map(md).join(' | ')} |`;
      const rule = `| ${b.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`;
      return [head, rule, ...b.rows.map((r) => `| ${r.map(md).join(' | ')} |`)].join('\n');
    }
    case 'defs':
      return b.items.map((d) => `- **${md(d.term)}:** ${md(d.definition)}`).join('\n');
  }
}

export function renderMarkdown(m: ReportModel, o: MarkdownOptions = {}): string {
  const head = `# ${md(m.title)}\n\n${md(`${isoMinute(m.window.from)} – ${isoMinute(m.window.to)} · generated ${isoMinute(m.generatedAt)}`)}`;
  const body = sections(m).map((s) => `## ${md(s.title)}\n\n${s.blocks.map((b) => block(b, o)).join('\n\n')}`);
  return `${[head, ...body].join('\n\n')}\n`;
}
