import type { ComponentChildren } from 'preact';

interface Props {
  /** Shown next to the app name ("Host" on the master page). */
  badge?: string;
  banner?: ComponentChildren;
  children: ComponentChildren;
}

/** The frame of every page: the app's name, the status line, the content. */
export function Shell({ badge, banner, children }: Props) {
  return (
    <div class="app">
      <header class="app-header">
        <h1 class="brand">Ferry{badge ? <span class="brand-badge">{badge}</span> : null}</h1>
      </header>
      {banner}
      <main class="app-main">{children}</main>
    </div>
  );
}

/** A centred card for the screens before the room (join, waiting, not admitted). */
export function Card({ children }: { children: ComponentChildren }) {
  return <section class="card card-narrow">{children}</section>;
}
