/**
 * Scripts the session wrote and later ran (`cat > /tmp/x.sh <<EOF … EOF`, then `bash /tmp/x.sh`): the
 * run is judged by what the script says, as if its commands were the call's own. Splitting an action into
 * "write a file" and "run it" must not hide it.
 */
import type { AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeWithCode, mergeFacts } from '../facts/code.ts';
import type { Language } from '../facts/programs.ts';
import {
  contentWritten,
  scriptLanguage,
  scriptsRun,
  type FileContent,
  type ScriptRun,
} from '../facts/scripts.ts';
import type { ParsedShell } from '../facts/types.ts';
import { parseToolArguments, writtenText } from '../facts/tools.ts';
import { matchRules } from '../rules/match.ts';
import type { Allowlist, Rule } from '../rules/pack.ts';
import type { SessionContext } from './context.ts';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A command line that runs `content` in `language`, for the parser. */
function commandFor(language: Language | undefined, content: string): string | undefined {
  switch (language) {
    case 'shell':
      return content;
    case 'python':
      return `python3 -c ${quote(content)}`;
    case 'node':
      return `node -e ${quote(content)}`;
    case 'perl':
      return `perl -e ${quote(content)}`;
    case 'ruby':
      return `ruby -e ${quote(content)}`;
    case 'php':
      return `php -r ${quote(content.replace(/^<\?php\s*/, ''))}`;
    default:
      return undefined;
  }
}

const key = (path: string) => path.replace(/^\.\//, '');

/**
 * What a command line writes and runs, once per parsed line: a session is followed again every time new
 * events arrive, and its earlier actions (their facts kept between batches) have not changed.
 */
const scriptFacts = new WeakMap<ParsedShell, { written: FileContent[]; runs: ScriptRun[] }>();

function scriptFactsOf(shell: ParsedShell): { written: FileContent[]; runs: ScriptRun[] } {
  let found = scriptFacts.get(shell);
  if (found === undefined) {
    found = { written: contentWritten(shell), runs: scriptsRun(shell) };
    scriptFacts.set(shell, found);
  }
  return found;
}

export function followWrittenScripts(ctx: SessionContext, rules: Rule[], allow: Allowlist[]): void {
  const files = new Map<string, string>();
  for (const action of ctx.actions) {
    const shell = action.facts.shell;
    if (shell === undefined) {
      if (!action.facts.writes.length) continue;
      const content = writtenText(parseToolArguments(action.event.tool?.arguments));
      for (const w of action.facts.writes) if (content) files.set(key(w.path), content);
      continue;
    }
    const { written, runs } = scriptFactsOf(shell);
    for (const w of written)
      files.set(key(w.path), (w.append ? (files.get(key(w.path)) ?? '') : '') + w.content);
    for (const run of runs) {
      const content = files.get(key(run.path));
      const command = content && commandFor(run.language ?? scriptLanguage(content), content);
      if (!command) continue;
      const event: AgentEvent = {
        ...action.event,
        tool: { ...action.event.tool!, name: 'shell', command, arguments: JSON.stringify({ command }) },
      };
      const facts = analyzeWithCode(event);
      if (facts === undefined) continue;
      const hits = matchRules(rules, facts, action.event, allow).map((hit) => ({
        ...hit,
        rationale: `ran ${run.path}, which the session wrote: ${hit.rationale}`,
      }));
      action.facts = mergeFacts(action.facts, facts);
      action.hits = [...action.hits, ...hits];
    }
  }
}
