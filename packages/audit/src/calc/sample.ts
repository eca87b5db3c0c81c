/** The calculator's `sample` op: Rivest's consistent sampler with Arlo's ballot ids (spec/sampling.md §1). */
import { drawSample } from '@openrla/sampling';
import type { CalcError, SampleRequest } from './request.js';
import type { SampleAnswer } from './response.js';
import { err, ok, type Result } from '../result.js';

export function sampleOp(request: SampleRequest): Result<SampleAnswer, CalcError> {
  const drawn = drawSample({
    seed: request.seed,
    size: request.size,
    replacement: request.replacement,
    alreadySampled: request.alreadySampled,
    manifest: request.manifest.map((row) => ({
      jurisdiction: row.jurisdiction,
      tabulator: row.tabulator ?? null,
      batch: row.batch,
      ballots: row.ballots,
    })),
  });
  if (!drawn.ok) {
    const { field, message } = drawn.error;
    const prefix = `${field}: `;
    return err({ field, message: message.startsWith(prefix) ? message.slice(prefix.length) : message });
  }
  return ok({ draws: drawn.value });
}
