import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'process',
  'util',
  'events',
  'stream',
];

/** Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no AWS SDK, no env. */
function sandboxBlock(files, layerPatterns) {
  return {
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Node builtins are not allowed in workflow code.' },
            { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS SDK calls belong in activities.' },
            {
              group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
              message: 'Workflow code imports @temporalio/workflow only.',
            },
            ...layerPatterns,
          ],
          paths: NODE_BUILTINS.map((name) => ({ name, message: 'Node builtins are not allowed in workflow code.' })),
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'No process.env in workflow code.' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Use workflow time via Date in the sandbox only through @temporalio/workflow helpers.',
        },
        { object: 'Math', property: 'random', message: 'Not deterministic.' },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  // Formatting is Prettier's (npm run format); eslint checks everything else.
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A forgotten await on an activity or AWS call is a silent bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Prettier's printWidth; it cannot break strings, template literals or URLs, so those may run on.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true },
      ],
      // Small files named by their role: a file past this has a seam to split along.
      'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // An import circle ties two files that cannot then be read, moved or tested apart.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Activities enter workflow code as a type only (the bundle must never pull in the AWS SDK),
    // through workflows/activity-options.ts alone, and never below activities/index.ts.
    files: ['src/workflows/activity-options.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/index'],
              allowTypeImports: true,
              message: 'Workflow code imports activities as a type only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    ignores: ['src/workflows/activity-options.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              message: 'Import the Activities type from workflows/activity-options.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // A workflow's whole sequence should read in one short file.
    files: ['src/workflows/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 200, skipBlankLines: false, skipComments: false }] },
  },
  sandboxBlock('src/workflows/**/*.ts', [
    // typescript-eslint's rule lets a type import through once any pattern allows types: this one cannot.
    {
      group: ['**/activities/*', '!**/activities/index'],
      message: 'Workflow code never imports below activities/index.ts.',
    },
  ]),
  sandboxBlock('src/domain/**/*.ts', [
    {
      group: ['**/activities', '**/activities/**', '**/workflows', '**/workflows/**', '**/cli/**'],
      message: 'domain/ imports no other layer.',
    },
  ]),
);
