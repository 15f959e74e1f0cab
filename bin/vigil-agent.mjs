#!/usr/bin/env node
// Runs the agent's TypeScript CLI through tsx; the packaged single binary does not use this shim.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
