import { useEffect, useState } from 'preact/hooks';
import type { ViewStore } from '../session/view-store';

/** The store's current value; re-renders on every change. */
export function useView<T>(store: ViewStore<T>): T {
  const [value, setValue] = useState(() => store.get());
  useEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}
