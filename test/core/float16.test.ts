import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halfBitsToNumber, numberToHalfBits } from '../../src/core/index.ts';
import { halfValue } from '../modes/online/oip/oip-test-helpers.ts';

test('every half value converts to a number and back to the same bits', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const v = halfValue(bits);
    if (Number.isNaN(v)) {
      assert.ok(Number.isNaN(halfBitsToNumber(bits)));
      assert.equal(numberToHalfBits(v) & 0x7c00, 0x7c00);
      continue;
    }
    assert.equal(halfBitsToNumber(bits), v, `bits ${bits}`);
    assert.equal(numberToHalfBits(v), bits, `value ${v}`);
  }
});

test('numbers between halves round to the nearest, ties to even', () => {
  assert.equal(numberToHalfBits(1 + 2 ** -11), 0x3c00, 'tie between 1 and the next half goes to even (1)');
  assert.equal(numberToHalfBits(1 + 3 * 2 ** -11), 0x3c02, 'tie goes to the even neighbour above');
  assert.equal(numberToHalfBits(1 + 2 ** -11 + 2 ** -20), 0x3c01, 'above the tie rounds up');
  assert.equal(numberToHalfBits(0.1), 0x2e66);
  assert.equal(numberToHalfBits(65520), 0x7c00, 'past the largest half is infinity');
  assert.equal(numberToHalfBits(65519), 0x7bff);
  assert.equal(numberToHalfBits(2 ** -25), 0x0000, 'half the smallest subnormal ties to zero');
  assert.equal(numberToHalfBits(2 ** -25 * 1.5), 0x0001);
  assert.equal(numberToHalfBits(-(2 ** -30)), 0x8000);
  assert.equal(numberToHalfBits(-Infinity), 0xfc00);
});
