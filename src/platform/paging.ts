import { Type } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })),
};

export interface PageParams {
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function pageOf(p: PageParams): { page: number; pageSize: number; offset: number } {
  const page = p.page ?? 1;
  const pageSize = p.pageSize ?? 25;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export const PageReply = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });
