import { type TSchema, Type } from '@sinclair/typebox';
import { ErrorBodySchema } from '../http/errors.ts';

const ErrorRef = Type.Ref(ErrorBodySchema.$id!);

const DEFAULT_ERRORS = [400, 401, 403, 429, 500, 503] as const;

/** Response map for a route: its success schemas plus the shared error body for every error status it can return. */
export function responses(ok: Record<number, TSchema>, extraErrors: readonly number[] = []): Record<number, TSchema> {
  const out: Record<number, TSchema> = { ...ok };
  for (const status of [...DEFAULT_ERRORS, ...extraErrors]) out[status] = ErrorRef;
  return out;
}

export const NoContent = Type.Null({ description: 'no body' });
