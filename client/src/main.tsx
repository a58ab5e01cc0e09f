import '@ferry/web/styles.css';
import { render } from 'preact';
import { consoleLogger } from '@ferry/web/platform/browser';
import { browserWiring } from '@ferry/web/platform/browser-wiring';
import { ClientSession } from './session/client-session';
import { ClientApp } from './ui/client-app';

// The guest page's entry: the only place that reads `location`.
const session = new ClientSession(browserWiring(location));

// Coming back online is a good moment to skip the rest of the backoff; being offline never stops a try.
window.addEventListener('online', () => session.retryNow());

const root = document.getElementById('app');
if (root) render(<ClientApp session={session} />, root);
session.init().catch((error: unknown) => consoleLogger.warn('could not start', error));
