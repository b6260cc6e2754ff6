// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Services talk to each other only through schemas/ and bus/; only cli/ composes them. */
const serviceBoundary = (self) => ({
  files: [`${self}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: ['collector', 'triage', 'api', 'alerts', 'cli']
          .filter((other) => other !== self)
          .map((other) => ({
            group: [`**/${other}/*`, `../${other}/*`],
            message: `${self}/ must not import ${other}/`,
          })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.warden/**', '.cache/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        ReadableStream: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  serviceBoundary('collector'),
  serviceBoundary('triage'),
  serviceBoundary('api'),
  serviceBoundary('alerts'),
  {
    // The triage console runs in the browser, as plain ES modules served by the API.
    files: ['api/console/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        HTMLElement: 'readonly',
        Event: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['schemas/**/*.ts', 'bus/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/collector/*', '**/triage/*', '**/api/*', '**/alerts/*', '**/cli/*'],
              message: 'shared modules import no service',
            },
          ],
        },
      ],
    },
  },
);
