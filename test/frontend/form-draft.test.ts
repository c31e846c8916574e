import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createDraft, readForm, type Draft } from '../../frontend/src/forms/draft.js';
import { fieldKind, type JsonSchema } from '../../frontend/src/forms/schema.js';

// Arguments shaped like a database copy command's: nested objects, enums, arrays of
// strings and of objects, numbers, booleans, defaults, a record (drawn as JSON).
const DbCopyArgs = z.object({
  source: z.url().describe('Where to copy from'),
  target: z.url().describe('Where to copy to'),
  mode: z.enum(['full', 'schema-only', 'data-only']).default('full'),
  tables: z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).default([]) }).optional(),
  mask: z.array(z.object({ table: z.string().min(1), column: z.string().min(1), rule: z.enum(['null', 'hash', 'fake']) })).default([]),
  subset: z.object({ table: z.string(), where: z.string().optional(), percent: z.number().min(0).max(100).optional() }).optional(),
  jobs: z.number().int().min(1).max(16).default(4),
  clean: z.boolean().default(false),
  dryRun: z.boolean().default(false),
  rename: z.record(z.string(), z.string()).optional(),
  note: z.string().nullable().optional(),
});
const schema = z.toJSONSchema(DbCopyArgs, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

type Fields = Record<string, Draft>;

function filled(change: (draft: Fields) => void): Fields {
  const draft = createDraft(schema) as Fields;
  draft.source = 'postgres://a/db';
  draft.target = 'postgres://b/db';
  change(draft);
  return draft;
}

describe('forms from argument JSON Schemas', () => {
  it('draws each argument as the field its schema calls for, and a JSON text area for a record', () => {
    const properties = schema.properties ?? {};
    const kinds = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, fieldKind(child)]));
    expect(kinds).toEqual({
      source: 'string',
      target: 'string',
      mode: 'enum',
      tables: 'object',
      mask: 'array',
      subset: 'object',
      jobs: 'integer',
      clean: 'boolean',
      dryRun: 'boolean',
      rename: 'json',
      note: 'string',
    });
  });

  it('starts from the defaults', () => {
    const draft = createDraft(schema) as Fields;
    expect(draft).toMatchObject({ source: '', mode: '0', jobs: '4', clean: false, mask: [], tables: { include: [], exclude: [] }, rename: '' });
  });

  it('reads a filled form into the value the command accepts, leaving empty optional parts out', () => {
    const draft = filled((d) => {
      d.mode = '2';
      d.jobs = ' 8 ';
      d.dryRun = true;
      (d.tables as Fields).exclude = ['audit_log'];
      d.mask = [{ table: 'users', column: 'email', rule: '1' }];
      d.rename = '{"users": "people"}';
    });
    const { value, errors } = readForm(schema, draft);
    expect(errors).toEqual({});
    expect(value).toEqual({
      source: 'postgres://a/db',
      target: 'postgres://b/db',
      mode: 'data-only',
      tables: { exclude: ['audit_log'] },
      mask: [{ table: 'users', column: 'email', rule: 'hash' }],
      jobs: 8,
      clean: false,
      dryRun: true,
      rename: { users: 'people' },
    });
    expect(DbCopyArgs.safeParse(value).success).toBe(true);
  });

  it('puts each message on the field it is about, nested fields and array items included', () => {
    const draft = filled((d) => {
      d.source = '';
      d.target = 'not a url';
      d.jobs = '99';
      d.mask = [{ table: 'users', column: '', rule: '' }];
      d.subset = { table: '', where: 'id < 10', percent: 'lots' };
      d.rename = '{oops';
    });
    const { errors } = readForm(schema, draft);
    expect(errors).toEqual({
      source: 'Required',
      target: 'Expected a URL, got `not a url`',
      jobs: 'Expected at most 16, got 99',
      'mask.0.column': 'Required',
      'mask.0.rule': 'Required',
      'subset.percent': 'Expected a number, got `lots`',
      'subset.table': 'Required',
      rename: expect.stringMatching(/^Expected JSON \(/),
    });
  });

  it('refuses a fraction for an integer and a value of the wrong shape in the JSON area', () => {
    const fraction = readForm(schema, filled((d) => (d.jobs = '1.5')));
    expect(fraction.errors).toEqual({ jobs: 'Expected an integer, got 1.5' });
    const wrongShape = readForm(schema, filled((d) => (d.rename = '{"users": 3}')));
    expect(wrongShape.errors).toEqual({ 'rename.users': 'Expected string, got 3' });
  });

  it('checks string lengths and patterns the schema states', () => {
    const short = z.toJSONSchema(z.object({ path: z.string().min(1), code: z.string().regex(/^[a-z]+$/) }), { io: 'input' }) as JsonSchema;
    expect(readForm(short, { path: '', code: 'ABC' }).errors).toEqual({ path: 'Required', code: 'Expected text matching ^[a-z]+$' });
  });
});
