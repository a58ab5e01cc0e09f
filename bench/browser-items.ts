import type { Browser } from 'playwright-core';
import type { BareServer } from './bare-server';
import { benchBrowserMemory } from './browser-memory';
import { openAppRoom, type AppRoom } from './browser-room';
import { benchBrowserP2p, benchBrowserRelay, type BrowserBenchOptions } from './browser-transfers';
import { attempt, type Failed, type Figure } from './report';

export interface BrowserFigures {
  p2p?: Figure | Failed;
  relay?: Figure | Failed;
  memory?: Figure | Failed;
}

async function inRoom<T>(
  browser: Browser,
  isP2pOn: boolean,
  log: (line: string) => void,
  run: (room: AppRoom) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const room = await openAppRoom(browser, { isP2pOn });
  log(`room (p2p ${isP2pOn ? 'on' : 'off'}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    return await run(room);
  } finally {
    await room.close();
  }
}

/**
 * The browser items. P2P and memory share one room (a daemon and its people take seconds to set
 * up); memory adds an asker per size, each in a browser of its own. The relay needs a daemon at
 * `--p2p off`, so a room of its own.
 */
export async function benchBrowserItems(
  browser: Browser,
  server: BareServer,
  options: BrowserBenchOptions,
  items: { p2p: boolean; relay: boolean; memory: boolean },
): Promise<BrowserFigures> {
  const figures: BrowserFigures = {};
  if (items.p2p || items.memory) {
    const outcome = await attempt('the P2P room', () =>
      inRoom(browser, true, options.log, async (room) => {
        if (items.p2p) figures.p2p = await attempt('p2p', () => benchBrowserP2p(room, server, options));
        if (items.memory)
          figures.memory = await attempt('memory.browser', () =>
            benchBrowserMemory(room, options.isQuick, options.log),
          );
      }),
    );
    if (outcome !== undefined) {
      if (items.p2p) figures.p2p ??= outcome;
      if (items.memory) figures.memory ??= outcome;
    }
  }
  if (items.relay) {
    const outcome = await attempt('the relay room', () =>
      inRoom(browser, false, options.log, async (room) => {
        figures.relay = await attempt('relay', () => benchBrowserRelay(room, server, options));
      }),
    );
    if (outcome !== undefined) figures.relay ??= outcome;
  }
  return figures;
}
