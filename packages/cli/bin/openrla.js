#!/usr/bin/env node
// The `openrla` command. The TypeScript sources are compiled by `npm install` (the root `prepare` script).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
