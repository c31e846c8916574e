import { z } from 'zod';

export { LOCAL_ACCOUNT_ID } from '../account.js';

/** One statement of an identity-based policy: the elements the local endpoint evaluates. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

/** An identity-based policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A policy document that IAM would refuse, or one using elements the local endpoint does not model. */
export class InvalidPolicyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidPolicyError';
  }
}

// IAM: "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."; `*` alone is all actions.
const ActionPattern = z.string().regex(/^(\*|[a-zA-Z0-9*?-]+:[a-zA-Z0-9*?]+)$/, {
  error: (issue) => `Expected an action \`service:Action\` (wildcards * and ? allowed) or \`*\`, got ${JSON.stringify(issue.input)}`,
});
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html: an ARN or `*`.
const ResourcePattern = z.string().regex(/^(\*|arn:[^:]+:[^:]+:[^:]*:[^:]*:.+)$/, {
  error: (issue) => `Expected a resource ARN \`arn:partition:service:region:account:resource\` or \`*\`, got ${JSON.stringify(issue.input)}`,
});
const oneOrMany = <T extends z.ZodType<string>>(item: T) => z.union([item, z.array(item).min(1)]);

const UNMODELED = ['Condition', 'Principal', 'NotPrincipal'];

const StatementSchema = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: oneOrMany(ActionPattern).optional(),
    NotAction: oneOrMany(ActionPattern).optional(),
    Resource: oneOrMany(ResourcePattern).optional(),
    NotResource: oneOrMany(ResourcePattern).optional(),
  })
  .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), {
    error: 'Expected exactly one of Action and NotAction in each statement',
  })
  .refine((s) => (s.Resource === undefined) !== (s.NotResource === undefined), {
    error: 'Expected exactly one of Resource and NotResource in each statement (an identity-based policy names its resources)',
  });

/** The schema of the policy documents the local endpoint accepts. */
export const PolicyDocumentSchema = z.strictObject({
  Version: z.literal('2012-10-17', { error: (issue) => `Expected Version "2012-10-17", got ${JSON.stringify(issue.input)}` }),
  Statement: z.array(StatementSchema).min(1, 'Expected at least one statement'),
});

/**
 * Validates a policy document, throwing InvalidPolicyError with what was wrong. Elements the
 * local endpoint does not evaluate (Condition, Principal) are refused rather than ignored:
 * ignoring a condition would widen an Allow or a Deny.
 */
export function parsePolicyDocument(input: unknown, what = 'policy document'): PolicyDocument {
  const statements = typeof input === 'object' && input !== null && 'Statement' in input ? (input as { Statement: unknown }).Statement : undefined;
  if (Array.isArray(statements)) {
    for (const statement of statements) {
      const unmodeled = UNMODELED.filter((key) => typeof statement === 'object' && statement !== null && key in statement);
      if (unmodeled.length > 0) {
        throw new InvalidPolicyError(
          `Expected a ${what} without ${unmodeled.join(', ')}: the local endpoint evaluates Effect, Action/NotAction and Resource/NotResource only`,
        );
      }
    }
  }
  const parsed = PolicyDocumentSchema.safeParse(input);
  if (!parsed.success) throw new InvalidPolicyError(`Expected a valid ${what}:\n${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

/**
 * libaws's allow line `SERVICE:ACTION RESOURCE` → the inline policy libaws writes for it:
 * one Allow statement with the action and resource as single strings (lib/iam.go
 * IamAllow.policyDocument). The line is split as IamEnsureRoleAllows does it
 * (lib/lib.go SplitWhiteSpaceN(line, 2): on the first run of spaces, blank parts dropped),
 * so anything after the first run of spaces is the resource.
 */
export function policyFromAllowLine(line: string): PolicyDocument {
  const space = /  */.exec(line);
  const parts = (space === null ? [line] : [line.slice(0, space.index), line.slice(space.index + space[0].length)]).filter(
    (part) => part.trim() !== '',
  );
  const [action, resource] = parts;
  if (parts.length !== 2 || action === undefined || resource === undefined) {
    throw new InvalidPolicyError(`Expected an allow line of the form 'SERVICE:ACTION RESOURCE', got: ${JSON.stringify(line)}`);
  }
  return parsePolicyDocument(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] },
    `allow line (${JSON.stringify(line)})`,
  );
}
