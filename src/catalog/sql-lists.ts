import { type RawBuilder, sql } from 'kysely';

/**
 * Lists of values as one JSON parameter instead of one parameter each: a
 * chunk of thousands of keys or ids stays one short statement for the server
 * to parse, on PGlite and PostgreSQL alike. Use as `x in ${idList(ids)}`.
 */
export function idList(ids: Iterable<number>): RawBuilder<unknown> {
  return sql`(select (jsonb_array_elements_text(${JSON.stringify([...ids])}::jsonb))::bigint)`;
}

export function textList(values: Iterable<string>): RawBuilder<unknown> {
  return sql`(select jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb))`;
}
