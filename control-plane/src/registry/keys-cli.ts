import path from 'node:path';
import { parseCommand, UsageError } from '../../../models/src/util/cli.ts';
import { loadKeyring, retireSigningKey, rotateSigningKey } from './keys.ts';

const USAGE = `
vigil control-plane keys <list|rotate|retire> [--data DIR] [--key-dir DIR] [--id KEY_ID]

  list     print the public keys (active first) as JSON lines
  rotate   generate a new ed25519 key (--id, default vigil-<date>) and make it the signer; the old public
           key stays listed. Restart the control plane: it re-signs every stored bundle with the new key.
  retire   stop listing an old public key (--id); only after every agent pins the new one
`;

/** `vigil control-plane keys ...` (for the lead to wire into cli/main.ts). */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    allowPositionals: true,
    options: { data: { type: 'string' }, 'key-dir': { type: 'string' }, id: { type: 'string' } },
  });
  if (!parsed) return 0;
  const [verb] = parsed.positionals;
  const v = parsed.values;
  const dir = v['key-dir'] ?? path.join(v.data ?? './data', 'signing-keys');
  if (verb === 'list') {
    for (const k of loadKeyring({ dir }).publicKeys()) process.stdout.write(`${JSON.stringify(k)}\n`);
    return 0;
  }
  if (verb === 'rotate') {
    const ring = rotateSigningKey(dir, v.id ?? `vigil-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`);
    process.stdout.write(`active signing key is now ${ring.activeKeyId} (${dir})\n`);
    return 0;
  }
  if (verb === 'retire') {
    if (!v.id) throw new UsageError(`retire needs --id\n${USAGE}`);
    retireSigningKey(dir, v.id);
    process.stdout.write(`retired ${v.id}\n`);
    return 0;
  }
  throw new UsageError(`unknown or missing subcommand ${JSON.stringify(verb ?? '')}\n${USAGE}`);
}
