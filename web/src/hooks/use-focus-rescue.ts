import { useLayoutEffect, useRef } from 'preact/hooks';

/** Whether the browser took the focus away from `element`: it left the page, or became disabled. */
function isGone(element: HTMLElement): boolean {
  return !element.isConnected || (element instanceof HTMLButtonElement && element.disabled);
}

/**
 * Keeps the keyboard's focus in a part of the page whose focused control goes away (the Pause
 * button of a download that just finished, the Approve button of a request just answered). Without
 * it the browser drops the focus to the page body and a keyboard user starts again from the top.
 *
 * After each render, if the control last focused inside the container is gone and the focus is on
 * the body, the focus moves to what `target` returns then (a heading or row with tabIndex={-1}).
 * Focus the person moved away on purpose (a click elsewhere) leaves that control in place, so it is
 * never pulled back. Spread the returned handler on the container.
 */
export function useFocusRescue(target: () => HTMLElement | null | undefined): {
  onFocusIn: (event: FocusEvent) => void;
} {
  const lastFocused = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    const last = lastFocused.current;
    if (!last || !isGone(last)) return;
    lastFocused.current = null;
    const active = document.activeElement;
    if (active === null || active === document.body || active === last) target()?.focus();
  });
  return {
    onFocusIn: (event) => {
      lastFocused.current = event.target instanceof HTMLElement ? event.target : null;
    },
  };
}
