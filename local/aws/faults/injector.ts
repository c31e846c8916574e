import { randomInt } from 'node:crypto';
import type { ServiceName } from '../service.js';
import { NO_FAULTS, patternsOf, type FaultConfig, type FaultRule } from './config.js';
import { drawLatency } from './latency.js';
import { createRandom, deriveSeed, type Random } from './random.js';

/** What a fault does to a request besides delaying it. */
export type FaultKind = 'error' | 'throttle' | 'resetBefore' | 'resetAfter';

/** What happens to one request: added latency, at most one fault, and whether its writes find the disk full. */
export interface FaultDecision {
  latencyMs: number;
  kind: FaultKind | undefined;
  diskFull: boolean;
}

/** Counts of one operation (or of all): requests matched by a rule, and what was done to them. */
export interface FaultCounts {
  matched: number;
  errors: number;
  throttles: number;
  resetsBefore: number;
  resetsAfter: number;
  /** Writes failed as on a full disk. */
  diskFull: number;
  /** Requests delayed, and the latency added to them in all. */
  delayed: number;
  latencyMs: number;
}

/** Counts since the endpoint started, in all and per `service:Operation`. */
export interface FaultStats {
  total: FaultCounts;
  byOperation: Record<string, FaultCounts>;
}

interface CompiledRule {
  rule: FaultRule;
  matches(service: ServiceName, operation: string): boolean;
  /** Cumulative thresholds of the fault kinds, in the order of KINDS. */
  thresholds: readonly number[];
}

const KINDS: readonly FaultKind[] = ['resetBefore', 'throttle', 'error', 'resetAfter'];

/** A set of rules with its own seed and its own per-operation sequences. */
class RuleSet {
  readonly config: FaultConfig;
  readonly rules: readonly CompiledRule[];
  private readonly seed: number;
  private readonly streams = new Map<string, Random>();

  constructor(config: FaultConfig) {
    this.config = config;
    this.rules = config.rules.map(compileRule);
    this.seed = config.seed ?? randomInt(0, 0xffffffff);
  }

  /** Adds what the rules matching `service:operation` do to `decision` (created on the first match). */
  apply(service: ServiceName, operation: string, decision: FaultDecision | undefined): FaultDecision | undefined {
    for (const compiled of this.rules) {
      if (!compiled.matches(service, operation)) continue;
      decision ??= { latencyMs: 0, kind: undefined, diskFull: false };
      const random = this.streamOf(`${service}:${operation}`);
      const { rule, thresholds } = compiled;
      if (rule.latencyMs !== undefined) decision.latencyMs += drawLatency(rule.latencyMs, random);
      if (thresholds.length > 0) {
        const draw = random();
        const index = thresholds.findIndex((threshold) => draw < threshold);
        if (index !== -1 && decision.kind === undefined) decision.kind = KINDS[index];
      }
      if (rule.diskFull === true) decision.diskFull = true;
    }
    return decision;
  }

  private streamOf(name: string): Random {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = createRandom(deriveSeed(this.seed, name));
      this.streams.set(name, stream);
    }
    return stream;
  }
}

/**
 * Decides which requests of the local endpoint fail, and keeps count. Each `service:Operation`
 * draws from its own seeded sequence, so the same seed and the same order of requests of an
 * operation give the same faults however other operations interleave.
 *
 * Besides the configuration (`set`), a baseline (`setBaseline`: a latency profile such as
 * `../latency/`'s model of AWS) applies first, with its own seed and sequences: setting or
 * clearing faults leaves it in force, and faults never change what it draws.
 */
export class FaultInjector {
  private current = new RuleSet(NO_FAULTS);
  private baseline = new RuleSet(NO_FAULTS);
  private readonly counts = new Map<string, FaultCounts>();

  constructor(config: FaultConfig = NO_FAULTS) {
    this.set(config);
  }

  /** True when some rule is configured (otherwise requests skip the layer at no cost). */
  get active(): boolean {
    return this.current.rules.length > 0 || this.baseline.rules.length > 0;
  }

  /** Replaces the configuration; the sequences restart from the (new) seed. Counts are kept. */
  set(config: FaultConfig): void {
    this.current = new RuleSet(config);
  }

  /** The configuration in force (without the baseline). */
  get(): FaultConfig {
    return this.current.config;
  }

  /** Replaces the baseline (applied before the configuration, not changed by `set`); NO_FAULTS removes it. */
  setBaseline(config: FaultConfig): void {
    this.baseline = new RuleSet(config);
  }

  /** The baseline in force. */
  getBaseline(): FaultConfig {
    return this.baseline.config;
  }

  /** What to do to a request of `operation`, or undefined when no rule matches it. */
  decide(service: ServiceName, operation: string): FaultDecision | undefined {
    const decision = this.current.apply(service, operation, this.baseline.apply(service, operation, undefined));
    if (decision) this.count(`${service}:${operation}`, decision);
    return decision;
  }

  /** Counts a write that failed on the (injected) full disk. */
  countDiskFull(service: ServiceName, operation: string): void {
    this.countsOf(`${service}:${operation}`).diskFull += 1;
  }

  /** The counts since the endpoint started. */
  stats(): FaultStats {
    const total = emptyCounts();
    const byOperation: Record<string, FaultCounts> = {};
    for (const [name, counts] of [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
      byOperation[name] = { ...counts };
      for (const field of Object.keys(total) as (keyof FaultCounts)[]) total[field] += counts[field];
    }
    return { total, byOperation };
  }

  private count(name: string, decision: FaultDecision): void {
    const counts = this.countsOf(name);
    counts.matched += 1;
    if (decision.latencyMs > 0) {
      counts.delayed += 1;
      counts.latencyMs += decision.latencyMs;
    }
    if (decision.kind === 'error') counts.errors += 1;
    else if (decision.kind === 'throttle') counts.throttles += 1;
    else if (decision.kind === 'resetBefore') counts.resetsBefore += 1;
    else if (decision.kind === 'resetAfter') counts.resetsAfter += 1;
  }

  private countsOf(name: string): FaultCounts {
    let counts = this.counts.get(name);
    if (!counts) {
      counts = emptyCounts();
      this.counts.set(name, counts);
    }
    return counts;
  }
}

function emptyCounts(): FaultCounts {
  return { matched: 0, errors: 0, throttles: 0, resetsBefore: 0, resetsAfter: 0, diskFull: 0, delayed: 0, latencyMs: 0 };
}

function compileRule(rule: FaultRule): CompiledRule {
  const patterns = patternsOf(rule);
  const rates = [rule.resetBeforeRate ?? 0, rule.throttleRate ?? 0, rule.errorRate ?? 0, rule.resetAfterRate ?? 0];
  let sum = 0;
  const cumulative = rates.map((rate) => (sum += rate));
  return {
    rule,
    thresholds: sum > 0 ? cumulative.map((threshold, i) => (rates[i] === 0 ? -1 : threshold)) : [],
    matches: (service, operation) =>
      patterns.some((pattern) => pattern === '*' || pattern === `${service}:*` || pattern === `${service}:${operation}`),
  };
}
