/**
 * scripts/install-tools.sh takes the Debian archive from the machine's own apt sources (so no mirror is written
 * into the repository), and installs the portable Node builds `npm test` runs the suite on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoDir = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const script = join(repoDir, 'scripts', 'install-tools.sh');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An apt configuration of its own (APT_CONFIG) with the given sources.list and sources.list.d files. */
function aptConfig(sourcesList: string | undefined, parts: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'apt-sources-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'parts'));
  if (sourcesList !== undefined) writeFileSync(join(dir, 'sources.list'), sourcesList);
  for (const [name, text] of Object.entries(parts)) writeFileSync(join(dir, 'parts', name), text);
  const config = join(dir, 'apt.conf');
  writeFileSync(config, `Dir::Etc::SourceList "${dir}/sources.list";\nDir::Etc::SourceParts "${dir}/parts";\n`);
  return config;
}

function printMirror(config: string, mirror?: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, APT_CONFIG: config };
  delete env['TOOLS_MIRROR'];
  if (mirror !== undefined) env['TOOLS_MIRROR'] = mirror;
  const result = spawnSync('bash', [script, '--print-mirror'], { env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

describe('install-tools.sh: the Debian archive of the machine', () => {
  it('reads one-line sources.list entries, skipping deb-src, options, comments and the security archive', () => {
    const config = aptConfig(
      [
        '# deb http://commented.example.org/debian trixie main',
        'deb-src http://src.example.org/debian trixie main',
        'deb http://security.example.org/debian-security trixie-security main',
        'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.org/debian/ trixie main',
        '',
      ].join('\n'),
      {},
    );
    expect(printMirror(config)).toMatchObject({ status: 0, stdout: 'http://mirror.example.org/debian' });
  });

  it('reads deb822 .sources stanzas, skipping disabled ones and update/security suites', () => {
    const config = aptConfig(undefined, {
      'debian.sources': [
        'Types: deb',
        'URIs: http://disabled.example.org/debian',
        'Suites: trixie',
        'Enabled: no',
        '',
        'Types: deb-src deb',
        'URIs: http://updates.example.org/debian',
        'Suites: trixie-updates',
        '',
        'Types: deb',
        '# a comment inside a stanza',
        'URIs: https://archive.example.net/debian https://second.example.net/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
      ].join('\n'),
    });
    expect(printMirror(config)).toMatchObject({ status: 0, stdout: 'https://archive.example.net/debian' });
  });

  it('lets TOOLS_MIRROR override the machine, and says what to set when the machine names no archive', () => {
    const config = aptConfig(undefined, {});
    expect(printMirror(config, 'http://override.example.org/debian/')).toMatchObject({
      status: 0,
      stdout: 'http://override.example.org/debian',
    });
    const none = printMirror(config);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("no Debian archive in the machine's apt sources; set TOOLS_MIRROR");
  });

  it('no file of the repository names a Debian mirror host', () => {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repoDir,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file !== '');
    expect(files.length).toBeGreaterThan(50);
    // Hosts under debian.org (the archive, security and ftp.<country> mirrors) and the CDN names of mirrors.
    const mirrorHost = /\b[a-z0-9.-]+\.debian\.(org|net)\b|\bcdn-fastly\.|\bdebian\.map\.fastlydns\b/i;
    const offenders = files.filter((file) => {
      let text: string;
      try {
        text = readFileSync(join(repoDir, file), 'utf8');
      } catch {
        return false; // deleted in the work tree
      }
      return mirrorHost.test(text);
    });
    expect(offenders).toEqual([]);
  });
});

describe('install-tools.sh: Node builds for the version matrix', () => {
  it('installed Node 22 and 24 into .tools, and npm test selects them with the machine node', () => {
    const all = execFileSync(process.execPath, [join(repoDir, 'scripts', 'test-all-nodes.mjs'), '--list'], {
      cwd: repoDir,
      encoding: 'utf8',
      env: (({ TEST_NODES: _drop, ...rest }) => rest)(process.env),
    })
      .trim()
      .split('\n')
      .map((line) => line.split(' ') as [string, string]);
    const majors = all.map(([major]) => major);
    expect(majors).toEqual(expect.arrayContaining(['22', '24']));
    expect(majors[0]).toBe(process.versions.node.split('.')[0]);
    for (const [major, node] of all) {
      const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      expect(version.split('.')[0]).toBe(major);
    }
    expect(JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')).scripts.test).toBe(
      'node scripts/test-all-nodes.mjs',
    );
  });
});
