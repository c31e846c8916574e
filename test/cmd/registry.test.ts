import { describe, expect, it } from 'vitest';
import { registry } from '../../cmd/index.js';

/** Every path in a JSON Schema where an object allows keys it does not name. */
function findLooseObjects(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const loose = node.type === 'object' && node.properties !== undefined && node.additionalProperties !== false ? [path || '(root)'] : [];
  const children = Object.entries(node).flatMap(([key, value]) => {
    if (Array.isArray(value)) return value.flatMap((item, index) => findLooseObjects(item, `${path}/${key}/${index}`));
    return typeof value === 'object' ? findLooseObjects(value, `${path}/${key}`) : [];
  });
  return [...loose, ...children];
}

describe('the registered commands', () => {
  it('have strict argument schemas at every level, so a misspelled key is refused rather than dropped', () => {
    for (const command of registry.describe()) expect(findLooseObjects(command.args), command.name).toEqual([]);
  });

  it('refuse an unknown key naming it', () => {
    const listdir = registry.find('listdir');
    const parsed = listdir?.args.safeParse({ pth: 'cmd' });
    expect(parsed?.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['pth'] })]);
    const db = registry.find('db-copy')?.args.safeParse({ source: 'A', target: 'B', mode: 'subset', subset: { roots: [{ table: 't', where: 'true', limit: 3 }] } });
    expect(db?.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['limit'], path: ['subset', 'roots', 0] })]);
  });
});
