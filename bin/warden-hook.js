#!/usr/bin/env node
// `warden-hook <agent>`: the agents' pre-tool hook on its own (cli/hook.ts), without the rest of the CLI:
// it runs once per tool call, so it loads as little as it can.
import { register } from 'tsx/esm/api';

register();
const { hookCommand } = await import('../cli/hook.ts');
process.exitCode = await hookCommand(
  process.argv.slice(2),
  { ...process.env },
  {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
);
