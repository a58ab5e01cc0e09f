import { createHash, X509Certificate } from 'node:crypto';
import { connect as connectTls } from 'node:tls';
import { expect, test as base } from 'vitest';
import { launchChromium } from './support/browser.js';
import { installabilityErrors } from './support/install.js';
import { Room } from './support/room.js';
import { approve, joinAndWait } from './support/scenes.js';
import { MIB, randomFile } from './support/source-files.js';
import { expectRoute, expectSavedAs, startDownload, waitStatus } from './support/transfers.js';
import { master, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';

// `--tls self-signed` is for LAN use: a page reached by a LAN name over plain http is not a
// secure context (no WebCrypto, no save picker), while the same page over the self-signed https
// is, once the person accepts the certificate. `ferry-lan.test` stands in for the LAN address: the
// e2e network has loopback only, and Chrome treats every 127.0.0.1 page as secure already. The
// daemon serves only its own names and addresses (against DNS rebinding), so the stand-in name is
// allowed with `--allow-host`, as a host would allow a name of their LAN's DNS.
const LAN_NAME = 'ferry-lan.test';
const ALLOW_LAN_NAME = ['--allow-host', LAN_NAME];

const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest reads fixture dependencies from the pattern
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchChromium([`--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`]);
    onCleanup(() => browser.close());
    return browser;
  });

/** The base64 SHA-256 of the public key the daemon at `url` serves, as Chromium's SPKI flags take it. */
async function servedSpki(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const socket = connectTls({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().raw);
      socket.end();
    }).on('error', reject);
  });
  const key = new X509Certificate(raw).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(key).digest('base64');
}

function lanUrl(room: Room): string {
  const url = new URL(room.url);
  url.hostname = LAN_NAME;
  return url.origin;
}

test('a LAN page over plain http is not a secure context, and a download there is byte-exact', async ({
  browser,
  task,
  onTestFinished,
}) => {
  const room = await Room.open(browser, task.name, { extraArgs: ALLOW_LAN_NAME });
  onTestFinished(() => room.close({ hasFailed: task.result?.state === 'fail' }));
  const base = lanUrl(room);
  const host = await room.openMaster();
  await waitVisible(master.joinRequestsHeading(host.page));
  const ana = await joinAndWait(room, host, 'Ana', base);
  await approve(host, ana);
  const cleo = await joinAndWait(room, host, 'Cleo', base);
  await approve(host, cleo);
  for (const person of [ana, cleo])
    expect(await person.page.evaluate(() => [window.isSecureContext, typeof crypto.subtle])).toEqual([
      false,
      'undefined',
    ]);
  // Nor can it be installed: browsers install secure pages only (the docs say so).
  expect(await installabilityErrors(ana.page)).toContain('not-from-secure-origin');

  const source = await randomFile(room, 'over-http.bin', 3 * MIB + 123);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);
  const { saved } = await startDownload(cleo, source.name);
  await waitStatus(cleo, source.name, 'Saved');
  // Without a media permission (refused to insecure pages) Chrome may find no ICE candidate: the
  // route is whichever worked; the bytes must be exact either way.
  await expectSavedAs(saved, source);
});

test('with --tls self-signed the LAN page is a secure context, and a P2P download is byte-exact', async ({
  browser,
  task,
  onTestFinished,
}) => {
  const room = await Room.open(browser, task.name, { extraArgs: ['--tls', 'self-signed', ...ALLOW_LAN_NAME] });
  onTestFinished(() => room.close({ hasFailed: task.result?.state === 'fail' }));
  expect(room.url).toMatch(/^https:\/\//);
  expect(room.daemon.log()).toMatch(/fingerprint: [0-9A-F:]{95}/);
  // What a person does when the browser warns about the certificate: accept it for this site.
  room.contextOptions = { ignoreHTTPSErrors: true };
  const base = lanUrl(room);

  const host = await room.newPerson('host', base);
  await host.openMaster(room.daemon.masterToken);
  await waitVisible(master.joinRequestsHeading(host.page));
  const ana = await joinAndWait(room, host, 'Ana', base);
  await approve(host, ana);
  const cleo = await joinAndWait(room, host, 'Cleo', base);
  await approve(host, cleo);
  for (const person of [host, ana, cleo]) {
    expect(person.page.url().startsWith(`https://${LAN_NAME}:`)).toBe(true);
    expect(await person.page.evaluate(() => window.isSecureContext && typeof crypto.subtle === 'object')).toBe(true);
  }

  const source = await randomFile(room, 'over-tls.bin', 3 * MIB + 321);
  await roomUi.addFilesInput(ana.page).setInputFiles(source.path);
  const { saved } = await startDownload(cleo, source.name);
  await waitStatus(cleo, source.name, 'Saved');
  await expectRoute(cleo, source.name, 'via P2P');
  await expectSavedAs(saved, source);
  await room.screenshot('saved over tls');
});

// "Installable": browsers offer to install secure pages only. A certificate clicked through after a
// warning makes the page a secure context but not an installable one; once the device trusts it,
// both apps are installable on the LAN too (README, "Install it").
test('with --tls self-signed both apps install once the device trusts the certificate, not when it is clicked through', async ({
  browser,
  task,
  onTestFinished,
}) => {
  const room = await Room.open(browser, task.name, { extraArgs: ['--tls', 'self-signed', ...ALLOW_LAN_NAME] });
  onTestFinished(() => room.close({ hasFailed: task.result?.state === 'fail' }));
  room.contextOptions = { ignoreHTTPSErrors: true };
  const base = lanUrl(room);
  const visitor = await room.newPerson('visitor', base);
  for (const path of ['/', '/master']) {
    await visitor.page.goto(`${base}${path}`);
    expect(await visitor.page.evaluate(() => window.isSecureContext), path).toBe(true);
    expect(await installabilityErrors(visitor.page), path).toEqual(['not-from-secure-origin']);
  }

  // A device that trusts the certificate: this Chromium is told to trust exactly the daemon's key.
  const trusting = await launchChromium([
    `--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${await servedSpki(room.url)}`,
  ]);
  try {
    const page = await (await trusting.newContext()).newPage();
    for (const path of ['/', '/master']) {
      await page.goto(`${base}${path}`);
      expect(await installabilityErrors(page), path).toEqual([]);
    }
  } finally {
    await trusting.close();
  }
});
