import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, LOG_REDACTED } from '../../src/log.js';

function capture(isTty = false): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (isTty) stream.isTTY = true;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'json' }, out.stream);
    logger.debug('hidden');
    logger.info({ router: 'core1' }, 'router up');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', router: 'core1', msg: 'router up' });
    expect(typeof entry['time']).toBe('string');
  });

  it('writes logfmt lines: time, level and msg first, quoting what needs it, secrets redacted', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'logfmt' }, out.stream);
    logger.debug('hidden');
    logger.warn({ router: 'core1', error: 'timed out after 10s', tags: { site: 'ams' }, password: 'Leak-9999' }, 'poll failed');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^time=\d{4}-\d\d-\d\dT[\d:.]+Z level=warn msg="poll failed" pid=\d+ router=core1 error="timed out after 10s" tags="\{\\"site\\":\\"ams\\"\}" password=<redacted>$/,
    );
    expect(out.text()).not.toContain('Leak-9999');
  });

  it('redacts passwords, tokens, headers and authorization at any depth', () => {
    const out = capture();
    const logger = createLogger({ level: 'trace', format: 'json' }, out.stream);
    logger.info(
      {
        password: 'Leak-1111',
        router: { name: 'core1', password: 'Leak-2222' },
        options: { auth: { bearerToken: 'Leak-3333', token: 'Leak-4444' } },
        request: { headers: { authorization: 'Leak-5555' } },
        authorization: 'Leak-6666',
        exporter: { config: { headers: { 'X-Key': 'Leak-7777' } } },
      },
      'careless call',
    );
    const text = out.text();
    expect(text).not.toContain('Leak-');
    expect(text).toContain(LOG_REDACTED);
    expect(text).toContain('core1');
  });

  it('prints readable lines synchronously when the format is pretty', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', format: 'pretty' }, out.stream);
    logger.warn({ router: 'core1', password: 'Leak-8888' }, 'login failed');
    // No flush, no worker: the line is there at once.
    const text = out.text();
    expect(text).toMatch(/WARN.*login failed/);
    expect(text).toContain('core1');
    expect(text).not.toContain('Leak-8888');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('picks pretty for auto on a TTY and JSON otherwise', () => {
    const tty = capture(true);
    createLogger({ level: 'info', format: 'auto' }, tty.stream).info('hello');
    expect(tty.text()).toMatch(/INFO.*hello/);
    const pipe = capture();
    createLogger({ level: 'info', format: 'auto' }, pipe.stream).info('hello');
    expect(JSON.parse(pipe.text())).toMatchObject({ msg: 'hello' });
  });
});
