// Dead letters (admins): the records triage could not store or judge, why, where they sat on the bus, and a
// way to send them through triage again once what broke them is fixed.
import { ApiError } from './api.js';
import { badge, h, replace, timeEl } from './dom.js';

const PAGE_SIZE = 100;

function row(ctx, d, onReplay) {
  const replay = h('button', {
    type: 'button',
    testid: 'dead-letter-replay',
    text: d.status === 'open' ? 'Replay' : 'Replay again',
    onclick: () => onReplay([d.dead_letter_id], replay),
  });
  return h(
    'tr',
    { testid: 'dead-letter-row', dataset: { id: d.dead_letter_id } },
    h('td', {}, badge('dlstatus', d.status, 'dead-letter-status')),
    h('td', { text: d.stage }),
    h(
      'td',
      {},
      d.session_id ? h('a', { href: ctx.sessionHash(d.session_id), text: d.session_id }) : '—',
      d.event_id ? h('div', { class: 'muted', text: `event ${d.event_id}` }) : null,
    ),
    h('td', { class: 'dead-letter-error' }, h('pre', { testid: 'dead-letter-error', text: d.error })),
    h('td', { text: `${d.bus.kind} ${d.bus.partition}:${d.bus.offset}` }),
    h('td', {}, timeEl(d.first_seen_at), h('br'), timeEl(d.last_seen_at)),
    h('td', { text: String(d.attempts) }),
    h('td', {}, replay),
  );
}

/** `#/dead-letters`: the workspace's dead letters, newest failure first. */
export async function renderDeadLetters(main, ctx) {
  document.title = 'Dead letters · Warden';
  const message = h('p', { class: 'muted', role: 'status', testid: 'dead-letters-message' });
  const body = h('tbody');
  const replayAll = h('button', {
    type: 'button',
    class: 'primary',
    testid: 'dead-letters-replay-all',
    text: 'Replay all open',
  });
  const table = h(
    'table',
    { class: 'dead-letters', testid: 'dead-letters' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Status', 'Stage', 'Session', 'Error', 'Bus position', 'First / last failure', 'Attempts', ''].map(
          (t) => h('th', { scope: 'col', text: t }),
        ),
      ),
    ),
    body,
  );
  replace(
    main,
    h('h1', { text: 'Dead letters' }),
    h('p', {
      class: 'muted',
      text: 'Records triage could not store or judge. The rest of their batch went on; each waits here until it is replayed after a fix. A replay that fails again comes back with one more attempt.',
    }),
    h('div', { class: 'toolbar' }, replayAll, message),
    table,
  );

  async function load() {
    const page = await ctx.api('/v1/dead-letters', { query: { limit: String(PAGE_SIZE) } });
    if (!ctx.isCurrent()) return;
    replace(
      body,
      page.data.map((d) => row(ctx, d, replay)),
    );
    replayAll.disabled = !page.data.some((d) => d.status === 'open');
    if (!page.data.length) message.textContent = 'No dead letters: every record was stored and judged.';
  }

  async function replay(ids, button) {
    button.disabled = true;
    message.textContent = 'Replaying…';
    try {
      const result = await ctx.api('/v1/dead-letters/replay', {
        method: 'POST',
        body: ids ? { dead_letter_ids: ids } : { all_open: true },
      });
      if (!ctx.isCurrent()) return;
      await load();
      message.textContent = `Sent ${result.replayed.length} record${result.replayed.length === 1 ? '' : 's'} through triage again.`;
    } catch (err) {
      button.disabled = false;
      message.textContent =
        err instanceof ApiError ? err.describe() : `Request failed: ${err?.message || err}`;
    }
  }
  replayAll.addEventListener('click', () => replay(undefined, replayAll));
  await load();
}
