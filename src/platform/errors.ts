import { type Bilingual, msg, things } from './messages.ts';

export interface FieldError {
  field: string;
  message: Bilingual;
}

/** Every error a route may answer with. Routes throw these; one handler shapes the reply. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Bilingual,
    readonly details?: unknown,
  ) {
    super(messages.en);
  }
}

export class NotFound extends AppError {
  /** A thing of the platform catalogue, or a module's own bilingual name for it. */
  constructor(thing: keyof typeof things | Bilingual, details?: unknown) {
    const t = typeof thing === 'string' ? things[thing] : thing;
    const m = msg('not_found');
    super(404, 'not_found', { id: m.id.replace('{what}', t.id), en: m.en.replace('{what}', t.en) }, details);
  }
}

export class Unauthenticated extends AppError {
  constructor() {
    super(401, 'unauthenticated', msg('unauthenticated'));
  }
}

export class Forbidden extends AppError {
  constructor(messages: Bilingual = msg('forbidden'), code = 'forbidden') {
    super(403, code, messages);
  }
}

/** A rule of the domain says no; `code` names which rule, for clients to branch on. */
export class Conflict extends AppError {
  constructor(code: string, messages: Bilingual, details?: unknown) {
    super(409, code, messages, details);
  }
}

export class Invalid extends AppError {
  constructor(fields: FieldError[], messages: Bilingual = msg('invalid')) {
    super(400, 'invalid', messages, { fields });
  }
}

export class TooManyRequests extends AppError {
  constructor(seconds: number) {
    super(429, 'rate_limited', msg('rate_limited', { seconds }), { retryAfterSeconds: seconds });
  }
}

export function invalidField(field: string, message: Bilingual): Invalid {
  return new Invalid([{ field, message }]);
}
