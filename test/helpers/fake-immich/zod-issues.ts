/**
 * Turns OpenAPI validator violations into the zod issues Immich 3.x puts in `errors`
 * (`{origin, code, maximum, inclusive, path, message}` etc.), so error bodies match the recordings.
 */
import type { Violation } from '../openapi-validator.js';
import type { ZodIssue } from './http.js';

const jsonType = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
};

const schemaType = (schema: Record<string, unknown> | undefined): string => {
  const type = schema?.type;
  const list: unknown[] = Array.isArray(type) ? (type as unknown[]) : [type];
  const first = list.find((t) => t !== 'null');
  if (first === 'integer') return 'number';
  return typeof first === 'string' ? first : 'object';
};

export function toZodIssue(v: Violation): ZodIssue {
  const schema = v.schema;
  switch (v.keyword) {
    case 'maximum':
      return { origin: 'number', code: 'too_big', maximum: v.params.limit, inclusive: true, path: v.path, message: `Too big: expected number to be <=${String(v.params.limit)}` };
    case 'minimum':
      return { origin: 'number', code: 'too_small', minimum: v.params.limit, inclusive: true, path: v.path, message: `Too small: expected number to be >=${String(v.params.limit)}` };
    case 'minItems':
      return { origin: 'array', code: 'too_small', minimum: v.params.limit, inclusive: true, path: v.path, message: `Too small: expected array to have >=${String(v.params.limit)} items` };
    case 'maxItems':
      return { origin: 'array', code: 'too_big', maximum: v.params.limit, inclusive: true, path: v.path, message: `Too big: expected array to have <=${String(v.params.limit)} items` };
    case 'enum': {
      const values = (v.params.allowedValues as unknown[] | undefined)?.filter((x) => x !== null) ?? [];
      return { code: 'invalid_value', values, path: v.path, message: `Invalid option: expected one of ${values.map((x) => JSON.stringify(x)).join('|')}` };
    }
    case 'format':
    case 'pattern': {
      const format = schema?.format;
      const pattern = typeof schema?.pattern === 'string' ? `/${schema.pattern}/` : undefined;
      if (format === 'uuid') return { origin: 'string', code: 'invalid_format', format: 'uuid', pattern, path: v.path, message: 'Invalid UUID' };
      if (format === 'date-time') return { origin: 'string', code: 'invalid_format', format: 'datetime', pattern, path: v.path, message: 'Invalid ISO datetime' };
      return { origin: 'string', code: 'invalid_format', format: 'regex', pattern, path: v.path, message: `Invalid string: must match pattern ${pattern ?? ''}` };
    }
    case 'required': {
      const missing = v.params.missingProperty;
      const property = typeof missing === 'string' ? missing : '';
      const props = schema?.properties as Record<string, Record<string, unknown>> | undefined;
      const expected = property === '' ? 'object' : schemaType(props?.[property]);
      return { expected, code: 'invalid_type', path: v.path, message: `Invalid input: expected ${expected}, received undefined` };
    }
    case 'type': {
      const expected = schemaType(schema);
      return { expected, code: 'invalid_type', path: v.path, message: `Invalid input: expected ${expected}, received ${jsonType(v.data)}` };
    }
    default:
      return { code: 'custom', path: v.path, message: v.message };
  }
}
