import { describe, expect, it } from 'vitest';
import { InfraError, parseInfra } from '../../../local/infra/index.js';

// A valid infra.yaml; each test changes a line (lines are numbered from 1) and expects the
// problem libaws would have, at that line.
const DIGEST = `sha256:${'0'.repeat(64)}`;
const BASE = [
  'name: demo', // 1
  'dynamodb:', // 2
  '  jobs:', // 3
  '    key:', // 4
  '      - id:s:hash', // 5
  's3:', // 6
  '  demo-bucket:', // 7
  '    attr:', // 8
  '      - acl=private', // 9
  'lambda:', // 10
  '  demo:', // 11
  `    entrypoint: 123456789012.dkr.ecr.us-west-2.amazonaws.com/demo@${DIGEST}`, // 12
  '    attr:', // 13
  '      - concurrency=1', // 14
  '      - timeout=900', // 15
  '    trigger:', // 16
  '      - type: api', // 17
  '        attr:', // 18
  '          - dns=demo.example.com', // 19
  '      - type: schedule', // 20
  '        attr:', // 21
  '          - rate(5 minutes)', // 22
  '    allow:', // 23
  '      - s3:GetObject arn:aws:s3:::demo-bucket/*', // 24
  '    env:', // 25
  '      - MODE=test', // 26
];

function withLines(changes: Record<number, string>, extra: string[] = []): string {
  return [...BASE.map((line, i) => changes[i + 1] ?? line), ...extra].join('\n');
}

function problemsOf(text: string, variables: Record<string, string> = {}): string[] {
  try {
    parseInfra(text, { file: 'infra.yaml', variables });
  } catch (error) {
    if (error instanceof InfraError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('infra.yaml problems', () => {
  it('finds none in the base file the other tests change', () => {
    expect(problemsOf(withLines({}))).toEqual([]);
  });

  it('names an unknown top-level key and the keys libaws accepts', () => {
    expect(problemsOf(withLines({}, ['outputs: {}']))).toEqual([
      'infra.yaml:27: unknown top-level key "outputs" (libaws accepts name, lambda, s3, dynamodb, sqs, vpc, instance-profile, keypair)',
    ]);
  });

  it('names an unknown lambda attr at its line', () => {
    expect(problemsOf(withLines({ 14: '      - concurency=1' }))).toEqual([
      'infra.yaml:14: unknown lambda attr "concurency" (libaws accepts concurrency, memory, timeout, logs-ttl-days)',
    ]);
  });

  it('refuses a lambda attr that is not digits, or outside what Lambda takes', () => {
    expect(problemsOf(withLines({ 14: '      - memory=1GB', 15: '      - timeout=901' }))).toEqual([
      'infra.yaml:14: lambda demo: attr memory must be digits, got "1GB" (lib/infra.go: InfraParse)',
      "infra.yaml:15: lambda demo: timeout must be 1 to 900 seconds, got 901 (Lambda's limit)",
    ]);
  });

  it('names an unknown s3 attr and a bad acl', () => {
    expect(problemsOf(withLines({ 9: '      - public=true' }))[0]).toBe(
      'infra.yaml:9: s3 bucket demo-bucket: unknown s3 attr "public" (libaws accepts acl=public|private, cors=true|false, corsorigin=http(s)://..., ttldays=N, versioning=true|false, metrics=true|false, allow_put=SERVICE)',
    );
    expect(problemsOf(withLines({ 9: '      - acl=secret' }))).toEqual(['infra.yaml:9: s3 bucket demo-bucket: acl must be public or private, got "secret"']);
  });

  it('names an unknown dynamodb attr and an unknown table key', () => {
    const text = withLines({ 4: '    attr:', 5: '      - capacity=5' }, []).replace('    attr:\n      - capacity=5', '    key:\n      - id:s:hash\n    attr:\n      - capacity=5');
    expect(problemsOf(text)[0]).toMatch(/^infra\.yaml:7: dynamodb table jobs: unknown dynamodb attr "capacity=5" \(libaws accepts ttl=ATTR, read=N, write=N/);
    expect(problemsOf(withLines({ 4: '    keys:' }))).toEqual([
      'infra.yaml:4: unknown dynamodb table key "keys" (libaws accepts key, attr, global-index, local-index)',
    ]);
  });

  it('refuses a key that is not NAME:TYPE:KEY_TYPE, a bad type and a range key first', () => {
    expect(problemsOf(withLines({ 5: '      - id:hash' }))).toEqual([
      'infra.yaml:5: dynamodb table jobs: key "id:hash" is not NAME:TYPE:KEY_TYPE (libaws\'s format, e.g. id:s:hash or date:n:range)',
    ]);
    expect(problemsOf(withLines({ 5: '      - id:x:hash' }))[0]).toMatch(/^infra\.yaml:5: dynamodb table jobs: key id has type x; expected s, n or b/);
    expect(problemsOf(withLines({ 5: '      - id:s:range' }))[0]).toMatch(/^infra\.yaml:5: dynamodb table jobs: key 1 must be the hash key, got range/);
  });

  it('names a missing variable at the line of its ${VAR}, however often it is used', () => {
    const text = withLines({ 12: '    entrypoint: ${PROJECT_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/demo@${DIGEST}', 24: '      - s3:GetObject arn:aws:s3:::${PROJECT_ACCOUNT}/*' });
    expect(problemsOf(text, { DIGEST })).toEqual([
      'infra.yaml:12: missing environment variable PROJECT_ACCOUNT (libaws refuses an unset or empty ${VAR}, comments included; set it in env.sh.template or the environment; also on line 24)',
    ]);
  });

  it('refuses an empty variable like an unset one', () => {
    expect(problemsOf(withLines({ 1: 'name: ${NAME}' }), { NAME: '' })).toEqual([
      'infra.yaml:1: missing environment variable NAME (libaws refuses an unset or empty ${VAR}, comments included; set it in env.sh.template or the environment)',
    ]);
  });

  it('requires a variable used only in a comment, as libaws substitutes before parsing YAML', () => {
    expect(problemsOf(withLines({}, ['# deployed to ${STAGE}']))).toEqual([expect.stringMatching(/^infra\.yaml:27: missing environment variable STAGE /)]);
  });

  it('leaves ${API_ID} and ${WEBSOCKET_ID} for later, as libaws does', () => {
    const set = parseInfra(withLines({ 24: '      - execute-api:Invoke arn:aws:execute-api:*:*:${API_ID}/*', 26: '      - SOCKET=${WEBSOCKET_ID}' }), { file: 'infra.yaml', variables: {} });
    expect(set.lambda[0]?.allow[0]?.resource).toBe('arn:aws:execute-api:*:*:${API_ID}/*');
    expect(set.lambda[0]?.env).toEqual({ SOCKET: '${WEBSOCKET_ID}' });
  });

  it('refuses ${API_ID} in an allow line when no lambda has an api trigger to set it', () => {
    const text = withLines({ 17: '      - type: ecr', 18: '        attr: []', 19: '', 24: '      - execute-api:Invoke arn:aws:execute-api:*:*:${API_ID}/*' });
    expect(problemsOf(text)).toEqual(['infra.yaml:24: lambda demo: allow uses ${API_ID}, which libaws sets only from a api trigger, and the set has none']);
  });

  it('keeps line numbers right after a variable whose value spans lines', () => {
    const text = withLines({ 1: 'name: ${NAME}', 14: '      - concurency=1' });
    expect(problemsOf(text, { NAME: 'demo\n# two\n# more lines' })).toEqual([expect.stringMatching(/^infra\.yaml:14: unknown lambda attr "concurency"/)]);
  });

  it('refuses a trigger list that is not a list', () => {
    const text = withLines({ 17: '      type: api', 18: '      attr: [dns=demo.example.com]', 19: '', 20: '', 21: '', 22: '' });
    expect(problemsOf(text)).toEqual(['infra.yaml:17: lambda demo: trigger should be a list of {type, attr}, got a mapping']);
  });

  it('names an unknown trigger type and the types libaws accepts', () => {
    expect(problemsOf(withLines({ 20: '      - type: cron' }))).toEqual([
      'infra.yaml:20: unknown trigger type "cron" (libaws accepts sqs, s3, dynamodb, api, ecr, schedule, websocket, ses, url)',
    ]);
  });

  it('refuses rate expressions EventBridge refuses', () => {
    expect(problemsOf(withLines({ 22: '          - rate(1 minutes)' }))).toEqual([
      'infra.yaml:22: lambda demo: schedule "rate(1 minutes)": the unit must be singular when the value is 1: rate(1 minute) (EventBridge: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html)',
    ]);
    expect(problemsOf(withLines({ 22: '          - rate(0 minutes)' }))[0]).toMatch(/^infra\.yaml:22: lambda demo: schedule "rate\(0 minutes\)": the value must be positive, got 0/);
    expect(problemsOf(withLines({ 22: '          - rate(5 minute)' }))[0]).toMatch(/the unit must be plural when the value is greater than 1: rate\(5 minutes\)/);
  });

  it('refuses cron expressions EventBridge refuses', () => {
    expect(problemsOf(withLines({ 22: '          - cron(0 10 * * * *)' }))[0]).toMatch(
      /^infra\.yaml:22: lambda demo: schedule "cron\(0 10 \* \* \* \*\)": one of day-of-month and day-of-week must be \? and the other not/,
    );
    expect(problemsOf(withLines({ 22: '          - cron(0 10 * * ?)' }))[0]).toMatch(/expected six fields/);
    expect(problemsOf(withLines({ 22: '          - cron(61 10 * * ? *)' }))[0]).toMatch(/minutes "61" is not valid \(EventBridge allows 0-59/);
  });

  it('refuses a schedule trigger without its expression, or with two', () => {
    expect(problemsOf(withLines({ 21: '', 22: '' }))[0]).toMatch(/^infra\.yaml:20: lambda demo: a schedule trigger needs one attr, its expression/);
    const two = withLines({ 22: '          - rate(5 minutes)\n          - rate(1 hour)' });
    expect(problemsOf(two)[0]).toMatch(/^infra\.yaml:23: lambda demo: a schedule trigger takes one attr; libaws ignores the others/);
  });

  it('refuses bad env lines: no =, a name libaws or Lambda refuses, a reserved name', () => {
    expect(problemsOf(withLines({ 26: '      - MODE' }))).toEqual(['infra.yaml:26: lambda demo: env line "MODE" is not NAME=VALUE']);
    expect(problemsOf(withLines({ 26: '      - MODE-X=1' }))).toEqual(['infra.yaml:26: lambda demo: env name "MODE-X" must be [a-zA-Z0-9_]+ (lib/lambda.go: lambdaEnsure)']);
    expect(problemsOf(withLines({ 26: '      - 1X=1' }))[0]).toMatch(/env name "1X" must start with a letter/);
    expect(problemsOf(withLines({ 26: '      - AWS_REGION=x' }))).toEqual(['infra.yaml:26: lambda demo: env name AWS_REGION is reserved by Lambda, which sets it itself']);
  });

  it('refuses bad allow lines: one part, an action without a service, a resource that is no ARN', () => {
    expect(problemsOf(withLines({ 24: '      - s3:GetObject' }))).toEqual([
      "infra.yaml:24: lambda demo: allow \"s3:GetObject\" should be 'SERVICE:ACTION RESOURCE' (lib/iam.go: IamEnsureRoleAllows)",
    ]);
    expect(problemsOf(withLines({ 24: '      - GetObject arn:aws:s3:::demo-bucket/*' }))[0]).toMatch(/the action should be SERVICE:ACTION/);
    expect(problemsOf(withLines({ 24: '      - s3:GetObject demo-bucket/*' }))[0]).toMatch(/the resource should be an ARN \(arn:\.\.\.\) or \*/);
  });

  it('refuses an entrypoint libaws cannot build, and a missing one', () => {
    expect(problemsOf(withLines({ 12: '    entrypoint: main.js' }))).toEqual([
      'infra.yaml:12: lambda demo: entrypoint "main.js" should be *.py, *.go or an ECR image URI (lib/infra.go: infraParseValidateLambda)',
    ]);
    expect(problemsOf(withLines({ 12: '    entrypoint: 12345.dkr.ecr.us-west-2.amazonaws.com/demo' }))[0]).toMatch(/is not an ECR image URI Lambda would take/);
    expect(problemsOf(withLines({ 12: '    memory: 128' }))).toEqual([
      'infra.yaml:11: lambda demo has no entrypoint (libaws needs *.go, *.py or an ECR image URI)',
      'infra.yaml:12: unknown lambda key "memory" (libaws accepts name, entrypoint, attr, policy, allow, trigger, env, include, require)',
    ]);
  });

  it('refuses wrong types where libaws wants []string', () => {
    expect(problemsOf(withLines({ 13: '    attr: concurrency=1', 14: '', 15: '' }))).toEqual([
      'infra.yaml:13: lambda demo: attr should be a list of strings, got the string "concurrency=1"',
    ]);
    expect(problemsOf(withLines({ 26: '      - 5' }))).toEqual(['infra.yaml:26: lambda demo: env should be a list of strings, got an item that is the number 5']);
    expect(problemsOf(withLines({ 6: 's3:', 7: '  demo-bucket:', 8: '', 9: '' }))).toEqual(['infra.yaml:7: s3 bucket demo-bucket should be a mapping (attr), got null (an empty value)']);
  });

  it('reports YAML syntax errors and duplicate keys at their line', () => {
    expect(problemsOf(withLines({ 15: '      - timeout=900: [' }))[0]).toMatch(/^infra\.yaml:1[56]: YAML: /);
    expect(problemsOf(withLines({}, ['name: again']))[0]).toMatch(/^infra\.yaml:27: YAML: Map keys must be unique/);
  });

  it('collects every problem of the file, in line order', () => {
    const text = withLines({ 5: '      - id:hash', 9: '      - acl=secret', 14: '      - concurency=1', 20: '      - type: cron' });
    expect(problemsOf(text).map((problem) => problem.split(':').slice(0, 2).join(':'))).toEqual(['infra.yaml:5', 'infra.yaml:9', 'infra.yaml:14', 'infra.yaml:20']);
  });

  it("explains libaws's index quirks: local-index sections fail, global-index write capacity is spelled write:=", () => {
    const local = withLines({ 5: '      - id:s:hash\n      - at:n:range\n    local-index:\n      by-x:\n        key:\n          - id:s:hash\n          - x:n:range' });
    expect(problemsOf(local)[0]).toMatch(/^infra\.yaml:7: dynamodb table jobs: libaws cannot create a local-index/);
    const global = withLines({ 5: '      - id:s:hash\n      - read=1\n      - write=1\n    global-index:\n      by-x:\n        key:\n          - x:s:hash\n        attr:\n          - read=1\n          - write=1' }).replace(
      '    key:\n      - id:s:hash\n      - read=1\n      - write=1',
      '    key:\n      - id:s:hash\n    attr:\n      - read=1\n      - write=1',
    );
    expect(problemsOf(global)[0]).toMatch(/^infra\.yaml:15: dynamodb table jobs: unknown global index attr "write=1" \(libaws accepts projection=TYPE, read=N and, through a typo/);
  });

  it('refuses a given-twice attribute that libaws would silently override', () => {
    expect(problemsOf(withLines({ 15: '      - concurrency=2' }))).toEqual([
      'infra.yaml:15: lambda demo: attr concurrency is given twice (also on line 14); libaws would silently keep the last',
    ]);
  });
});
