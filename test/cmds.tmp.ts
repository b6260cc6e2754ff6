import { BLIND_BATCHES } from './eval/blind/index.ts';
import { normalizeTelemetry } from './helpers/events.ts';
const [batch, ...ids] = process.argv.slice(2);
for (const s of BLIND_BATCHES[batch!]!) {
  if (ids.length && !ids.some((i) => s.id.includes(i))) continue;
  console.log('=====', s.id, s.label);
  for (const e of normalizeTelemetry(s.telemetry)) {
    if (e.kind === 'prompt') console.log('  PROMPT:', (e.prompt?.text ?? '<redacted>').slice(0, 200));
    if (e.kind === 'tool_result' || (e.kind === 'approval_decision' && e.decision?.decision === 'deny'))
      console.log(
        '  ',
        e.kind === 'approval_decision' ? 'DENIED' : '',
        e.tool?.name,
        (e.tool?.command ?? e.tool?.arguments ?? '').slice(0, 600).replace(/\n/g, '⏎'),
      );
  }
}
