#!/usr/bin/env node
/**
 * Makes sure the Chromium the end-to-end tests drive is installed. Tidepool
 * uses Debian's `chromium` package (Playwright's browser download is not
 * used). CHROMIUM_PATH names another binary; it is then only checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const DEFAULT_PATH = '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

const wanted = process.env.CHROMIUM_PATH || DEFAULT_PATH;

if (existsSync(wanted)) process.exit(0);

if (wanted !== DEFAULT_PATH) {
  console.error(`CHROMIUM_PATH is set to ${wanted}, but there is no file there.`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`Chromium is not installed at ${DEFAULT_PATH}. The end-to-end tests need it.`);
  console.error(`Install it with:\n\n  sudo sh -c '${INSTALL}'\n`);
  console.error('or point CHROMIUM_PATH at another Chromium binary.');
  process.exit(1);
}

console.log(`Chromium is not installed at ${DEFAULT_PATH}; installing Debian's chromium package.`);
const result = spawnSync('sh', ['-c', INSTALL], {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
if (result.status !== 0 || !existsSync(DEFAULT_PATH)) {
  console.error(
    `Installing chromium failed. Run this yourself as root and retry:\n\n  ${INSTALL}\n`,
  );
  process.exit(1);
}
