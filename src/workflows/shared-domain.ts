/**
 * Preloaded once per workflow thread (src/workflow-bundle.ts), never imported by a workflow: it
 * evaluates every module of src/domain before any workflow exists, so that the SDK's reusable V8
 * context puts them in its shared module cache and every cached workflow uses the same copy, its zod
 * schemas included, instead of building its own (most of a cached workflow's heap; README
 * "Performance"). A module added to src/domain is shared without being named anywhere.
 *
 * The SDK deep-freezes what it shares, and a frozen zod schema breaks: zod 4 writes to its schemas
 * as they are used (lazy internals defined on first read, the memoizer putting `parse` back on the
 * first parse, `lastIndex = 0` on a regex before each test). So the domain is frozen here, first,
 * with the same rule as the SDK's except that zod schemas and regexes are left as they are; each
 * module's exports object is frozen last, and the SDK's walk stops at an object already frozen.
 * Everything else the domain exports (constants, tables, functions) is frozen as the SDK would.
 * zod's writes are caches of what the schema's definition already says, the same whichever
 * workflow makes them, and the domain keeps no state of its own at module level (the layout test
 * checks), so sharing changes no workflow's commands.
 */
interface ModuleContext {
  keys(): string[];
  (id: string): unknown;
}

/** webpack resolves `require.context` at bundle time: every .ts (or compiled .js) file under src/domain. */
const domain = (require as unknown as { context(dir: string, deep: boolean, files: RegExp): ModuleContext }).context(
  '../domain',
  true,
  /\.[jt]s$/,
);

const isShape = (value: object): boolean => value instanceof RegExp || '_zod' in value;

/** Object.freeze, deeply, as the SDK's reusable context does; zod schemas and regexes stay writable. */
function freezeShared(value: unknown, seen: WeakSet<object>): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (seen.has(value) || Object.isFrozen(value)) return;
  seen.add(value);
  if (isShape(value)) return;
  for (const key of Reflect.ownKeys(value)) {
    try {
      freezeShared((value as Record<PropertyKey, unknown>)[key], seen);
    } catch {
      // As the SDK: some values cannot be read or frozen (a typed array); they stay as they are.
    }
  }
  Object.freeze(value);
}

const seen = new WeakSet<object>();
for (const id of domain.keys()) freezeShared(domain(id), seen);
