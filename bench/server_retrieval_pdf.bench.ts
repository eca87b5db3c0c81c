/**
 * The retrieval list as PDF (packages/server/src/retrieval_pdf.ts, decision 0013): one county's list of
 * 5,000 cards (the size STACK.md names) and of 500, rendered by pdfmake on the request's thread. Reports
 * wall and CPU time per list and the PDF's size.
 */
import { cpuUsage } from 'node:process';
import { retrievalPdf, retrievalTable } from '../packages/server/src/retrieval_pdf.js';
import { report, time, type BenchRow } from './lib.js';

function tableOf(cards: number) {
  const rows = [];
  for (let i = 0; i < cards; i++)
    rows.push({
      jurisdiction: 'Alder County',
      container: `Box ${1 + Math.floor(i / 1000)}`,
      tabulator: `T${1 + (i % 3)}`,
      batch: `Batch ${1 + Math.floor(i / 40)}`,
      position: 1 + (i % 40),
      tickets: [String(100000000000000000n + BigInt(i * 7919))],
      timesDrawn: 1,
    });
  return retrievalTable({
    list: { jurisdiction: 'Alder County', rows },
    boardOf: () => 'alder-county-1',
    recorded: () => false,
  });
}

const rows: BenchRow[] = [];
for (const cards of [500, 5000]) {
  const table = tableOf(cards);
  let bytes = 0;
  const render = async () => {
    const pdf = await retrievalPdf({
      auditId: 'bench',
      jurisdiction: 'Alder County',
      round: 1,
      printedAt: '2026-11-22 06:00 UTC',
      table,
    });
    bytes = pdf.length;
  };
  const cpu0 = cpuUsage();
  const runs = cards >= 5000 ? 3 : 5;
  const t = await time(render, { runs, warmup: 1 });
  const cpu = cpuUsage(cpu0);
  rows.push({
    name: `server.retrieval-pdf.${cards}`,
    detail: `retrieval list of ${cards.toLocaleString('en-US')} cards as PDF (pdfmake 0.3, Helvetica)`,
    ...t,
    extra: {
      'cpu ms/list': Math.round((cpu.user + cpu.system) / 1000 / (runs + 1)),
      'pdf KB': Math.round(bytes / 1024),
    },
  });
}
report(rows);
