import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * `value`, changing at most once every `intervalMs`: a change within the interval shows when it
 * ends (the latest value wins); 0 passes every change at once. For work that costs with the
 * room's size, such as grouping 10,000 files, so that a burst of changes (a folder removed a few
 * files at a time) is a few renders a second, not one per message.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const shown = useRef(value);
  const shownAtMs = useRef(Number.NEGATIVE_INFINITY);
  const [, setTick] = useState(0);
  if (shown.current !== value && (intervalMs <= 0 || Date.now() - shownAtMs.current >= intervalMs)) {
    shown.current = value;
    // Unthrottled changes start no interval: the first throttled one shows at once.
    shownAtMs.current = intervalMs > 0 ? Date.now() : Number.NEGATIVE_INFINITY;
  }
  const isBehind = shown.current !== value;
  useEffect(() => {
    if (!isBehind) return undefined;
    // Renders in between re-arm it for the same moment: the interval's end does not move.
    const timer = setTimeout(() => setTick((tick) => tick + 1), shownAtMs.current + intervalMs - Date.now());
    return () => clearTimeout(timer);
  });
  return shown.current;
}
