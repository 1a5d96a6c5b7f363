import { Type } from '@fastify/type-provider-typebox';
import { AppError } from '../platform/errors.ts';
import { type App, requireActor } from '../platform/http.ts';
import {
  createMapping,
  deleteMapping,
  getMapping,
  listMappings,
  MAX_WORKBOOK_PREVIEW_BYTES,
  previewMapping,
  updateMapping,
} from './mappings.ts';

const err = { $ref: 'ErrorReply#' } as const;
const errors = { 400: err, 401: err, 403: err, 404: err, 409: err };
const staffOnly = [{ session: [] }, { token: [] }];
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const LibParam = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 40 }) });
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });

// The field is checked by the service, so an unknown one gets a bilingual answer naming the choices.
const Column = Type.Object(
  {
    column: Type.String({ maxLength: 200, description: 'Header text, or the 0-based position without a header row' }),
    field: Type.String({ maxLength: 40, description: 'title, authors, isbn, barcodes, location, status, ...' }),
  },
  { additionalProperties: false },
);

const specFields = {
  columns: Type.Array(Column, { minItems: 1, maxItems: 200 }),
  hasHeader: Type.Boolean(),
  delimiter: Nullable(Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('tab')])),
  encoding: Type.Union([Type.Literal('auto'), Type.Literal('utf-8'), Type.Literal('windows-1252')]),
  multiValueSeparator: Nullable(Type.String({ minLength: 1, maxLength: 5 })),
  defaultFormat: Type.Union([
    Type.Literal('book'),
    Type.Literal('serial'),
    Type.Literal('article'),
    Type.Literal('thesis'),
    Type.Literal('map'),
    Type.Literal('music'),
    Type.Literal('video'),
    Type.Literal('audio'),
    Type.Literal('electronic'),
    Type.Literal('manuscript'),
    Type.Literal('other'),
  ]),
};

const MappingSchema = Type.Object({
  id: Type.Integer(),
  libraryId: Type.Integer(),
  libraryCode: Type.String(),
  name: Type.String(),
  ...specFields,
  columns: Type.Array(Type.Object({ column: Type.String(), field: Type.String() })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const specInputFields = {
  columns: specFields.columns,
  hasHeader: Type.Optional(specFields.hasHeader),
  delimiter: Type.Optional(specFields.delimiter),
  encoding: Type.Optional(specFields.encoding),
  multiValueSeparator: Type.Optional(specFields.multiValueSeparator),
  defaultFormat: Type.Optional(specFields.defaultFormat),
};
const Name = Type.String({ minLength: 1, maxLength: 100 });

const SpecInput = Type.Object(
  {
    columns: specFields.columns,
    hasHeader: Type.Optional(specFields.hasHeader),
    delimiter: Type.Optional(specFields.delimiter),
    encoding: Type.Optional(specFields.encoding),
    multiValueSeparator: Type.Optional(specFields.multiValueSeparator),
    defaultFormat: Type.Optional(specFields.defaultFormat),
  },
  { additionalProperties: false },
);

const Problem = Type.Object({
  field: Type.String(),
  code: Type.String(),
  message: Type.Object({ id: Type.String(), en: Type.String() }),
});

const PreviewSchema = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('ods'), Type.Literal('xls')]),
  sheet: Nullable(Type.String({ description: 'the sheet read, for a workbook' })),
  sheets: Nullable(
    Type.Array(Type.Object({ name: Type.String(), hidden: Type.Boolean() }), {
      description: "a workbook's sheets in tab order: the preview and the upload may name any of them",
    }),
  ),
  encoding: Type.String(),
  delimiter: Type.String(),
  header: Nullable(Type.Array(Type.String())),
  guess: Type.Array(Type.Object({ column: Type.String(), field: Nullable(Type.String()) })),
  mapping: Type.Object({
    ...specFields,
    columns: Type.Array(Type.Object({ column: Type.String(), field: Type.String() })),
  }),
  problems: Type.Array(Problem),
  rows: Type.Array(
    Type.Object({
      line: Type.Integer(),
      ok: Type.Boolean(),
      raw: Nullable(Type.String()),
      bib: Nullable(Type.Object({}, { additionalProperties: true })),
      reason: Nullable(Type.String({ description: "the reader's reason (English)" })),
      reasonCode: Nullable(Type.String({ description: 'what kind of reason (rejection-reasons.ts)' })),
      reasonText: Nullable(Type.Object({ id: Type.String(), en: Type.String() })),
    }),
  ),
});

// The head of a CSV file (the page sends 256 KB), or a whole Excel workbook of up to 8 MB, base64-encoded.
const MAX_SAMPLE_B64 = Math.ceil(MAX_WORKBOOK_PREVIEW_BYTES / 3) * 4;

/** Saved spreadsheet column mappings of a library, and a preview of a file read through one. */
export async function catalogMappingRoutes(app: App): Promise<void> {
  const db = app.simpul.database.db;

  app.get(
    '/libraries/:ref/mappings',
    {
      schema: {
        tags: ['catalog'],
        summary: "A library's saved spreadsheet column mappings",
        security: staffOnly,
        params: LibParam,
        response: { 200: Type.Object({ items: Type.Array(MappingSchema) }), ...errors },
      },
    },
    async (req) => ({ items: await listMappings(db, requireActor(req), req.params.ref) }),
  );

  app.post(
    '/libraries/:ref/mappings',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Save a spreadsheet column mapping (column -> field, header row, delimiter, encoding, separator)',
        security: staffOnly,
        params: LibParam,
        body: Type.Object({ name: Name, ...specInputFields }, { additionalProperties: false }),
        response: { 201: MappingSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await createMapping(db, requireActor(req), req.params.ref, req.body)),
  );

  app.get(
    '/mappings/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One saved column mapping',
        security: staffOnly,
        params: IdParam,
        response: { 200: MappingSchema, ...errors },
      },
    },
    async (req) => getMapping(db, requireActor(req), req.params.id),
  );

  app.patch(
    '/mappings/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Change a saved column mapping (imports already read through it keep their copy)',
        security: staffOnly,
        params: IdParam,
        body: Type.Partial(Type.Object({ name: Name, ...specInputFields }), {
          additionalProperties: false,
          minProperties: 1,
        }),
        response: { 200: MappingSchema, ...errors },
      },
    },
    async (req) => updateMapping(db, requireActor(req), req.params.id, req.body),
  );

  app.delete(
    '/mappings/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Delete a saved column mapping',
        security: staffOnly,
        params: IdParam,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await deleteMapping(db, requireActor(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/libraries/:ref/mappings/preview',
    {
      bodyLimit: MAX_SAMPLE_B64 + 64 * 1024,
      schema: {
        tags: ['catalog'],
        summary:
          'Read the first rows of a spreadsheet (the head of a CSV file, or a whole .xlsx, .xls or .ods workbook, base64) through a saved mapping, one sent along, or the one guessed from the header; writes nothing',
        security: staffOnly,
        params: LibParam,
        body: Type.Object(
          {
            sample: Type.String({
              minLength: 1,
              maxLength: MAX_SAMPLE_B64,
              description: 'the first bytes of a CSV file, or the whole of an Excel workbook, base64',
            }),
            partial: Type.Optional(
              Type.Boolean({ description: 'the sample is cut from a longer file: its last line is left out' }),
            ),
            mapping: Type.Optional(SpecInput),
            mappingRef: Type.Optional(
              Type.String({ minLength: 1, maxLength: 100, description: 'a saved mapping, by id or name' }),
            ),
            hasHeader: Type.Optional(Type.Boolean()),
            delimiter: Type.Optional(specFields.delimiter),
            encoding: Type.Optional(specFields.encoding),
            sheet: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 100,
                description: 'a workbook: the sheet by name (default the first)',
              }),
            ),
            rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PreviewSchema, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.mapping && b.mappingRef) {
        throw new AppError(400, 'invalid', {
          id: 'Kirim pemetaan tersimpan atau pemetaan baru, tidak keduanya',
          en: 'Send a saved mapping or a new one, not both',
        });
      }
      const sample = Buffer.from(b.sample, 'base64');
      return previewMapping(db, requireActor(req), req.params.ref, {
        sample,
        partial: b.partial ?? false,
        ...(b.mapping ? { mapping: b.mapping } : {}),
        ...(b.mappingRef ? { mappingRef: b.mappingRef } : {}),
        ...(b.hasHeader !== undefined ? { hasHeader: b.hasHeader } : {}),
        ...(b.delimiter !== undefined ? { delimiter: b.delimiter } : {}),
        ...(b.encoding ? { encoding: b.encoding } : {}),
        ...(b.sheet ? { sheet: b.sheet } : {}),
        limit: b.rows ?? 20,
      });
    },
  );
}
