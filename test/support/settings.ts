import { openStack } from './stack-env.js';

/** Where the tests find the stack: the same variables and defaults as the services (scripts/stack env). */
export const testStack = openStack();
export const testSettings = testStack.settings;
