import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import { PageQuery, PageReply } from '../platform/paging.ts';
import type { Condition } from './eligibility.ts';
import { createLibrary, getLibrary, listLibraries, listNetworks, listRegions, updateLibrary } from './libraries.ts';
import {
  addEnrolmentProof,
  createPatron,
  getPatron,
  listPatrons,
  patronEligibilityFor,
  updatePatron,
} from './patrons.ts';
import { createRule, listRules, retireRule } from './rules.ts';
import * as S from './schemas.ts';
import { createStaff, listStaff, updateStaff } from './staff.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];

export async function directoryRoutes(app: App): Promise<void> {
  const { database, protector } = app.simpul;
  const db = database.db;

  app.get('/networks', { schema: { tags: ['directory'], summary: 'Networks of libraries' } }, async () => ({
    items: await listNetworks(db),
  }));

  app.get(
    '/regions',
    {
      schema: {
        tags: ['directory'],
        summary: 'Provinces, cities (kota) and regencies (kabupaten), BPS codes',
      },
    },
    async () => ({ items: await listRegions(db) }),
  );

  app.get(
    '/libraries',
    {
      schema: {
        tags: ['directory'],
        summary: 'Library directory (public)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          type: Type.Optional(S.LibraryType),
          region: Type.Optional(Type.String({ maxLength: 20 })),
          network: Type.Optional(Type.String({ maxLength: 40 })),
          service: Type.Optional(Type.String({ maxLength: 40 })),
          ...PageQuery,
        }),
        response: { 200: PageReply(S.Library), 400: err },
      },
    },
    async (req) => listLibraries(db, req.query),
  );

  app.post(
    '/libraries',
    {
      schema: {
        tags: ['directory'],
        summary: 'Add a library to a network (network coordinator)',
        security: staffOnly,
        body: S.LibraryCreate,
        response: { 201: S.Library, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createLibrary(db, requireActor(req), req.body)),
  );

  app.get(
    '/libraries/:ref',
    {
      schema: {
        tags: ['directory'],
        summary: 'One library, by id or code (public)',
        params: S.RefParam,
        response: { 200: S.Library, 404: err },
      },
    },
    async (req) => getLibrary(db, req.params.ref),
  );

  app.patch(
    '/libraries/:ref',
    {
      schema: {
        tags: ['directory'],
        summary: "Change a library's details (its administrator or the network coordinator)",
        security: staffOnly,
        params: S.RefParam,
        body: S.LibraryPatch,
        response: { 200: S.Library, ...errors },
      },
    },
    async (req) => updateLibrary(db, requireActor(req), req.params.ref, req.body),
  );

  app.get(
    '/libraries/:ref/staff',
    {
      schema: {
        tags: ['directory'],
        summary: "A library's staff accounts",
        security: staffOnly,
        params: S.RefParam,
        response: { 200: Type.Object({ items: Type.Array(S.Staff) }), ...errors },
      },
    },
    async (req) => ({ items: await listStaff(db, requireActor(req), req.params.ref) }),
  );

  app.post(
    '/libraries/:ref/staff',
    {
      schema: {
        tags: ['directory'],
        summary: 'Create a staff account (library administrator)',
        security: staffOnly,
        params: S.RefParam,
        body: S.StaffCreate,
        response: { 201: S.Staff, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createStaff(db, requireActor(req), req.params.ref, req.body)),
  );

  app.patch(
    '/staff/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'Change a staff account (self: name, language, password; administrator: also role, active)',
        security: staffOnly,
        params: S.IdParam,
        body: S.StaffPatch,
        response: { 200: S.Staff, ...errors },
      },
    },
    async (req) => updateStaff(db, requireActor(req), req.params.id, req.body),
  );

  app.get(
    '/libraries/:ref/patrons',
    {
      schema: {
        tags: ['directory'],
        summary: "A library's patrons (its staff only). nik= finds a patron by national ID number",
        security: staffOnly,
        params: S.RefParam,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          category: Type.Optional(S.PatronCategory),
          status: Type.Optional(S.PatronStatus),
          nik: Type.Optional(Type.String({ pattern: '^\\d{16}$' })),
          ...PageQuery,
        }),
        response: { 200: PageReply(S.Patron), ...errors },
      },
    },
    async (req) =>
      listPatrons(db, requireActor(req), protector, req.params.ref, req.query as Parameters<typeof listPatrons>[4]),
  );

  app.post(
    '/libraries/:ref/patrons',
    {
      schema: {
        tags: ['directory'],
        summary: 'Register a patron',
        security: staffOnly,
        params: S.RefParam,
        body: S.PatronCreate,
        response: { 201: S.PatronDetail, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await createPatron(
            db,
            requireActor(req),
            protector,
            req.params.ref,
            req.body as Parameters<typeof createPatron>[4],
          ),
        ),
  );

  app.get(
    '/patrons/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'One patron (NIK masked; address shown to their library only)',
        security: staffOnly,
        params: S.IdParam,
        response: { 200: S.PatronDetail, ...errors },
      },
    },
    async (req) => getPatron(db, requireActor(req), protector, req.params.id),
  );

  app.patch(
    '/patrons/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'Change a patron',
        security: staffOnly,
        params: S.IdParam,
        body: S.PatronPatch,
        response: { 200: S.PatronDetail, ...errors },
      },
    },
    async (req) =>
      updatePatron(db, requireActor(req), protector, req.params.id, req.body as Parameters<typeof updatePatron>[4]),
  );

  app.post(
    '/patrons/:id/enrolment-proofs',
    {
      schema: {
        tags: ['directory'],
        summary: 'Record a proof of active enrolment (surat keterangan aktif kuliah)',
        security: staffOnly,
        params: S.IdParam,
        body: S.ProofCreate,
        response: { 201: S.PatronDetail, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await addEnrolmentProof(db, requireActor(req), protector, req.params.id, req.body)),
  );

  app.get(
    '/patrons/:id/eligibility',
    {
      schema: {
        tags: ['directory'],
        summary: 'What the patron may do at a library on a date, and why',
        security: staffOnly,
        params: S.IdParam,
        querystring: Type.Object({
          library: Type.Optional(Type.String({ maxLength: 40 })),
          date: Type.Optional(S.DateStr),
        }),
        response: { 200: S.Eligibility, ...errors },
      },
    },
    async (req) =>
      patronEligibilityFor(db, requireActor(req), req.params.id, {
        libraryRef: req.query.library,
        date: req.query.date,
      }),
  );

  app.get(
    '/libraries/:ref/eligibility-rules',
    {
      schema: {
        tags: ['directory'],
        summary: "A library's borrowing eligibility rules",
        security: staffOnly,
        params: S.RefParam,
        response: { 200: Type.Object({ items: Type.Array(S.Rule) }), ...errors },
      },
    },
    async (req) => ({ items: await listRules(db, requireActor(req), req.params.ref) }),
  );

  app.post(
    '/libraries/:ref/eligibility-rules',
    {
      schema: {
        tags: ['directory'],
        summary: 'Add an eligibility rule (library administrator)',
        security: staffOnly,
        params: S.RefParam,
        body: S.RuleCreate,
        response: { 201: S.Rule, ...errors },
      },
    },
    async (req, reply) =>
      reply.code(201).send(
        await createRule(db, requireActor(req), req.params.ref, {
          ...req.body,
          condition: req.body.condition as unknown as Condition,
        }),
      ),
  );

  app.delete(
    '/eligibility-rules/:id',
    {
      schema: {
        tags: ['directory'],
        summary: 'Retire an eligibility rule',
        security: staffOnly,
        params: S.IdParam,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await retireRule(db, requireActor(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
