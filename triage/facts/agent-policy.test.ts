import { describe, expect, it } from 'vitest';
import {
  policyBehavioursInText,
  policyBehavioursOfArguments,
  policyBehavioursOfCommand,
} from './agent-policy.ts';
import { parseShell } from './shell.ts';

const ofCommand = (command: string) =>
  policyBehavioursOfCommand(
    parseShell(command).pipelines[0]?.[0] ?? {
      program: '',
      name: '',
      args: [],
      redirects: [],
      env: {},
      wrappers: [],
    },
  );

describe('policyBehavioursInText', () => {
  it.each([
    ['sandbox_mode = "danger-full-access"', ['sandbox-disable']],
    ['approval_policy = "never"', ['approval-bypass']],
    ["approval_policy='never'", ['approval-bypass']],
    ['{"permissions": {"defaultMode": "bypassPermissions"}}', ['approval-bypass']],
    ['{"permissions": {"allow": ["Bash(*)", "Read"]}}', ['approval-bypass']],
    ['{"sandbox": false}', ['sandbox-disable']],
    ['{"tools": {"sandbox": "none"}}', ['sandbox-disable']],
    ['{"approvalMode": "yolo"}', ['approval-bypass']],
    ['{"autoAccept": true}', ['approval-bypass']],
    ['sandbox_mode = "workspace-write"\napproval_policy = "on-request"', []],
    ['{"permissions": {"allow": ["Bash(npm test:*)"]}}', []],
    ['{"sandbox": true}', []],
  ])('%s', (text, expected) => {
    expect(policyBehavioursInText(text)).toEqual(expected);
  });
});

describe('policyBehavioursOfCommand', () => {
  it.each([
    ['claude --dangerously-skip-permissions', ['approval-bypass']],
    ['claude --permission-mode=bypassPermissions -p x', ['approval-bypass']],
    ['codex --dangerously-bypass-approvals-and-sandbox exec x', ['sandbox-disable', 'approval-bypass']],
    ['codex --sandbox danger-full-access', ['sandbox-disable']],
    [
      'codex -c sandbox_mode=danger-full-access -c approval_policy=never',
      ['sandbox-disable', 'approval-bypass'],
    ],
    ['codex --ask-for-approval never', ['approval-bypass']],
    ['gemini --approval-mode yolo', ['approval-bypass']],
    ['gemini -y', ['approval-bypass']],
    ['gemini --sandbox=false -p x', ['sandbox-disable']],
    ['codex --full-auto "x"', []],
    ['echo --dangerously-skip-permissions', []],
    ['npm run claude -- --yolo', []],
  ])('%s', (command, expected) => {
    expect(ofCommand(command)).toEqual(expected);
  });
});

describe('policyBehavioursOfArguments', () => {
  it('reads per-call sandbox escapes', () => {
    expect(policyBehavioursOfArguments({ command: 'x', dangerouslyDisableSandbox: true })).toEqual([
      'sandbox-disable',
    ]);
    expect(policyBehavioursOfArguments({ with_escalated_permissions: true })).toEqual(['sandbox-disable']);
    expect(policyBehavioursOfArguments({ sandbox_permissions: 'require_escalated' })).toEqual([
      'sandbox-disable',
    ]);
    expect(policyBehavioursOfArguments({ dangerouslyDisableSandbox: 'true' })).toEqual([]);
    expect(policyBehavioursOfArguments({})).toEqual([]);
  });
});
