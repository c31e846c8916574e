import type { Context } from 'hono';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import { describeIssues } from '../issues.js';

/** Reads the body as one JSON object; 400 for an empty body, malformed JSON or another JSON type. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') throw new BadRequestError('Expected a JSON body, got an empty body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Expected a JSON body: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`Expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  return value as Record<string, unknown>;
}

/** Checks input against a schema; 400 naming each issue otherwise. */
export function parseInput<Schema extends z.core.$ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const parsed = z.safeParse(schema, input, { reportInput: true });
  if (!parsed.success) throw new BadRequestError(describeIssues(what, parsed.error));
  return parsed.data;
}
