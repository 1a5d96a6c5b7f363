import { Type } from '@fastify/type-provider-typebox';
import { type App, requireActor } from '../platform/http.ts';
import * as C from './coop-schemas.ts';
import { DateStr, IdParam } from './schemas.ts';
import {
  addParticipants,
  certificate,
  createInternship,
  createTraining,
  getInternship,
  getTraining,
  issueCertificates,
  listInternships,
  listTrainings,
  setAttendance,
  updateInternship,
} from './training.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const security = [{ session: [] }, { token: [] }];
const tags = ['programs'];
const ListQuery = Type.Object({
  library: Type.Optional(Type.String({ maxLength: 40 })),
  from: Type.Optional(DateStr),
  to: Type.Optional(DateStr),
});

/** Internships hosted for universities; training, workshops and meetings with participants and certificates. */
export async function trainingRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;
  const schema = <T extends object>(summary: string, s: T) => ({ schema: { tags, summary, security, ...s } });

  app.get(
    '/internships',
    schema('Internships the caller’s library hosted or whose university sent the interns', {
      querystring: ListQuery,
      response: { 200: Type.Object({ items: Type.Array(C.Internship) }), ...errors },
    }),
    async (req) => ({ items: await listInternships(db, requireActor(req), req.query) }),
  );
  app.post(
    '/internships',
    schema('Record interns a university sends to the caller’s library', {
      body: C.InternshipCreate,
      response: { 201: C.Internship, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await createInternship(db, requireActor(req), req.body)),
  );
  app.get(
    '/internships/:id',
    schema('One internship', { params: IdParam, response: { 200: C.Internship, ...errors } }),
    async (req) => getInternship(db, requireActor(req), req.params.id),
  );
  app.patch(
    '/internships/:id',
    schema('The host changes an internship or records its evaluation', {
      params: IdParam,
      body: C.InternshipPatch,
      response: { 200: C.Internship, ...errors },
    }),
    async (req) => updateInternship(db, requireActor(req), req.params.id, req.body),
  );
  app.get(
    '/trainings',
    schema('Training, workshops and meetings of the network (mine=true: those the library organised or attended)', {
      querystring: Type.Object({ ...ListQuery.properties, mine: Type.Optional(Type.Boolean()) }),
      response: { 200: Type.Object({ items: Type.Array(C.Training) }), ...errors },
    }),
    async (req) => ({ items: await listTrainings(db, requireActor(req), req.query) }),
  );
  app.post(
    '/trainings',
    schema('Record a training, workshop or meeting the caller’s library holds (or manages for a forum)', {
      body: C.TrainingCreate,
      response: { 201: C.Training, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await createTraining(db, requireActor(req), req.body)),
  );
  app.get(
    '/trainings/:id',
    schema('One event with its participants (others’ names only to the organiser)', {
      params: IdParam,
      response: { 200: C.Training, ...errors },
    }),
    async (req) => getTraining(db, requireActor(req), req.params.id),
  );
  app.post(
    '/trainings/:id/participants',
    schema('The organiser adds participants from network libraries or named institutions', {
      params: IdParam,
      body: C.ParticipantsAdd,
      response: { 201: C.Training, ...errors },
    }),
    async (req, reply) => reply.code(201).send(await addParticipants(db, requireActor(req), req.params.id, req.body)),
  );
  app.post(
    '/trainings/:id/attendance',
    schema('The organiser marks participants present or absent', {
      params: IdParam,
      body: C.Attendance,
      response: { 200: C.Training, ...errors },
    }),
    async (req) => setAttendance(db, requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/trainings/:id/certificates',
    schema('Issue numbered certificates to everyone who attended, once the event is over', {
      params: IdParam,
      response: { 200: C.Training, ...errors },
    }),
    async (req) => issueCertificates(db, requireActor(req), req.params.id),
  );
  app.get(
    '/trainings/:id/participants/:participantId/certificate',
    schema('A certificate to print', {
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), participantId: Type.Integer({ minimum: 1 }) }),
      response: { 200: C.Certificate, ...errors },
    }),
    async (req) => certificate(db, requireActor(req), req.params.id, req.params.participantId),
  );
}
