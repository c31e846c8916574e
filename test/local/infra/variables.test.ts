import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError, resolveInfraVariables } from '../../../local/infra/index.js';

describe('resolveInfraVariables', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'infra-vars-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function template(lines: string[]): string {
    const file = join(dir, 'env.sh.template');
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }
  const basicEnv = { PATH: process.env.PATH };

  it('lets the environment win over the template, and local facts win over both', () => {
    // Prepare
    const templateFile = template(['export ONLY_TEMPLATE=template', 'export IN_ENV=template', 'export IN_LOCAL=template', 'export DERIVED=$ONLY_TEMPLATE-derived']);

    // Act
    const variables = resolveInfraVariables({ templateFile, env: { ...basicEnv, IN_ENV: 'env', IN_LOCAL: 'env' }, local: { IN_LOCAL: 'local' } });

    // Assess
    expect(variables).toMatchObject({ ONLY_TEMPLATE: 'template', IN_ENV: 'env', IN_LOCAL: 'local', DERIVED: 'template-derived' });
  });

  it('sees env and local values inside the template, for its ${X:-default} lines', () => {
    const templateFile = template(['export REGION=${REGION:-us-west-2}', 'export URL=https://$HOST/', 'export UNSET_DEFAULT=${NOT_GIVEN:-fallback}']);
    const variables = resolveInfraVariables({ templateFile, env: { ...basicEnv, HOST: 'example.com' }, local: { REGION: 'eu-central-1' } });
    expect(variables).toMatchObject({ REGION: 'eu-central-1', URL: 'https://example.com/', UNSET_DEFAULT: 'fallback' });
  });

  it('never runs a default\'s $(command) when local supplies the variable, and does when nothing does', () => {
    // Prepare: the command would leave a file behind.
    const marker = join(dir, 'command-ran');
    const templateFile = template(['export ACCOUNT=${ACCOUNT:-$(touch "$MARKER"; echo from-command)}']);
    const env = { ...basicEnv, MARKER: marker };

    // Act
    const supplied = resolveInfraVariables({ templateFile, env, local: { ACCOUNT: '000000000000' } });

    // Assess
    expect(supplied.ACCOUNT).toBe('000000000000');
    expect(existsSync(marker)).toBe(false);
    const unsupplied = resolveInfraVariables({ templateFile, env });
    expect(unsupplied.ACCOUNT).toBe('from-command');
    expect(existsSync(marker)).toBe(true);
  });

  it('sources the template in a clean bash: BASH_ENV from the environment does not run', () => {
    const marker = join(dir, 'bash-env-ran');
    const startup = join(dir, 'startup.sh');
    writeFileSync(startup, `touch "${marker}"\n`);
    const variables = resolveInfraVariables({ templateFile: template(['export A=1']), env: { ...basicEnv, BASH_ENV: startup } });
    expect(variables.A).toBe('1');
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps only exported variables, as libaws reads its process environment', () => {
    const templateFile = template(['PLAIN=not-exported', 'export EXPORTED=yes', 'echo "a template may print" ']);
    const variables = resolveInfraVariables({ templateFile, env: basicEnv });
    expect(variables.EXPORTED).toBe('yes');
    expect(variables.PLAIN).toBeUndefined();
  });

  it('keeps values with newlines and = intact', () => {
    const templateFile = template(["export MULTI=$'line one\\nline=two'"]);
    expect(resolveInfraVariables({ templateFile, env: basicEnv }).MULTI).toBe('line one\nline=two');
  });

  it('refuses a template bash cannot source, naming it and quoting bash', () => {
    const templateFile = template(['export A=1', 'echo "bad thing happened" >&2', 'false']);
    let error: unknown;
    try {
      resolveInfraVariables({ templateFile, env: basicEnv });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).message).toBe(
      `${templateFile}: bash could not source it (exit status 1): bad thing happened\nsourcing it exited with status 1`,
    );
  });

  it('refuses a template that does not exist', () => {
    expect(() => resolveInfraVariables({ templateFile: join(dir, 'missing.sh'), env: basicEnv })).toThrow(/missing\.sh: the env template does not exist/);
  });
});
