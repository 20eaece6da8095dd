// The bench's ratio column: figures run side by side in the same rounds are compared round by round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratioOf, type Figure } from '../../bench/figures.ts';

const figure = (value: number, rounds?: { group: string; values: number[] }): Figure => ({ label: 'x', value, unit: 'req/s', rounds });

test('the median of per-round ratios when both figures ran in the same rounds', () => {
  // A slow middle round halves both sides: per round the ratios are 3, 3 and 2; the medians
  // (2,400 and 1,000) would say 2.4.
  const mine = figure(2400, { group: 'small.16', values: [3000, 1500, 2400] });
  const theirs = figure(1000, { group: 'small.16', values: [1000, 500, 1200] });
  assert.deepEqual(ratioOf(mine, theirs), { ratio: 3, perRound: true });
  const even = ratioOf(figure(1, { group: 'g', values: [2, 6] }), figure(1, { group: 'g', values: [1, 2] }));
  assert.deepEqual(even, { ratio: 2.5, perRound: true });
});

test('the ratio of the values when the rounds were not run side by side', () => {
  const mine = figure(200, { group: 'coffer.large', values: [100, 200, 300] });
  assert.deepEqual(ratioOf(mine, figure(100, { group: 'peer.large', values: [50, 100, 150] })), { ratio: 2, perRound: false });
  assert.deepEqual(ratioOf(mine, figure(50)), { ratio: 4, perRound: false });
  assert.deepEqual(ratioOf(mine, figure(100, { group: 'coffer.large', values: [100, 100] })), { ratio: 2, perRound: false });
});
