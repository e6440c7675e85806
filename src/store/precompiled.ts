// Queries built and compiled by Kysely once, then run with new values bound. Building and compiling
// a query cost the recording path about three times what SQLite took to run it, and every message
// sent or received runs the same few shapes again.
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Db } from './database.ts';

type Value = string | number | null;

/** Stands for an argument while the query is built; the value is bound at each run. */
export type Arg<Args extends Record<string, Value>> = <K extends keyof Args & string>(name: K) => Args[K];

/** Marks an argument in the compiled parameters; no real value starts with a NUL character. */
const MARK = '\u0000zapd-arg:';

interface Template<Args> {
  compiled: CompiledQuery;
  bind: Array<(args: Args) => unknown>;
}

/**
 * Wraps a query whose shape never depends on its values: `build` must pass each value through `arg`
 * and must not branch on it (make one precompiled query per shape instead). Compiled once per
 * dialect; the query runs on whatever handle it is given, a transaction included.
 */
export function precompiled<Args extends Record<string, Value>>(build: (db: Db, arg: Arg<Args>) => Compilable<unknown>): (db: Db, args: Args) => Promise<QueryResult<unknown>> {
  // Transactions share their database's adapter, so this keys by dialect and database.
  const templates = new WeakMap<object, Template<Args>>();
  const template = (db: Db): Template<Args> => {
    const adapter = db.getExecutor().adapter;
    const known = templates.get(adapter);
    if (known) return known;
    const used = new Set<string>();
    const compiled = build(db, ((name: string) => {
      used.add(name);
      return `${MARK}${name}`;
    }) as Arg<Args>).compile();
    if (compiled.sql.includes(MARK)) throw new Error(`precompiled query inlined an argument: ${compiled.sql}`);
    const bound = new Set<string>();
    const bind = compiled.parameters.map((parameter): ((args: Args) => unknown) => {
      if (typeof parameter !== 'string' || !parameter.startsWith(MARK)) return () => parameter;
      const name = parameter.slice(MARK.length);
      bound.add(name);
      return (args) => args[name];
    });
    const unbound = [...used].filter((name) => !bound.has(name));
    if (unbound.length > 0) throw new Error(`precompiled query did not bind ${unbound.join(', ')}: ${compiled.sql}`);
    const made = { compiled, bind };
    templates.set(adapter, made);
    return made;
  };
  return (db, args) => {
    const { compiled, bind } = template(db);
    return db.executeQuery({ ...compiled, parameters: bind.map((value) => value(args)) });
  };
}
