// The query protocol's form parameters (what awscli 2.9 sends: `Action=SendMessage&
// MessageAttribute.1.Name=…&MessageAttribute.1.Value.DataType=…`) turned into the JSON
// protocol's request shape, so that one code path checks and serves both. The names are the
// locationNames of the query model (botocore data/sqs/2012-11-05/service-2.json: flattened
// lists and maps, e.g. AttributeName.N, Attribute.N.Name/Value, SendMessageBatchRequestEntry.N).

/** A parameter tree built from dotted names: `A.1.B=v` becomes {A: {1: {B: 'v'}}}. */
type Tree = { [key: string]: Tree | string };

/** List members (flattened, `Name.N`) and the JSON member they become. */
const LISTS: Readonly<Record<string, string>> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
  TagKey: 'TagKeys',
};

/** Map members (flattened, `Name.N.<key>` / `Name.N.<value>`), their key and value names, and the JSON member. */
const MAPS: Readonly<Record<string, readonly [key: string, value: string, json: string]>> = {
  Attribute: ['Name', 'Value', 'Attributes'],
  Tag: ['Key', 'Value', 'tags'],
  MessageAttribute: ['Name', 'Value', 'MessageAttributes'],
  MessageSystemAttribute: ['Name', 'Value', 'MessageSystemAttributes'],
};

/** Members that are integers in the model: sent as decimal strings, read as numbers when they are. */
const INTEGERS = new Set(['MaxNumberOfMessages', 'VisibilityTimeout', 'WaitTimeSeconds', 'DelaySeconds', 'MaxResults']);

/** Converts decoded form parameters into the JSON request shape of the same operation. */
export function paramsFromQuery(form: ReadonlyMap<string, string>): Record<string, unknown> {
  const tree: Tree = {};
  for (const [name, value] of form) {
    if (name === 'Action' || name === 'Version') continue;
    insertPath(tree, name.split('.'), value);
  }
  return convertStructure(tree);
}

function insertPath(tree: Tree, parts: string[], value: string): void {
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = node[part];
    if (typeof next === 'object') node = next;
    else node = node[part] = {};
  }
  node[parts[parts.length - 1]!] = value;
}

function convertStructure(tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    const list = LISTS[key];
    const map = MAPS[key];
    if (list && typeof node === 'object') out[list] = indexed(node).map((item) => (typeof item === 'object' ? convertStructure(item) : item));
    else if (map && typeof node === 'object') out[map[2]] = convertMap(node, map[0], map[1]);
    else if (typeof node === 'object') out[key] = convertStructure(node);
    else out[key] = INTEGERS.has(key) && /^-?\d+$/.test(node) ? Number(node) : node;
  }
  return out;
}

function convertMap(node: Tree, keyName: string, valueName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of indexed(node)) {
    if (typeof entry !== 'object') continue;
    const key = entry[keyName];
    if (typeof key !== 'string') continue;
    const value = entry[valueName];
    out[key] = typeof value === 'object' ? convertStructure(value) : (value ?? '');
  }
  return out;
}

/** The members of `Name.1`, `Name.2`, … in index order. */
function indexed(node: Tree): Array<Tree | string> {
  return Object.keys(node)
    .filter((key) => /^\d+$/.test(key))
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => node[key]!);
}
