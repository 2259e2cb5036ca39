import { commonSettings } from '../../shared/config/common-settings.js';
import { loadConfig } from '../../shared/config/load-config.js';

/** Where the tests find the stack: the same variables and defaults as the services (scripts/stack env). */
export const testSettings = loadConfig({
  ...commonSettings.mysql,
  ...commonSettings.kafka,
  ...commonSettings.elasticsearch,
  ...commonSettings.redis,
});
