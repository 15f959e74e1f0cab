import type { ComponentChildren } from 'preact';
import { useLiveStatus } from '../live.ts';
import { logout, type Me } from '../session.ts';

const NAV = [
  ['fleet', 'Fleet'],
  ['incidents', 'Incidents'],
  ['actions', 'Actions'],
  ['models', 'Models'],
  ['kpis', 'KPIs'],
] as const;

const LIVE_TEXT = { live: 'Live', connecting: 'Connecting…', offline: 'Offline, retrying' } as const;

export function Layout({ me, page, children }: { me: Me; page: string; children: ComponentChildren }) {
  const live = useLiveStatus();
  return (
    <>
      {/* a button, not <a href="#main">: the hash holds the route */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Vigil</span>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([id, label]) => (
              <li key={id}>
                <a href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live live-${live}`} role="status" title="Live updates from the control plane">
          <span aria-hidden="true">●</span> {LIVE_TEXT[live]}
        </span>
        <span class="who">
          {me.name} <span class="role">({me.role})</span>
        </span>
        <button
          type="button"
          onClick={() => {
            logout();
            location.hash = '#/login';
          }}
        >
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
