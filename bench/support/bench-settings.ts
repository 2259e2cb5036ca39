import { commonSettings } from '../../shared/config/common-settings.js';
import { loadConfig } from '../../shared/config/load-config.js';

/** Where benchmarks find the stack: the same variables and defaults as the services. */
export const benchSettings = loadConfig({
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.elasticsearch,
  ...commonSettings.redis,
});
