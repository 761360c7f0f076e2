import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
    // A workflow's whole sequence should read in one short file.
    files: ['src/workflows/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 200, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no AWS SDK, no env.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
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
          ],
          paths: [
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
          ].map((name) => ({
            name,
            message: 'Node builtins are not allowed in workflow code.',
          })),
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
  },
);
