import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Credentials } from '../sigv4.js';
import { CompiledPolicies } from './evaluate.js';
import { InvalidPolicyError, LOCAL_ACCOUNT_ID, parsePolicyDocument, type PolicyDocument } from './policy.js';
import type { Denial, Principal } from './principal.js';
import { SessionStore, type StoredSession } from './sessions.js';

export { LOCAL_ACCOUNT_ID, InvalidPolicyError, parsePolicyDocument, policyFromAllowLine } from './policy.js';
export type { PolicyDocument, PolicyStatement } from './policy.js';
export { managedPolicy, MANAGED_POLICY_NAMES } from './managed.js';
export { describeDenial, type Denial, type DenialStyle, type Principal } from './principal.js';
export type { Decision } from './evaluate.js';

/** A role: its name, optional path, and the identity-based policies attached to it (inline and managed alike). */
export interface RoleSpec {
  name: string;
  path?: string;
  policies: PolicyDocument[];
}

/** Temporary credentials of a role session, as STS AssumeRole returns them. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The local IAM: roles and their policies, and temporary credentials of role sessions. */
export interface LocalIam {
  /** Defines or replaces a role's policies; takes effect at once for sessions already issued. */
  putRole(spec: RoleSpec): void;
  /**
   * Issues temporary credentials of the role (as STS AssumeRole / Lambda do), valid for
   * `durationSeconds` (900 to 43200; default 3600, STS's default). Presigned URLs made with
   * them die with the session, as on AWS.
   */
  assumeRole(roleName: string, sessionName: string, durationSeconds?: number): TemporaryCredentials;
}

/** A session as the endpoint authenticates it. */
export interface IssuedSession {
  credentials: Credentials;
  sessionToken: string;
  expiresAtMs: number;
  principal: Principal;
}

/** The local IAM as the endpoint and the Lambda service use it. */
export interface LocalIamService extends LocalIam {
  readonly accountId: string;
  /** Whether a role of this name was put. */
  hasRole(name: string): boolean;
  /** The session of a temporary access key id (issued, and not expired for more than an hour). */
  findSession(accessKeyId: string): IssuedSession | undefined;
}

export interface LocalIamOptions {
  /** Where issued sessions are kept (`DIR/sessions.json`); created when missing. */
  dataDir: string;
  /** The clock, in epoch milliseconds (tests move it). */
  now?: () => number;
}

// IAM's limits: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName, Path)
// and https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (DurationSeconds, RoleSessionName).
const RoleName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'Expected a role name of 1 to 64 letters, digits or +=,.@_-');
const RolePath = z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'Expected a role path starting and ending with /');
// STS wants 2 to 64 characters; Lambda names sessions after functions, which may have 1.
const SessionName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'Expected a session name of 1 to 64 letters, digits or +=,.@_-');
const DurationSeconds = z.number().int().min(900).max(43_200);
const DEFAULT_DURATION_SECONDS = 3600;

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface Role {
  spec: RoleSpec;
  policies: CompiledPolicies;
}

/** Creates the local IAM, reading the sessions issued before a restart from `dataDir`. */
export function createLocalIam(options: LocalIamOptions): LocalIamService {
  const now = options.now ?? Date.now;
  const sessions = new SessionStore(options.dataDir, now);
  const roles = new Map<string, Role>();
  const issued = new Map<string, IssuedSession>();

  function principalOf(session: StoredSession): Principal {
    const arn = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${session.roleName}/${session.sessionName}`;
    return {
      arn,
      authorize(action: string, resource: string): Denial | null {
        // Looked up on every request: putRole takes effect at once for sessions already issued.
        const decision = roles.get(session.roleName)?.policies.decide(action, resource) ?? 'implicit-deny';
        return decision === 'allow' ? null : { principalArn: arn, action, resource, explicit: decision === 'explicit-deny' };
      },
    };
  }

  return {
    accountId: LOCAL_ACCOUNT_ID,
    putRole(spec) {
      const name = parseField(RoleName, spec.name, 'role name');
      if (spec.path !== undefined) parseField(RolePath, spec.path, `path of role ${name}`);
      if (!Array.isArray(spec.policies)) throw new InvalidPolicyError(`Expected the policies of role ${name} to be an array of policy documents`);
      const policies = spec.policies.map((policy, i) => parsePolicyDocument(policy, `policy document #${i + 1} of role ${name}`));
      roles.set(name, { spec: { ...spec, policies }, policies: new CompiledPolicies(policies) });
    },
    assumeRole(roleName, sessionName, durationSeconds = DEFAULT_DURATION_SECONDS) {
      parseField(SessionName, sessionName, 'role session name');
      parseField(DurationSeconds, durationSeconds, 'session duration in seconds (900 to 43200)');
      if (!roles.has(roleName)) {
        throw new Error(`Expected the name of a role put with putRole, got ${JSON.stringify(roleName)} (roles: ${[...roles.keys()].join(', ') || 'none'})`);
      }
      const session: StoredSession = {
        accessKeyId: `ASIA${Array.from(randomBytes(16), (b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('')}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(96).toString('base64'),
        expiresAtMs: now() + durationSeconds * 1000,
        roleName,
        sessionName,
      };
      sessions.add(session);
      return {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken,
        expiration: new Date(session.expiresAtMs),
      };
    },
    hasRole: (name) => roles.has(name),
    findSession(accessKeyId) {
      const cached = issued.get(accessKeyId);
      if (cached !== undefined && sessions.find(accessKeyId) !== undefined) return cached;
      const stored = sessions.find(accessKeyId);
      if (stored === undefined) {
        issued.delete(accessKeyId);
        return undefined;
      }
      const session: IssuedSession = {
        credentials: { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey },
        sessionToken: stored.sessionToken,
        expiresAtMs: stored.expiresAtMs,
        principal: principalOf(stored),
      };
      issued.set(accessKeyId, session);
      return session;
    },
  };
}

function parseField<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidPolicyError(`Expected a valid ${what}, got ${JSON.stringify(value)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}
