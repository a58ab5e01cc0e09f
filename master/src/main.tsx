import '@ferry/web/styles.css';
import './ui/master.css';
import { render } from 'preact';
import { consoleLogger } from '@ferry/web/platform/browser';
import { browserWiring } from '@ferry/web/platform/browser-wiring';
import { MasterSession } from './master-session';
import { addressWithoutToken, tokenFromFragment } from './token';
import { MasterApp } from './ui/master-app';

// The host page's entry: the only place that reads `location`.
const joinLink = `${location.origin}/`;
const wiring = browserWiring(location);
// The token leaves the address bar (and this history entry) once the identity it unlocked is
// stored: a reload then resumes from storage. Not before, so a reload while the daemon is
// unreachable still has it.
const storage: typeof wiring.storage = {
  ...wiring.storage,
  set: async (key, value) => {
    await wiring.storage.set(key, value);
    const clean = addressWithoutToken(location.href);
    if (clean !== null) history.replaceState(history.state, '', clean);
  },
};
const session = new MasterSession({ ...wiring, storage, token: tokenFromFragment(location.hash) });

window.addEventListener('online', () => session.retryNow());

// navigator.clipboard exists only on secure pages (https or localhost), not on a plain-HTTP LAN address.
const copy = async (text: string): Promise<boolean> => {
  if (!('clipboard' in navigator)) return false;
  await navigator.clipboard.writeText(text);
  return true;
};

const root = document.getElementById('app');
if (root)
  render(<MasterApp session={session} joinLink={joinLink} {...(window.isSecureContext ? { copy } : {})} />, root);
session.init().catch((error: unknown) => consoleLogger.warn('could not start', error));
