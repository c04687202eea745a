import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{gateway,drivers,sync,config,kiosk,test}/**/*.test.ts'],
    // Real-part tests (pty pairs, child processes, fsync-heavy journals) are slow on
    // 2 noisy cores; generous timeouts keep them honest without flaking.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Rebuilds dist/bundle when a source is newer (tests of the built command run it).
    globalSetup: ['test/global-setup.ts'],
  },
})
