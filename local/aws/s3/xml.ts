import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import type { z } from 'zod';
import { malformedXml } from './errors.js';

/** The namespace of S3's response documents. */
export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

// Values stay strings (a key "0123" must not become a number), whitespace is kept (keys may
// start or end with spaces), numeric character references are decoded (the SDK writes
// &#x0A; style references), and documents with a DOCTYPE are refused before parsing so no
// entity expansion can happen.
const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

const ARRAY_ELEMENTS = new Set([
  'Part',
  'Object',
  'CORSRule',
  'AllowedOrigin',
  'AllowedMethod',
  'AllowedHeader',
  'ExposeHeader',
  'Tag',
  'Rule',
  'Transition',
  'NoncurrentVersionTransition',
]);

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false });

/** Parses an XML request body and validates it against a zod schema, or throws 400 MalformedXML saying what was wrong. */
export function parseXmlBody<T extends z.ZodType>(body: Buffer, schema: T): z.infer<T> {
  const text = body.toString('utf8');
  if (text.trim() === '') throw malformedXml('expected an XML document, got an empty body');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw malformedXml('DOCTYPE and ENTITY declarations are not accepted');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformedXml(describeInvalidXml(valid.err));
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch (error) {
    throw malformedXml(error instanceof Error ? error.message : String(error));
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw malformedXml(`${where === '' ? '' : `at ${where}: `}${issue?.message ?? 'unexpected document'}`);
  }
  return result.data;
}

function describeInvalidXml(err: { msg: string; line: number; col: number }): string {
  const unclosed = /^Invalid '\[(.*)\]' found/s.exec(err.msg);
  if (unclosed) {
    const names = (unclosed[1] ?? '').split(',').map((n) => n.trim().replace(/^"|"$/g, ''));
    return `the document ends before the closing tags of ${names.map((n) => `<${n}>`).join(', ')}`;
  }
  return `${err.msg} (line ${err.line}, column ${err.col})`;
}

/** A value XMLBuilder can serialize: text, numbers, booleans, elements or repeated elements. */
export type XmlValue = string | number | boolean | XmlNode | XmlNode[] | string[] | undefined;
/** A response element's children, for XMLBuilder. */
export interface XmlNode {
  [name: string]: XmlValue;
}

/** Serializes a response document with the XML declaration and the S3 namespace on its root. */
export function buildXml(root: string, content: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: { '@_xmlns': S3_XMLNS, ...content } }) as string}`;
}

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] ?? c);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/**
 * Serializes a response document whose repeated elements of different names must keep their
 * order (ListObjectVersions interleaves Version and DeleteMarker): the head's elements, then the
 * entries in order, then the tail's.
 */
export function buildXmlWithEntries(root: string, head: XmlNode, entries: readonly (readonly [string, XmlNode])[], tail: XmlNode): string {
  const body = [builder.build(head) as string, ...entries.map(([name, node]) => builder.build({ [name]: node }) as string), builder.build(tail) as string].join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${body}</${root}>`;
}
