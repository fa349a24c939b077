import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '.demo/**', 'scripts/**', 'docker/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.config.js', '*.config.ts'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // An empty catch must say why in a comment; a swallowed promise rejection is never allowed.
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Storage methods are async by contract (a PostgreSQL backend will await); SQLite answers at once.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // One injectable clock (shared/src/util/clock.ts): domain code never reads the machine's time
    // itself, so tests and demos can pin a time of day. Durations use performance.now().
    files: ['{shared,sfu-server,agent,demo}/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'shared/src/util/clock.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Take the injected Clock (shared/src/util/clock.ts) instead of Date.now.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Take the injected Clock (shared/src/util/clock.ts) instead of new Date().',
        },
      ],
    },
  },
  {
    files: ['*.config.js', '*.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Teardown guards (`await browser?.close()`) run after a setup that may have failed half-way.
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
);
