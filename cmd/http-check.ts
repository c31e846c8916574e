import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineCommand } from './define.js';
import { getStatus } from './http-status.js';

/**
 * Probes a URL `count` times, printing each try's status and latency as it happens;
 * exit 0 when every try answered 2xx, 1 otherwise. Stops at once when the job is cancelled.
 */
export const httpCheck = defineCommand({
  name: 'http-check',
  describe: 'Probe a URL several times and print status and latency per try (exit 0 if all 2xx)',
  // Connections go through context.reach: a confined caller reaches public addresses only.
  confined: true,
  args: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' }).describe('The URL to GET'),
    count: z.number().int().min(1).max(1000).default(5).describe('How many tries'),
    intervalMs: z.number().int().min(0).max(60_000).default(1000).describe('Pause between tries, in ms'),
    timeoutMs: z.number().int().min(1).max(60_000).default(5000).describe('Per-try timeout, in ms'),
  }),
  async run(args, { log, signal, reach }) {
    let failures = 0;
    for (let attempt = 1; attempt <= args.count && !signal.aborted; attempt++) {
      const started = performance.now();
      const label = `try ${attempt}/${args.count}`;
      try {
        const response = await getStatus(args.url, { reach, signal: AbortSignal.any([signal, AbortSignal.timeout(args.timeoutMs)]) });
        const ms = Math.round(performance.now() - started);
        const ok = response.status >= 200 && response.status < 300;
        if (!ok) failures += 1;
        log(`${label}: ${response.status} ${response.statusText} in ${ms} ms\n`);
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        log(`${label}: failed after ${Math.round(performance.now() - started)} ms: ${reason}\n`);
      }
      if (attempt < args.count) await sleep(args.intervalMs, undefined, { signal }).catch(() => undefined);
    }
    if (signal.aborted) return 1;
    log(`${args.count - failures}/${args.count} tries answered 2xx\n`);
    return failures === 0 ? 0 : 1;
  },
});
