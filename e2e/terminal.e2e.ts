import { join } from 'node:path';
import { expect } from 'vitest';
import { killAllCli } from '@ferry/signaling/test/support/cli-process';
import { PeerCli } from '@ferry/node-peer/test/cli/support';
import { test } from './support/room-variants.js';
import { openMasterTab, approve, joinAndWait } from './support/scenes.js';
import { MIB, randomFile, sha256OfFile } from './support/source-files.js';
import { expectRoute, expectSavedAs, startDownload, waitStatus } from './support/transfers.js';
import { master, room as roomUi } from './support/ui.js';
import { waitVisible } from './support/wait.js';
import type { Room } from './support/room.js';

/*
 * Issue 15: `ferry send` and `ferry get` in a room with browsers, both ways, as real processes
 * beside real Chromium: the host lets the terminal in from the master tab like anyone else.
 */

/** Ana in a browser, and a terminal peer named `name` the host lets in. */
async function browserAndTerminal(room: Room, args: (url: string) => string[], name: string) {
  const host = await openMasterTab(room);
  const ana = await joinAndWait(room, host, 'Ana');
  await approve(host, ana);
  const terminal = new PeerCli([...args(`${room.url}/`), '--name', name], await room.makeTempDir());
  await terminal.event('waiting');
  await master.approveButton(host.page, name).click();
  await terminal.event('admitted');
  return { host, ana, terminal };
}

/** A browser downloads what `ferry send` shares, then `ferry get` what the browser shares. */
async function bothWays(room: Room, route: 'via P2P' | 'via relay'): Promise<void> {
  try {
    const fromTerminal = await randomFile(room, 'from-terminal.bin', 6 * MIB + 321);
    const { ana, terminal } = await browserAndTerminal(room, (url) => ['send', url, fromTerminal.path], 'build-box');
    await terminal.event('shared');
    const { saved } = await startDownload(ana, fromTerminal.name);
    await waitStatus(ana, fromTerminal.name, 'Saved');
    await expectRoute(ana, fromTerminal.name, route);
    await expectSavedAs(saved, fromTerminal);
    await terminal.event('serving', (e) => e.to === 'Ana');
    await room.screenshot('browser saved from the terminal');

    const fromBrowser = await randomFile(room, 'from-browser.bin', 5 * MIB + 77);
    await roomUi.addFilesInput(ana.page).setInputFiles(fromBrowser.path);
    await waitVisible(roomUi.file(ana.page, fromBrowser.name));
    const out = await room.makeTempDir();
    const getter = new PeerCli(
      ['get', `${room.url}/`, '--file', fromBrowser.name, '--from', 'Ana', '-o', out],
      terminal.configDir,
    );
    expect((await getter.event('admitted')).resumed).toBe(true);
    expect(await getter.code()).toBe(0);
    expect(await sha256OfFile(join(out, fromBrowser.name))).toBe(fromBrowser.sha256);
    const routes = new Set(getter.events().flatMap((e) => (e.event === 'progress' ? [e.route] : [])));
    expect(routes.has(route === 'via P2P' ? 'relay' : 'p2p')).toBe(false);
  } finally {
    await killAllCli();
  }
}

test('a browser downloads what ferry send shares, and ferry get what a browser shares, via P2P', async ({ room }) => {
  await bothWays(room, 'via P2P');
});

test('the same both ways through the relay (--p2p off)', async ({ roomWithoutP2p: room }) => {
  await bothWays(room, 'via relay');
});
