/**
 * Routes that sources bring (the relay's /apps and Pushgateway API): exact and prefix paths, the
 * server's auth in front, the method check, the body limit, and errors contained like the built-in routes.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRoute } from '../../src/engine/source.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { TestSnapshotSource, serverConfig } from '../telemetry/fixtures.js';
import { FakeTelemetry } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function send(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; allow?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ...(res.headers.allow ? { allow: res.headers.allow } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function start(routes: SourceRoute[], bearer = ''): Promise<{ port: number; errors: string[] }> {
  const errors: string[] = [];
  const server = createHttpServer({
    version: '1.2.3',
    config: serverConfig(bearer === '' ? {} : { auth: { basicUsers: {}, bearerToken: bearer, openPaths: ['/live'] } }),
    source: new TestSnapshotSource(),
    telemetry: new FakeTelemetry(),
    onError: (message) => errors.push(message),
    routes,
  });
  cleanups.push(() => server.close());
  const { port } = await server.listen();
  return { port, errors };
}

const echo: SourceRoute = {
  path: '/echo/',
  methods: ['PUT', 'POST'],
  name: '/echo',
  maxBodyBytes: 16,
  handle: (request, response, body) => {
    response.writeHead(200).end(`${request.method} ${request.url} ${body.toString()}`);
  },
};

describe('source routes', () => {
  it('serves exact and prefix paths with their body, checks the method and the body limit', async () => {
    const exact: SourceRoute = { path: '/apps', methods: ['GET'], name: '/apps', handle: (_req, res) => void res.writeHead(200).end('apps') };
    const { port } = await start([exact, echo]);
    expect(await send(port, 'GET', '/apps')).toMatchObject({ status: 200, text: 'apps' });
    expect(await send(port, 'PUT', '/echo/a/b', 'hello')).toMatchObject({ status: 200, text: 'PUT /echo/a/b hello' });
    expect(await send(port, 'GET', '/echo/a')).toMatchObject({ status: 405, allow: 'PUT, POST' });
    expect(await send(port, 'POST', '/apps', 'x')).toMatchObject({ status: 405 });
    expect(await send(port, 'PUT', '/echo/a', 'x'.repeat(17))).toMatchObject({ status: 413 });
    // Chunked, without a length: cut at the limit all the same.
    expect(await send(port, 'PUT', '/echo/a', 'x'.repeat(100), { 'transfer-encoding': 'chunked' })).toMatchObject({ status: 413 });
    expect(await send(port, 'GET', '/echo')).toMatchObject({ status: 404 });
    // A built-in path is never taken over.
    const shadow: SourceRoute = { path: '/health', methods: ['GET'], name: 'x', handle: (_req, res) => void res.writeHead(299).end() };
    const other = await start([shadow]);
    expect((await send(other.port, 'GET', '/health')).status).not.toBe(299);
  });

  it('sits behind the server auth, and a failing handler costs one 500', async () => {
    const failing: SourceRoute = {
      path: '/boom',
      methods: ['GET'],
      name: '/boom',
      handle: () => {
        throw new Error('handler broke');
      },
    };
    const { port, errors } = await start([echo, failing], 'bearer-secret');
    expect(await send(port, 'PUT', '/echo/a', 'hi')).toMatchObject({ status: 401 });
    expect(await send(port, 'PUT', '/echo/a', 'hi', { authorization: 'Bearer bearer-secret' })).toMatchObject({ status: 200 });
    expect(await send(port, 'GET', '/boom', undefined, { authorization: 'Bearer bearer-secret' })).toMatchObject({ status: 500 });
    expect(errors).toEqual(['server: /boom: handler broke']);
  });
});
