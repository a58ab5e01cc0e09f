#!/usr/bin/env node
// Draws the apps' bitmap icons from web/public/icon.svg, the one drawing: icon-192.png and
// icon-512.png for the web app manifests (Chromium wants both sizes to offer an install) and
// favicon.ico (16, 32 and 48 px) for browsers and tools that ask for /favicon.ico. Run it after
// changing the SVG and commit what it writes; the build only copies these files. It renders with
// the same Chromium as the e2e suite, so the bitmaps look exactly like the SVG in a browser.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'public');
const chromiumPath = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

/** An ICO file whose images are PNGs (read by every browser since IE 9 and by Windows since Vista). */
function icoOf(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // width; 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map(({ png }) => png)]);
}

const svg = await readFile(join(publicDir, 'icon.svg'));
const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  const render = async (size) => {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
        `<img width="${size}" height="${size}" src="data:image/svg+xml;base64,${svg.toString('base64')}">`,
    );
    await page.locator('img').evaluate((image) => image.decode());
    // Transparent outside the rounded square.
    return page.screenshot({ omitBackground: true });
  };
  for (const size of [192, 512]) await writeFile(join(publicDir, `icon-${size}.png`), await render(size));
  const small = [];
  for (const size of [16, 32, 48]) small.push({ size, png: await render(size) });
  await writeFile(join(publicDir, 'favicon.ico'), icoOf(small));
} finally {
  await browser.close();
}
console.log(`wrote icon-192.png, icon-512.png and favicon.ico in ${publicDir}`);
