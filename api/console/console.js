// Warden triage console: sign-in, the queue of flagged sessions, and one session's verdict, timeline and case.
// Routes: `#/` (queue; its filters live in the hash query), `#/sessions/<id>`, `#/review-policy` and
// `#/dead-letters` (admins).
import { ApiError, clearKey, enc, getKey, request, setKey } from './api.js';
import { renderQueue } from './queue.js';
import { renderSession } from './session.js';
import { renderDeadLetters } from './dead-letters.js';
import { renderReviewPolicy } from './review-policy.js';
import { h, replace } from './dom.js';

const main = document.getElementById('main');
const who = document.getElementById('who');
const whoami = document.getElementById('whoami');
const adminNav = document.getElementById('admin-nav');
const banner = document.getElementById('banner');

/** The signed-in principal (`GET /v1/me`), or null. */
let me = null;
/** Bumped on every navigation: async work of an older view checks it and stops. */
let generation = 0;
/** The last queue route, so "back to queue" keeps its filters. */
let lastQueueHash = '#/';

function showBanner(message) {
  if (!message) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  replace(banner, message);
  banner.hidden = false;
}

function showWho() {
  adminNav.hidden = me?.role !== 'admin';
  if (!me) {
    who.hidden = true;
    whoami.replaceChildren();
    return;
  }
  replace(
    whoami,
    h('span', { class: 'who-workspace', testid: 'who-workspace', text: me.workspace }),
    ' · ',
    h('span', { class: 'who-role', testid: 'who-role', text: me.role }),
    me.actor ? [' · ', h('span', { class: 'who-actor', testid: 'who-actor', text: me.actor })] : null,
  );
  who.hidden = false;
}

function signOut(message) {
  clearKey();
  me = null;
  showWho();
  generation++;
  renderSignIn(message);
}

/**
 * The context views get: API calls bound to the current key (401 → sign-in), a staleness check, and
 * navigation helpers.
 */
function viewContext() {
  const gen = ++generation;
  return {
    me,
    isCurrent: () => gen === generation,
    backHash: lastQueueHash,
    async api(path, options) {
      try {
        return await request(path, options);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401 && gen === generation) {
          signOut('Your API key was rejected (401): sign in again.');
        }
        throw err;
      }
    },
    showError(err) {
      if (gen !== generation) return;
      if (err instanceof ApiError && err.status === 401) return; // already back at sign-in
      showBanner(err instanceof ApiError ? err.describe() : `Request failed: ${err?.message || err}`);
    },
    navigate(hash) {
      location.hash = hash;
    },
    sessionHash: (id) => `#/sessions/${enc(id)}`,
  };
}

function focusHeading() {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

function renderSignIn(message) {
  document.title = 'Sign in · Warden';
  showBanner(null);
  const input = h('input', {
    id: 'api-key',
    name: 'api-key',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    testid: 'signin-key',
  });
  const error = h('p', { class: 'form-error', role: 'alert', testid: 'signin-error' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'signin-submit', text: 'Sign in' });
  if (message) error.textContent = message;
  const form = h(
    'form',
    { class: 'card signin', testid: 'signin-form', novalidate: true },
    h('h1', { text: 'Sign in' }),
    h('p', {
      class: 'muted',
      text: 'Paste your Warden API key. It is kept for this browser tab only (sessionStorage).',
    }),
    h('label', { for: 'api-key', text: 'API key' }),
    input,
    error,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter an API key.';
      input.focus();
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    try {
      me = await request('/v1/me', { key });
      setKey(key);
      showWho();
      route();
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.status === 401
          ? 'That API key was not accepted (401).'
          : err instanceof ApiError
            ? err.describe()
            : `Could not reach the API: ${err?.message || err}`;
      submit.disabled = false;
      input.focus();
    }
  });
  replace(main, form);
  input.focus();
}

function route() {
  showBanner(null);
  if (!me) {
    renderSignIn();
    return;
  }
  const hash = location.hash || '#/';
  const session = /^#\/sessions\/([^?]+)/.exec(hash);
  const ctx = viewContext();
  if (hash.startsWith('#/review-policy')) {
    renderReviewPolicy(main, ctx).then(() => ctx.isCurrent() && focusHeading(), ctx.showError);
    return;
  }
  if (hash.startsWith('#/dead-letters')) {
    renderDeadLetters(main, ctx).then(() => ctx.isCurrent() && focusHeading(), ctx.showError);
    return;
  }
  if (session) {
    let id;
    try {
      id = decodeURIComponent(session[1]);
    } catch {
      id = session[1];
    }
    renderSession(main, ctx, id).then(() => ctx.isCurrent() && focusHeading(), ctx.showError);
    return;
  }
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  lastQueueHash = hash.startsWith('#/?') || hash === '#/' ? hash : '#/';
  renderQueue(main, ctx, new URLSearchParams(query)).then(
    () => ctx.isCurrent() && focusHeading(),
    ctx.showError,
  );
}

async function boot() {
  document.getElementById('signout').addEventListener('click', () => signOut('Signed out.'));
  window.addEventListener('hashchange', route);
  const key = getKey();
  if (key) {
    try {
      me = await request('/v1/me', { key });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        clearKey();
        showWho();
        renderSignIn('Your API key is no longer accepted (401): sign in again.');
        return;
      }
      showBanner(
        err instanceof ApiError ? err.describe() : `Could not reach the API: ${err?.message || err}`,
      );
    }
  }
  showWho();
  route();
}

boot();
