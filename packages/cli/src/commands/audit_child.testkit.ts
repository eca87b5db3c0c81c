/**
 * Runs `openrla` from the TypeScript sources in a child process (tests that kill the process mid-command):
 * `node --conditions=source --import tsx packages/cli/src/commands/audit_child.testkit.ts audit …`.
 */
import { main } from '../main.js';

process.exitCode = await main(process.argv.slice(2));
