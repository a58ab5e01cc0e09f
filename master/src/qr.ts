import { renderSVG } from 'uqr';

/**
 * The QR code of `text` as a data: URL for an <img>: no markup is ever injected into the page.
 * Dark modules on a white ground with a quiet zone, so phone cameras read it in dark mode too.
 */
export function qrDataUrl(text: string): string {
  const svg = renderSVG(text, { ecc: 'M', border: 2, pixelSize: 8 });
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}
