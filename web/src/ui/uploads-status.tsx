import { useEffect } from 'preact/hooks';
import type { ViewStore } from '../session/view-store';
import type { UploadsView } from '../transfers/uploads-publisher';
import { useView } from '../hooks/use-view';

/**
 * While anyone downloads from this tab, closing it would stop them: the browser asks first. The
 * page's own words are not shown by browsers; calling preventDefault is what makes them ask.
 */
function useAskBeforeClosing(isActive: boolean): void {
  useEffect(() => {
    if (!isActive) return;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium asks only when returnValue is set as well.
      event.returnValue = '';
    };
    globalThis.addEventListener('beforeunload', ask);
    return () => globalThis.removeEventListener('beforeunload', ask);
  }, [isActive]);
}

/** A calm line while people download from this tab, and the browser's question before it closes. */
export function UploadsStatus({ store }: { store: ViewStore<UploadsView> }) {
  const { isAnyoneDownloading } = useView(store);
  useAskBeforeClosing(isAnyoneDownloading);
  if (!isAnyoneDownloading) return null;
  return (
    <div role="status" class="banner banner-info">
      Keep this tab open while people download: your files are sent from it.
    </div>
  );
}
