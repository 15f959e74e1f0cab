#!/usr/bin/env node
// Runs the TypeScript CLI through tsx; the packaged agent binary does not use this shim.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
