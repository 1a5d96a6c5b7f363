import { Type } from '@fastify/type-provider-typebox';
import type { App } from '../platform/http.ts';
import { bibToMarc } from './bib-to-marc.ts';
import { toMarcXml } from './marc/serialize.ts';
import { oaiRespond } from './oai-provider.ts';
import { explain, type MarcXmlWriter, searchRetrieve } from './sru.ts';

const marcxml: MarcXmlWriter = (bib, id) => toMarcXml(bibToMarc(bib, `simpul-${id}`), { namespace: true });

function baseUrl(req: { protocol: string; hostname: string; url: string }, path: string): string {
  return `${req.protocol}://${req.hostname}${path}`;
}

/** The catalog served back to other systems: SRU at /sru, OAI-PMH at /oai. */
export async function catalogProtocolRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  // Looked up per request: on first start the demo network is seeded after the routes exist.
  const network = () => db.selectFrom('networks').select(['code', 'name']).orderBy('id').executeTakeFirst();

  app.get(
    '/sru',
    {
      schema: {
        tags: ['protocols'],
        summary: 'SRU 1.1/1.2 (explain, searchRetrieve with CQL; records in Dublin Core or MARCXML)',
        querystring: Type.Object(
          {
            operation: Type.Optional(Type.String()),
            version: Type.Optional(Type.String()),
            query: Type.Optional(Type.String()),
            startRecord: Type.Optional(Type.String()),
            maximumRecords: Type.Optional(Type.String()),
            recordSchema: Type.Optional(Type.String()),
            recordPacking: Type.Optional(Type.String()),
          },
          { additionalProperties: true },
        ),
      },
    },
    async (req, reply) => {
      const q = req.query;
      reply.type('text/xml; charset=utf-8');
      if (q.operation === 'searchRetrieve' || (q.operation === undefined && q.query !== undefined)) {
        return searchRetrieve(db, q, marcxml);
      }
      if (q.operation && q.operation !== 'explain') {
        return `<?xml version="1.0" encoding="UTF-8"?>\n<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"><version>1.2</version><numberOfRecords>0</numberOfRecords><diagnostics><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/4</uri><message>Unsupported operation</message><details>${q.operation.replace(/[<&>]/g, '')}</details></diagnostic></diagnostics></searchRetrieveResponse>`;
      }
      return explain(baseUrl(req, '/sru'));
    },
  );

  app.route({
    method: ['GET', 'POST'],
    url: '/oai',
    schema: {
      tags: ['protocols'],
      summary: 'OAI-PMH 2.0 data provider (all six verbs; oai_dc and marc21; a set per library)',
    },
    handler: async (req, reply) => {
      const params = req.method === 'POST' && req.body && typeof req.body === 'object' ? req.body : req.query;
      const net = await network();
      reply.type('text/xml; charset=utf-8');
      return oaiRespond(
        {
          db,
          baseUrl: baseUrl(req, '/oai'),
          repositoryName: net?.name ?? 'Simpul',
          adminEmail: process.env.SIMPUL_ADMIN_EMAIL ?? 'admin@localhost',
          idPrefix: `oai:simpul.${(net?.code ?? 'local').toLowerCase()}:`,
          marcxml,
        },
        params as Record<string, unknown>,
      );
    },
  });
}
