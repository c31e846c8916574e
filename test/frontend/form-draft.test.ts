import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { checkValue, createDraft, readForm, type Draft } from '../../frontend/src/forms/draft.js';
import { asSchema, branchFields, describeUnion, fieldKind, type JsonSchema, type Union } from '../../frontend/src/forms/schema.js';
import { dbCopy, registry } from '../../cmd/index.js';

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

// The real db-copy arguments: a discriminated union on `mode`, whose mask rules are a
// discriminated union on `rule` inside an array, every object strict.
const realDbCopy = registry.describe().find((command) => command.name === 'db-copy')?.args as JsonSchema;
const union = describeUnion(realDbCopy) as Union;

function dbCopyDraft(mode: 'identical' | 'masked' | 'subset', change: (draft: Fields) => void = () => undefined): Fields {
  const draft = createDraft(realDbCopy) as Fields;
  draft.mode = String(union.values.indexOf(mode));
  draft.source = 'PROD_URL';
  draft.target = 'DEV_URL';
  change(draft);
  return draft;
}

describe('forms of a discriminated union (db-copy)', () => {
  it('finds the discriminator and starts on the branch its default picks', () => {
    expect(fieldKind(realDbCopy)).toBe('union');
    expect(union).toMatchObject({ key: 'mode', values: ['identical', 'masked', 'subset'], defaultIndex: 0 });
    const draft = createDraft(realDbCopy) as Fields;
    expect(draft).toMatchObject({ mode: '0', source: '', jobs: '4', dryRun: false, mask: [], subset: { roots: [], depth: '8' } });
    expect(branchFields(union, 0)?.properties).not.toHaveProperty('subset');
    expect(fieldKind(asSchema(branchFields(union, 1)?.properties?.mask?.items))).toBe('union');
  });

  it('submits the default mode with source, target and dryRun only, sending no field of another mode', () => {
    const { value, errors } = readForm(realDbCopy, dbCopyDraft('identical', (d) => (d.dryRun = true)));
    expect(errors).toEqual({});
    expect(value).toEqual({ mode: 'identical', source: 'PROD_URL', target: 'DEV_URL', jobs: 4, splitAboveMb: 1024, clean: false, dryRun: true });
    expect(dbCopy.args.safeParse(value).success).toBe(true);
  });

  it('requires the fields of the chosen branch only, by the field', () => {
    expect(readForm(realDbCopy, dbCopyDraft('masked')).errors).toEqual({ mask: 'Required' });
    expect(readForm(realDbCopy, dbCopyDraft('subset')).errors).toEqual({ 'subset.roots': 'Required' });
    const rule = readForm(realDbCopy, dbCopyDraft('masked', (d) => (d.mask = [createDraft(asSchema(asSchema(branchFields(union, 1)?.properties?.mask).items))])));
    expect(rule.errors).toEqual({ 'mask.0.rule': 'Choose a rule' });
  });

  it('reads array items that are unions as sub-forms, each with its own branch fields', () => {
    const items = asSchema(asSchema(branchFields(union, 1)?.properties?.mask).items);
    const rules = describeUnion(items) as Union;
    const partial = createDraft(items) as Fields;
    partial.rule = String(rules.values.indexOf('partial'));
    partial.table = 'users';
    partial.column = 'ssn';
    const fixed = createDraft(items) as Fields;
    fixed.rule = String(rules.values.indexOf('fixed'));
    fixed.table = 'users';
    fixed.column = 'phone';
    const { value, errors } = readForm(realDbCopy, dbCopyDraft('masked', (d) => (d.mask = [partial, fixed])));
    expect(errors).toEqual({ 'mask.1.value': 'Required' });
    (fixed as Fields).value = 'none';
    const again = readForm(realDbCopy, dbCopyDraft('masked', (d) => (d.mask = [partial, fixed])));
    expect(again.errors).toEqual({});
    expect(again.value).toMatchObject({
      mode: 'masked',
      mask: [
        { rule: 'partial', table: 'users', column: 'ssn', keep: 4, char: '*' },
        { rule: 'fixed', table: 'users', column: 'phone', value: 'none' },
      ],
    });
    expect(value).toBeDefined();
    expect(dbCopy.args.safeParse(again.value).success).toBe(true);
  });

  it('refuses a key the strict schema does not know, naming it', () => {
    const listdirSchema = registry.describe().find((command) => command.name === 'listdir')?.args as JsonSchema;
    const errors: Record<string, string> = {};
    checkValue(listdirSchema, { path: 'cmd', pth: 'x' }, '', errors);
    expect(errors).toEqual({ pth: 'Unexpected field `pth`' });
  });
});
