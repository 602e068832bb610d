// Installs the Debian packages Lantern needs when they are missing (as root, with apt-get),
// or says in one line what to install. Plain JavaScript: it runs before `npm install`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

/** Package name → a file that shows it is installed. */
const PACKAGES = {
  'redis-server': ['/usr/bin/redis-server'],
  chromium: ['/usr/bin/chromium'],
  'fonts-noto-core': ['/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf', '/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf'],
};

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installed(name) {
  if (name === 'redis-server' && onPath('redis-server')) return true;
  if (name === 'chromium' && onPath('chromium')) return true;
  return PACKAGES[name].some((file) => existsSync(file));
}

/**
 * Makes sure the named Debian packages are present.
 * @param {string[]} names packages from PACKAGES
 * @returns {boolean} true when all are there
 */
export function ensureSystemPackages(names) {
  const missing = names.filter((name) => !installed(name));
  if (missing.length === 0) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !onPath('apt-get')) {
    console.error(`Lantern needs these Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  console.log(`Installing ${missing.join(', ')} with apt-get (one time)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } catch {
    console.error(`apt-get could not install ${missing.join(' ')}; install them by hand.`);
    return false;
  }
  return names.every(installed);
}

/** Runs `npm ci` (exactly the lockfile, never rewriting it) when node_modules is missing or older than package.json / package-lock.json. */
export function ensureNodeModules(root = process.cwd()) {
  const marker = `${root}/node_modules/.package-lock.json`;
  if (existsSync(marker)) {
    const { mtimeMs: installedAt } = statSafe(marker);
    const newest = Math.max(statSafe(`${root}/package.json`).mtimeMs, statSafe(`${root}/package-lock.json`).mtimeMs);
    if (installedAt >= newest) return;
  }
  console.log('Installing npm packages...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: root });
}

function statSafe(file) {
  try {
    return statSync(file);
  } catch {
    return { mtimeMs: 0 };
  }
}
