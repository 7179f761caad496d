import { describe, expect, it } from 'vitest';
import {
  endpointHost,
  formatCompactTokens,
  formatDateTime,
  formatInteger,
  formatLatency,
  formatPricePerMillion,
} from '../../../renderer/src/lib/format.ts';

describe('formatPricePerMillion', () => {
  it('turns a per-token price into dollars per million tokens', () => {
    expect(formatPricePerMillion(0.0000003, 'en')).toBe('$0.30');
    expect(formatPricePerMillion(0.0000025, 'en')).toBe('$2.50');
    expect(formatPricePerMillion(0.000015, 'en')).toBe('$15.00');
    expect(formatPricePerMillion(0.000001, 'en')).toBe('$1.00');
  });

  it('keeps sub-cent precision instead of rounding small prices away', () => {
    expect(formatPricePerMillion(0.0000000375, 'en')).toBe('$0.0375');
    expect(formatPricePerMillion(2e-7, 'en')).toBe('$0.20');
  });

  it('never shows a tiny positive price as $0.00', () => {
    const text = formatPricePerMillion(1e-12, 'en');
    expect(text).toBe('<$0.0001');
    expect(text).not.toBe('$0.00');
  });

  it('returns null (unpriced) for a missing price, never zero or "free"', () => {
    expect(formatPricePerMillion(null, 'en')).toBeNull();
    expect(formatPricePerMillion(Number.NaN, 'en')).toBeNull();
    expect(formatPricePerMillion(-1, 'en')).toBeNull();
  });

  it('shows an explicitly configured zero price as zero', () => {
    expect(formatPricePerMillion(0, 'en')).toBe('$0.00');
  });

  it('formats for the chosen locale, still in US dollars', () => {
    expect(formatPricePerMillion(0.0000003, 'zh-CN')).toBe('US$0.30');
  });
});

describe('endpointHost', () => {
  it('shows the host of a URL', () => {
    expect(endpointHost('https://openrouter.ai/api/v1/chat/completions')).toBe('openrouter.ai');
  });

  it('keeps a non-default port', () => {
    expect(endpointHost('http://127.0.0.1:11434/v1/chat/completions')).toBe('127.0.0.1:11434');
    expect(endpointHost('http://[::1]:8080/v1')).toBe('[::1]:8080');
  });

  it('drops credentials, path and query', () => {
    expect(endpointHost('https://user:pass@api.example.com/v1?x=1')).toBe('api.example.com');
  });

  it('returns a non-URL as it is instead of hiding it', () => {
    expect(endpointHost('not a url')).toBe('not a url');
    expect(endpointHost('')).toBe('');
  });
});

describe('formatLatency', () => {
  it('shows whole milliseconds with grouping', () => {
    expect(formatLatency(850, 'en')).toBe('850 ms');
    expect(formatLatency(1450.6, 'en')).toBe('1,451 ms');
    expect(formatLatency(0, 'en')).toBe('0 ms');
  });

  it('uses the locale unit', () => {
    expect(formatLatency(1450, 'zh-CN')).toBe('1,450毫秒');
  });

  it('never shows a negative latency', () => {
    expect(formatLatency(-3, 'en')).toBe('0 ms');
  });
});

describe('token counts', () => {
  it('keeps counts below 100,000 exact', () => {
    expect(formatCompactTokens(8192, 'en')).toBe('8,192');
    expect(formatCompactTokens(64_000, 'en')).toBe('64,000');
  });

  it('shortens large counts and keeps the full number available', () => {
    expect(formatCompactTokens(1_048_576, 'en')).toBe('1.05M');
    expect(formatCompactTokens(2_000_000, 'en')).toBe('2M');
    expect(formatCompactTokens(128_000, 'en')).toBe('128K');
    expect(formatCompactTokens(131_072, 'en')).toBe('131K');
    expect(formatCompactTokens(128_000, 'zh-CN')).toBe('12.8万');
    expect(formatCompactTokens(1_048_576, 'zh-CN')).toBe('105万');
    expect(formatInteger(1_048_576, 'en')).toBe('1,048,576');
  });
});

describe('formatDateTime', () => {
  it('shows a valid timestamp as local date and time', () => {
    const text = formatDateTime('2026-03-04T10:20:30.000Z', 'en');
    expect(text).toMatch(/2026/);
    expect(text).not.toBe('2026-03-04T10:20:30.000Z');
  });

  it('shows an unparsable timestamp as it came', () => {
    expect(formatDateTime('yesterday', 'en')).toBe('yesterday');
  });
});
