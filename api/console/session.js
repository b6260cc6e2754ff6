// One session: verdict, rationale, techniques, detectors, verdict history, the event timeline (evidence
// highlighted) and the case panel with the disposition form.
import { ApiError, enc } from './api.js';
import { badge, fmtPercent, h, replace, techniqueEl, timeEl, words } from './dom.js';

const CLOSING = new Set(['resolved', 'suppressed']);
const STATUSES = ['new', 'acknowledged', 'resolved', 'suppressed'];
const ANALYST_VERDICTS = ['undetermined', 'true_positive', 'false_positive', 'benign'];
const REASONS = [
  'expected_admin_work',
  'authorized_testing',
  'detector_false_positive',
  'duplicate',
  'contained',
  'user_contacted',
];
/** Text longer than this (characters or lines) is collapsed behind a <details>. */
const LONG_CHARS = 600;
const LONG_LINES = 12;
/** Event pages fetched without asking while looking for the first evidence event. */
const AUTO_PAGES = 10;

function fact(label, value, testid) {
  return h('div', {}, h('dt', { text: label }), h('dd', { testid }, value));
}

function block(label, text, cls, testid, collapsed = false) {
  const str = String(text);
  const pre = h('pre', { class: cls, testid, text: str });
  const lines = str.split('\n').length;
  if (!collapsed && str.length <= LONG_CHARS && lines <= LONG_LINES) {
    return h('div', { class: 'block' }, h('div', { class: 'block-label', text: label }), pre);
  }
  return h(
    'details',
    { class: 'block long' },
    h('summary', { text: `${label} (${str.length.toLocaleString('en')} characters, ${lines} lines)` }),
    pre,
  );
}

function eventItem(e, evidence) {
  const isEvidence = e.is_evidence === true || evidence.has(e.event_id);
  const head = h(
    'div',
    { class: 'event-head' },
    e.sequence !== null && e.sequence !== undefined
      ? h('span', { class: 'seq', text: `#${e.sequence}` })
      : null,
    timeEl(e.time),
    h('span', { class: 'kind', text: words(e.kind) }),
    e.tool ? h('span', { class: 'tool', text: e.tool }) : null,
    e.decision ? badge('decision', e.decision) : null,
    e.decided_by ? h('span', { class: 'muted small', text: `by ${words(e.decided_by)}` }) : null,
    e.blocked
      ? h('span', { class: 'badge badge-blocked', testid: 'blocked', text: 'blocked: never ran' })
      : e.success === false
        ? h('span', { class: 'badge badge-failed', text: 'failed' })
        : null,
    typeof e.exit_code === 'number' ? h('span', { class: 'mono small', text: `exit ${e.exit_code}` }) : null,
    h('span', { class: 'source-event muted', text: e.source_event || '' }),
    isEvidence ? h('span', { class: 'evidence-label', testid: 'evidence-label', text: 'evidence' }) : null,
  );
  const body = [];
  if (e.prompt_redacted) body.push(h('p', { class: 'muted', text: 'Prompt redacted by the agent.' }));
  else if (e.prompt) body.push(block('Prompt', e.prompt, 'prompt', 'event-prompt'));
  if (e.command) body.push(block('Command', e.command, 'code command', 'event-command'));
  // A shell call's arguments repeat its command: folded away then.
  if (e.arguments) body.push(block('Arguments', e.arguments, 'code', 'event-arguments', Boolean(e.command)));
  if (e.output) body.push(block('Output', e.output, 'code output', 'event-output'));
  if (e.error) body.push(block('Error', e.error, 'code error', 'event-error'));
  return h(
    'li',
    {
      class: `event kind-${String(e.kind).replace(/[^a-z_]/gi, '')}${isEvidence ? ' evidence' : ''}`,
      testid: isEvidence ? 'evidence-event' : 'timeline-event',
      dataset: { eventId: e.event_id },
    },
    head,
    body,
  );
}

function verdictHistory(findings) {
  if (!findings?.length) return h('p', { class: 'muted', text: 'No findings yet.' });
  return h(
    'table',
    { class: 'history', testid: 'verdict-history' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Version', 'Judged', 'Verdict', 'Score', 'Severity', 'Title', 'Judge'].map((t) =>
          h('th', { scope: 'col', text: t }),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      findings.map((f) =>
        h(
          'tr',
          { testid: 'verdict-history-row' },
          h('td', { class: 'num', text: f.version }),
          h('td', { class: 'nowrap' }, timeEl(f.created_at)),
          h('td', {}, badge('verdict', f.verdict)),
          h('td', { class: 'num', text: f.score }),
          h('td', {}, badge('severity', f.severity)),
          h('td', { text: f.title || '' }),
          h('td', {
            class: 'small',
            text: [f.judge || 'rules', f.engine_version].filter(Boolean).join(' · '),
          }),
        ),
      ),
    ),
  );
}

function dispositionList(dispositions) {
  if (!dispositions?.length)
    return h('p', { class: 'muted', testid: 'no-dispositions', text: 'No analyst actions yet.' });
  return h(
    'ol',
    { class: 'dispositions', testid: 'dispositions' },
    dispositions.map((d) => {
      const changes = [];
      if (d.status) changes.push(['status', d.status]);
      if (d.analyst_verdict) changes.push(['verdict', d.analyst_verdict]);
      if (d.assignee) changes.push(['assignee', d.assignee]);
      if (d.reason) changes.push(['reason', d.reason]);
      return h(
        'li',
        { testid: 'disposition-entry', dataset: { dispositionId: d.disposition_id } },
        h(
          'div',
          { class: 'disp-head' },
          h('strong', { testid: 'disposition-actor', text: d.actor || 'unknown' }),
          ' ',
          timeEl(d.created_at),
        ),
        changes.length
          ? h(
              'dl',
              { class: 'disp-changes' },
              changes.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: words(v) })]),
            )
          : null,
        d.note ? h('p', { class: 'note', testid: 'disposition-note-text', text: d.note }) : null,
      );
    }),
  );
}

function options(values, current) {
  return values.map((v) => h('option', { value: v, selected: v === current, text: words(v) }));
}

/** The case panel: current case, the disposition form (disabled for viewers) and the history. */
function casePanel(ctx, session, reload) {
  const c = session.case || { status: 'new', analyst_verdict: 'undetermined', assignee: null };
  const panel = h(
    'section',
    { class: 'card case', testid: 'case-panel', 'aria-labelledby': 'case-h' },
    h('h2', { id: 'case-h', text: 'Case' }),
  );
  if (!session.finding_id) {
    panel.append(
      h('p', {
        class: 'muted',
        testid: 'no-finding',
        text: 'No finding for this session: nothing to triage.',
      }),
    );
    return panel;
  }
  panel.append(
    h(
      'dl',
      { class: 'facts' },
      fact('Status', badge('case', c.status), 'case-status'),
      fact('Analyst verdict', words(c.analyst_verdict), 'case-analyst-verdict'),
      fact('Assignee', c.assignee || 'unassigned', 'case-assignee'),
      fact('Updated', timeEl(c.updated_at)),
      fact('Finding', h('span', { class: 'mono small', text: session.finding_id }), 'finding-id'),
    ),
  );

  const readOnly = ctx.me.role === 'viewer';
  const status = h(
    'select',
    { id: 'd-status', name: 'status', testid: 'disposition-status' },
    options(STATUSES, c.status),
  );
  const verdict = h(
    'select',
    { id: 'd-verdict', name: 'analyst_verdict', testid: 'disposition-verdict' },
    options(ANALYST_VERDICTS, c.analyst_verdict),
  );
  const assignee = h('input', {
    id: 'd-assignee',
    name: 'assignee',
    type: 'text',
    value: c.assignee || '',
    placeholder: 'unassigned',
    autocomplete: 'off',
    testid: 'disposition-assignee',
  });
  const reason = h('input', {
    id: 'd-reason',
    name: 'reason',
    type: 'text',
    list: 'd-reasons',
    autocomplete: 'off',
    'aria-describedby': 'd-reason-hint',
    testid: 'disposition-reason',
  });
  const note = h('textarea', { id: 'd-note', name: 'note', rows: 3, testid: 'disposition-note' });
  const error = h('div', { class: 'form-error', role: 'alert', testid: 'disposition-error' });
  const saved = h('p', { class: 'saved', role: 'status', testid: 'disposition-saved' });
  const submit = h('button', {
    type: 'submit',
    class: 'primary',
    testid: 'disposition-submit',
    text: 'Record',
  });
  const reasonHint = h('span', { id: 'd-reason-hint', class: 'hint' });
  const syncReason = () => {
    const closing = CLOSING.has(status.value);
    reason.setAttribute('aria-required', String(closing));
    reasonHint.textContent = closing ? 'required to resolve or suppress' : 'optional';
  };
  status.addEventListener('change', syncReason);
  syncReason();

  const fieldset = h(
    'fieldset',
    { disabled: readOnly },
    h('legend', { text: 'Disposition' }),
    h('div', { class: 'field' }, h('label', { for: 'd-status', text: 'Status' }), status),
    h('div', { class: 'field' }, h('label', { for: 'd-verdict', text: 'Analyst verdict' }), verdict),
    h('div', { class: 'field' }, h('label', { for: 'd-assignee', text: 'Assignee' }), assignee),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'd-reason' }, 'Reason ', reasonHint),
      reason,
      h(
        'datalist',
        { id: 'd-reasons' },
        REASONS.map((r) => h('option', { value: r })),
      ),
    ),
    h('div', { class: 'field' }, h('label', { for: 'd-note', text: 'Note' }), note),
    error,
    submit,
  );
  const form = h('form', { class: 'disposition', testid: 'disposition-form', novalidate: true }, fieldset);
  if (readOnly) {
    form.prepend(
      h('p', {
        class: 'readonly',
        testid: 'disposition-readonly',
        text: `Your role (${ctx.me.role}) can read cases but not change them; recording a disposition needs an analyst or admin key.`,
      }),
    );
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (readOnly) return;
    error.replaceChildren();
    saved.textContent = '';
    const body = {};
    if (status.value !== c.status) body.status = status.value;
    if (verdict.value !== c.analyst_verdict) body.analyst_verdict = verdict.value;
    const who = assignee.value.trim() || null;
    if (who !== (c.assignee || null)) body.assignee = who;
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (!Object.keys(body).length) {
      error.textContent = 'Nothing to record: change a field or add a note.';
      return;
    }
    if (body.status && CLOSING.has(body.status) && !body.reason) {
      error.textContent = `A reason is required to set the case to ${body.status}.`;
      reason.focus();
      return;
    }
    // Written only if nobody changed the case since this page read it (409 otherwise).
    body.expected_case_updated_at = c.updated_at ?? null;
    submit.disabled = true;
    try {
      await ctx.api(`/v1/findings/${enc(session.finding_id)}/disposition`, { method: 'POST', body });
      if (!ctx.isCurrent()) return;
      await reload('Disposition recorded.');
    } catch (err) {
      submit.disabled = false;
      if (!(err instanceof ApiError)) {
        error.textContent = `Request failed: ${err?.message || err}`;
        return;
      }
      if (err.status === 401) return;
      const fields = err.fieldErrors();
      replace(
        error,
        h('p', { text: err.describe() }),
        fields.length
          ? h(
              'ul',
              {},
              fields.map((f) => h('li', { text: `${f.path || 'body'}: ${f.message}` })),
            )
          : null,
        err.requestId ? h('p', { class: 'small muted', text: `request id ${err.requestId}` }) : null,
      );
    }
  });
  panel.append(form, saved, h('h3', { text: 'History' }), dispositionList(session.dispositions));
  panel.savedMessage = saved;
  return panel;
}

const RELATIONS = { reviewer: 'Approval review of' };

/** The session this one serves, and the sessions that serve it (approval reviews). */
function links(ctx, s) {
  const items = [];
  if (s.link)
    items.push(
      h(
        'li',
        { testid: 'link' },
        `${RELATIONS[s.link.relation] ?? s.link.relation} `,
        h('a', { href: ctx.sessionHash(s.link.session_id), class: 'mono small', text: s.link.session_id }),
      ),
    );
  for (const l of s.linked_sessions ?? [])
    items.push(
      h(
        'li',
        { testid: 'linked-session' },
        `${l.relation === 'reviewer' ? 'Reviewed by' : l.relation} `,
        h('a', { href: ctx.sessionHash(l.session_id), class: 'mono small', text: l.session_id }),
        ' ',
        badge('verdict', l.verdict),
      ),
    );
  return items.length ? h('ul', { class: 'links', testid: 'session-links' }, items) : null;
}

function header(ctx, s) {
  return h(
    'header',
    { class: 'session-head card' },
    h(
      'div',
      { class: 'title-line' },
      badge('verdict', s.verdict, 'verdict'),
      h('h1', { testid: 'session-title', text: s.title || `Session ${s.session_id}` }),
    ),
    h(
      'dl',
      { class: 'facts inline' },
      fact('Score', h('span', { class: 'score', text: s.score ?? '—' }), 'score'),
      fact('Severity', badge('severity', s.severity), 'severity'),
      fact('Confidence', fmtPercent(s.confidence), 'confidence'),
      fact('State', words(s.state || s.status), 'state'),
      fact(
        'User',
        s.user?.email || s.user?.id
          ? `${s.user.email || s.user.id} (named by ${s.user.identity_source === 'ingest-token' ? 'the ingest token' : `the ${s.user.identity_source}`})`
          : 'unattributed: no source names a person',
        'user',
      ),
      fact('Agent', [s.agent, s.source].filter(Boolean).join(' · ') || '—', 'agent'),
      fact('Events', String(s.event_count ?? '—'), 'event-count'),
      fact('First event', timeEl(s.first_event_at)),
      fact('Last event', timeEl(s.last_event_at)),
      fact('Session', h('span', { class: 'mono small', text: s.session_id }), 'session-id'),
    ),
    links(ctx, s),
  );
}

export async function renderSession(main, ctx, sessionId) {
  document.title = 'Session · Warden';
  replace(main, h('p', { class: 'muted', role: 'status', text: 'Loading session…' }));
  let session;
  try {
    session = await ctx.api(`/v1/sessions/${enc(sessionId)}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && ctx.isCurrent()) {
      replace(
        main,
        h('p', {}, h('a', { href: ctx.backHash, text: '← Queue' })),
        h('h1', { text: 'Session not found' }),
        h('p', { text: `No session ${sessionId} in this workspace.` }),
      );
      return;
    }
    throw err;
  }
  if (!ctx.isCurrent()) return;
  document.title = `${words(session.verdict)} · ${session.title || session.session_id} · Warden`;

  const evidenceIds = new Set((session.evidence || []).map((e) => e.event_id));
  const timeline = h('ol', { class: 'timeline', testid: 'timeline' });
  const timelineStatus = h('p', { class: 'muted', role: 'status', testid: 'timeline-status' });
  const moreEvents = h('button', {
    type: 'button',
    testid: 'load-more-events',
    text: 'Load more events',
    hidden: true,
  });
  let panel;
  const reload = async (message) => {
    const fresh = await ctx.api(`/v1/sessions/${enc(sessionId)}`);
    if (!ctx.isCurrent()) return;
    const next = casePanel(ctx, fresh, reload);
    panel.replaceWith(next);
    panel = next;
    if (message) panel.savedMessage.textContent = message;
  };
  panel = casePanel(ctx, session, reload);

  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: ctx.backHash, testid: 'back-to-queue', text: '← Queue' })),
    header(ctx, session),
    h(
      'div',
      { class: 'session-layout' },
      h(
        'div',
        { class: 'session-main' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'why-h' },
          h('h2', { id: 'why-h', text: 'Why' }),
          h('p', { class: 'rationale', testid: 'rationale', text: session.rationale || 'No rationale.' }),
          h('h3', { text: 'Techniques' }),
          session.techniques?.length
            ? h(
                'ul',
                { class: 'chips', testid: 'techniques' },
                session.techniques.map((t) =>
                  h('li', { class: 'chip', testid: 'technique' }, techniqueEl(t)),
                ),
              )
            : h('p', { class: 'muted', text: 'None.' }),
          h('h3', { text: 'Detectors' }),
          session.detectors?.length
            ? h(
                'ul',
                { class: 'chips', testid: 'detectors' },
                session.detectors.map((d) => h('li', { class: 'chip mono', testid: 'detector', text: d })),
              )
            : h('p', { class: 'muted', text: 'None.' }),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'history-h' },
          h('h2', { id: 'history-h', text: 'Verdict history' }),
          verdictHistory(session.verdict_history),
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'timeline-h' },
          h('h2', { id: 'timeline-h', text: 'Timeline' }),
          timelineStatus,
          timeline,
          moreEvents,
        ),
      ),
      h('div', { class: 'session-side' }, panel),
    ),
  );

  let cursor = null;
  let count = 0;
  let scrolled = false;
  const loadPage = async () => {
    const page = await ctx.api(`/v1/sessions/${enc(sessionId)}/events`, {
      query: cursor ? { limit: '500', cursor } : { limit: '500' },
    });
    if (!ctx.isCurrent()) return false;
    for (const e of page.data) timeline.append(eventItem(e, evidenceIds));
    count += page.data.length;
    cursor = page.next_cursor;
    moreEvents.hidden = !cursor;
    timelineStatus.textContent = `${count} event${count === 1 ? '' : 's'}${cursor ? ' loaded (more available)' : ''}`;
    if (!scrolled) {
      const first = timeline.querySelector('.evidence');
      if (first) {
        scrolled = true;
        first.scrollIntoView({ block: 'center' });
      }
    }
    return true;
  };
  moreEvents.addEventListener('click', async () => {
    moreEvents.disabled = true;
    try {
      await loadPage();
    } catch (err) {
      ctx.showError(err);
    } finally {
      moreEvents.disabled = false;
    }
  });
  timelineStatus.textContent = 'Loading events…';
  // Keep paging (a few pages at most) until the first evidence event is on screen.
  for (let i = 0; i < AUTO_PAGES; i++) {
    if (!(await loadPage())) return;
    if (!cursor || scrolled || (evidenceIds.size === 0 && i > 0)) break;
  }
}
