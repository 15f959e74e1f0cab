import { AwsError } from './errors.ts';

export interface StringRule {
  min?: number;
  max?: number;
  /** Must match the whole value; keep patterns free of nested quantifiers (input is hostile). */
  pattern?: RegExp;
  oneOf?: readonly string[];
}

export interface IntRule {
  min?: number;
  max?: number;
}

/**
 * Reads one operation's JSON input member by member, failing the way AWS's request validation does: one error
 * that names the member and the constraint it broke.
 */
export class InputReader {
  constructor(
    readonly input: Record<string, unknown>,
    /** The service's validation error code (`InvalidParameterException` for Logs, `ValidationException` for SSM). */
    private readonly errorCode: string,
  ) {}

  fail(member: string, value: unknown, constraint: string): never {
    const shown = value === undefined ? 'null' : `'${preview(value)}'`;
    throw new AwsError(
      this.errorCode,
      `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
    );
  }

  string(member: string, rule: StringRule = {}): string {
    const v = this.optString(member, rule);
    if (v === undefined) this.fail(member, v, 'Member must not be null');
    return v;
  }

  optString(member: string, rule: StringRule = {}): string | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.fail(member, v, 'Member must be a string');
    checkString(this, member, v, rule);
    return v;
  }

  optInt(member: string, rule: IntRule = {}): number | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(member, v, 'Member must be an integer');
    if (rule.min !== undefined && v < rule.min)
      this.fail(member, v, `Member must have value greater than or equal to ${rule.min}`);
    if (rule.max !== undefined && v > rule.max)
      this.fail(member, v, `Member must have value less than or equal to ${rule.max}`);
    return v;
  }

  optBool(member: string): boolean | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(member, v, 'Member must be a boolean');
    return v;
  }

  optStringList(member: string, max: number, item: StringRule = {}): string[] | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(member, v, 'Member must be a list');
    if (v.length > max) this.fail(member, v, `Member must have length less than or equal to ${max}`);
    v.forEach((s, i) => {
      if (typeof s !== 'string') this.fail(`${member}.${i + 1}`, s, 'Member must be a string');
      checkString(this, `${member}.${i + 1}`, s, item);
    });
    return v as string[];
  }

  optList(member: string, max: number, min = 0): unknown[] | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) this.fail(member, v, 'Member must be a list');
    if (v.length < min) this.fail(member, v, `Member must have length greater than or equal to ${min}`);
    if (v.length > max) this.fail(member, v, `Member must have length less than or equal to ${max}`);
    return v;
  }

  optMap(member: string): Record<string, unknown> | undefined {
    const v = this.input[member];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(member, v, 'Member must be a map');
    return v as Record<string, unknown>;
  }

  /** A reader for a nested structure, naming its members `parent.child` in errors. */
  nested(member: string, value: unknown): InputReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(member, value, 'Member must be a structure');
    }
    const parent = this;
    return new (class extends InputReader {
      override fail(child: string, v: unknown, constraint: string): never {
        return parent.fail(`${member}.${child}`, v, constraint);
      }
    })(value as Record<string, unknown>, this.errorCode);
  }
}

function checkString(reader: InputReader, member: string, v: string, rule: StringRule): void {
  if (rule.min !== undefined && v.length < rule.min) {
    reader.fail(member, v, `Member must have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && v.length > rule.max) {
    reader.fail(member, v, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(v)) {
    reader.fail(member, v, `Member must satisfy regular expression pattern: ${rule.pattern.source}`);
  }
  if (rule.oneOf && !rule.oneOf.includes(v)) {
    reader.fail(member, v, `Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`);
  }
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}
