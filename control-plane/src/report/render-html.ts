import { escapeHtml as esc } from './escape.ts';
import { isoMinute } from './format.ts';
import type { ReportModel } from './model.ts';
import { type Block, sections } from './sections.ts';

/** Print-friendly single column: A4 with 16 mm margins leaves ~178 mm, so the page is sized to that. */
const CSS = `
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 178mm; }
header { border-bottom: 2px solid #0072B2; padding-bottom: 6px; margin-bottom: 14px; }
h1 { font-size: 20pt; margin: 0 0 4px; }
h2 { font-size: 14pt; margin: 22px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; break-after: avoid; }
.meta { color: #555; font-size: 9.5pt; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 8px 0 12px; }
.tile { border: 1px solid #d5dde5; border-radius: 6px; padding: 8px 10px; background: #f6f9fc; break-inside: avoid; }
.tile .label { font-size: 8.5pt; text-transform: uppercase; letter-spacing: .04em; color: #4a5a6a; }
.tile .value { font-size: 18pt; font-weight: bold; color: #0b3d62; margin: 2px 0; }
.tile .detail { font-size: 8.5pt; color: #555; }
figure { margin: 10px 0 14px; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 9.5pt; break-inside: auto; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 3px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th.num { white-space: nowrap; }
th { background: #eef2f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; }
.note, p { break-inside: avoid; }
.note { border-left: 3px solid #E69F00; background: #fff8ec; padding: 6px 10px; font-size: 9.5pt; }
dl { font-size: 9.5pt; }
dt { font-weight: 600; margin-top: 6px; }
dd { margin: 0 0 0 12px; color: #333; }
`;

function block(b: Block): string {
  switch (b.kind) {
    case 'p':
      return `<p>${esc(b.text)}</p>`;
    case 'note':
      return `<p class="note">${esc(b.text)}</p>`;
    case 'tiles':
      return `<div class="tiles">${b.items
        .map(
          (t) =>
            `<div class="tile"><div class="label">${esc(t.label)}</div><div class="value">${esc(t.value)}</div><div class="detail">${esc(t.detail)}</div></div>`,
        )
        .join('')}</div>`;
    case 'figure':
      // the SVG was built by charts.ts, which escapes every label itself
      return `<figure>${b.figure.svg}</figure>`;
    case 'table': {
      if (b.rows.length === 0) return `<p class="meta">${esc(b.head[0])}: none in this window.</p>`;
      const cls = (i: number) => (b.numeric[i] ? ' class="num"' : '');
      const head = b.head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('');
      const rows = b.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`).join('\n');
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    case 'defs':
      return `<dl>${b.items.map((d) => `<dt>${esc(d.term)}</dt><dd>${esc(d.definition)}</dd>`).join('\n')}</dl>`;
  }
}

/** A complete, self-contained HTML document: inline CSS and SVG, no script, no external resource. */
export function renderHtml(m: ReportModel): string {
  const body = sections(m)
    .map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>\n${s.blocks.map(block).join('\n')}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(m.title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${esc(m.title)}</h1>
<div class="meta">${esc(`${isoMinute(m.window.from)} – ${isoMinute(m.window.to)} · generated ${isoMinute(m.generatedAt)}`)}</div></header>
${body}
</body></html>
`;
}
