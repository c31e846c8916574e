import { describe, expect, it } from 'vitest';
import { runSubprocess, type SubprocessOptions } from '../../../backend/runner/subprocess.js';

async function run(argv: string[], options: Partial<SubprocessOptions> = {}) {
  const chunks: Buffer[] = [];
  const end = await runSubprocess({
    argv,
    onOutput: (chunk) => chunks.push(chunk),
    signal: new AbortController().signal,
    killGraceMs: 500,
    ...options,
  });
  return { end, output: Buffer.concat(chunks) };
}

const node = process.execPath;

describe('runSubprocess', () => {
  it('reports exit 0 and the output', async () => {
    const { end, output } = await run(['echo', 'hi']);
    expect(end).toEqual({ kind: 'exited', code: 0 });
    expect(output.toString()).toBe('hi\n');
  });

  it('reports the exact exit code', async () => {
    const { end } = await run(['sh', '-c', 'exit 3']);
    expect(end).toEqual({ kind: 'exited', code: 3 });
  });

  it('reports a signal by name and number', async () => {
    const { end } = await run(['sh', '-c', 'kill -KILL $$']);
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGKILL', number: 9 });
  });

  it('keeps stdout and stderr in the order they were written', async () => {
    const script = 'for i in $(seq 1 200); do echo "out $i"; echo "err $i" >&2; done';
    const { output } = await run(['bash', '-c', script]);
    const expected = Array.from({ length: 200 }, (_, i) => `out ${i + 1}\nerr ${i + 1}\n`).join('');
    expect(output.toString()).toBe(expected);
  });

  it('lets a script write to /dev/stdout and /dev/stderr, as through a pipe', async () => {
    const { end, output } = await run(['bash', '-c', 'echo a > /dev/stdout; echo b > /dev/stderr']);
    expect(end).toEqual({ kind: 'exited', code: 0 });
    expect(output.toString()).toBe('a\nb\n');
  });

  it('keeps multi-byte UTF-8 and invalid UTF-8 byte-exact', async () => {
    const expected = Buffer.concat([Buffer.from('héllo wörld ✓ 😀\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0x0a]), Buffer.from('€')]);
    const script = `process.stdout.write(Buffer.from('${expected.toString('hex')}', 'hex'))`;
    const { output } = await run([node, '-e', script]);
    expect(output.equals(expected)).toBe(true);
  });

  it('closes stdin', async () => {
    const { output } = await run(['sh', '-c', 'cat; echo "eof:$?"']);
    expect(output.toString()).toBe('eof:0\n');
  });

  it('runs argv without a shell', async () => {
    const { output } = await run(['echo', '$HOME', '`id`', ';', '*']);
    expect(output.toString()).toBe('$HOME `id` ; *\n');
  });

  it('reports a program that does not exist as not started with ENOENT', async () => {
    const { end } = await run(['no-such-program-aws-exec']);
    expect(end).toMatchObject({ kind: 'not-started', errno: 'ENOENT' });
  });

  it('ends the whole process group with SIGTERM when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = run(['bash', '-c', 'sleep 30 & sleep 30; echo never'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const { end, output } = await running;
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGTERM', number: 15 });
    expect(output.toString()).toBe('');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const controller = new AbortController();
    const script = "trap '' TERM; echo ready; while true; do sleep 0.05; done";
    const chunks: Buffer[] = [];
    const running = runSubprocess({
      argv: ['bash', '-c', script],
      onOutput: (chunk) => {
        chunks.push(chunk);
        controller.abort();
      },
      signal: controller.signal,
      killGraceMs: 300,
    });
    const end = await running;
    expect(end).toEqual({ kind: 'signalled', signal: 'SIGKILL', number: 9 });
  });

  it('does not wait for leftovers of the group that keep the output open', async () => {
    const started = Date.now();
    const { end, output } = await run(['bash', '-c', 'echo main; sleep 30 &'], { drainMs: 100 });
    expect(end).toEqual({ kind: 'exited', code: 0 });
    expect(output.toString()).toBe('main\n');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
