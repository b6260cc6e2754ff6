// The pre-action review's egress policy for this workspace: where agents may send data without asking,
// what is protected, and what everything else gets. Set in WARDEN_REVIEW_POLICY; shown here, read-only.
import { h, replace } from './dom.js';

const ANSWER = { allow: 'allowed', ask: 'asked of a human', deny: 'denied' };

function list(title, items, testid) {
  return h(
    'section',
    { testid },
    h('h2', { text: title }),
    items.length
      ? h(
          'ul',
          { class: 'policy-list' },
          items.map((i) => h('li', {}, h('code', { text: i }))),
        )
      : h('p', { class: 'muted', text: 'none' }),
  );
}

/** `#/review-policy`: the effective policy, as the review service applies it. */
export async function renderReviewPolicy(main, ctx) {
  document.title = 'Review policy · Warden';
  const p = await ctx.api('/v1/review/policy');
  if (!ctx.isCurrent()) return;
  replace(
    main,
    h('h1', { text: 'Pre-action review policy' }),
    h('p', {
      class: 'muted',
      text: `Workspace ${p.workspace}. Agents' hooks ask Warden before each tool call; this policy applies after the triage engine's own judgement. Edit it in the file named by WARDEN_REVIEW_POLICY (validated when Warden starts).`,
    }),
    h(
      'dl',
      { class: 'policy-answers', testid: 'review-policy-answers' },
      h('dt', { text: 'Data to an unknown destination' }),
      h('dd', { text: ANSWER[p.unknown_destination] }),
      h('dt', { text: 'A protected path or branch' }),
      h('dd', { text: ANSWER[p.protected_target] }),
      h('dt', { text: 'Warden unreachable (hook)' }),
      h('dd', { text: ANSWER[p.unreachable] }),
    ),
    list('Known-good destinations', p.known_good, 'review-policy-known-good'),
    list('Protected paths', p.protected_paths, 'review-policy-paths'),
    list('Protected branches', p.protected_branches, 'review-policy-branches'),
  );
}
