import { describe, expect, it } from 'vitest';
import { formatAge, formatJobTable, quoteArg } from '../../cli/table.js';

describe('ls table', () => {
  it('shows ages in the largest whole unit', () => {
    expect([formatAge(0), formatAge(59_999), formatAge(60_000), formatAge(7_200_000), formatAge(3 * 86_400_000)]).toEqual(['0s', '59s', '1m', '2h', '3d']);
  });

  it('quotes arguments a shell would split', () => {
    expect(['ls', '-la', 'a b', "it's", ''].map(quoteArg)).toEqual(['ls', '-la', "'a b'", `'it'\\''s'`, "''"]);
  });

  it('aligns the columns and cuts long lines to the width', () => {
    const uid = '1700000000.123e4567-e89b-12d3-a456-426614174000';
    const jobs = [
      { uid, status: 'exited' as const, exit: 3, 'started-at': 1_000, argv: ['sh', '-c', 'exit 3'] },
      { uid, status: 'running' as const, 'started-at': 1_000, 'rpc-name': 'listdir', 'cancel-requested': true },
    ];
    const table = formatJobTable(jobs, 61_000, 200).split('\n');
    expect(table[0]).toBe(`UID${' '.repeat(uid.length - 3)}  STATUS      EXIT  AGE  COMMAND`);
    expect(table[1]).toBe(`${uid}  exited      3     1m   sh -c 'exit 3'`);
    expect(table[2]).toBe(`${uid}  cancelling  -     1m   rpc listdir`);
    expect(formatJobTable(jobs, 61_000, 40).split('\n')[1]).toHaveLength(40);
  });
});
