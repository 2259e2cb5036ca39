export { AuthlogError } from './authlog-error.js';
export { ConfigError } from './config-error.js';
export { ShutdownTimeoutError } from './shutdown-timeout-error.js';
export { ValidationError, type FieldIssue } from './validation-error.js';
