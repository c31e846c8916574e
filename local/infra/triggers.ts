import { isSeq } from 'yaml';
import type { OtherTrigger, Trigger } from './model.js';
import { checkOnce, describeNode, readEntries, readString, readStringList, resolveNode, splitOnce, type Located, type Walk } from './nodes.js';
import { parseSchedule } from './schedule.js';

// A lambda's `trigger` list (lib/infra.go: infraParseValidateTrigger, InfraParse's trigger
// check; lib/lambda.go: LambdaEnsureTriggerApi, LambdaEnsureTriggerSchedule).

/** The trigger types libaws accepts (lib/infra.go: InfraParse's validTriggers, in its order). */
export const TRIGGER_TYPES = ['sqs', 's3', 'dynamodb', 'api', 'ecr', 'schedule', 'websocket', 'ses', 'url'] as const;

// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name)
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Reads a lambda's `trigger` list; problems are recorded, bad triggers left out. */
export function readTriggers(walk: Walk, lambdaName: string, node: unknown, line: number): Trigger[] {
  const what = `lambda ${lambdaName}: trigger`;
  const list = resolveNode(walk, node);
  if (!isSeq(list)) {
    walk.problems.add(walk.lineOf(list, line), `${what} should be a list of {type, attr}, got ${describeNode(list)}`);
    return [];
  }
  const triggers: Trigger[] = [];
  for (const item of list.items) {
    const resolved = resolveNode(walk, item);
    const trigger = readTrigger(walk, lambdaName, resolved, walk.lineOf(resolved, line));
    if (trigger) triggers.push(trigger);
  }
  checkUnique(walk, lambdaName, triggers);
  return triggers;
}

function readTrigger(walk: Walk, lambdaName: string, node: unknown, line: number): Trigger | undefined {
  const what = `lambda ${lambdaName}: trigger`;
  const entries = readEntries(walk, node, line, what, 'a mapping {type, attr}');
  if (!entries) return undefined;
  let type: string | undefined;
  let typeLine = line;
  let attrs: Located[] = [];
  let ok = true;
  for (const entry of entries) {
    if (entry.key === 'type') {
      type = readString(walk, entry.value, entry.line, `${what} type`);
      typeLine = entry.line;
      ok &&= type !== undefined;
    } else if (entry.key === 'attr') {
      const list = readStringList(walk, entry.value, entry.line, `${what} attr`);
      attrs = list ?? [];
      ok &&= list !== undefined;
    } else {
      walk.problems.add(entry.line, `unknown trigger key "${entry.key}" (libaws accepts type, attr)`);
      ok = false;
    }
  }
  if (!entries.some((entry) => entry.key === 'type')) {
    walk.problems.add(line, `a trigger needs a type (libaws accepts ${TRIGGER_TYPES.join(', ')})`);
    return undefined;
  }
  if (type !== undefined && !(TRIGGER_TYPES as readonly string[]).includes(type)) {
    walk.problems.add(typeLine, `unknown trigger type "${type}" (libaws accepts ${TRIGGER_TYPES.join(', ')})`);
    return undefined;
  }
  if (!ok || type === undefined) return undefined;
  if (type === 'api') return readApiTrigger(walk, lambdaName, 'api', line, attrs);
  if (type === 'schedule') return readScheduleTrigger(walk, lambdaName, line, attrs);
  if (type === 'websocket' && !readApiTrigger(walk, lambdaName, 'websocket', line, attrs)) return undefined;
  return { type: type as OtherTrigger['type'], line, attrs: attrs.map((attr) => attr.value) };
}

// lib/lambda.go: LambdaEnsureTriggerApi reads api and websocket attrs dns= and domain=, and refuses any other.
function readApiTrigger(walk: Walk, lambdaName: string, kind: 'api' | 'websocket', line: number, attrs: readonly Located[]): Trigger | undefined {
  const before = walk.problems.list.length;
  const trigger: { type: 'api'; line: number; dns?: string; domain?: string } = { type: 'api', line };
  const seen = new Map<string, number>();
  for (const attr of attrs) {
    const split = splitOnce(attr.value, '=');
    const [name, value] = split ?? ['', ''];
    if (name !== 'dns' && name !== 'domain') {
      walk.problems.add(attr.line, `lambda ${lambdaName}: unknown ${kind} trigger attr "${attr.value}" (libaws accepts dns=DOMAIN, domain=DOMAIN)`);
      continue;
    }
    checkOnce(walk, seen, name, attr.line, `lambda ${lambdaName}: ${kind} trigger attr`);
    if (value === '') walk.problems.add(attr.line, `lambda ${lambdaName}: ${kind} trigger attr ${name}= needs a domain name`);
    trigger[name] = value;
  }
  return walk.problems.list.length > before ? undefined : trigger;
}

// lib/lambda.go: LambdaEnsureTriggerSchedule passes trigger.Attr[0] to EventBridge's PutRule.
function readScheduleTrigger(walk: Walk, lambdaName: string, line: number, attrs: readonly Located[]): Trigger | undefined {
  const [first, ...rest] = attrs;
  if (!first) {
    walk.problems.add(line, `lambda ${lambdaName}: a schedule trigger needs one attr, its expression, e.g. rate(5 minutes) (libaws would crash reading Attr[0])`);
    return undefined;
  }
  if (rest.length > 0) {
    walk.problems.add(rest[0]?.line ?? line, `lambda ${lambdaName}: a schedule trigger takes one attr; libaws ignores the others (declare one schedule trigger per expression)`);
    return undefined;
  }
  const parsed = parseSchedule(first.value);
  if (!parsed.ok) {
    walk.problems.add(first.line, `lambda ${lambdaName}: schedule "${first.value}": ${parsed.reason}`);
    return undefined;
  }
  // lib/lambda.go: lambdaScheduleName
  const ruleName = `${lambdaName}___${Buffer.from(first.value).toString('base64').replaceAll('=', '')}`;
  if (!RULE_NAME.test(ruleName)) {
    walk.problems.add(
      first.line,
      `lambda ${lambdaName}: schedule "${first.value}": libaws names its EventBridge rule "${ruleName}", which EventBridge refuses (1 to 64 of A-Z a-z 0-9 . - _); shorten the expression or the lambda name`,
    );
    return undefined;
  }
  return { type: 'schedule', line, expression: first.value, schedule: parsed.schedule, ruleName };
}

// lib/lambda.go: LambdaEnsureTriggerApi refuses a second api or websocket trigger; two
// identical schedules are one EventBridge rule, so they would fire once, not twice.
function checkUnique(walk: Walk, lambdaName: string, triggers: readonly Trigger[]): void {
  const seen = new Map<string, number>();
  for (const trigger of triggers) {
    const id = trigger.type === 'schedule' ? `schedule ${trigger.expression}` : trigger.type === 'api' || trigger.type === 'websocket' ? trigger.type : undefined;
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, trigger.line);
    else walk.problems.add(trigger.line, `lambda ${lambdaName}: a second ${id} trigger (the first is on line ${first}); libaws ${trigger.type === 'schedule' ? 'makes one rule of both' : 'refuses more than one'}`);
  }
}
