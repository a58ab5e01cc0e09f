import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SECURITY_HEADERS, sendError } from './http-util';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json; charset=utf-8',
};

const SAFE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,100}$/;

interface Asset {
  mtimeMs: number;
  body: Buffer;
  /** Text assets compressed once when first read (the app bundles shrink about 4x). */
  gzipped: Buffer | null;
  etag: string;
  type: string;
}

/** Maps a URL path to a file of a built app: only plain names inside client/ or master/. */
function assetPath(pathname: string): { app: 'client' | 'master'; file: string } | null {
  if (pathname === '/' || pathname === '/index.html') return { app: 'client', file: 'index.html' };
  if (pathname === '/master' || pathname === '/master/') return { app: 'master', file: 'index.html' };
  // Where browsers and tools look for a site's icon when a page names none (both apps carry it).
  if (pathname === '/favicon.ico') return { app: 'client', file: 'favicon.ico' };
  const match = /^\/(client|master)\/([^/]+)$/.exec(pathname);
  if (!match) return null;
  const [, app, file = ''] = match;
  if (!SAFE_FILE.test(file) || file.includes('..')) return null;
  return { app: app === 'master' ? 'master' : 'client', file };
}

/**
 * Serves the built apps from memory, with an ETag and `no-cache`, so a browser revalidates
 * cheaply and never runs a stale bundle after an upgrade.
 */
export class StaticFiles {
  private readonly cache = new Map<string, Asset>();

  constructor(private readonly webRoot: string) {}

  handles(pathname: string): boolean {
    return assetPath(pathname) !== null;
  }

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const target = assetPath(pathname);
    if (!target) return sendError(res, 404, 'not found');
    const key = `${target.app}/${target.file}`;
    const path = join(this.webRoot, target.app, target.file);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      if (target.file === 'index.html')
        return sendError(res, 503, "Ferry's web apps are not built yet: run `npm run build`");
      return sendError(res, 404, 'not found');
    }
    let asset = this.cache.get(key);
    // A rebuild while the daemon runs is picked up: the cache is keyed on the file's mtime.
    if (!asset || asset.mtimeMs !== mtimeMs) {
      const body = await readFile(path);
      const type = TYPES[extname(target.file)] ?? 'application/octet-stream';
      asset = {
        mtimeMs,
        body,
        gzipped: /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024 ? gzipSync(body) : null,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        type: TYPES[extname(target.file)] ?? 'application/octet-stream',
      };
      this.cache.set(key, asset);
    }
    const headers = { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache', ETag: asset.etag, Vary: 'Accept-Encoding' };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip && asset.gzipped ? asset.gzipped : asset.body;
    res.writeHead(200, {
      ...headers,
      'Content-Type': asset.type,
      'Content-Length': body.length,
      ...(body === asset.gzipped ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
