/** The report's schema version, apart from the zod schema so that writing a report need not load zod. */
export const SCHEMA_VERSION = 1;
