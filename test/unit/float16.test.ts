/**
 * Half-precision conversion (main/raster/float16.ts): IEEE 754 binary16 bit patterns worked
 * out by hand (rounding ties to even, overflow, subnormals, NaN, signed zero), every one of
 * the 65536 half patterns surviving half -> float -> half, and a random sweep of Float32 bit
 * patterns over the whole range checked against numpy's astype(float16) (round to nearest
 * even) as the oracle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatToHalfBits, fromHalf, halfBitsToFloat, toHalf } from '../../main/raster/float16.ts';
import { numpyHalfBits } from '../helpers/numpy-half.ts';

const hex = (h: number) => `0x${h.toString(16).padStart(4, '0')}`;

test('known bit patterns (normal, rounding ties to even, overflow, subnormal, zero, Inf, NaN)', () => {
  const cases: [number, number][] = [
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [65519.996, 0x7bff], // just below the halfway point to 65536
    [65520, 0x7c00], // halfway, ties to even -> Inf
    [1e10, 0x7c00],
    [-1e10, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway between 0 and 2^-24: ties to even -> 0
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 subnormal steps: even -> 2
    [2 ** -26, 0x0000],
    [-(2 ** -24), 0x8001],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1+2^-10: even -> 1
    [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1+2^-10 and 1+2^-9: even -> up
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above halfway -> up
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [0, 0x0000],
    [-0, 0x8000],
  ];
  for (const [v, bits] of cases) assert.equal(hex(floatToHalfBits(v)), hex(bits), `${v}`);
  assert.equal(floatToHalfBits(Number.NaN) & 0x7c00, 0x7c00);
  assert.notEqual(floatToHalfBits(Number.NaN) & 0x03ff, 0, 'NaN must not turn into Inf');
  assert.ok(Number.isNaN(halfBitsToFloat(floatToHalfBits(Number.NaN))));
});

test('decoding: exact values of known patterns', () => {
  assert.equal(halfBitsToFloat(0x3c00), 1);
  assert.equal(halfBitsToFloat(0x7bff), 65504);
  assert.equal(halfBitsToFloat(0x0001), 2 ** -24);
  assert.equal(halfBitsToFloat(0x03ff), 2 ** -14 - 2 ** -24);
  assert.equal(halfBitsToFloat(0xc000), -2);
  assert.equal(halfBitsToFloat(0x7c00), Infinity);
  assert.equal(halfBitsToFloat(0xfc00), -Infinity);
  assert.ok(Object.is(halfBitsToFloat(0x8000), -0));
  assert.ok(Number.isNaN(halfBitsToFloat(0x7e00)));
  assert.ok(Number.isNaN(halfBitsToFloat(0xfc01)));
});

test('every non-NaN half pattern survives half -> Float32 -> half (table decode and bulk encode)', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const floats = fromHalf(all, new Float32Array(65536));
  const back = toHalf(floats, new Uint16Array(65536));
  for (let h = 0; h < 65536; h++) {
    const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    // NaN payloads need not survive (JS may canonicalise them); NaN must stay NaN.
    if (nan) {
      if (!Number.isNaN(floats[h]) || (back[h] & 0x7c00) !== 0x7c00 || (back[h] & 0x3ff) === 0) assert.fail(`NaN ${hex(h)} -> ${hex(back[h])}`);
      continue;
    }
    if (back[h] !== h) assert.fail(`${hex(h)} -> ${floats[h]} -> ${hex(back[h])}`);
    const one = halfBitsToFloat(h);
    if (!(Object.is(one, floats[h]) || (Number.isNaN(one) && Number.isNaN(floats[h])))) assert.fail(`${hex(h)}: table ${floats[h]} vs ${one}`);
  }
});

test('random Float32 patterns over the whole range match numpy astype(float16)', () => {
  const n = 200_000;
  const bits = new Uint32Array(n);
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s);
  for (let i = 0; i < n; i++) {
    // Exponents spread around the half range (subnormal, normal, overflow) plus raw patterns.
    const sign = rnd() & 1;
    const exp = i % 4 === 0 ? rnd() & 0xff : 96 + (rnd() % 48);
    bits[i] = ((sign << 31) | (exp << 23) | (rnd() & 0x7fffff)) >>> 0;
  }
  // Half-way ties at every exponent, where rounding mistakes hide.
  for (let i = 0; i < 2000; i++) bits[i] = (((100 + (i % 40)) << 23) | ((i * 0x2000) & 0x7fe000) | 0x1000) >>> 0;
  const src = new Float32Array(bits.buffer);
  const want = numpyHalfBits(src);
  const got = toHalf(src, new Uint16Array(n));
  let nanCount = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(src[i])) {
      nanCount++;
      // NaN payloads are not specified by IEEE; only that NaN stays NaN.
      if ((got[i] & 0x7c00) !== 0x7c00 || (got[i] & 0x3ff) === 0) assert.fail(`NaN ${bits[i].toString(16)} -> ${hex(got[i])}`);
      continue;
    }
    if (got[i] !== want[i]) assert.fail(`${src[i]} (0x${bits[i].toString(16)}): ${hex(got[i])}, numpy ${hex(want[i])}`);
  }
  assert.ok(nanCount > 0 && nanCount < n / 100, `${nanCount} NaN patterns`);
});
