import type { PolicyDocument, PolicyStatement } from './policy.js';

/**
 * What the policies of an identity say about one request:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html —
 * denied by default, an explicit Deny in any statement wins, else any Allow allows.
 */
export type Decision = 'allow' | 'implicit-deny' | 'explicit-deny';

/** Tells whether a value matches one of a statement's patterns. */
type Matcher = (value: string) => boolean;

interface CompiledStatement {
  allow: boolean;
  /** True for Action, false for NotAction. */
  actionListed: boolean;
  action: Matcher;
  resourceListed: boolean;
  resource: Matcher;
}

const matchAll: Matcher = () => true;

/**
 * Compiles patterns into one matcher: exact patterns go into a Set, wildcard ones into one
 * regular expression. Actions compare case-insensitively, resources case-sensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 * .../reference_policies_elements_resource.html).
 */
function compilePatterns(patterns: string | string[], kind: 'action' | 'resource'): Matcher {
  const list = (typeof patterns === 'string' ? [patterns] : patterns).map((p) => (kind === 'action' ? p.toLowerCase() : p));
  if (list.includes('*')) return matchAll;
  const exact = new Set(list.filter((p) => !/[*?]/.test(p)));
  const wild = list.filter((p) => /[*?]/.test(p)).map((p) => (kind === 'action' ? actionRegexSource(p) : resourceRegexSource(p)));
  const regex = wild.length === 0 ? undefined : new RegExp(`^(?:${wild.join('|')})$`, 's');
  if (kind === 'action') return (value) => exact.has(value.toLowerCase()) || (regex?.test(value.toLowerCase()) ?? false);
  return (value) => exact.has(value) || (regex?.test(value) ?? false);
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Action wildcards: `*` any run of characters, `?` any one character. */
function actionRegexSource(pattern: string): string {
  return [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRegex(c))).join('');
}

/**
 * Resource wildcards work within the colon-separated segments of an ARN; a `*` that ends a
 * segment may also match across colons (IAM User Guide, "Using wildcards in resource ARNs").
 */
function resourceRegexSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += i === pattern.length - 1 || pattern[i + 1] === ':' ? '.*' : '[^:]*';
    else if (c === '?') source += '[^:]';
    else source += escapeRegex(c);
  }
  return source;
}

function compileStatement(statement: PolicyStatement): CompiledStatement {
  const actions = statement.Action ?? statement.NotAction ?? [];
  const resources = statement.Resource ?? statement.NotResource ?? [];
  return {
    allow: statement.Effect === 'Allow',
    actionListed: statement.Action !== undefined,
    action: compilePatterns(actions, 'action'),
    resourceListed: statement.Resource !== undefined,
    resource: compilePatterns(resources, 'resource'),
  };
}

const MAX_CACHED_DECISIONS = 4096;

/** The policies of one identity, compiled once, deciding requests (action, resource ARN) with a cache. */
export class CompiledPolicies {
  private readonly statements: CompiledStatement[];
  private readonly decisions = new Map<string, Decision>();

  constructor(documents: readonly PolicyDocument[]) {
    this.statements = documents.flatMap((document) => document.Statement.map(compileStatement));
  }

  /** Decides one request: the action (`service:Operation`) on the resource ARN. */
  decide(action: string, resource: string): Decision {
    const key = `${action} ${resource}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const decision = this.evaluate(action, resource);
    if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    this.decisions.set(key, decision);
    return decision;
  }

  private evaluate(action: string, resource: string): Decision {
    let allowed = false;
    for (const statement of this.statements) {
      // A statement applies when the action is listed in Action (or not listed in NotAction), and likewise the resource.
      if (statement.action(action) !== statement.actionListed) continue;
      if (statement.resource(resource) !== statement.resourceListed) continue;
      if (!statement.allow) return 'explicit-deny';
      allowed = true;
    }
    return allowed ? 'allow' : 'implicit-deny';
  }
}
