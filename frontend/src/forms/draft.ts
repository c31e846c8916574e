import { asSchema, branchFields, describeUnion, enumValues, fieldKind, pickBranch, unwrapNullable, type JsonSchema, type Union } from './schema.js';

// A form's state is a draft: text as typed (numbers too, so that "1." can be typed),
// checkboxes as booleans, an enum as the index of its choice, objects and arrays as
// drafts of their parts, and the JSON fallback as text. On submit the draft is read into
// the arguments' value and checked against the schema; each message is keyed by the
// field's path (`mask.0.table`). A discriminated union's draft is an object draft holding
// the chosen branch's index under the discriminator's key and the fields of every branch
// (so that switching branches keeps what was typed in the fields they share); only the
// chosen branch's fields are read.

/** A form's state. */
export type Draft = string | boolean | Draft[] | { [key: string]: Draft };

/** Messages by field path; the root's is under ''. */
export type FieldErrors = Record<string, string>;

/** The draft of a new form or a new array item: defaults filled in, the rest empty. */
export function createDraft(input: JsonSchema, value: unknown = unwrapNullable(input).default): Draft {
  const schema = unwrapNullable(input);
  switch (fieldKind(schema)) {
    case 'boolean':
      return value === true;
    case 'enum':
      return value === undefined ? '' : String(enumValues(schema).indexOf(value as string));
    case 'object': {
      const draft: Record<string, Draft> = {};
      const given = isRecord(value) ? value : {};
      for (const [key, child] of Object.entries(schema.properties ?? {})) draft[key] = createDraft(child, given[key] ?? asSchema(child).default);
      return draft;
    }
    case 'union':
      return createUnionDraft(describeUnion(schema) as Union, value);
    case 'array':
      return Array.isArray(value) ? value.map((item) => createDraft(asSchema(schema.items), item)) : [];
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

function createUnionDraft(union: Union, value: unknown): Draft {
  const index = pickBranch(union, value);
  const given = isRecord(value) ? value : {};
  const draft: Record<string, Draft> = {};
  const order = index < 0 ? union.branches : [union.branches[index] as JsonSchema, ...union.branches];
  for (const branch of order) {
    for (const [key, child] of Object.entries(branch.properties ?? {})) {
      if (key !== union.key && !(key in draft)) draft[key] = createDraft(child, given[key] ?? asSchema(child).default);
    }
  }
  draft[union.key] = index < 0 ? '' : String(index);
  return draft;
}

/** Reads a draft into the arguments' value and checks it; `errors` is empty when it may be sent. */
export function readForm(schema: JsonSchema, draft: Draft): { value: unknown; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value = readDraft(schema, draft, '', errors, true) ?? {};
  checkValue(schema, value, '', errors);
  return { value, errors };
}

/** The path of a child field. */
export function childPath(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/** A draft's value, or undefined when the field was left empty (then it is not sent). */
function readDraft(input: JsonSchema, draft: Draft, path: string, errors: FieldErrors, required: boolean): unknown {
  const schema = unwrapNullable(input);
  const kind = fieldKind(schema);
  if (kind === 'union' && isRecord(draft)) return readUnionDraft(describeUnion(schema) as Union, draft, path, errors, required);
  if (kind === 'object' && isRecord(draft)) {
    const value: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      const read = readDraft(child, draft[key] ?? '', childPath(path, key), errors, schema.required?.includes(key) ?? false);
      if (read !== undefined) value[key] = read;
    }
    // An optional object left empty is not sent; a required one is, so that its own fields say what they lack.
    return Object.keys(value).length > 0 || required ? value : undefined;
  }
  if (kind === 'array' && Array.isArray(draft)) {
    const items = draft.map((item, index) => readDraft(asSchema(schema.items), item, childPath(path, index), errors, true));
    return items.length > 0 ? items : undefined;
  }
  if (typeof draft === 'boolean') return draft;
  if (typeof draft !== 'string') return undefined;
  const text = kind === 'json' || kind === 'string' ? draft : draft.trim();
  if (text === '') return undefined;
  if (kind === 'enum') return enumValues(schema)[Number(text)];
  if (kind === 'number' || kind === 'integer') {
    const number = Number(text);
    if (Number.isNaN(number)) errors[path] = `Expected a number, got \`${text}\``;
    return number;
  }
  if (kind === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      errors[path] = `Expected JSON (${error instanceof Error ? error.message : String(error)})`;
      return undefined;
    }
  }
  return text;
}

/** The chosen branch's fields and the discriminator's value; no choice is a message by the choice (or, when optional, nothing sent). */
function readUnionDraft(union: Union, draft: Record<string, Draft>, path: string, errors: FieldErrors, required: boolean): unknown {
  const chosen = draft[union.key];
  const index = typeof chosen === 'string' && chosen !== '' ? Number(chosen) : -1;
  const fields = branchFields(union, index);
  if (fields === undefined) {
    if (required) errors[childPath(path, union.key)] = `Choose a ${union.key}`;
    return required ? {} : undefined;
  }
  const value = readDraft(fields, draft, path, errors, true) as Record<string, unknown>;
  return { [union.key]: union.values[index], ...value };
}

/** Checks a value against the schema, adding a message for each field that fails (first one per field). */
export function checkValue(input: JsonSchema, value: unknown, path: string, errors: FieldErrors): void {
  if (errors[path] !== undefined) return;
  if (value === undefined) {
    errors[path] = 'Required';
    return;
  }
  const schema = unwrapNullable(input);
  const union = describeUnion(schema);
  if (union !== undefined) {
    const index = pickBranch(union, value);
    const branch = union.branches[index];
    if (branch === undefined || !isRecord(value)) errors[childPath(path, union.key)] ??= `Expected one of ${union.values.map((option) => JSON.stringify(option)).join(', ')}`;
    else checkValue(branch, value, path, errors);
    return;
  }
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    if (!options.some((option) => isValid(option, value))) errors[path] = 'Expected a value of one of the allowed shapes';
    return;
  }
  const problem = describeProblem(schema, value);
  if (problem !== undefined) {
    errors[path] = problem;
    return;
  }
  if (isRecord(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined && errors[childPath(path, key)] === undefined) errors[childPath(path, key)] = 'Required';
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key] ?? asSchema(schema.additionalProperties);
      if (schema.properties?.[key] === undefined && schema.additionalProperties === false) errors[childPath(path, key)] = `Unexpected field \`${key}\``;
      else checkValue(childSchema, child, childPath(path, key), errors);
    }
  }
  if (Array.isArray(value)) value.forEach((item, index) => checkValue(asSchema(schema.items), item, childPath(path, index), errors));
}

function isValid(schema: JsonSchema, value: unknown): boolean {
  const errors: FieldErrors = {};
  checkValue(schema, value, '', errors);
  return Object.keys(errors).length === 0;
}

/** What is wrong with this value itself (not its parts), or undefined. */
function describeProblem(schema: JsonSchema, value: unknown): string | undefined {
  if (value === null) return schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null')) ? undefined : 'Expected a value, got null';
  const type = describeType(value);
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type);
  if (types.length > 0 && !types.includes(type) && !(type === 'integer' && types.includes('number'))) {
    if (type === 'number' && types.includes('integer')) return `Expected an integer, got ${String(value)}`;
    return `Expected ${types.join(' or ')}, got ${JSON.stringify(value)}`;
  }
  if (schema.enum && !schema.enum.includes(value)) return `Expected one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`;
  if (schema.const !== undefined && schema.const !== value) return `Expected ${JSON.stringify(schema.const)}`;
  if (typeof value === 'number') return describeNumberProblem(schema, value);
  if (typeof value === 'string') return describeStringProblem(schema, value);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `Expected at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `Expected at most ${schema.maxItems} items`;
  }
  return undefined;
}

function describeNumberProblem(schema: JsonSchema, value: number): string | undefined {
  if (!Number.isFinite(value)) return `Expected a finite number, got ${value}`;
  if (schema.type === 'integer' && !Number.isInteger(value)) return `Expected an integer, got ${value}`;
  if (schema.minimum !== undefined && value < schema.minimum) return `Expected at least ${schema.minimum}, got ${value}`;
  if (schema.maximum !== undefined && value > schema.maximum) return `Expected at most ${schema.maximum}, got ${value}`;
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return `Expected more than ${schema.exclusiveMinimum}, got ${value}`;
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return `Expected less than ${schema.exclusiveMaximum}, got ${value}`;
  return undefined;
}

function describeStringProblem(schema: JsonSchema, value: string): string | undefined {
  if (schema.minLength !== undefined && value.length < schema.minLength) return `Expected at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return `Expected at most ${schema.maxLength} characters, got ${value.length}`;
  if (schema.pattern !== undefined && !safeTest(schema.pattern, value)) return `Expected text matching ${schema.pattern}`;
  if ((schema.format === 'uri' || schema.format === 'url') && !URL.canParse(value)) return `Expected a URL, got \`${value}\``;
  if (schema.format === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) return `Expected an email address, got \`${value}\``;
  return undefined;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // a pattern this browser cannot read is left to the server
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, Draft> & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
