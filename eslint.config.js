// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Logs go through pino child loggers; console is for scripts only.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Web pages served by the gateway: plain browser scripts, no build step.
    files: ['gateway/http/pages/**/*.js', 'kiosk/ui/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['scripts/**', 'gateway/cli/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The domain never touches hardware or transport libraries directly (DEVELOPERS.md).
    files: ['gateway/**'],
    ignores: ['gateway/cli/**', 'gateway/http/**', 'gateway/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['serialport', 'node-hid', 'mqtt', 'fastify'] }],
    },
  },
)
