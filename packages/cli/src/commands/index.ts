/** Every subcommand of `openrla`, in the order `openrla --help` lists them. Add one line per command. */
import type { Command } from 'commander';
import { register as registerCalc } from './calc.js';
import { register as registerServe } from './serve.js';
import { register as registerInspect } from './inspect.js';
import { register as registerSample } from './sample.js';
import { register as registerAudit } from './audit.js';
import { register as registerDemo } from './demo.js';

export const registrations: ReadonlyArray<(program: Command) => void> = [
  registerCalc,
  registerServe,
  registerInspect,
  registerSample,
  registerAudit,
  registerDemo,
];
