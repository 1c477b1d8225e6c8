// Every advisory lock deskmetrics takes, in one place so that no two uses share a key by accident. Advisory locks are
// per PostgreSQL database, so each key includes the schema: deskmetrics databases in different schemas of one
// PostgreSQL database never wait on each other. The values are SQL argument lists for pg_advisory_* functions.

/** Per transaction: a refresh takes it exclusively; full rebuilds of single rollups (or their parts) take it shared. */
export const ROLLUP_REFRESH_LOCK = `42107, hashtext(current_schema())`;
/** Serialises installing the rollup tables' definitions. */
export const ROLLUP_INSTALL_LOCK = `42108, hashtext(current_schema())`;
/** One writer at a time: an import and a parallel rollup rebuild take turns, as do two imports. */
export const WRITE_TURN_LOCK = `42109, hashtext(current_schema())`;
/** Serialises processes creating and migrating a schema; parameter $1 names the configured schema (it may not exist yet). */
export const MIGRATION_LOCK = `42110, hashtext($1)`;
/** Held shared by each server's rollup builder on a session of its own, so that an import can tell one is running. */
export const ROLLUP_BUILDER_LOCK = { classId: 42111, key: 'hashtext(current_schema())' } as const;
