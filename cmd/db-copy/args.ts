import { z } from 'zod';

const TableName = z
  .string()
  .regex(/^[^.\s]+(\.[^.\s]+)?$/, { error: 'Expected a table as `schema.table` or `table` (schema public)' })
  .describe('A table as `schema.table` or `table` (schema public)');
const ColumnName = z.string().min(1, { error: 'Expected a column name' });

const Target = { table: TableName, column: ColumnName };

/** One masking rule for one column. */
export const MaskRule = z.discriminatedUnion('rule', [
  z.object({ ...Target, rule: z.literal('null') }).describe('Replace with NULL'),
  z.object({ ...Target, rule: z.literal('fixed'), value: z.string().describe('The value, in PostgreSQL text form') }).describe('Replace with one fixed value'),
  z.object({ ...Target, rule: z.literal('hash') }).describe('Keyed SHA-256 of the value (secret-derived prefix), 32 hex characters'),
  z.object({ ...Target, rule: z.literal('email') }).describe('A deterministic fake e-mail address'),
  z.object({ ...Target, rule: z.literal('name') }).describe('A deterministic fake full name'),
  z.object({ ...Target, rule: z.literal('phone') }).describe('A deterministic fake phone number'),
  z
    .object({
      ...Target,
      rule: z.literal('partial'),
      keep: z.number().int().min(0).max(1000).default(4).describe('How many trailing characters to keep'),
      char: z.string().length(1).default('*').describe('The character replacing the others'),
    })
    .describe('Keep the last N characters, replace the others'),
  z
    .object({
      ...Target,
      rule: z.literal('regex'),
      pattern: z.string().min(1).describe('A JavaScript regular expression'),
      replacement: z.string().describe('The replacement ($1 etc. allowed)'),
      flags: z.string().regex(/^[gimsuy]*$/, { error: 'Expected regex flags among g, i, m, s, u, y' }).default('g'),
    })
    .describe('Regular-expression replace'),
]);
export type MaskRule = z.infer<typeof MaskRule>;

/** A foreign key the schema does not declare, declared for the subset's closure. */
export const ExtraForeignKey = z.object({
  table: TableName.describe('The referencing (child) table'),
  columns: z.array(ColumnName).min(1),
  references: TableName.describe('The referenced (parent) table'),
  referencedColumns: z.array(ColumnName).min(1),
});
export type ExtraForeignKey = z.infer<typeof ExtraForeignKey>;

/** Which rows a subset copy starts from and how far it follows foreign keys. */
export const SubsetSpec = z.object({
  roots: z
    .array(z.object({ table: TableName, where: z.string().min(1).describe('An SQL condition on that table, e.g. `id in (1,23,4)`') }))
    .min(1, { error: 'Expected at least one root `{ table, where }`' }),
  depth: z.number().int().min(0).max(100).default(8).describe('How many foreign-key steps child rows are followed down from the roots (parents are always pulled in)'),
  foreignKeys: z.array(ExtraForeignKey).default([]).describe('Foreign keys not declared in the schema'),
});
export type SubsetSpec = z.infer<typeof SubsetSpec>;

/** The arguments of db-copy. */
export const DbCopyArgs = z
  .object({
    source: z.string().min(1).describe('Source: a postgres:// URL or the name of an environment variable holding one'),
    target: z.string().min(1).describe('Target: a postgres:// URL or the name of an environment variable holding one'),
    mode: z.enum(['identical', 'masked', 'subset']).default('identical').describe('What to copy'),
    tables: z
      .object({
        include: z.array(TableName).optional().describe('Copy only these tables (schema and data)'),
        exclude: z.array(TableName).default([]).describe('Copy all but these tables'),
      })
      .optional()
      .describe('Which tables to copy'),
    mask: z.array(MaskRule).default([]).describe('Masking rules (mode masked; also applied in mode subset)'),
    maskKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'Expected an environment variable name' })
      .default('DB_COPY_MASK_KEY')
      .describe('The environment variable holding the secret key of the hash-based masks'),
    subset: SubsetSpec.optional().describe('Roots and depth (mode subset)'),
    jobs: z.number().int().min(1).max(32).default(4).describe('Parallel streams and index builds'),
    splitAboveMb: z
      .number()
      .min(0)
      .default(1024)
      .describe('Read a table larger than this (MB on disk, and more than its share of the data) with several streams in page ranges; smaller tables load whole, with FREEZE'),
    clean: z.boolean().default(false).describe('Drop every object in the target first (without it a non-empty target is refused)'),
    dryRun: z.boolean().default(false).describe('Print the plan only; copy nothing'),
  })
  .superRefine((args, context) => {
    if (args.mode === 'masked' && args.mask.length === 0) {
      context.addIssue({ code: 'custom', path: ['mask'], message: 'Expected at least one mask rule for mode masked, got none' });
    }
    if (args.mode === 'subset' && args.subset === undefined) {
      context.addIssue({ code: 'custom', path: ['subset'], message: 'Expected a subset spec `{ roots: [{ table, where }] }` for mode subset, got none' });
    }
    if (args.mode !== 'subset' && args.subset !== undefined) {
      context.addIssue({ code: 'custom', path: ['subset'], message: `Expected no subset spec for mode ${args.mode} (it applies to mode subset only)` });
    }
    if (args.mode === 'identical' && args.mask.length > 0) {
      context.addIssue({ code: 'custom', path: ['mask'], message: 'Expected no mask rules for mode identical (use mode masked)' });
    }
    for (const [index, rule] of args.mask.entries()) {
      if (rule.rule !== 'regex') continue;
      try {
        new RegExp(rule.pattern, rule.flags);
      } catch (error) {
        context.addIssue({ code: 'custom', path: ['mask', index, 'pattern'], message: `Expected a valid regular expression, got \`${rule.pattern}\` (${(error as Error).message})` });
      }
    }
  });
export type DbCopyArgs = z.infer<typeof DbCopyArgs>;
