import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPublicFiles } from '../build/public-files.mjs';
import type { Daemon } from '../src/daemon';
import { startTestDaemon } from './helpers';

// The daemon serves the built apps: the right file per path, compressed, revalidated by ETag,
// always with the security headers, and never anything outside the two app folders.

let daemon: Daemon;
let webRoot: string;
const bundle = `console.log(${JSON.stringify('x'.repeat(5000))});`;

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'ferry-web-'));
  for (const app of ['client', 'master']) {
    await mkdir(join(webRoot, app));
    await writeFile(join(webRoot, app, 'index.html'), `<!doctype html><title>${app}</title>`);
    await writeFile(join(webRoot, app, 'app.js'), bundle);
  }
  await writeFile(join(webRoot, 'secret.txt'), 'not for the web');
  daemon = await startTestDaemon({ webRoot });
});

afterAll(async () => {
  await daemon.close();
  await rm(webRoot, { recursive: true, force: true });
});

describe('static files', () => {
  it('serves the client at / and the master at /master, with the security headers', async () => {
    for (const [path, title] of [
      ['/', 'client'],
      ['/master', 'master'],
      ['/master/', 'master'],
    ] as const) {
      const res = await fetch(`${daemon.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`<title>${title}</title>`);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('compresses bundles for clients that accept gzip', async () => {
    const { request } = await import('node:http');
    const body = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve, reject) => {
      request(`${daemon.url}/client/app.js`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(parts) }));
      })
        .on('error', reject)
        .end();
    });
    expect(body.encoding).toBe('gzip');
    expect(body.bytes.length).toBeLessThan(bundle.length / 4);
    expect(gunzipSync(body.bytes).toString()).toBe(bundle);
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await fetch(`${daemon.url}/client/app.js`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await fetch(`${daemon.url}/client/app.js`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it.each([
    '/client/../secret.txt',
    '/client/%2e%2e%2fsecret.txt',
    '/secret.txt',
    '/client/.hidden',
    '/client/a/b.js',
    '/master/..%2fsecret.txt',
  ])('refuses %s', async (path) => {
    const res = await fetch(`${daemon.url}${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('not for the web');
  });
});

/** The `<link>` tags of a page, each as its attributes. */
function linksOf(html: string): Array<Record<string, string>> {
  return [...html.matchAll(/<link\s([^>]*)>/g)].map(([, attributes = '']) =>
    Object.fromEntries(
      [...attributes.matchAll(/([a-z-]+)="([^"]*)"/g)].map(([, name = '', value = '']) => [name, value]),
    ),
  );
}

const PAGES = [
  ['client', '/'],
  ['master', '/master'],
] as const;

describe("the apps' icons, as the build lays them out", () => {
  let served: Daemon;
  let builtRoot: string;

  beforeAll(async () => {
    builtRoot = await mkdtemp(join(tmpdir(), 'ferry-web-public-'));
    for (const [app] of PAGES) {
      await mkdir(join(builtRoot, app));
      await copyPublicFiles(app, join(builtRoot, app));
    }
    served = await startTestDaemon({ webRoot: builtRoot });
  });

  afterAll(async () => {
    await served.close();
    await rm(builtRoot, { recursive: true, force: true });
  });

  it('/favicon.ico is an icon, with the security headers', async () => {
    const res = await fetch(`${served.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // An ICO header: reserved 0, type 1 (icon), then at least one image.
    expect(bytes.readUInt16LE(0)).toBe(0);
    expect(bytes.readUInt16LE(2)).toBe(1);
    expect(bytes.readUInt16LE(4)).toBeGreaterThan(0);
  });

  it.each(PAGES)('every icon the %s page links to answers 200 with its type', async (app, path) => {
    const html = await (await fetch(`${served.url}${path}`)).text();
    const icons = linksOf(html).filter((link) => link['rel'] === 'icon');
    expect(icons.map((icon) => icon['href'])).toEqual(expect.arrayContaining(['/favicon.ico', `/${app}/icon.svg`]));
    for (const icon of icons) {
      const res = await fetch(`${served.url}${icon['href'] ?? ''}`);
      expect(res.status, icon['href']).toBe(200);
      const type = icon['type'] ?? 'image/x-icon';
      expect(res.headers.get('content-type'), icon['href']).toBe(type);
      if (type === 'image/svg+xml')
        expect(await res.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
  });

  it.each(PAGES)(
    'the %s page links a web app manifest, served as one, whose icons are what it says',
    async (app, path) => {
      const html = await (await fetch(`${served.url}${path}`)).text();
      const manifestLink = linksOf(html).find((link) => link['rel'] === 'manifest');
      expect(manifestLink?.['href']).toBe(`/${app}/manifest.webmanifest`);
      const res = await fetch(`${served.url}${manifestLink?.['href'] ?? ''}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/manifest+json');
      const manifest = (await res.json()) as { icons: Array<{ src: string; sizes: string; type: string }> };
      // Each app installs as itself: its own id, start page and scope, in a window of its own.
      expect(manifest).toMatchObject({ id: path, start_url: path, scope: path, display: 'standalone' });
      expect(manifest.icons.map((icon) => `${icon.sizes} ${icon.type}`).sort()).toEqual([
        '192x192 image/png',
        '512x512 image/png',
        'any image/svg+xml',
      ]);
      for (const icon of manifest.icons) {
        const iconRes = await fetch(`${served.url}${icon.src}`);
        expect(iconRes.status, icon.src).toBe(200);
        expect(iconRes.headers.get('content-type'), icon.src).toBe(icon.type);
        const bytes = Buffer.from(await iconRes.arrayBuffer());
        if (icon.type === 'image/png') {
          // A PNG's IHDR: its width and height are the 4-byte numbers at 16 and 20.
          expect(bytes.subarray(1, 4).toString('latin1'), icon.src).toBe('PNG');
          expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
        }
      }
    },
  );
});
