import Fastify, { type FastifyInstance } from 'fastify';
import { buildConfirmation, type ConfirmationOutcome } from '../src/ill/iso18626/build.ts';
import { parseMessage } from '../src/ill/iso18626/parse.ts';
import type { Iso18626Message } from '../src/ill/iso18626/types.ts';

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
