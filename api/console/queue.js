// The queue: sessions by risk (flagged first), with filters kept in the route's query (`#/?verdict=…`).
import { ApiError } from './api.js';
import { badge, h, isoToLocalInput, localInputToIso, replace, techniqueEl, timeEl } from './dom.js';

const FLAGGED = ['escalation', 'mistake'];
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const STATUSES = [
  ['', 'Any'],
  ['new,acknowledged', 'Open cases (new, acknowledged)'],
  ['new', 'New'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
  ['suppressed', 'Suppressed'],
];
const ATTRIBUTIONS = [
  ['', 'Any'],
  ['unattributed', 'Unattributed (no person named)'],
  ['attributed', 'Attributed to a person'],
];
const TEXT_FILTERS = [
  ['user', 'User', 'email or id'],
  ['agent', 'Agent', 'e.g. codex_cli_rs'],
  ['technique', 'Technique', 'e.g. T1041'],
  ['q', 'Search', 'title, rationale, commands'],
];
const PAGE_SIZE = 50;
const CLOSING = new Set(['resolved', 'suppressed']);
const BULK_STATUSES = [
  ['', 'Status: unchanged'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
  ['suppressed', 'Suppressed'],
  ['new', 'New (reopen)'],
];
const BULK_VERDICTS = [
  ['', 'Analyst verdict: unchanged'],
  ['true_positive', 'True positive'],
  ['false_positive', 'False positive'],
  ['benign', 'Benign'],
  ['undetermined', 'Undetermined'],
];

/** Route query → API query for `GET /v1/sessions`. */
function apiQuery(params) {
  const q = {
    sort: params.get('sort') === 'recent' ? 'recent' : 'risk',
    verdict: params.has('verdict') ? params.get('verdict') : FLAGGED.join(','),
    limit: String(PAGE_SIZE),
  };
  for (const key of [
    'severity',
    'status',
    'attribution',
    'user',
    'agent',
    'technique',
    'q',
    'start_time',
    'end_time',
  ]) {
    const v = params.get(key);
    if (v) q[key] = v;
  }
  return q;
}

function select(name, id, options, value, testid) {
  return h(
    'select',
    { name, id, testid },
    options.map(([v, label]) => h('option', { value: v, selected: v === value, text: label })),
  );
}

function field(id, label, control) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), control);
}

function filtersForm(ctx, params) {
  const query = apiQuery(params);
  const verdicts = new Set(query.verdict ? query.verdict.split(',') : ['escalation', 'mistake', 'benign']);
  const verdictBox = (value, label, testid) =>
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'verdict', value, checked: verdicts.has(value), testid }),
      label,
    );
  const severityList = query.severity ? query.severity.split(',') : [];
  const minSeverity = SEVERITIES.find((s) => severityList.includes(s)) || '';
  const form = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': 'Queue filters', testid: 'queue-filters' },
    h(
      'fieldset',
      { class: 'verdicts' },
      h('legend', { text: 'Verdict' }),
      verdictBox('escalation', 'Escalation', 'filter-escalation'),
      verdictBox('mistake', 'Mistake', 'filter-mistake'),
      verdictBox('benign', 'Show benign', 'show-benign'),
    ),
    field(
      'f-severity',
      'Severity',
      select(
        'severity',
        'f-severity',
        [
          ['', 'Any'],
          ['critical', 'Critical'],
          ['high', 'High and above'],
          ['medium', 'Medium and above'],
          ['low', 'Low and above'],
        ],
        minSeverity,
        'filter-severity',
      ),
    ),
    field(
      'f-status',
      'Case status',
      select('status', 'f-status', STATUSES, query.status || '', 'filter-status'),
    ),
    field(
      'f-attribution',
      'Person',
      select('attribution', 'f-attribution', ATTRIBUTIONS, query.attribution || '', 'filter-attribution'),
    ),
    TEXT_FILTERS.map(([name, label, placeholder]) =>
      field(
        `f-${name}`,
        label,
        h('input', {
          id: `f-${name}`,
          name,
          type: name === 'q' ? 'search' : 'text',
          value: query[name] || '',
          placeholder,
          testid: `filter-${name}`,
        }),
      ),
    ),
    field(
      'f-start',
      'Active from',
      h('input', {
        id: 'f-start',
        name: 'start_time',
        type: 'datetime-local',
        value: isoToLocalInput(query.start_time),
        testid: 'filter-start',
      }),
    ),
    field(
      'f-end',
      'Active until',
      h('input', {
        id: 'f-end',
        name: 'end_time',
        type: 'datetime-local',
        value: isoToLocalInput(query.end_time),
        testid: 'filter-end',
      }),
    ),
    field(
      'f-sort',
      'Sort',
      select(
        'sort',
        'f-sort',
        [
          ['risk', 'Risk'],
          ['recent', 'Most recent'],
        ],
        query.sort,
        'filter-sort',
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'filter-apply', text: 'Apply' }),
      h('button', {
        type: 'button',
        testid: 'filter-reset',
        text: 'Reset',
        onclick: () => ctx.navigate('#/'),
      }),
    ),
  );
  const apply = () => {
    const el = form.elements;
    const next = new URLSearchParams();
    const checked = [...form.querySelectorAll('input[name=verdict]')]
      .filter((c) => c.checked)
      .map((c) => c.value);
    // No box ticked means no verdict filter; the default (no parameter) is the flagged verdicts.
    const verdict =
      checked.length === 3 || checked.length === 0 ? 'escalation,mistake,benign' : checked.join(',');
    if (verdict !== FLAGGED.join(',')) next.set('verdict', verdict);
    const min = el.namedItem('severity').value;
    if (min) next.set('severity', SEVERITIES.slice(SEVERITIES.indexOf(min)).join(','));
    if (el.namedItem('status').value) next.set('status', el.namedItem('status').value);
    if (el.namedItem('attribution').value) next.set('attribution', el.namedItem('attribution').value);
    for (const [name] of TEXT_FILTERS) {
      const v = el.namedItem(name).value.trim();
      if (v) next.set(name, v);
    }
    const start = localInputToIso(el.namedItem('start_time').value);
    const end = localInputToIso(el.namedItem('end_time').value);
    if (start) next.set('start_time', start);
    if (end) next.set('end_time', end);
    if (el.namedItem('sort').value === 'recent') next.set('sort', 'recent');
    const s = next.toString();
    ctx.navigate(s ? `#/?${s}` : '#/');
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  // Checkboxes and selects apply at once; text and time fields on Enter / Apply.
  form.addEventListener('change', (event) => {
    if (event.target.matches('input[type=checkbox], select')) apply();
  });
  return form;
}

function userText(user) {
  return user?.email || user?.id || 'unattributed';
}

function sessionRow(ctx, s, selection) {
  const href = ctx.sessionHash(s.session_id);
  const row = h(
    'tr',
    { class: `session-row row-${s.verdict}`, testid: 'session-row', dataset: { sessionId: s.session_id } },
    selection
      ? h(
          'td',
          {},
          h('input', {
            type: 'checkbox',
            class: 'select-row',
            testid: 'select-row',
            'aria-label': `Select ${s.title || s.session_id}`,
            disabled: !s.finding_id,
            onchange: (event) => selection.toggle(s.finding_id, event.target.checked),
          }),
        )
      : null,
    h('td', {}, badge('verdict', s.verdict, 'row-verdict')),
    h('td', {}, badge('severity', s.severity, 'row-severity')),
    h('td', { class: 'num', testid: 'row-score', text: s.score ?? '—' }),
    h(
      'td',
      { class: 'title-cell' },
      h('a', { href, testid: 'row-title', text: s.title || s.rationale || '(no title)' }),
      h('div', { class: 'muted small mono', text: s.session_id }),
    ),
    h('td', { class: 'wrap', testid: 'row-user', text: userText(s.user) }),
    h(
      'td',
      { testid: 'row-agent' },
      s.agent || '—',
      s.source ? h('div', { class: 'muted small', text: s.source }) : null,
    ),
    h(
      'td',
      { class: 'techniques', testid: 'row-techniques' },
      (s.techniques || []).map((t) => h('span', { class: 'chip' }, techniqueEl(t))),
    ),
    h('td', {}, badge('case', s.case?.status, 'row-case-status')),
    h('td', { class: 'nowrap' }, timeEl(s.last_event_at)),
  );
  // The title is the keyboard target; the whole row is a click target (links inside keep their own behaviour).
  row.addEventListener('click', (event) => {
    if (event.target.closest('a, input')) return;
    ctx.navigate(href);
  });
  return row;
}

/**
 * One disposition for the selected sessions' latest findings (`POST /v1/findings/dispositions`), for analysts
 * and admins. Closing needs a reason, as on the session page.
 */
function bulkBar(ctx, selection, done) {
  const count = h('span', { testid: 'bulk-count', text: 'No session selected' });
  const status = select('status', 'bulk-status', BULK_STATUSES, '', 'bulk-status');
  const verdict = select('analyst_verdict', 'bulk-verdict', BULK_VERDICTS, '', 'bulk-verdict');
  const assignee = h('input', {
    id: 'bulk-assignee',
    name: 'assignee',
    placeholder: 'assignee',
    testid: 'bulk-assignee',
  });
  const reason = h('input', {
    id: 'bulk-reason',
    name: 'reason',
    placeholder: 'reason (to close)',
    testid: 'bulk-reason',
  });
  const apply = h('button', {
    type: 'submit',
    testid: 'bulk-apply',
    text: 'Apply to selected',
    disabled: true,
  });
  const message = h('p', { class: 'form-error', role: 'alert', testid: 'bulk-error' });
  selection.onChange = (n) => {
    count.textContent = n ? `${n} selected` : 'No session selected';
    apply.disabled = n === 0;
  };
  const form = h(
    'form',
    { class: 'bulk', testid: 'bulk-form', 'aria-label': 'Disposition of the selected sessions' },
    count,
    h('label', { class: 'visually-hidden', for: 'bulk-status', text: 'Status' }),
    status,
    h('label', { class: 'visually-hidden', for: 'bulk-verdict', text: 'Analyst verdict' }),
    verdict,
    h('label', { class: 'visually-hidden', for: 'bulk-assignee', text: 'Assignee' }),
    assignee,
    h('label', { class: 'visually-hidden', for: 'bulk-reason', text: 'Reason' }),
    reason,
    apply,
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    const body = { finding_ids: [...selection.ids] };
    if (status.value) body.status = status.value;
    if (verdict.value) body.analyst_verdict = verdict.value;
    if (assignee.value.trim()) body.assignee = assignee.value.trim();
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (Object.keys(body).length === 1) {
      message.textContent = 'Nothing to apply: choose a status, a verdict or an assignee.';
      return;
    }
    if (body.status && CLOSING.has(body.status) && !body.reason) {
      message.textContent = `A reason is required to set cases to ${body.status}.`;
      reason.focus();
      return;
    }
    apply.disabled = true;
    try {
      const result = await ctx.api('/v1/findings/dispositions', { method: 'POST', body });
      if (!ctx.isCurrent()) return;
      done(
        `Disposition recorded for ${result.updated.length} finding${result.updated.length === 1 ? '' : 's'}.`,
      );
    } catch (err) {
      apply.disabled = false;
      message.textContent =
        err instanceof ApiError ? err.describe() : `Request failed: ${err?.message || err}`;
    }
  });
  return form;
}

export async function renderQueue(main, ctx, params, notice = '') {
  document.title = 'Queue · Warden';
  const query = apiQuery(params);
  // Analysts and admins select sessions for a bulk disposition; viewers only read.
  const selection =
    ctx.me.role === 'viewer'
      ? null
      : {
          ids: new Set(),
          onChange: () => {},
          toggle(id, on) {
            if (on) this.ids.add(id);
            else this.ids.delete(id);
            this.onChange(this.ids.size);
          },
        };
  const tbody = h('tbody', { testid: 'queue-rows' });
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite', testid: 'queue-status' });
  const loadMore = h('button', { type: 'button', testid: 'load-more', text: 'Load more', hidden: true });
  const table = h(
    'table',
    { class: 'queue', testid: 'queue-table' },
    h('caption', { class: 'visually-hidden', text: 'Sessions' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        selection ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', text: 'Select' })) : null,
        ['Verdict', 'Severity', 'Score', 'Title', 'User', 'Agent', 'Techniques', 'Case', 'Last activity'].map(
          (t) => h('th', { scope: 'col', text: t }),
        ),
      ),
    ),
    tbody,
  );
  replace(
    main,
    h('h1', { text: 'Queue' }),
    filtersForm(ctx, params),
    selection
      ? bulkBar(ctx, selection, (done) => renderQueue(main, ctx, params, done).catch(ctx.showError))
      : null,
    notice ? h('p', { class: 'saved', role: 'status', testid: 'bulk-saved', text: notice }) : null,
    status,
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'more' }, loadMore),
  );

  let cursor = null;
  let shown = 0;
  const load = async () => {
    loadMore.disabled = true;
    status.textContent = 'Loading…';
    try {
      const page = await ctx.api('/v1/sessions', { query: cursor ? { ...query, cursor } : query });
      if (!ctx.isCurrent()) return;
      for (const s of page.data) tbody.append(sessionRow(ctx, s, selection));
      shown += page.data.length;
      cursor = page.next_cursor;
      loadMore.hidden = !cursor;
      status.textContent = shown
        ? `${shown} session${shown === 1 ? '' : 's'}${cursor ? ' (more available)' : ''}`
        : 'No sessions match these filters.';
    } catch (err) {
      status.textContent = '';
      throw err;
    } finally {
      loadMore.disabled = false;
    }
  };
  loadMore.addEventListener('click', () => load().catch(ctx.showError));
  await load();
}
