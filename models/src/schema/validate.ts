import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** A validation failure that names the offending path, so a user can find the key or field at once. */
export class ValidationError extends Error {
  constructor(
    readonly where: string,
    readonly problems: { path: string; message: string }[],
  ) {
    super(`${where}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

/** Compile a schema once and return a checker that throws ValidationError naming each bad key. */
export function compileValidator<T extends TSchema>(schema: T) {
  const check = TypeCompiler.Compile(schema);
  return (value: unknown, where: string): Static<T> => {
    if (check.Check(value)) return value as Static<T>;
    const problems = [...check.Errors(value)].slice(0, 10).map((e) => ({
      path: e.path.replace(/^\//, '').replaceAll('/', '.'),
      message: e.message,
    }));
    throw new ValidationError(where, problems);
  };
}
