import type { App } from '../../platform/http.ts';
import { type InboundHandlers, receiveIso18626 } from './inbound.ts';

/** The largest message we read; real ones are a few KiB. */
const BODY_LIMIT = 1024 * 1024;

/**
 * POST /iso18626: a peer sends a Request, SupplyingAgencyMessage or
 * RequestingAgencyMessage as XML and gets the matching confirmation back.
 * ISO 18626 errors are answered 200 with messageStatus ERROR (the transport
 * worked; the message did not); an unauthenticated sender gets 401.
 */
export function iso18626Routes(handlers: InboundHandlers) {
  return async function iso18626Endpoint(app: App): Promise<void> {
    const { database, protector } = app.simpul;
    await app.register(async (scope) => {
      // XML bodies only here; the rest of the app keeps its JSON and form parsers.
      scope.addContentTypeParser(
        ['text/xml', 'application/xml', 'application/iso18626+xml'],
        { parseAs: 'string', bodyLimit: BODY_LIMIT },
        (_req, body, done) => done(null, body),
      );
      scope.post(
        '/iso18626',
        {
          bodyLimit: BODY_LIMIT,
          schema: {
            tags: ['protocols'],
            summary:
              'ISO 18626 (2021-2) peer endpoint: Request, SupplyingAgencyMessage, RequestingAgencyMessage in; the matching confirmation out. HTTP Basic with the peer account.',
            consumes: ['text/xml', 'application/xml'],
            produces: ['text/xml'],
          },
        },
        async (req, reply) => {
          const body = typeof req.body === 'string' ? req.body : '';
          const r = await receiveIso18626(
            database.db,
            protector,
            { body, authorization: req.headers.authorization },
            handlers,
          );
          if (r.status === 401) reply.header('www-authenticate', 'Basic realm="iso18626"');
          return reply.code(r.status).type('text/xml; charset=utf-8').send(r.xml);
        },
      );
    });
  };
}
