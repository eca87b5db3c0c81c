/**
 * `openrla calc`: one JSON request in, one JSON answer out (spec/calc.md). `--batch` reads JSON Lines
 * and answers each line in order; a bad line gets `{"error": …}` and the others still run.
 */
import type { Command } from 'commander';
import { calc, isCalcError } from '@openrla/audit';
import { CliExit } from '../exit.js';
import { readInput } from '../read_input.js';

export function register(program: Command): void {
  program
    .command('calc')
    .description('compute sample sizes, risk and samples from a JSON request (spec/calc.md)')
    .option('-i, --input <file>', 'read the request from this file instead of standard input')
    .option('--batch', 'JSON Lines: one request per line, one answer per line')
    .action(async (opts: { input?: string; batch?: boolean }) => {
      const text = await readInput(opts.input);
      if (opts.batch) {
        runBatch(text);
        return;
      }
      let request: unknown;
      try {
        request = JSON.parse(text);
      } catch (e) {
        throw new CliExit(2, `calc: (request): not valid JSON (${(e as Error).message})`);
      }
      const answer = calc(request);
      if (isCalcError(answer)) throw new CliExit(2, `calc: ${answer.error.field}: ${answer.error.message}`);
      process.stdout.write(JSON.stringify(answer) + '\n');
    });
}

function runBatch(text: string): void {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const out: string[] = [];
  let parsedAny = false;
  for (const [i, line] of lines.entries()) {
    let request: unknown;
    try {
      request = JSON.parse(line);
      parsedAny = true;
    } catch {
      out.push(JSON.stringify({ error: { field: '(line)', message: `line ${i + 1} is not valid JSON` } }));
      continue;
    }
    out.push(JSON.stringify(calc(request)));
  }
  if (lines.length > 0 && !parsedAny)
    throw new CliExit(2, 'calc: --batch: the input is not JSON Lines (no line is JSON)');
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
}
