import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from './output';

export interface CommonFlags {
  file?: string;
  id?: string;
  wait: boolean;
  jsonOut?: string;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** Flags every command understands, plus the command's own string, boolean and repeatable flags. */
export function parseFlags(
  argv: string[],
  extra: string[] = [],
  booleans: string[] = [],
  repeatable: string[] = [],
): CommonFlags {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    file: { type: 'string' },
    id: { type: 'string' },
    wait: { type: 'boolean' },
    'json-out': { type: 'string' },
  };
  for (const name of extra) options[name] = { type: 'string' };
  for (const name of booleans) options[name] = { type: 'boolean' };
  for (const name of repeatable) options[name] = { type: 'string', multiple: true };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  return {
    ...(typeof v.file === 'string' ? { file: v.file } : {}),
    ...(typeof v.id === 'string' ? { id: v.id } : {}),
    wait: v.wait === true,
    ...(typeof v['json-out'] === 'string' ? { jsonOut: v['json-out'] } : {}),
    positionals: parsed.positionals,
    values: v,
  };
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--file ${path}: not valid JSON (${(err as Error).message})`);
  }
}
