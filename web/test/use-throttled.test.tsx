// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from '../src/hooks/use-throttled';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function Shown({ value, intervalMs }: { value: number; intervalMs: number }) {
  return <output>{useThrottled(value, intervalMs)}</output>;
}

const shown = () => document.querySelector('output')?.textContent;

describe('useThrottled', () => {
  it('shows the first change at once, then the latest at most once per interval', async () => {
    vi.useFakeTimers();
    const { rerender } = render(<Shown value={1} intervalMs={250} />);
    expect(shown()).toBe('1');
    rerender(<Shown value={2} intervalMs={250} />);
    expect(shown()).toBe('2');
    rerender(<Shown value={3} intervalMs={250} />);
    rerender(<Shown value={4} intervalMs={250} />);
    expect(shown()).toBe('2');
    await vi.advanceTimersByTimeAsync(249);
    expect(shown()).toBe('2');
    await vi.advanceTimersByTimeAsync(1);
    expect(shown()).toBe('4');
  });

  it('passes every change with no interval, and shows the current value when one starts', () => {
    const { rerender } = render(<Shown value={1} intervalMs={0} />);
    rerender(<Shown value={2} intervalMs={0} />);
    rerender(<Shown value={3} intervalMs={0} />);
    expect(shown()).toBe('3');
    rerender(<Shown value={4} intervalMs={250} />);
    expect(shown()).toBe('4');
  });
});
