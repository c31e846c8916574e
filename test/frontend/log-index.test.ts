import { describe, expect, it } from 'vitest';
import { parseRoute, lineHash } from '../../frontend/src/app/route.js';
import { describeJob, summarizeArgs } from '../../frontend/src/jobs/describe.js';
import { countWrappedRows, findGroupOf, findMatches, findRow, listVisibleLines, outlineLog, updateTexts } from '../../frontend/src/log/log-index.js';
import { createLogScreen } from '../../frontend/src/log/screen.js';

const LOG = ['::group::Build', 'step 1', '::endgroup::', 'between', '--- Test', 't1', '+++ Deploy', 'd1'];

describe('the log index', () => {
  it("finds GitHub's groups (to ::endgroup::, which is hidden) and Buildkite's sections (to the next header)", () => {
    const outline = outlineLog(LOG);
    expect(outline.groups).toEqual([
      { start: 0, end: 2, title: 'Build', collapsed: true },
      { start: 4, end: 6, title: 'Test', collapsed: true },
      { start: 6, end: 8, title: 'Deploy', collapsed: false },
    ]);
    expect([...outline.hidden]).toEqual([2]);
    expect(findGroupOf(outline, 1)?.title).toBe('Build');
    expect(findGroupOf(outline, 3)).toBeUndefined();
  });

  it('lists the lines that show, folding collapsed groups, and finds the row of a line', () => {
    const outline = outlineLog(LOG);
    const visible = listVisibleLines(LOG.length, outline, (group) => group.collapsed);
    expect([...(visible ?? [])]).toEqual([0, 3, 4, 6, 7]);
    expect(findRow(visible, 6)).toBe(3);
    expect(findRow(visible, 5)).toBe(-1);
    expect(listVisibleLines(3, outlineLog(['a', 'b', 'c']), () => true)).toBeUndefined();
  });

  it('finds the lines holding a text, ignoring case, and carries on from a line', () => {
    const texts = ['Error one', 'fine', 'an ERROR', 'error again'];
    expect(findMatches(texts, 'error')).toEqual([0, 2, 3]);
    expect(findMatches(texts, 'error', 3)).toEqual([3]);
    expect(findMatches(texts, '')).toEqual([]);
  });

  it('counts the rows a wrapped line takes, tabs to the next stop and wide characters as two', () => {
    expect(countWrappedRows('', 10)).toBe(1);
    expect(countWrappedRows('x'.repeat(10), 10)).toBe(1);
    expect(countWrappedRows('x'.repeat(11), 10)).toBe(2);
    expect(countWrappedRows('a\tb', 9)).toBe(1);
    expect(countWrappedRows('a\tbc', 9)).toBe(2);
    expect(countWrappedRows('日本語日本', 9)).toBe(2);
  });

  it("keeps the lines' texts in step with the screen from the first line it changed", () => {
    const screen = createLogScreen();
    const texts: string[] = [];
    screen.write('one\ntw');
    updateTexts(texts, screen.lines, screen.takeChanges());
    expect(texts).toEqual(['one', 'tw']);
    screen.write('o\n\x1b[2Aline\n');
    const from = screen.takeChanges();
    expect(from).toBe(0);
    updateTexts(texts, screen.lines, from);
    expect(texts).toEqual(['line', 'two', '']);
    screen.end();
    expect(screen.takeChanges()).toBe(2);
  });
});

describe('the page address and job titles', () => {
  it('reads #/job/UID, #/job/UID/L123 and a malformed uid as not found', () => {
    const uid = '1700000000.123e4567-e89b-42d3-a456-426614174000';
    expect(parseRoute(`#/job/${uid}`)).toEqual({ page: 'job', uid });
    expect(parseRoute(lineHash(uid, 123))).toEqual({ page: 'job', uid, line: 123 });
    expect(parseRoute('#/job/not-a-uid')).toEqual({ page: 'not-found', uid: 'not-a-uid' });
    expect(parseRoute('#/elsewhere')).toEqual({ page: 'home' });
  });

  it("titles a registered command's job with its arguments summarised, passwords hidden", () => {
    expect(describeJob({ 'rpc-name': 'listdir' }, { path: 'cmd' })).toBe('listdir path=cmd');
    expect(summarizeArgs({ source: 'postgres://me:secret@db/x', mask: [1, 2], subset: { roots: [] }, note: 'two words' })).toBe(
      'source=postgres://me:***@db/x mask=[2] subset={…} note="two words"',
    );
    expect(describeJob({ 'rpc-name': 'db-copy', 'rpc-args': '{"mode":"subset"}' })).toBe('db-copy mode=subset');
    expect(describeJob({ argv: ['sh', '-c', "echo 'hi'"] })).toBe(`sh -c 'echo '\\''hi'\\'''`);
    expect(describeJob({ argv: ['bash', '-c', 'echo one\necho two'] })).toBe('echo one ⏎ echo two');
  });
});
