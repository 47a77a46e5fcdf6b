import { describe, expect, it } from 'vitest';
import type { CommandOptions, Row } from '../../../../src/sources/routeros/client/api.js';
import { AuthenticationError, ProtocolError, TimeoutError, TrapError } from '../../../../src/sources/routeros/client/errors.js';
import { challengeResponse, login } from '../../../../src/sources/routeros/client/login.js';
import type { LoginChannel } from '../../../../src/sources/routeros/client/login.js';

type Answer = { rows?: Row[]; done?: Row } | Error;

/** A LoginChannel that records the words sent and answers from a script. */
function scripted(...answers: Answer[]): LoginChannel & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    async command(words: readonly string[], _options?: CommandOptions) {
      sent.push([...words]);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('unexpected command');
      if (answer instanceof Error) throw answer;
      return { rows: answer.rows ?? [], done: answer.done ?? {} };
    },
  };
}

describe('challengeResponse (the RouterOS API manual (https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API) vectors)', () => {
  it.each([
    ['', '856780b7411eefd3abadee2058c149a3', '005062f7a5ef124d34675bf3e81f56c556'],
    ['', '93b438ec9b80057c06dd9fe67d56aa9a', '00e134102a9d330dd7b1849fedfea3cb57'],
    ['passTest', 'abc123', '0021277bff9ac7caf06aa608e46616d47f'],
  ])('password %j, challenge %s', (password, challenge, response) => {
    expect(challengeResponse(password, challenge)).toBe(response);
  });

  it('rejects a challenge that is not hex', () => {
    expect(() => challengeResponse('x', 'zz')).toThrow(ProtocolError);
    expect(() => challengeResponse('x', 'abc')).toThrow(ProtocolError);
  });
});

describe('login', () => {
  it('sends the plaintext login and stops when !done has no ret', async () => {
    const channel = scripted({ done: {} });
    await login(channel, { username: 'admin', password: 'pw' });
    expect(channel.sent).toEqual([['/login', '=name=admin', '=password=pw']]);
  });

  it('answers the legacy challenge when !done carries ret', async () => {
    const channel = scripted({ done: { ret: '856780b7411eefd3abadee2058c149a3' } }, { done: {} });
    await login(channel, { username: 'admin', password: '' });
    expect(channel.sent[1]).toEqual(['/login', '=name=admin', '=response=005062f7a5ef124d34675bf3e81f56c556']);
  });

  it.each(['invalid user name or password (6)', 'cannot log in'])('maps trap %j to AuthenticationError', async (text) => {
    const error = await login(scripted(new TrapError(text, undefined)), { username: 'bob', password: 'hunter22' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe(`login as "bob" refused: ${text}`);
  });

  it('explains the missing api policy', async () => {
    const error = await login(scripted(new TrapError('std failure: not allowed (9)', undefined)), {
      username: 'ro',
      password: 'x',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/missing "api" policy/);
  });

  it('maps a trap on the challenge step too', async () => {
    const channel = scripted({ done: { ret: 'abc123' } }, new TrapError('cannot log in', 0));
    await expect(login(channel, { username: 'a', password: 'passTest' })).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('redacts a password the peer echoes back, in the message and the cause', async () => {
    const error = (await login(scripted(new TrapError('bad password s3cretpw here', 1)), {
      username: 'a',
      password: 's3cretpw',
    }).catch((caught: unknown) => caught)) as AuthenticationError;
    expect(error.message).not.toContain('s3cretpw');
    expect((error.cause as Error).message).not.toContain('s3cretpw');
    expect((error.cause as TrapError).category).toBe(1);
  });

  it('passes non-trap errors through', async () => {
    const timeout = new TimeoutError('deadline');
    await expect(login(scripted(timeout), { username: 'a', password: 'b' })).rejects.toBe(timeout);
  });
});
