import { z } from 'zod';

const TableName = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)?$/, { error: 'Expected a table as `schema.table` or `table` (schema public)' })
  .describe('A table as `schema.table` or `table` (schema public)');
const ColumnName = z.string().min(1, { error: 'Expected a column name' });

const Target = { table: TableName, column: ColumnName };

/** The message of a discriminated union whose discriminator names no branch: the choices, and what came. */
function describeChoices(key: string, choices: string[]) {
  return (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== 'invalid_union') return undefined;
    const given = typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<string, unknown>)[key] : undefined;
    return `Expected ${key} to be one of ${choices.join(', ')}, got ${given === undefined ? 'none' : JSON.stringify(given)}`;
  };
}

// Every object is strict: a misspelled key (`{"mod": "masked"}`) is refused with its name
// instead of being dropped while the copy runs with the defaults.

/** One masking rule for one column. */
export const MaskRule = z.discriminatedUnion('rule', [
  z.strictObject({ ...Target, rule: z.literal('null') }).describe('Replace with NULL'),
  z.strictObject({ ...Target, rule: z.literal('fixed'), value: z.string().describe('The value, in PostgreSQL text form') }).describe('Replace with one fixed value'),
  z.strictObject({ ...Target, rule: z.literal('hash') }).describe('Keyed SHA-256 of the value (secret-derived prefix), 32 hex characters'),
  z.strictObject({ ...Target, rule: z.literal('email') }).describe('A deterministic fake e-mail address'),
  z.strictObject({ ...Target, rule: z.literal('name') }).describe('A deterministic fake full name'),
  z.strictObject({ ...Target, rule: z.literal('phone') }).describe('A deterministic fake phone number'),
  z
    .strictObject({
      ...Target,
      rule: z.literal('partial'),
      keep: z.number().int().min(0).max(1000).default(4).describe('How many trailing characters to keep'),
      char: z.string().length(1).default('*').describe('The character replacing the others'),
    })
    .describe('Keep the last N characters, replace the others'),
  z
    .strictObject({
      ...Target,
      rule: z.literal('regex'),
      pattern: z.string().min(1).describe('A JavaScript regular expression'),
      replacement: z.string().describe('The replacement ($1 etc. allowed)'),
      flags: z.string().regex(/^[gimsuy]*$/, { error: 'Expected regex flags among g, i, m, s, u, y' }).default('g'),
    })
    .describe('Regular-expression replace'),
], { error: describeChoices('rule', ['null', 'fixed', 'hash', 'email', 'name', 'phone', 'partial', 'regex']) });
export type MaskRule = z.infer<typeof MaskRule>;

/** A foreign key the schema does not declare, declared for the subset's closure. */
export const ExtraForeignKey = z.strictObject({
  table: TableName.describe('The referencing (child) table'),
  columns: z.array(ColumnName).min(1),
  references: TableName.describe('The referenced (parent) table'),
  referencedColumns: z.array(ColumnName).min(1),
});
export type ExtraForeignKey = z.infer<typeof ExtraForeignKey>;

/** Which rows a subset copy starts from and how far it follows foreign keys. */
export const SubsetSpec = z.strictObject({
  roots: z
    .array(z.strictObject({ table: TableName, where: z.string().min(1).describe('An SQL condition on that table, e.g. `id in (1,23,4)`') }))
    .min(1, { error: 'Expected at least one root `{ table, where }`' }),
  depth: z.number().int().min(0).max(100).default(8).describe('How many foreign-key steps child rows are followed down from the roots (parents are always pulled in)'),
  foreignKeys: z.array(ExtraForeignKey).default([]).describe('Foreign keys not declared in the schema'),
});
export type SubsetSpec = z.infer<typeof SubsetSpec>;

const Common = {
  source: z.string().min(1).describe('Source: a postgres:// URL or the name of an environment variable holding one'),
  target: z.string().min(1).describe('Target: a postgres:// URL or the name of an environment variable holding one'),
  tables: z
    .strictObject({
      include: z.array(TableName).optional().describe('Copy only these tables (schema and data)'),
      exclude: z.array(TableName).default([]).describe('Copy all but these tables'),
    })
    .optional()
    .describe('Which tables to copy'),
  jobs: z.number().int().min(1).max(32).default(4).describe('Parallel streams and index builds'),
  splitAboveMb: z
    .number()
    .min(0)
    .default(1024)
    .describe('Read a table larger than this (MB on disk, and more than its share of the data) with several streams in page ranges; smaller tables load whole, with FREEZE'),
  clean: z.boolean().default(false).describe('Drop every object in the target first (without it a non-empty target is refused)'),
  dryRun: z.boolean().default(false).describe('Print the plan only; copy nothing'),
};

const MaskKeyEnv = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'Expected an environment variable name' })
  .default('DB_COPY_MASK_KEY')
  .describe('The environment variable holding the secret key of the hash-based masks');

const NO_MASK_RULES = 'Expected at least one mask rule for mode masked, got none';

/**
 * The arguments as given: a union on `mode` (identical, the default; masked; subset), each
 * mode with only its own fields, so that a form or a caller sees which fields a mode needs.
 */
export const DbCopyInput = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('identical').default('identical').describe('Copy everything as it is'), ...Common }).describe('identical: copy everything as it is'),
  z
    .strictObject({
      mode: z.literal('masked').describe('Copy everything, masking the columns the rules name'),
      ...Common,
      mask: z
        .array(MaskRule, { error: (issue) => (issue.input === undefined ? NO_MASK_RULES : undefined) })
        .min(1, { error: NO_MASK_RULES })
        .describe('Masking rules, one per column'),
      maskKeyEnv: MaskKeyEnv,
    })
    .describe('masked: copy everything, masking columns'),
  z
    .strictObject({
      mode: z.literal('subset').describe('Copy the rows reachable from the roots over foreign keys'),
      ...Common,
      subset: SubsetSpec.describe('Roots and depth'),
      mask: z.array(MaskRule).default([]).describe('Masking rules applied to the subset'),
      maskKeyEnv: MaskKeyEnv,
    })
    .describe('subset: the rows reachable from some roots over foreign keys'),
], { error: describeChoices('mode', ['identical', 'masked', 'subset']) });
export type DbCopyInput = z.input<typeof DbCopyInput>;

/** The arguments of db-copy: checked as DbCopyInput, then read as one flat shape (no mask rules and no subset in mode identical). */
export const DbCopyArgs = DbCopyInput.superRefine((args, context) => {
  if (args.mode === 'identical') return;
  for (const [index, rule] of args.mask.entries()) {
    if (rule.rule !== 'regex') continue;
    try {
      new RegExp(rule.pattern, rule.flags);
    } catch (error) {
      context.addIssue({ code: 'custom', path: ['mask', index, 'pattern'], message: `Expected a valid regular expression, got \`${rule.pattern}\` (${(error as Error).message})` });
    }
  }
}).transform((args) => ({
  ...args,
  mask: args.mode === 'identical' ? [] : args.mask,
  maskKeyEnv: args.mode === 'identical' ? 'DB_COPY_MASK_KEY' : args.maskKeyEnv,
  subset: args.mode === 'subset' ? args.subset : undefined,
}));
export type DbCopyArgs = z.output<typeof DbCopyArgs>;
