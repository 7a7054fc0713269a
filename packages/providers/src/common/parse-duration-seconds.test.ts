import { describe, expect, it } from 'vitest';
import { findRetryDelayInMessage, parseDurationSeconds } from './parse-duration-seconds.ts';

describe('parseDurationSeconds', () => {
  it.each([
    ['34.07s', 34.07],
    ['539.477544ms', 0.539477544],
    ['68940s', 68940],
    ['19h14m47s', 69287],
    ['12', 12],
    ['1.5 seconds', 1.5],
  ])('should parse %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds, 9);
  });

  it.each([undefined, '', 'soon', '5x', '-3s'])('should refuse %s', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('findRetryDelayInMessage', () => {
  it.each([
    ['Rate limit reached for requests. Please try again in 11.054s.', 11.054],
    ['Please try again in 250ms', 0.25],
    ['You exceeded your current quota. Please retry in 54.88s.', 54.88],
    ['Your quota will reset after 19h14m47s.', 69287],
    ['try again in 2 seconds', 2],
  ])('should read %s', (message, seconds) => {
    expect(findRetryDelayInMessage(message)).toBeCloseTo(seconds, 9);
  });

  it('should return undefined without a delay', () => {
    expect(findRetryDelayInMessage('Something went wrong.')).toBeUndefined();
  });
});
