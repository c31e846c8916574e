import type { Queue, UnmodeledResource } from './model.js';
import { parseGoInt, readEntries, readString, readStringList, splitOnce, type Walk } from './nodes.js';

// Sections the local runtime does not provision, read and checked as libaws checks them so
// that a file libaws would refuse is refused here too.

// lib/sqs.go: SQSEnsureInput (lines lower-cased, each NAME=INTEGER).
const SQS_ATTRS = ['delayseconds', 'delay', 'maximummessagesize', 'size', 'messageretentionperiod', 'retention', 'receivemessagewaittimeseconds', 'wait', 'visibilitytimeout', 'timeout', 'kmsdatakeyreuseperiodseconds'];

/** Reads one queue of the `sqs` section (lib/infra.go: infraParseValidateSQS), attrs kept as written. */
export function readQueue(walk: Walk, name: string, line: number, node: unknown): Queue | undefined {
  const before = walk.problems.list.length;
  const attrs: string[] = [];
  for (const entry of readEntries(walk, node, line, `sqs queue ${name}`, 'a mapping (attr)') ?? []) {
    if (entry.key !== 'attr') {
      walk.problems.add(entry.line, `unknown sqs queue key "${entry.key}" (libaws accepts attr)`);
      continue;
    }
    for (const attr of readStringList(walk, entry.value, entry.line, `sqs queue ${name}: attr`) ?? []) {
      const [key = '', value = ''] = splitOnce(attr.value.toLowerCase(), '=') ?? [];
      if (!SQS_ATTRS.includes(key)) walk.problems.add(attr.line, `unknown sqs attr "${attr.value}" (libaws accepts delay, size, retention, wait, timeout, kmsdatakeyreuseperiodseconds and their long names, =N)`);
      else if (parseGoInt(value) === undefined) walk.problems.add(attr.line, `sqs queue ${name}: attr ${key} must be a whole number, got "${value}"`);
      attrs.push(attr.value);
    }
  }
  return walk.problems.list.length > before ? undefined : { name, line, attrs };
}

/** Checks a keypair, vpc or instance-profile entry's shape as libaws does, and notes it as unmodeled. */
export function readUnmodeled(walk: Walk, section: UnmodeledResource['section'], name: string, line: number, node: unknown): UnmodeledResource {
  const what = `${section} ${name}`;
  const entries = readEntries(walk, node, line, what, 'a mapping') ?? [];
  for (const entry of entries) {
    if (section === 'keypair' && entry.key === 'pubkey-content') readString(walk, entry.value, entry.line, `${what}: pubkey-content`);
    else if (section === 'instance-profile' && (entry.key === 'allow' || entry.key === 'policy')) readStringList(walk, entry.value, entry.line, `${what}: ${entry.key}`);
    else if (section === 'vpc' && entry.key === 'security-group') readSecurityGroups(walk, what, entry.value, entry.line);
    else if (section === 'vpc' && entry.key === 'ec2') walk.problems.add(entry.line, `${what}: libaws lists but cannot declare ec2 instances (lib/infra.go: infraParseValidateVpc)`);
    else walk.problems.add(entry.line, `unknown ${section} key "${entry.key}" (libaws accepts ${ACCEPTED[section]})`);
  }
  return { section, name, line };
}

const ACCEPTED: Record<UnmodeledResource['section'], string> = {
  keypair: 'pubkey-content',
  vpc: 'security-group',
  'instance-profile': 'allow, policy',
};

function readSecurityGroups(walk: Walk, what: string, node: unknown, line: number): void {
  for (const group of readEntries(walk, node, line, `${what}: security-group`, 'a mapping of group names to groups') ?? []) {
    for (const entry of readEntries(walk, group.value, group.line, `${what}: security-group ${group.key}`, 'a mapping (rule)') ?? []) {
      if (entry.key === 'rule') readStringList(walk, entry.value, entry.line, `${what}: security-group ${group.key}: rule`);
      else walk.problems.add(entry.line, `unknown security-group key "${entry.key}" (libaws accepts rule)`);
    }
  }
}
