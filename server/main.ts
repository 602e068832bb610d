/**
 * Entry point of `npm start`: starts Lantern, prints where it is, and shuts down cleanly on
 * SIGINT/SIGTERM (HTTP server, WebSockets, Redis connections, the private redis-server).
 */
import { startLantern } from './Lantern.js';

async function main(): Promise<void> {
  const lantern = await startLantern();
  // Since the process started (module loading included), not since this function ran.
  const ms = Math.round(performance.now());
  const redisNote = lantern.embeddedRedis
    ? `private redis-server (data in ${lantern.config.dataDir})`
    : lantern.config.redisClusterNodes.length > 0
      ? `Redis Cluster (REDIS_CLUSTER_NODES)`
      : 'REDIS_URL';
  console.log(`\nLantern is ready in ${ms} ms.`);
  console.log(`  Chat page:    ${lantern.url}/`);
  console.log(`  Direct Line:  ${lantern.url}/v3/directline`);
  console.log(`  Health:       ${lantern.url}/healthz`);
  console.log(`  Redis:        ${redisNote}`);
  console.log(`  Counsellors:  ${lantern.url}/counsellor`);
  if (lantern.setupLink) {
    // Printed once, to the terminal only (never to the log): it creates the first admin account.
    console.log(`\n  No staff accounts yet. Create the first admin (one time, valid 24 h):\n  ${lantern.url}${lantern.setupLink.path}`);
  }
  console.log('Press Ctrl+C to stop.\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Lantern...`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    await lantern.stop();
    clearTimeout(timer);
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`Lantern could not start: ${error.name}: ${error.message}`);
  process.exit(1);
});
