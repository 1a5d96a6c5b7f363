import Fastify, { type FastifyInstance } from 'fastify';
import { buildConfirmation, type ConfirmationOutcome } from '../src/ill/iso18626/build.ts';
import { parseMessage } from '../src/ill/iso18626/parse.ts';
import type { Iso18626Message } from '../src/ill/iso18626/types.ts';
import type { TestSimpul } from './support.ts';

/** What a scripted peer does with one message. */
export type PeerBehaviour =
  | { answer: ConfirmationOutcome }
  | { status: number; body: string }
  | { hang: number }
  | { close: true };

export interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  xml: string;
  parsed: Iso18626Message | undefined;
}

export interface ScriptedPeer {
  url: string;
  received: Received[];
  /** Behaviours for the next messages, in order; when empty the peer answers OK. */
  script: PeerBehaviour[];
  close(): Promise<void>;
}

/** A real HTTP ISO 18626 peer on 127.0.0.1, answering what the test scripts. */
export async function startScriptedPeer(): Promise<ScriptedPeer> {
  const app: FastifyInstance = Fastify();
  const received: Received[] = [];
  const script: PeerBehaviour[] = [];
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
  app.post('/iso18626', async (req, reply) => {
    const xml = String(req.body);
    const parsed = parseMessage(xml);
    received.push({
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      xml,
      parsed: parsed.ok ? parsed.parsed : undefined,
    });
    const b = script.shift() ?? { answer: 'OK' as const };
    if ('hang' in b) {
      await new Promise((r) => setTimeout(r, b.hang));
      return reply.code(200).send('');
    }
    if ('close' in b) {
      req.raw.socket.destroy();
      return reply;
    }
    if ('status' in b) return reply.code(b.status).type('text/xml').send(b.body);
    const echo = parsed.ok ? parsed.parsed : parsed.echo;
    return reply.code(200).type('text/xml').send(buildConfirmation(echo, b.answer));
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${base}/iso18626`, received, script, close: () => app.close() };
}

/**
 * A library of the directory that answers through its own ISO 18626 system: added to the SUMBAR network by the
 * coordinator, with its peer registered (`peer` is the peer's body less its name, library and agency id).
 */
export async function outsideLibrary(
  s: TestSimpul,
  lib: { code: string; name: string; type?: string; peerName: string; isil: string },
  peer: Record<string, unknown>,
): Promise<{ peerId: number }> {
  const coord = await s.as('koordinator');
  const made = await coord.post('/api/v1/libraries', {
    code: lib.code,
    name: lib.name,
    type: lib.type ?? 'national',
    networkCode: 'SUMBAR',
    services: ['ill_lending', 'ill_borrowing'],
  });
  if (made.status !== 201) throw new Error(`library ${lib.code}: ${made.status} ${JSON.stringify(made.body)}`);
  const p = await coord.post('/api/v1/ill/peers', {
    name: lib.peerName,
    library: lib.code,
    agencyId: { type: 'ISIL', value: lib.isil },
    ...peer,
  });
  if (p.status !== 201) throw new Error(`peer ${lib.peerName}: ${p.status} ${JSON.stringify(p.body)}`);
  return { peerId: p.body.id };
}
