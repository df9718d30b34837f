// tools/install-system-deps.sh takes the Debian mirror for its bookworm-backports line from the machine's
// own apt sources (one-line and deb822 formats); --print-mirror shows the line without installing anything.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../tools/install-system-deps.sh', import.meta.url).pathname;

function printMirror(files: Record<string, string>) {
  const etc = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(etc, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(etc, name), text);
  const r = spawnSync('bash', [SCRIPT, '--print-mirror'], { encoding: 'utf8', env: { ...process.env, APT_ETC: etc } });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

describe('install-system-deps.sh: the backports line uses this machine\'s mirror', () => {
  it('one-line sources.list, with and without options', () => {
    expect(printMirror({ 'sources.list': '# a comment\ndeb-src http://src.example/debian bookworm main\ndeb http://ftp.de.debian.org/debian/ bookworm main contrib\n' }))
      .toMatchObject({ status: 0, stdout: 'deb http://ftp.de.debian.org/debian/ bookworm-backports main' });
    expect(printMirror({ 'sources.list.d/m.list': 'deb [arch=amd64 signed-by=/etc/keys/deb.gpg] https://mirror.example/debian bookworm main\n' }).stdout)
      .toBe('deb [signed-by=/etc/keys/deb.gpg] https://mirror.example/debian bookworm-backports main');
  });
  it('deb822 .sources: the first enabled deb stanza for bookworm (not -security, not deb-src), its key file kept', () => {
    const sources = [
      'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n',
      'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\nComponents: main\n',
      'Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n',
      'Types: deb\n# http://snapshot.debian.org/archive/debian/20250520T000000Z\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
    ].join('\n');
    expect(printMirror({ 'sources.list.d/debian.sources': sources }).stdout)
      .toBe('deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm-backports main');
  });
  it('no bookworm entry: a clear error, nothing guessed', () => {
    const r = printMirror({ 'sources.list': 'deb http://archive.ubuntu.com/ubuntu noble main\n' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no Debian bookworm entry in .*sources\.list.*add 'deb <your Debian mirror> bookworm-backports main'/s);
  });
});
