import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from './sigv4.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Creates a random access key pair shaped like AWS's (AKIA… / 40 characters). */
export function generateCredentials(): Credentials {
  const bytes = randomBytes(16);
  const id = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
  return {
    accessKeyId: `AKIA${id}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

/**
 * Reads the endpoint's credentials from `DIR/credentials.json`, generating and saving
 * them (mode 0600) on first start.
 */
export function loadOrCreateCredentials(dataDir: string): Credentials {
  const file = join(dataDir, 'credentials.json');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed = readStoredCredentials(safeJson(text));
    if (typeof parsed === 'string') throw new Error(`Expected ${file} to hold {"accessKeyId","secretAccessKey"}: ${parsed}`);
    return parsed;
  }
  const credentials = generateCredentials();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return credentials;
}

/**
 * Checks the stored key pair: an access key id of at least 16 characters and a secret of at
 * least 30. Checked by hand rather than with a zod schema: this file is read when the endpoint
 * starts, before it loads anything else, and an idle endpoint that loaded zod would hold about
 * 9 MB more (README, "Memory"). Returns the pair, or what is wrong with it.
 */
function readStoredCredentials(value: unknown): Credentials | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`;
  const { accessKeyId, secretAccessKey } = value as Record<string, unknown>;
  if (typeof accessKeyId !== 'string' || accessKeyId.length < 16) return `expected accessKeyId to be a string of at least 16 characters, got ${describe(accessKeyId)}`;
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length < 30) return `expected secretAccessKey to be a string of at least 30 characters, got ${describe(secretAccessKey)}`;
  return { accessKeyId, secretAccessKey };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `${value.length} characters` : value === undefined ? 'none' : typeof value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
