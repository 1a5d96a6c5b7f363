import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import { getCluster } from './cluster-view.ts';
import { mergeClusters, splitRecord } from './decisions.ts';
import { releaseHold } from './item-status.ts';
import { search } from './search.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const List = Type.Optional(Type.String({ maxLength: 500, description: 'comma-separated values' }));
const split = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;

const Holding = Type.Object({
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  libraryName: Type.String(),
  copies: Type.Integer(),
  available: Type.Integer(),
  callNumbers: Type.Array(Type.String()),
});

const Hit = Type.Object({
  clusterId: Type.Integer(),
  title: Type.String(),
  subtitle: Type.Union([Type.String(), Type.Null()]),
  authors: Type.Array(Type.String()),
  publisher: Type.Union([Type.String(), Type.Null()]),
  year: Type.Union([Type.Integer(), Type.Null()]),
  format: Type.Union([Type.String(), Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
  isbns: Type.Array(Type.String()),
  subjects: Type.Array(Type.String()),
  recordCount: Type.Integer(),
  holdingsCount: Type.Integer(),
  availableCount: Type.Integer(),
  holdings: Type.Array(Holding),
});

const Facet = Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }));

export async function catalogRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/catalog/search',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Search the union catalog (public): keywords, fields, phrases, AND/OR/NOT, facets',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 500 })),
          title: Type.Optional(Type.String({ maxLength: 300 })),
          author: Type.Optional(Type.String({ maxLength: 300 })),
          subject: Type.Optional(Type.String({ maxLength: 300 })),
          isbn: Type.Optional(Type.String({ maxLength: 40 })),
          issn: Type.Optional(Type.String({ maxLength: 20 })),
          callNumber: Type.Optional(Type.String({ maxLength: 60 })),
          publisher: Type.Optional(Type.String({ maxLength: 200 })),
          yearFrom: Type.Optional(Type.Integer({ minimum: 0, maximum: 3000 })),
          yearTo: Type.Optional(Type.Integer({ minimum: 0, maximum: 3000 })),
          library: List,
          region: List,
          libraryType: List,
          format: List,
          language: List,
          subjectFacet: List,
          available: Type.Optional(Type.Boolean()),
          sort: Type.Optional(
            Type.Union([
              Type.Literal('relevance'),
              Type.Literal('title'),
              Type.Literal('author'),
              Type.Literal('year_desc'),
              Type.Literal('year_asc'),
            ]),
          ),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          facets: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
            hits: Type.Array(Hit),
            facets: Type.Optional(Type.Record(Type.String(), Facet)),
            facetsApproximate: Type.Optional(
              Type.Boolean({ description: 'facet counts estimated from a sample (more than 20,000 hits)' }),
            ),
            suggestion: Type.Optional(
              Type.Object(
                { q: Type.String(), total: Type.Integer() },
                { description: 'did you mean: the query with unknown words corrected, offered when nothing is found' },
              ),
            ),
          }),
          400: err,
        },
      },
    },
    async (req) => {
      const q = req.query;
      return search(db, {
        q: q.q,
        fields: {
          ...(q.title ? { title: q.title } : {}),
          ...(q.author ? { author: q.author } : {}),
          ...(q.subject ? { subject: q.subject } : {}),
          ...(q.isbn ? { isbn: q.isbn } : {}),
          ...(q.issn ? { issn: q.issn } : {}),
          ...(q.callNumber ? { callnumber: q.callNumber } : {}),
          ...(q.publisher ? { publisher: q.publisher } : {}),
        },
        filters: {
          library: split(q.library),
          region: split(q.region),
          libraryType: split(q.libraryType),
          format: split(q.format),
          language: split(q.language),
          subject: split(q.subjectFacet),
          yearFrom: q.yearFrom,
          yearTo: q.yearTo,
          available: q.available,
        },
        sort: q.sort,
        page: q.page,
        pageSize: q.pageSize,
        facets: q.facets,
      });
    },
  );

  app.get(
    '/catalog/clusters/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One title of the union catalog with its source records, holding libraries and copies (public)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 404: err },
      },
    },
    async (req) => getCluster(db, req.params.id),
  );

  app.post(
    '/catalog/records/:id/split',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Take a record out of its cluster; the decision survives re-ingest',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ clusterId: Type.Integer() }), ...errors },
      },
    },
    async (req) => splitRecord(db, requireActor(req), req.params.id, req.body.note),
  );

  app.post(
    '/catalog/items/:id/release',
    {
      schema: {
        tags: ['catalog'],
        summary:
          "Release a copy a Simpul workflow still holds (e.g. a loss it reported): the library's own data decides its status again",
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({ id: Type.Integer(), status: Type.String(), heldBy: Type.Null() }),
          ...errors,
        },
      },
    },
    async (req) => {
      const it = await releaseHold(db, requireActor(req), req.params.id);
      return { id: it.id, status: it.status, heldBy: it.heldBy };
    },
  );

  app.post(
    '/catalog/clusters/:id/merge',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Merge another cluster into this one; the decision survives re-ingest',
        security: staffOnly,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          { other: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ clusterId: Type.Integer() }), ...errors },
      },
    },
    async (req) => mergeClusters(db, requireActor(req), req.params.id, req.body.other, req.body.note),
  );
}
