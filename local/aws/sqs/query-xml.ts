// Query-protocol answers: `<OpResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">
// <OpResult>…</OpResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`,
// with the flattened lists and maps of the query model (botocore data/sqs/2012-11-05/
// service-2.json: resultWrapper, locationName Attribute / MessageAttribute / QueueUrl / Message /
// <Op>ResultEntry / BatchResultErrorEntry). Errors: `<ErrorResponse><Error><Type/><Code/>
// <Message/><Detail/></Error><RequestId/></ErrorResponse>`.

/** The namespace of the SQS 2012-11-05 query API. */
export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** Operations that answer with a result element (the others answer with ResponseMetadata alone). */
const WITH_RESULT = new Set([
  'CreateQueue',
  'GetQueueUrl',
  'ListQueues',
  'GetQueueAttributes',
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibilityBatch',
  'ListQueueTags',
]);

/** Renders an operation's JSON-shaped result as its query-protocol XML document. */
export function renderQueryResult(operation: string, result: Record<string, unknown>, requestId: string): string {
  const body = WITH_RESULT.has(operation) ? `<${operation}Result>${renderMembers(operation, result)}</${operation}Result>` : '';
  return (
    `<?xml version="1.0"?><${operation}Response xmlns="${SQS_XMLNS}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/** Renders an error as the query protocol's ErrorResponse. */
export function renderQueryError(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function renderMembers(operation: string, object: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null) continue;
    out += renderMember(operation, key, value);
  }
  return out;
}

function renderMember(operation: string, key: string, value: unknown): string {
  switch (key) {
    case 'QueueUrls':
      return (value as string[]).map((url) => element('QueueUrl', url)).join('');
    case 'Messages':
      return (value as Record<string, unknown>[]).map((m) => `<Message>${renderMembers(operation, m)}</Message>`).join('');
    case 'Successful':
      return (value as Record<string, unknown>[]).map((e) => `<${operation}ResultEntry>${renderMembers(operation, e)}</${operation}ResultEntry>`).join('');
    case 'Failed':
      return (value as Record<string, unknown>[]).map((e) => `<BatchResultErrorEntry>${renderMembers(operation, e)}</BatchResultErrorEntry>`).join('');
    case 'Attributes':
      return renderMap('Attribute', 'Name', value as Record<string, string>, (v) => escapeXml(v));
    case 'Tags':
      return renderMap('Tag', 'Key', value as Record<string, string>, (v) => escapeXml(v));
    case 'MessageAttributes':
      return renderMap('MessageAttribute', 'Name', value as Record<string, Record<string, unknown>>, (v) => renderMembers(operation, v));
    default:
      return element(key, value);
  }
}

function renderMap<V>(entry: string, keyName: string, map: Record<string, V>, renderValue: (value: V) => string): string {
  return Object.entries(map)
    .map(([name, value]) => `<${entry}><${keyName}>${escapeXml(name)}</${keyName}><Value>${renderValue(value)}</Value></${entry}>`)
    .join('');
}

function element(name: string, value: unknown): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** Escapes text for XML; a carriage return is written as a reference, which XML parsers would otherwise turn into a line feed. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!);
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};
