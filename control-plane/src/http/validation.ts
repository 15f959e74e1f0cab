import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { RequestValidationError } from './errors.ts';

const dotted = (pointer: string) => pointer.replace(/^\//, '').replaceAll('/', '.');

/** The literal values of a (possibly nested) union of literals, or null when it is anything else. */
function literals(schema: TSchema): string[] | null {
  if (schema?.const !== undefined) return [String(schema.const)];
  if (!Array.isArray(schema?.anyOf)) return null;
  const out: string[] = [];
  for (const option of schema.anyOf as TSchema[]) {
    const sub = literals(option);
    if (!sub) return null;
    out.push(...sub);
  }
  return out;
}

function describe(schema: TSchema, fallback: string): string {
  const names = literals(schema);
  if (names && names.length > 1) {
    return `must be one of ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`;
  }
  return fallback;
}

/**
 * Validates every request part with TypeBox's compiled checker: the schemas are TypeBox (shared with models/), and
 * the error names the field. Query strings, params and headers are strings on the wire, so they are converted to
 * the schema's types first; bodies are JSON and are checked as sent (no silent coercion, unknown fields rejected).
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const convert = httpPart !== 'body';
  const part = httpPart ?? 'body';
  return (data: unknown) => {
    const value = convert ? Value.Convert(schema, Value.Default(schema, data)) : data;
    if (check.Check(value)) return { value };
    const first = check.Errors(value).First();
    const field = first ? dotted(first.path) : '';
    return {
      error: new RequestValidationError(part, field, first ? describe(first.schema, first.message) : 'invalid'),
    };
  };
};
