import { describe, expect, it } from 'vitest';
import { CompiledPolicies } from '../../../../local/aws/iam/evaluate.js';
import {
  describeDenial,
  InvalidPolicyError,
  managedPolicy,
  parsePolicyDocument,
  policyFromAllowLine,
  type PolicyStatement,
} from '../../../../local/aws/iam/index.js';

const decide = (statements: PolicyStatement[], action: string, resource: string) =>
  new CompiledPolicies([{ Version: '2012-10-17', Statement: statements }]).decide(action, resource);

const allow = (Action: string | string[], Resource: string | string[]): PolicyStatement => ({ Effect: 'Allow', Action, Resource });

describe('policy evaluation', () => {
  it('allows what a statement allows', () => {
    expect(decide([allow('s3:GetObject', 'arn:aws:s3:::b/k')], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
  });

  it('denies by default what no statement allows', () => {
    expect(decide([allow('s3:GetObject', 'arn:aws:s3:::b/k')], 's3:PutObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
    expect(decide([allow('s3:GetObject', 'arn:aws:s3:::b/k')], 's3:GetObject', 'arn:aws:s3:::b/other')).toBe('implicit-deny');
    expect(new CompiledPolicies([]).decide('s3:GetObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
  });

  it('lets an explicit deny win over any allow, in whatever order', () => {
    const deny: PolicyStatement = { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/secret/*' };
    expect(decide([allow('s3:*', '*'), deny], 's3:GetObject', 'arn:aws:s3:::b/secret/k')).toBe('explicit-deny');
    expect(decide([deny, allow('s3:*', '*')], 's3:GetObject', 'arn:aws:s3:::b/secret/k')).toBe('explicit-deny');
    expect(decide([deny, allow('s3:*', '*')], 's3:GetObject', 'arn:aws:s3:::b/public/k')).toBe('allow');
  });

  it('matches * and ? in actions, case-insensitively', () => {
    expect(decide([allow('s3:Get*', '*')], 's3:GetObjectTagging', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide([allow('s3:Get*', '*')], 's3:PutObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
    expect(decide([allow('S3:GETOBJECT', '*')], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide([allow('s3:?etObject', '*')], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide([allow('s3:?etObject', '*')], 's3:PutObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
    expect(decide([allow('s3:???Object', '*')], 's3:PutObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide([allow('s3:?Object', '*')], 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
    expect(decide([allow('*', '*')], 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:000000000000:table/t')).toBe('allow');
  });

  it('matches * and ? in resources, case-sensitively', () => {
    const jobs = [allow('s3:GetObject', 'arn:aws:s3:::b/jobs/*')];
    expect(decide(jobs, 's3:GetObject', 'arn:aws:s3:::b/jobs/a/log.txt')).toBe('allow');
    expect(decide(jobs, 's3:GetObject', 'arn:aws:s3:::b/JOBS/a/log.txt')).toBe('implicit-deny');
    expect(decide(jobs, 's3:GetObject', 'arn:aws:s3:::b/other')).toBe('implicit-deny');
    expect(decide(jobs, 's3:GetObject', 'arn:aws:s3:::B/jobs/a')).toBe('implicit-deny');
    const single = [allow('s3:GetObject', 'arn:aws:s3:::b/k?')];
    expect(decide(single, 's3:GetObject', 'arn:aws:s3:::b/k1')).toBe('allow');
    expect(decide(single, 's3:GetObject', 'arn:aws:s3:::b/k12')).toBe('implicit-deny');
  });

  it('lets a * at the end of an ARN segment span colons, and one inside a segment not', () => {
    const anyRegion = [allow('dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/jobs')];
    expect(decide(anyRegion, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs')).toBe('allow');
    expect(decide(anyRegion, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs2')).toBe('implicit-deny');
    const inside = [allow('lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:000000000000:function:f*x')];
    expect(decide(inside, 'lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:000000000000:function:fox')).toBe('allow');
    expect(decide(inside, 'lambda:InvokeFunction', 'arn:aws:lambda:us-east-1:000000000000:function:f:x')).toBe('implicit-deny');
  });

  it('applies NotAction to every action but those listed', () => {
    const statements: PolicyStatement[] = [{ Effect: 'Allow', NotAction: ['s3:DeleteObject', 's3:PutObject'], Resource: '*' }];
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
    expect(decide(statements, 's3:DeleteObject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
    expect(decide(statements, 's3:deleteobject', 'arn:aws:s3:::b/k')).toBe('implicit-deny');
  });

  it('applies NotResource to every resource but those listed', () => {
    const statements: PolicyStatement[] = [
      allow('s3:*', '*'),
      { Effect: 'Deny', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::b/jobs/*' },
    ];
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/jobs/1')).toBe('allow');
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/other')).toBe('explicit-deny');
  });

  it('gives the same decision from its cache as from the statements', () => {
    const policies = new CompiledPolicies([{ Version: '2012-10-17', Statement: [allow('s3:GetObject', 'arn:aws:s3:::b/*')] }]);
    for (let i = 0; i < 3; i++) {
      expect(policies.decide('s3:GetObject', 'arn:aws:s3:::b/k')).toBe('allow');
      expect(policies.decide('s3:GetObject', 'arn:aws:s3:::c/k')).toBe('implicit-deny');
    }
  });
});

describe('policy documents', () => {
  it('turns a libaws allow line into the inline policy libaws writes', () => {
    expect(policyFromAllowLine('s3:GetObject arn:aws:s3:::bucket/jobs/*')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/jobs/*' }],
    });
    expect(policyFromAllowLine('dynamodb:GetItem    arn:aws:dynamodb:*:*:table/jobs').Statement[0]).toMatchObject({
      Resource: 'arn:aws:dynamodb:*:*:table/jobs',
    });
  });

  it('refuses an allow line that is not SERVICE:ACTION RESOURCE, saying what came', () => {
    for (const line of ['s3:GetObject', ' s3:GetObject arn:aws:s3:::b', '', 'GetObject arn:aws:s3:::b', 's3:GetObject bucket']) {
      expect(() => policyFromAllowLine(line)).toThrow(InvalidPolicyError);
    }
    expect(() => policyFromAllowLine('s3:GetObject')).toThrow("Expected an allow line of the form 'SERVICE:ACTION RESOURCE', got: \"s3:GetObject\"");
    expect(() => policyFromAllowLine('s3:GetObject bucket')).toThrow('Expected a resource ARN');
  });

  it('knows AWSLambdaBasicExecutionRole as AWS publishes it, and names the known ones for an unknown name', () => {
    expect(managedPolicy('AWSLambdaBasicExecutionRole')).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
    });
    expect(() => managedPolicy('AdministratorAcess')).toThrow(/AWSLambdaBasicExecutionRole, AmazonS3ReadOnlyAccess.*"AdministratorAcess"/);
  });

  it('refuses the elements it does not evaluate instead of ignoring them', () => {
    const withCondition = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'v' } } }],
    };
    expect(() => parsePolicyDocument(withCondition)).toThrow('without Condition');
    expect(() => parsePolicyDocument({ Version: '2008-10-17', Statement: [allow('s3:*', '*')] })).toThrow('Expected Version "2012-10-17"');
    expect(() => parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] })).toThrow(
      'exactly one of Resource and NotResource',
    );
    expect(() => parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', NotAction: 's3:Get*', Resource: '*' }] })).toThrow(
      'exactly one of Action and NotAction',
    );
  });
});

describe('denial messages', () => {
  const denial = { principalArn: 'arn:aws:sts::000000000000:assumed-role/R/S', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', explicit: false };

  it('words an implicit and an explicit denial as AWS does', () => {
    expect(describeDenial(denial, { quoteResource: true, showResource: true })).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/R/S is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action',
    );
    expect(describeDenial({ ...denial, explicit: true }, { quoteResource: false, showResource: true })).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/R/S is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy',
    );
  });
});
