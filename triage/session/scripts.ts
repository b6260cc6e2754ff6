/**
 * Scripts the session wrote and later ran (`cat > /tmp/x.sh <<EOF … EOF`, then `bash /tmp/x.sh`): the
 * run is judged by what the script says, as if its commands were the call's own. Splitting an action into
 * "write a file" and "run it" must not hide it.
 */
import type { AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeWithCode, mergeFacts } from '../facts/code.ts';
import type { Language } from '../facts/programs.ts';
import { contentWritten, scriptLanguage, scriptsRun } from '../facts/scripts.ts';
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

export function followWrittenScripts(ctx: SessionContext, rules: Rule[], allow: Allowlist[]): void {
  const files = new Map<string, string>();
  for (const action of ctx.actions) {
    const shell = action.facts.shell;
    if (shell === undefined) {
      const content = writtenText(parseToolArguments(action.event.tool?.arguments));
      for (const w of action.facts.writes) if (content) files.set(key(w.path), content);
      continue;
    }
    for (const w of contentWritten(shell))
      files.set(key(w.path), (w.append ? (files.get(key(w.path)) ?? '') : '') + w.content);
    for (const run of scriptsRun(shell)) {
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
