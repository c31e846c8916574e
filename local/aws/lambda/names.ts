import { LOCAL_ACCOUNT_ID } from '../iam/policy.js';
import { validationError } from './errors.js';

/** The account id every local ARN carries. */
export { LOCAL_ACCOUNT_ID };

/** The only version the local service has. */
export const LATEST = '$LATEST';

/** A function reference as a caller wrote it: name, partial ARN or full ARN, with an optional qualifier. */
export interface FunctionReference {
  name: string;
  qualifier?: string;
  /** The region named by a full ARN. */
  region?: string;
}

// AWS's own pattern for the FunctionName member of Invoke and GetFunction.
const FUNCTION_NAME_PATTERN =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Builds the ARN of a local function (`arn:aws:lambda:REGION:000000000000:function:NAME[:QUALIFIER]`). */
export function formatFunctionArn(region: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/**
 * Reads a FunctionName as Lambda accepts it: `my-fn`, `my-fn:$LATEST`,
 * `123456789012:function:my-fn` or `arn:aws:lambda:us-east-1:123456789012:function:my-fn`.
 * Throws a ValidationException (400) for anything else.
 */
export function parseFunctionReference(text: string): FunctionReference {
  const match = text.length <= 170 ? FUNCTION_NAME_PATTERN.exec(text) : null;
  const name = match?.[3];
  if (!match || name === undefined || name.length > 64) {
    throw validationError(
      `1 validation error detected: Value '${text.slice(0, 200)}' at 'functionName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: ' +
        '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
    );
  }
  const reference: FunctionReference = { name };
  if (match[4] !== undefined) reference.qualifier = match[4];
  if (match[1] !== undefined) reference.region = match[1];
  return reference;
}
