// Entry point of the single-executable agent: the vigil-agent CLI, bundled by esbuild into one CommonJS file.
import { main } from '../../agent/src/cli/main.ts';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`vigil-agent: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
