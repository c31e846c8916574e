import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKey, listAuthKeys, removeAuthKeys } from '../../../backend/auth/admin.js';
import { createAuthLookup } from '../../../backend/auth/lookup.js';
import { blake2b256Hex, putGoAuthKey, putLegacyAuthKey, randomGoKey } from '../../helpers/go-auth.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

describe('auth keys in the local DynamoDB', () => {
  let aws: TestAws;
  let raw: DynamoDBClient;
  beforeAll(async () => {
    aws = await startTestAws();
    raw = new DynamoDBClient({ endpoint: aws.aws.endpoint, region: aws.aws.region, credentials: aws.aws.credentials });
  });
  afterAll(async () => {
    raw?.destroy();
    await aws.close();
  });
  const deps = () => ({ ddb: aws.clients.ddb, table: aws.table });
  const lookup = () => createAuthLookup({ ...deps(), cacheMs: 0 });

  it("creates a key stored exactly as the original's auth-new stores it, plus created-at, and stores no key", async () => {
    const { name, key, authName } = await createAuthKey(deps(), 'alice');
    expect(name).toBe('alice');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const hash = blake2b256Hex(key);
    expect(authName).toBe(`alice:${hash.slice(0, 16)}`);
    const { Item } = await raw.send(new GetItemCommand({ TableName: aws.table, Key: { id: { S: `auth.${hash}` } } }));
    expect(Item).toEqual({
      id: { S: `auth.${hash}` },
      value: { S: 'alice' },
      'created-at': { N: expect.stringMatching(/^\d{13}$/) },
      'webhook-secret': { S: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) },
    });
    expect(await lookup().findName(key)).toBe(authName);
    expect(await lookup().findName(`${key}x`)).toBeUndefined();
    const { Items } = await aws.clients.ddb.send(new ScanCommand({ TableName: aws.table }));
    expect(JSON.stringify(Items)).not.toContain(key);
  });

  it("finds a key the original's auth-new wrote (id and value only) under `<name>:<16 hex>`, whatever the name holds", async () => {
    const plain = await putGoAuthKey(raw, aws.table, 'gopher');
    expect(await lookup().findName(plain.key)).toBe(plain.authName);
    const odd = await putGoAuthKey(raw, aws.table, "ops/team a+b (prod) é's");
    expect(await lookup().findName(odd.key)).toBe(`ops/team a+b (prod) é's:${odd.id.slice(5, 21)}`);
  });

  it('refuses a key whose item has an empty value, as checkAuth does, and one whose auth-name would not fit an S3 key', async () => {
    const empty = await putGoAuthKey(raw, aws.table, '');
    expect(await lookup().findName(empty.key)).toBeUndefined();
    const long = await putGoAuthKey(raw, aws.table, 'x'.repeat(1000));
    expect(await lookup().findName(long.key)).toBeUndefined();
  });

  it('gives several keys of one name each their own auth-name', async () => {
    const first = await putGoAuthKey(raw, aws.table, 'twin');
    const second = await putGoAuthKey(raw, aws.table, 'twin');
    const ours = await createAuthKey(deps(), 'twin');
    const found = await Promise.all([first.key, second.key, ours.key].map((key) => lookup().findName(key)));
    expect(found).toEqual([first.authName, second.authName, ours.authName]);
    expect(new Set(found).size).toBe(3);
  });

  it('finds a key of our earlier release by its SHA-256, under its bare name', async () => {
    const legacy = await putLegacyAuthKey(raw, aws.table, 'carol');
    expect(await lookup().findName(legacy.key)).toBe('carol');
  });

  it('does not take an item under a SHA-256 id that our earlier release did not write (no created-at)', async () => {
    const key = randomGoKey();
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(key).digest('hex');
    await raw.send(new PutItemCommand({ TableName: aws.table, Item: { id: { S: `auth.${sha}` }, value: { S: 'mallory' } } }));
    expect(await lookup().findName(key)).toBeUndefined();
  });

  it('lists every key with its form: ours, the Go-written, the legacy', async () => {
    const listed = await listAuthKeys(deps());
    const byName = (name: string) => listed.filter((entry) => entry.name === name);
    expect(byName('alice')).toEqual([{ name: 'alice', authName: expect.stringMatching(/^alice:[0-9a-f]{16}$/), id: expect.any(String), createdAt: expect.any(Number), legacy: false }]);
    expect(byName('gopher')).toEqual([{ name: 'gopher', authName: expect.stringMatching(/^gopher:[0-9a-f]{16}$/), id: expect.any(String), createdAt: undefined, legacy: false }]);
    expect(byName('carol')).toEqual([{ name: 'carol', authName: 'carol', id: expect.any(String), createdAt: expect.any(Number), legacy: true }]);
    expect(byName('twin')).toHaveLength(3);
    expect(byName('')).toEqual([expect.objectContaining({ authName: undefined })]);
    expect(listed.map((entry) => entry.name)).toEqual([...listed.map((entry) => entry.name)].sort());
  });

  it('refuses to remove a name with several keys unless told all, and removes one by auth-name or by id', async () => {
    const first = await putGoAuthKey(raw, aws.table, 'pair');
    const second = await putGoAuthKey(raw, aws.table, 'pair');
    await expect(removeAuthKeys(deps(), 'pair')).rejects.toThrow(
      /^Expected one key named `pair`, found 2 \(pair:[0-9a-f]{16}, pair:[0-9a-f]{16}\): remove one by its auth-name, or all of them with --all$/,
    );
    expect((await removeAuthKeys(deps(), first.authName)).map((key) => key.authName)).toEqual([first.authName]);
    expect(await lookup().findName(first.key)).toBeUndefined();
    expect(await lookup().findName(second.key)).toBe(second.authName);
    // As the original's auth-rm takes it: the id, with or without `auth.`.
    expect((await removeAuthKeys(deps(), second.id.slice(5))).map((key) => key.id)).toEqual([second.id]);
    expect(await lookup().findName(second.key)).toBeUndefined();
    expect(await removeAuthKeys(deps(), 'pair')).toEqual([]);
  });

  it('removes all keys of a name when told all, and a legacy key with its name item', async () => {
    const keys = [await putGoAuthKey(raw, aws.table, 'many'), await createAuthKey(deps(), 'many')];
    expect(await removeAuthKeys(deps(), 'many', { all: true })).toHaveLength(2);
    for (const { key } of keys) expect(await lookup().findName(key)).toBeUndefined();
    const legacy = await putLegacyAuthKey(raw, aws.table, 'dave');
    expect((await removeAuthKeys(deps(), 'dave')).map((key) => key.legacy)).toEqual([true]);
    expect(await lookup().findName(legacy.key)).toBeUndefined();
    const { Item } = await raw.send(new GetItemCommand({ TableName: aws.table, Key: { id: { S: 'auth-name.dave' } } }));
    expect(Item).toBeUndefined();
  });

  it('refuses a new name that is not one, saying what came', async () => {
    await expect(createAuthKey(deps(), '../x')).rejects.toThrow(/^Expected an auth name of 1-64 letters.*, got `..\/x`$/);
  });

  it('keeps trusting a found key for the cache time only, and never caches an unknown key', async () => {
    const { key } = await createAuthKey(deps(), 'erin');
    let now = 1_000;
    const cached = createAuthLookup({ ...deps(), cacheMs: 30_000, now: () => now });
    expect(await cached.findName(key)).toMatch(/^erin:/);
    await removeAuthKeys(deps(), 'erin');
    expect(await cached.findName(key)).toMatch(/^erin:/);
    now += 30_001;
    expect(await cached.findName(key)).toBeUndefined();
    const later = randomGoKey();
    expect(await cached.findName(later)).toBeUndefined();
    const written = await putGoAuthKey(raw, aws.table, 'frank', later);
    expect(await cached.findName(later)).toBe(written.authName);
  });
});
