import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * `value`, changing at most once every `intervalMs` (the latest value wins; 0 passes every change
 * at once). For work that costs with the room's size, such as grouping 10,000 files, so that a
 * burst of changes (a folder being removed a few files at a time) is one render, not hundreds.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const lastAtMs = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = value;
  useEffect(() => {
    if (intervalMs <= 0 || timer.current !== null) return;
    const show = () => {
      timer.current = null;
      lastAtMs.current = Date.now();
      setShown(() => latest.current);
    };
    const waitMs = lastAtMs.current + intervalMs - Date.now();
    if (waitMs <= 0) show();
    else timer.current = setTimeout(show, waitMs);
  }, [value, intervalMs]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return intervalMs <= 0 ? value : shown;
}
