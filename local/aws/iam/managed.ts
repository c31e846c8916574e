import { InvalidPolicyError, type PolicyDocument } from './policy.js';

/**
 * AWS managed policies by the name libaws's `policy:` lines use (the last part of the
 * policy's ARN, lib/iam.go IamEnsureRolePolicies), each the default version's document as
 * AWS publishes it in the AWS Managed Policy Reference.
 */
const MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html (v1)
  AWSLambdaBasicExecutionRole: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html (v3)
  AmazonS3ReadOnlyAccess: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
        Resource: '*',
      },
    ],
  },
};

/** The names `managedPolicy` knows. */
export const MANAGED_POLICY_NAMES: readonly string[] = Object.keys(MANAGED_POLICIES);

/** An AWS managed policy by the name libaws's `policy:` lines use; throws for a name it does not know, naming those it does. */
export function managedPolicy(name: string): PolicyDocument {
  const policy = Object.hasOwn(MANAGED_POLICIES, name) ? MANAGED_POLICIES[name] : undefined;
  if (policy === undefined) {
    throw new InvalidPolicyError(
      `Expected the name of an AWS managed policy the local endpoint knows (${MANAGED_POLICY_NAMES.join(', ')}), got ${JSON.stringify(name)}`,
    );
  }
  return structuredClone(policy);
}
