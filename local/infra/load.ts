import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument, type Node } from 'yaml';
import { readTable } from './dynamodb.js';
import { InfraError, Problems } from './errors.js';
import { readLambda } from './lambda.js';
import type { InfraSet } from './model.js';
import { readEntries, readString, type Entry, type Walk } from './nodes.js';
import { readQueue, readUnmodeled } from './other.js';
import { readBucket } from './s3.js';
import { substituteVariables } from './substitute.js';

// lib/infra.go: InfraParse's top-level keys, in its order.
const TOP_LEVEL_KEYS = ['name', 'lambda', 's3', 'dynamodb', 'sqs', 'vpc', 'instance-profile', 'keypair'] as const;

/**
 * Reads, substitutes and validates an infra.yaml as libaws would, and returns what it
 * declares; provisions nothing. Throws InfraError listing every problem of the first phase
 * that found any (variables, then YAML syntax, then the sections), each as `file:line: ...`.
 */
export function loadInfra(file: string, variables: Readonly<Record<string, string>>): InfraSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InfraError([{ file, message: `cannot read it: ${(error as Error).message}` }], { cause: error });
  }
  return parseInfra(text, { file, variables });
}

/** Like loadInfra, for text already read from `file` (whose directory Go/Python entrypoints are relative to). */
export function parseInfra(text: string, options: { file: string; variables: Readonly<Record<string, string>> }): InfraSet {
  const { file, variables } = options;
  const problems = new Problems(file);
  const source = substituteVariables(text, variables, problems);
  problems.throwIfAny();
  const doc = parseDocument(source.text, { prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors) problems.add(source.lineAt(error.pos[0]), `YAML: ${error.message}`);
  problems.throwIfAny(doc.errors[0]);
  const walk: Walk = {
    problems,
    doc,
    lineOf: (node, fallback) => {
      const range = (node as Node | null | undefined)?.range;
      return range ? source.lineAt(range[0]) : fallback;
    },
  };
  const set = readSections(walk, resolve(file));
  problems.throwIfAny();
  return { ...set, file };
}

function readSections(walk: Walk, absoluteFile: string): Omit<InfraSet, 'file'> {
  const set: Omit<InfraSet, 'file'> = { name: '', dynamodb: [], s3: [], lambda: [], sqs: [], unmodeled: [] };
  const root = walk.doc.contents;
  if (root === null) {
    walk.problems.add(1, 'the file is empty; libaws needs at least name:');
    return set;
  }
  const entries = readEntries(walk, root, 1, 'the file', `a mapping of ${TOP_LEVEL_KEYS.join(', ')}`) ?? [];
  const nameEntry = entries.find((entry) => entry.key === 'name');
  if (nameEntry) set.name = readName(walk, nameEntry.value, nameEntry.line);
  else walk.problems.add(1, 'name: is missing (libaws tags every resource with the infrastructure set name)');
  for (const entry of entries) {
    // Each resource section is a mapping of names to resources.
    const each = (expected: string, read: (item: Entry) => void) => {
      for (const item of readEntries(walk, entry.value, entry.line, entry.key, `a mapping of ${expected}`) ?? []) read(item);
    };
    switch (entry.key) {
      case 'name':
        break;
      case 'dynamodb':
        each('table names to tables', (item) => pushDefined(set.dynamodb, readTable(walk, set.name, item.key, item.line, item.value)));
        break;
      case 's3':
        each('bucket names to buckets', (item) => pushDefined(set.s3, readBucket(walk, item.key, item.line, item.value)));
        break;
      case 'lambda':
        each('function names to functions', (item) => pushDefined(set.lambda, readLambda(walk, absoluteFile, item.key, item.line, item.value)));
        break;
      case 'sqs':
        each('queue names to queues', (item) => pushDefined(set.sqs, readQueue(walk, item.key, item.line, item.value)));
        break;
      case 'keypair':
      case 'vpc':
      case 'instance-profile': {
        const section = entry.key;
        each(`${section} names to their settings`, (item) => set.unmodeled.push(readUnmodeled(walk, section, item.key, item.line, item.value)));
        break;
      }
      default:
        walk.problems.add(entry.line, `unknown top-level key "${entry.key}" (libaws accepts ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }
  checkDeferredVariables(walk, set);
  return set;
}

function readName(walk: Walk, node: Node | null, line: number): string {
  const name = readString(walk, node, line, 'name');
  // lib/infra.go: InfraParse refuses an empty name.
  if (name === '') walk.problems.add(line, 'name cannot be empty (lib/infra.go: InfraParse)');
  return name ?? '';
}

function pushDefined<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}

// lib/iam.go: IamEnsureRoleAllows resolves ${API_ID} and ${WEBSOCKET_ID} in allow lines once
// an api or websocket trigger has set them; without one, libaws stops with "missing
// environment variable".
function checkDeferredVariables(walk: Walk, set: Omit<InfraSet, 'file'>): void {
  const triggerTypes = new Set(set.lambda.flatMap((lambda) => lambda.triggers.map((trigger) => trigger.type)));
  const needs = [
    ['API_ID', 'api'],
    ['WEBSOCKET_ID', 'websocket'],
  ] as const;
  for (const lambda of set.lambda) {
    for (const allow of lambda.allow) {
      for (const [variable, type] of needs) {
        if (allow.resource.includes(`\${${variable}}`) && !triggerTypes.has(type)) {
          walk.problems.add(allow.line, `lambda ${lambda.name}: allow uses \${${variable}}, which libaws sets only from a ${type} trigger, and the set has none`);
        }
      }
    }
  }
}
