import { describe, expect, it } from 'vitest';
import { ExecRequest, ExecStatusQuery, JobAuthName, JobEvent, MAX_JOB_AUTH_NAME_BYTES, jobKeys, truncationMarker } from '../../protocol/index.js';

describe('ExecRequest', () => {
  it('accepts the body the original Go client sends, with unset fields as null and ""', () => {
    const parsed = ExecRequest.parse({ 'push-urls': null, argv: ['bash', '-c', 'echo hi'], 'rpc-name': '', 'rpc-args': '' });
    expect(parsed).toEqual({ argv: ['bash', '-c', 'echo hi'] });
  });

  it('accepts rpc-args as a JSON string or as an object', () => {
    expect(ExecRequest.parse({ 'rpc-name': 'listdir', 'rpc-args': '{"path":"."}' })['rpc-args']).toBe('{"path":"."}');
    expect(ExecRequest.parse({ 'rpc-name': 'listdir', 'rpc-args': { path: '.' } })['rpc-args']).toEqual({ path: '.' });
  });

  it('refuses a body with neither argv nor rpc-name, and one with both', () => {
    expect(ExecRequest.safeParse({}).error?.issues[0]?.message).toMatch(/either argv .* or rpc-name .*got neither/);
    expect(ExecRequest.safeParse({ argv: ['ls'], 'rpc-name': 'listdir' }).error?.issues[0]?.message).toMatch(/got both/);
  });

  it('refuses wrong types with a message naming the field', () => {
    const result = ExecRequest.safeParse({ argv: 'ls -la' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['argv']);
  });
});

describe('ExecStatusQuery', () => {
  it('reads range-start as a number and defaults it to 0', () => {
    const uid = '1700000000.123e4567-e89b-12d3-a456-426614174000';
    expect(ExecStatusQuery.parse({ uid, 'range-start': '42' })).toEqual({ uid, 'range-start': 42 });
    expect(ExecStatusQuery.parse({ uid })['range-start']).toBe(0);
    expect(ExecStatusQuery.safeParse({ uid, 'range-start': '-1' }).success).toBe(false);
  });
});

describe('jobKeys', () => {
  const uid = '1700000000.123e4567-e89b-12d3-a456-426614174000';

  it('spells the three object keys under jobs/<auth-name>/<uid>/', () => {
    expect(jobKeys('alice', uid)).toEqual({
      prefix: `jobs/alice/${uid}/`,
      log: `jobs/alice/${uid}/log.txt`,
      exit: `jobs/alice/${uid}/exit`,
      size: `jobs/alice/${uid}/size`,
    });
  });

  it("spells a Go deployment's keys byte for byte as the original: jobs/<name>:<16 hex>/<uid>/, whatever the name holds", () => {
    expect(jobKeys('alice:0123456789abcdef', uid).log).toBe(`jobs/alice:0123456789abcdef/${uid}/log.txt`);
    const odd = "ops/team a+b (prod) é's:0123456789abcdef";
    expect(jobKeys(odd, uid).size).toBe(`jobs/${odd}/${uid}/size`);
  });

  it('refuses a uid that is not one, and an auth-name of neither form', () => {
    expect(() => jobKeys('alice:0123456789abcdef', '../../etc')).toThrow(/Expected a job uid/);
    for (const bad of ['..', 'a/b', '', ':0123456789abcdef', 'alice:0123456789ABCDEF', 'alice:0123']) {
      expect(() => jobKeys(bad, uid)).toThrow(/^Expected a job auth-name `<name>:<16 hex>` \(or the bare name of an earlier SHA-256 key\), got `/);
    }
  });

  it('refuses an auth-name too long for an S3 key, counted in UTF-8 bytes', () => {
    const fits = `${'é'.repeat((MAX_JOB_AUTH_NAME_BYTES - 17) / 2)}:0123456789abcdef`;
    expect(new TextEncoder().encode(jobKeys(fits, uid).log).length).toBe(1024);
    expect(() => jobKeys(`x${fits}`, uid)).toThrow(/at most 963 UTF-8 bytes/);
  });
});

describe('JobAuthName', () => {
  it('accepts the Go form with any non-empty name and the bare names of earlier keys', () => {
    for (const good of ['alice:0123456789abcdef', 'a b\nc:0123456789abcdef', '::0123456789abcdef', 'alice', 'a.b_c-d']) {
      expect(JobAuthName.safeParse(good).success).toBe(true);
    }
  });
});

describe('JobEvent', () => {
  it('accepts the async event shape of the original', () => {
    const event = { 'event-type': 'exec', 'auth-name': 'alice:0123456789abcdef', uid: '1700000000.123e4567-e89b-12d3-a456-426614174000', 'push-urls': null, argv: ['ls'], 'rpc-name': '', 'rpc-args': '' };
    expect(JobEvent.parse(event)).toMatchObject({ 'auth-name': 'alice:0123456789abcdef', argv: ['ls'] });
  });
});

describe('truncationMarker', () => {
  it('names the number of dropped bytes on a line of its own', () => {
    expect(truncationMarker(1234)).toBe('\n[... 1234 bytes truncated ...]\n');
  });
});

describe('ExecStatusQuery without a uid', () => {
  it('says that a uid was expected and none came', () => {
    expect(ExecStatusQuery.safeParse({}).error?.issues[0]?.message).toBe('Expected a job uid, got none');
  });
});
