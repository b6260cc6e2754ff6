import { describe, expect, it } from 'vitest';
import { commandBehaviours } from './command-behaviours.ts';
import { commandEffects } from './file-effects.ts';
import { classifyPath } from './paths.ts';
import { parseShell } from './shell.ts';

/** Behaviours of the first command only. */
function of(command: string): string[] {
  const cmd = parseShell(command).pipelines[0]?.[0];
  if (cmd === undefined) return [];
  return commandBehaviours(cmd, commandEffects(cmd), (path) => classifyPath(path, { cwd: '/work/app' }));
}

describe('commandBehaviours: kill signals', () => {
  it.each([
    ['kill 123', ['kill', 'kill:TERM']],
    ['kill -9 123', ['kill', 'kill:KILL']],
    ['kill -KILL 123', ['kill', 'kill:KILL']],
    ['kill -SIGSTOP 123', ['kill', 'kill:STOP']],
    ['kill -s hup 1', ['kill', 'kill:HUP']],
    ['kill -n 2 1', ['kill', 'kill:INT']],
    ['pkill --signal USR1 nginx', ['kill', 'kill:USR1']],
    ['killall -9 node', ['kill', 'kill:KILL']],
    ['taskkill /F /IM x.exe', ['kill', 'kill:KILL']],
    ['kill -0 123', []],
    ['kill -l', []],
  ])('%s', (command, expected) => {
    expect(of(command).filter((b) => b.startsWith('kill'))).toEqual(expected);
  });
});

describe('commandBehaviours: one command, one rule', () => {
  it.each([
    ['history -w /dev/null', 'history-clear'],
    ['unset -v HISTFILE', 'history-clear'],
    ['HISTFILE= bash', 'history-clear'],
    ['rm ~/.local/share/fish/fish_history', 'history-clear'],
    ['shred -u /var/log/wtmp', 'log-tamper'],
    ['rm -f /private/var/log/system.log', 'log-tamper'],
    ['systemctl mask rsyslog.service', 'disable-security-tool'],
    ['nft flush ruleset', 'disable-security-tool'],
    ['sysctl -w kernel.randomize_va_space=0', 'disable-security-tool'],
    ['auditctl -e 0', 'disable-security-tool'],
    ['declare -px', 'env-dump'],
    ['compgen -v', 'env-dump'],
    ['zip -r /tmp/home.zip /home/dana', 'archive-sensitive'],
    ['tar cvf /tmp/etc.tar /etc', 'archive-sensitive'],
    ['tar -czf out.tgz ~/.docker/config.json', 'archive-sensitive'],
    ['security find-internet-password -s github.com', 'keychain-access'],
    ['kwallet-query -r github kdewallet', 'keychain-access'],
    ['vault kv get secret/prod/db', 'credential-dump'],
    ['bw get password github', 'credential-dump'],
    ['heroku auth:token', 'credential-dump'],
    ['git credential-manager get', 'credential-dump'],
    ['crontab -r', 'crontab-edit'],
    ['crontab', 'crontab-edit'],
    ['schtasks /create /tn x /tr y', 'scheduled-task'],
    ['tailscale funnel 3000', 'tunnel'],
    ['docker run --security-opt seccomp=unconfined alpine', 'container-escape'],
    ['docker run --mount type=bind,source=/,target=/host alpine', 'container-escape'],
    ['docker run --volume=/etc:/x alpine', 'container-escape'],
    ['chroot /proc/1/root', 'container-escape'],
    ['nsenter --target 1 --mount', 'container-escape'],
    ['net user backdoor P@ss /add', 'user-add'],
    ['dscl . -create /Users/support', 'user-add'],
    ['gpasswd -a dana docker', 'user-add'],
    ['DYLD_INSERT_LIBRARIES=/tmp/x.dylib app', 'ld-preload'],
    ['tor', 'network-anonymizer'],
    ['miniserve .', 'serve-files'],
    ['caddy file-server --listen :8080', 'serve-files'],
  ])('%s → %s', (command, behaviour) => {
    expect(of(command)).toContain(behaviour);
  });

  it.each([
    ['tar xf /tmp/etc.tar', 'archive-sensitive'],
    ['tar czf src.tgz src', 'archive-sensitive'],
    ['security unlock', 'keychain-access'],
    ['crontab -l -u root', 'crontab-edit'],
    ['docker exec app ls', 'container-escape'],
    ['chroot /srv/jail', 'container-escape'],
    ['systemctl enable --help', 'disable-security-tool'],
    ['service nginx stop', 'disable-security-tool'],
    ['pass', 'credential-dump'],
    ['export PATH=$PATH:/x', 'history-clear'],
    ['env -0', 'sudo'],
  ])('not %s → %s', (command, behaviour) => {
    expect(of(command)).not.toContain(behaviour);
  });
});
