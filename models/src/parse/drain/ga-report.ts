/**
 * Prints the template miner's grouping accuracy on loghub Linux/OpenSSH as JSON lines (for docs):
 *
 *   npx tsx models/src/parse/drain/ga-report.ts [sharedDataDir]
 */
import path from 'node:path';
import { drainReport } from './loghub.ts';

const dataDir = path.resolve(process.argv[2] ?? path.resolve(import.meta.dirname, '../../../../../shared/data'));
for (const row of drainReport(dataDir)) process.stdout.write(`${JSON.stringify(row)}\n`);
