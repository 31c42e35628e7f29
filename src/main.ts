import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidSettingsError, loadSettings, Settings } from './config/settings';
import { startDockProof } from './dockproof';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const logger = new Logger('DockProof');
  const dockproof = await startDockProof(settings);
  logger.log(`DockProof listening on http://localhost:${settings.PORT} (health: /health)`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing work under way, then stopping`);
    dockproof.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`unclean stop: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Input never crashes the service; a bug that escapes a handler is logged, not fatal.
  process.on('unhandledRejection', (reason) =>
    logger.error(`unhandled rejection: ${String(reason)}`),
  );
}

main().catch((error: unknown) => {
  console.error(
    `DockProof did not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
