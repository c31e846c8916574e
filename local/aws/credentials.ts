import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Credentials } from './sigv4.js';

const StoredCredentials = z.object({
  accessKeyId: z.string().min(16),
  secretAccessKey: z.string().min(30),
});

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
    const parsed = StoredCredentials.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new Error(`Expected ${file} to hold {"accessKeyId","secretAccessKey"}: ${parsed.error.message}`);
    }
    return parsed.data;
  }
  const credentials = generateCredentials();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return credentials;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
