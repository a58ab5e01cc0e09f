import '@ferry/web/styles.css';
import './ui/master.css';
import { render } from 'preact';
import { consoleLogger } from '@ferry/web/platform/browser';
import { browserWiring } from '@ferry/web/platform/browser-wiring';
import { MasterSession } from './master-session';
import { tokenFromFragment } from './token';
import { MasterApp } from './ui/master-app';

// The host page's entry: the only place that reads `location`.
const joinLink = `${location.origin}/`;
const session = new MasterSession({ ...browserWiring(location), token: tokenFromFragment(location.hash) });

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
