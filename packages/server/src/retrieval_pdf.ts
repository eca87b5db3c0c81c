/**
 * A jurisdiction's retrieval list as a printable PDF (pdfmake 0.3, server side; decision 0013): the
 * same rows and columns as the CSV (`retrievalCsv`), in walking order, with the audit, the round and
 * the date in the heading and the page numbers in the footer. pdfmake may reach neither URLs nor local
 * files: the only "files" it may open are the PDF standard fonts built into pdfkit (Helvetica), which
 * are no files at all.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CardRef } from '@openrla/audit';
import type { roundRetrievalLists } from '@openrla/audit';

type RetrievalList = ReturnType<typeof roundRetrievalLists>[number];

const HELVETICA = {
  normal: 'Helvetica',
  bold: 'Helvetica-Bold',
  italics: 'Helvetica-Oblique',
  bolditalics: 'Helvetica-BoldOblique',
} as const;
const BUILT_IN_FONTS = new Set<string>(Object.values(HELVETICA));

/** The part of pdfmake 0.3's server API (CommonJS, without bundled types) used here. */
export interface PdfMake {
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(policy: (url: string) => boolean): void;
  setLocalAccessPolicy(policy: (path: string) => boolean): void;
  createPdf(definition: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}
const pdfmake = createRequire(import.meta.url)('pdfmake') as PdfMake;

let configured = false;
/** pdfmake with Helvetica and neither URL nor local-file access (configured once). */
export function pdfmakeDenyingAccess(): PdfMake {
  if (!configured) {
    pdfmake.setFonts({ Helvetica: HELVETICA });
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((path) => BUILT_IN_FONTS.has(path));
    configured = true;
  }
  return pdfmake;
}

/** The PDF's table: a header row and one row per card, every cell text (the CSV's columns). */
export function retrievalTable(options: {
  readonly list: RetrievalList | undefined;
  readonly boardOf: (card: CardRef) => string | null;
  readonly recorded: (card: CardRef) => boolean;
}): string[][] {
  const body: string[][] = [
    ['Container', 'Tabulator', 'Batch', 'Card', 'Ticket numbers', 'Times drawn', 'Audit board', 'Recorded'],
  ];
  for (const r of options.list?.rows ?? []) {
    const card = {
      jurisdiction: r.jurisdiction,
      tabulator: r.tabulator,
      batch: r.batch,
      position: r.position,
    };
    body.push([
      r.container ?? '',
      r.tabulator ?? '',
      r.batch,
      String(r.position),
      r.tickets.join(', '),
      String(r.timesDrawn),
      options.boardOf(card) ?? '',
      options.recorded(card) ? 'yes' : 'no',
    ]);
  }
  return body;
}

/** The retrieval list of one jurisdiction and round as PDF bytes. */
export async function retrievalPdf(options: {
  readonly auditId: string;
  readonly jurisdiction: string;
  readonly round: number;
  /** When the list was printed (ISO 8601), shown in the heading. */
  readonly printedAt: string;
  readonly table: readonly (readonly string[])[];
}): Promise<Buffer> {
  const { auditId, jurisdiction, round, printedAt, table } = options;
  const cards = table.length - 1;
  const doc = pdfmakeDenyingAccess().createPdf({
    info: { title: `Retrieval list, ${jurisdiction}, round ${round}`, creator: 'OpenRLA' },
    pageSize: 'LETTER',
    pageOrientation: 'landscape',
    pageMargins: [36, 36, 36, 42],
    defaultStyle: { font: 'Helvetica', fontSize: 9 },
    footer: (page: number, pages: number) => ({
      text: `${jurisdiction} · round ${round} · page ${page} of ${pages}`,
      alignment: 'center',
      fontSize: 8,
    }),
    content: [
      { text: `Retrieval list: ${jurisdiction}, round ${round}`, fontSize: 16, bold: true },
      {
        text: `Audit ${auditId} · ${cards.toLocaleString('en-US')} ballot card${cards === 1 ? '' : 's'} · printed ${printedAt}`,
        margin: [0, 4, 0, 4],
      },
      {
        text: 'Find each card in its batch by counting to the card number (the first card of a batch is 1). Leave each card in the batch until the audit board has recorded it.',
        margin: [0, 0, 0, 8],
      },
      cards === 0
        ? { text: 'No cards to retrieve in this round.', italics: true }
        : {
            table: {
              headerRows: 1,
              widths: ['auto', 'auto', '*', 'auto', '*', 'auto', 'auto', 'auto'],
              body: table.map((row, i) => (i === 0 ? row.map((text) => ({ text, bold: true })) : row)),
            },
            layout: 'lightHorizontalLines',
          },
    ],
  });
  return doc.getBuffer();
}

/** The worker's body (CommonJS, evaluated): registers tsx when running from sources, renders one PDF. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = workerData.tsxUrl ? import(workerData.tsxUrl).then((api) => api.register()) : Promise.resolve();
ready
  .then(() => import(workerData.moduleUrl))
  .then((m) => m.retrievalPdf(workerData.options))
  .then((pdf) => parentPort.postMessage({ ok: true, pdf }), (e) => parentPort.postMessage({ ok: false, message: String(e && e.stack || e) }));
`;

function workerEntry(): {
  readonly moduleUrl: string;
  readonly tsxUrl: string | null;
  readonly execArgv: string[];
} {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const cjs = createRequire(here).resolve('tsx/esm/api');
    return {
      moduleUrl: here,
      tsxUrl: pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href,
      execArgv: ['--conditions=source'],
    };
  }
  return { moduleUrl: here, tsxUrl: null, execArgv: [] };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * `retrievalPdf` on a worker thread, one list at a time: a 5,000-card list costs about 2 s of CPU, which
 * would otherwise stall every other request (audit boards recording) for that long, and rendering many
 * counties' lists at once would multiply pdfmake's memory.
 */
export function retrievalPdfOffThread(options: Parameters<typeof retrievalPdf>[0]): Promise<Buffer> {
  const run = () =>
    new Promise<Buffer>((resolve, reject) => {
      const { moduleUrl, tsxUrl, execArgv } = workerEntry();
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { moduleUrl, tsxUrl, options },
        execArgv,
      });
      worker.once('message', (m: { ok: true; pdf: Uint8Array } | { ok: false; message: string }) => {
        void worker.terminate();
        if (m.ok) resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
        else reject(new Error(`retrieval PDF: ${m.message}`));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0 && code !== 1) reject(new Error(`retrieval PDF worker exited with ${code}`));
      });
    });
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}
