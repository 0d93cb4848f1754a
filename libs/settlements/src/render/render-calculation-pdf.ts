import PDFDocument from 'pdfkit';
import type { CalculationClaim } from './calculation-claim';
import type { CalculationContext } from './calculation-context';
import { calculationTable, type CalculationColumn } from './calculation-table';
import { dejavuFont } from './dejavu-font';

const MARGIN = 36; // 12.7 mm
const PADDING = 3;
const FONT_SIZE = 8;
const HEADING_SIZE = 7.5;
const FOOTER_SPACE = 18;

/**
 * The RET-3.6 calculation as a PDF in Russian: A4 landscape, DejaVu Sans (embedded, with its
 * Unicode map, so the text can be searched and extracted), the table with wrapping cells and
 * its header row repeated on every page, the «Итого» row, the rounding policy in a footnote,
 * and «Требование № … — стр. n из N» at the foot of each page.
 */
export async function renderCalculationPdf(
  claim: CalculationClaim,
  context: CalculationContext,
): Promise<Buffer> {
  const table = calculationTable(claim, context);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `${table.title} — ${claim.claimNumber}`,
      Subject: 'RET-3.6',
      Creator: 'MXG',
    },
  });
  const done = collect(doc);
  doc.registerFont('regular', dejavuFont('regular'));
  doc.registerFont('bold', dejavuFont('bold'));
  doc.lineWidth(0.5);

  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - FOOTER_SPACE;
  const share = table.columns.reduce((sum, c) => sum + c.width, 0);
  const widths = table.columns.map((c) => (c.width / share) * width);

  doc.font('bold').fontSize(13).text(table.title, left, MARGIN, { width });
  doc.font('regular').fontSize(9).text(table.subtitle, { width }).moveDown(0.5);
  for (const line of table.header) doc.text(line, { width });
  let y = doc.y + 8;

  const headingRow = table.columns.map((c) => c.heading);
  const drawHeadings = () => {
    y = drawRow(doc, headingRow, table.columns, widths, left, y, {
      font: 'bold',
      size: HEADING_SIZE,
      fill: '#eeeeee',
      align: () => 'center',
    });
  };
  drawHeadings();
  for (const row of table.rows) {
    const height = rowHeight(doc, row, widths, 'regular', FONT_SIZE);
    if (y + height > bottom()) {
      doc.addPage();
      y = MARGIN;
      drawHeadings(); // the header row again on every page
    }
    y = drawRow(doc, row, table.columns, widths, left, y, { font: 'regular', size: FONT_SIZE });
  }

  // «Итого»: one cell across the first columns, the total under «Сумма в долларах США».
  const totalRow = [table.total.label, table.total.amount];
  const totalWidths = [width - (widths.at(-1) ?? 0), widths.at(-1) ?? 0];
  const totalColumns: CalculationColumn[] = [
    { heading: '', width: 0, align: 'left' },
    { heading: '', width: 0, align: 'right' },
  ];
  if (y + rowHeight(doc, totalRow, totalWidths, 'bold', FONT_SIZE) > bottom()) {
    doc.addPage();
    y = MARGIN;
    drawHeadings();
  }
  y = drawRow(doc, totalRow, totalColumns, totalWidths, left, y, { font: 'bold', size: FONT_SIZE });

  doc.font('regular').fontSize(7);
  y += 8;
  table.footnotes.forEach((note, i) => {
    const text = `${i + 1}. ${note}`;
    const height = doc.heightOfString(text, { width });
    if (y + height > bottom()) {
      doc.addPage();
      y = MARGIN;
    }
    doc.text(text, left, y, { width });
    y += height + 3;
  });

  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    // Writing inside the bottom margin would otherwise start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7)
      .text(
        `Требование № ${claim.claimNumber} — стр. ${i + 1} из ${pages.count}`,
        left,
        doc.page.height - MARGIN - 8,
        { width, align: 'right', lineBreak: false },
      );
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}

interface RowStyle {
  readonly font: 'regular' | 'bold';
  readonly size: number;
  readonly fill?: string;
  readonly align?: (column: CalculationColumn) => CalculationColumn['align'];
}

function rowHeight(
  doc: PDFKit.PDFDocument,
  cells: readonly string[],
  widths: readonly number[],
  font: RowStyle['font'],
  size: number,
): number {
  doc.font(font).fontSize(size);
  const heights = cells.map((text, i) =>
    doc.heightOfString(text, { width: (widths[i] ?? 0) - 2 * PADDING }),
  );
  return Math.max(...heights) + 2 * PADDING;
}

/** Draws one row of bordered, wrapping cells at `y`; returns the y below it. */
function drawRow(
  doc: PDFKit.PDFDocument,
  cells: readonly string[],
  columns: readonly CalculationColumn[],
  widths: readonly number[],
  left: number,
  y: number,
  style: RowStyle,
): number {
  const height = rowHeight(doc, cells, widths, style.font, style.size);
  let x = left;
  cells.forEach((text, i) => {
    const w = widths[i] ?? 0;
    const column = columns[i] ?? { heading: '', width: 0, align: 'left' };
    if (style.fill !== undefined) doc.rect(x, y, w, height).fillAndStroke(style.fill, '#000000');
    else doc.rect(x, y, w, height).stroke('#000000');
    doc
      .fillColor('#000000')
      .font(style.font)
      .fontSize(style.size)
      .text(text, x + PADDING, y + PADDING, {
        width: w - 2 * PADDING,
        align: style.align ? style.align(column) : column.align,
      });
    x += w;
  });
  return y + height;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
