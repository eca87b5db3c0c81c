/**
 * The retrieval list as PDF: the CSV's rows in a table, a long list renders (many pages), and
 * pdfmake can reach neither URLs nor local files (only the built-in Helvetica).
 */
import { describe, expect, it } from 'vitest';
import {
  pdfmakeDenyingAccess,
  retrievalPdf,
  retrievalPdfOffThread,
  retrievalTable,
} from './retrieval_pdf.js';

function rowsOf(n: number) {
  const rows = [];
  for (let i = 0; i < n; i++)
    rows.push({
      jurisdiction: 'Alder County',
      container: `Box ${1 + Math.floor(i / 1000)}`,
      tabulator: `T${1 + (i % 3)}`,
      batch: `Batch ${1 + Math.floor(i / 40)}`,
      position: 1 + (i % 40),
      tickets: [String(100000000000000000n + BigInt(i * 7919))],
      timesDrawn: 1,
    });
  return rows;
}

function pagesOf(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
}

describe('retrieval list PDF', () => {
  it('has the CSV’s columns, one row per card, with each card’s board and whether it is recorded', () => {
    const list = { jurisdiction: 'Alder County', rows: rowsOf(3) };
    const table = retrievalTable({
      list,
      boardOf: (card) => (card.position === 2 ? null : 'alder-1'),
      recorded: (card) => card.position === 1,
    });
    expect(table).toEqual([
      ['Container', 'Tabulator', 'Batch', 'Card', 'Ticket numbers', 'Times drawn', 'Audit board', 'Recorded'],
      ['Box 1', 'T1', 'Batch 1', '1', '100000000000000000', '1', 'alder-1', 'yes'],
      ['Box 1', 'T2', 'Batch 1', '2', '100000000000007919', '1', '', 'no'],
      ['Box 1', 'T3', 'Batch 1', '3', '100000000000015838', '1', 'alder-1', 'no'],
    ]);
  });

  // 5,000 cards (STACK.md's size) are measured in bench/server_retrieval_pdf.bench.ts; 1,500 keep this quick.
  it('renders a long list on many pages, and an empty one', async () => {
    const table = retrievalTable({
      list: { jurisdiction: 'Alder County', rows: rowsOf(1500) },
      boardOf: () => 'alder-1',
      recorded: () => false,
    });
    const pdf = await retrievalPdf({
      auditId: 'demo',
      jurisdiction: 'Alder County',
      round: 1,
      printedAt: '2026-11-22 06:00 UTC',
      table,
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // About 30–40 rows a landscape page: far more than one page, far fewer than one per row.
    expect(pagesOf(pdf)).toBeGreaterThan(25);
    expect(pagesOf(pdf)).toBeLessThan(150);
    const empty = await retrievalPdf({
      auditId: 'demo',
      jurisdiction: 'Alder County',
      round: 1,
      printedAt: '2026-11-22 06:00 UTC',
      table: retrievalTable({ list: undefined, boardOf: () => null, recorded: () => false }),
    });
    expect(pagesOf(empty)).toBe(1);
  }, 60_000);

  it('denies URLs and local files to pdfmake', async () => {
    const pdfmake = pdfmakeDenyingAccess();
    const image = pdfmake.createPdf({
      content: [{ image: '/etc/hostname' }],
      defaultStyle: { font: 'Helvetica' },
    });
    await expect(image.getBuffer()).rejects.toThrow(/denied|access/i);
    const remote = pdfmake.createPdf({
      content: [{ image: 'remote' }],
      images: { remote: 'http://127.0.0.1:9/x.png' },
      defaultStyle: { font: 'Helvetica' },
    });
    await expect(remote.getBuffer()).rejects.toThrow(/denied|access|policy/i);
  });
});

describe('retrieval list PDF off the request thread', () => {
  it('renders on a worker, one list at a time, the same bytes as inline', async () => {
    const options = {
      auditId: 'demo',
      jurisdiction: 'Alder County',
      round: 2,
      printedAt: '2026-11-22 06:00 UTC',
      table: retrievalTable({
        list: { jurisdiction: 'Alder County', rows: rowsOf(60) },
        boardOf: () => 'alder-county-1',
        recorded: () => true,
      }),
    };
    const [a, b] = await Promise.all([retrievalPdfOffThread(options), retrievalPdfOffThread(options)]);
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pagesOf(a)).toBe(pagesOf(await retrievalPdf(options)));
    expect(pagesOf(b)).toBe(pagesOf(a));
  }, 60_000);
});
