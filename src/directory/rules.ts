import { type Actor, assertActFor, assertAdminOf } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db } from '../platform/db.ts';
import { invalidField, NotFound } from '../platform/errors.ts';
import { type Condition, conditionProblem, PRIVILEGES, type Privilege, type Rule } from './eligibility.ts';
import { getLibrary } from './libraries.ts';

export interface RuleInput {
  name: string;
  condition: Condition;
  grants: Privilege[];
  position?: number | undefined;
}

function checkRule(input: Partial<RuleInput>) {
  if (input.condition !== undefined) {
    const problem = conditionProblem(input.condition);
    if (problem) {
      throw invalidField('condition', {
        id: `syarat tidak valid: ${problem}`,
        en: `condition is not valid: ${problem}`,
      });
    }
  }
  if (input.grants?.some((g) => !PRIVILEGES.includes(g))) {
    throw invalidField('grants', { id: 'hak tidak dikenal', en: 'unknown privilege' });
  }
}

export async function listRules(db: Db, actor: Actor, libraryRef: string): Promise<Array<Rule & { position: number }>> {
  const lib = await getLibrary(db, libraryRef);
  assertActFor(actor, { id: lib.id, network_id: lib.networkId });
  const rows = await db
    .selectFrom('eligibility_rules')
    .select(['id', 'name', 'condition', 'grants', 'position'])
    .where('library_id', '=', lib.id)
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, condition: r.condition as Condition, grants: r.grants as Privilege[] }));
}

export async function createRule(db: Db, actor: Actor, libraryRef: string, input: RuleInput): Promise<Rule> {
  checkRule(input);
  return db.transaction().execute(async (trx) => {
    const lib = await getLibrary(trx, libraryRef);
    assertAdminOf(actor, { id: lib.id, network_id: lib.networkId });
    const row = await trx
      .insertInto('eligibility_rules')
      .values({
        library_id: lib.id,
        name: input.name,
        condition: JSON.stringify(input.condition),
        grants: input.grants,
        position: input.position ?? 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'eligibility_rule',
      entityId: row.id,
      libraryId: lib.id,
      after: { ...input },
    });
    return { id: row.id, name: input.name, condition: input.condition, grants: input.grants };
  });
}

/** Rules are retired, not deleted, so past eligibility answers stay explainable. */
export async function retireRule(db: Db, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('eligibility_rules as r')
      .innerJoin('libraries as l', 'l.id', 'r.library_id')
      .select(['r.id', 'r.library_id', 'l.network_id', 'r.name', 'r.condition', 'r.grants', 'r.active'])
      .where('r.id', '=', id)
      .executeTakeFirst();
    if (!row?.active) throw new NotFound('rule');
    assertAdminOf(actor, { id: row.library_id, network_id: row.network_id });
    await trx.updateTable('eligibility_rules').set({ active: false }).where('id', '=', id).execute();
    await audit(trx, actor, {
      action: 'delete',
      entity: 'eligibility_rule',
      entityId: id,
      libraryId: row.library_id,
      before: { name: row.name, condition: row.condition, grants: row.grants },
    });
  });
}
