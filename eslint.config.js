// ESLint (flat config): the TypeScript sources and tests with typescript-eslint's
// type-checked rules, the scripts with ESLint's own. `npm run lint`; part of `npm test`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.lint.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // the parser compares bytes with a const enum of character codes (parse/bytes.ts): intended
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // tests read JSON and YAML documents as they come (`any`) and assert their shape
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // terminal output is matched with its escape sequences
      'no-control-regex': 'off',
    },
  },
);
