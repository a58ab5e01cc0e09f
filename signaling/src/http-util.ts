import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Headers on every response. The CSP allows no inline script or style and no framing, so a file
 * name that slipped past the apps' text rendering still could not run.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets hash-wasm compile its SHA-256 (crypto.subtle is missing on plain-HTTP
    // LAN pages); it allows WebAssembly only, never JavaScript eval.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // camera and microphone stay allowed: Chrome lists local network interfaces for WebRTC only
  // once a page may use them (see docs/TESTING.md).
  'Permissions-Policy': 'geolocation=(), payment=(), usb=()',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

/** An error answer. With `closeConnection` the unread request body is not drained. */
export function sendError(res: ServerResponse, status: number, message: string, closeConnection = false): void {
  sendJson(res, status, { error: message }, closeConnection ? { Connection: 'close' } : {});
}

/** The bearer credential of a request, or null. */
export function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([^\s]{1,256})$/.exec(header.trim());
  return match?.[1] ?? null;
}
