import type { Page } from 'playwright-core';

/**
 * Why Chromium would not offer to install the page (CDP `Page.getInstallabilityErrors`: e.g.
 * 'no-manifest', 'manifest-missing-suitable-icon', 'not-from-secure-origin'), leaving out
 * 'in-incognito': every test context is an off-the-record profile, which a person's is not.
 */
export async function installabilityErrors(page: Page): Promise<string[]> {
  const session = await page.context().newCDPSession(page);
  try {
    const { installabilityErrors } = await session.send('Page.getInstallabilityErrors');
    return installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito');
  } finally {
    await session.detach();
  }
}

export interface FetchedIcon {
  src: string;
  sizes: string;
  declaredType: string;
  status: number;
  contentType: string;
  /** The decoded image's size, or null when it does not decode as an image. */
  decoded: { width: number; height: number } | null;
}

export interface FetchedManifest {
  href: string;
  status: number;
  contentType: string;
  manifest: Record<string, unknown>;
  icons: FetchedIcon[];
}

/**
 * The page's `<link rel="manifest">`, fetched and parsed by the page itself, and each icon it lists
 * fetched and decoded there: what a browser reads when it offers the install.
 */
export function fetchManifest(page: Page): Promise<FetchedManifest> {
  return page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
    if (!link) throw new Error('the page links no manifest');
    const response = await fetch(link.href);
    const manifest = (await response.json()) as Record<string, unknown>;
    const listed = Array.isArray(manifest['icons']) ? (manifest['icons'] as Array<Record<string, string>>) : [];
    const icons = await Promise.all(
      listed.map(async (icon) => {
        const src = new URL(icon['src'] ?? '', response.url).href;
        const iconResponse = await fetch(src);
        const image = new Image();
        image.src = src;
        const decoded = await image.decode().then(
          () => ({ width: image.naturalWidth, height: image.naturalHeight }),
          () => null,
        );
        return {
          src: icon['src'] ?? '',
          sizes: icon['sizes'] ?? '',
          declaredType: icon['type'] ?? '',
          status: iconResponse.status,
          contentType: iconResponse.headers.get('content-type') ?? '',
          decoded,
        };
      }),
    );
    return {
      href: link.href,
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      manifest,
      icons,
    };
  });
}
