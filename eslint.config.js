// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

// Import patterns are gitignore-style and match the import as written (relative, so gateway
// files name a sibling folder without `gateway/`); no {a,b} braces: one pattern per folder.
const folders = (names) => names.map((n) => `**/${n}/**`)
const DOMAIN = folders([
  'auth',
  'devices',
  'kiosk',
  'members',
  'payments',
  'portal',
  'print',
  'scan',
  'till',
  'vouchers',
])
const OUTER = [...folders(['cli', 'http', 'runtime']), '**/sync/**']
const UP_FROM_DRIVERS = ['**/gateway/**', '**/sync/**', '**/kiosk/**']
const UP_FROM_CONFIG = [...UP_FROM_DRIVERS, '**/drivers/**']
const CONFIG_MSG = 'config/ is the bottom layer: move what it needs down into config/'
const DRIVERS_MSG = 'drivers/ sit below the domain: move shared code down (config/ or drivers/)'
const STORE_MSG = 'the store sits below the domain: put the shared piece in gateway/store or lower'
const SYNC_MSG = 'sync/ may use domain types only; wire services in gateway/runtime'
const DOMAIN_MSG = 'the domain goes through its small interfaces (drivers/, gateway/store); see docs/architecture.md'

/** What domain code may not import: hardware and transport libraries, SQLite, the outer layers, and `extra`. */
function domainRule(extra) {
  return {
    paths: ['serialport', 'node-hid', 'mqtt', 'fastify', 'better-sqlite3', ...extra].map((name) => ({
      name,
      message: DOMAIN_MSG,
    })),
    patterns: [{ group: OUTER, message: DOMAIN_MSG }],
  }
}

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
    files: ['gateway/http/pages/**/*.js', 'kiosk/ui/**/*.js', 'gateway/i18n/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['scripts/**', 'gateway/cli/**'],
    rules: { 'no-console': 'off' },
  },
  // Layers (docs/architecture.md): config/ ← drivers/ ← gateway store ← gateway domain ← sync/ adapters ←
  // gateway http/runtime/cli. Each rule below keeps one layer from importing one above it.
  {
    files: ['config/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: UP_FROM_CONFIG, message: CONFIG_MSG }] }] },
  },
  {
    files: ['drivers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: UP_FROM_DRIVERS, message: DRIVERS_MSG }] }] },
  },
  {
    files: ['gateway/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...DOMAIN, ...OUTER], message: STORE_MSG }] }],
    },
  },
  {
    // The domain never touches hardware, transports or SQLite directly, nor the layers that wire it.
    files: ['gateway/**/*.ts'],
    ignores: ['gateway/cli/**', 'gateway/http/**', 'gateway/runtime/**', 'gateway/store/**'],
    rules: { 'no-restricted-imports': ['error', domainRule(['node:fs', 'node:fs/promises', 'fs'])] },
  },
  {
    // The domain's files that own a file on disk (keys, signed documents, simulator output, OS controllers).
    files: [
      'gateway/auth/key-file.ts',
      'gateway/vouchers/keys.ts',
      'gateway/vouchers/campaigns.ts',
      'gateway/vouchers/voucher-authority.ts',
      'gateway/print/print-service.ts',
      'gateway/portal/controllers/**',
      'gateway/version.ts',
      'gateway/i18n/messages.ts',
    ],
    rules: { 'no-restricted-imports': ['error', domainRule([])] },
  },
  {
    // sync/ adapts the domain to MQTT: it may implement the domain's ports (type imports), never call its services.
    files: ['sync/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: [...DOMAIN, ...OUTER], allowTypeImports: true, message: SYNC_MSG }] },
      ],
    },
  },
)
