// Auth items written the way others wrote them, with the raw DynamoDB client and hashes
// computed outside our code, so that a test of our reader cannot share a mistake with it:
// - the original Go aws-exec's `auth-new` (nathants/aws-exec cmd/auth/new.go): PutItem of
//   attributevalue.MarshalMap(exec.Record{ID: "auth.<Blake2b32(key)>", Value: name}), i.e.
//   `{id: {S}, value: {S}}` and nothing else; the key is exec.RandKey (32 random bytes, hex);
// - our releases before Go-form keys: `auth.<sha256 hex>` → {value, created-at} and
//   `auth-name.<name>` → {value: sha256 hex, created-at}.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A key as written into the table, and what its jobs are filed under. */
export interface WrittenKey {
  key: string;
  /** The table id of its item. */
  id: string;
  /** The auth-name its jobs get: `<name>:<16 hex>` (Go form) or the bare name (legacy). */
  authName: string;
}

/** BLAKE2b-256 hex of a string, by Python's hashlib (exec.Blake2b32 = blake2b.Sum256). */
export function blake2b256Hex(text: string): string {
  const script = 'import hashlib, sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest())';
  return execFileSync('python3', ['-c', script, text], { encoding: 'utf8' }).trim();
}

/** A new key as exec.RandKey makes it. */
export function randomGoKey(): string {
  return randomBytes(32).toString('hex');
}

/** Puts a key item exactly as the original's auth-new does (value may be any string, even empty). */
export async function putGoAuthKey(client: DynamoDBClient, table: string, name: string, key = randomGoKey()): Promise<WrittenKey> {
  const hash = blake2b256Hex(key);
  const id = `auth.${hash}`;
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, value: { S: name } } }));
  // backend.go checkAuth: val.Value + ":" + val.ID[5:21]
  return { key, id, authName: `${name}:${id.slice(5, 21)}` };
}

/** Puts the two items by which our releases before Go-form keys stored a key. */
export async function putLegacyAuthKey(client: DynamoDBClient, table: string, name: string, key = randomGoKey()): Promise<WrittenKey> {
  const hash = createHash('sha256').update(key).digest('hex');
  const createdAt = { N: String(Date.now()) };
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `auth-name.${name}` }, value: { S: hash }, 'created-at': createdAt } }));
  await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `auth.${hash}` }, value: { S: name }, 'created-at': createdAt } }));
  return { key, id: `auth.${hash}`, authName: name };
}

/** The auth-name of the local runtime's first key (name `local`), computed as checkAuth forms it. */
export function localAuthName(key: string): string {
  return `local:${blake2b256Hex(key).slice(0, 16)}`;
}
