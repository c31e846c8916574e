import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKey, listAuthNames, removeAuthKey } from '../../../backend/auth/admin.js';
import { createAuthLookup } from '../../../backend/auth/lookup.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

describe('auth keys in the local DynamoDB', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => aws.close());
  const deps = () => ({ ddb: aws.clients.ddb, table: aws.table });

  it('creates a key that the lookup finds by its hash, and stores no key', async () => {
    const { name, key } = await createAuthKey(deps(), 'alice');
    expect(name).toBe('alice');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const lookup = createAuthLookup({ ...deps(), cacheMs: 0 });
    expect(await lookup.findName(key)).toBe('alice');
    expect(await lookup.findName(`${key}x`)).toBeUndefined();
    const { Items } = await aws.clients.ddb.send(new ScanCommand({ TableName: aws.table }));
    expect(JSON.stringify(Items)).not.toContain(key);
  });

  it('refuses a second key for a name that has one', async () => {
    await createAuthKey(deps(), 'bob');
    await expect(createAuthKey(deps(), 'bob')).rejects.toThrow('Expected a new auth name, but `bob` already has a key (remove it first)');
  });

  it('refuses a name that is not one, saying what came', async () => {
    await expect(createAuthKey(deps(), '../x')).rejects.toThrow(/^Expected an auth name of 1-64 letters.*, got `..\/x`$/);
  });

  it('lists names sorted with their creation time', async () => {
    await createAuthKey(deps(), 'carol');
    const names = await listAuthNames(deps());
    expect(names.map((entry) => entry.name)).toEqual(['alice', 'bob', 'carol']);
    expect(names[0]?.createdAt).toBeGreaterThan(1_700_000_000_000);
  });

  it('removes a key so that it no longer authenticates and the name can be reused', async () => {
    const { key } = await createAuthKey(deps(), 'dave');
    expect(await removeAuthKey(deps(), 'dave')).toBe(true);
    expect(await removeAuthKey(deps(), 'dave')).toBe(false);
    expect(await createAuthLookup({ ...deps(), cacheMs: 0 }).findName(key)).toBeUndefined();
    expect((await createAuthKey(deps(), 'dave')).name).toBe('dave');
  });

  it('keeps trusting a found key for the cache time only', async () => {
    const { key } = await createAuthKey(deps(), 'erin');
    let now = 1_000;
    const lookup = createAuthLookup({ ...deps(), cacheMs: 30_000, now: () => now });
    expect(await lookup.findName(key)).toBe('erin');
    await removeAuthKey(deps(), 'erin');
    expect(await lookup.findName(key)).toBe('erin');
    now += 30_001;
    expect(await lookup.findName(key)).toBeUndefined();
  });
});
