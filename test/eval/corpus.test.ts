/**
 * Invariants of the labelled corpus: enough sessions of each class (with hard cases), every vendor, redacted
 * prompts, unique ids and session ids, and telemetry the collector accepts in both OTLP encodings.
 */
import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../../schemas/agent-event.ts';
import { CORPUS, VENDORS, type Label, type LabelledSession } from './corpus.ts';
import { decodeAndNormalize } from '../helpers/events.ts';

const LABELS: Label[] = ['benign', 'mistake', 'escalation'];
const count = (pred: (s: LabelledSession) => boolean) => CORPUS.filter(pred).length;

/** Each session normalized once (protobuf), shared by the tests below. */
const normalized = new Map(CORPUS.map((s) => [s.id, decodeAndNormalize(s.telemetry, 'eval', 'protobuf')]));
const eventsOf = (s: LabelledSession) => normalized.get(s.id)?.events ?? [];

describe('labelled corpus', () => {
  it('has enough sessions of each class, with hard cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(70);
    expect(count((s) => s.label === 'benign')).toBeGreaterThanOrEqual(28);
    expect(count((s) => s.label === 'benign' && s.hard === 'negative')).toBeGreaterThanOrEqual(12);
    expect(count((s) => s.label === 'mistake')).toBeGreaterThanOrEqual(16);
    expect(count((s) => s.label === 'escalation')).toBeGreaterThanOrEqual(26);
    expect(count((s) => s.label === 'escalation' && s.hard === 'positive')).toBeGreaterThanOrEqual(8);
  });

  it('marks hard negatives only on benign sessions and hard positives only on escalations', () => {
    for (const s of CORPUS) {
      if (s.hard === 'negative') expect(s.label, s.id).toBe('benign');
      if (s.hard === 'positive') expect(s.label, s.id).toBe('escalation');
    }
  });

  it('spreads every class across all five vendors', () => {
    for (const vendor of VENDORS) {
      expect(
        count((s) => s.vendor === vendor),
        vendor,
      ).toBeGreaterThanOrEqual(10);
      for (const label of LABELS)
        expect(
          count((s) => s.vendor === vendor && s.label === label),
          `${vendor}/${label}`,
        ).toBeGreaterThan(0);
    }
  });

  it('has redacted prompts, and the telemetry agrees with promptLogged', () => {
    expect(count((s) => !s.promptLogged)).toBeGreaterThanOrEqual(15);
    expect(count((s) => !s.promptLogged && s.vendor === 'codex')).toBeGreaterThan(0);
    expect(count((s) => !s.promptLogged && s.vendor === 'claude-code')).toBeGreaterThan(0);
    for (const s of CORPUS) {
      const prompts = eventsOf(s).filter((e) => e.kind === 'prompt');
      for (const e of prompts) {
        if (s.promptLogged) expect(e.prompt?.text, s.id).toEqual(expect.any(String));
        else expect(e.prompt?.text ?? null, s.id).toBeNull();
      }
    }
  });

  it('has unique, vendor-suffixed ids and one-line descriptions', () => {
    const ids = CORPUS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const suffix: Record<LabelledSession['vendor'], string> = {
      codex: '-codex',
      'claude-code': '-claude',
      'gemini-cli': '-gemini',
      genai: '-genai',
      openinference: '-openinference',
    };
    for (const s of CORPUS) {
      expect(s.id, s.id).toMatch(/^(ben|hn|mis|esc)-[a-z0-9-]+$/);
      expect(s.id.endsWith(suffix[s.vendor]), `${s.id} is ${s.vendor}`).toBe(true);
      expect(s.description.trim().length, s.id).toBeGreaterThan(20);
      expect(s.description, s.id).not.toContain('\n');
    }
  });

  it('gives every session its own session id', () => {
    const owner = new Map<string, string>();
    for (const s of CORPUS) {
      const own = new Set(
        eventsOf(s)
          .filter((e) => !e.sessionIdDerived)
          .map((e) => e.sessionId),
      );
      expect(own.size, `${s.id} session ids`).toBe(1);
      for (const id of own) {
        expect(owner.get(id), `${s.id} shares session ${id}`).toBeUndefined();
        owner.set(id, s.id);
      }
    }
  });

  it('serializes and normalizes without rejection, the same in both OTLP encodings', () => {
    for (const s of CORPUS) {
      const protobuf = normalized.get(s.id);
      const json = decodeAndNormalize(s.telemetry, 'eval', 'json');
      expect(protobuf?.rejections, s.id).toEqual([]);
      expect(json.rejections, s.id).toEqual([]);
      expect(
        json.events.map((e) => e.eventId),
        s.id,
      ).toEqual(protobuf?.events.map((e) => e.eventId));
      for (const event of json.events) AgentEvent.parse(event);
    }
  });

  it('has tool activity in every session and covers denials, MCP tools and multi-turn sessions', () => {
    for (const s of CORPUS)
      expect(
        eventsOf(s).some((e) => e.kind === 'tool_result' || e.kind === 'tool_call'),
        s.id,
      ).toBe(true);
    const denied = CORPUS.filter((s) => eventsOf(s).some((e) => e.decision?.decision === 'deny'));
    expect(denied.length).toBeGreaterThanOrEqual(4);
    expect(denied.some((s) => s.label === 'escalation')).toBe(true);
    const mcp = CORPUS.filter((s) => eventsOf(s).some((e) => e.tool?.mcpServer !== undefined));
    expect(mcp.length).toBeGreaterThanOrEqual(4);
    const multiTurn = CORPUS.filter((s) => eventsOf(s).filter((e) => e.kind === 'prompt').length > 1);
    expect(multiTurn.length).toBeGreaterThan(0);
  });

  it('asks the model for one tool at a time in the span-based conventions', () => {
    for (const s of CORPUS.filter((x) => x.vendor === 'genai' || x.vendor === 'openinference')) {
      const events = eventsOf(s);
      const requested = new Map<string, number>();
      for (const e of events.filter((x) => x.kind === 'tool_call'))
        requested.set(e.spanId ?? '', (requested.get(e.spanId ?? '') ?? 0) + 1);
      for (const n of requested.values()) expect(n, s.id).toBe(1);
      // Each requested call comes after the previous tool finished.
      const time = (e: (typeof events)[number]) => BigInt(e.timeUnixNano);
      const calls = events.filter((e) => e.kind === 'tool_call').sort((a, b) => (time(a) < time(b) ? -1 : 1));
      const results = events
        .filter((e) => e.kind === 'tool_result')
        .sort((a, b) => (time(a) < time(b) ? -1 : 1));
      calls.slice(1).forEach((call, i) => {
        const previous = results[i];
        if (previous !== undefined) expect(time(call) > time(previous), s.id).toBe(true);
      });
    }
  });
});
