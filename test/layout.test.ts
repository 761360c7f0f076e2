/**
 * The layout's rules (README "Layout"): layers outside, capabilities inside, the same capability
 * names on every floor, imports only downward, and no failure or workflow type spelled as a string
 * in workflow code. Import circles and activities imported by value into workflows are lint errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { FailureTypes } from '../src/domain/failure-types';
import * as workflows from '../src/workflows';
import { ROOT } from '../harness/root';

const SRC = path.join(ROOT, 'src');
const FLOORS = ['domain', 'workflows', 'activities'] as const;
/** What each capability may import on its own floor: the capabilities below it (README "Layout"). */
const BELOW: Record<string, string[]> = {
  peering: [],
  database: ['peering'],
  mesh: ['peering'],
  cost: ['peering'],
  failover: ['peering', 'database'],
  drill: ['peering', 'database', 'failover', 'cost'],
};
const BASE: Record<(typeof FLOORS)[number], string[]> = {
  domain: ['net', 'aws'],
  workflows: [],
  activities: ['aws', 'ec2', 'history'],
};
/** The composition roots: they wire every capability together. */
const COMPOSERS = new Set(['workflows/index.ts', 'activities/index.ts']);

const tsFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));

function relativeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const specs: string[] = [];
  source.forEachChild((node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      const spec = (node.moduleSpecifier as ts.StringLiteral).text;
      if (spec.startsWith('.')) specs.push(path.resolve(path.dirname(file), spec));
    }
  });
  return specs;
}

/** `{ floor, folder }` of a path under src/, where folder is '' for a floor's root files. */
function place(target: string): { floor: string; folder: string } | undefined {
  const parts = path.relative(SRC, target).split(path.sep);
  if (!FLOORS.includes(parts[0] as (typeof FLOORS)[number])) return undefined;
  return { floor: parts[0]!, folder: parts.length > 2 ? parts[1]! : '' };
}

describe('the layout', () => {
  it.each(FLOORS)('GIVEN src/%s THEN it holds capability folders and at most 8 files at its root', (floor) => {
    const entries = fs.readdirSync(path.join(SRC, floor), { withFileTypes: true });
    const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    expect(entries.filter((e) => e.isFile()).length).toBeLessThanOrEqual(8);
    for (const folder of folders) expect([...Object.keys(BELOW), ...BASE[floor]]).toContain(folder);
    expect(folders).toEqual(expect.arrayContaining(['peering', 'mesh', 'failover', 'drill', 'cost']));
  });

  it('GIVEN every file of a floor THEN it imports on its own floor only itself, what is below it, and the base', () => {
    const wrong: string[] = [];
    for (const floor of FLOORS) {
      for (const file of tsFiles(path.join(SRC, floor))) {
        const from = place(file)!;
        const rel = path.relative(SRC, file);
        if (COMPOSERS.has(rel)) continue;
        for (const target of relativeImports(file)) {
          const to = place(target);
          if (!to || to.floor !== floor || to.folder === from.folder || BASE[floor].includes(to.folder)) continue;
          if (to.folder === '') continue; // the floor's root files: failures, activity options, context helpers
          const allowed = from.folder === '' || BASE[floor].includes(from.folder) ? [] : (BELOW[from.folder] ?? []);
          if (!allowed.includes(to.folder)) wrong.push(`${rel} → ${path.relative(SRC, target)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('GIVEN src/domain THEN it imports nothing from workflows, activities or cli', () => {
    const wrong = tsFiles(path.join(SRC, 'domain')).flatMap((file) =>
      relativeImports(file)
        .filter((t) => !path.relative(SRC, t).startsWith('domain'))
        .map((t) => `${path.relative(SRC, file)} → ${path.relative(SRC, t)}`),
    );
    expect(wrong).toEqual([]);
  });

  it('GIVEN src/workflows THEN no failure type or workflow type name is spelled as a string literal', () => {
    const names = new Set<string>([...Object.values(FailureTypes), ...Object.keys(workflows).filter(isWorkflowName)]);
    const found: string[] = [];
    for (const file of tsFiles(path.join(SRC, 'workflows'))) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node) => {
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && names.has(node.text)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${path.relative(SRC, file)}:${line + 1} '${node.text}'`);
        }
        node.forEachChild(visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it('GIVEN the workflow type constants THEN each names an exported workflow function of the same name', () => {
    const constants = collectWorkflowConstants();
    expect(constants.length).toBeGreaterThanOrEqual(8);
    for (const name of constants) {
      expect(typeof (workflows as Record<string, unknown>)[name]).toBe('function');
      expect(((workflows as Record<string, unknown>)[name] as { name: string }).name).toBe(name);
    }
  });
});

const isWorkflowName = (name: string) => /^[A-Z]/.test(name);

/** The values of every `<Capability>Workflows` constant in the domain's types files. */
function collectWorkflowConstants(): string[] {
  const values: string[] = [];
  for (const file of tsFiles(path.join(SRC, 'domain')).filter((f) => f.endsWith('types.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Record<string, unknown>;
    for (const [key, value] of Object.entries(mod)) {
      if (key.endsWith('Workflows') && value && typeof value === 'object') {
        values.push(...Object.values(value as Record<string, string>));
      }
    }
  }
  return values;
}
