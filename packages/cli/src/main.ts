/**
 * The `openrla` command. Each subcommand lives in ./commands/<name>.ts and exports
 * `register(program)`; main wires them up and turns a thrown `CliExit` into an exit status.
 */
import { Command, CommanderError } from 'commander';
import { CliExit } from './exit.js';

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('openrla')
    .description('Risk-limiting audits: plan, sample, read county files, run and verify an audit.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const commands = await import('./commands/index.js');
  for (const register of commands.registrations) register(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CliExit) {
      if (e.message) process.stderr.write(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      return e.status;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
}
