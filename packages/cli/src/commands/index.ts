/** Every subcommand of `openrla`, in the order `openrla --help` lists them. Add one line per command. */
import type { Command } from 'commander';

export const registrations: ReadonlyArray<(program: Command) => void> = [];
