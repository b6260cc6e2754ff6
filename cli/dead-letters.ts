/**
 * `warden dead-letters`: the records triage set aside (GET /v1/dead-letters), and `replay` to send them
 * through triage again once what broke them is fixed (POST /v1/dead-letters/replay).
 */
import { apiJson, CliError, clientCommand, parseFlags, printable, queryApi } from './client.ts';
import type { Env } from './client.ts';

export const DEAD_LETTERS_USAGE = `usage: warden dead-letters [list] [options]
       warden dead-letters replay (--id ID … | --all) [options]

Lists the records triage could not store or judge (newest failure first), or sends them through triage
again after a fix: each is published to the bus anew; one that fails again comes back with one more attempt.

options:
  --status open|replayed   list only these (default: all)
  --id ID                  replay this dead letter (repeatable)
  --all                    replay every open dead letter (up to 500 a call)
  --api URL                query API            (default http://127.0.0.1:8080)
  --api-key KEY            an admin API key     (default: $WARDEN_API_KEY, else $WARDEN_DATA_DIR/api-key)
  --json                   print the API's JSON answer as is
  -h, --help               this text`;

/** A dead letter as GET /v1/dead-letters lists it (api/views.ts), as far as this command reads it. */
export interface DeadLetterView {
  dead_letter_id: string;
  session_id: string | null;
  event_id: string | null;
  stage: string;
  error: string;
  bus: { kind: string; partition: number; offset: string; key: string };
  last_seen_at: string;
  attempts: number;
  status: string;
}

/** One dead letter per block: when, what failed, where it sat, why. */
export function renderDeadLetters(letters: DeadLetterView[]): string {
  if (!letters.length) return 'no dead letters\n';
  return `${letters
    .map((d) =>
      [
        `${d.dead_letter_id}  ${d.status.toUpperCase()}  ${d.stage}  ${d.last_seen_at}  (${d.attempts} attempt${d.attempts === 1 ? '' : 's'})`,
        `  ${d.bus.kind} partition ${d.bus.partition} offset ${d.bus.offset}, key ${printable(d.bus.key)}${d.event_id ? `, event ${d.event_id}` : ''}`,
        `  ${printable(d.error).split('\n')[0]}`,
      ].join('\n'),
    )
    .join('\n')}\n`;
}

/** `warden dead-letters [list|replay] …`; returns the exit code. */
export function deadLettersCommand(
  argv: string[],
  env: Env,
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  return clientCommand('dead-letters', io, async () => {
    const [verb = 'list', ...rest] = argv[0]?.startsWith('-') ? ['list', ...argv] : argv;
    if (verb !== 'list' && verb !== 'replay')
      throw new CliError(`unknown subcommand "${verb}"\n\n${DEAD_LETTERS_USAGE}`, 2);
    const json = rest.includes('--json');
    const all = rest.includes('--all');
    const ids: string[] = [];
    const flags: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--id' || arg.startsWith('--id=')) {
        const id = arg === '--id' ? rest[++i] : arg.slice('--id='.length);
        if (!id) throw new CliError(`--id needs a value\n\n${DEAD_LETTERS_USAGE}`, 2);
        ids.push(id);
      } else if (arg !== '--json' && arg !== '--all') flags.push(arg);
    }
    const given = parseFlags(flags, ['--api', '--api-key', '--status'] as const, DEAD_LETTERS_USAGE);
    if (given === 'help') {
      io.out(`${DEAD_LETTERS_USAGE}\n`);
      return 0;
    }
    const target = await queryApi(given, env, DEAD_LETTERS_USAGE);
    if (verb === 'replay') {
      if (!all === !ids.length)
        throw new CliError(`replay needs --id ID … or --all\n\n${DEAD_LETTERS_USAGE}`, 2);
      const body = await apiJson<{ replayed: string[]; not_found: string[] }>(
        target,
        '/v1/dead-letters/replay',
        {
          method: 'POST',
          body: all ? { all_open: true } : { dead_letter_ids: ids },
        },
      );
      io.out(
        json
          ? `${JSON.stringify(body, null, 2)}\n`
          : `replayed ${body.replayed.length} dead letter${body.replayed.length === 1 ? '' : 's'}${body.not_found.length ? `; not found: ${body.not_found.join(', ')}` : ''}\n`,
      );
      return body.not_found.length ? 1 : 0;
    }
    const status = given['--status'];
    if (status !== undefined && status !== 'open' && status !== 'replayed')
      throw new CliError(`--status must be open or replayed\n\n${DEAD_LETTERS_USAGE}`, 2);
    const query = new URLSearchParams({ limit: '200', ...(status ? { status } : {}) });
    const body = await apiJson<{ data: DeadLetterView[] }>(target, `/v1/dead-letters?${query}`);
    io.out(json ? `${JSON.stringify(body, null, 2)}\n` : renderDeadLetters(body.data));
    return 0;
  });
}
