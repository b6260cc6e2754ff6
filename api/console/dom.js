// DOM helpers for the triage console. Everything the API returns is attacker-influenced telemetry: it only
// ever reaches the page as text nodes (textContent / createTextNode), never as markup, and characters that
// would change how it reads (bidi controls, control characters) are shown as what they are (inert.js).
import { inert } from './inert.js';

/**
 * Creates an element. `props`: `class`, `text`, `testid`, `dataset`, `on<event>` listeners, `true` for
 * boolean attributes, anything else as an attribute (skipped when null, undefined or false).
 * Children: nodes, strings (as text), arrays, or null/undefined/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = inert(value);
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, key === 'title' || key === 'aria-label' ? inert(value) : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (typeof child === 'string' || typeof child === 'number') el.append(inert(child));
    else el.append(child);
  }
  return el;
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const pad = (n) => String(n).padStart(2, '0');

/** `2026-01-01 10:20:03 UTC`, or an em dash. */
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}

/** A `<time>` element showing {@link fmtTime}, with the exact timestamp machine-readable. */
export function timeEl(iso) {
  return h('time', { datetime: iso || null, title: iso || null, text: fmtTime(iso) });
}

/** ISO → the value of an `<input type="datetime-local">` (local time, minutes). */
export function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** `<input type="datetime-local">` value → RFC 3339 (UTC), or '' when empty or invalid. */
export function localInputToIso(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export const fmtPercent = (x) => (typeof x === 'number' ? `${Math.round(x * 100)}%` : '—');

/** A label-ish word for an enum value: `true_positive` → `true positive`. */
export const words = (s) => (s ? String(s).replaceAll('_', ' ') : '—');

/**
 * ATT&CK and ATLAS ids link to their MITRE pages (opened on click only: nothing is loaded from there);
 * anything else is plain text.
 */
const ATTACK_ID = /^T\d{4}(?:\.\d{3})?$/;
const ATLAS_ID = /^AML\.T\d{4}(?:\.\d{3})?$/;
export function techniqueEl(id) {
  const text = String(id);
  let href = null;
  if (ATTACK_ID.test(text)) {
    const [main, sub] = text.split('.');
    href = `https://attack.mitre.org/techniques/${main}/${sub ? `${sub}/` : ''}`;
  } else if (ATLAS_ID.test(text)) {
    href = `https://atlas.mitre.org/techniques/${text}`;
  }
  if (!href) return h('span', { class: 'technique', text });
  return h('a', { class: 'technique', href, target: '_blank', rel: 'noopener noreferrer', text });
}

/** A badge for a verdict, severity or case status: `badge badge-<kind>-<value>`. */
export function badge(kind, value, testid) {
  const v = value || 'none';
  return h('span', {
    class: `badge badge-${kind} ${kind}-${String(v).replace(/[^a-z_]/gi, '')}`,
    testid,
    text: words(v),
  });
}
