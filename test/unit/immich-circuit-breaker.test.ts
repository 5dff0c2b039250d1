import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/sources/immich/circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold of failures in a row, then lets one probe through per cool-down', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 3, coolDownMs: 1000, now: () => now });
    for (let i = 0; i < 2; i++) {
      expect(breaker.refuse()).toBeUndefined();
      breaker.unreachable('ECONNREFUSED');
    }
    expect(breaker.isOpen).toBe(false);
    breaker.unreachable('ECONNREFUSED');
    expect(breaker.isOpen).toBe(true);
    expect(breaker.refuse()).toBe('ECONNREFUSED');

    now = 1000;
    expect(breaker.refuse()).toBeUndefined(); // the probe
    expect(breaker.refuse()).toBe('ECONNREFUSED'); // others still refused while it runs
    breaker.unreachable('ECONNRESET'); // the probe failed: open again, for another cool-down
    expect(breaker.refuse()).toBe('ECONNRESET');
    now = 1999;
    expect(breaker.refuse()).toBe('ECONNRESET');
    now = 2000;
    expect(breaker.refuse()).toBeUndefined();
    breaker.succeeded();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.refuse()).toBeUndefined();
  });

  it('counts only failures in a row', () => {
    const breaker = new CircuitBreaker({ threshold: 2 });
    breaker.unreachable('x');
    breaker.succeeded();
    breaker.unreachable('x');
    expect(breaker.isOpen).toBe(false);
  });

  it('frees the probe slot when the probe is cancelled', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 1, coolDownMs: 10, now: () => now });
    breaker.unreachable('x');
    now = 10;
    expect(breaker.refuse()).toBeUndefined();
    breaker.released();
    expect(breaker.refuse()).toBeUndefined();
  });
});
