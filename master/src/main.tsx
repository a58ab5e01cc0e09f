import { render } from 'preact';

render(<p>Ferry is loading…</p>, document.getElementById('app')!);
