import { invalidParameter } from '../errors.js';

/** One page of a listing and the token of the next, if there is one. */
export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * A page of `items` (sorted by `keyOf`, ascending) after the one a NextToken names. The token is
 * the base64 of the last key answered, opaque to clients as SNS's are (its tokens are base64 too:
 * localstack test_sns.py, test_list_subscriptions_by_topic_pagination); one that is not ours is
 * "Invalid parameter: NextToken".
 */
export function pageOf<T>(items: readonly T[], token: string | undefined, size: number, keyOf: (item: T) => string = String): Page<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    const after = Buffer.from(token, 'base64').toString('utf8');
    if (Buffer.from(after, 'utf8').toString('base64') !== token || !after.startsWith('arn:')) throw invalidParameter('NextToken');
    start = items.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: page, nextToken: more ? Buffer.from(keyOf(page[page.length - 1]!), 'utf8').toString('base64') : undefined };
}
