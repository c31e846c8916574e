import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { JobAuthName, SHARE_TOKEN_PREFIX, Uid, generateAuthKey } from '../../protocol/index.js';
import { hashAuthKey } from './key-hash.js';

// Share links are records of the jobs table, `share.<BLAKE2b hex of the token>`: the token
// itself is never stored (as keys are not), so reading the table gives no working link.
// They live beside the job records, not the keys: the API writes them, and the API's role
// may not write the auth table (see README, "Security model").

/** Prefix of a share's table id. */
export const SHARE_ID_PREFIX = 'share.';
/** How long after its end a share's item stays (DynamoDB TTL), in seconds. */
const SHARE_TTL_SLACK_SECONDS = 86_400;

/** A share as stored. */
export interface ShareRecord {
  /** The BLAKE2b hex of its token. */
  id: string;
  uid: string;
  /** The auth-name of the shared job (its owner). */
  authName: string;
  expiresAt: number;
  createdAt: number;
}

/** Share links: made by a job's owner, looked up by token, removed by the owner. */
export interface ShareStore {
  /** Makes a share of a job; resolves with its token (shown once) and id. */
  createShare(share: Omit<ShareRecord, 'id'>): Promise<{ token: string; id: string }>;
  /** The share a token names, or undefined (unknown token). Never cached: a removed share is refused at once. */
  findShare(token: string): Promise<ShareRecord | undefined>;
  /** Removes a share of that owner; false when there was none. */
  deleteShare(id: string, authName: string): Promise<boolean>;
}

const ShareItem = z.object({
  id: z.string().startsWith(SHARE_ID_PREFIX),
  uid: Uid,
  'auth-name': JobAuthName,
  'expires-at': z.number().int(),
  'created-at': z.number().int(),
});

/** A new share token: the prefix and 32 random bytes as hex. */
export function generateShareToken(): string {
  return `${SHARE_TOKEN_PREFIX}${generateAuthKey()}`;
}

/** The id of a share token: its BLAKE2b-256 hex, as keys are hashed. */
export function shareIdOf(token: string): string {
  return hashAuthKey(token);
}

/** Share links in the jobs table. */
export function createDynamoShareStore(deps: { ddb: DynamoDBDocumentClient; table: string }): ShareStore {
  const { ddb, table: TableName } = deps;
  return {
    async createShare(share) {
      const token = generateShareToken();
      const id = shareIdOf(token);
      await ddb.send(
        new PutCommand({
          TableName,
          Item: {
            id: `${SHARE_ID_PREFIX}${id}`,
            uid: share.uid,
            'auth-name': share.authName,
            'expires-at': share.expiresAt,
            'created-at': share.createdAt,
            ttl: Math.ceil(share.expiresAt / 1000) + SHARE_TTL_SLACK_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return { token, id };
    },
    async findShare(token) {
      const id = shareIdOf(token);
      const found = await ddb.send(new GetCommand({ TableName, Key: { id: `${SHARE_ID_PREFIX}${id}` }, ConsistentRead: true }));
      const parsed = ShareItem.safeParse(found.Item);
      if (!parsed.success) return undefined;
      const item = parsed.data;
      return { id, uid: item.uid, authName: item['auth-name'], expiresAt: item['expires-at'], createdAt: item['created-at'] };
    },
    async deleteShare(id, authName) {
      try {
        await ddb.send(
          new DeleteCommand({
            TableName,
            Key: { id: `${SHARE_ID_PREFIX}${id}` },
            ConditionExpression: '#authName = :authName',
            ExpressionAttributeNames: { '#authName': 'auth-name' },
            ExpressionAttributeValues: { ':authName': authName },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
