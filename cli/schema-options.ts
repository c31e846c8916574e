// Turns a registered command's argument schema into commander options. It reads the
// JSON Schema that CommandRegistry.describe() already produces (z.toJSONSchema), the
// public and stable view of a zod schema, rather than zod's internals.
import { InvalidArgumentError, Option } from 'commander';
import type { Command as CommanderCommand } from 'commander';
import { UsageError } from './errors.js';

interface PropertySchema {
  type?: string | string[];
  properties?: Record<string, PropertySchema>;
  required?: string[];
  oneOf?: PropertySchema[];
  anyOf?: PropertySchema[];
  enum?: unknown[];
  const?: unknown;
  items?: PropertySchema;
  description?: string;
  default?: unknown;
}

/** One generated option and the argument property it fills. */
export interface SchemaOption {
  property: string;
  option: Option;
}

/** Flags the subcommands define themselves; a property that would clash gets an `arg-` prefix. */
const RESERVED = new Set(['help', 'remote', 'args', 'cancel-on-interrupt', 'data-dir', 'detach', 'timeout', 'json', 'version']);

/**
 * Adds an option per top-level property of an object JSON Schema: strings, numbers,
 * integers, booleans (with `--no-X` when the default is true), enums (as choices) and
 * arrays of those (repeat the option or list several values). Properties that cannot be
 * options (objects, unions of objects) are left to `--args JSON`.
 */
export function addSchemaOptions(command: CommanderCommand, jsonSchema: Record<string, unknown>): SchemaOption[] {
  const { properties, required } = mergeBranches(jsonSchema as PropertySchema);
  const added: SchemaOption[] = [];
  for (const [property, schema] of Object.entries(properties)) {
    const kind = classify(schema);
    if (kind === undefined) continue;
    let flag = toFlagName(property);
    if (RESERVED.has(flag)) flag = `arg-${flag}`;
    const notes = [required.has(property) && schema.default === undefined ? '(required)' : '', schema.default !== undefined ? `(default: ${JSON.stringify(schema.default)})` : '']
      .filter(Boolean)
      .join(' ');
    const description = [schema.description ?? '', notes].filter(Boolean).join(' ');
    const option = createOption(flag, kind, description);
    command.addOption(option);
    if (kind.type === 'boolean' && schema.default === true) command.addOption(new Option(`--no-${flag}`, `Turn off --${flag}`));
    added.push({ property, option });
  }
  return added;
}

/**
 * The properties of an object schema, or of a union of object schemas (a discriminated
 * union such as db-copy's `mode`): every branch's properties, a property that is a
 * constant in each branch becoming a choice of those constants (its default the one a
 * branch defaults to), required only when every branch requires it.
 */
export function mergeBranches(schema: PropertySchema): { properties: Record<string, PropertySchema>; required: Set<string> } {
  const branches = (schema.oneOf ?? schema.anyOf ?? [schema]).filter((branch) => branch.properties !== undefined);
  const properties: Record<string, PropertySchema> = {};
  for (const branch of branches) {
    for (const [name, property] of Object.entries(branch.properties ?? {})) {
      const known = properties[name];
      if (known === undefined) properties[name] = property.const === undefined ? property : { ...property, const: undefined, enum: [property.const], description: describeChoice(branches) ?? property.description };
      else if (property.const !== undefined && known.enum !== undefined) {
        properties[name] = { ...known, enum: [...known.enum, property.const], default: known.default ?? property.default };
      }
    }
  }
  const required = new Set(Object.keys(properties).filter((name) => branches.length > 0 && branches.every((branch) => branch.required?.includes(name))));
  return { properties, required };
}

/** A discriminator's help: each branch's own description (`identical: …; masked: …`), when all have one. */
function describeChoice(branches: PropertySchema[]): string | undefined {
  const descriptions = branches.map((branch) => branch.description);
  return branches.length > 1 && descriptions.every((text) => text !== undefined) ? descriptions.join('; ') : undefined;
}

/**
 * Builds the argument object: `--args` JSON first, then each option given on the
 * command line. Options left unset are absent, so the schema's defaults apply.
 */
export function collectSchemaArgs(options: SchemaOption[], values: Record<string, unknown>, argsJson: string | undefined): Record<string, unknown> {
  const args = parseArgsJson(argsJson);
  for (const { property, option } of options) {
    const value = values[option.attributeName()];
    if (value !== undefined) args[property] = value;
  }
  return args;
}

/** Maps an issue path's first property back to its flag, for messages. */
export function flagOf(options: SchemaOption[], property: PropertyKey | undefined): string | undefined {
  return options.find((entry) => entry.property === property)?.option.long;
}

interface Kind {
  type: 'string' | 'number' | 'integer' | 'boolean';
  choices?: string[];
  array: boolean;
}

function classify(schema: PropertySchema): Kind | undefined {
  if (schema.type === 'array') {
    const item = schema.items === undefined ? undefined : classify(schema.items);
    return item === undefined || item.array || item.type === 'boolean' ? undefined : { ...item, array: true };
  }
  const choices = schema.enum ?? (schema.const === undefined ? undefined : [schema.const]);
  if (choices !== undefined) return choices.every((c) => typeof c === 'string') ? { type: 'string', choices: choices as string[], array: false } : undefined;
  const type = Array.isArray(schema.type) ? (schema.type.every((t) => ['string', 'number', 'integer'].includes(t)) ? 'string' : undefined) : schema.type;
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return { type, array: false };
  return undefined;
}

function createOption(flag: string, kind: Kind, description: string): Option {
  if (kind.type === 'boolean') return new Option(`--${flag}`, description);
  const placeholder = kind.type === 'string' ? 'value' : kind.type;
  const option = new Option(`--${flag} <${placeholder}${kind.array ? '...' : ''}>`, description);
  if (kind.choices !== undefined) option.choices(kind.choices);
  if (kind.type === 'number' || kind.type === 'integer') {
    const parse = (value: string) => parseNumber(value, kind.type === 'integer');
    option.argParser(kind.array ? (value: string, previous: unknown) => [...((previous as number[] | undefined) ?? []), parse(value)] : parse);
  } else if (kind.array && kind.choices === undefined) {
    option.argParser((value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value]);
  }
  return option;
}

function parseNumber(value: string, integer: boolean): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError(`Expected a number, got \`${value}\`.`);
  if (integer && !Number.isInteger(number)) throw new InvalidArgumentError(`Expected an integer, got \`${value}\`.`);
  return number;
}

function parseArgsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`Expected --args to be a JSON object, got \`${text.slice(0, 80)}\` (not JSON)`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`Expected --args to be a JSON object, got \`${text.slice(0, 80)}\``);
  }
  return { ...(value as Record<string, unknown>) };
}

/** `maxAgeSeconds` and `max_age_seconds` both become `max-age-seconds`. */
function toFlagName(property: string): string {
  return property
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}
