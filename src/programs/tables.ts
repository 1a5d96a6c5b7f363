/** Kysely row types of the tables the programs module owns (migrations/0010_programs.sql on). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the module grows
export interface ProgramsTables {}
