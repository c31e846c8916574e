import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, 'fixtures/sdk-messages.ts');

describe('the SDK without classic zod', () => {
  it('gives the English default messages, as when classic zod is loaded too', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--no-warnings', SCRIPT]);
    expect(stdout).toBe(
      'Invalid poll options: maxDelayMs: Too small: expected number to be >=0\n' + 'Invalid input: expected string, received number\n',
    );
  });
});
