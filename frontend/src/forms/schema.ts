// The part of JSON Schema that a command's arguments use (as `z.toJSONSchema` writes
// them), read into the kinds of field the form draws. Anything else is a JSON text area.

/** A JSON Schema node, as far as the form reads it. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  title?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** How a field is drawn. */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'union' | 'array' | 'json';

/** A discriminated union of objects (zod's `discriminatedUnion`, written as `oneOf`): which property tells the branches apart. */
export interface Union {
  /** The discriminating property, e.g. `mode`. */
  key: string;
  /** The branches, each an object schema. */
  branches: JsonSchema[];
  /** The discriminator's value in each branch. */
  values: (string | number | boolean)[];
  /** The branch whose discriminator has a default (chosen when the value leaves it out), or -1. */
  defaultIndex: number;
}

/** A schema made of only these keys' values when it comes as `true` or a non-object. */
export function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {};
}

/** The schema without a `null` alternative (`T | null` is drawn as an optional T). */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    const rest = options.filter((option) => option.type !== 'null');
    if (rest.length === 1 && rest.length < options.length) return { ...rest[0], ...pickDocs(schema) };
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    if (types.length === 1) return { ...schema, type: types[0] };
  }
  return schema;
}

/** The kind of field a schema is drawn as. */
export function fieldKind(input: JsonSchema): FieldKind {
  const schema = unwrapNullable(input);
  if (describeUnion(schema) !== undefined) return 'union';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isScalar)) return 'enum';
  if (schema.const !== undefined && isScalar(schema.const)) return 'enum';
  switch (schema.type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
      return schema.type;
    case 'object':
      return schema.properties && !isSchemaObject(schema.additionalProperties) ? 'object' : 'json';
    case 'array':
      return schema.items && ['string', 'number', 'integer', 'enum', 'object', 'union', 'boolean'].includes(fieldKind(schema.items)) ? 'array' : 'json';
    default:
      return 'json';
  }
}

/**
 * The union a schema is, when it is `oneOf`/`anyOf` of objects that share a property with
 * a distinct constant in each (the discriminator); undefined for any other schema.
 */
export function describeUnion(schema: JsonSchema): Union | undefined {
  const branches = schema.oneOf ?? schema.anyOf;
  if (!branches || branches.length < 2 || !branches.every((branch) => branch.type === 'object' && branch.properties)) return undefined;
  const first = branches[0]?.properties ?? {};
  for (const key of Object.keys(first)) {
    const values = branches.map((branch) => constantOf(asSchema(branch.properties?.[key])));
    if (!values.every(isScalar) || new Set(values).size !== values.length) continue;
    const defaultIndex = branches.findIndex((branch) => asSchema(branch.properties?.[key]).default !== undefined);
    return { key, branches, values: values as (string | number | boolean)[], defaultIndex };
  }
  return undefined;
}

/** A union's branch without its discriminator (the form draws that as the choice above the branch's fields). */
export function branchFields(union: Union, index: number): JsonSchema | undefined {
  const branch = union.branches[index];
  if (!branch) return undefined;
  const properties = { ...branch.properties };
  delete properties[union.key];
  return { ...branch, properties, required: (branch.required ?? []).filter((key) => key !== union.key) };
}

/** The index of the branch a value's discriminator picks, else the default branch, else -1. */
export function pickBranch(union: Union, value: unknown): number {
  const given = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[union.key] : undefined;
  if (given === undefined) return union.defaultIndex;
  return union.values.indexOf(given as string);
}

function constantOf(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  return Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : undefined;
}

/** The values an enum field offers. */
export function enumValues(schema: JsonSchema): (string | number | boolean)[] {
  const plain = unwrapNullable(schema);
  return (plain.enum ?? [plain.const]).filter(isScalar);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isSchemaObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function pickDocs(schema: JsonSchema): JsonSchema {
  const docs: JsonSchema = {};
  if (schema.description !== undefined) docs.description = schema.description;
  if (schema.default !== undefined) docs.default = schema.default;
  if (schema.title !== undefined) docs.title = schema.title;
  return docs;
}
