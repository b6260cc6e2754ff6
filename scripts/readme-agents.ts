/**
 * Regenerates README.md's "Connect your agents" block (between `<!-- agent-config:start -->` and
 * `<!-- agent-config:end -->`) from cli/agent-config.ts. `--check` only reports whether it is current.
 * Runs offline: `node bin/run-ts.js scripts/readme-agents.ts [--check]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { README_BLOCK, renderReadmeSection } from '../cli/agent-config.ts';
import { readmeBlock, replaceReadmeBlock } from './readme-block.ts';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(path, 'utf8');
const section = renderReadmeSection();
if (readmeBlock(readme, README_BLOCK) === section) {
  console.log('README.md: the agent-config block is up to date');
} else if (process.argv.includes('--check')) {
  console.error(
    'README.md: the agent-config block is stale; run node bin/run-ts.js scripts/readme-agents.ts',
  );
  process.exit(1);
} else {
  writeFileSync(path, replaceReadmeBlock(readme, README_BLOCK, section));
  console.log('README.md: agent-config block regenerated');
}
