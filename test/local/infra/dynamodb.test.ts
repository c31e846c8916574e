import { describe, expect, it } from 'vitest';
import { InfraError, parseInfra } from '../../../local/infra/index.js';

function table(lines: string[]) {
  const text = ['name: demo', 'dynamodb:', '  events:', ...lines.map((line) => `    ${line}`)].join('\n');
  return parseInfra(text, { file: 'infra.yaml', variables: {} }).dynamodb[0];
}

function problems(lines: string[]): string[] {
  try {
    table(lines);
  } catch (error) {
    if (error instanceof InfraError) return error.problems.map((problem) => `${problem.line}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('dynamodb tables as libaws builds them', () => {
  it('builds a local index from raw LocalSecondaryIndexes attrs, which libaws handles', () => {
    const events = table([
      'key:',
      '  - user:s:hash',
      '  - at:n:range',
      'attr:',
      '  - LocalSecondaryIndexes.0.IndexName=by-kind',
      '  - LocalSecondaryIndexes.0.Key.0=user:s:hash',
      '  - LocalSecondaryIndexes.0.Key.1=kind:s:range',
      '  - LocalSecondaryIndexes.0.Projection.ProjectionType=keys_only',
      '  - SSESpecification.KMSMasterKeyId=alias/mine',
    ]);
    expect(events?.localIndexes).toEqual([
      {
        name: 'by-kind',
        keys: [
          { attributeName: 'user', attributeType: 'S', keyType: 'HASH' },
          { attributeName: 'kind', attributeType: 'S', keyType: 'RANGE' },
        ],
        projection: { type: 'KEYS_ONLY', nonKeyAttributes: [] },
      },
    ]);
    expect(events?.createTableInput).toMatchObject({
      AttributeDefinitions: [
        { AttributeName: 'user', AttributeType: 'S' },
        { AttributeName: 'at', AttributeType: 'N' },
        { AttributeName: 'kind', AttributeType: 'S' },
      ],
      SSESpecification: { Enabled: true, KMSMasterKeyId: 'alias/mine', SSEType: 'KMS' },
      LocalSecondaryIndexes: [{ IndexName: 'by-kind', Projection: { ProjectionType: 'KEYS_ONLY' } }],
    });
  });

  it('refuses index attrs out of order, as DynamoDBEnsureInput does', () => {
    expect(problems(['key:', '  - id:s:hash', 'attr:', '  - GlobalSecondaryIndexes.1.IndexName=late'])).toEqual([
      '7: dynamodb table events: dynamodb attr "GlobalSecondaryIndexes.1.IndexName=late": libaws needs attrs with indices in ascending order (0, 1, ...)',
    ]);
  });

  it('refuses an attribute typed differently by two keys', () => {
    expect(problems(['key:', '  - id:s:hash', 'global-index:', '  by-id:', '    key:', '      - id:n:hash'])[0]).toMatch(
      /^9: dynamodb table events: dynamodb attr "GlobalSecondaryIndexes\.0\.Key\.0=id:n:hash": attribute id is S elsewhere, N here/,
    );
  });

  it('refuses what CreateTable refuses: half a provisioned capacity, capacity on a pay-per-request index', () => {
    expect(problems(['key:', '  - id:s:hash', 'attr:', '  - read=5'])).toEqual([
      '3: dynamodb table events: a provisioned table needs both read=N and write=N, each at least 1 (CreateTable: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html)',
    ]);
    expect(problems(['key:', '  - id:s:hash', 'global-index:', '  by-x:', '    key:', '      - x:s:hash', '    attr:', '      - read=5'])[0]).toMatch(
      /^7: dynamodb table events: global index by-x: a pay-per-request table's index takes no read\/write capacity/,
    );
  });

  it('refuses a projection INCLUDE without non-key attributes, and non-key attributes without INCLUDE', () => {
    expect(problems(['key:', '  - id:s:hash', 'global-index:', '  by-x:', '    key:', '      - x:s:hash', '    non-key:', '      - title'])[0]).toMatch(
      /global index by-x: non-key attributes go with projection INCLUDE/,
    );
  });

  it('keeps a ttl attribute and a stream view type', () => {
    const events = table(['key:', '  - id:s:hash', 'attr:', '  - ttl=ttl', '  - stream=keys_only']);
    expect(events).toMatchObject({ ttlAttribute: 'ttl', streamViewType: 'KEYS_ONLY' });
    expect(problems(['key:', '  - id:s:hash', 'attr:', '  - stream=everything'])[0]).toMatch(/stream view type EVERYTHING is not one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES/);
  });
});
