import { describe, expect, it } from 'vitest';
import { InvalidFunctionConfigError, resolveFunctionConfig } from '../../../local/aws/lambda/config.js';
import { describeError } from '../../../local/aws/lambda/error-shape.js';
import { formatFunctionArn, parseFunctionReference } from '../../../local/aws/lambda/names.js';
import { createLinePrefixer, InvocationLog } from '../../../local/aws/lambda/output.js';
import { Semaphore } from '../../../local/aws/lambda/semaphore.js';
import { AwsError } from '../../../local/aws/service.js';
import { fixture } from './lambda/harness.js';

describe('Lambda function registration', () => {
  it('fills in the defaults AWS uses', () => {
    expect(resolveFunctionConfig({ name: 'fn', module: fixture('echo.mjs') })).toEqual({
      name: 'fn',
      module: fixture('echo.mjs'),
      handlerExport: 'handler',
      env: {},
      timeoutSeconds: 3,
      memoryMb: 128,
      reservedConcurrency: 0,
      environmentConcurrency: 1,
      maxRetryAttempts: 2,
    });
  });

  it('names what was expected and what came for each invalid field', () => {
    const attempt = (input: Record<string, unknown>) => {
      try {
        resolveFunctionConfig({ name: 'fn', module: fixture('echo.mjs'), ...input });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidFunctionConfigError);
        expect((error as Error).cause).toBeDefined();
        return (error as Error).message;
      }
      throw new Error('Expected the registration to be refused');
    };
    expect(attempt({ name: 'has space' })).toContain('Expected 1 to 64 letters, digits, hyphens or underscores, got "has space"');
    expect(attempt({ module: fixture('missing.mjs') })).toContain('Expected an existing JavaScript module file');
    expect(attempt({ handlerExport: 'not-an-identifier' })).toContain('Expected the name of an exported function');
    expect(attempt({ maxRetryAttempts: 3 })).toMatch(/maxRetryAttempts/);
    expect(attempt({ memoryMb: 64 })).toMatch(/memoryMb/);
    expect(attempt({ reservedConcurrency: -1 })).toMatch(/reservedConcurrency/);
    expect(attempt({ timeout: 3 })).toContain('Unrecognized key: "timeout"');
  });
});

describe('Lambda function names', () => {
  it('reads a name, a qualified name, a partial ARN and a full ARN', () => {
    expect(parseFunctionReference('fn')).toEqual({ name: 'fn' });
    expect(parseFunctionReference('fn:$LATEST')).toEqual({ name: 'fn', qualifier: '$LATEST' });
    expect(parseFunctionReference('123456789012:function:fn')).toEqual({ name: 'fn' });
    expect(parseFunctionReference('arn:aws:lambda:eu-west-1:123456789012:function:fn:prod')).toEqual({
      name: 'fn',
      qualifier: 'prod',
      region: 'eu-west-1',
    });
  });

  it('refuses a malformed name with ValidationException', () => {
    for (const text of ['', 'has space', 'arn:aws:s3:::bucket', 'x'.repeat(65)]) {
      expect(() => parseFunctionReference(text)).toThrow(AwsError);
      try {
        parseFunctionReference(text);
      } catch (error) {
        expect(error).toMatchObject({ status: 400, code: 'ValidationException' });
      }
    }
  });

  it('formats local ARNs with the 000000000000 account', () => {
    expect(formatFunctionArn('us-east-1', 'fn')).toBe('arn:aws:lambda:us-east-1:000000000000:function:fn');
    expect(formatFunctionArn('us-east-1', 'fn', '$LATEST')).toBe('arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST');
  });
});

describe('Lambda error shapes', () => {
  it('describes an Error subclass by its class and a thrown string by its type', () => {
    class QuotaExceeded extends Error {}
    expect(describeError(new QuotaExceeded('over'))).toMatchObject({ errorType: 'QuotaExceeded', errorMessage: 'over' });
    expect(describeError('plain')).toEqual({ errorType: 'string', errorMessage: 'plain', trace: [] });
    expect(describeError({ errorType: 'Custom', errorMessage: 'shaped' })).toMatchObject({ errorType: 'Custom', errorMessage: 'shaped' });
  });
});

describe('Lambda output handling', () => {
  it('prefixes every complete line and holds an unfinished one until flushed', () => {
    const written: string[] = [];
    const prefixer = createLinePrefixer('[fn] ', (text) => written.push(text));
    prefixer.write(Buffer.from('one\ntw'));
    prefixer.write(Buffer.from('o\nthree'));
    expect(written.join('')).toBe('[fn] one\n[fn] two\n');
    prefixer.flush();
    expect(written.join('')).toBe('[fn] one\n[fn] two\n[fn] three\n');
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const written: string[] = [];
    const prefixer = createLinePrefixer('> ', (text) => written.push(text));
    const bytes = Buffer.from('é\n');
    prefixer.write(bytes.subarray(0, 1));
    prefixer.write(bytes.subarray(1));
    expect(written).toEqual(['> é\n']);
  });

  it('keeps only the last bytes of an invocation log', () => {
    const log = new InvocationLog(10);
    for (let index = 0; index < 100; index += 1) log.append(String(index % 10));
    expect(log.tail().toString()).toBe('0123456789');
    log.append('abc');
    log.endLine();
    expect(log.tail().toString()).toBe('456789abc\n');
  });
});

describe('Semaphore', () => {
  it('grants slots first come, first served, and follows a raised limit', async () => {
    const semaphore = new Semaphore(1);
    const order: number[] = [];
    const first = await semaphore.acquire();
    const waiting = [1, 2, 3].map((index) => semaphore.acquire().then((release) => (order.push(index), release)));
    expect(semaphore.waiting).toBe(3);
    first();
    const second = await waiting[0]!;
    expect(order).toEqual([1]);
    semaphore.setLimit(3);
    await Promise.all(waiting.slice(1));
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.active).toBe(3);
    second();
    second();
    expect(semaphore.active).toBe(2);
  });

  it('refuses waiters and later callers once closed', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const waiter = semaphore.acquire();
    semaphore.close(new Error('closed'));
    await expect(waiter).rejects.toThrow('closed');
    await expect(semaphore.acquire()).rejects.toThrow('closed');
  });
});
