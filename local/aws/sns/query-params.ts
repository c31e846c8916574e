// The query protocol's form parameters turned into a structured request. SNS's lists and maps are
// not flattened (botocore data/sns/2010-03-31/service-2.json; what awscli 2.9 and the SDK v3's
// AwsQueryProtocol send): a list is `Name.member.N`, a map `Name.entry.N.key` / `.value`, or with
// the model's locationNames `MessageAttributes.entry.N.Name` / `.Value.DataType`. So
// `Tags.member.1.Key=k&Tags.member.1.Value=v` becomes {Tags: [{Key: 'k', Value: 'v'}]} and
// `Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x` {Attributes: {DisplayName: 'x'}}.
// Every value stays a string; the operations' schemas read booleans and numbers.

type Tree = { [key: string]: Tree | string };

/** Converts decoded form parameters (without Action and Version) into the request's structure. */
export function paramsFromForm(form: ReadonlyMap<string, string>): Record<string, unknown> {
  const tree: Tree = {};
  for (const [name, value] of form) {
    if (name === 'Action' || name === 'Version') continue;
    insertPath(tree, name.split('.'), value);
  }
  return convertStructure(tree);
}

function insertPath(tree: Tree, parts: readonly string[], value: string): void {
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const next = node[part];
    if (typeof next === 'object') node = next;
    else node = node[part] = {};
  }
  const last = parts[parts.length - 1]!;
  // `Tags=` (an empty list) next to `Tags.member.1…` must not erase the list.
  if (typeof node[last] !== 'object') node[last] = value;
}

function convert(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'member' && typeof node.member === 'object') return indexed(node.member).map(convert);
  if (keys.length === 1 && keys[0] === 'entry' && typeof node.entry === 'object') return convertMap(node.entry);
  return convertStructure(node);
}

function convertStructure(tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) out[key] = convert(node);
  return out;
}

function convertMap(entries: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of indexed(entries)) {
    if (typeof entry !== 'object') continue;
    const key = entry.key ?? entry.Name;
    if (typeof key !== 'string') continue;
    const value = entry.value ?? entry.Value;
    out[key] = value === undefined ? '' : convert(value);
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
