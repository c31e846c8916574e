import { escapeXml } from '../sqs/query-xml.js';

// Query-protocol answers of SNS: `<OpResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
// <OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`,
// lists as `<Name><member>…</member></Name>` and maps as `<Name><entry><key/><value/></entry></Name>`
// (botocore data/sns/2010-03-31/service-2.json: resultWrapper, non-flattened lists and maps).
// Errors: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.

/** The namespace of the SNS 2010-03-31 query API. */
export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Operations whose output has no members, answered with ResponseMetadata alone (no result element). */
const WITHOUT_RESULT = new Set(['DeleteTopic', 'SetTopicAttributes', 'Unsubscribe', 'SetSubscriptionAttributes']);

/** Members that are maps (string → string) in the model. */
const MAPS = new Set(['Attributes']);

/** Renders an operation's result as its query-protocol XML document. */
export function renderQueryResult(operation: string, result: Record<string, unknown>, requestId: string): string {
  const body = WITHOUT_RESULT.has(operation) ? '' : `<${operation}Result>${renderMembers(result)}</${operation}Result>`;
  return (
    `<?xml version="1.0"?><${operation}Response xmlns="${SNS_XMLNS}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/** Renders an error as the query protocol's ErrorResponse. */
export function renderQueryError(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function renderMembers(object: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null) continue;
    out += `<${key}>${renderValue(key, value)}</${key}>`;
  }
  return out;
}

function renderValue(key: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${renderValue('member', item)}</member>`).join('');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (!MAPS.has(key)) return renderMembers(record);
    return Object.entries(record)
      .map(([name, entry]) => `<entry><key>${escapeXml(name)}</key><value>${escapeXml(String(entry))}</value></entry>`)
      .join('');
  }
  return escapeXml(String(value));
}
