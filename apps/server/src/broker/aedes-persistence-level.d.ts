// aedes-persistence-level ships no types; it implements aedes-persistence's interface over a level database.
declare module 'aedes-persistence-level' {
  import type { AedesPersistence } from 'aedes-persistence';
  function aedesPersistenceLevel(db: unknown): AedesPersistence;
  export = aedesPersistenceLevel;
}
