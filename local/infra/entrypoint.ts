import { basename, dirname, join } from 'node:path';
import type { Entrypoint } from './model.js';

// A lambda's `entrypoint` (lib/infra.go: infraParseValidateLambda, InfraParse, InfraEnsureLambda).

// ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG][@sha256:DIGEST]; Lambda takes images
// from ECR only: https://docs.aws.amazon.com/lambda/latest/dg/images-create.html
const IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** Parses an entrypoint as libaws tells them apart, or says what libaws (and Lambda) would accept. */
export function parseEntrypoint(text: string, infraFile: string): { ok: true; entrypoint: Entrypoint } | { ok: false; reason: string } {
  // lib/infra.go: InfraEnsureLambda checks .py, then .go, then .dkr.ecr.; InfraParse joins a
  // non-image entrypoint to infra.yaml's directory.
  if (text.endsWith('.py')) {
    const path = join(dirname(infraFile), text);
    return { ok: true, entrypoint: { kind: 'python', path, runtime: 'python3.13', handler: `${basename(path, '.py')}.main` } };
  }
  if (text.endsWith('.go')) {
    return { ok: true, entrypoint: { kind: 'go', path: join(dirname(infraFile), text), runtime: 'provided.al2023', handler: 'main' } };
  }
  if (!text.includes('.dkr.ecr.')) {
    return { ok: false, reason: `entrypoint "${text}" should be *.py, *.go or an ECR image URI (lib/infra.go: infraParseValidateLambda)` };
  }
  const match = IMAGE_URI.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: `entrypoint "${text}" is not an ECR image URI Lambda would take: expected ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY(:TAG)(@sha256:DIGEST), a 12-digit account and a 64-hex digest`,
    };
  }
  const [, account = '', region = '', repository = '', tag, digest] = match;
  return {
    ok: true,
    entrypoint: { kind: 'image', uri: text, account, region, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) },
  };
}
