import type { CalculationClaim } from './calculation-claim';
import type { CalculationContext } from './calculation-context';
import { calculationTable } from './calculation-table';

/**
 * The RET-3.6 calculation as one self-contained, printable HTML page in Russian (A4 landscape;
 * the header row repeats on every printed page). Every text from the claim is escaped.
 */
export function renderCalculationHtml(
  claim: CalculationClaim,
  context: CalculationContext,
): string {
  const table = calculationTable(claim, context);
  const columns = table.columns;
  const cell = (text: string, i: number) =>
    `<td class="${columns[i]?.align ?? 'left'}">${escapeHtml(text)}</td>`;
  return `<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${table.title} — ${claim.claimNumber}`)}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 9pt; color: #000; }
h1 { font-size: 13pt; margin: 0 0 2pt; }
p.subtitle { margin: 0 0 8pt; }
ul.header { list-style: none; padding: 0; margin: 0 0 8pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 0.5pt solid #000; padding: 2pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: bold; text-align: center; background: #eee; }
td.left { text-align: left; } td.right { text-align: right; } td.center { text-align: center; }
tr.total td { font-weight: bold; }
ol.footnotes { font-size: 8pt; padding-left: 12pt; }
</style>
</head>
<body>
<h1>${escapeHtml(table.title)}</h1>
<p class="subtitle">${escapeHtml(table.subtitle)}</p>
<ul class="header">
${table.header.map((line) => `<li>${escapeHtml(line)}</li>`).join('\n')}
</ul>
<table>
<colgroup>
${columns.map((c) => `<col style="width: ${c.width}%">`).join('\n')}
</colgroup>
<thead>
<tr>${columns.map((c) => `<th>${escapeHtml(c.heading)}</th>`).join('')}</tr>
</thead>
<tbody>
${table.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n')}
<tr class="total"><td colspan="${columns.length - 1}" class="left">${escapeHtml(table.total.label)}</td>${cell(table.total.amount, columns.length - 1)}</tr>
</tbody>
</table>
<ol class="footnotes">
${table.footnotes.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n')}
</ol>
</body>
</html>
`;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => ENTITIES[c] ?? c);
}
